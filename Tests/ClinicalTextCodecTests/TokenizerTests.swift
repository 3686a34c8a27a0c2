import ClinicalTextCodec
import HealthData
import TensorCore
import Testing

@Suite struct TokenizerTests {
    static let featurizer = ClinicalTextFeaturizer(
        matcher: ClinicalTermMatcher(lexicon: ClinicalTextKnowledgeBase.knowledgeBaseLexicon(of: .standard)),
        conceptCount: ClinicalLexicon.standard.concepts.count, severityCount: 3, hashBuckets: 64, hashSeed: 1)

    @Test func tokensKeepNumbersUnitsAndAbbreviations() {
        let tokens = ClinicalTokenizer.tokenize("58 y/o M: SpO2 87%, T 38.9°C; BP 92/60 mmHg. Ärger")
        #expect(tokens.map(\.text) == [
            "58", "y", "/", "o", "m", ":", "spo2", "87", "%", ",", "t", "38.9", "°", "c", ";", "bp", "92", "/", "60",
            "mmhg", ".", "ärger",
        ])
        #expect(tokens[11].value == 38.9)
        #expect(ClinicalTokenizer.tokenize("").isEmpty)
        #expect(ClinicalTokenizer.tokenize("  --- ").isEmpty)
    }

    @Test func negationScopeEndsAtTerminatorsAndSentences() {
        let reading = Self.featurizer.read("Denies chest pain or fever but reports cough. Hx of HTN. No SOB.")
        let ids = ClinicalLexicon.standard.conceptIDs
        let concepts = reading.matches.compactMap { match -> String? in
            guard case .concept(let c) = match.term else { return nil }
            return ids[c] + (match.negated ? "-" : "+")
        }
        #expect(concepts == ["chest_pain-", "fever-", "cough+", "hypertension+", "dyspnea-"])
    }

    @Test func spellingToleranceCoversReversalSwapsAndOneEdit() {
        let matcher = Self.featurizer.matcher
        #expect(matcher.correct("niap") == "pain")  // reversed
        #expect(matcher.correct("tsehc") == "chest")  // reversed
        #expect(matcher.correct("dyspnae") == "dyspnea")  // adjacent swap
        #expect(matcher.correct("coughh") == "cough")  // insertion
        #expect(matcher.correct("heacache") == "headache")  // substitution
        #expect(matcher.correct("fevr") == "fever")  // deletion
        #expect(matcher.correct("zzzzqx") == nil)  // unknown word: no vocabulary match
    }

    @Test func vitalSignsAreReadWithUnits() {
        let r = Self.featurizer.read("SpO2 87 %, HR 128 bpm, blood pressure 92/60, temp 101.3 F, RR 24/min")
        #expect(r.vitals[.spo2] == 87)
        #expect(r.vitals[.heartRate] == 128)
        #expect(r.vitals[.systolicBP] == 92)
        #expect(abs(r.vitals[.temperature]! - 38.5) < 0.01)
        #expect(r.vitals[.respiratoryRate] == 24)
        // An implausible value is ignored rather than trusted.
        #expect(Self.featurizer.read("HR 9999").vitals[.heartRate] == nil)
    }

    @Test func unknownWordsStillGiveFeatures() {
        let x = Self.featurizer.features(of: ["qwertz blorp", "chest pain"])
        #expect(x.shape == [2, Self.featurizer.width])
        let first = x.scalars[0..<Self.featurizer.width]
        #expect(first.contains { $0 != 0 })
        let finite = x.scalars.allSatisfy { $0.isFinite }
        #expect(finite)
    }
}
