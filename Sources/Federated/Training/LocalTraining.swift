import NeuralNet
import Privacy
import TensorCore

/// The optimizer a clinic runs locally.
public enum LocalOptimizer: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Plain SGD (NeuralNet ``SGD``).
    case sgd
    /// Adam (Kingma & Ba 2015; NeuralNet ``Adam``), state reset every round.
    case adam

    /// The CLI spelling.
    public var description: String { rawValue }
}

/// How a clinic trains on its shard within one round.
public struct LocalTrainingConfiguration: Sendable, Hashable {
    /// Passes over the local shard per round (≥ 1). With record-level DP-SGD an epoch is 1/q
    /// Poisson-sampled steps.
    public var epochs: Int
    /// Minibatch size (non-private and client-level training).
    public var batchSize: Int
    /// The local learning rate.
    public var learningRate: Double
    /// The local optimizer.
    public var optimizer: LocalOptimizer

    /// Creates a configuration.
    public init(epochs: Int = 1, batchSize: Int = 16, learningRate: Double = 0.1, optimizer: LocalOptimizer = .sgd) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
    }

    /// Checks the ranges.
    /// - Throws: ``FederatedError`` `.invalidParameter`.
    public func validate() throws {
        guard epochs >= 1, batchSize >= 1, learningRate > 0, learningRate.isFinite else {
            throw FederatedError(
                code: .invalidParameter,
                message:
                    "local training needs epochs ≥ 1, batch size ≥ 1 and a learning rate > 0, got epochs = \(epochs), "
                    + "batch = \(batchSize), learning rate = \(learningRate)")
        }
    }
}

/// The local computations of a clinic, as pure functions of the model, the shard and a generator.
public enum LocalTraining {
    /// Minibatch training from the model's parameters: `epochs` shuffled passes, mean per-example
    /// gradient (+ the FedProx term μ(w − w_global)) per step.
    /// - Parameters:
    ///   - model: the model, starting at the global parameters; trained in place.
    ///   - data: the clinic's shard.
    ///   - configuration: epochs, batch, learning rate, optimizer.
    ///   - proximalCoefficient: μ ≥ 0 (FedProx, Li et al. 2020); 0 for FedAvg.
    ///   - defence: an honest clinic's adversarial training or input perturbation
    ///     (``LocalInputDefence``), or `nil`.
    ///   - rng: the shuffles (and the defence's draws).
    /// - Returns: the mean training loss over the steps.
    @discardableResult
    public static func train<M: FederatedModel, G: RandomNumberGenerator>(
        _ model: inout M, on data: FederatedDataset, configuration: LocalTrainingConfiguration,
        proximalCoefficient: Double = 0, defence: (any LocalInputDefence)? = nil, using rng: inout G
    ) -> Double {
        let anchor = model.parameters
        var stepper = LocalStepper(configuration.optimizer, learningRate: configuration.learningRate)
        var order = Array(0..<data.count)
        var lossSum = 0.0
        var lossCount = 0
        for _ in 0..<configuration.epochs {
            order.shuffle(using: &rng)
            var start = 0
            while start < order.count {
                let batch = Array(order[start..<Swift.min(order.count, start + configuration.batchSize)])
                start += configuration.batchSize
                let (gradients, losses) = defendedGradients(
                    model, on: data, indices: batch, defence: defence, using: &rng)
                var mean = columnSums(gradients, rows: batch.count, width: anchor.count)
                for j in mean.indices { mean[j] /= Double(batch.count) }
                addProximal(&mean, parameters: model.parameters, anchor: anchor, mu: proximalCoefficient)
                stepper.step(&model.parameters, gradient: mean)
                lossSum += losses.reduce(0, +)
                lossCount += losses.count
            }
        }
        return lossCount == 0 ? 0 : lossSum / Double(lossCount)
    }

