import Benchmark
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

    Benchmark("gaussian 2^20 Float") { benchmark in
        var rng = Xoshiro256(seed: 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(Tensor<Float>.gaussian(shape: [1 << 20], using: &rng))
        }
    }
}
