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

    @Test func rateHeadsRoundTripAndValidationNotesChooseTheRate() throws {
        var configuration = ClinicalTextCodecConfiguration.tiny
        configuration.epochs = 2
        configuration.rateHeadChannelUses = [2]
        configuration.validationFraction = 0.1
        let notes = Self.notes()
        let (kb, report) = try ClinicalTextKnowledgeBase.build(
            notes: notes, dataSHA256: "test", dataSource: nil, configuration: configuration)
        #expect(report.trainCount == 216 && report.testCount == 60)
        let validation = kb.tensor(named: ClinicalTextKnowledgeBase.SectionName.validationIndices)!.scalars.map { Int($0) }
        let test = kb.tensor(named: ClinicalTextKnowledgeBase.SectionName.testIndices)!.scalars.map { Int($0) }
        #expect(validation.count == 24 && Set(validation).isDisjoint(with: test) && validation.allSatisfy { notes[$0].split == "train" })
        #expect(kb.manifest.metrics["rate_2_awgn_10db_triage_accuracy"] != nil)
        #expect(kb.manifest.metrics["rate_selected_awgn_10db_channel_uses"] != nil)

        let codec = try ClinicalTextCodec(knowledgeBase: KnowledgeBase(bytes: kb.serializedBytes()))
        #expect(codec.availableChannelUses == [2, 8])
        let small = try #require(codec.atChannelUses(2))
        #expect(small.channelUsesPerSample == 2 && small.rateHeads.map(\.channelUsesPerSample) == [8])
        #expect(codec.atChannelUses(3)?.channelUsesPerSample == nil)
        let inputs = try codec.inputs(for: notes.prefix(5).map(\.text)).bytes
        var a = Xoshiro256(seed: 1)
        var b = Xoshiro256(seed: 1)
        #expect(small.pipeline.symbols(for: inputs, using: &a) == report.codec.atChannelUses(2)!.pipeline.symbols(for: inputs, using: &b))
        #expect(small.pipeline.symbols(for: inputs, using: &a).shape == [5, 4])

        let validationNotes = validation.map { notes[$0] }
        var rng = Xoshiro256(seed: 2)
        let selection = codec.selectChannelUses(
            validationInputs: try codec.inputs(for: validationNotes.map(\.text)).bytes, notes: validationNotes,
            over: AWGN(snrDecibels: 10), using: &rng)
        let accuracies = selection.validationAccuracies
        let best = accuracies.values.max()!
        #expect(accuracies.keys.sorted() == [2, 8] && selection.validationNotes == 24)
        #expect(abs(selection.margin - (best * (1 - best) / 24).squareRoot()) < 1e-12)
        #expect(accuracies[selection.channelUses]! >= best - selection.margin - 1e-12)
        for k in codec.availableChannelUses where k < selection.channelUses { #expect(accuracies[k]! < best - selection.margin) }

        // A damaged rate-head list is a typed error naming the section.
        let name = ClinicalTextKnowledgeBase.SectionName.rateHeads
        let sections = kb.sections.map { $0.name == name ? Section(name: name, content: .raw(Array("[{".utf8))) : $0 }
        #expect {
            try ClinicalTextCodec(knowledgeBase: KnowledgeBase(manifest: kb.manifest, sections: sections))
        } throws: { error in
            let e = error as! ClinicalTextCodecError
            return e.code == .sectionMismatch && e.section == name
        }
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
