import Channels
import NeuralNet
import RawTransmission
import SemanticCodec
import TensorCore
import Testing

@testable import Experiments

@Suite struct EvaluationEngineTests {
    typealias F = EvaluationFixtures

    @Test func semanticAccuracyIsHighAtHighSNRAndFallsAtVeryLowSNR() throws {
        let high = try #require(F.row(F.awgnResult, .semantic, snr: 20))
        let low = try #require(F.row(F.awgnResult, .semantic, snr: -20))
        #expect(high.accuracy >= 0.9, "semantic at 20 dB: \(high.accuracy)")
        #expect(low.accuracy < high.accuracy - 0.05, "semantic at −20 dB: \(low.accuracy)")
        #expect(high.channelUsesPerSample == 4)
        #expect(high.samples == 2 * F.bcwd.test.count)
        #expect(high.noise == "none")
    }

    @Test func rawFailsAtLowSNRAndDeliversAtHighSNR() throws {
        let result = F.awgnResult
        let clean = try #require(result.rawCleanAccuracy)
        #expect(result.rawCandidates.count == F.candidates.count * F.snrs.count)
        for candidate in result.rawCandidates where candidate.snrDecibels == -20 {
            #expect(try #require(candidate.decodeFailureRate) > 0.9, "\(candidate)")
        }
        let robust = try #require(
            result.rawCandidates.first { $0.snrDecibels == 20 && $0.modulation == "bpsk" && $0.code == "conv-k7" })
        #expect(robust.decodeFailureRate == 0)
        #expect(robust.accuracy == clean)
        // (40 payload + 32 CRC bits + 6 tail bits) × 2 for the rate-1/2 K = 7 code, one bit per BPSK symbol.
        #expect(robust.channelUsesPerSample == 156)
        #expect(robust.payloadBits == 40)  // 9 × 4 bits packed into 5 bytes
        let best = try #require(F.row(result, .raw, snr: 20))
        #expect(best.accuracy == clean)
        #expect(try #require(best.decodeFailureRate) <= 0.02)
        // The best row is the most accurate candidate, fewest channel uses among ties.
        let atHigh = result.rawCandidates.filter { $0.snrDecibels == 20 }
        #expect(atHigh.allSatisfy { $0.accuracy <= best.accuracy })
        #expect(
            atHigh.filter { $0.accuracy == best.accuracy }.allSatisfy {
                $0.channelUsesPerSample >= best.channelUsesPerSample
            })
        let lowBest = try #require(F.row(result, .raw, snr: -20))
        #expect(try #require(lowBest.decodeFailureRate) > 0.9)
    }

    @Test func rawIdealUsesTheCapacityFormula() throws {
        for snr in F.snrs {
            let ideal = try #require(F.row(F.awgnResult, .rawIdeal, snr: snr))
            let expected = IdealDigitalBound.channelUses(payloadBits: 36, snrDecibels: snr)
            #expect(ideal.channelUsesPerSample == Double(expected), "at \(snr) dB")
            #expect(ideal.payloadBits == 36)
            #expect(ideal.accuracy == F.awgnResult.rawCleanAccuracy)
        }
        // ⌈36 / log2(1 + 100)⌉ = 6 at 20 dB.
        #expect(F.row(F.awgnResult, .rawIdeal, snr: 20)?.channelUsesPerSample == 6)
    }

    /// A decoder fitted on intercepted symbols of 5 % of the records learns the code: at 20 dB it
    /// classifies the rest far better than guessing the majority class (≈ 65 % benign). This is
    /// the point the report makes — a shared KB alone is weak secrecy.
    @Test func adaptiveEavesdropperBeatsChanceAtHighSNR() throws {
        let adaptive = try #require(F.row(F.awgnResult, .eavesdropperAdaptive, snr: 20))
        let majority = Double(F.bcwd.test.labels.count { $0 == 0 }) / Double(F.bcwd.test.count)
        #expect(
            adaptive.accuracy > majority + 0.15, "adaptive eavesdropper \(adaptive.accuracy) vs majority \(majority)")
        #expect(adaptive.balancedAccuracy > 0.75)
        #expect(adaptive.samples < 2 * F.bcwd.test.count)
        let naive = try #require(F.row(F.awgnResult, .eavesdropperNaive, snr: 20))
        #expect(naive.samples == 2 * F.bcwd.test.count)
        #expect((0...1).contains(naive.accuracy))
    }

    @Test func comparisonFindsTheCheapestRawCandidateReachingSemanticAccuracy() throws {
        let comparisons = F.awgnResult.comparisons
        #expect(comparisons.count == F.snrs.count)
        let high = try #require(comparisons.first { $0.snrDecibels == 20 })
        let semantic = try #require(F.row(F.awgnResult, .semantic, snr: 20))
        let reaching = F.awgnResult.rawCandidates.filter {
            $0.snrDecibels == 20 && $0.accuracy >= semantic.accuracy - high.tolerance - 1e-12
        }
        if let cheapest = reaching.map(\.channelUsesPerSample).min() {
            #expect(high.status == "reached")
            #expect(high.rawChannelUses == cheapest)
            #expect(high.ratio == cheapest / 4)
        } else {
            #expect(high.status == "unreached")
            #expect(high.ratio == nil)
        }
        // The tolerance is one binomial standard error of the test records at the semantic accuracy.
        let n = Double(F.bcwd.test.count)
        #expect(abs(high.tolerance - (semantic.accuracy * (1 - semantic.accuracy) / n).squareRoot()) < 1e-12)
        #expect(high.toleranceRule.contains("standard error") && high.scheme == .semantic)
        let low = try #require(comparisons.first { $0.snrDecibels == -20 })
        #expect(low.semanticAccuracy == F.row(F.awgnResult, .semantic, snr: -20)?.accuracy)
    }

    @Test func sameSeedGivesSameRowsAndPointsDoNotDependOnOtherPoints() throws {
        var rng = Xoshiro256(seed: 3)
        let configuration = EvaluationConfiguration(
            channels: [ChannelSpec(kind: .awgn)], snrDecibels: [20], semanticPasses: 2, adaptiveEavesdropper: nil)
        let once = try LinkEvaluation.run(
            pipeline: F.legitimate, test: F.bcwd.test, raw: nil, naiveEavesdropper: nil, configuration: configuration,
            using: &rng)
        var again = Xoshiro256(seed: 3)
        let twice = try LinkEvaluation.run(
            pipeline: F.legitimate, test: F.bcwd.test, raw: nil, naiveEavesdropper: nil, configuration: configuration,
            using: &again)
        #expect(once.rows == twice.rows)
        #expect(once.rows.map(\.scheme) == [.semantic])
        #expect(once.rawCandidates.isEmpty && once.comparisons.isEmpty)
    }

    @Test func fadingAndErasureChannelsRunThroughBothLinks() throws {
        var rng = Xoshiro256(seed: 8)
        let raw = RawBaseline(
            records: Array(F.bcwd.testRecords.prefix(24)), source: F.source, fallbackClass: F.bcwd.majorityClass,
            candidates: [DigitalScheme(modulation: .qpsk, code: .convolutionalK7)], classify: F.taskModel)
        let test = F.bcwd.test.gathering(Array(0..<24))
        let result = try LinkEvaluation.run(
            pipeline: F.legitimate, test: test, raw: raw, naiveEavesdropper: nil,
            configuration: EvaluationConfiguration(
                channels: try ChannelSpec.parseList("rayleigh,rayleigh-nocsi,burst:0.2"), snrDecibels: [30],
                semanticPasses: 1, adaptiveEavesdropper: nil),
            using: &rng)
        #expect(result.rows.count == 3 * 3)
        let withCSI = try #require(result.rawCandidates.first { $0.channel == "rayleigh" })
        let withoutCSI = try #require(result.rawCandidates.first { $0.channel == "rayleigh-nocsi" })
        // With perfect CSI at 30 dB nearly every frame decodes; without CSI the random phase of h
        // defeats the coherent demapper for most frames.
        let failuresWithCSI = try #require(withCSI.decodeFailureRate)
        let failuresWithoutCSI = try #require(withoutCSI.decodeFailureRate)
        #expect(failuresWithCSI < 0.2)
        #expect(failuresWithoutCSI > failuresWithCSI)
    }
}

