import NeuralNet
import RealModule
import TensorCore

/// A model a federation can train: a flat parameter vector, per-example gradients, predictions.
///
/// The flat `[Double]` parameter list is what clinics send (as updates), what clipping, secure
/// aggregation and the strategies operate on — Flower's "list of arrays" flattened. Any model can
/// join a federation by conforming: the linear SVM and logistic regression here, and every
/// NeuralNet network (so any codec built from NeuralNet layers) through ``NeuralNetworkModel``.
public protocol FederatedModel: Sendable {
    /// The trainable parameters, flat, `[parameterCount]`, in a fixed documented order.
    var parameters: [Double] { get set }

    /// Per-example gradients of the training objective (loss plus any regularizer) at
    /// ``parameters``, and the per-example losses (without the regularizer).
    /// - Parameters:
    ///   - data: the records.
    ///   - indices: the batch, indices into `data`.
    /// - Returns: `gradients` row-major `[indices.count × parameterCount]`, `losses` `[indices.count]`.
    func perExampleGradients(_ data: FederatedDataset, indices: [Int]) -> (gradients: [Double], losses: [Double])

    /// Predicted class of every record of `data`, `[data.count]`.
    func predict(_ data: FederatedDataset) -> [Int]

    /// The mean loss (without regularizer) over `data`, in nats (hinge units for the SVM).
    func loss(_ data: FederatedDataset) -> Double
}

extension FederatedModel {
    /// Number of parameters.
    public var parameterCount: Int { parameters.count }

    /// The fraction of records of `data` classified correctly.
    public func accuracy(_ data: FederatedDataset) -> Double {
        guard data.count > 0 else { return 0 }
        let predictions = predict(data)
        return Double(zip(predictions, data.labels).filter { $0 == $1 }.count) / Double(data.count)
    }
}

/// Which model a federation trains (the CLI's `--model`).
public enum FederatedModelKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ``LinearSVMModel`` (the source paper's model).
    case svm
    /// ``LogisticRegressionModel``.
    case logistic
    /// ``NeuralNetworkModel`` with one hidden ReLU layer.
    case mlp

    /// The CLI spelling.
    public var description: String { rawValue }

    /// Parses `svm`, `logistic` or `mlp`.
    /// - Throws: ``FederatedError`` `.invalidParameter` naming the accepted values.
    public init(parsing text: String) throws {
        guard let kind = FederatedModelKind(rawValue: text.lowercased()) else {
            throw FederatedError(
                code: .invalidParameter, message: "model '\(text)' is not one of svm|logistic|mlp")
        }
        self = kind
    }

    /// A freshly initialized model for `featureCount` inputs and `classCount` classes.
    /// - Parameters:
    ///   - featureCount: inputs per record.
    ///   - classCount: classes (the linear models need 2).
    ///   - regularization: λ of the L2 penalty λ/2‖w‖² (linear models).
    ///   - hiddenUnits: the MLP's hidden width.
    ///   - rng: the initial weights of the MLP (the linear models start at zero).
    /// - Throws: ``FederatedError`` `.invalidParameter` for a linear model with more than 2 classes.
    public func makeModel<G: RandomNumberGenerator>(
        featureCount: Int, classCount: Int, regularization: Double = 1e-3, hiddenUnits: Int = 16, using rng: inout G
    ) throws -> any FederatedModel {
        switch self {
        case .svm, .logistic:
            guard classCount == 2 else {
                throw FederatedError(
                    code: .invalidParameter, message: "model \(self) is binary; the data has \(classCount) classes")
            }
            return self == .svm
                ? LinearSVMModel(featureCount: featureCount, regularization: regularization)
                : LogisticRegressionModel(featureCount: featureCount, regularization: regularization)
        case .mlp:
            return NeuralNetworkModel.mlp(
                featureCount: featureCount, hiddenUnits: hiddenUnits, classCount: classCount, using: &rng)
        }
    }
}

