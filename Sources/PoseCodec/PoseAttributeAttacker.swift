// The privacy attacker: a regressor that predicts a body measurement from what it intercepts.

import NeuralNet
import TensorCore

/// An attacker that learns to predict a private body measurement (height, wingspan) from
/// intercepted data: an MLP regressor `inputs → hidden (ReLU) → … → 1`, trained **fresh** by
/// minibatch Adam (Kingma & Ba, ICLR 2015) on mean squared error, with inputs standardized and the
/// target standardized on its training split.
///
/// The honest protocol of ``attack(trainInputs:trainTargets:testInputs:testTargets:using:)``: the
/// attacker is trained on one group of subjects and scored on *different* subjects (a split by
/// subject), by the mean absolute error against that of always predicting the training mean.
/// A ratio near 1 means the data reveal nothing usable about the measurement; a ratio near 0
/// means it is read off.
public struct PoseAttributeAttacker: Sendable, Hashable {
    /// Hidden ReLU widths (default [64, 64]).
    public var hiddenSizes: [Int]
    /// Passes over the training data (default 60).
    public var epochs: Int
    /// Minibatch size (default 64).
    public var batchSize: Int
    /// Adam's learning rate (default 10⁻³).
    public var learningRate: Double

    /// Creates an attacker.
    /// - Precondition: sizes ≥ 1, `learningRate > 0`.
    public init(hiddenSizes: [Int] = [64, 64], epochs: Int = 60, batchSize: Int = 64, learningRate: Double = 1e-3) {
        precondition(
            hiddenSizes.allSatisfy { $0 >= 1 } && epochs >= 1 && batchSize >= 1 && learningRate > 0,
            "Invalid attacker: hidden \(hiddenSizes), epochs \(epochs), batch \(batchSize), lr \(learningRate)")
        self.hiddenSizes = hiddenSizes
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
    }

    /// What an attack achieved on the test subjects.
    public struct Result: Sendable, Hashable {
        /// The attacker's mean absolute error (units of the target, e.g. metres).
        public var meanAbsoluteError: Double
        /// The mean absolute error of always predicting the training mean.
        public var meanPredictorError: Double
        /// `meanAbsoluteError / meanPredictorError`.
        public var ratio: Double { meanAbsoluteError / meanPredictorError }
        /// Test samples.
        public var testCount: Int
    }

    /// Trains on `(trainInputs, trainTargets)` and scores on the test split.
    /// - Parameters:
    ///   - trainInputs: `[n, d]`.
    ///   - trainTargets: `n` values.
    ///   - testInputs: `[m, d]`.
    ///   - testTargets: `m` values.
    ///   - rng: weights and minibatch order.
    /// - Precondition: matching counts, `n ≥ 2`, `m ≥ 1`, finite inputs.
    public func attack<G: RandomNumberGenerator>(
        trainInputs: Tensor<Float>, trainTargets: [Double], testInputs: Tensor<Float>, testTargets: [Double],
        using rng: inout G
    ) -> Result {
        let n = trainTargets.count
        let d = trainInputs.shape[1]
        precondition(
            trainInputs.shape == [n, d] && n >= 2, "Attacker training inputs \(trainInputs.shape) for \(n) targets")
        precondition(
            testInputs.shape == [testTargets.count, d] && !testTargets.isEmpty,
            "Attacker test inputs \(testInputs.shape) for \(testTargets.count) targets")
        var mean = [Float](repeating: 0, count: d)
        var scale = [Float](repeating: 0, count: d)
        for i in 0..<n { for k in 0..<d { mean[k] += trainInputs.scalars[i * d + k] / Float(n) } }
        for i in 0..<n {
            for k in 0..<d {
                let v = trainInputs.scalars[i * d + k] - mean[k]
                scale[k] += v * v / Float(n)
            }
        }
        scale = scale.map { 1 / Swift.max(1e-6, $0.squareRoot()) }
        func standardized(_ x: Tensor<Float>) -> Tensor<Float> {
            var s = x.scalars
            for i in 0..<(x.shape[0]) { for k in 0..<d { s[i * d + k] = (s[i * d + k] - mean[k]) * scale[k] } }
            return Tensor(shape: x.shape, scalars: s)
        }
        let targetMean = trainTargets.reduce(0, +) / Double(n)
        let targetScale = Swift.max(
            1e-9, (trainTargets.map { ($0 - targetMean) * ($0 - targetMean) }.reduce(0, +) / Double(n)).squareRoot())
        let x = standardized(trainInputs)
        let y = trainTargets.map { Float(($0 - targetMean) / targetScale) }
        var layers: [any Layer<Float>] = []
        var width = d
        for hidden in hiddenSizes {
            layers.append(Dense<Float>(inputSize: width, outputSize: hidden, initializer: .heUniform, using: &rng))
            layers.append(ReLU<Float>())
            width = hidden
        }
        layers.append(Dense<Float>(inputSize: width, outputSize: 1, using: &rng))
        var model = Sequential<Float>(layers)
        var optimizer = Adam<Float>(learningRate: learningRate)
        var order = Array(0..<n)
        for _ in 0..<epochs {
            order.shuffle(using: &rng)
            var start = 0
            while start < n {
                let batch = Array(order[start..<Swift.min(n, start + batchSize)])
                start += batchSize
                let gradients: [Tensor<Float>] = {
                    let (output, pullback) = model.forward(x.gatherRows(batch), training: true, using: &rng)
                    let target = Tensor<Float>(shape: [batch.count, 1], scalars: batch.map { y[$0] })
                    return pullback(Losses.meanSquaredError(predictions: output, targets: target).gradient).parameters
                }()
                optimizer.update(&model.parameters, along: gradients)
            }
        }
        let predictions = model(standardized(testInputs)).scalars.map { Double($0) * targetScale + targetMean }
        let m = Double(testTargets.count)
        let mae = zip(predictions, testTargets).map { abs($0 - $1) }.reduce(0, +) / m
        let baseline = testTargets.map { abs($0 - targetMean) }.reduce(0, +) / m
        return Result(meanAbsoluteError: mae, meanPredictorError: baseline, testCount: testTargets.count)
    }
}
