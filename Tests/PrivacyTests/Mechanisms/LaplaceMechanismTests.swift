import Privacy
import TensorCore
import Testing

@Suite struct LaplaceMechanismTests {
    @Test func scaleAndGuarantee() throws {
        let mechanism = try LaplaceMechanism(epsilon: 0.5, l1Sensitivity: 2)
        #expect(mechanism.scale == 4)
        #expect(mechanism.privacy == .pure(epsilon: 0.5))
    }

    @Test(.tags(.statistical)) func noiseVarianceMatchesScale() throws {
        let mechanism = try LaplaceMechanism(epsilon: 2, l1Sensitivity: 3)
        var rng = Xoshiro256(seed: 11)
        let n = 40_000
        let out = mechanism.apply(to: Tensor<Double>(repeating: 5, shape: [n]), using: &rng)
        let mean = out.scalars.reduce(0, +) / Double(n)
        let variance = out.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let expected = 2 * mechanism.scale * mechanism.scale
        // Laplace kurtosis 6: SE(s²) = σ²·√(5/n); 5 standard errors.
        #expect(abs(variance - expected) < 5 * expected * (5 / Double(n)).squareRoot())
        #expect(abs(mean - 5) < 5 * expected.squareRoot() / Double(n).squareRoot())
    }
}
