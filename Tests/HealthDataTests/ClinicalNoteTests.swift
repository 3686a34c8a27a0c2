import HealthData
import TensorCore
import Testing

@Suite struct ClinicalNoteTests {
    @Test func triageRulesFollowTheDocumentedTiers() {
        func facts(_ affirmed: [String], negated: [String] = [], _ vitals: [VitalSign: Double] = [:], severity: String? = nil) -> ClinicalFacts {
            ClinicalFacts(
                mentions: affirmed.map { ConceptMention(concept: $0, negated: false) }
                    + negated.map { ConceptMention(concept: $0, negated: true) },
                vitals: vitals, painSeverity: severity)
        }
        #expect(TriageRules.triage(facts(["chest_pain"], [.spo2: 87])) == .emergent)  // E1
        #expect(TriageRules.triage(facts(["cough"], [.systolicBP: 85])) == .emergent)  // E2
        #expect(TriageRules.triage(facts(["chest_pain", "diaphoresis"])) == .emergent)  // E5
        #expect(TriageRules.triage(facts(["chest_pain"], [.spo2: 92])) == .emergent)  // E5 (SpO2 < 94)
        #expect(TriageRules.triage(facts(["chest_pain"], [.spo2: 96])) == .urgent)  // U5
        #expect(TriageRules.triage(facts(["cough"], negated: ["chest_pain"], [.spo2: 96])) == .routine)
        #expect(TriageRules.triage(facts(["cough"], [.spo2: 90])) == .urgent)  // U2, boundary 90 is not < 90
        #expect(TriageRules.triage(facts(["cough"], [.spo2: 89])) == .emergent)
        #expect(TriageRules.triage(facts(["headache"], severity: "severe")) == .urgent)  // U6
        #expect(TriageRules.triage(facts(["headache"], severity: "mild")) == .routine)
        #expect(TriageRules.triage(facts(["fatigue"], [.temperature: 38.5])) == .urgent)  // U1
        #expect(TriageRules.triage(facts(["rash"], negated: ["facial_droop"])) == .routine)
        #expect(TriageRules.triage(facts(["slurred_speech"])) == .emergent)  // E6
    }

    @Test func generatorIsDeterministicBalancedAndConsistent() throws {
        let generator = ClinicalNoteGenerator()
        var a = Xoshiro256(seed: 3)
        var b = Xoshiro256(seed: 3)
        let notes = generator.generate(count: 300, split: .train, using: &a)
        #expect(notes == generator.generate(count: 300, split: .train, using: &b))
        for triage in TriageClass.allCases {
            let count = notes.filter { $0.triage == triage }.count
            #expect(count > 60, "class \(triage) has \(count) of 300 notes")
        }
        let heldOut = Set(ClinicalLexicon.standard.concepts.flatMap(\.heldOutSynonyms))
        for note in notes {
            #expect(!note.text.isEmpty)
            #expect(note.split == "train")
            #expect(!note.concepts.isEmpty)
            let lower = note.text.lowercased()
            #expect(!heldOut.contains { lower.contains(" " + $0 + " ") || lower.contains(" " + $0 + ".") })
        }
    }

    @Test func testSplitUsesHeldOutTemplatesAndTrainNever() {
        let generator = ClinicalNoteGenerator()
        var rng = Xoshiro256(seed: 5)
        let train = generator.generate(count: 200, split: .train, using: &rng)
        let test = generator.generate(count: 200, split: .test, using: &rng)
        let heldOutTemplates: Set<String> = [
            "presentation.5", "presentation.6", "negation.4", "negation.5", "findings.4", "history.3", "vitals.3",
        ]
        #expect(train.allSatisfy { Set($0.templates).isDisjoint(with: heldOutTemplates) })
        #expect(test.allSatisfy { !Set($0.templates).isDisjoint(with: heldOutTemplates) })
    }

    @Test func jsonLinesRoundTripAndErrors() throws {
        var rng = Xoshiro256(seed: 1)
        let notes = ClinicalNoteGenerator().generate(count: 5, split: .test, using: &rng)
        let bytes = ClinicalNote.jsonLines(notes)
        #expect(try ClinicalNote.parseJSONLines(bytes) == notes)

        let invalid = Array(#"{"id":"a","text":"x"#.utf8) + [0xFF] + Array(#"","triage":"urgent","concepts":[]}"#.utf8)
        #expect {
            try ClinicalNote.parseJSONLines(bytes + invalid, source: "n.jsonl")
        } throws: { error in
            let e = error as! HealthDataError
            return e.code == .invalidEncoding && e.line == 6 && e.file == "n.jsonl"
        }
        #expect {
            try ClinicalNote.parseJSONLines(Array(#"{"id":"a","text":"  ","triage":"urgent","concepts":[]}"#.utf8))
        } throws: { ($0 as! HealthDataError).code == .missingValue }
        #expect {
            try ClinicalNote.parseJSONLines(Array(#"{"id":"a","text":"x","triage":"later","concepts":[]}"#.utf8))
        } throws: { ($0 as! HealthDataError).code == .malformedRecord }
        #expect { try ClinicalNote.parseJSONLines(Array("\n\n".utf8)) } throws: { ($0 as! HealthDataError).code == .emptyFile }
    }
}
