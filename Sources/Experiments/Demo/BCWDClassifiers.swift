import HealthData
import NeuralNet
import RealModule
import TensorCore

/// Cross-validated classifiers on the Breast Cancer Wisconsin table, trained with SemCom's own
/// tensor and network core: the first part of `semcom demo`.
///
/// Two models are evaluated by stratified k-fold cross-validation on the 683 complete rows with
/// features divided by 10 (the setting of REFERENCE-NUMBERS.md):
/// - **linear SVM**: `s = w·x + b`, mean hinge loss plus `λ/2‖w‖²` with `λ = 1/(C·n)`, i.e. the
///   primal objective `½‖w‖² + C Σ max(0, 1 − yᵢ sᵢ)` of Cortes & Vapnik (1995) divided by `C·n`,
///   with `C = 1` as in the scikit-learn reference (`SVC(kernel="linear", C=1)`: 0.966 ± 0.014);
///   trained by minibatch Adam, the regularizer applied as an explicit gradient on `w`.
/// - **MLP**: 9 → 16 (ReLU) → 2, softmax cross-entropy, Adam.
///
/// The folds and the initial weights come from one seeded generator, so a seed fixes the result.
public enum BCWDClassifiers {
    /// Training settings.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Number of cross-validation folds (≥ 2).
        public var folds = 5
        /// Passes over the training folds per model.
        public var epochs = 150
        /// Minibatch size.
        public var batchSize = 32
        /// Adam learning rate.
        public var learningRate = 0.01
        /// The SVM's `C` (regularization is `1/(C·n)`).
        public var svmC = 1.0
        /// Hidden units of the MLP.
        public var hiddenUnits = 16