/// The shared shape of the two linear binary models: score `s = w·x + b`, label y ∈ {−1, +1}
/// (class 1 ↦ +1), parameters `[w₁ … w_d, b]`, penalty λ/2‖w‖² (not on b).
protocol LinearBinaryModel: FederatedModel {
    var featureCount: Int { get }
    var regularization: Double { get }
    /// The loss ℓ(y·s) and its derivative with respect to the margin y·s.
    static func lossAndSlope(margin: Double) -> (loss: Double, slope: Double)
}

extension LinearBinaryModel {
    func score(_ data: FederatedDataset, _ i: Int) -> Double {
        var s = parameters[featureCount]
        let base = i * featureCount
        data.features.withUnsafeBufferPointer { x in
            for j in 0..<featureCount { s += parameters[j] * x[base + j] }
        }
        return s
    }

    public func perExampleGradients(_ data: FederatedDataset, indices: [Int]) -> (gradients: [Double], losses: [Double])
    {
        let p = featureCount + 1
        var gradients = [Double](repeating: 0, count: indices.count * p)
        var losses = [Double](repeating: 0, count: indices.count)
        for (row, i) in indices.enumerated() {
            let y: Double = data.labels[i] == 1 ? 1 : -1
            let (loss, slope) = Self.lossAndSlope(margin: y * score(data, i))
            losses[row] = loss
            let base = row * p
            let factor = slope * y
            for j in 0..<featureCount {
                gradients[base + j] = factor * data.features[i * featureCount + j] + regularization * parameters[j]
            }
            gradients[base + featureCount] = factor
        }
        return (gradients, losses)
    }

    public func predict(_ data: FederatedDataset) -> [Int] {
        (0..<data.count).map { score(data, $0) >= 0 ? 1 : 0 }
    }

    public func loss(_ data: FederatedDataset) -> Double {
        guard data.count > 0 else { return 0 }
        var total = 0.0
        for i in 0..<data.count {
            let y: Double = data.labels[i] == 1 ? 1 : -1
            total += Self.lossAndSlope(margin: y * score(data, i)).loss
        }
        return total / Double(data.count)
    }
}

/// A linear support vector machine: hinge loss max(0, 1 − y·s) plus λ/2‖w‖² (Cortes & Vapnik
/// 1995, primal form; the source paper's clinic model). Starts at zero.
public struct LinearSVMModel: LinearBinaryModel {
    /// `[w₁ … w_d, b]`.
    public var parameters: [Double]
    /// d.
    public let featureCount: Int
    /// λ ≥ 0.
    public let regularization: Double

    /// A zero-initialized SVM for d features.
    public init(featureCount: Int, regularization: Double = 1e-3) {
        precondition(featureCount >= 1 && regularization >= 0, "SVM needs d ≥ 1 and λ ≥ 0")
        self.featureCount = featureCount
        self.regularization = regularization
        parameters = [Double](repeating: 0, count: featureCount + 1)
    }

    static func lossAndSlope(margin: Double) -> (loss: Double, slope: Double) {
        margin < 1 ? (1 - margin, -1) : (0, 0)
    }
}

/// Logistic regression: loss log(1 + e^{−y·s}) plus λ/2‖w‖². Starts at zero.
public struct LogisticRegressionModel: LinearBinaryModel {
    /// `[w₁ … w_d, b]`.
    public var parameters: [Double]
    /// d.
    public let featureCount: Int
    /// λ ≥ 0.
    public let regularization: Double

    /// A zero-initialized model for d features.
    public init(featureCount: Int, regularization: Double = 1e-3) {
        precondition(featureCount >= 1 && regularization >= 0, "Logistic regression needs d ≥ 1 and λ ≥ 0")
        self.featureCount = featureCount
        self.regularization = regularization
        parameters = [Double](repeating: 0, count: featureCount + 1)
    }

    static func lossAndSlope(margin: Double) -> (loss: Double, slope: Double) {
        // log(1 + e^{−m}) computed stably; slope −σ(−m).
        let loss =
            margin > 0 ? Double.log(onePlus: Double.exp(-margin)) : -margin + Double.log(onePlus: Double.exp(margin))
        let slope = -1 / (1 + Double.exp(margin))
        return (loss, slope)
    }
}

