import Experiments
import Foundation
import KnowledgeBase
import TabularCodec
import TensorCore
import Testing

@Suite struct TabularLinkEvaluationTests {
    /// The repository root (the KB records its data file relative to it; the tests pass the
    /// absolute path instead of changing the process's current directory, which parallel suites share).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let trainingData = root + "/Samples/bcwd/breast-cancer-wisconsin.data"

    @Test func shippedKnowledgeBaseAgainstRawAndEavesdroppers() throws {
        let kb = try KnowledgeBase(contentsOfFile: Self.root + "/KnowledgeBases/bcwd-tabular.semkb")
        let configuration = EvaluationConfiguration(
            channels: [try ChannelSpec.parse("awgn")], snrDecibels: [-15, 20], semanticPasses: 2)
        var rng = Xoshiro256(seed: 3)
        // The KB itself stands in for the naive eavesdropper's KB, which keeps the test fast.
        let (result, setup) = try TabularLinkEvaluation.run(
            knowledgeBase: kb, trainingDataPath: Self.trainingData, eavesdropperKnowledgeBase: kb,
            configuration: configuration, using: &rng)
        // 546 training records, of which the KB holds 110 out for validation.
        #expect(setup.testCount == 137 && setup.trainCount == 436 && setup.channelUsesPerSample == 4)
        let clean = try #require(setup.rawTaskModelCleanAccuracy)
        #expect(clean > 0.9)
        #expect(setup.rawTaskModel?.contains("validation") == true)

        func row(_ scheme: String, _ snr: Double) throws -> EvaluationRow {
            try #require(result.rows.first { $0.scheme.rawValue == scheme && $0.snrDecibels == snr })
        }
        let semanticHigh = try row("semantic", 20)
        let semanticLow = try row("semantic", -15)
        #expect(semanticHigh.accuracy >= 0.93)
        #expect(semanticHigh.channelUsesPerSample == 4)
        #expect(semanticLow.accuracy < semanticHigh.accuracy)
        // At 20 dB the raw link delivers every record and reaches its task model's clean accuracy.
        let rawHigh = try row("raw", 20)
        #expect(rawHigh.decodeFailureRate == 0)
        #expect(abs(rawHigh.accuracy - clean) < 1e-9)
        // At −15 dB no raw frame survives: every record falls back to the majority class.
        #expect(try row("raw", -15).decodeFailureRate == 1)
        // The ideal bound: ⌈payload bits / log2(1 + SNR)⌉ with 9 fields × 4 bits.
        #expect(try row("raw-ideal", 20).channelUsesPerSample == (36 / log2(1 + 100)).rounded(.up))
        _ = try row("eavesdropper-naive", 20)
        _ = try row("eavesdropper-adaptive", 20)
        // The rate-adaptive link uses the k its rate table picks (validation split) for each SNR.
        let table = try #require(setup.rateTable)
        for snr in [-15.0, 20] {
            let adaptive = try row("semantic-adaptive", snr)
            #expect(Int(adaptive.channelUsesPerSample) == table.channelUses(channel: "awgn", snrDecibels: snr))
        }
        #expect(try row("semantic-adaptive", 20).accuracy >= 0.93)
        #expect(result.comparisons.filter { $0.scheme == .semanticAdaptive }.count == 2)
    }

    /// Over Rayleigh fading without CSI the semantic row is the KB's non-coherent head: far above
    /// chance at 20 dB, while the raw receiver (no pilots, gains assumed 1) fails.
    @Test func noncoherentHeadCarriesTheLinkWithoutCSI() throws {
        let kb = try KnowledgeBase(contentsOfFile: Self.root + "/KnowledgeBases/bcwd-tabular.semkb")
        let configuration = EvaluationConfiguration(
            channels: [try ChannelSpec.parse("rayleigh-nocsi")], snrDecibels: [20], semanticPasses: 2,
            adaptiveEavesdropper: nil)
        var rng = Xoshiro256(seed: 4)
        let (result, _) = try TabularLinkEvaluation.run(
            knowledgeBase: kb, trainingDataPath: Self.trainingData, eavesdropperKnowledgeBase: kb, compareRaw: false,
            configuration: configuration, using: &rng)
        let semantic = try #require(result.rows.first { $0.scheme == .semantic })
        #expect(semantic.balancedAccuracy > 0.5 + 5 * (0.25 / 137).squareRoot())
        #expect(!result.rows.contains { $0.scheme == .semanticAdaptive })
    }
}