        public init() {}
    }

    /// Cross-validated accuracy of one model.
    public struct Evaluation: Sendable, Hashable, Codable {
        /// `linear-svm` or `mlp`.
        public var model: String
        /// Number of folds.
        public var folds: Int
        /// Mean test accuracy over the folds.
        public var accuracyMean: Double
        /// Sample standard deviation of the fold accuracies (n − 1 denominator, as `numpy.std(ddof=1)`).
        public var accuracyStd: Double
        /// Test accuracy of each fold.
        public var foldAccuracies: [Double]

        /// Creates an evaluation record.
        public init(model: String, folds: Int, accuracyMean: Double, accuracyStd: Double, foldAccuracies: [Double]) {
            self.model = model
            self.folds = folds
            self.accuracyMean = accuracyMean
            self.accuracyStd = accuracyStd
            self.foldAccuracies = foldAccuracies
        }

        enum CodingKeys: String, CodingKey {
            case model, folds
            case accuracyMean = "accuracy_mean"
            case accuracyStd = "accuracy_std"
            case foldAccuracies = "fold_accuracies"
        }
    }

    /// Runs k-fold cross-validation of the linear SVM and the MLP.
    /// - Parameters:
    ///   - data: the table (use features ÷ 10 to match the reference numbers).
    ///   - configuration: training settings.
    ///   - rng: draws the folds, the initial weights and the minibatch order.
    ///   - progress: called with a line after each fold.
    /// - Returns: one evaluation per model, SVM first.
    public static func crossValidate<G: RandomNumberGenerator>(
        _ data: BreastCancerWisconsin, configuration: Configuration = .init(), using rng: inout G,
        progress: (String) -> Void = { _ in }
    ) -> [Evaluation] {
        precondition(configuration.folds >= 2, "Cross-validation needs at least 2 folds, got \(configuration.folds)")
        let splits = DataSplit.stratifiedKFold(labels: data.labels, folds: configuration.folds, using: &rng)
        let x = data.features.converted(to: Float.self)
        var svm: [Double] = []
        var mlp: [Double] = []
        for (f, split) in splits.enumerated() {
            let trainX = x.gatherRows(split.trainIndices)
            let trainY = split.trainIndices.map { data.labels[$0] }
            let testX = x.gatherRows(split.testIndices)
            let testY = split.testIndices.map { data.labels[$0] }
            var foldRNG = Xoshiro256(seed: rng.next())
            svm.append(
                linearSVMAccuracy(
                    trainX: trainX, trainY: trainY, testX: testX, testY: testY, configuration: configuration,
                    using: &foldRNG))
            mlp.append(
                mlpAccuracy(
                    trainX: trainX, trainY: trainY, testX: testX, testY: testY, configuration: configuration,
                    using: &foldRNG))
            progress("fold \(f + 1)/\(splits.count): linear SVM \(svm[f]), MLP \(mlp[f])")
        }
        return [
            evaluation("linear-svm", svm),
            evaluation("mlp", mlp),
        ]
    }

    static func evaluation(_ model: String, _ accuracies: [Double]) -> Evaluation {
        let n = Double(accuracies.count)
        let mean = accuracies.reduce(0, +) / n
        let variance = accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Swift.max(n - 1, 1)
        return Evaluation(
            model: model, folds: accuracies.count, accuracyMean: mean, accuracyStd: variance.squareRoot(),
            foldAccuracies: accuracies)
    }

    static func linearSVMAccuracy<G: RandomNumberGenerator>(
        trainX: Tensor<Float>, trainY: [Int], testX: Tensor<Float>, testY: [Int],
        configuration: Configuration, using rng: inout G
    ) -> Double {
        var model = Dense<Float>(inputSize: trainX.shape[1], outputSize: 1, using: &rng)
        var optimizer = Adam<Float>(learningRate: configuration.learningRate)
        let lambda = Float(1 / (configuration.svmC * Double(trainY.count)))
        train(
            &model, &optimizer, x: trainX, labels: trainY, configuration: configuration, using: &rng
        ) { scores, labels, parameters in
            let gradient = Losses.hinge(scores: scores, labels: labels).gradient
            return (gradient, { grads in
                // ∂(λ/2 ‖w‖²)/∂w = λ w on the weight (parameter 0), not on the bias.
                var g = grads
                g[0].addScaled(parameters[0], by: lambda)
                return g
            })
        }
        let scores = model(testX)
        let predictions = scores.scalars.map { $0 >= 0 ? 1 : 0 }
        return accuracy(predictions, testY)
    }

    static func mlpAccuracy<G: RandomNumberGenerator>(
        trainX: Tensor<Float>, trainY: [Int], testX: Tensor<Float>, testY: [Int],
        configuration: Configuration, using rng: inout G
    ) -> Double {
        var model = Sequential<Float>(
            Dense<Float>(
                inputSize: trainX.shape[1], outputSize: configuration.hiddenUnits, initializer: .heUniform,
                using: &rng),
            ReLU<Float>(),
            Dense<Float>(inputSize: configuration.hiddenUnits, outputSize: 2, using: &rng))
        var optimizer = Adam<Float>(learningRate: configuration.learningRate)
        train(&model, &optimizer, x: trainX, labels: trainY, configuration: configuration, using: &rng) {
            logits, labels, _ in
            (Losses.softmaxCrossEntropy(logits: logits, labels: labels).gradient, { $0 })
        }
        return accuracy(model(testX).argmaxAlongLastAxis(), testY)
    }

    /// Minibatch training: shuffles each epoch with `rng`, runs forward, the loss gradient, the
    /// pullback, an optional gradient adjustment, and the optimizer step.
    static func train<L: Layer, O: Optimizer, G: RandomNumberGenerator>(
        _ model: inout L, _ optimizer: inout O, x: Tensor<Float>, labels: [Int], configuration: Configuration,
        using rng: inout G,
        lossGradient: (Tensor<Float>, [Int], [Tensor<Float>]) -> (Tensor<Float>, ([Tensor<Float>]) -> [Tensor<Float>])
    ) where L.Scalar == Float, O.Scalar == Float {
        let n = labels.count
        var order = Array(0..<n)
        for _ in 0..<configuration.epochs {
            order.shuffle(using: &rng)
            var start = 0
            while start < n {
                let batch = Array(order[start..<Swift.min(start + configuration.batchSize, n)])
                start += configuration.batchSize
                // The pullback (which references the weights) ends with this closure, so the
                // optimizer below updates the weights in place instead of copying them.
                let grads: [Tensor<Float>] = {
                    let (output, pullback) = model.forward(x.gatherRows(batch), training: true, using: &rng)
                    let (gradient, adjust) = lossGradient(output, batch.map { labels[$0] }, model.parameters)
                    return adjust(pullback(gradient).parameters)
                }()
                optimizer.update(&model.parameters, along: grads)
            }
        }
    }

    static func accuracy(_ predictions: [Int], _ labels: [Int]) -> Double {
        precondition(predictions.count == labels.count && !labels.isEmpty, "accuracy of mismatched or empty arrays")
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}