/// Any NeuralNet network as a federated classifier: softmax cross-entropy on its `[batch, classes]`
/// output, per-example gradients from ``Sequential/perExampleForward(_:training:using:)``
/// (Opacus-style `grad_sample`), parameters flattened in ``Sequential/parameters`` order.
///
/// This is how any codec whose networks are NeuralNet layers trains in a federation.
public struct NeuralNetworkModel: FederatedModel {
    /// The network (`[batch, features] → [batch, classes]`).
    public private(set) var network: Sequential<Float>

    /// Wraps a network. Every layer with parameters must be ``PerExampleDifferentiable``.
    public init(network: Sequential<Float>) {
        self.network = network
    }

    /// A `d → hidden (ReLU) → classes` perceptron, He-uniform initialized.
    public static func mlp<G: RandomNumberGenerator>(
        featureCount: Int, hiddenUnits: Int, classCount: Int, using rng: inout G
    ) -> NeuralNetworkModel {
        NeuralNetworkModel(
            network: Sequential<Float>(
                Dense<Float>(inputSize: featureCount, outputSize: hiddenUnits, initializer: .heUniform, using: &rng),
                ReLU<Float>(),
                Dense<Float>(inputSize: hiddenUnits, outputSize: classCount, using: &rng)))
    }

    public var parameters: [Double] {
        get { network.parameters.flatMap { $0.scalars.map(Double.init) } }
        set {
            var offset = 0
            var tensors = network.parameters
            for k in tensors.indices {
                let n = tensors[k].count
                precondition(offset + n <= newValue.count, "Parameter vector too short: \(newValue.count)")
                tensors[k] = Tensor(shape: tensors[k].shape, scalars: newValue[offset..<(offset + n)].map(Float.init))
                offset += n
            }
            precondition(offset == newValue.count, "Parameter vector has \(newValue.count) values, model has \(offset)")
            network.parameters = tensors
        }
    }

    func inputs(_ data: FederatedDataset, _ indices: [Int]) -> Tensor<Float> {
        var values: [Float] = []
        values.reserveCapacity(indices.count * data.featureCount)
        for i in indices { values.append(contentsOf: data.row(i).map(Float.init)) }
        return Tensor(shape: [indices.count, data.featureCount], scalars: values)
    }

    public func perExampleGradients(_ data: FederatedDataset, indices: [Int]) -> (gradients: [Double], losses: [Double])
    {
        guard !indices.isEmpty else { return ([], []) }
        var unused = Xoshiro256(seed: 0)  // inference mode: deterministic layers do not draw
        let (logits, pullback) = network.perExampleForward(inputs(data, indices), training: false, using: &unused)
        let labels = indices.map { data.labels[$0] }
        let (values, gradient) = Losses.softmaxCrossEntropyPerExample(logits: logits, labels: labels)
        let perExample = pullback(gradient).perExample
        let batch = indices.count
        let width = perExample.reduce(0) { $0 + $1.count / batch }
        var out = [Double](repeating: 0, count: batch * width)
        var column = 0
        for tensor in perExample {
            let w = tensor.count / batch
            tensor.scalars.withUnsafeBufferPointer { g in
                for b in 0..<batch {
                    for j in 0..<w { out[b * width + column + j] = Double(g[b * w + j]) }
                }
            }
            column += w
        }
        return (out, values.scalars.map(Double.init))
    }

    public func predict(_ data: FederatedDataset) -> [Int] {
        network(inputs(data, Array(0..<data.count))).argmaxAlongLastAxis()
    }

    public func loss(_ data: FederatedDataset) -> Double {
        guard data.count > 0 else { return 0 }
        let logits = network(inputs(data, Array(0..<data.count)))
        return Double(Losses.softmaxCrossEntropy(logits: logits, labels: data.labels).value)
    }
}