/// Replaces every symbol by 0 + 0j: the decoder then sees only channel noise.
private struct SymbolBlanking: SemanticPerturbation {
    var stage: PerturbationStage { .symbols }
    func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        Tensor(shape: x.shape, scalars: [Float](repeating: 0, count: x.scalars.count))
    }
}

@Suite struct EvaluationNoiseConditionTests {
    typealias F = EvaluationFixtures

    @Test func eachNoiseConditionGetsItsOwnSemanticRowsAndComparisonButRawRunsOnce() throws {
        var rng = Xoshiro256(seed: 12)
        let raw = RawBaseline(
            records: Array(F.bcwd.testRecords.prefix(40)), source: F.source, fallbackClass: F.bcwd.majorityClass,
            candidates: [DigitalScheme(modulation: .qpsk, code: .convolutionalK7)], classify: F.taskModel)
        let result = try LinkEvaluation.run(
            pipeline: F.legitimate, test: F.bcwd.test.gathering(Array(0..<40)), raw: raw, naiveEavesdropper: nil,
            configuration: EvaluationConfiguration(
                channels: [ChannelSpec(kind: .awgn)], snrDecibels: [20], semanticPasses: 2,
                noiseConditions: [.none, SemanticNoiseCondition(name: "blank", perturbations: [SymbolBlanking()])],
                adaptiveEavesdropper: nil),
            using: &rng)
        #expect(result.rows.map(\.scheme) == [.semantic, .semantic, .raw, .rawIdeal])
        #expect(result.rows.map(\.noise) == ["none", "blank", "none", "none"])
        #expect(result.comparisons.map(\.noise) == ["none", "blank"])
        #expect(result.rawCandidates.count == 1)
        let clean = try #require(result.rows.first { $0.noise == "none" })
        let blanked = try #require(result.rows.first { $0.noise == "blank" })
        // With every symbol blanked the decoder answers from noise alone.
        #expect(blanked.accuracy < clean.accuracy - 0.1, "\(blanked.accuracy) vs \(clean.accuracy)")
        // The single-file plot shows the `none` condition.
        let plot = EvaluationOutputs.accuracyVersusSNRPlot(result)
        #expect(plot.series.map(\.name) == ["semantic @ awgn", "raw @ awgn", "raw-ideal @ awgn"])
        let perChannel = EvaluationOutputs.accuracyVersusSNRPlot(result, channel: ChannelSpec(kind: .awgn))
        #expect(perChannel.series.map(\.name) == ["semantic (none)", "semantic (blank)", "raw", "raw-ideal"])
    }

