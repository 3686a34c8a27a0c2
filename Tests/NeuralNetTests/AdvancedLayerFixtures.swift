import TensorCore

/// Shared helpers for the convolution, embedding, recurrent, normalization, dropout and
/// attention tests (namespaced so they cannot clash with other test files).
enum AdvancedLayerFixtures {
    /// A seeded tensor of `N(0, scale²)` draws.
    static func gaussian(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor<Double> {
        var rng = Xoshiro256(seed: seed)
        return Tensor<Double>.gaussian(shape: shape, standardDeviation: scale, using: &rng)
    }

    /// `max |a − b| / max(max |b|, tiny)`: the relative error of a whole tensor.
    static func relativeDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        precondition(a.shape == b.shape, "comparing \(a.shape) with \(b.shape)")
        let scale = Swift.max(b.scalars.map { abs($0) }.max() ?? 0, 1e-300)
        return a.maxAbsoluteDifference(b) / scale
    }

    /// Slice `index` of the outermost axis, keeping a batch axis of 1.
    static func example(_ t: Tensor<Double>, _ index: Int) -> Tensor<Double> {
        t.rows(index..<(index + 1))
    }

    /// Slice `index` of the outermost axis, dropping that axis.
    static func slice(_ t: Tensor<Double>, _ index: Int) -> Tensor<Double> {
        let r = t.rows(index..<(index + 1))
        return r.reshaped(Array(t.shape.dropFirst()))
    }
}
