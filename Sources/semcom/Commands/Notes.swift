import ArgumentParser
import Foundation
import HealthData
import TensorCore

extension SemCom {
    /// `semcom notes`: synthetic clinical notes.
    struct Notes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notes", abstract: "Generate synthetic clinical triage notes (JSONL).",
            subcommands: [Generate.self])
    }
}

extension SemCom.Notes {
    /// `semcom notes generate`: writes labelled notes as JSON Lines.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write synthetic triage notes labelled by the documented rules (HealthData TriageRules).",
            discussion: """
                The shipped sample is made by: semcom notes generate --train 2400 --test 600 --seed 0 \
                --out Samples/notes/clinical-notes.jsonl. Training notes use training sentence templates \
                only; test notes use at least one held-out template each.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Notes with training templates (split 'train').")
        var train: Int = 2400

        @Option(help: "Notes with at least one held-out template (split 'test').")
        var test: Int = 600

        @Option(help: "Where to write the notes (JSONL).")
        var out: String

        func validate() throws {
            guard train >= 0, test >= 0, train + test >= 1, train + test <= 1_000_000 else {
                throw ValidationError("--train and --test must be ≥ 0 with 1…1000000 notes in total, got \(train) and \(test)")
            }
        }

        func run() throws {
            var rng = Xoshiro256(seed: global.seed)
            let generator = ClinicalNoteGenerator()
            let notes = generator.generate(count: train, split: .train, using: &rng)
                + generator.generate(count: test, split: .test, firstIndex: train, using: &rng)
            try Data(ClinicalNote.jsonLines(notes)).write(to: URL(fileURLWithPath: out))
            let counts = TriageClass.allCases.map { triage in "\(triage.rawValue) \(notes.filter { $0.triage == triage }.count)" }
            print("wrote \(out): \(notes.count) notes (\(train) train / \(test) test); \(counts.joined(separator: ", "))")
        }
    }
}
