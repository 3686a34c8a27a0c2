import NeuralNet
import TensorCore
import Testing

@Suite struct DenseTests {
    init() { BLAS.setThreadCount(1) }

    @Test func computesAffineMap() {
        let w = Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]])
        let b = Tensor<Double>([0.5, -1, 2])
        let dense = Dense(weight: w, bias: b)
        let x = Tensor<Double>(rows: [[1, 0], [2, -1]])
        let y = dense(x)
        #expect(y == Tensor(rows: [[1.5, 1, 5], [-1.5, -2, 2]]))
        // Batch of one goes through gemv: same numbers.
        #expect(dense(Tensor(rows: [[2, -1]])) == Tensor(rows: [[-1.5, -2, 2]]))
        #expect(dense.parameters == [w, b])
    }

    @Test func acceptsRankThreeInput() {
        var rng = Xoshiro256(seed: 2)
        let dense = Dense<Double>(inputSize: 3, outputSize: 2, using: &rng)
        let x = Tensor<Double>.gaussian(shape: [2, 4, 3], using: &rng)
        let y = dense(x)
        #expect(y.shape == [2, 4, 2])
        let flat = dense(x.reshaped([8, 3]))
        #expect(y.reshaped([8, 2]) == flat)
    }

    @Test(arguments: [[5, 4], [1, 4], [2, 3, 4]])
    func gradientCheck(inputShape: [Int]) {
        var rng = Xoshiro256(seed: 11)
        var dense = Dense<Double>(inputSize: 4, outputSize: 3, initializer: .glorotNormal, using: &rng)
        dense.parameters[1] = Tensor.gaussian(shape: [3], using: &rng)
        let x = Tensor<Double>.gaussian(shape: inputShape, using: &rng)
        let report = GradientCheck.check(dense, input: x)
        #expect(report.maxError <= 1e-6, "\(report)")
    }

    @Test func initializersHaveTheirScale() {
        var rng = Xoshiro256(seed: 5)
        let glorot = Dense<Double>(inputSize: 200, outputSize: 100, initializer: .glorotUniform, using: &rng)
        let bound = (6.0 / 300).squareRoot()
        #expect(glorot.weight.max() < bound && glorot.weight.min() >= -bound)
        // Variance 2/(fanIn+fanOut) = 1/150 within 5 standard errors (20 000 draws).
        // (The variance of a uniform square is 0.8·σ⁴, of a Gaussian square 2·σ⁴.)
        let variance = glorot.weight.squaredNorm() / Double(glorot.weight.count)
        let glorotTolerance: Double = 5 * (1.0 / 150) * (0.8 / 20_000).squareRoot()
        #expect(abs(variance - 1.0 / 150) < glorotTolerance)
        let he = Dense<Double>(inputSize: 200, outputSize: 100, initializer: .heNormal, using: &rng)
        let heVariance = he.weight.squaredNorm() / Double(he.weight.count)
        let heTolerance: Double = 5 * 0.01 * (2.0 / 20_000).squareRoot()
        #expect(abs(heVariance - 0.01) < heTolerance)
        #expect(he.bias == Tensor(zeros: [100]))
        // Same seed, same weights.
        var a = Xoshiro256(seed: 9)
        var b = Xoshiro256(seed: 9)
        let first = Dense<Float>(inputSize: 3, outputSize: 2, using: &a)
        let second = Dense<Float>(inputSize: 3, outputSize: 2, using: &b)
        #expect(first.weight == second.weight)
    }

    @Test(arguments: [[6, 4], [3, 5, 4]])
    func perExampleGradientsMatchSingleExampleBackprop(inputShape: [Int]) {
        var rng = Xoshiro256(seed: 21)
        let dense = Dense<Double>(inputSize: 4, outputSize: 3, using: &rng)
        let x = Tensor<Double>.gaussian(shape: inputShape, using: &rng)
        var outputShape = inputShape
        outputShape[outputShape.count - 1] = 3
        let g = Tensor<Double>.gaussian(shape: outputShape, using: &rng)
        let perExample = dense.perExampleGradients(input: x, outputGradient: g)
        #expect(perExample[0].shape == [inputShape[0], 4, 3])
        #expect(perExample[1].shape == [inputShape[0], 3])
        for i in 0..<inputShape[0] {
            let xi = x.rows(i..<(i + 1))
            let gi = g.rows(i..<(i + 1))
            let single = dense.forward(xi, training: true, using: &rng).pullback(gi).parameters
            #expect(maxRelativeError(slice(perExample[0], i), single[0]) <= 1e-5)
            #expect(maxRelativeError(slice(perExample[1], i), single[1]) <= 1e-5)
        }
        // The per-example gradients sum to the batch gradient.
        let batch = dense.forward(x, training: true, using: &rng).pullback(g).parameters
        #expect(maxRelativeError(perExample[0].sum(alongAxis: 0), batch[0]) <= 1e-9)
        #expect(maxRelativeError(perExample[1].sum(alongAxis: 0), batch[1]) <= 1e-9)
    }

    @Test func rejectsWrongInputWidth() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            let dense = Dense<Double>(inputSize: 4, outputSize: 2, using: &rng)
            _ = dense(Tensor<Double>(zeros: [2, 3]))
        }
    }
}
