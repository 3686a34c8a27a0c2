import Channels
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// Noise-aware training from the semantic-noise injector: each training example is replaced, with
/// probability ``probability``, by its copy under the input-stage perturbations a
/// `SemanticNoiseSpec` names (resolved by the modality's noise catalog), and the codec descends the
/// cross-entropy with the channel in the loop — the noise-augmented training of R-DeepSC (Peng et
/// al., "A robust deep learning enabled semantic communication system for text", GLOBECOM 2022) and
/// of Hu et al. (IEEE TWC 2023) against semantic noise; Bishop (Neural Computation 1995) for why it
/// regularizes.
public struct NoiseAwareTraining: ClassificationTrainingObjective {
    /// The specification the perturbations come from (recorded in the manifest).
    public var spec: SemanticNoiseSpec
    /// The input-stage perturbations, applied in order.
    public var perturbations: [any SemanticPerturbation]
    /// The probability that an example is perturbed, in [0, 1].
    public var probability: Double

    /// Creates noise-aware training.
    /// - Throws: ``RobustnessError`` `invalidSetting` if a perturbation is not of stage `input`,
    ///   there is none, or the probability is outside [0, 1].
    public init(spec: SemanticNoiseSpec, perturbations: [any SemanticPerturbation], probability: Double = 0.5)
        throws(RobustnessError)
    {
        guard !perturbations.isEmpty else {
            throw RobustnessError(code: .invalidSetting, message: "noise-aware training needs a noise spec other than none")
        }
        guard perturbations.allSatisfy({ $0.stage == .input }) else {
            throw RobustnessError(
                code: .invalidSetting,
                message: "noise-aware training perturbs inputs; got stages \(perturbations.map(\.stage.description))")
        }
        guard probability >= 0 && probability <= 1 else {
            throw RobustnessError(code: .invalidSetting, message: "noise probability must be in [0, 1], got \(probability)")
        }
        self.spec = spec
        self.perturbations = perturbations
        self.probability = probability
    }

    /// `method = "noise_aware"`, the spec's rates as parameters.
    public var settings: TrainingProvenance.AdversarialSettings {
        TrainingProvenance.AdversarialSettings(
            method: "noise_aware", epsilon: 0, fraction: probability, target: "input",
            parameters: Dictionary(spec.terms.map { ($0.name, $0.rate) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Perturbs each example with ``probability`` (one uniform per example, then the
    /// perturbations' own draws on the whole batch), then cross-entropy through the channel.
    public func lossAndGradients<E: SemanticEncoder, D: SemanticDecoder, C: ChannelModel, G: RandomNumberGenerator>(
        _ pipeline: SemanticPipeline<E, D>, inputs: Tensor<Float>, labels: [Int], domain: InputDomain?,
        through channel: ChannelLayer<C>, using rng: inout G
    ) -> (loss: Float, accuracy: Double, gradients: [Tensor<Float>]) {
        let batch = inputs.shape[0]
        let rowWidth = inputs.count / Swift.max(batch, 1)
        let chosen = (0..<batch).map { _ in rng.nextUnitDouble() < probability }
        var noisy = inputs
        for perturbation in perturbations { noisy = perturbation.perturb(noisy, using: &rng) }
        var mixed = inputs
        for r in 0..<batch where chosen[r] {
            let rows = (r * rowWidth)..<((r + 1) * rowWidth)
            mixed.scalars.replaceSubrange(rows, with: noisy.scalars[rows])
        }
        let (logits, pullback) = pipeline.forward(mixed, through: channel, training: true, using: &rng)
        let (loss, dLogits) = Losses.softmaxCrossEntropy(logits: logits, labels: labels)
        let predictions = logits.argmaxAlongLastAxis()
        let accuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(Swift.max(batch, 1))
        return (loss, accuracy, pullback(dLogits))
    }
}
