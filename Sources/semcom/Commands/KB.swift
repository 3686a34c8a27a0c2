import ArgumentParser
import Foundation
import ClinicalTextCodec
import HealthData
import KnowledgeBase
import TabularCodec

extension SemCom {
    /// `semcom kb`: build, inspect and verify knowledge bases (`.semkb`).
    struct KB: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kb",
            abstract: "Build, inspect and verify knowledge bases (.semkb).",
            subcommands: [Build.self, Inspect.self, Verify.self])
    }
}

extension SemCom.KB {
    /// `semcom kb build`: trains a codec and writes its knowledge base.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a semantic codec on a data set and write its knowledge base.",
            discussion: """
                The shipped BCWD knowledge base is rebuilt by: semcom kb build --modality tabular \
                --data Samples/bcwd/breast-cancer-wisconsin.data --schema Samples/bcwd/bcwd.schema.json \
                --seed 0 --out KnowledgeBases/bcwd-tabular.semkb
                The shipped clinical-triage knowledge base is rebuilt by: semcom kb build --modality text \
                --data Samples/notes/clinical-notes.jsonl --seed 0 --out KnowledgeBases/clinical-triage.semkb \
                (add --training-noise none for the codec trained without semantic noise).
                """)

        enum Modality: String, ExpressibleByArgument, CaseIterable { case tabular, text }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The modality of the data: \(Modality.allCases.map(\.rawValue).joined(separator: ", ")).")
        var modality: Modality

        @Option(help: "The data file (tabular: CSV described by --schema; text: JSONL notes).")
        var data: String

        @Option(help: "The table schema (JSON; tabular only).")
        var schema: String?

        @Option(help: "Where to write the knowledge base (.semkb).")
        var out: String

        @Option(help: "Complex channel uses per record (default: tabular 4, text 8).")
        var channelUses: Int?

        @Option(help: "Training epochs (default: tabular 150, text 40).")
        var epochs: Int?

        @Option(help: "Text: the noise-aware-training spec (name:rate,…), or none for a codec trained on clean notes.")
        var trainingNoise: String = ClinicalTextCodecConfiguration.defaultTrainingNoise

        func validate() throws {
            if let channelUses, !(1...1024).contains(channelUses) {
                throw ValidationError("--channel-uses must be in 1…1024, got \(channelUses)")
            }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
            if modality == .tabular && schema == nil { throw ValidationError("--modality tabular needs --schema") }
            if modality == .text && trainingNoise != "none" {
                do {
                    _ = try ClinicalTextNoise(spec: trainingNoise, lexicon: .standard)
                } catch {
                    throw ValidationError("--training-noise: \(error)")
                }
            }
        }

        func run() throws {
            global.apply()
            if modality == .text { return try buildText() }
            let tableSchema = try TableSchema(contentsOfFile: schema!)
            var configuration = TabularCodecConfiguration.default
            configuration.seed = global.seed
            configuration.channelUsesPerSample = channelUses ?? 4
            configuration.epochs = epochs ?? 150
            let (kb, report) = try TabularKnowledgeBase.build(
                dataPath: data, schema: tableSchema, configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.recordCount) records (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (channel, snr, evaluation) in report.evaluations {
                print("  \(channel) \(snr) dB: accuracy \(String(format: "%.3f", evaluation.accuracy))")
            }
        }

        /// `--modality text`: a clinical-text knowledge base from JSONL notes.
        private func buildText() throws {
            var configuration = ClinicalTextCodecConfiguration.default
            configuration.seed = global.seed
            if let channelUses { configuration.channelUsesPerSample = channelUses }
            if let epochs { configuration.epochs = epochs }
            configuration.trainingNoise = trainingNoise == "none" ? nil : trainingNoise
            if configuration.trainingNoise == nil { configuration.name = "clinical-triage-clean" }
            let (kb, report) = try ClinicalTextKnowledgeBase.build(
                dataPath: data, configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            if report.truncatedCount > 0 {
                FileHandle.standardError.write(
                    Data("warning: \(report.truncatedCount) notes longer than \(configuration.maximumBytes) bytes were truncated\n".utf8))
            }
            print("wrote \(out): \(report.noteCount) notes (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (channel, snr, noise, evaluation) in report.evaluations {
                print(
                    "  \(channel) \(snr) dB, noise \(noise): triage accuracy \(String(format: "%.3f", evaluation.triageAccuracy)), "
                        + "concept F1 \(String(format: "%.3f", evaluation.conceptF1))")
            }
        }
    }

    /// `semcom kb inspect`: prints a knowledge base's manifest and sections.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a knowledge base's identity, schema, provenance and metrics.")

        @Argument(help: "The .semkb file.")
        var path: String

        func run() throws {
            let kb = try KnowledgeBase(contentsOfFile: path)
            print(kb.manifest.modality == .text ? ClinicalTextKnowledgeBase.inspect(kb) : TabularKnowledgeBase.inspect(kb))
        }
    }

    /// `semcom kb verify`: checks every byte of a knowledge base.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a knowledge base: checksums, compression, manifest, fingerprint and codec.",
            discussion: "Exits with a non-zero status and names the damaged section or offset when anything is wrong.")

        @Argument(help: "The .semkb file.")
        var path: String

        func run() throws {
            let modality = try? KnowledgeBase(contentsOfFile: path).manifest.modality
            print(
                modality == .text
                    ? try ClinicalTextKnowledgeBase.verify(contentsOfFile: path)
                    : try TabularKnowledgeBase.verify(contentsOfFile: path))
        }
    }
}
