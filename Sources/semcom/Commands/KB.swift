import ArgumentParser
import Foundation
import HealthData
import KnowledgeBase
import PoseCodec
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
                The shipped pose knowledge base (generated data, no --data) is rebuilt by: semcom kb build \
                --modality pose --seed 0 --out KnowledgeBases/pose-activity.semkb
                """)

        enum Modality: String, ExpressibleByArgument, CaseIterable { case tabular, pose }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The modality of the data: \(Modality.allCases.map(\.rawValue).joined(separator: ", ")).")
        var modality: Modality

        @Option(help: "The data file (CSV described by --schema; tabular only).")
        var data: String?

        @Option(help: "The table schema (JSON; tabular only).")
        var schema: String?

        @Option(help: "Where to write the knowledge base (.semkb).")
        var out: String

        @Option(help: "Complex channel uses per record (default: 4 tabular, 8 pose).")
        var channelUses: Int?

        @Option(help: "Training epochs (default: 150 tabular, 40 pose).")
        var epochs: Int?

        @Option(help: "Pose: generated subjects (default 160).")
        var subjects: Int?

        @Option(help: "Pose: clips per subject and activity (default 4).")
        var clipsPerActivity: Int?

        @Option(help: "Pose: the gradient-reversal weight λ of the height/wingspan adversary (default 0.5; 0 disables it).")
        var adversaryWeight: Float?

        func validate() throws {
            if let channelUses, !(1...1024).contains(channelUses) {
                throw ValidationError("--channel-uses must be in 1…1024, got \(channelUses)")
            }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
            switch modality {
            case .tabular:
                guard data != nil, schema != nil else { throw ValidationError("--modality tabular needs --data and --schema") }
                guard subjects == nil, clipsPerActivity == nil, adversaryWeight == nil else {
                    throw ValidationError("--subjects, --clips-per-activity and --adversary-weight are pose options")
                }
            case .pose:
                guard data == nil, schema == nil else {
                    throw ValidationError("--modality pose trains on generated data; it takes no --data or --schema")
                }
                if let subjects, !(4...100_000).contains(subjects) { throw ValidationError("--subjects must be in 4…100000, got \(subjects)") }
                if let clipsPerActivity, !(1...1000).contains(clipsPerActivity) {
                    throw ValidationError("--clips-per-activity must be in 1…1000, got \(clipsPerActivity)")
                }
                if let adversaryWeight, !(adversaryWeight >= 0 && adversaryWeight <= 100) {
                    throw ValidationError("--adversary-weight must be in 0…100, got \(adversaryWeight)")
                }
            }
        }

        func run() throws {
            global.apply()
            if modality == .pose { return try runPose() }
            guard let data, let schema else { throw ValidationError("--modality tabular needs --data and --schema") }
            let tableSchema = try TableSchema(contentsOfFile: schema)
            var configuration = TabularCodecConfiguration.default
            configuration.seed = global.seed
            configuration.channelUsesPerSample = channelUses ?? configuration.channelUsesPerSample
            configuration.epochs = epochs ?? configuration.epochs
            let (kb, report) = try TabularKnowledgeBase.build(
                dataPath: data, schema: tableSchema, configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.recordCount) records (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (channel, snr, evaluation) in report.evaluations {
                print("  \(channel) \(snr) dB: accuracy \(String(format: "%.3f", evaluation.accuracy))")
            }
        }

        private func runPose() throws {
            var configuration = PoseCodecConfiguration.default
            configuration.seed = global.seed
            configuration.channelUsesPerSample = channelUses ?? configuration.channelUsesPerSample
            configuration.epochs = epochs ?? configuration.epochs
            configuration.dataset.subjects = subjects ?? configuration.dataset.subjects
            configuration.dataset.clipsPerActivity = clipsPerActivity ?? configuration.dataset.clipsPerActivity
            configuration.adversaryWeight = adversaryWeight ?? configuration.adversaryWeight
            let (kb, report) = PoseKnowledgeBase.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.trainClips) train clips (\(report.trainSubjects) subjects) / \(report.testClips) test clips (\(report.testSubjects) other subjects)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (snr, e) in report.evaluations {
                print("  awgn \(snr) dB: accuracy \(String(format: "%.3f", e.accuracy)), fall recall \(e.fallRecall.map { String(format: "%.3f", $0) } ?? "-"), fall false alarms \(e.fallFalseAlarmRate.map { String(format: "%.3f", $0) } ?? "-")")
            }
            for row in report.privacy {
                print("  privacy \(row.view) → \(row.target): attacker MAE \(String(format: "%.4f", row.result.meanAbsoluteError)) m, mean predictor \(String(format: "%.4f", row.result.meanPredictorError)) m, ratio \(String(format: "%.3f", row.result.ratio))")
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
            let modality = try? KnowledgeBase(contentsOfFile: path).manifest.modality
            if modality == .pose {
                print(try PoseKnowledgeBase.verify(contentsOfFile: path))
            } else {
                print(try TabularKnowledgeBase.verify(contentsOfFile: path))
            }
        }
    }
}
