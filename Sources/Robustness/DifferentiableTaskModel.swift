import Channels
import NeuralNet
import SemanticCodec
import TensorCore

/// What a white-box attack sees of a semantic link: a classifier over a box of valid inputs whose
/// loss it can differentiate with respect to the input and with respect to the transmitted
/// channel symbols.
///
/// Attacks (``InputAttack``, ``SymbolAttack``, ``UniversalSymbolAttack``) and adversarial training
/// (``AdversarialTraining``) are generic over this protocol; ``PipelineTaskModel`` conforms any
/// `SemanticPipeline` with a channel in the loop, and modality codecs provide their
/// ``inputDomain`` (e.g. `TabularCodec.inputDomain`: BCWD grades on the 1–10 scale).
public protocol DifferentiableTaskModel: Sendable {
    /// The valid-input box and the physical units of the input (what budgets are stated in).
    var inputDomain: InputDomain { get }
    /// `2·k`, reals per example of the transmitted symbols.
    var symbolWidth: Int { get }

    /// The transmitted symbols `[batch, 2·k]` of clean inputs (power-normalized; no channel).
    func symbols(for inputs: Tensor<Float>) -> Tensor<Float>

    /// Runs the link (channel noise from `rng`) and differentiates a loss of the logits.
    /// - Parameters:
    ///   - inputs: `[batch, width]`, encoder units.
    ///   - symbolOffset: added to the transmitted symbols before the channel, `[batch, 2·k]`, or `nil`.
    ///   - loss: maps logits `[batch, classes]` to per-example losses `[batch]` and
    ///     `∂(Σ losses)/∂logits`.
    ///   - rng: the channel's state and noise.
    /// - Returns: logits, per-example losses, `∂(Σ losses)/∂inputs` (encoder units) and
    ///   `∂(Σ losses)/∂symbols`.
    func gradients<G: RandomNumberGenerator>(
        inputs: Tensor<Float>, symbolOffset: Tensor<Float>?,
        loss: (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>), using rng: inout G
    ) -> TaskGradients

    /// The logits `[batch, classes]` of `inputs` sent over the link (channel noise from `rng`).
    func logits<G: RandomNumberGenerator>(
        inputs: Tensor<Float>, symbolOffset: Tensor<Float>?, using rng: inout G
    ) -> Tensor<Float>
}

/// The output of ``DifferentiableTaskModel/gradients(inputs:symbolOffset:loss:using:)``.
public struct TaskGradients: Sendable {
    /// Logits `[batch, classes]`.
    public var logits: Tensor<Float>
    /// Per-example losses.
    public var losses: [Float]
    /// `∂(Σ losses)/∂inputs`, `[batch, width]`, encoder units.
    public var input: Tensor<Float>
    /// `∂(Σ losses)/∂symbols`, `[batch, 2·k]`.
    public var symbols: Tensor<Float>
    /// Parameter gradients of `Σ losses` in the pipeline's order (empty if the model has none).
    public var parameters: [Tensor<Float>]

    /// Creates gradients (for conformances outside this module).
    public init(
        logits: Tensor<Float>, losses: [Float], input: Tensor<Float>, symbols: Tensor<Float>,
        parameters: [Tensor<Float>]
    ) {
        self.logits = logits
        self.losses = losses
        self.input = input
        self.symbols = symbols
        self.parameters = parameters
    }
}

/// Per-example softmax cross-entropy with respect to true labels — the loss FGSM and PGD ascend.
public func crossEntropyLoss(labels: [Int]) -> (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>) {
    { logits in
        let result = Losses.softmaxCrossEntropyPerExample(logits: logits, labels: labels)
        return (result.values.scalars, result.gradient)
    }
}

