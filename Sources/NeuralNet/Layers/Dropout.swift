import TensorCore

/// Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks
/// from overfitting").
///
/// In training, each element is kept independently with probability `1 − rate` and scaled by
/// `1 / (1 − rate)`, so the expected output equals the input; dropped elements become 0. The
/// paper scales the weights at test time instead; the inverted form used here (as in PyTorch
/// and Keras) leaves inference as the identity.
///
/// The mask is drawn from the generator passed to ``forward(_:training:using:)``: one 64-bit
/// draw per element, in row-major order; element `i` is kept when the draw's top 53 bits, read
/// as a uniform `Double` in `[0, 1)` (as `nextUnitDouble()` does), are `≥ rate`. The same
/// generator state gives the same mask, for `Float` and `Double` alike.
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
        scaledMask(shape: shape, keep: dropoutKeepFlags(count: shape.reduce(1, *), rate: Double(rate), using: &rng))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func scaledMask(shape: [Int], keep: [Bool]) -> Tensor<Scalar> {
        let scale = 1 / (1 - rate)
        return Tensor(shape: shape, scalars: keep.map { $0 ? scale : 0 })
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func masked(_ input: Tensor<Scalar>, keep: [Bool]) -> (output: Tensor<Scalar>, mask: Tensor<Scalar>) {
        let mask = scaledMask(shape: input.shape, keep: keep)
        return (input * mask, mask)
    }

    /// Applies a keep pattern drawn beforehand (see ``dropoutKeepFlags(count:rate:using:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(
        _ input: Tensor<Scalar>, keep: [Bool]
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        precondition(keep.count == input.count, "Dropout keep pattern has \(keep.count) flags for \(input.count) elements")
        let shape = input.shape
        let (output, mask) = masked(input, keep: keep)
        return (
            output,
            { gradient in
                precondition(gradient.shape == shape, "Dropout pullback expects \(shape), got \(gradient.shape)")
                return (gradient * mask, [])
            }
        )
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
        return forward(input, keep: dropoutKeepFlags(count: input.count, rate: Double(rate), using: &rng))
    }

    /// Inference: the identity.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        input
    }
}

/// Draws which of `count` elements dropout keeps: one `rng.next()` per element, kept when
/// its top 53 bits as a uniform `Double` in `[0, 1)` are `≥ rate` (compared exactly in integers).
func dropoutKeepFlags<G: RandomNumberGenerator>(count: Int, rate: Double, using rng: inout G) -> [Bool] {
    // u = (next >> 11) · 2⁻⁵³ ≥ rate  ⇔  next >> 11 ≥ ⌈rate · 2⁵³⌉ (the scaling by 2⁵³ is exact).
    let threshold = UInt64((rate * 0x1p53).rounded(.up))
    var keep = [Bool](repeating: false, count: count)
    for i in 0..<count { keep[i] = (rng.next() >> 11) >= threshold }
    return keep
}
