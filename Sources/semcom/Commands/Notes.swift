import ArgumentParser
import Foundation
import ClinicalTextCodec
import HealthData
import TensorCore

extension SemCom {
    /// `semcom notes`: synthetic clinical notes.
    struct Notes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notes", abstract: "Generate synthetic clinical triage notes (JSONL).",
            subcommands: [Generate.self, Audit.self])
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

extension SemCom.Notes {
    /// `semcom notes audit`: how well the featurizer reads the facts the triage rules use.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Audit the clinical-text featurizer: the facts it reads against each note's labels.",
            discussion: """
                For each note, the featurizer's reading (concepts affirmed / negated, vital signs, severity) \
                is turned into facts and the documented triage rules are applied to them. Reports per split \
                the fraction of notes whose rule triage from the reading equals the label, whose concept set \
                is read exactly, and whose vital signs are read exactly; prints the first mismatches. \
                With --noise SPEC each note is first perturbed by the semantic-noise injector (seeded by --seed): \
                what the featurizer still reads under that noise bounds what any codec trained on its features can do.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Notes (JSONL, as written by 'semcom notes generate').")
        var data: String

        @Option(help: "Mismatching notes to print per split.")
        var show: Int = 5

        @Option(help: "Perturb every note with this semantic-noise spec (name:rate,…) before reading it.")
        var noise: String?

        @Option(help: "Write the result as JSON.")
        var json: String?

        func validate() throws {
            if let noise {
                do { _ = try ClinicalTextNoise(spec: noise, lexicon: .standard) } catch { throw ValidationError("--noise: \(error)") }
            }
        }

        func run() throws {
            var notes = try ClinicalNote.load(contentsOfFile: data)
            let lexicon = ClinicalLexicon.standard
            if let noise {
                let injector = try ClinicalTextNoise(spec: noise, lexicon: lexicon)
                var rng = Xoshiro256(seed: global.seed)
                for i in notes.indices { notes[i].text = injector.perturb(notes[i].text, using: &rng).text }
            }
            let featurizer = ClinicalTextFeaturizer(
                matcher: ClinicalTermMatcher(lexicon: lexicon), conceptCount: lexicon.concepts.count,
                severityCount: lexicon.severityWords.count, hashBuckets: 1, hashSeed: 0)
            var rows: [[String: Any]] = []
            for split in Set(notes.map(\.split)).sorted() {
                let subset = notes.filter { $0.split == split }
                var triageOK = 0, conceptsOK = 0, vitalsOK = 0, shown = 0
                for note in subset {
                    let facts = featurizer.facts(of: note.text, conceptIDs: lexicon.conceptIDs, severityWords: lexicon.severityWords)
                    let triage = TriageRules.triage(facts)
                    let read = Set(facts.mentions.map { "\($0.concept)\($0.negated ? "-" : "+")" })
                    let truth = Set(note.concepts.map { "\($0.concept)\($0.negated ? "-" : "+")" })
                    var vitals: [String: Double] = [:]
                    for (sign, value) in facts.vitals { vitals[sign.rawValue] = value }
                    let vitalsMatch = vitals.count == note.vitals.count
                        && note.vitals.allSatisfy { key, value in vitals[key].map { abs($0 - value) < 0.051 } ?? false }
                    if triage == note.triage { triageOK += 1 }
                    if read == truth { conceptsOK += 1 }
                    if vitalsMatch { vitalsOK += 1 }
                    if (triage != note.triage || read != truth || !vitalsMatch) && shown < show {
                        shown += 1
                        print("[\(split)] \(note.id) label \(note.triage.rawValue), rules on reading \(triage.rawValue)")
                        print("  text: \(note.text)")
                        if read != truth {
                            print("  concepts missed \(truth.subtracting(read).sorted()), spurious \(read.subtracting(truth).sorted())")
                        }
                        if !vitalsMatch { print("  vitals read \(vitals), labelled \(note.vitals)") }
                    }
                }
                let n = Double(Swift.max(subset.count, 1))
                print("\(split): \(subset.count) notes; rule triage from reading = label \(fmt(Double(triageOK) / n)); concept set exact \(fmt(Double(conceptsOK) / n)); vitals exact \(fmt(Double(vitalsOK) / n))")
                rows.append([
                    "split": split, "notes": subset.count, "rule_triage_agreement": Double(triageOK) / n,
                    "concept_set_exact": Double(conceptsOK) / n, "vitals_exact": Double(vitalsOK) / n,
                ])
            }
            if let json {
                let object: [String: Any] = [
                    "command": "notes audit", "seed": global.seed, "data": data, "noise": noise ?? "none", "rows": rows,
                ]
                try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                    .write(to: URL(fileURLWithPath: json))
            }
        }

        private func fmt(_ value: Double) -> String { String(format: "%.3f", value) }
    }
}
