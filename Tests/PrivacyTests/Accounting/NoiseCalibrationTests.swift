import Privacy
import Testing

@Suite struct NoiseCalibrationTests {
    @Test func roundTripNoiseEpsilonNoise() throws {
        for (sigma, q, steps) in [(1.1, 0.01, 1000), (0.9, 0.05, 200), (3.0, 1.0, 10)] {
            let epsilon = try AccountantKind.rdp.epsilon(
                noiseMultiplier: sigma, samplingRate: q, steps: steps, delta: 1e-5)
            let back = try NoiseCalibration.noiseMultiplier(
                targetEpsilon: epsilon, delta: 1e-5, samplingRate: q, steps: steps)
            #expect(abs(back - sigma) < 1e-4 * sigma, "σ = \(sigma) → ε = \(epsilon) → σ = \(back)")
            let spent = try AccountantKind.rdp.epsilon(
                noiseMultiplier: back, samplingRate: q, steps: steps, delta: 1e-5)
            #expect(spent <= epsilon)
        }
    }

    @Test func calibratedNoiseMeetsTargetTightly() throws {
        let sigma = try NoiseCalibration.noiseMultiplier(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.02, steps: 300)
        let spent = try AccountantKind.rdp.epsilon(noiseMultiplier: sigma, samplingRate: 0.02, steps: 300, delta: 1e-5)
        let slightlyLess = try AccountantKind.rdp.epsilon(
            noiseMultiplier: sigma * (1 - 1e-4), samplingRate: 0.02, steps: 300, delta: 1e-5)
        #expect(spent <= 1 && slightlyLess > 1 - 1e-3)
    }

    @Test func pldCalibrationRoundTrip() throws {
        // q = 1: the PLD accountant is exact (closed form), so the round trip is tight.
        let epsilon = try AccountantKind.pld.epsilon(noiseMultiplier: 2, samplingRate: 1, steps: 20, delta: 1e-6)
        let back = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: epsilon, delta: 1e-6, samplingRate: 1, steps: 20, accountant: .pld)
        #expect(abs(back - 2) < 1e-4)
    }

    @Test func unreachableTargetSaysWhatIsReachable() throws {
        do {
            _ = try NoiseCalibration.noiseMultiplier(
                targetEpsilon: 0.01, delta: 1e-5, samplingRate: 1, steps: 1000, bounds: 0.1...50)
            Issue.record("expected an unreachable-target error")
        } catch let error as PrivacyError {
            #expect(error.code == .unreachableTarget)
            #expect(error.message.contains("smallest reachable epsilon"))
        }
    }

    @Test func generousTargetReturnsLowerBound() throws {
        let sigma = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: 1000, delta: 1e-5, samplingRate: 0.01, steps: 10, bounds: 0.3...100)
        #expect(sigma == 0.3)
    }
}

@Suite struct NoiseCalibrationPLDTests {
    @Test func subsampledPLDRoundTrip() throws {
        let epsilon = try pldEpsilon(sigma: 1.2, q: 0.05, steps: 40)
        let back = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: epsilon, delta: 1e-5, samplingRate: 0.05, steps: 40, accountant: .pld,
            relativeTolerance: 1e-4, pldValueDiscretizationInterval: 1e-3)
        #expect(abs(back - 1.2) < 2e-4 * 1.2, "σ = 1.2 → ε = \(epsilon) → σ = \(back)")
    }

    private func pldEpsilon(sigma: Double, q: Double, steps: Int) throws -> Double {
        var accountant = PLDAccountant(valueDiscretizationInterval: 1e-3)
        try accountant.record(noiseMultiplier: sigma, samplingRate: q, steps: steps)
        return try accountant.epsilon(delta: 1e-5)
    }
}
