import TensorCore

/// Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks
/// from overfitting").
///
/// In training, each element is kept independently with probability `1 − rate` and scaled by
/// `1 / (1 − rate)`, so the expected output equals the input; dropped elements become 0. The
/// paper scales the weights at test time instead; the inverted form used here (as in PyTorch
/// and Keras) leaves inference as the identity.
///
/// The mask is drawn from the generator passed to ``forward(_:training:using:)``: one uniform
/// draw per element (`nextUnit`), element `i` is kept when its draw is `≥ rate`. The same
/// generator state gives the same mask.
///
/// - Shapes: any input shape → the same shape.
/// - Parameters: none.
public struct Dropout<Scalar: TensorScalar>: Layer {
    /// Probability of zeroing each element, in `[0, 1)`.
    public let rate: Scalar

    /// Dropout has no trainable parameters; setting anything but `[]` traps.
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set { precondition(newValue.isEmpty, "Dropout has no parameters, got \(newValue.count)") }
    }

    /// Creates a dropout layer.
    /// - Parameter rate: the drop probability, `0 ≤ rate < 1`.
    public init(rate: Scalar) {
        precondition(rate >= 0 && rate < 1, "Dropout rate must be in [0, 1), got \(rate)")
        self.rate = rate
    }

    /// Draws the scaled keep mask: `1/(1 − rate)` where kept, `0` where dropped.
    ///
    /// - Parameters:
    ///   - shape: the shape of the mask.
    ///   - rng: advanced by one draw per element.
    /// - Returns: the mask, which multiplies the input element-wise.
    public func mask<G: RandomNumberGenerator>(shape: [Int], using rng: inout G) -> Tensor<Scalar> {
        let n = shape.reduce(1, *)
        let scale = 1 / (1 - rate)
        var m = [Scalar](repeating: 0, count: n)
        for i in 0..<n where rng.nextUnit(Scalar.self) >= rate { m[i] = scale }
        return Tensor(shape: shape, scalars: m)
    }

    /// Applies dropout in training, the identity otherwise.
    ///
    /// - Parameters:
    ///   - input: any shape.
    ///   - training: when `false` (or `rate == 0`) the output is the input and `rng` is untouched.
    ///   - rng: the mask's randomness.
    /// - Returns: the output (input's shape) and a pullback multiplying `∂L/∂output` by the same mask.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let shape = input.shape
        guard training && rate > 0 else {
            return (
                input,
                { gradient in
                    precondition(gradient.shape == shape, "Dropout pullback expects \(shape), got \(gradient.shape)")
                    return (gradient, [])
                }
            )
        }
        let keep = mask(shape: shape, using: &rng)
        return (
            input * keep,
            { gradient in
                precondition(gradient.shape == shape, "Dropout pullback expects \(shape), got \(gradient.shape)")
                return (gradient * keep, [])
            }
        )
    }

    /// Inference: the identity.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        input
    }
}
