import Channels
import ClinicalTextCodec
import HealthData
import KnowledgeBase
import SemanticCodec
import TensorCore
import Testing

@Suite struct CodecKnowledgeBaseTests {
    static func notes() -> [ClinicalNote] {
        var rng = Xoshiro256(seed: 4)
        let generator = ClinicalNoteGenerator()
        return generator.generate(count: 240, split: .train, using: &rng)
            + generator.generate(count: 60, split: .test, firstIndex: 240, using: &rng)
    }

    static let built: (KnowledgeBase, ClinicalTextBuildReport) = {
        try! ClinicalTextKnowledgeBase.build(notes: notes(), dataSHA256: "test", dataSource: nil, configuration: .tiny)
    }()

    @Test func buildLearnsAndRoundTripsThroughTheFile() throws {
        let (kb, report) = Self.built
        #expect(report.trainCount == 240 && report.testCount == 60)
        #expect(report.losses.last! < report.losses.first!)
        #expect(report.evaluations.count == 1 && report.evaluations[0].evaluation.transmissions == 60)
        let bytes = try kb.serializedBytes()
        let read = try KnowledgeBase(bytes: bytes)
        #expect(read.fingerprint == kb.fingerprint)
        let codec = try ClinicalTextCodec(knowledgeBase: read)
        #expect(codec.channelUsesPerSample == 8)
        let inputs = try codec.inputs(for: Self.notes().prefix(5).map(\.text)).bytes
        var a = Xoshiro256(seed: 1)
        var b = Xoshiro256(seed: 1)
        #expect(codec.pipeline.symbols(for: inputs, using: &a) == report.codec.pipeline.symbols(for: inputs, using: &b))
        let decoded = try codec.decode(received: codec.pipeline.symbols(for: inputs, using: &a))
        #expect(decoded.count == 5)
        #expect(codec.triagePipeline.decode(codec.pipeline.symbols(for: inputs, using: &a)).shape == [5, 3])
    }

    @Test func heldOutSynonymsNeverReachTheKnowledgeBase() throws {
        let (kb, _) = Self.built
        let stored = Set(kb.synonymSets(named: ClinicalTextKnowledgeBase.SectionName.synonyms)!.flatMap { $0 })
        let heldOut = Set(ClinicalLexicon.standard.concepts.flatMap(\.heldOutSynonyms))
        #expect(stored.isDisjoint(with: heldOut))
        #expect(stored.contains("shortness of breath") && stored.contains("sob"))
    }

    @Test func badKnowledgeBasesAndSymbolsAreRejected() throws {
        let (kb, report) = Self.built
        var sections = kb.sections.filter { $0.name != ClinicalTextKnowledgeBase.SectionName.synonyms }
        #expect {
            try ClinicalTextCodec(knowledgeBase: KnowledgeBase(manifest: kb.manifest, sections: sections))
        } throws: { error in
            let e = error as! ClinicalTextCodecError
            return e.code == .missingSection && e.section == ClinicalTextKnowledgeBase.SectionName.synonyms
        }
        sections = kb.sections
        var manifest = kb.manifest
        manifest.modality = .tabular
        #expect {
            try ClinicalTextCodec(knowledgeBase: KnowledgeBase(manifest: manifest, sections: sections))
        } throws: { ($0 as! ClinicalTextCodecError).code == .sectionMismatch }
        #expect {
            try report.codec.decode(received: Tensor(zeros: [2, 3]))
        } throws: { ($0 as! ClinicalTextCodecError).code == .incompatibleSymbols }
        #expect {
            try report.codec.decode(received: Tensor(repeating: .nan, shape: [1, 16]))
        } throws: { ($0 as! ClinicalTextCodecError).code == .incompatibleSymbols }
    }

    @Test func buildRejectsUnusableNotes() {
        let notes = Self.notes()
        #expect {
            try ClinicalTextKnowledgeBase.build(
                notes: notes.filter { $0.split == "train" }, dataSHA256: "x", dataSource: nil, configuration: .tiny)
        } throws: { ($0 as! ClinicalTextCodecError).code == .invalidData }
        var bad = notes
        bad[3].concepts.append(ConceptMention(concept: "gout", negated: false))
        #expect {
            try ClinicalTextKnowledgeBase.build(notes: bad, dataSHA256: "x", dataSource: nil, configuration: .tiny)
        } throws: { error in
            let e = error as! ClinicalTextCodecError
            return e.code == .invalidData && e.line == 4
        }
    }
}
