import Privacy
import Testing

@Suite struct PrivacyErrorTests {
    private func code(_ body: () throws -> Void) -> PrivacyError.Code? {
        do {
            try body()
            return nil
        } catch let error as PrivacyError {
            #expect(!error.message.isEmpty)
            return error.code
        } catch {
            return nil
        }
    }

    @Test func badEpsilon() {
        for epsilon in [0, -1, Double.nan, .infinity] {
            #expect(code { _ = try GaussianMechanism(epsilon: epsilon, delta: 1e-5) } == .invalidEpsilon)
            #expect(code { _ = try LaplaceMechanism(epsilon: epsilon) } == .invalidEpsilon)
            #expect(
                code {
                    _ = try NoiseCalibration.noiseMultiplier(
                        targetEpsilon: epsilon, delta: 1e-5, samplingRate: 0.1, steps: 10)
                } == .invalidEpsilon)
        }
    }

    @Test func badDelta() {
        for delta in [0, 1, -0.1, 2, Double.nan] {
            #expect(code { _ = try GaussianMechanism(epsilon: 1, delta: delta) } == .invalidDelta)
            #expect(code { _ = try RDPAccountant().epsilon(delta: delta) } == .invalidDelta)
            #expect(code { _ = try PLDAccountant().epsilon(delta: delta) } == .invalidDelta)
            #expect(code { _ = try GaussianMechanism.epsilon(delta: delta, standardDeviation: 1) } == .invalidDelta)
        }
    }

    @Test func badSamplingRate() {
        for q in [0, -0.5, 1.5, Double.nan] {
            for kind in AccountantKind.allCases {
                var accountant = kind.makeAccountant()
                #expect(
                    code { try accountant.record(noiseMultiplier: 1, samplingRate: q, steps: 1) }
                        == .invalidSamplingRate)
            }
        }
    }

    @Test func badNoiseMultiplier() {
        for sigma in [0, -1, Double.nan, .infinity] {
            for kind in AccountantKind.allCases {
                var accountant = kind.makeAccountant()
                #expect(
                    code { try accountant.record(noiseMultiplier: sigma, samplingRate: 0.1, steps: 1) }
                        == .invalidNoiseMultiplier)
            }
        }
        #expect(code { _ = try DiscreteGaussianMechanism(variance: 0) } == .invalidNoiseMultiplier)
    }

    @Test func badSteps() {
        for steps in [0, -3] {
            var accountant = RDPAccountant()
            #expect(
                code { try accountant.record(noiseMultiplier: 1, samplingRate: 0.1, steps: steps) } == .invalidSteps)
            #expect(
                code {
                    _ = try NoiseCalibration.noiseMultiplier(
                        targetEpsilon: 1, delta: 1e-5, samplingRate: 0.1, steps: steps)
                } == .invalidSteps)
        }
    }

    @Test func badSensitivity() {
        #expect(code { _ = try GaussianMechanism(epsilon: 1, delta: 1e-5, l2Sensitivity: 0) } == .invalidSensitivity)
        #expect(code { _ = try LaplaceMechanism(epsilon: 1, l1Sensitivity: -1) } == .invalidSensitivity)
    }

    @Test func unreachableTarget() {
        #expect(
            code {
                _ = try NoiseCalibration.noiseMultiplier(
                    targetEpsilon: 0.001, delta: 1e-5, samplingRate: 1, steps: 10_000, bounds: 0.1...10)
            } == .unreachableTarget)
    }

    @Test func descriptionNamesCodeAndMessage() {
        let error = PrivacyError(code: .invalidDelta, message: "delta must be in (0, 1), got 2")
        #expect(error.description == "invalidDelta: delta must be in (0, 1), got 2")
    }
}
