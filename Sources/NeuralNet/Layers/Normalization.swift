import RealModule
import TensorCore

/// Layer normalization over the last axis (Ba, Kiros & Hinton 2016, "Layer Normalization").
///
/// Each vector `x` along the last axis (of length `featureCount`) is normalized with its own
/// mean and (biased) variance, then scaled and shifted:
///
/// `μ = mean(x)`, `σ² = mean((x − μ)²)`, `y = gain ⊙ (x − μ) / √(σ² + epsilon) + bias`.
///
/// Statistics are per example and per time step, so the layer behaves identically in training
/// and inference and needs no running averages.
///
/// - Shapes: input `[..., featureCount]` (e.g. `[batch, featureCount]` or
///   `[batch, time, featureCount]`) → output of the same shape.
/// - Parameters, in order: `gain` `[featureCount]`, `bias` `[featureCount]`.
/// - Initialization: `gain = 1`, `bias = 0` (as in the paper and PyTorch).
public struct LayerNorm<Scalar: TensorScalar>: Layer {
    /// Per-feature scale γ, `[featureCount]`.
    public var gain: Tensor<Scalar>
    /// Per-feature shift β, `[featureCount]`.
    public var bias: Tensor<Scalar>
    /// Added to the variance before the square root (default `1e-5`, as PyTorch).
    public let epsilon: Scalar

    /// Length of the normalized (last) axis.
    public var featureCount: Int { gain.count }

    /// `[gain, bias]`.
    public var parameters: [Tensor<Scalar>] {
        get { [gain, bias] }
        set {
            precondition(
                newValue.count == 2 && newValue[0].shape == gain.shape && newValue[1].shape == bias.shape,
                "LayerNorm has 2 parameters of shape \(gain.shape), got \(newValue.map(\.shape))")
            gain = newValue[0]
            bias = newValue[1]
        }
    }

    /// Creates a layer normalization with unit gain and zero bias.
    ///
    /// - Parameters:
    ///   - featureCount: length of the last axis (> 0).
    ///   - epsilon: variance floor (> 0).
    public init(featureCount: Int, epsilon: Scalar = 1e-5) {
        precondition(featureCount > 0, "LayerNorm featureCount must be > 0, got \(featureCount)")
        self.init(
            gain: Tensor(repeating: 1, shape: [featureCount]), bias: Tensor(zeros: [featureCount]), epsilon: epsilon)
    }

    /// Creates a layer normalization with given gain and bias (`[featureCount]` each).
    public init(gain: Tensor<Scalar>, bias: Tensor<Scalar>, epsilon: Scalar = 1e-5) {
        precondition(
            gain.rank == 1 && gain.count > 0 && bias.shape == gain.shape,
            "LayerNorm gain and bias must both be [featureCount], got \(gain.shape) and \(bias.shape)")
        precondition(epsilon > 0, "LayerNorm epsilon must be > 0, got \(epsilon)")
        self.gain = gain
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Normalizes and returns the output, `x̂ = (x − μ)/σ` and the `1/σ` of every row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func normalize(_ input: Tensor<Scalar>) -> (output: Tensor<Scalar>, normalized: [Scalar], inverseStd: [Scalar]) {
        let d = featureCount
        precondition(
            input.rank >= 1 && input.shape[input.rank - 1] == d,
            "LayerNorm expects input [..., \(d)], got \(input.shape)")
        let rows = input.count / d
        var xHat = [Scalar](repeating: 0, count: input.count)
        var y = [Scalar](repeating: 0, count: input.count)
        var inverseStd = [Scalar](repeating: 0, count: rows)
        let n = Scalar(d)
        xHat.withUnsafeMutableBufferPointer { xh in
            y.withUnsafeMutableBufferPointer { out in
                input.scalars.withUnsafeBufferPointer { x in
                    gain.scalars.withUnsafeBufferPointer { gamma in
                        bias.scalars.withUnsafeBufferPointer { beta in
                            for r in 0..<rows {
                                let base = r * d
                                var mean: Scalar = 0
                                for j in 0..<d { mean += x[base + j] }
                                mean /= n
                                var variance: Scalar = 0
                                for j in 0..<d {
                                    let c = x[base + j] - mean
                                    variance += c * c
                                }
                                variance /= n
                                let inv = 1 / Scalar.sqrt(variance + epsilon)
                                inverseStd[r] = inv
                                for j in 0..<d {
                                    let v = (x[base + j] - mean) * inv
                                    xh[base + j] = v
                                    out[base + j] = gamma[j] * v + beta[j]
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: input.shape, scalars: y), xHat, inverseStd)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func backward(
        _ gradient: Tensor<Scalar>, normalized xHat: [Scalar], inverseStd: [Scalar]
    ) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>]) {
        let d = featureCount
        precondition(gradient.count == xHat.count, "LayerNorm pullback got \(gradient.shape) for \(xHat.count) elements")
        let rows = inverseStd.count
        var dx = [Scalar](repeating: 0, count: gradient.count)
        var dGain = [Scalar](repeating: 0, count: d)
        var dBias = [Scalar](repeating: 0, count: d)
        let n = Scalar(d)
        dx.withUnsafeMutableBufferPointer { out in
            gradient.scalars.withUnsafeBufferPointer { dy in
                xHat.withUnsafeBufferPointer { xh in
                    gain.scalars.withUnsafeBufferPointer { gamma in
                        for r in 0..<rows {
                            let base = r * d
                            // dx̂ = dy ⊙ γ; dx = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)).
                            var meanD: Scalar = 0
                            var meanDX: Scalar = 0
                            for j in 0..<d {
                                let g = dy[base + j] * gamma[j]
                                meanD += g
                                meanDX += g * xh[base + j]
                                dGain[j] += dy[base + j] * xh[base + j]
                                dBias[j] += dy[base + j]
                            }
                            meanD /= n
                            meanDX /= n
                            let inv = inverseStd[r]
                            for j in 0..<d {
                                let g = dy[base + j] * gamma[j]
                                out[base + j] = inv * (g - meanD - xh[base + j] * meanDX)
                            }
                        }
                    }
                }
            }
        }
        return (Tensor(shape: gradient.shape, scalars: dx), [Tensor([Scalar](dGain)), Tensor([Scalar](dBias))])
    }

    /// Normalizes the last axis and returns the pullback.
    ///
    /// - Parameters:
    ///   - input: `[..., featureCount]`.
    ///   - training: unused (same behaviour in both modes).
    ///   - rng: unused.
    /// - Returns: the output (input's shape) and a pullback giving `∂L/∂input` and `[∂L/∂gain, ∂L/∂bias]`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let (output, xHat, inverseStd) = normalize(input)
        let layer = self
        return (
            output,
            { gradient in
                precondition(gradient.shape == output.shape, "LayerNorm pullback expects \(output.shape), got \(gradient.shape)")
                return layer.backward(gradient, normalized: xHat, inverseStd: inverseStd)
            }
        )
    }

    /// Inference: the normalized input, same shape.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        normalize(input).output
    }
}
