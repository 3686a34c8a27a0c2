import ClinicalTextCodec
import HealthData
import KnowledgeBase
import SemanticCodec
import TensorCore
import Testing

@Suite struct NoiseTests {
    static let note = "58 y/o M presents with chest pain and shortness of breath. Denies fever. SpO2 87 %, HR 128 bpm."

    @Test func specGrammarAcceptsAndRejects() throws {
        // The shared grammar (SemanticCodec's SemanticNoiseSpec, tested in full there).
        #expect(try SemanticNoiseSpec.parse("synonym:0.2, reverse:0.1").terms == [
            SemanticNoiseSpec.Term(name: "synonym", rate: 0.2), SemanticNoiseSpec.Term(name: "reverse", rate: 0.1),
        ])
        #expect(try SemanticNoiseSpec.parse("synonym:0.2,reverse:0.1").description == "synonym:0.2,reverse:0.1")
        for bad in ["", "synonym", "synonym:", "synonym:abc", "synonym:-0.1", "synonym:nan",
            "synonym:0.1,,reverse:0.1", "synonym:0.1,synonym:0.2", "a:b:c"]
        {
            #expect {
                try ClinicalTextNoise(spec: bad, lexicon: .standard)
            } throws: { ($0 as! ClinicalTextCodecError).code == .invalidNoiseSpec }
        }
        // The text registry: unknown names and rates above 1.
        for bad in ["jitter:0.1", "synonym:1.5", "synonym:0.2,reverse"] {
            #expect {
                try ClinicalTextNoise(spec: bad, lexicon: .standard)
            } throws: { ($0 as! ClinicalTextCodecError).code == .invalidNoiseSpec }
        }
    }

    @Test func zeroRatesChangeNothingAndBudgetsCount() throws {
        var rng = Xoshiro256(seed: 1)
        let identity = try ClinicalTextNoise(spec: "synonym:0,reverse:0", lexicon: .standard)
        let same = identity.perturb(Self.note, using: &rng)
        #expect(same.text == Self.note)
        #expect(same.budget.editDistance == 0 && same.budget.wordsChangedFraction == 0)

        let all = try ClinicalTextNoise(spec: "reverse:1", lexicon: .standard)
        let reversed = all.perturb("chest pain, SpO2", using: &rng)
        #expect(reversed.text == "tsehc niap, OpS2")
        #expect(reversed.budget.wordsChangedFraction == 1)
        #expect(reversed.budget.editDistance > 0)
        #expect(reversed.budget.originalWords == 3)
    }

    @Test func letterOperationsKeepDigitsAndPunctuation() throws {
        var rng = Xoshiro256(seed: 2)
        for spec in ["swap:1", "insert:1", "delete:1"] {
            let noise = try ClinicalTextNoise(spec: spec, lexicon: .standard)
            let out = noise.perturb("cough, 87 %", using: &rng)
            #expect(out.text.hasSuffix(", 87 %"), "\(spec): \(out.text)")
            #expect(out.text != "cough, 87 %")
            #expect(out.budget.editDistance <= 2)
        }
    }

    @Test func synonymsComeFromTheRightList() throws {
        var rng = Xoshiro256(seed: 3)
        let lexicon = ClinicalLexicon.standard
        let dyspnea = lexicon.concepts[lexicon.conceptIndex(of: "dyspnea")!]
        let kb = try ClinicalTextNoise(spec: "synonym:1", lexicon: lexicon)
        let heldOut = try ClinicalTextNoise(spec: "synonym-heldout:1", lexicon: lexicon)
        for _ in 0..<20 {
            let a = kb.perturb("Reports shortness of breath.", using: &rng).text
            #expect((dyspnea.synonyms + dyspnea.misspellings).contains { a == "Reports \($0)." }, "\(a)")
            let b = heldOut.perturb("Reports shortness of breath.", using: &rng).text
            #expect(dyspnea.heldOutSynonyms.contains { b == "Reports \($0)." }, "\(b)")
        }
    }

    @Test func wordLevelNoiseAndDeterminism() throws {
        let noise = try ClinicalTextNoise(spec: "dropout:0.3,shuffle:0.3", lexicon: .standard)
        var a = Xoshiro256(seed: 9)
        var b = Xoshiro256(seed: 9)
        let x = noise.perturb(Self.note, using: &a)
        #expect(x == noise.perturb(Self.note, using: &b))
        #expect(x.budget.wordsChangedFraction > 0 && x.budget.wordsChangedFraction <= 1)
        let dropAll = try ClinicalTextNoise(spec: "dropout:1", lexicon: .standard)
        #expect(dropAll.perturb("a b c", using: &a).text.split(separator: " ").count == 1)  // one word is kept
    }

    @Test func levenshteinDistances() {
        #expect(levenshtein(Array("kitten"), Array("sitting")) == 3)
        #expect(levenshtein([Character](), Array("abc")) == 3)
        #expect(levenshtein(["a", "b"], ["a", "b"]) == 0)
    }
}

@Suite("Text noise catalog")
struct TextNoiseCatalogTests {
    @Test func textKindsParseForTextOnly() throws {
        var catalog = SemanticNoiseCatalog()
        catalog.register(ClinicalTextNoise.kinds, for: .text)
        #expect(ClinicalTextNoise.kinds.map(\.name) == ClinicalTextNoise.Kind.allCases.map(\.rawValue))
        #expect(throws: Never.self) { try catalog.parse("synonym:0.2,reverse:0.1", for: .text) }
        #expect(throws: SemanticCodecError.self) { try catalog.parse("jitter:0.1", for: .text) }
        #expect(throws: SemanticCodecError.self) { try catalog.parse("synonym:0.2", for: .tabular) }
    }
}
