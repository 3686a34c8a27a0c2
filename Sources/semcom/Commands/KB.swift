import ArgumentParser
import Foundation
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
                """)

        enum Modality: String, ExpressibleByArgument, CaseIterable { case tabular }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The modality of the data: \(Modality.allCases.map(\.rawValue).joined(separator: ", ")).")
        var modality: Modality

        @Option(help: "The data file (CSV described by --schema).")
        var data: String

        @Option(help: "The table schema (JSON).")
        var schema: String

        @Option(help: "Where to write the knowledge base (.semkb).")
        var out: String

        @Option(help: "Complex channel uses per record.")
        var channelUses: Int = 4

        @Option(help: "Training epochs.")
        var epochs: Int = 150

        func validate() throws {
            guard channelUses >= 1 && channelUses <= 1024 else {
                throw ValidationError("--channel-uses must be in 1…1024, got \(channelUses)")
            }
            guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        }

        func run() throws {
            global.apply()
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
