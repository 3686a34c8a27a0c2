import Channels
import Testing
import TensorCore

@Suite struct PowerNormalizationTests {
    @Test(arguments: [1, 0.5, 3] as [Float])
    func unitAveragePowerPerExample(power: Float) {
        var rng = Xoshiro256(seed: 71)
        var x = Tensor<Float>.gaussian(shape: [6, 3, 10], standardDeviation: 2.5, using: &rng)  // 15 symbols per example
        for i in 0..<30 { x.scalars[i] = 0 }  // example 0 is all zero
        let y = PowerNormalization(averageSymbolPower: power)(x)
        let measured = PowerNormalization.averageSymbolPower(of: y)
        #expect(measured[0] == 0)
        for b in 1..<6 { #expect(abs(measured[b] - power) < 1e-5 * power) }
        // Direction is kept: y_b is a positive multiple of x_b.
        for i in 30..<x.count { #expect((x.scalars[i] >= 0) == (y.scalars[i] >= 0) || x.scalars[i] == 0) }
    }

    /// The pullback against central finite differences of L = Σ c·normalize(x), in Float with a
    /// Double-accumulated loss.
    @Test func pullbackMatchesFiniteDifferences() {
        var rng = Xoshiro256(seed: 72)
        let normalize = PowerNormalization(averageSymbolPower: 2)
        var x = Tensor<Float>.gaussian(shape: [3, 8], using: &rng)
        for i in 0..<8 { x.scalars[i] = 0 }  // a zero example gets a zero gradient
        let c = Tensor<Float>.gaussian(shape: [3, 8], using: &rng)
        let (_, pullback) = normalize.forward(x)
        let analytic = pullback(c)
        func loss(_ input: Tensor<Float>) -> Double {
            zip(normalize(input).scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let step: Float = 1e-3
        for i in 8..<x.count {
            var plus = x
            plus.scalars[i] += step
            var minus = x
            minus.scalars[i] -= step
            let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
            #expect(abs(numeric - Double(analytic.scalars[i])) < 1e-2 * max(1, abs(numeric)), "coordinate \(i)")
        }
        #expect(analytic.scalars[0..<8].allSatisfy { $0 == 0 })
        // The gradient is orthogonal to x (scaling x does not change the output).
        for b in 1..<3 {
            let dot = (0..<8).reduce(0.0) { $0 + Double(x[b, $1]) * Double(analytic[b, $1]) }
            #expect(abs(dot) < 1e-4)
        }
    }
}