    /// zstd does not pay for a 5-byte record: the frame header and block header outweigh anything
    /// it could save, so the raw baseline sends BCWD records uncompressed.
    @Test func zstdDoesNotShortenTinyRecords() throws {
        let zstd = RawBaseline(
            records: F.bcwd.testRecords,
            source: RawSourceCoding(quantization: F.source.quantization, compression: .zstd()),
            fallbackClass: 0, classify: F.taskModel)
        let plain = RawBaseline(records: F.bcwd.testRecords, source: F.source, fallbackClass: 0, classify: F.taskModel)
        for record in F.bcwd.testRecords.prefix(50) {
            #expect(try zstd.payloadBits(of: record) > plain.payloadBits(of: record))
        }
    }
}

@Suite struct RawTaskModelTests {
    typealias F = EvaluationFixtures

    @Test func learnsTheCleanTaskAndKnowsTheMajorityClass() {
        let predictions = F.bcwd.testRecords.map(F.rawModel.predict)
        let accuracy = Double(zip(predictions, F.bcwd.test.labels).count { $0 == $1 }) / Double(F.bcwd.test.count)
        // BCWD is nearly linearly separable (reference ≈ 0.96–0.97 in cross-validation).
        #expect(accuracy >= 0.93, "clean task-model accuracy \(accuracy)")
        #expect(F.rawModel.majorityClass == 0)  // 444 benign of 683
        #expect(F.rawModel.featureCount == 9)
        var rng = Xoshiro256(seed: 1)
        let logistic = RawTaskModel.train(
            records: F.trainRecords, labels: F.bcwd.train.labels, inputScale: 0.1,
            configuration: .init(hiddenUnits: 0, epochs: 20), using: &rng)
        #expect(logistic.network.parameters.count == 2)
    }
}
