// The pose encoder's network: the canonical feature front end followed by an MLP.

import NeuralNet
import TensorCore

/// The pose encoder network: ``PoseFeatureExtractor`` (fixed, no parameters) then an MLP
/// (`Dense → ReLU` per hidden size, then a linear `Dense` to `2·k`).
///
/// - Input: raw clip rows `[batch, clipFrames·51]` (metres, NaN = occluded joint; see ``PoseClipTensor``).
/// - Output: the latent `[batch, 2·k]`.
/// - Parameters: the MLP's, in its order.
/// - Pullback: the parameter gradients are exact; the input gradient is **zero**, because the front
///   end (gap filling, medians) is treated as non-differentiable. Gradient attacks on pose codecs
///   must therefore target the latent or the symbols, not the raw joints.
public struct PoseEncoderNetwork: Layer {
    /// Float tensors.
    public typealias Scalar = Float

    /// The fixed front end.
    public var features: PoseFeatureExtractor
    /// The trainable MLP: `[batch, featureCount]` → `[batch, 2·k]`.
    public var network: Sequential<Float>

    /// Creates the network.
    public init(features: PoseFeatureExtractor, network: Sequential<Float>) {
        self.features = features
        self.network = network
    }

    /// The MLP's parameters.
    public var parameters: [Tensor<Float>] {
        get { network.parameters }
        set { network.parameters = newValue }
    }

    /// Runs front end and MLP with the MLP's pullback (zero input gradient, see the type).
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (
        output: Tensor<Float>,
        pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])
    ) {
        let shape = input.shape
        let (output, pullback) = network.forward(features(input), training: training, using: &rng)
        return (output, { gradient in (Tensor(zeros: shape), pullback(gradient).parameters) })
    }

    /// Front end and MLP (inference).
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        network(features(input))
    }
}
