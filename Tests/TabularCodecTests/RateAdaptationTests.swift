import Channels
import Foundation
import HealthData
import KnowledgeBase
import SemanticCodec
import TabularCodec
import TensorCore
import Testing

@Suite struct RateAdaptationTests {
    @Test func ruleTakesTheSmallestBandwidthWithinTheTolerance() {
        // n = 100, reference 0.96: one standard error is √(0.96·0.04/100) ≈ 0.0196.
        let cases: [(accuracies: [Double], standardErrors: Double, expected: Int)] = [
            ([0.90, 0.945, 0.96], 1, 2), ([0.95, 0.945, 0.96], 1, 1), ([0.95, 0.945, 0.96], 0, 4),
            ([0.5, 0.5, 0.5], 1, 1),
        ]
        for c in cases {
            let k = TabularRateTable.select(
                accuracies: c.accuracies, channelUses: [1, 2, 4], validationRecords: 100,
                standardErrors: c.standardErrors)
            #expect(k == c.expected, "\(c.accuracies) at \(c.standardErrors) SE")
        }
    }

    @Test func operatingSNRUsesTheHighestGridPointNotAboveIt() {
        let table = TabularRateTable(
            channelUses: [1, 2, 4], validationRecords: 50, repeats: 1, standardErrors: 1,
            channels: [
                .init(
                    name: "awgn",
                    points: [
                        .init(snrDecibels: 0, accuracies: [0.8, 0.9, 0.95], selected: 4),
                        .init(snrDecibels: 10, accuracies: [0.95, 0.95, 0.95], selected: 1),
                    ])
            ])
        #expect(table.channelUses(channel: "awgn", snrDecibels: -3) == 4)
        #expect(table.channelUses(channel: "awgn", snrDecibels: 0) == 4)
        #expect(table.channelUses(channel: "awgn", snrDecibels: 9.9) == 4)
        #expect(table.channelUses(channel: "awgn", snrDecibels: 10) == 1)
        #expect(table.channelUses(channel: "awgn", snrDecibels: 30) == 1)
        #expect(table.channelUses(channel: "rayleigh", snrDecibels: 10) == nil)
    }