    /// One private gradient query: Poisson-samples records with rate q, clips each example's
    /// gradient to L2 norm ≤ C and sums (stages 1–3 of DP-SGD, ``Clipping``).
    /// - Parameters:
    ///   - model: the model at the current parameters.
    ///   - data: the clinic's shard.
    ///   - samplingRate: q ∈ (0, 1] (1: every record).
    ///   - clipNorm: C > 0.
    ///   - defence: an honest clinic's ``LocalInputDefence`` (mixed into each example's gradient
    ///     before clipping), or `nil`.
    ///   - rng: the sampling (and the defence's draws).
    /// - Returns: Σ clipped gradients `[parameterCount]`, the sampled count, and the sampled examples' mean loss.
    public static func clippedGradientSum<M: FederatedModel, G: RandomNumberGenerator>(
        _ model: M, on data: FederatedDataset, samplingRate: Double, clipNorm: Double,
        defence: (any LocalInputDefence)? = nil, using rng: inout G
    ) -> (sum: [Double], count: Int, loss: Double) {
        let batch =
            samplingRate >= 1
            ? Array(0..<data.count) : (0..<data.count).filter { _ in rng.nextUnitDouble() < samplingRate }
        let width = model.parameterCount
        guard !batch.isEmpty else { return ([Double](repeating: 0, count: width), 0, 0) }
        let (gradients, losses) = defendedGradients(model, on: data, indices: batch, defence: defence, using: &rng)
        let perExample = Tensor<Double>(shape: [batch.count, width], scalars: gradients)
        let sum = Clipping.clipAndAccumulate([perExample], maxNorm: clipNorm).sum[0].scalars
        return (Array(sum), batch.count, losses.reduce(0, +) / Double(batch.count))
    }

    /// Local DP-SGD (Abadi et al. 2016) as Opacus runs it: `steps` steps, each a Poisson sample
    /// with rate q, per-example clipping to C, N(0, (σC)²) noise on the sum, division by the
    /// expected batch q·n, then the optimizer (and the FedProx term, which is data-independent).
    /// With a `defence` (``LocalInputDefence``) each example's gradient is the defence's mixture,
    /// clipped as one record's.
    /// - Returns: the mean loss of the sampled examples.
    @discardableResult
    public static func dpSGD<M: FederatedModel, G: RandomNumberGenerator>(
        _ model: inout M, on data: FederatedDataset, steps: Int, samplingRate: Double, clipNorm: Double,
        noiseMultiplier: Double, configuration: LocalTrainingConfiguration, proximalCoefficient: Double = 0,
        defence: (any LocalInputDefence)? = nil, using rng: inout G
    ) -> Double {
        let anchor = model.parameters
        var stepper = LocalStepper(configuration.optimizer, learningRate: configuration.learningRate)
        let expectedBatch = samplingRate * Double(data.count)
        var lossSum = 0.0
        var lossCount = 0
        for _ in 0..<steps {
            let (sum, count, loss) = clippedGradientSum(
                model, on: data, samplingRate: samplingRate, clipNorm: clipNorm, defence: defence, using: &rng)
            var gradient = Clipping.addNoise(
                to: [Tensor<Double>(sum)], noiseMultiplier: noiseMultiplier, maxNorm: clipNorm, using: &rng)[0].scalars
            for j in gradient.indices { gradient[j] /= expectedBatch }
            addProximal(&gradient, parameters: model.parameters, anchor: anchor, mu: proximalCoefficient)
            stepper.step(&model.parameters, gradient: gradient)
            lossSum += loss * Double(count)
            lossCount += count
        }
        return lossCount == 0 ? 0 : lossSum / Double(lossCount)
    }

    static func columnSums(_ values: [Double], rows: Int, width: Int) -> [Double] {
        var out = [Double](repeating: 0, count: width)
        values.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                for j in 0..<width { out[j] += v[r * width + j] }
            }
        }
        return out
    }

    static func addProximal(_ gradient: inout [Double], parameters: [Double], anchor: [Double], mu: Double) {
        guard mu > 0 else { return }
        for j in gradient.indices { gradient[j] += mu * (parameters[j] - anchor[j]) }
    }
}

/// A NeuralNet optimizer over the flat parameter vector (one `[P]` tensor).
struct LocalStepper {
    var sgd: SGD<Double>?
    var adam: Adam<Double>?

    init(_ kind: LocalOptimizer, learningRate: Double) {
        switch kind {
        case .sgd: sgd = SGD<Double>(learningRate: learningRate)
        case .adam: adam = Adam<Double>(learningRate: learningRate)
        }
    }

    mutating func step(_ parameters: inout [Double], gradient: [Double]) {
        var tensors = [Tensor<Double>(parameters)]
        let gradients = [Tensor<Double>(gradient)]
        // Exactly one of the two is set in init.
        if sgd != nil { sgd!.update(&tensors, along: gradients) } else { adam!.update(&tensors, along: gradients) }
        parameters = tensors[0].scalars
    }
}
