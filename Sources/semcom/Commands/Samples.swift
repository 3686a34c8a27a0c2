import ArgumentParser
import Foundation
import HealthData
import TensorCore

extension SemCom {
    /// `semcom samples`: sample data files.
    struct Samples: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate sample data files (synthetic, seeded).", subcommands: [Generate.self])
    }
}

extension SemCom.Samples {
    /// `semcom samples generate`: writes generated recordings.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write generated sample recordings.",
            discussion: """
                --kind pose writes one JSONL file per subject and activity (pose-s<subject>-<activity>.jsonl: \
                one frame per line, 17 joints [x, y, z] in metres or null, 30 fps, with the ground truth on \
                every line). The shipped Samples/pose files: semcom samples generate --kind pose --subjects 1 \
                --seconds 3 --seed 0 --out Samples/pose
                """)

        enum Kind: String, ExpressibleByArgument, CaseIterable { case pose }

        @OptionGroup var global: GlobalOptions

        @Option(help: "What to generate: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: Kind

        @Option(help: "The output directory (created if missing).")
        var out: String

        @Option(help: "Subjects (each with its own random body).")
        var subjects: Int = 1

        @Option(help: "Seconds per recording.")
        var seconds: Double = 3

        func validate() throws {
            guard (1...1000).contains(subjects) else {
                throw ValidationError("--subjects must be in 1…1000, got \(subjects)")
            }
            guard seconds >= 1 && seconds <= 3600 else {
                throw ValidationError("--seconds must be in 1…3600, got \(seconds)")
            }
        }

        func run() throws {
            global.apply()
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var rng = Xoshiro256(seed: global.seed)
            let paths = try PoseGenerator.writeSamples(
                toDirectory: out, subjects: subjects, durationSeconds: seconds, using: &rng)
            for path in paths { print(path) }
        }
    }
}
