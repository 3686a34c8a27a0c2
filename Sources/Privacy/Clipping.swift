import RealModule
import TensorCore

/// L2 clipping and the noise stage of DP-SGD (Abadi et al. 2016), as pure functions.
///
/// Opacus's `DPOptimizer` runs one private step as five stages; the first four are here, the
/// fifth belongs to the optimizer:
/// 1. **norms** — per example, the L2 norm of its gradient flattened across all parameter
///    tensors (``perExampleNorms(_:)``);
/// 2. **clip** — scale each example's gradient by min(1, C/‖g‖) (``clipPerExample(_:maxNorm:)``);
/// 3. **sum** — add the clipped gradients over the batch (stages 1–3 fused in
///    ``clipAndAccumulate(_:maxNorm:)``);
/// 4. **noise** — add N(0, (σ·C)²) to every coordinate of the sum (``addNoise(to:noiseMultiplier:maxNorm:using:)``);
/// 5. **step** — divide by the expected batch size and apply the inner optimizer.
///
/// The clip factor is min(1, C/‖g‖) (1 for a zero gradient); Opacus divides by ‖g‖ + 10⁻⁶ instead.
public enum Clipping {
    /// The L2 norm of a list of tensors taken as one flat vector (accumulated in `Double`).
    /// - Parameter tensors: any shapes.
    public static func globalNorm<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>]) -> Double {
        var sum = 0.0
        for tensor in tensors {
            for value in tensor.scalars { sum += Double(value) * Double(value) }
        }
        return sum.squareRoot()
    }

    /// The factor min(1, C/‖g‖) that clips a vector of norm ‖g‖ to norm ≤ C (1 when ‖g‖ = 0).
    static func factor(norm: Double, maxNorm: Double) -> Double {
        norm > maxNorm ? maxNorm / norm : 1
    }

    /// Clips a list of tensors jointly: all are scaled by the same factor so that their flat L2
    /// norm is at most C (a model update or one example's gradient, as in DP-SGD).
    /// - Parameters:
    ///   - tensors: the parameter tensors, any shapes.
    ///   - maxNorm: C > 0.
    /// - Returns: the clipped tensors (same shapes), the original norm and the factor applied.
    /// - Precondition: C > 0 and finite.
    public static func clipByGlobalNorm<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>], maxNorm: Double) -> (
        clipped: [Tensor<Scalar>], norm: Double, factor: Double
    ) {
        precondition(maxNorm > 0 && maxNorm.isFinite, "Clipping norm must be > 0, got \(maxNorm)")
        let norm = globalNorm(tensors)
        let f = factor(norm: norm, maxNorm: maxNorm)
        if f == 1 { return (tensors, norm, 1) }
        let scale = Scalar(f)
        return (tensors.map { $0 * scale }, norm, f)
    }

    /// Per-example L2 norms of a list of per-example gradients, flattened across the list.
    /// - Parameter perExampleGradients: tensors `[batch, ...]` (one per parameter), all with the
    ///   same leading extent `batch`.
    /// - Returns: `[batch]` norms.
    public static func perExampleNorms<Scalar: TensorScalar>(_ perExampleGradients: [Tensor<Scalar>]) -> [Double] {
        let batch = batchSize(perExampleGradients)
        var squares = [Double](repeating: 0, count: batch)
        for tensor in perExampleGradients {
            let width = batch == 0 ? 0 : tensor.count / batch
            tensor.scalars.withUnsafeBufferPointer { values in
                for example in 0..<batch {
                    var sum = 0.0
                    for j in 0..<width {
                        let v = Double(values[example * width + j])
                        sum += v * v
                    }
                    squares[example] += sum
                }
            }
        }
        return squares.map { $0.squareRoot() }
    }

    /// Clips each example of a `[batch, ...]` gradient tensor to L2 norm ≤ C.
    /// - Parameters:
    ///   - gradients: `[batch, ...]`, one row per example.
    ///   - maxNorm: C > 0.
    /// - Returns: the clipped gradients `[batch, ...]` and the per-example factors `[batch]`.
    public static func clipPerExample<Scalar: TensorScalar>(_ gradients: Tensor<Scalar>, maxNorm: Double) -> (
        clipped: Tensor<Scalar>, factors: [Double]
    ) {
        let (clipped, factors) = clipPerExample([gradients], maxNorm: maxNorm)
        return (clipped[0], factors)
    }

    /// Clips each example jointly across a list of per-example gradients (flat clipping).
    /// - Parameters:
    ///   - perExampleGradients: tensors `[batch, ...]`, same `batch`.
    ///   - maxNorm: C > 0.
    /// - Returns: the clipped tensors (same shapes) and the factors `[batch]`.
    public static func clipPerExample<Scalar: TensorScalar>(_ perExampleGradients: [Tensor<Scalar>], maxNorm: Double)
        -> (clipped: [Tensor<Scalar>], factors: [Double])
    {
        precondition(maxNorm > 0 && maxNorm.isFinite, "Clipping norm must be > 0, got \(maxNorm)")
        let batch = batchSize(perExampleGradients)
        let factors = perExampleNorms(perExampleGradients).map { factor(norm: $0, maxNorm: maxNorm) }
        let clipped = perExampleGradients.map { tensor -> Tensor<Scalar> in
            var out = tensor
            let width = batch == 0 ? 0 : tensor.count / batch
            out.scalars.withUnsafeMutableBufferPointer { values in
                for example in 0..<batch where factors[example] != 1 {
                    let f = Scalar(factors[example])
                    for j in 0..<width { values[example * width + j] *= f }
                }
            }
            return out
        }
        return (clipped, factors)
    }

    /// Stages 1–3 of DP-SGD: per-example norms, clip to C, sum over the batch.
    /// - Parameters:
    ///   - perExampleGradients: tensors `[batch, ...]` (one per parameter), same `batch` ≥ 1.
    ///   - maxNorm: C > 0.
    /// - Returns: the summed clipped gradients (shapes without the batch axis) and the factors `[batch]`.
    public static func clipAndAccumulate<Scalar: TensorScalar>(_ perExampleGradients: [Tensor<Scalar>], maxNorm: Double)
        -> (sum: [Tensor<Scalar>], factors: [Double])
    {
        let (clipped, factors) = clipPerExample(perExampleGradients, maxNorm: maxNorm)
        let sums = clipped.map { $0.sum(alongAxis: 0) }
        return (sums, factors)
    }

    /// Stage 4 of DP-SGD: adds N(0, (σ·C)²) to every coordinate of the summed clipped gradients
    /// (the Gaussian mechanism with L2 sensitivity C under add/remove neighbours).
    /// - Parameters:
    ///   - sums: the summed gradients, any shapes.
    ///   - noiseMultiplier: σ ≥ 0 (σ = 0 adds nothing).
    ///   - maxNorm: C > 0, the clipping norm.
    ///   - rng: the generator (use `SystemRandomNumberGenerator` for real training).
    /// - Returns: the noisy sums, same shapes.
    public static func addNoise<Scalar: TensorScalar, G: RandomNumberGenerator>(
        to sums: [Tensor<Scalar>], noiseMultiplier: Double, maxNorm: Double, using rng: inout G
    ) -> [Tensor<Scalar>] {
        precondition(
            noiseMultiplier >= 0 && noiseMultiplier.isFinite, "Noise multiplier must be ≥ 0, got \(noiseMultiplier)")
        precondition(maxNorm > 0 && maxNorm.isFinite, "Clipping norm must be > 0, got \(maxNorm)")
        let deviation = Scalar(noiseMultiplier * maxNorm)
        return sums.map { $0 + Tensor<Scalar>.gaussian(shape: $0.shape, standardDeviation: deviation, using: &rng) }
    }

    static func batchSize<Scalar: TensorScalar>(_ tensors: [Tensor<Scalar>]) -> Int {
        precondition(!tensors.isEmpty, "Per-example gradients need at least one tensor")
        let batch = tensors[0].shape.first ?? 0
        for tensor in tensors {
            precondition(
                tensor.rank >= 1 && tensor.shape[0] == batch,
                "Per-example gradients need the same leading batch extent \(batch), got shape \(tensor.shape)")
        }
        return batch
    }
}
