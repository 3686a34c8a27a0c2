import Channels
import NeuralNet
import TensorCore

/// When to stop training early: after ``patience`` epochs without an improvement of at least
/// ``minimumImprovement`` in the monitored loss (validation loss when there is a validation set,
/// training loss otherwise) — Prechelt, "Early stopping — but when?", 1998.
public struct EarlyStopping: Sendable, Equatable {
    /// Epochs without improvement tolerated before stopping (≥ 1).
    public var patience: Int
    /// The smallest decrease of the monitored loss that counts as an improvement (≥ 0, nats).
    public var minimumImprovement: Double
    /// Whether to put back the parameters of the best epoch when training ends.
    public var restoresBestParameters: Bool

    /// Creates an early-stopping rule.
    /// - Precondition: `patience ≥ 1`, `minimumImprovement ≥ 0`.
    public init(patience: Int, minimumImprovement: Double = 0, restoresBestParameters: Bool = true) {
        precondition(patience >= 1, "Early-stopping patience must be ≥ 1, got \(patience)")
        precondition(minimumImprovement >= 0, "minimumImprovement must be ≥ 0, got \(minimumImprovement)")
        self.patience = patience
        self.minimumImprovement = minimumImprovement
        self.restoresBestParameters = restoresBestParameters
    }
}

/// Hyperparameters of ``ClassificationTrainer``.
public struct TrainingConfiguration: Sendable, Equatable {
    /// The maximum number of passes over the training set (≥ 1).
    public var epochs: Int
    /// Samples per minibatch (≥ 1; the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Whether to reshuffle the training set each epoch (with the generator passed to `fit`).
    public var shuffles: Bool
    /// Optional early stopping.
    public var earlyStopping: EarlyStopping?

    /// Creates a configuration.
    /// - Precondition: `epochs ≥ 1`, `batchSize ≥ 1`.
    public init(epochs: Int, batchSize: Int, shuffles: Bool = true, earlyStopping: EarlyStopping? = nil) {
        precondition(epochs >= 1, "epochs must be ≥ 1, got \(epochs)")
        precondition(batchSize >= 1, "batchSize must be ≥ 1, got \(batchSize)")
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffles = shuffles
        self.earlyStopping = earlyStopping
    }
}

/// What one epoch of training measured, passed to the progress callback.
public struct EpochReport: Sendable, Equatable {
    /// The epoch, counting from 1.
    public var epoch: Int
    /// Mean training loss over the epoch's minibatches, weighted by batch size (nats; measured
    /// before each batch's update, through the training channel).
    public var trainingLoss: Double
    /// Training accuracy over the epoch (same measurement as ``trainingLoss``).
    public var trainingAccuracy: Double
    /// Validation loss after the epoch (inference mode, over the channel as configured), if any.
    public var validationLoss: Double?
    /// Validation accuracy after the epoch, if any.
    public var validationAccuracy: Double?
}

/// The record of a ``ClassificationTrainer/fit(_:on:validation:using:progress:)`` run.
public struct TrainingHistory: Sendable, Equatable {
    /// One report per epoch run.
    public var epochs: [EpochReport]
    /// The epoch (from 1) with the lowest monitored loss.
    public var bestEpoch: Int
    /// Whether early stopping ended training before the configured number of epochs.
    public var stoppedEarly: Bool
}

/// Minibatch training of an encoder + channel + decoder pipeline for classification.
///
/// Each epoch shuffles the training set with the generator (Fisher–Yates), then for each
/// minibatch runs ``SemanticPipeline/trainingStep(inputs:labels:through:optimizer:using:)``:
/// forward through the ``ChannelLayer`` in training mode (per-example SNRs when it has a range),
/// softmax cross-entropy, backpropagation through decoder, channel, power normalization and
/// encoder, one optimizer update (end-to-end training as in O'Shea & Hoydis, IEEE TCCN 2017, and
/// DeepSC, Xie et al., IEEE TSP 2021). After the epoch it evaluates the validation set (if given),
/// reports an ``EpochReport`` through the callback and applies ``EarlyStopping``.
///
/// Deterministic: the same pipeline, data, configuration and generator state give the same
/// parameters and reports (with BLAS pinned to one thread).
///
/// ```swift
/// var trainer = ClassificationTrainer(
///     configuration: TrainingConfiguration(epochs: 50, batchSize: 32, earlyStopping: EarlyStopping(patience: 5)),
///     channel: ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: 0...20),
///     optimizer: Adam<Float>(learningRate: 1e-2))
/// let history = trainer.fit(&pipeline, on: train, validation: validation, using: &rng) { report in
///     print("epoch \(report.epoch): loss \(report.trainingLoss), accuracy \(report.trainingAccuracy)")
/// }
/// ```
public struct ClassificationTrainer<Channel: ChannelModel, Opt: Optimizer<Float>>: Sendable {
    /// Epochs, batch size, shuffling and early stopping.
    public var configuration: TrainingConfiguration
    /// The channel used in training (and, as configured, for validation).
    public var channel: ChannelLayer<Channel>
    /// The optimizer; its state persists across `fit` calls on the same pipeline.
    public var optimizer: Opt
    /// A training objective replacing the plain cross-entropy step (adversarial or noise-aware
    /// training), or `nil` for ``SemanticPipeline/trainingStep(inputs:labels:through:optimizer:using:)``.
    public var objective: (any ClassificationTrainingObjective)? = nil
    /// The valid-input box the ``objective``'s adversary respects (`nil`: unbounded encoder units).
    public var inputDomain: InputDomain? = nil

