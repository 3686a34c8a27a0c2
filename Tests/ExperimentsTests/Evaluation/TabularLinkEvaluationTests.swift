import Experiments
import Foundation
import KnowledgeBase
import TensorCore
import Testing

@Suite struct TabularLinkEvaluationTests {
    /// The repository root (the KB records its data file relative to it).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func shippedKnowledgeBaseAgainstRawAndEavesdroppers() throws {
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(Self.root)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let kb = try KnowledgeBase(contentsOfFile: "KnowledgeBases/bcwd-tabular.semkb")
        let configuration = EvaluationConfiguration(
            channels: [try ChannelSpec.parse("awgn")], snrDecibels: [-15, 20], semanticPasses: 2)
        var rng = Xoshiro256(seed: 3)
        // The KB itself stands in for the naive eavesdropper's KB, which keeps the test fast.
        let (result, setup) = try TabularLinkEvaluation.run(
            knowledgeBase: kb, eavesdropperKnowledgeBase: kb, configuration: configuration, using: &rng)
        #expect(setup.testCount == 137 && setup.trainCount == 546 && setup.channelUsesPerSample == 4)
        let clean = try #require(setup.rawTaskModelCleanAccuracy)
        #expect(clean > 0.9)

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
    }
}
