import Foundation
import NeuralNet
import SemanticCodec
import TensorCore
import Testing

@Suite struct PhaseInvariantFeaturesTests {
    @Test func featuresAreEnergiesAndRelativePhases() {
        // y1 = 1 + 2j, y2 = 3 − 1j: |y1|² = 5, |y2|² = 10, y1·conj(y2) = (1 + 2j)(3 + 1j) = 1 + 7j.
        let y = Tensor<Float>(shape: [1, 4], scalars: [1, 2, 3, -1])
        #expect(PhaseInvariantFeatures(symbolCount: 2)(y).scalars == [5, 10, 1, 7])
    }

    @Test func commonPhaseRotationLeavesFeaturesUnchanged() {
        var rng = Xoshiro256(seed: 5)
        let layer = PhaseInvariantFeatures(symbolCount: 4)
        let y = Tensor<Float>.gaussian(shape: [6, 8], using: &rng)
        var rotated = y
        for s in 0..<6 {
            let phi = Float(s) * 0.9 + 0.3
            for i in 0..<4 {
                let (a, b) = (y.scalars[s * 8 + 2 * i], y.scalars[s * 8 + 2 * i + 1])
                rotated.scalars[s * 8 + 2 * i] = a * cos(phi) - b * sin(phi)
                rotated.scalars[s * 8 + 2 * i + 1] = a * sin(phi) + b * cos(phi)
            }
        }
        let f = layer(y)
        let g = layer(rotated)
        #expect(f.shape == [6, 16])
        #expect(zip(f.scalars, g.scalars).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) })
    }

    @Test func pullbackMatchesFiniteDifferences() {
        var rng = Xoshiro256(seed: 6)
        let layer = PhaseInvariantFeatures(symbolCount: 3)
        let x = Tensor<Float>.gaussian(shape: [2, 6], using: &rng)
        let v = Tensor<Float>.gaussian(shape: [2, 9], using: &rng)
        func objective(_ input: Tensor<Float>) -> Double {
            zip(layer(input).scalars, v.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let (_, pullback) = layer.forward(x, training: true, using: &rng)
        let (dx, parameters) = pullback(v)
        #expect(parameters.isEmpty)
        for i in 0..<x.count {
            var plus = x
            plus.scalars[i] += 1e-2
            var minus = x
            minus.scalars[i] -= 1e-2
            let numeric = (objective(plus) - objective(minus)) / 2e-2
            #expect(
                abs(numeric - Double(dx.scalars[i])) < 1e-3, "input \(i): numeric \(numeric), analytic \(dx.scalars[i])"
            )
        }
    }
}
