import Privacy
import TensorCore
import Testing

@Suite struct DiscreteGaussianMechanismTests {
    @Test func rhoIsSensitivitySquaredOverTwoVariance() throws {
        let mechanism = try DiscreteGaussianMechanism(variance: 9, l2Sensitivity: 2)
        #expect(abs(mechanism.rho - 4.0 / 18.0) < 1e-15)
        #expect(mechanism.privacy == .concentrated(rho: mechanism.rho))
        #expect(abs(mechanism.renyiDivergence(order: 3) - 3 * mechanism.rho) < 1e-15)
        let fromRho = try DiscreteGaussianMechanism(rho: 0.5, l2Sensitivity: 1)
        #expect(abs(fromRho.variance - 1) < 1e-12)
    }

    @Test func conversionBoundsTheExactScalarCurve() throws {
        for variance in [1.0, 4.0, 25.0] {
            let mechanism = try DiscreteGaussianMechanism(variance: variance, l2Sensitivity: 1)
            let epsilon = try mechanism.epsilon(delta: 1e-5)
            // The zCDP conversion is an upper bound: the exact δ at that ε is ≤ 1e-5 …
            let exact = mechanism.scalarDelta(epsilon: epsilon)
            #expect(exact <= 1e-5)
            // … and not wildly loose: the exact curve already exceeds 1e-5 at 0.7·ε.
            #expect(mechanism.scalarDelta(epsilon: 0.7 * epsilon) > 1e-5)
        }
    }

    @Test func exactScalarCurveApproachesContinuousGaussian() throws {
        // For σ ≫ 1 the discrete Gaussian's privacy curve tends to the continuous one.
        let mechanism = try DiscreteGaussianMechanism(variance: 400, l2Sensitivity: 1)
        for epsilon in [0.05, 0.1, 0.2] {
            let discrete = mechanism.scalarDelta(epsilon: epsilon)
            let continuous = GaussianMechanism.delta(epsilon: epsilon, standardDeviation: 20)
            #expect(abs(discrete - continuous) < 0.02 * continuous + 1e-12)
        }
    }

    @Test(.tags(.statistical)) func noiseVarianceMatches() throws {
        let mechanism = try DiscreteGaussianMechanism(variance: 6.25, l2Sensitivity: 1)
        var rng = Xoshiro256(seed: 5)
        let n = 30_000
        let out = mechanism.apply(to: [Int64](repeating: 100, count: n), using: &rng)
        let values = out.map { Double($0 - 100) }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(variance - 6.25) < 5 * 6.25 * (2 / Double(n)).squareRoot())
        #expect(abs(mean) < 5 * 2.5 / Double(n).squareRoot())
    }

    @Test func composesInTheRDPAccountant() throws {
        let mechanism = try DiscreteGaussianMechanism(variance: 16, l2Sensitivity: 1)
        var accountant = RDPAccountant()
        try accountant.recordConcentrated(rho: mechanism.rho, steps: 10)
        // 10 releases at ρ = 1/32 are ρ = 10/32 zCDP.
        let direct = try DiscreteGaussianMechanism(rho: 10.0 / 32.0, l2Sensitivity: 1)
        let viaAccountant = try accountant.epsilon(delta: 1e-5)
        let viaConversion = try direct.epsilon(delta: 1e-5)
        #expect(viaAccountant >= viaConversion - 1e-9)  // the grid of orders can only be worse
        #expect(viaAccountant < viaConversion * 1.01)
    }
}
