import Privacy
import TensorCore
import Testing

@Suite struct GaussianMechanismTests {
    // REFERENCE-NUMBERS: σ per unit sensitivity for δ = 1e-5.
    @Test(arguments: [(1.0, 3.7306), (10.0, 0.4999)])
    func analyticCalibrationMatchesBalleWang(epsilon: Double, expected: Double) throws {
        let sigma = try GaussianMechanism.analyticStandardDeviation(epsilon: epsilon, delta: 1e-5)
        #expect(abs(sigma - expected) < 1e-4, "σ(ε = \(epsilon)) = \(sigma), expected \(expected)")
        // The calibrated σ sits exactly on the δ curve.
        let delta = GaussianMechanism.delta(epsilon: epsilon, standardDeviation: sigma)
        #expect(abs(delta - 1e-5) < 1e-9)
    }

    @Test func calibrationScalesWithSensitivity() throws {
        let unit = try GaussianMechanism.analyticStandardDeviation(epsilon: 2, delta: 1e-6)
        let scaled = try GaussianMechanism.analyticStandardDeviation(epsilon: 2, delta: 1e-6, l2Sensitivity: 3)
        #expect(abs(scaled - 3 * unit) < 1e-9 * scaled)
    }

    @Test func classicBoundAtLargeEpsilonOverspends() throws {
        let classic = try GaussianMechanism.classicStandardDeviation(epsilon: 30, delta: 1e-5)
        #expect(abs(classic - 0.16149) < 1e-4)
        let delivered = try GaussianMechanism.epsilon(delta: 1e-5, standardDeviation: classic)
        #expect(abs(delivered - 44.8) < 0.05, "classic σ at ε = 30 delivers ε = \(delivered)")
        // Below ε = 1 the classic bound is valid (and loose): it delivers less than claimed.
        let small = try GaussianMechanism.classicStandardDeviation(epsilon: 0.5, delta: 1e-5)
        #expect(try GaussianMechanism.epsilon(delta: 1e-5, standardDeviation: small) < 0.5)
    }

    @Test func epsilonInvertsCalibration() throws {
        for epsilon in [0.1, 0.7, 3.0, 25.0] {
            let sigma = try GaussianMechanism.analyticStandardDeviation(epsilon: epsilon, delta: 1e-7)
            let back = try GaussianMechanism.epsilon(delta: 1e-7, standardDeviation: sigma)
            #expect(abs(back - epsilon) < 1e-8 * max(1, epsilon))
            let mechanism = try GaussianMechanism(epsilon: epsilon, delta: 1e-7)
            guard case .approximate(let reported, let delta) = mechanism.privacy else {
                Issue.record("expected an (ε, δ) guarantee")
                return
            }
            #expect(abs(reported - epsilon) < 1e-8 * max(1, epsilon) && delta == 1e-7)
        }
    }

    @Test func deltaCurveIsMonotone() {
        var previous = 1.0
        for k in 0...40 {
            let delta = GaussianMechanism.delta(epsilon: Double(k) * 0.25, standardDeviation: 1.3)
            #expect(delta <= previous)
            previous = delta
        }
    }

    @Test(.tags(.statistical)) func noiseVarianceMatchesCalibration() throws {
        let mechanism = try GaussianMechanism(epsilon: 1, delta: 1e-5, l2Sensitivity: 2)
        var rng = Xoshiro256(seed: 7)
        let n = 40_000
        let out = mechanism.apply(to: Tensor<Double>(zeros: [n]), using: &rng)
        let mean = out.scalars.reduce(0, +) / Double(n)
        let variance = out.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let expected = mechanism.standardDeviation * mechanism.standardDeviation
        // SE(s²) = σ²·√(2/n); 5 standard errors.
        #expect(abs(variance - expected) < 5 * expected * (2 / Double(n)).squareRoot())
        #expect(abs(mean) < 5 * mechanism.standardDeviation / Double(n).squareRoot())
    }

    @Test func sameSeedSameNoise() throws {
        let mechanism = try GaussianMechanism(epsilon: 1, delta: 1e-5)
        var a = Xoshiro256(seed: 3)
        var b = Xoshiro256(seed: 3)
        let x = Tensor<Float>([1, 2, 3, 4])
        #expect(mechanism.apply(to: x, using: &a) == mechanism.apply(to: x, using: &b))
    }
}
