import NeuralNet
import TensorCore
import Testing

@Suite struct ActivationTests {
    @Test func knownValues() {
        let x = Tensor<Double>([-2, -0.5, 0, 0.5, 2])
        #expect(ReLU<Double>()(x) == Tensor([0, 0, 0, 0.5, 2]))
        // GELU tanh approximation: 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), values from Python.
        let gelu = GELU<Double>()(Tensor([1, -1, 3]))
        #expect(abs(gelu.scalars[0] - 0.8411919906082768) < 1e-12)
        #expect(abs(gelu.scalars[1] - -0.15880800939172324) < 1e-12)
        #expect(abs(gelu.scalars[2] - 2.996362607918227) < 1e-12)
        #expect(abs(Sigmoid<Double>()(Tensor([2])).scalars[0] - 0.8807970779778823) < 1e-15)
        #expect(abs(Tanh<Double>()(Tensor([0.5])).scalars[0] - 0.46211715726000974) < 1e-15)
    }

    @Test func sigmoidIsStableForLargeInputs() {
        let y = Sigmoid<Double>()(Tensor([-1000, 1000]))
        #expect(y == Tensor([0, 1]))
        let yf = Sigmoid<Float>()(Tensor([-200, 200]))
        #expect(yf == Tensor([0, 1]))
    }

    @Test func floatReLUMatchesDouble() {
        // The Float path uses an eight-lane kernel with a scalar tail: check both parts.
        var rng = Xoshiro256(seed: 4)
        let x = Tensor<Double>.gaussian(shape: [3, 13], using: &rng)
        let xf: Tensor<Float> = x.converted()
        let relu = ReLU<Float>()
        let (y, pullback) = relu.forward(xf, training: true, using: &rng)
        let g = Tensor<Float>.gaussian(shape: [3, 13], using: &rng)
        let dx = pullback(g).input
        for i in 0..<x.count {
            #expect(y.scalars[i] == max(xf.scalars[i], 0))
            #expect(dx.scalars[i] == (xf.scalars[i] > 0 ? g.scalars[i] : 0))
        }
    }

    @Test func gradientCheckEveryActivation() {
        var rng = Xoshiro256(seed: 8)
        let x = awayFromZero(Tensor<Double>.gaussian(shape: [4, 5], standardDeviation: 1.5, using: &rng))
        let reports = [
            GradientCheck.check(ReLU<Double>(), input: x),
            GradientCheck.check(GELU<Double>(), input: x),
            GradientCheck.check(Tanh<Double>(), input: x),
            GradientCheck.check(Sigmoid<Double>(), input: x),
        ]
        for report in reports {
            #expect(report.maxError <= 1e-6, "\(report)")
            #expect(report.parameterErrors.isEmpty)
        }
    }
}
