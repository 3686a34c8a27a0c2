import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

@Suite struct NormalizationTests {
    init() { BLAS.setThreadCount(1) }

    @Test func normalizesEachRowOfTheLastAxis() {
        let norm = LayerNorm<Double>(featureCount: 5)
        let x = F.gaussian([2, 3, 5], seed: 1, scale: 4) + 7
        let y = norm(x)
        #expect(y.shape == x.shape)
        for r in 0..<6 {
            let row = Array(y.scalars[(r * 5)..<(r * 5 + 5)])
            let mean = row.reduce(0, +) / 5
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            #expect(abs(mean) <= 1e-12)
            // Var(y) = σ²/(σ² + ε) slightly below 1.
            #expect(abs(variance - 1) <= 1e-5)
        }
    }

    @Test func appliesGainAndBias() {
        let gain = Tensor<Double>([2, -1])
        let bias = Tensor<Double>([0.5, 3])
        let norm = LayerNorm(gain: gain, bias: bias, epsilon: 1e-12)
        // Row [1, 3]: mean 2, σ 1 → x̂ = [−1, 1] → y = [2·(−1) + 0.5, −1·1 + 3].
        let y = norm(Tensor<Double>(shape: [1, 2], scalars: [1, 3]))
        #expect(y.maxAbsoluteDifference(Tensor(shape: [1, 2], scalars: [-1.5, 2])) <= 1e-9)
    }

    @Test func gradientCheck() {
        var norm = LayerNorm<Double>(featureCount: 4, epsilon: 1e-3)
        norm.parameters = [F.gaussian([4], seed: 2) + 1, F.gaussian([4], seed: 3)]
        let report = GradientCheck.check(norm, input: F.gaussian([2, 3, 4], seed: 4, scale: 2), seed: 5)
        #expect(report.maxError <= 1e-6, "\(report)")
        #expect(report.parameterErrors.count == 2)
    }

    @Test func rank2InputAndFloat() {
        let norm = LayerNorm<Float>(featureCount: 3)
        let y = norm(Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, -4, 0, 4]))
        let expected: [Float] = [-1.2247, 0, 1.2247, -1.2247, 0, 1.2247]
        for i in 0..<6 { #expect(abs(y.scalars[i] - expected[i]) <= 1e-3) }
    }
}
