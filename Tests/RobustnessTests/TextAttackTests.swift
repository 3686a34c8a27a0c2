import Robustness
import TensorCore
import Testing

@Suite struct TextAttackTests {
    static let notes = [
        "Patient reports chest pain and fever since morning.",
        "Chest pain radiating to the left arm, fever of 39 C, sweating, nausea, dizzy.",
        "Mild cough, no fever.",
        "Fever and chest pain.",
    ]
    static let labels = [1, 1, 0, 1]

    @Test func zeroBudgetsChangeNothing() throws {
        let model = KeywordTextModel()
        let synonym = try SynonymAttack(maximumWordFraction: 0)
        let charedit = try CharacterEditAttack(maximumEdits: 0)
        var rng = Xoshiro256(seed: 0)
        for note in Self.notes {
            #expect(try synonym.attack(model, text: note, label: 1, using: &rng).text == note)
            #expect(try charedit.attack(model, text: note, label: 1, using: &rng).text == note)
        }
        let m = try AttackEvaluation.measureText(
            model, texts: Self.notes, labels: Self.labels, name: "synonym", budget: 0, seed: 1
        ) { text, label, rng in
            let r = try synonym.attack(model, text: text, label: label, using: &rng)
            return (r.text, r.wordsChangedFraction, r.queries)
        }.measurement
        #expect(m.robustAccuracy == m.cleanAccuracy)
        #expect(m.attackSuccessRate == 0)
    }

    @Test func synonymAttackUsesOnlyKBSynonymsWithinBudget() throws {
        let model = KeywordTextModel()
        let attack = try SynonymAttack(maximumWordFraction: 0.5)
        var rng = Xoshiro256(seed: 0)
        let result = try attack.attack(model, text: "Fever and chest pain.", label: 1, using: &rng)
        #expect(result.wordsChangedFraction <= 0.5)
        // The strongest single substitution (fever → a weaker synonym) already flips the prediction.
        #expect(!result.text.lowercased().contains("fever"))
        #expect(result.text.hasSuffix("."))
        let p = try model.probabilities([result.text], using: &rng)
        #expect(p.argmaxAlongLastAxis() == [0])
        // A tight budget (1 word of 4) cannot replace the two-word phrase.
        let tight = try SynonymAttack(maximumWordFraction: 0.25).attack(model, text: "Fever and chest pain.", label: 1, using: &rng)
        #expect(tight.wordsChangedFraction <= 0.25)
        #expect(tight.text.lowercased().contains("chest pain"))
    }

    @Test func characterEditsStayWithinBudget() throws {
        let model = KeywordTextModel()
        var rng = Xoshiro256(seed: 3)
        for budget in [1, 2, 4] {
            let attack = try CharacterEditAttack(maximumEdits: budget)
            for note in Self.notes {
                let r = try attack.attack(model, text: note, label: 1, using: &rng)
                #expect(r.edits <= budget)
                let lengthChange = abs(r.text.count - note.split(whereSeparator: \.isWhitespace).joined(separator: " ").count)
                #expect(lengthChange <= r.edits)
            }
        }
        // Two edits break both keywords of the short note.
        let r = try CharacterEditAttack(maximumEdits: 2).attack(model, text: "Fever and chest pain.", label: 1, using: &rng)
        #expect(try model.probabilities([r.text], using: &rng).argmaxAlongLastAxis() == [0])
    }
}