/// The per-example margin loss `max_{j≠y} z_j − z_y` of Carlini & Wagner ("Towards evaluating the
/// robustness of neural networks", IEEE S&P 2017) — positive exactly when the example is
/// misclassified — and its gradient (+1 at the strongest wrong logit, −1 at the true one).
///
/// The default loss of the attacks: unlike cross-entropy it never saturates, so a codec with very
/// confident logits (where `softmax` rounds to 1 in `Float` and the cross-entropy gradient
/// vanishes) cannot hide behind a zero gradient (the gradient-masking failure AutoPGD's DLR loss
/// also avoids: Croce & Hein, ICML 2020).
public func marginLoss(labels: [Int]) -> (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>) {
    { logits in
        let classes = logits.shape[1]
        var gradient = Tensor<Float>(zeros: logits.shape)
        var values: [Float] = []
        for (r, label) in labels.enumerated() {
            var strongest = label == 0 ? 1 : 0
            for j in 0..<classes where j != label && logits.scalars[r * classes + j] > logits.scalars[r * classes + strongest] {
                strongest = j
            }
            values.append(logits.scalars[r * classes + strongest] - logits.scalars[r * classes + label])
            gradient.scalars[r * classes + strongest] = 1
            gradient.scalars[r * classes + label] = -1
        }
        return (values, gradient)
    }
}

/// A `SemanticPipeline` with a channel in the loop as a ``DifferentiableTaskModel``.
///
/// Gradients run through decoder, channel (its pullback for the sampled state), power
/// normalization and encoder (`SemanticPipeline.differentiableForward`): with a noisy channel each
/// call samples fresh noise, so iterated attacks average over channel realizations (expectation
/// over transformation, Athalye, Engstrom, Ilyas & Kwok, ICML 2018).
public struct PipelineTaskModel<Encoder: SemanticEncoder, Decoder: SemanticDecoder, Channel: ChannelModel>:
    DifferentiableTaskModel
{
    /// The link.
    public var pipeline: SemanticPipeline<Encoder, Decoder>
    /// The channel (a training channel layer samples per-example SNRs when ``training`` is true).
    public var channel: ChannelLayer<Channel>
    /// Training mode (dropout, SNR range) — true inside adversarial training.
    public var training: Bool
    /// The valid-input box.
    public var inputDomain: InputDomain

    /// Wraps a pipeline, its channel and its input box.
    public init(
        pipeline: SemanticPipeline<Encoder, Decoder>, channel: ChannelLayer<Channel>, inputDomain: InputDomain,
        training: Bool = false
    ) {
        self.pipeline = pipeline
        self.channel = channel
        self.inputDomain = inputDomain
        self.training = training
    }

    /// `2·k`.
    public var symbolWidth: Int { 2 * pipeline.channelUsesPerSample }

    /// The clean transmitted symbols (perturbation-free pipelines; perturbations draw from a fixed generator).
    public func symbols(for inputs: Tensor<Float>) -> Tensor<Float> {
        var rng = Xoshiro256(seed: 0)
        return pipeline.symbols(for: inputs, using: &rng)
    }

    /// See ``DifferentiableTaskModel/gradients(inputs:symbolOffset:loss:using:)``.
    public func gradients<G: RandomNumberGenerator>(
        inputs: Tensor<Float>, symbolOffset: Tensor<Float>?,
        loss: (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>), using rng: inout G
    ) -> TaskGradients {
        let (logits, pullback) = pipeline.differentiableForward(
            inputs, symbolOffset: symbolOffset, through: channel, training: training, using: &rng)
        let (values, dLogits) = loss(logits)
        let g = pullback(dLogits)
        return TaskGradients(logits: logits, losses: values, input: g.input, symbols: g.symbols, parameters: g.parameters)
    }

    /// See ``DifferentiableTaskModel/logits(inputs:symbolOffset:using:)``.
    public func logits<G: RandomNumberGenerator>(
        inputs: Tensor<Float>, symbolOffset: Tensor<Float>?, using rng: inout G
    ) -> Tensor<Float> {
        pipeline.differentiableForward(inputs, symbolOffset: symbolOffset, through: channel, training: training, using: &rng)
            .output
    }
}
