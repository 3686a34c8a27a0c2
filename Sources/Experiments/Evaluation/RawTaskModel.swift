import NeuralNet
import TensorCore

/// The task model of the raw path: a classifier trained on **clean** raw records, applied to the
/// records the raw link delivers (``RawBaseline/classify``).
///
/// A multilayer perceptron `features → hidden (ReLU) → classes` (or, with no hidden units, a
/// multinomial logistic regression), trained by minibatch Adam (Kingma & Ba, ICLR 2015) on softmax
/// cross-entropy. Records are mapped to network inputs by ``inputScale`` (e.g. `0.1` for BCWD
/// grades 1…10 → 0.1…1, the scale of the project's reference numbers).
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let model = RawTaskModel.train(records: trainRecords, labels: trainLabels, inputScale: 0.1, using: &rng)
/// let raw = RawBaseline(records: testRecords, source: source, fallbackClass: model.majorityClass,
///                       classify: model.classify)
/// ```
public struct RawTaskModel: Sendable {
    /// The trained network: `[batch, features]` → logits `[batch, classes]`.
    public var network: Sequential<Float>
    /// The factor applied to every record value before the network.
    public var inputScale: Double
    /// Values per record.
    public var featureCount: Int
    /// The most frequent training label (smallest index among ties): the raw link's fallback.
    public var majorityClass: Int

    /// Training settings.
    public struct Configuration: Sendable, Hashable {
        /// Hidden ReLU units; 0 gives a logistic regression (default 16).
        public var hiddenUnits: Int
        /// Passes over the training records (default 100).
        public var epochs: Int
        /// Minibatch size (default 32).
        public var batchSize: Int
        /// Adam learning rate (default 0.01).
        public var learningRate: Double

        /// Creates settings.
        /// - Precondition: `hiddenUnits ≥ 0`, `epochs ≥ 1`, `batchSize ≥ 1`, `learningRate > 0`.
        public init(hiddenUnits: Int = 16, epochs: Int = 100, batchSize: Int = 32, learningRate: Double = 0.01) {
            precondition(
                hiddenUnits >= 0 && epochs >= 1 && batchSize >= 1 && learningRate > 0,
                "Invalid task-model settings: hidden \(hiddenUnits), epochs \(epochs), batch \(batchSize), lr \(learningRate)"
            )
            self.hiddenUnits = hiddenUnits
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
        }
    }

    /// Trains a task model on clean records.
    /// - Parameters:
    ///   - records: training records in source units, all of the same length.
    ///   - labels: one class index per record.
    ///   - inputScale: the factor applied to every value (default 1).
    ///   - configuration: network and optimizer settings.
    ///   - rng: initial weights and minibatch order.
    /// - Returns: the trained model.
    /// - Precondition: records non-empty, equal lengths ≥ 1, `labels.count == records.count`, labels ≥ 0.
    public static func train<G: RandomNumberGenerator>(
        records: [[Double]], labels: [Int], inputScale: Double = 1, configuration: Configuration = Configuration(),
        using rng: inout G
    ) -> RawTaskModel {
        precondition(!records.isEmpty && records.count == labels.count, "Need one label per record, ≥ 1 record")
        let features = records[0].count
        precondition(
            features >= 1 && records.allSatisfy { $0.count == features }, "Records must all have \(features) ≥ 1 values"
        )
        precondition(labels.allSatisfy { $0 >= 0 }, "Class labels must be ≥ 0")
        let classes = Swift.max(2, (labels.max() ?? 0) + 1)
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        let majority = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
        var layers: [any Layer<Float>] = []
        if configuration.hiddenUnits > 0 {
            layers.append(
                Dense<Float>(
                    inputSize: features, outputSize: configuration.hiddenUnits, initializer: .heUniform, using: &rng))
            layers.append(ReLU<Float>())
            layers.append(Dense<Float>(inputSize: configuration.hiddenUnits, outputSize: classes, using: &rng))
        } else {
            layers.append(Dense<Float>(inputSize: features, outputSize: classes, using: &rng))
        }
        var network = Sequential<Float>(layers)
        var optimizer = Adam<Float>(learningRate: configuration.learningRate)
        let x = Tensor<Float>(
            shape: [records.count, features], scalars: records.flatMap { $0.map { Float($0 * inputScale) } })
        var order = Array(records.indices)
        for _ in 0..<configuration.epochs {
            order.shuffle(using: &rng)
            var start = 0
            while start < order.count {
                let batch = Array(order[start..<Swift.min(start + configuration.batchSize, order.count)])
                start += configuration.batchSize
                // The pullback ends with this closure, so the update below does not copy the weights.
                let gradients: [Tensor<Float>] = {
                    let (logits, pullback) = network.forward(x.gatherRows(batch), training: true, using: &rng)
                    let loss = Losses.softmaxCrossEntropy(logits: logits, labels: batch.map { labels[$0] })
                    return pullback(loss.gradient).parameters
                }()
                optimizer.update(&network.parameters, along: gradients)
            }
        }
        return RawTaskModel(network: network, inputScale: inputScale, featureCount: features, majorityClass: majority)
    }

    /// Creates a model from a trained network.
    public init(network: Sequential<Float>, inputScale: Double, featureCount: Int, majorityClass: Int) {
        self.network = network
        self.inputScale = inputScale
        self.featureCount = featureCount
        self.majorityClass = majorityClass
    }

    /// The predicted class of one record (source units).
    /// - Precondition: `record.count == featureCount`.
    public func predict(_ record: [Double]) -> Int {
        precondition(record.count == featureCount, "Task model reads \(featureCount) values, got \(record.count)")
        let x = Tensor<Float>(shape: [1, featureCount], scalars: record.map { Float($0 * inputScale) })
        return network(x).argmaxAlongLastAxis()[0]
    }

    /// ``predict(_:)`` as the closure ``RawBaseline`` takes.
    public var classify: @Sendable ([Double]) -> Int {
        let model = self
        return { model.predict($0) }
    }
}
