import Channels
import NeuralNet
import TensorCore

/// The result of running a classifier pipeline over a labeled set: loss, accuracy, predictions
/// and class probabilities.
public struct ClassificationEvaluation: Sendable {
    /// Mean softmax cross-entropy (nats).
    public var loss: Double
    /// The fraction of correct predictions.
    public var accuracy: Double
    /// The predicted class (argmax of the logits) per sample.
    public var predictions: [Int]
    /// Softmax probabilities, `[samples, classes]`.
    public var probabilities: Tensor<Float>
}

extension SemanticPipeline {
    /// Runs the pipeline as a classifier over `data` (inference mode) in minibatches and measures it.
    /// - Parameters:
    ///   - data: inputs and labels.
    ///   - channel: the channel (any `ChannelModel`).
    ///   - batchSize: samples per forward pass (bounds memory; results do not depend on it except
    ///     through the order in which noise is drawn).
    ///   - rng: perturbations, channel states and noise, batch by batch in sample order.
    /// - Returns: loss, accuracy, predictions and probabilities.
    /// - Precondition: the decoder outputs logits `[batch, classes]` and every label is `< classes`.
    public func evaluateClassifier<C: ChannelModel, G: RandomNumberGenerator>(
        _ data: LabeledBatch, over channel: C, batchSize: Int = 256, using rng: inout G
    ) -> ClassificationEvaluation {
        precondition(batchSize >= 1, "batchSize must be ≥ 1, got \(batchSize)")
        precondition(data.count > 0, "evaluateClassifier needs at least one sample")
        var probabilities: [Float] = []
        var predictions: [Int] = []
        var lossSum = 0.0
        var classes = 0
        var start = 0
        while start < data.count {
            let end = Swift.min(start + batchSize, data.count)
            let logits = self(data.inputs.rows(start..<end), over: channel, using: &rng)
            precondition(logits.rank == 2, "A classifier's decoder outputs [batch, classes], got \(logits.shape)")
            classes = logits.shape[1]
            let labels = Array(data.labels[start..<end])
            let (loss, _) = Losses.softmaxCrossEntropy(logits: logits, labels: labels)
            lossSum += Double(loss) * Double(end - start)
            predictions.append(contentsOf: logits.argmaxAlongLastAxis())
            probabilities.append(contentsOf: logits.softmax().scalars)
            start = end
        }
        return ClassificationEvaluation(
            loss: lossSum / Double(data.count),
            accuracy: Metrics.accuracy(predictions: predictions, labels: data.labels),
            predictions: predictions,
            probabilities: Tensor(shape: [data.count, classes], scalars: probabilities))
    }
}
