import Channels
import KnowledgeBase
import TensorCore

/// A training objective that replaces the plain cross-entropy step of ``ClassificationTrainer``:
/// adversarial training (FGSM-AT, PGD-AT, TRADES) and noise-aware training are objectives, and
/// the `Robustness` module implements them. The trainer calls
/// ``lossAndGradients(_:inputs:labels:domain:through:using:)`` for every minibatch and applies the
/// optimizer to the returned gradients.
///
/// A knowledge-base build records ``settings`` in its manifest's training provenance.
public protocol ClassificationTrainingObjective: Sendable {
    /// The settings recorded in the manifest (`provenance.adversarial`).
    var settings: TrainingProvenance.AdversarialSettings { get }

    /// The loss and the parameter gradients of one minibatch (training mode, channel in the loop).
    /// - Parameters:
    ///   - pipeline: the pipeline being trained (its decoder outputs logits `[batch, classes]`).
    ///   - inputs: the clean input batch `[batch, width]` (encoder units).
    ///   - labels: one class index per example.
    ///   - domain: the valid-input box and its physical units (`nil`: unbounded encoder units).
    ///   - channel: the training channel layer (per-example SNR range).
    ///   - rng: every random draw of the step.
    /// - Returns: the mean loss (nats) the gradients descend, the accuracy on the batch the model
    ///   was trained on, and the gradients in ``SemanticPipeline/parameters`` order.
    func lossAndGradients<E: SemanticEncoder, D: SemanticDecoder, C: ChannelModel, G: RandomNumberGenerator>(
        _ pipeline: SemanticPipeline<E, D>, inputs: Tensor<Float>, labels: [Int], domain: InputDomain?,
        through channel: ChannelLayer<C>, using rng: inout G
    ) -> (loss: Float, accuracy: Double, gradients: [Tensor<Float>])
}
