import Channels
import NeuralNet
import TensorCore

/// A channel as a differentiable NeuralNet `NeuralNet.Layer`, so that an encoder and a decoder
/// train end to end with the channel inside the loop.
///
/// - Input/output: channel symbols `[batch, 2·k]` (any `[batch, …, 2·k]` the channel accepts),
///   interleaved (real, imaginary) pairs, `Float`.
/// - Forward: samples a fresh channel state (fading coefficients, erasure mask, …) and noise from
///   the generator, as in Sionna's end-to-end training loops (O'Shea & Hoydis, "An introduction
///   to deep learning for the physical layer", IEEE TCCN 2017).
/// - Pullback: the channel's own `Channels.ChannelModel.pullback(_:state:)` for the sampled
///   state (noise held fixed). No parameters.
/// - SNR range: built with ``init(_:trainingSNRDecibels:)``, in training mode every example draws
///   its own Es/N0 uniformly from `[lo, hi]` dB (one uniform `Float` per example, in batch order,
///   before the state), through `NoiseLevel.snr(perExampleDecibels:)`. This is the SNR-range
///   training of DeepJSCC (Bourtsoulatze, Kurka & Gündüz, IEEE TCCN 2019) that keeps accuracy from
///   falling off a cliff outside one SNR. In inference mode (`training: false`), and for
///   ``callAsFunction(_:)``, the channel is used as configured.
///
/// ```swift
/// var rng = Xoshiro256(seed: 3)
/// let layer = ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: -5...20)
/// let (y, pullback) = layer.forward(x, training: true, using: &rng)   // per-example SNRs in [-5, 20] dB
/// let dx = pullback(dy).input
/// ```
public struct ChannelLayer<Channel: ChannelModel>: Layer {
    /// The element type: channels work on `Float` symbols.
    public typealias Scalar = Float

    /// The channel used in inference, and in training when there is no SNR range.
    public var channel: Channel
    /// The Es/N0 range (dB) sampled per example in training, or `nil` to train at the channel's own level.
    public let trainingSNRDecibels: ClosedRange<Float>?
    /// Replaces the channel's noise level (set when there is an SNR range).
    private let replacingNoise: (@Sendable (Channel, NoiseLevel) -> Channel)?

    /// Wraps a channel used as configured in training and inference.
    public init(_ channel: Channel) {
        self.channel = channel
        self.trainingSNRDecibels = nil
        self.replacingNoise = nil
    }

    /// Wraps a channel whose noise, in training, is replaced by a per-example Es/N0 drawn uniformly
    /// from `trainingSNRDecibels` (dB, relative to unit symbol power).
    /// - Precondition: the bounds are finite.
    public init(_ channel: Channel, trainingSNRDecibels: ClosedRange<Float>) where Channel: NoiseAdjustableChannel {
        precondition(
            trainingSNRDecibels.lowerBound.isFinite && trainingSNRDecibels.upperBound.isFinite,
            "Training SNR range must be finite, got \(trainingSNRDecibels)")
        self.channel = channel
        self.trainingSNRDecibels = trainingSNRDecibels
        self.replacingNoise = { channel, noise in channel.withNoise(noise) }
    }

    /// Always empty: a channel has nothing to train.
    public var parameters: [Tensor<Float>] {
        get { [] }
        set { precondition(newValue.isEmpty, "ChannelLayer has no parameters, got \(newValue.count)") }
    }

    /// The channel that a training step uses for a batch of `batch` examples: with an SNR range,
    /// a copy whose noise is one uniform Es/N0 per example (dB), drawn from `rng` in batch order.
    /// - Returns: the channel and the drawn SNRs (empty without an SNR range).
    public func trainingChannel<G: RandomNumberGenerator>(
        batch: Int, using rng: inout G
    ) -> (channel: Channel, snrDecibels: [Float]) {
        guard let range = trainingSNRDecibels, let replacingNoise, batch > 0 else { return (channel, []) }
        let width = range.upperBound - range.lowerBound
        let snrs = (0..<batch).map { _ in range.lowerBound + width * rng.nextUnitFloat() }
        return (replacingNoise(channel, .snr(perExampleDecibels: snrs)), snrs)
    }

    /// Transmits `input` (`[batch, …, 2·k]`) through a freshly sampled channel state and noise.
    /// - Parameters:
    ///   - input: transmitted symbols.
    ///   - training: with an SNR range, draw per-example SNRs (see the type's documentation).
    ///   - rng: SNRs (training only), then the channel state, then the noise.
    /// - Returns: the received symbols (same shape) and the pullback `∂L/∂y ↦ (∂L/∂x, [])`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (
        output: Tensor<Float>,
        pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])
    ) {
        let used = training ? trainingChannel(batch: input.shape.first ?? 0, using: &rng).channel : channel
        let state = used.sampleState(for: input.shape, using: &rng)
        let output = used.apply(input, state: state, using: &rng)
        let shape = input.shape
        return (
            output,
            { gradient in
                precondition(
                    gradient.shape == shape, "ChannelLayer pullback: gradient \(gradient.shape) vs input \(shape)")
                return (used.pullback(gradient, state: state), [])
            }
        )
    }

    /// Transmits `input` (`[batch, …, 2·k]`) through the channel as configured, with noise from a
    /// generator seeded with 0 (the `Layer` inference entry point takes no generator).
    ///
    /// Repeated calls therefore draw the *same* noise; codec code should call
    /// ``transmit(_:using:)`` with its own generator to get fresh noise per call.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        var rng = Xoshiro256(seed: 0)
        return transmit(input, using: &rng)
    }

    /// Transmits `input` through the channel as configured (inference): state, then noise, from `rng`.
    /// - Parameter input: `[batch, …, 2·k]` symbols.
    /// - Returns: the received symbols, same shape.
    public func transmit<G: RandomNumberGenerator>(_ input: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        channel.transmit(input, using: &rng).output
    }
}
