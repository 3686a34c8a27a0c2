import Benchmark
import NeuralNet
import TensorCore

// Wall clock is for local runs; malloc counts are the deterministic metric (swift-nio's rule).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2))

    Benchmark("gemm 256x256x256 Float") { benchmark in
        var rng = Xoshiro256(seed: 0)
        let a = Tensor<Float>.gaussian(shape: [256, 256], using: &rng)
        let b = Tensor<Float>.gaussian(shape: [256, 256], using: &rng)
        var c = Tensor<Float>(zeros: [256, 256])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            c.accumulateProduct(a, b, alpha: 1, beta: 0)
            blackHole(c)
        }
    }

    Benchmark("gemv 1x256 · 256x256 Float") { benchmark in
        var rng = Xoshiro256(seed: 0)
        let x = Tensor<Float>.gaussian(shape: [1, 256], using: &rng)
        let w = Tensor<Float>.gaussian(shape: [256, 256], using: &rng)
        var y = Tensor<Float>(zeros: [1, 256])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            y.accumulateProduct(x, w, alpha: 1, beta: 0)
            blackHole(y)
        }
    }

    // The mlp-codec workload's batch-1 pass (64→256→256→32→256→256→10) on a prepared chain: one
    // allocation per call (the output), weights read once from L2.
    Benchmark("SmallDense.Chain mlp-codec batch 1") { benchmark in
        var rng = Xoshiro256(seed: 0)
        let sizes = [64, 256, 256, 32, 256, 256, 10]
        let weights = (0..<6).map { Tensor<Float>.gaussian(shape: [sizes[$0], sizes[$0 + 1]], using: &rng) }
        let biases = (0..<6).map { Tensor<Float>.gaussian(shape: [sizes[$0 + 1]], using: &rng) }
        let chain = SmallDense.Chain(
            weights: weights, biases: biases, relu: [true, true, false, true, true, false])
        let x = Tensor<Float>.gaussian(shape: [1, 64], using: &rng)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(chain(x))
        }
    }

    // One Adam step on the mlp-codec's 166,400 parameters (six weight matrices and biases).
    Benchmark("Adam step mlp-codec parameters Float") { benchmark in
        var rng = Xoshiro256(seed: 0)
        let sizes = [64, 256, 256, 32, 256, 256, 10]
        var parameters: [Tensor<Float>] = []
        for k in 0..<6 {
            parameters.append(Tensor.gaussian(shape: [sizes[k], sizes[k + 1]], using: &rng))
            parameters.append(Tensor.gaussian(shape: [sizes[k + 1]], using: &rng))
        }
        let gradients = parameters.map { Tensor<Float>.gaussian(shape: $0.shape, using: &rng) }
        var optimizer = Adam<Float>(learningRate: 1e-3)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            optimizer.update(&parameters, along: gradients)
            blackHole(parameters)
        }
    }

    Benchmark("gaussian 2^20 Float") { benchmark in
        var rng = Xoshiro256(seed: 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(Tensor<Float>.gaussian(shape: [1 << 20], using: &rng))
        }
    }
}
