// The raw path's task model for notes: a triage classifier on clean text.

import HealthData
import NeuralNet
import TensorCore

/// The task model of the raw-transmission baseline for clinical notes: the receiver of a raw link
/// gets the note's text back (or nothing, when the frame fails) and classifies it with this model,
/// trained on **clean** training notes — the same featurizer as the semantic codec (the same
/// vocabulary knowledge), then `Dense → ReLU → Dense` to 3 triage logits, softmax cross-entropy,
/// Adam (Kingma & Ba, ICLR 2015).
public struct ClinicalTextTaskModel: Sendable {
    /// The featurizer.
    public let featurizer: ClinicalTextFeaturizer
    /// The classifier on the features.
    public var network: Sequential<Float>
    /// The most frequent training class (the prediction for a failed frame).
    public let majorityClass: Int

    /// Trains the model.
    /// - Parameters:
    ///   - notes: clean training notes (non-empty).
    ///   - featurizer: the featurizer (the codec's).
    ///   - hiddenUnits: hidden width (default 64).
    ///   - epochs: passes over the notes (default 15), minibatches of 32, learning rate 2·10⁻³.
    ///   - rng: initial weights and shuffling.
    public static func train<G: RandomNumberGenerator>(
        notes: [ClinicalNote], featurizer: ClinicalTextFeaturizer, hiddenUnits: Int = 64, epochs: Int = 15,
        using rng: inout G
    ) -> ClinicalTextTaskModel {
        precondition(!notes.isEmpty, "the task model needs training notes")
        let x = featurizer.features(of: notes.map(\.text))
        let labels = notes.map(\.triage.index)
        var network = Sequential<Float>(
            Dense<Float>(inputSize: featurizer.width, outputSize: hiddenUnits, initializer: .heUniform, using: &rng),
            ReLU<Float>(), Dense<Float>(inputSize: hiddenUnits, outputSize: 3, using: &rng))
        var optimizer = Adam<Float>(learningRate: 2e-3)
        var order = Array(notes.indices)
        for _ in 0..<epochs {
            order.shuffle(using: &rng)
            var start = 0
            while start < order.count {
                let batch = Array(order[start..<Swift.min(start + 32, order.count)])
                start += 32
                let (logits, pullback) = network.forward(x.gatherRows(batch), training: true, using: &rng)
                let gradient = Losses.softmaxCrossEntropy(logits: logits, labels: batch.map { labels[$0] }).gradient
                var parameters = network.parameters
                optimizer.update(&parameters, along: pullback(gradient).parameters)
                network.parameters = parameters
            }
        }
        let counts = (0..<3).map { c in labels.filter { $0 == c }.count }
        return ClinicalTextTaskModel(featurizer: featurizer, network: network, majorityClass: argmaxInt(counts))
    }

    /// The triage class index of a note's text.
    public func classify(_ text: String) -> Int {
        network(featurizer.features(of: [text])).argmaxAlongLastAxis()[0]
    }

    /// The triage class indices of notes.
    public func classify(_ texts: [String]) -> [Int] {
        network(featurizer.features(of: texts)).argmaxAlongLastAxis()
    }
}

private func argmaxInt(_ values: [Int]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}
