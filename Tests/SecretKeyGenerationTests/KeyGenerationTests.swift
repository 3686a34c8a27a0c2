import RealModule
import TensorCore
import Testing

@testable import SecretKeyGeneration

@Suite struct KeyGenerationTests {
    @Test func badParametersAreRejected() {
        var rng = Xoshiro256(seed: 0)
        for probes in [0, -5] {
            #expect(throws: SecretKeyGenerationError.self) {
                try ChannelProbing.simulate(ProbingConfiguration(probes: probes, snrDecibels: 20, dopplerHertz: 10), using: &rng)
            }
        }
        #expect(throws: SecretKeyGenerationError.self) {
            // 3 ms does not divide the 10 ms probe period.
            try ProbingConfiguration(probes: 10, snrDecibels: 20, dopplerHertz: 10, probingDelaySeconds: 0.003).validate()
        }
        #expect(throws: SecretKeyGenerationError.self) {
            try ProbingConfiguration(probes: 10, snrDecibels: .nan, dopplerHertz: 10).validate()
        }
        #expect(throws: SecretKeyGenerationError.self) {
            try ProbingConfiguration(probes: 10, snrDecibels: 20, dopplerHertz: 10, eveDistancesWavelengths: [-1]).validate()
        }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("uniform") }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("level-crossing", alpha: -0.1) }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("level-crossing", alpha: 3.5) }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("level-crossing", minimumRun: 0) }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("level-crossing", minimumRun: 65) }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("multibit", bitsPerSample: 5) }
        #expect(throws: SecretKeyGenerationError.self) { try Quantizer.named("multibit", guardBand: -1) }
        #expect(throws: SecretKeyGenerationError.self) {
            try Preprocessing(decorrelation: .dct(window: 8, keep: 9)).apply([1, 2, 3])
        }
        #expect(throws: SecretKeyGenerationError.self) { try Preprocessing().apply([1, .nan]) }
        #expect(throws: SecretKeyGenerationError.self) {
            try Quantizer.threshold(.mean).quantize(alice: [1, 2], bob: [1])
        }
    }

    @Test func quantizers() throws {
        // Identical inputs give identical bits for every quantizer.
        var rng = Xoshiro256(seed: 2)
        let x = (0..<300).map { i in Double.sin(Double(i) / 5) + 0.1 * rng.nextStandardGaussian() }
        for name in Quantizer.names {
            let q = try Quantizer.named(name)
            let out = try q.quantize(alice: x, bob: x, eves: [x])
            #expect(out.alice == out.bob, "\(name)")
            #expect(out.eves[0] == out.alice || name == "level-crossing" || name == "multibit", "\(name)")
            #expect(!out.alice.isEmpty, "\(name)")
        }
        // Gray code: 2-bit levels 0,1,2,3 → 00, 01, 11, 10 (neighbouring levels differ in one bit).
        let ramp = [0.0, 1, 2, 3, 4, 5, 6, 7]
        let gray = try Quantizer.multibit(bitsPerSample: 2, guardBand: 0).quantize(alice: ramp, bob: ramp)
        #expect(gray.alice == [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0])
        // Level crossing, α = 0.5, m = 2: runs above/below are announced by their centres; a single
        // excursion sample (index 9) is not.
        let series = [0.0, 0, 3, 3, 3, 0, -3, -3, 0, 3, 0, 0]
        let lc = try Quantizer.levelCrossing(alpha: 0.5, minimumRun: 2).quantize(alice: series, bob: series)
        #expect(lc.keptIndices == [3, 7])
        #expect(lc.alice == [1, 0])
        // Bob's excursion shorter than m − 1 = 2 samples is refused.
        let bobSeries = [0.0, 0, 0, 3, 0, 0, -3, -3, 0, 3, 0, 0]
        let lc3 = try Quantizer.levelCrossing(alpha: 0.5, minimumRun: 3).quantize(alice: series, bob: bobSeries)
        #expect(lc3.keptIndices.isEmpty)
    }

    @Test func probingCorrelations() throws {
        var rng = Xoshiro256(seed: 4)
        let m = try ChannelProbing.simulate(
            ProbingConfiguration(probes: 400, snrDecibels: 30, dopplerHertz: 10, eveDistancesWavelengths: [0, 2.4048 / (2 * .pi)]),
            using: &rng)
        // Alice and Bob: same channel 1 ms apart at 30 dB → almost identical.
        #expect(SecretKeyGenerator.correlation(m.alice, m.bob) > 0.95)
        // Eve at d = 0 sees Bob's channel; at J0's first zero she is uncorrelated (4 s.e. ≈ 0.3 with
        // ~40 independent samples of a correlated process).
        #expect(SecretKeyGenerator.correlation(m.bob, m.eves[0]) > 0.95)
        #expect(abs(SecretKeyGenerator.correlation(m.bob, m.eves[1])) < 0.3)
        // Deterministic for a seed.
        var again = Xoshiro256(seed: 4)
        let m2 = try ChannelProbing.simulate(
            ProbingConfiguration(probes: 400, snrDecibels: 30, dopplerHertz: 10, eveDistancesWavelengths: [0, 2.4048 / (2 * .pi)]),
            using: &again)
        #expect(m == m2)
    }

    @Test func mobileSessionsAgreeAndEveDoesNot() throws {
        let configuration = KeyGenerationConfiguration(
            probing: ProbingConfiguration(probes: 640, snrDecibels: 20, dopplerHertz: 10, eveDistancesWavelengths: [0.5]),
            quantizer: try Quantizer.named("multibit"), calibrationSessions: 20)
        var rng = Xoshiro256(seed: 9)
        let summary = try KeyGenerationExperiment.run(configuration, sessions: 6, using: &rng)
        let row = summary.rows[0]
        #expect(row.agreementRate == 1)
        #expect(row.keyBitsMin >= 128)
        #expect(row.kdrAfter == 0)
        #expect(row.eveKDR > 0.35)
        #expect(row.eveKeyMatches == 0)
        #expect(summary.warnings.isEmpty)
        #expect(summary.calibration.entropyPerBit > 0.9)
    }

    @Test func staticRoomGivesNoKeyAndWarns() throws {
        let configuration = KeyGenerationConfiguration(
            probing: ProbingConfiguration(probes: 640, snrDecibels: 20, dopplerHertz: 0, eveDistancesWavelengths: [0.5]),
            quantizer: try Quantizer.named("mean"), calibrationSessions: 10)
        var rng = Xoshiro256(seed: 9)
        let summary = try KeyGenerationExperiment.run(configuration, sessions: 4, using: &rng)
        #expect(summary.rows[0].keyBits == 0)
        #expect(summary.rows[0].measurementCorrelation < 0.5)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings[0].contains("static channel"))
    }
}
