import NeuralNet
import TensorCore

/// The transmitting half of a semantic codec: maps a batch of inputs to a real latent tensor that
/// carries `k` complex channel uses per sample.
///
/// An encoder is a trainable NeuralNet `NeuralNet.Layer` over `Float` (its `NeuralNet.Layer.parameters`,
/// `NeuralNet.Layer.forward(_:training:using:)` with pullback and inference
/// `NeuralNet.Layer.callAsFunction(_:)` are the layer's), plus the bandwidth it uses:
///
/// - input: a batch whose axis 0 is the batch, e.g. `[batch, features]` for a tabular record,
///   `[batch, time, channels]` for a vital-sign window, `[batch, tokens]` of token indices for text;
/// - output: the latent `z`, `[batch, 2·k]` with `k` = ``channelUsesPerSample`` and the complex
///   symbols stored as interleaved (real, imaginary) pairs (the `Channels` convention). The pipeline
///   power-normalizes it before the channel, so its scale is free.
///
/// The encoder is part of the knowledge base shared by both ends of a link (Xie, Qin, Li & Juang,
/// "Deep learning enabled semantic communication systems", IEEE TSP 2021).
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let encoder = NetworkEncoder(inputSize: 9, hiddenSizes: [16], channelUsesPerSample: 4, using: &rng)
/// let z = encoder(x)                        // x: [batch, 9] → z: [batch, 8]
/// ```
public protocol SemanticEncoder: Layer where Scalar == Float {
    /// `k`, the number of complex channel uses (symbols) per sample: the latent is `[batch, 2·k]`.
    var channelUsesPerSample: Int { get }
}

/// A ``SemanticEncoder`` made of any `Float` layer (a `NeuralNet.Sequential` or a single layer) whose
/// output is `[batch, 2·k]`.
///
/// Parameters are those of ``network``, in its order. The output shape is checked on every call.
public struct NetworkEncoder<Network: Layer>: SemanticEncoder where Network.Scalar == Float {
    /// The wrapped network: input batch → `[batch, 2·k]`.
    public var network: Network
    /// `k`, complex channel uses per sample.
    public let channelUsesPerSample: Int

    /// Wraps a network whose output is `[batch, 2·channelUsesPerSample]`.
    /// - Precondition: `channelUsesPerSample ≥ 1`.
    public init(network: Network, channelUsesPerSample: Int) {
        precondition(
            channelUsesPerSample >= 1, "An encoder needs ≥ 1 channel use per sample, got \(channelUsesPerSample)")
        self.network = network
        self.channelUsesPerSample = channelUsesPerSample
    }

    /// The network's parameters, in its order.
    public var parameters: [Tensor<Float>] {
        get { network.parameters }
        set { network.parameters = newValue }
    }

    /// Encodes with pullback. Input: the network's input batch; output `[batch, 2·k]`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (
        output: Tensor<Float>,
        pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])
    ) {
        let result = network.forward(input, training: training, using: &rng)
        checkLatent(result.output, batch: input.shape.first ?? 0)
        return result
    }

    /// Encodes (inference). Input: the network's input batch; output `[batch, 2·k]`.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        let z = network(input)
        checkLatent(z, batch: input.shape.first ?? 0)
        return z
    }

    private func checkLatent(_ z: Tensor<Float>, batch: Int) {
        precondition(
            z.shape == [batch, 2 * channelUsesPerSample],
            "Encoder output must be [batch, 2·k] = [\(batch), \(2 * channelUsesPerSample)], got \(z.shape)")
    }
}

extension NetworkEncoder where Network == Sequential<Float> {
    /// A multilayer perceptron encoder: `Dense → ReLU` for each hidden size, then a linear
    /// `Dense` to `2·k` outputs (He-uniform initialization before ReLUs, Glorot for the last layer).
    ///
    /// - Parameters:
    ///   - inputSize: features per sample (input `[batch, inputSize]`).
    ///   - hiddenSizes: widths of the hidden layers (may be empty: a linear encoder).
    ///   - channelUsesPerSample: `k`; the output is `[batch, 2·k]`.
    ///   - rng: the generator for the initial weights.
    public init<G: RandomNumberGenerator>(
        inputSize: Int, hiddenSizes: [Int], channelUsesPerSample: Int, using rng: inout G
    ) {
        precondition(
            channelUsesPerSample >= 1, "An encoder needs ≥ 1 channel use per sample, got \(channelUsesPerSample)")
        self.init(
            network: multilayerPerceptron(
                inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: 2 * channelUsesPerSample, using: &rng),
            channelUsesPerSample: channelUsesPerSample)
    }
}

/// `Dense → ReLU` per hidden size, then a linear `Dense` to `outputSize` (He-uniform initialization
/// before ReLUs, Glorot for the last layer): `[batch, inputSize]` → `[batch, outputSize]`.
public func multilayerPerceptron<G: RandomNumberGenerator>(
    inputSize: Int, hiddenSizes: [Int], outputSize: Int, using rng: inout G
) -> Sequential<Float> {
    precondition(inputSize >= 1 && outputSize >= 1, "MLP sizes must be ≥ 1, got \(inputSize) → \(outputSize)")
    precondition(hiddenSizes.allSatisfy { $0 >= 1 }, "Hidden sizes must be ≥ 1, got \(hiddenSizes)")
    var layers: [any Layer<Float>] = []
    var width = inputSize
    for hidden in hiddenSizes {
        layers.append(Dense<Float>(inputSize: width, outputSize: hidden, initializer: .heUniform, using: &rng))
        layers.append(ReLU<Float>())
        width = hidden
    }
    layers.append(Dense<Float>(inputSize: width, outputSize: outputSize, using: &rng))
    return Sequential(layers)
}
