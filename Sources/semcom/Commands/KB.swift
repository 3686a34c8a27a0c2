import ArgumentParser
import Foundation
import KnowledgeBase
import TabularCodec
import VitalSignsCodec

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
                The vital-sign knowledge bases (trained on synthetic ECG, no --data) are rebuilt by: \
                semcom kb build --modality vitals-rhythm --seed 0 --out KnowledgeBases/vitals-rhythm.semkb and \
                semcom kb build --modality vitals-waveform --seed 0 --out KnowledgeBases/vitals-waveform.semkb
                """)

        enum Modality: String, ExpressibleByArgument, CaseIterable {
            case tabular
            case vitalsRhythm = "vitals-rhythm"
            case vitalsWaveform = "vitals-waveform"
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The modality of the data: \(Modality.allCases.map(\.rawValue).joined(separator: ", ")).")
        var modality: Modality

        @Option(help: "The data file (CSV described by --schema; tabular only).")
        var data: String?

        @Option(help: "The table schema (JSON; tabular only).")
        var schema: String?

        @Option(help: "Where to write the knowledge base (.semkb).")
        var out: String

        @Option(help: "Complex channel uses per record (tabular, default 4) or per window (vitals-rhythm 16, vitals-waveform 32).")
        var channelUses: Int?

        @Option(help: "Training epochs (default: tabular 150, vitals-rhythm 120, vitals-waveform 150).")
        var epochs: Int?

        func validate() throws {
            if let channelUses, !(channelUses >= 1 && channelUses <= 1024) {
                throw ValidationError("--channel-uses must be in 1…1024, got \(channelUses)")
            }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
            if modality == .tabular && (data == nil || schema == nil) {
                throw ValidationError("--modality tabular needs --data and --schema")
            }
            if modality != .tabular && (data != nil || schema != nil) {
                throw ValidationError("--modality \(modality.rawValue) trains on synthetic ECG; it takes no --data or --schema")
            }
        }

        func run() throws {
            global.apply()
            switch modality {
            case .vitalsRhythm: return try buildRhythm()
            case .vitalsWaveform: return try buildWaveform()
            case .tabular: break
            }
            guard let data, let schema else { throw ValidationError("--modality tabular needs --data and --schema") }
            let channelUses = self.channelUses ?? 4
            let epochs = self.epochs ?? 150
            let tableSchema = try TableSchema(contentsOfFile: schema)
            var configuration = TabularCodecConfiguration.default
            configuration.seed = global.seed
            configuration.channelUsesPerSample = channelUses
            configuration.epochs = epochs
            let (kb, report) = try TabularKnowledgeBase.build(
                dataPath: data, schema: tableSchema, configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.recordCount) records (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (channel, snr, evaluation) in report.evaluations {
                print("  \(channel) \(snr) dB: accuracy \(String(format: "%.3f", evaluation.accuracy))")
            }
        }

        private func buildRhythm() throws {
            var configuration = RhythmCodecConfiguration.default
            configuration.seed = global.seed
            if let channelUses { configuration.channelUsesPerWindow = channelUses }
            if let epochs { configuration.epochs = epochs }
            let (kb, report) = RhythmCodec.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.trainCount) training / \(report.testCount) test windows of 10 s")
            print("fingerprint \(kb.fingerprint.hexString)")
            for (snr, e) in report.evaluations {
                print("  awgn \(snr) dB: accuracy \(String(format: "%.3f", e.accuracy)), HR MAE \(String(format: "%.2f", e.heartRateMAE)) bpm")
            }
        }

        private func buildWaveform() throws {
            var configuration = WaveformCodecConfiguration.default
            configuration.seed = global.seed
            if let channelUses { configuration.channelUsesPerWindow = channelUses }
            if let epochs { configuration.epochs = epochs }
            let (kb, report) = WaveformCodec.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.trainCount) training windows, \(report.testRecordings) test recordings of 20 s")
            print("fingerprint \(kb.fingerprint.hexString)")
            for (snr, e) in report.evaluations {
                print("  awgn \(snr) dB: PRD mean \(String(format: "%.2f", e.meanPRD)) %, median \(String(format: "%.2f", e.medianPRD)) %, R-peak F1 \(String(format: "%.4f", e.peakF1))")
            }
        }
    }

    /// `semcom kb inspect`: prints a knowledge base's manifest and sections.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a knowledge base's identity, schema, provenance and metrics.")

        @Argument(help: "The .semkb file.")
        var path: String

        func run() throws {
            print(TabularKnowledgeBase.inspect(try KnowledgeBase(contentsOfFile: path)))
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
            print(try TabularKnowledgeBase.verify(contentsOfFile: path))
        }
    }
}
