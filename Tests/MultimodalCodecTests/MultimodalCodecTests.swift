import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import Testing
import TensorCore

@testable import MultimodalCodec

@Suite("MultimodalCodec")
struct MultimodalCodecTests {
    static let names = ["a", "b", "c"]

    /// Small labelled records: label 1 iff field a is high; the note says so in words.
    static func records(_ count: Int, seed: UInt64) -> [HealthRecord] {
        var rng = Xoshiro256(seed: seed)
        return (0..<count).map { i in
            let label = i % 2
            let a = Double(label == 1 ? 6 + Int(rng.next() % 5) : 1 + Int(rng.next() % 4))
            let note = label == 1 ? "markedly thick clumps; numerous bare nuclei." : "thin clumps; no bare nuclei."
            return HealthRecord(id: "r\(i)", fields: [a, Double(rng.next() % 10), nil], note: note, label: label)
        }
    }

    static func featurizer() throws -> HealthRecordFeaturizer {
        try HealthRecordFeaturizer.fit(records(40, seed: 1), fieldNames: names, hashBuckets: 32, hashSeed: 9)
    }

    @Test func featureLayout() throws {
        let f = try Self.featurizer()
        #expect(f.width == 2 * 3 + 32 + 2)
        #expect(f.tableColumns == 0..<6 && f.noteColumns == 6..<40)
        let x = try f.features(of: [
            HealthRecord(id: "x", fields: [5, nil, 1], note: "thin clumps."), HealthRecord(id: "y", fields: [1, 2, 3], note: " "),
        ])
        #expect(x.shape == [2, 40])
        #expect(x.scalars[1] == 0 && x.scalars[3 + 1] == 1 && x.scalars[3 + 0] == 0)  // b missing → 0 and flag
        #expect(x.scalars[6 + 32] == 1 && x.scalars[6 + 33] == 1)  // note present, all words known
        #expect(x.scalars[40 + 6..<80].allSatisfy { $0 == 0 })  // empty note → all-zero note block
        var rng = Xoshiro256(seed: 2)
        let noise = f.noteBlock(CytologyReportGenerator.noiseNote(words: 30, using: &rng))
        #expect(noise[33] < 0.2)  // random words are not in the report vocabulary
    }

