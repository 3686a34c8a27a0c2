import TensorCore

/// Inputs with one class label per sample: a training, validation or test set.
public struct LabeledBatch: Sendable {
    /// The inputs, axis 0 is the sample (e.g. `[samples, features]`).
    public var inputs: Tensor<Float>
    /// One class index per sample.
    public var labels: [Int]

    /// Pairs inputs with labels.
    /// - Precondition: `inputs.shape[0] == labels.count` and labels are ≥ 0.
    public init(inputs: Tensor<Float>, labels: [Int]) {
        precondition(inputs.rank >= 1, "Labeled inputs need a sample axis, got shape \(inputs.shape)")
        precondition(
            inputs.shape[0] == labels.count, "Labeled batch has \(inputs.shape[0]) inputs but \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 }, "Class labels must be ≥ 0")
        self.inputs = inputs
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The samples at `indices`, in that order.
    public func gathering(_ indices: [Int]) -> LabeledBatch {
        LabeledBatch(inputs: inputs.gatherRows(indices), labels: indices.map { labels[$0] })
    }
}
