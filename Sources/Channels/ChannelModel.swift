import TensorCore

/// A communication channel with Sionna's *generate / apply* split, usable inside a trained network.
///
/// ## Tensor convention
/// A **channel use** is one complex baseband symbol. Complex tensors are `Tensor<Float>` whose
/// **last axis holds interleaved (real, imaginary) pairs**: a `[batch, 2·k]` tensor carries `k`
/// channel uses per example (`x[b, 2n]` is the real part and `x[b, 2n + 1]` the imaginary part of
/// symbol `n` of example `b`). Axis 0 is always the batch; every axis after it belongs to one
/// example (a `[batch, time, 2·k]` tensor has `time · k` symbols per example). A real-valued
/// system sends two reals per channel use. Discrete channels (``BinarySymmetricChannel``,
/// ``GilbertElliottChannel`` in bit mode) instead read every element as one bit in {0, 1}.
///
/// ## Generate / apply
/// Like Sionna's `GenerateFlatFadingChannel` / `ApplyFlatFadingChannel` pair
/// (`sionna/phy/channel/flat_fading_channel.py`):
/// - ``sampleState(for:using:)`` draws everything random about the channel *except* the
///   additive noise (fading coefficients, erasure masks, flip patterns, Markov state paths);
/// - ``apply(_:state:using:)`` applies that state to a transmitted tensor and draws the additive
///   noise;
/// - ``pullback(_:state:)`` maps the gradient of a loss with respect to the channel output to the
///   gradient with respect to the channel input (the adjoint of the channel's Jacobian for that
///   state, with the noise held fixed), so a channel can sit between an encoder and a decoder
///   that are trained end to end.
///
/// A receiver with perfect channel-state information (Sionna's `return_channel=True`) keeps the
/// state returned by ``transmit(_:using:)``.
///
/// ```swift
/// var rng = Xoshiro256(seed: 7)
/// let channel = RayleighFading(coherence: .perExample, equalization: .none, noise: .snr(decibels: 10))
/// let (y, state) = channel.transmit(x, using: &rng)      // x: [batch, 2·k]
/// let dx = channel.pullback(dy, state: state)             // dy: [batch, 2·k]
/// ```
public protocol ChannelModel: Sendable {
    /// Everything random about one use of the channel except the additive noise
    /// (fading coefficients, erasure mask, …); `Void` for a channel without such state.
    associatedtype State: Sendable

    /// Draws the channel state for a transmitted tensor of the given shape.
    /// - Parameters:
    ///   - shape: the shape of the tensor that will be transmitted, `[batch, …, 2·k]`.
    ///   - rng: the generator.
    func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> State

    /// Passes `x` through the channel in the given state, drawing the additive noise (if any).
    /// - Parameters:
    ///   - x: transmitted tensor `[batch, …, 2·k]` (interleaved complex pairs, or bits for
    ///     discrete channels).
    ///   - state: a state drawn by ``sampleState(for:using:)`` for `x.shape`.
    ///   - rng: the generator for the noise.
    /// - Returns: the received tensor, same shape as `x`.
    func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: State, using rng: inout G) -> Tensor<Float>

    /// The gradient with respect to the channel input, given the gradient `dy` with respect to its
    /// output (`dL/dx = Jᵀ · dL/dy` for the channel's map in `state`, noise held fixed).
    /// - Parameters:
    ///   - dy: gradient with respect to the output, same shape as the transmitted tensor.
    ///   - state: the state the forward pass used.
    /// - Returns: gradient with respect to the input, same shape as `dy`.
    func pullback(_ dy: Tensor<Float>, state: State) -> Tensor<Float>
}

extension ChannelModel {
    /// Samples a state and applies the channel, returning the output and the state (for a
    /// receiver with channel-state information, or for ``pullback(_:state:)``).
    /// - Parameters:
    ///   - x: transmitted tensor `[batch, …, 2·k]`.
    ///   - rng: the generator (state first, then noise).
    public func transmit<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, state: State) {
        let state = sampleState(for: x.shape, using: &rng)
        return (apply(x, state: state, using: &rng), state)
    }

    /// Samples a state and applies the channel: the received tensor for transmitted `x`.
    /// - Parameters:
    ///   - x: transmitted tensor `[batch, …, 2·k]`.
    ///   - rng: the generator (state first, then noise).
    /// - Returns: the received tensor, same shape as `x`.
    public func callAsFunction<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        transmit(x, using: &rng).output
    }
}

/// The perfect channel: output equals input, gradient passes unchanged.
///
/// A deterministic test double (swift-nio's `EmbeddedChannel` idea): codecs are round-trip
/// tested over it, and pipelines can be checked without randomness. It draws nothing from the
/// generator.
public struct IdentityChannel: ChannelModel {
    /// Creates the identity channel.
    public init() {}

    /// Returns `()`: the identity channel has no state.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) {}

    /// Returns `x` unchanged (any shape).
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: Void, using rng: inout G) -> Tensor<Float> {
        x
    }

    /// Returns `dy` unchanged (the identity's Jacobian is the identity).
    public func pullback(_ dy: Tensor<Float>, state: Void) -> Tensor<Float> { dy }
}

/// Checks that `shape` is a complex symbol tensor `[batch, …, 2·k]` and returns
/// `(batch, k)` where `k` is the number of complex symbols per example.
func channelsComplexLayout(_ shape: [Int], _ context: String) -> (batch: Int, symbols: Int) {
    precondition(shape.count >= 2, "\(context): expected a tensor [batch, …, 2·k], got shape \(shape)")
    precondition(
        shape.last! % 2 == 0,  // rank ≥ 2 checked above, so `last` exists
        "\(context): the last axis holds interleaved (real, imag) pairs and must be even, got shape \(shape)")
    let perExample = shape.dropFirst().reduce(1, *)
    return (shape[0], perExample / 2)
}

/// Checks that `shape` is a tensor `[batch, …]` and returns `(batch, elements per example)`.
func channelsRealLayout(_ shape: [Int], _ context: String) -> (batch: Int, elements: Int) {
    precondition(shape.count >= 2, "\(context): expected a tensor [batch, …], got shape \(shape)")
    return (shape[0], shape.dropFirst().reduce(1, *))
}