    @Test func invalidRecordsAreTypedErrors() throws {
        let f = try Self.featurizer()
        #expect {
            _ = try f.features(of: [HealthRecord(id: "bad", fields: [1, 2], note: "x")])
        } throws: { ($0 as? MultimodalCodecError)?.code == .invalidRecord && ($0 as? MultimodalCodecError)?.record == 0 }
        #expect {
            _ = try f.features(of: [HealthRecord(id: "ok", fields: [1, 2, 3], note: ""), HealthRecord(id: "nan", fields: [1, .nan, 3], note: "")])
        } throws: { ($0 as? MultimodalCodecError)?.field == 1 && ($0 as? MultimodalCodecError)?.record == 1 }
    }

    @Test func corruptionsChangeOnlyTheirModality() throws {
        let f = try Self.featurizer()
        let x = try f.features(of: Self.records(6, seed: 3))
        var rng = Xoshiro256(seed: 4)
        let noTable = ModalityCorruption(.tableMissing, featurizer: f).perturb(x, using: &rng)
        let noisyNote = ModalityCorruption(.noteNoise, featurizer: f).perturb(x, using: &rng)
        for r in 0..<6 {
            let row = { (t: Tensor<Float>, c: Range<Int>) in Array(t.scalars[(r * 40 + c.lowerBound)..<(r * 40 + c.upperBound)]) }
            #expect(row(noTable, f.noteColumns) == row(x, f.noteColumns))
            #expect(row(noTable, 0..<3).allSatisfy { $0 == 0 } && row(noTable, 3..<6).allSatisfy { $0 == 1 })
            #expect(row(noisyNote, f.tableColumns) == row(x, f.tableColumns))
            #expect(row(noisyNote, f.noteColumns) != row(x, f.noteColumns))
        }
        let untouched = ModalityCorruption([(.tableMissing, 0)], featurizer: f).perturb(x, using: &rng)
        #expect(untouched == x)
    }

    @Test func buildsTrainsAndRoundTripsThroughItsKnowledgeBase() throws {
        var configuration = MultimodalCodecConfiguration.tiny
        configuration.epochs = 8
        configuration.channelUsesPerSample = 2
        let records = Self.records(60, seed: 5)
        let (kb, report) = try MultimodalKnowledgeBase.build(
            records: records, dataSHA256: "test", fieldNames: Self.names, labelNames: ["low", "high"],
            configuration: configuration)
        #expect(report.codec.heads.map(\.name) == ["fused", "table-only", "note-only"])
        // The task is easy from either modality: clearly better than chance on the test records.
        let fused = report.evaluations.first { $0.head == "fused" && $0.condition == "none" }!
        #expect(fused.accuracy > 0.8, "\(report.evaluations)")
        let bytes = try kb.serializedBytes()
        let read = try MultimodalCodec(knowledgeBase: try KnowledgeBase(bytes: bytes))
        let x = try read.featurizer.features(of: records)
        var a = Xoshiro256(seed: 6)
        var b = Xoshiro256(seed: 6)
        for (original, restored) in zip(report.codec.heads, read.heads) {
            #expect(original.pipeline.symbols(for: x, using: &a) == restored.pipeline.symbols(for: x, using: &b))
            #expect(original.pipeline.decode(x.rows(0..<2).gatherColumnsForTest(4)) == restored.pipeline.decode(x.rows(0..<2).gatherColumnsForTest(4)))
        }
        #expect(throws: MultimodalCodecError.self) { try read.probabilities(received: Tensor(zeros: [1, 3])) }
        #expect(throws: MultimodalCodecError.self) { try read.probabilities(received: Tensor(shape: [1, 4], scalars: [0, .nan, 0, 0])) }
        #expect(try read.probabilities(received: Tensor(zeros: [2, 4])).shape == [2, 2])
    }

    @Test func fusedBranchesStartFromTheSingleModalityHeads() throws {
        let f = try Self.featurizer()
        let c = MultimodalCodecConfiguration.tiny
        var rng = Xoshiro256(seed: 3)
        var fused = MultimodalCodec.makeHead(.fused, featurizer: f, classes: 2, configuration: c, using: &rng)
        let table = MultimodalCodec.makeHead(.table, featurizer: f, classes: 2, configuration: c, using: &rng)
        let note = MultimodalCodec.makeHead(.note, featurizer: f, classes: 2, configuration: c, using: &rng)
        let fusionBefore = Array(fused.pipeline.parameters.dropFirst(4))
        #expect(fused.pipeline.parameters[0] != table.pipeline.parameters[0])
        MultimodalKnowledgeBase.initializeBranches(of: &fused, from: table, and: note)
        let p = fused.pipeline.parameters
        #expect(p[0] == table.pipeline.parameters[0] && p[1] == table.pipeline.parameters[1])
        #expect(p[2] == note.pipeline.parameters[0] && p[3] == note.pipeline.parameters[1])
        #expect(Array(p.dropFirst(4)) == fusionBefore)  // fusion and decoder keep their own weights
        // With the table blanked, the fused head's note branch now computes what the note-only head's does.
        let x = try f.features(of: Self.records(4, seed: 8))
        let branches = fused.pipeline.encoder.network.layers[0] as! ColumnBranches<Float>
        let noteOnly = note.pipeline.encoder.network.layers[0] as! ColumnBranches<Float>
        #expect(Array(branches(x).scalars[c.tableHidden..<(c.tableHidden + c.noteHidden)]) == Array(noteOnly(x).scalars[0..<c.noteHidden]))
    }

    @Test func damagedKnowledgeBasesAreRejected() throws {
        let (kb, _) = try MultimodalKnowledgeBase.build(
            records: Self.records(30, seed: 7), dataSHA256: "test", fieldNames: Self.names, labelNames: ["low", "high"],
            configuration: .tiny)
        let noHeads = KnowledgeBase(
            manifest: kb.manifest, sections: kb.sections.filter { $0.name != MultimodalKnowledgeBase.SectionName.heads })
        #expect { try MultimodalCodec(knowledgeBase: noHeads) } throws: {
            ($0 as? MultimodalCodecError)?.code == .missingSection
        }
        let badTensor = KnowledgeBase(
            manifest: kb.manifest,
            sections: kb.sections.map {
                $0.name == "head.fused.decoder.0.weight" ? Section(name: $0.name, content: .tensor(Tensor(zeros: [3, 3]))) : $0
            })
        #expect { try MultimodalCodec(knowledgeBase: badTensor) } throws: {
            ($0 as? MultimodalCodecError)?.code == .sectionMismatch && ($0 as? MultimodalCodecError)?.section == "head.fused.decoder.0.weight"
        }
        var wrongModality = kb
        wrongModality.manifest.modality = .tabular
        #expect(throws: MultimodalCodecError.self) { try MultimodalCodec(knowledgeBase: wrongModality) }
        #expect(throws: MultimodalCodecError.self) {
            _ = try MultimodalKnowledgeBase.build(
                records: Self.records(30, seed: 7).map { var r = $0; r.label = nil; return r }, dataSHA256: "x",
                fieldNames: Self.names, labelNames: ["low", "high"], configuration: .tiny)
        }
    }
}

extension Tensor where Scalar == Float {
    /// The first `n` columns of `[rows, width]` (a received-symbol stand-in for decoder tests).
    fileprivate func gatherColumnsForTest(_ n: Int) -> Tensor {
        let w = shape[1]
        return Tensor(shape: [shape[0], n], scalars: (0..<shape[0]).flatMap { r in scalars[(r * w)..<(r * w + n)] })
    }
}
