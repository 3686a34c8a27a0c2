import Channels
import HealthData
import KnowledgeBase
import PoseCodec
import SemanticCodec
import TensorCore
import Testing

@Suite struct PoseKnowledgeBaseTests {
    static let built = PoseKnowledgeBase.build(configuration: .tiny)

    @Test func buildsReadsBackAndDecodesIdentically() throws {
        let (kb, report) = Self.built
        #expect(report.trainSubjects == 9 && report.testSubjects == 3)
        #expect(report.history.count == PoseCodecConfiguration.tiny.epochs)
        #expect(report.privacy.count == 4)
        let bytes = try kb.serializedBytes()
        let reread = try KnowledgeBase(bytes: bytes)
        let codec = try PoseCodec(knowledgeBase: reread)
        #expect(codec.knowledgeBaseFingerprint == kb.fingerprint)
        let data = try PoseKnowledgeBase.recordedData(of: reread)
        #expect(data.test.count == report.testClips)
        let testSubjects = Set(data.test.map { $0.truth!.subject })
        #expect(testSubjects.isDisjoint(with: Set(data.train.map { $0.truth!.subject })))
        let x = try codec.inputs(for: Array(data.test.prefix(8)))
        var a = Xoshiro256(seed: 1)
        var b = Xoshiro256(seed: 1)
        let original = report.codec.encode(x, using: &a)
        let restored = codec.encode(x, using: &b)
        #expect(original.maxAbsoluteDifference(restored) < 1e-6)
        let decoded = try codec.decode(restored)
        #expect(decoded.activityProbabilities.shape == [8, 8])
        #expect(decoded.fallProbabilities.count == 8)
        // The activity-only view agrees with the full decoder's activity head.
        let logits = codec.activityPipeline.decode(restored)
        #expect(logits.argmaxAlongLastAxis() == decoded.activityProbabilities.argmaxAlongLastAxis())
    }

    @Test func rejectsBadInputAndForeignKnowledgeBases() throws {
        let (kb, report) = Self.built
        let codec = report.codec
        var short = PoseFeatureTests.clip(.standing)
        short.frames.removeLast()
        #expect { try codec.inputs(for: [short]) } throws: { ($0 as! PoseCodecError).code == .incompatibleInput }
        #expect { try codec.decode(Tensor(zeros: [2, 3])) } throws: {
            ($0 as! PoseCodecError).code == .incompatibleSymbols
        }
        #expect { try codec.decode(Tensor(repeating: .nan, shape: [1, 8])) } throws: {
            ($0 as! PoseCodecError).code == .incompatibleSymbols
        }
        var tabular = kb
        tabular.manifest.modality = .tabular
        #expect { try PoseCodec(knowledgeBase: tabular) } throws: { ($0 as! PoseCodecError).code == .sectionMismatch }
        let stripped = KnowledgeBase(
            manifest: kb.manifest, sections: kb.sections.filter { $0.name != PoseKnowledgeBase.SectionName.template })
        #expect { try PoseCodec(knowledgeBase: stripped) } throws: { ($0 as! PoseCodecError).code == .missingSection }
    }

    @Test func buildIsDeterministic() {
        let again = PoseKnowledgeBase.build(configuration: .tiny)
        #expect(again.knowledgeBase.fingerprint == Self.built.knowledgeBase.fingerprint)
    }

    @Test func evaluationCountsFallsAndActivities() {
        let evaluation = PoseEvaluation(
            predicted: [7, 7, 0, 1], truth: [7, 0, 0, 1], fallPredicted: [true, false, true, false],
            fallTruth: [true, true, false, false])
        #expect(evaluation.accuracy == 0.75)
        #expect(evaluation.fallRecall == 0.5)
        #expect(evaluation.fallPrecision == 0.5)
        #expect(evaluation.fallFalseAlarmRate == 0.5)
    }
}
