import Channels
import HealthData
import KnowledgeBase
import SemanticCodec
import TabularCodec
import TensorCore
import Testing

@Suite struct CodecKnowledgeBaseTests {
    @Test func buildRecordsSplitProvenanceAndMetrics() throws {
        let (kb, report) = try sharedTinyBuild.get()
        // 546 training records, 110 of them held out for validation (not fitted on).
        #expect(report.recordCount == 683 && report.trainCount == 436 && report.testCount == 137)
        let m = kb.manifest
        #expect(m.name == "bcwd-tabular" && m.modality == .tabular && m.task == "diagnosis")
        #expect(m.labelNames == ["benign", "malignant"])
        #expect(m.schema?.fields.count == 9)
        #expect(m.architecture?.channelUsesPerSample == 4)
        let p = try #require(m.provenance)
        #expect(p.seed == 0 && p.threads == 1 && p.epochs == 20)
        #expect(p.adversarial?.method == "semantic_noise" && p.adversarial?.target == "input")
        #expect(p.dataSHA256.count == 64)
        #expect(p.snrTrainingRangeDecibels == ValueRange(minimum: -5, maximum: 20))
        #expect(p.split.contains("546 train / 137 test"))
        #expect(m.metrics["awgn_20db_accuracy"] != nil && m.metrics["awgn_0db_auc"] != nil)
        #expect(m.metrics["rayleigh_csi_0db_accuracy"] != nil && m.metrics["rayleigh_no_csi_20db_accuracy"] != nil)
        let split = try TabularKnowledgeBase.recordedSplit(of: kb, recordCount: 683)
        #expect(split.testIndices.count == 137 && split.trainIndices.count == 546)
        #expect(Set(split.testIndices).isDisjoint(with: split.trainIndices))
    }

    @Test func aTinyTrainingRunIsAccurateAtHighSNR() throws {
        let (kb, _) = try sharedTinyBuild.get()
        let codec = try TabularCodec(knowledgeBase: kb)
        let test = try TabularKnowledgeBase.recordedTestSet(of: kb, dataPath: Repository.bcwdData)
        var rng = Xoshiro256(seed: 3)
        let evaluation = codec.evaluate(
            codec.inputs(for: test), labels: test.labels, over: AWGN(snrDecibels: 20), repeats: 3, using: &rng)
        #expect(evaluation.accuracy >= 0.93)
        #expect((evaluation.auc ?? 0) >= 0.95)
        #expect(kb.manifest.metrics["awgn_20db_accuracy"]! >= 0.93)
    }

    @Test func codecRoundTripsThroughTheFile() throws {
        let (kb, report) = try sharedTinyBuild.get()
        let bytes = try kb.serializedBytes()
        let loaded = try KnowledgeBase(bytes: bytes, source: "tiny.semkb")
        #expect(loaded.fingerprint == kb.fingerprint)
        let a = try TabularCodec(knowledgeBase: kb)
        let b = try TabularCodec(knowledgeBase: loaded)
        #expect(a.preprocessor == b.preprocessor && a.schema == b.schema)
        let test = try TabularKnowledgeBase.recordedTestSet(of: loaded, dataPath: Repository.bcwdData)
        var r1 = Xoshiro256(seed: 1)
        var r2 = Xoshiro256(seed: 1)
        let s1 = a.encode(a.inputs(for: test), using: &r1)
        let s2 = b.encode(b.inputs(for: test), using: &r2)
        #expect(s1 == s2)
        #expect(s1.shape == [137, 8])
        // The codec read from the file encodes exactly like the one that was trained.
        var r3 = Xoshiro256(seed: 1)
        #expect(report.codec.encode(report.codec.inputs(for: test), using: &r3) == s2)
        #expect(report.codec.pipeline.parameters == b.pipeline.parameters)
        #expect(report.codec.knowledgeBaseFingerprint == loaded.fingerprint)
        // Unit average power per complex symbol per record.
        for r in 0..<4 {
            let power = s1.scalars[(r * 8)..<(r * 8 + 8)].reduce(0) { $0 + $1 * $1 } / 4
            #expect(abs(power - 1) < 1e-4)
        }
        let p = try b.probabilities(received: s1)
        #expect(p.shape == [137, 2])
        #expect(throws: TabularCodecError.self) { try b.probabilities(received: Tensor(zeros: [3, 6])) }
    }

    @Test func frameFingerprintComesFromTheKnowledgeBase() throws {
        let (kb, report) = try sharedTinyBuild.get()
        let codec = try TabularCodec(knowledgeBase: kb)
        #expect(codec.knowledgeBaseFingerprint == kb.fingerprint)
        #expect(report.fingerprint == kb.fingerprint)
        #expect(codec.frameFingerprint == KBFingerprint(digest: kb.fingerprint.bytes))
        #expect(codec.frameFingerprint?.bytes == kb.fingerprint.shortBytes)
    }

    @Test func sameSeedSameFingerprintOtherSeedOther() throws {
        let (kb, _) = try sharedTinyBuild.get()
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        var configuration = TabularCodecConfiguration.tiny
        configuration.epochs = 3
        let a = try TabularKnowledgeBase.build(dataPath: Repository.bcwdData, schema: schema, configuration: configuration)
        let b = try TabularKnowledgeBase.build(dataPath: Repository.bcwdData, schema: schema, configuration: configuration)
        #expect(a.knowledgeBase.fingerprint == b.knowledgeBase.fingerprint)
        #expect(try a.knowledgeBase.serializedBytes() == b.knowledgeBase.serializedBytes())
        #expect(a.knowledgeBase.fingerprint != kb.fingerprint)
        configuration.seed = 1
        let c = try TabularKnowledgeBase.build(dataPath: Repository.bcwdData, schema: schema, configuration: configuration)
        #expect(c.knowledgeBase.fingerprint != a.knowledgeBase.fingerprint)
        #expect(c.knowledgeBase.manifest.provenance?.seed == 1)
    }

    @Test func missingOrMismatchedSectionsAreNamed() throws {
        let (kb, _) = try sharedTinyBuild.get()
        for name in [TabularCodec.SectionName.schema, "encoder.2.weight", TabularCodec.SectionName.normalizers] {
            var damaged = kb
            let kind = try #require(kb.sections.first { $0.name == name }?.kind)
            damaged.removeSection(kind, named: name)
            #expect {
                _ = try TabularCodec(knowledgeBase: damaged)
            } throws: { error in
                (error as? TabularCodecError).map { $0.code == .missingSection && $0.section == name } ?? false
            }
        }
        var reshaped = kb
        reshaped.insert(Section(name: "decoder.0.weight", content: .tensor(Tensor(zeros: [7, 8]))))
        #expect {
            _ = try TabularCodec(knowledgeBase: reshaped)
        } throws: { error in
            (error as? TabularCodecError).map { $0.code == .sectionMismatch && $0.section == "decoder.0.weight" } ?? false
        }
        var wrongModality = kb
        wrongModality.manifest.modality = .text
        #expect(throws: TabularCodecError.self) { try TabularCodec(knowledgeBase: wrongModality) }
    }

    @Test func inspectSummarizesTheKnowledgeBase() throws {
        let (kb, _) = try sharedTinyBuild.get()
        let text = TabularKnowledgeBase.inspect(kb)
        #expect(text.contains(kb.fingerprint.hexString))
        #expect(text.contains("clump_thickness: numeric [grade 1-10] 1…10"))
        #expect(text.contains("dense 9→8 → relu → dense 8→8"))
        #expect(text.contains("awgn_20db_accuracy"))
    }
}