    /// The build measures the rate table on the validation records — disjoint from the test split
    /// and not fitted on — and the table read back is what recomputing on those records gives.
    @Test func rateTableIsMeasuredOnTheValidationSplit() throws {
        let built = try sharedTinyBuild.get()
        let kb = built.knowledgeBase
        let dataset = try TabularDataset.load(
            contentsOfFile: Repository.bcwdData, schema: try TableSchema(contentsOfFile: Repository.bcwdSchema))
        let split = try TabularKnowledgeBase.recordedSplit(of: kb, recordCount: dataset.count)
        let validation = try TabularKnowledgeBase.recordedValidationIndices(of: kb, recordCount: dataset.count)
        #expect(!validation.isEmpty)
        #expect(Set(validation).isDisjoint(with: split.testIndices))
        #expect(Set(validation).isSubset(of: split.trainIndices))
        #expect(built.report.trainCount == split.trainIndices.count - validation.count)
        let codec = try TabularCodec(knowledgeBase: kb)
        let table = try #require(codec.rateTable)
        #expect(table.channelUses == [1, 2, 4])
        #expect(table.validationRecords == validation.count)
        let inputs = codec.inputs(for: dataset, rows: validation)
        let labels = validation.map { dataset.labels[$0] }
        let configuration = TabularCodecConfiguration.tiny
        for (c, channel) in table.channels.enumerated() {
            let point = try #require(channel.points.last)
            let s = channel.points.count - 1
            for (u, uses) in table.channelUses.enumerated() {
                var rng = Xoshiro256(seed: configuration.seed, stream: 7)
                    .fork(stream: UInt64(c) << 32 | UInt64(s) << 16 | UInt64(u))
                let pipeline = try #require(codec.coherentPipeline(channelUses: uses))
                let snr = Float(point.snrDecibels)
                let evaluation: TabularEvaluation =
                    channel.name == "awgn"
                    ? TabularCodec.evaluate(
                        pipeline, inputs, labels: labels, classes: 2, over: AWGN(snrDecibels: snr),
                        repeats: configuration.evaluationRepeats, using: &rng)
                    : TabularCodec.evaluate(
                        pipeline, inputs, labels: labels, classes: 2,
                        over: RayleighFading(coherence: .perExample, equalization: .mmse, noise: .snr(decibels: snr)),
                        repeats: configuration.evaluationRepeats, using: &rng)
                #expect(evaluation.accuracy == point.accuracies[u], "\(channel.name) k = \(uses)")
            }
            #expect(
                point.selected
                    == TabularRateTable.select(
                        accuracies: point.accuracies, channelUses: table.channelUses,
                        validationRecords: table.validationRecords, standardErrors: table.standardErrors))
        }
    }

    /// Every head decodes after a round trip through the file, and the one-symbol head (the
    /// shortest "prefix" of the bandwidth) classifies far better than the majority class at 20 dB.
    @Test func headsRoundTripAndTheOneSymbolHeadDecodes() throws {
        let built = try sharedTinyBuild.get()
        let bytes = try built.knowledgeBase.serializedBytes()
        let codec = try TabularCodec(knowledgeBase: try KnowledgeBase(bytes: bytes, source: "tiny.semkb"))
        #expect(codec.heads.map(\.name) == built.report.codec.heads.map(\.name))
        #expect(codec.heads.map(\.name) == ["k1", "k2", "nocsi-k4"])
        for (a, b) in zip(codec.heads, built.report.codec.heads) {
            #expect(a.pipeline.parameters == b.pipeline.parameters && a.receiver == b.receiver)
        }
        let test = try TabularKnowledgeBase.recordedTestSet(of: built.knowledgeBase, dataPath: Repository.bcwdData)
        let one = try #require(codec.coherentPipeline(channelUses: 1))
        #expect(one.channelUsesPerSample == 1)
        var rng = Xoshiro256(seed: 11)
        let evaluation = TabularCodec.evaluate(
            one, codec.inputs(for: test), labels: test.labels, classes: 2, over: AWGN(snrDecibels: 20), repeats: 4,
            using: &rng)
        let majority = Double(test.labels.count { $0 == 0 }) / Double(test.count)
        let standardError = (majority * (1 - majority) / Double(test.count)).squareRoot()
        #expect(
            evaluation.accuracy > majority + 5 * standardError,
            "k = 1 head \(evaluation.accuracy) vs majority \(majority)")
    }

    /// Without CSI the AWGN-trained codec sits at chance; the head trained with the fading channel
    /// in the loop learns non-coherent signalling and beats chance by a wide statistical margin.
    @Test func noncoherentHeadBeatsChanceWithoutCSI() throws {
        let built = try sharedTinyBuild.get()
        let codec = built.report.codec
        let head = try #require(codec.noncoherentHead)
        let test = try TabularKnowledgeBase.recordedTestSet(of: built.knowledgeBase, dataPath: Repository.bcwdData)
        var rng = Xoshiro256(seed: 12)
        let fading = RayleighFading(coherence: .perExample, equalization: .none, noise: .snr(decibels: 20))
        let evaluation = TabularCodec.evaluate(
            head.pipeline, codec.inputs(for: test), labels: test.labels, classes: 2, over: fading, repeats: 4,
            using: &rng)
        // Balanced accuracy: 0.5 for any classifier that ignores its input; records × repeats
        // transmissions, but the records (n = 137) bound the standard error: √(0.25/137) ≈ 0.043.
        let standardError = (0.25 / Double(test.count)).squareRoot()
        #expect(
            evaluation.balancedAccuracy > 0.5 + 5 * standardError,
            "no-CSI head balanced accuracy \(evaluation.balancedAccuracy)")
    }

    @Test func damagedHeadSectionsAreNamed() throws {
        let kb = try sharedTinyBuild.get().knowledgeBase
        var missing = kb
        missing.removeSection(.tensorFloat32, named: "head.k1.encoder.2.weight")
        #expect {
            _ = try TabularCodec(knowledgeBase: missing)
        } throws: { error in
            (error as? TabularCodecError).map { $0.code == .missingSection && $0.section == "head.k1.encoder.2.weight" }
                ?? false
        }
        for (name, bytes) in [
            (
                TabularCodec.rateTableSectionName,
                Array(
                    #"{"channel_uses":[4,1],"validation_records":1,"repeats":1,"standard_errors":1,"channels":[]}"#.utf8
                )
            ),
            (TabularCodec.headsSectionName, Array("not json".utf8)),
        ] {
            var damaged = kb
            damaged.insert(Section(name: name, content: .raw(bytes)))
            #expect {
                _ = try TabularCodec(knowledgeBase: damaged)
            } throws: { error in
                (error as? TabularCodecError).map { $0.code == .sectionMismatch && $0.section == name } ?? false
            }
        }
    }

    /// Without validation and heads the build gives the plain fixed-k codec (the earlier format).
    @Test func headlessBuildHasNoHeadsNoValidationAndNoRateTable() throws {
        var configuration = TabularCodecConfiguration.tiny
        configuration.epochs = 2
        configuration.validationFraction = 0
        configuration.adaptiveChannelUses = []
        configuration.noncoherentChannelUses = nil
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        let built = try TabularKnowledgeBase.build(
            dataPath: Repository.bcwdData, schema: schema, configuration: configuration)
        let codec = try TabularCodec(knowledgeBase: built.knowledgeBase)
        #expect(codec.heads.isEmpty && codec.rateTable == nil)
        #expect(try TabularKnowledgeBase.recordedValidationIndices(of: built.knowledgeBase, recordCount: 683).isEmpty)
        #expect(built.report.trainCount == 546)
        #expect(built.knowledgeBase.manifest.metrics["adaptive_awgn_20db_accuracy"] == nil)
    }
}
