import NeuralNet
import TensorCore

/// The receiving half of a semantic codec: maps received channel symbols to the task output.
///
/// A decoder is a trainable NeuralNet `NeuralNet.Layer` over `Float`:
///
/// - input: the received symbols `[batch, 2·k]`, interleaved (real, imaginary) pairs, `k` =
///   ``channelUsesPerSample`` (equalized by the channel if it has CSI);
/// - output: the task output, e.g. class logits `[batch, classes]` for classification (the
///   pipeline's training step applies softmax cross-entropy to it), or a reconstruction.
///
/// It shares the knowledge base with the encoder it was trained with.
///
/// ```swift
/// let decoder = NetworkDecoder(channelUsesPerSample: 4, hiddenSizes: [16], outputSize: 2, using: &rng)
/// let logits = decoder(y)                  // y: [batch, 8] → logits: [batch, 2]
/// ```
public protocol SemanticDecoder: Layer where Scalar == Float {
    /// `k`, the number of complex symbols per sample the decoder reads: input `[batch, 2·k]`.
    var channelUsesPerSample: Int { get }
}

/// A ``SemanticDecoder`` made of any `Float` layer whose input is `[batch, 2·k]`.
///
/// Parameters are those of ``network``, in its order. The input shape is checked on every call.
public struct NetworkDecoder<Network: Layer>: SemanticDecoder where Network.Scalar == Float {
    /// The wrapped network: `[batch, 2·k]` → task output.
    public var network: Network
    /// `k`, complex symbols per sample.
    public let channelUsesPerSample: Int

    /// Wraps a network that reads `[batch, 2·channelUsesPerSample]`.
    /// - Precondition: `channelUsesPerSample ≥ 1`.
    public init(network: Network, channelUsesPerSample: Int) {
        precondition(
            channelUsesPerSample >= 1, "A decoder needs ≥ 1 channel use per sample, got \(channelUsesPerSample)")
        self.network = network
        self.channelUsesPerSample = channelUsesPerSample
    }

    /// The network's parameters, in its order.
    public var parameters: [Tensor<Float>] {
        get { network.parameters }
        set { network.parameters = newValue }
    }

    /// Decodes with pullback. Input `[batch, 2·k]`; output the network's output.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (
        output: Tensor<Float>,
        pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])
    ) {
        checkSymbols(input)
        return network.forward(input, training: training, using: &rng)
    }

    /// Decodes (inference). Input `[batch, 2·k]`; output the network's output.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        checkSymbols(input)
        return network(input)
    }

    private func checkSymbols(_ y: Tensor<Float>) {
        precondition(
            y.rank == 2 && y.shape[1] == 2 * channelUsesPerSample,
            "Decoder input must be [batch, 2·k] with k = \(channelUsesPerSample), got \(y.shape)")
    }
}

extension NetworkDecoder where Network == Sequential<Float> {
    /// A multilayer perceptron decoder: `Dense → ReLU` for each hidden size, then a linear `Dense`
    /// to `outputSize` (e.g. class logits).
    ///
    /// - Parameters:
    ///   - channelUsesPerSample: `k`; the input is `[batch, 2·k]`.
    ///   - hiddenSizes: widths of the hidden layers (may be empty).
    ///   - outputSize: outputs per sample (classes for a classifier).
    ///   - rng: the generator for the initial weights.
    public init<G: RandomNumberGenerator>(
        channelUsesPerSample: Int, hiddenSizes: [Int], outputSize: Int, using rng: inout G
    ) {
        precondition(
            channelUsesPerSample >= 1, "A decoder needs ≥ 1 channel use per sample, got \(channelUsesPerSample)")
        self.init(
            network: multilayerPerceptron(
                inputSize: 2 * channelUsesPerSample, hiddenSizes: hiddenSizes, outputSize: outputSize, using: &rng),
            channelUsesPerSample: channelUsesPerSample)
    }
}