    /// Creates a trainer.
    public init(configuration: TrainingConfiguration, channel: ChannelLayer<Channel>, optimizer: Opt) {
        self.configuration = configuration
        self.channel = channel
        self.optimizer = optimizer
    }

    /// Trains `pipeline` on `training`, reporting each epoch.
    /// - Parameters:
    ///   - pipeline: the pipeline to train, updated in place (the decoder outputs logits
    ///     `[batch, classes]`).
    ///   - training: training inputs and labels.
    ///   - validation: an optional validation set, evaluated after each epoch.
    ///   - rng: per epoch: shuffling, the pipeline's randomness batch by batch, then one draw that
    ///     seeds the validation generator (drawn even without validation, so adding a validation
    ///     set does not change training).
    ///   - progress: called after every epoch.
    /// - Returns: the per-epoch history.
    @discardableResult
    public mutating func fit<E: SemanticEncoder, D: SemanticDecoder, G: RandomNumberGenerator>(
        _ pipeline: inout SemanticPipeline<E, D>, on training: LabeledBatch, validation: LabeledBatch? = nil,
        using rng: inout G, progress: (EpochReport) -> Void = { _ in }
    ) -> TrainingHistory {
        precondition(training.count > 0, "Training set is empty")
        var order = Array(0..<training.count)
        var reports: [EpochReport] = []
        var bestLoss = Double.infinity
        var bestEpoch = 1
        var bestParameters = pipeline.parameters
        var epochsWithoutImprovement = 0
        var stoppedEarly = false
        for epoch in 1...configuration.epochs {
            if configuration.shuffles { fisherYatesShuffle(&order, using: &rng) }
            var lossSum = 0.0
            var correctSum = 0.0
            var start = 0
            while start < order.count {
                let end = Swift.min(start + configuration.batchSize, order.count)
                let batch = training.gathering(Array(order[start..<end]))
                let step: (loss: Float, accuracy: Double)
                if let objective {
                    let result = objective.lossAndGradients(
                        pipeline, inputs: batch.inputs, labels: batch.labels, domain: inputDomain, through: channel,
                        using: &rng)
                    var current = pipeline.parameters
                    optimizer.update(&current, along: result.gradients)
                    pipeline.parameters = current
                    step = (result.loss, result.accuracy)
                } else {
                    step = pipeline.trainingStep(
                        inputs: batch.inputs, labels: batch.labels, through: channel, optimizer: &optimizer, using: &rng)
                }
                lossSum += Double(step.loss) * Double(end - start)
                correctSum += step.accuracy * Double(end - start)
                start = end
            }
            var report = EpochReport(
                epoch: epoch, trainingLoss: lossSum / Double(order.count),
                trainingAccuracy: correctSum / Double(order.count), validationLoss: nil, validationAccuracy: nil)
            // One draw per epoch whether or not there is a validation set, so that adding one
            // does not change the training stream.
            let validationSeed = rng.next()
            if let validation {
                var validationRNG = Xoshiro256(seed: validationSeed)
                let evaluation = pipeline.evaluateClassifier(
                    validation, over: channel.channel, batchSize: Swift.max(configuration.batchSize, 256),
                    using: &validationRNG)
                report.validationLoss = evaluation.loss
                report.validationAccuracy = evaluation.accuracy
            }
            reports.append(report)
            progress(report)

            let monitored = report.validationLoss ?? report.trainingLoss
            let threshold = configuration.earlyStopping?.minimumImprovement ?? 0
            if monitored < bestLoss - threshold || (bestLoss == .infinity && monitored.isFinite) {
                bestLoss = monitored
                bestEpoch = epoch
                epochsWithoutImprovement = 0
                if configuration.earlyStopping?.restoresBestParameters == true { bestParameters = pipeline.parameters }
            } else {
                epochsWithoutImprovement += 1
            }
            if let rule = configuration.earlyStopping, epochsWithoutImprovement >= rule.patience {
                stoppedEarly = epoch < configuration.epochs
                break
            }
        }
        if configuration.earlyStopping?.restoresBestParameters == true { pipeline.parameters = bestParameters }
        return TrainingHistory(epochs: reports, bestEpoch: bestEpoch, stoppedEarly: stoppedEarly)
    }
}

/// Fisher–Yates (Durstenfeld) shuffle drawing from `rng` (`next(upperBound:)`, unbiased).
func fisherYatesShuffle<G: RandomNumberGenerator>(_ values: inout [Int], using rng: inout G) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
        let j = Int(rng.next(upperBound: UInt64(i + 1)))
        values.swapAt(i, j)
    }
}
