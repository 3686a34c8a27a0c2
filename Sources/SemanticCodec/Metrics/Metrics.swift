import RealModule
import TensorCore

/// Classification metrics as pure functions of predictions, scores or probabilities and labels.
///
/// Labels and predictions are class indices in `0..<classes`; binary metrics take a
/// `positiveClass` (default 1). Probabilities are `[samples, classes]` tensors whose rows sum to 1
/// (e.g. `logits.softmax()`). All results are `Double`. The definitions follow scikit-learn 1.5
/// (`accuracy_score`, `balanced_accuracy_score`, `precision_recall_fscore_support`,
/// `roc_auc_score`, `brier_score_loss`, `log_loss`) unless noted; where a ratio is 0/0 it is
/// reported as 0 (scikit-learn's `zero_division=0`).
///
/// Misuse — empty inputs, mismatched counts, labels out of range — traps with a precondition.
///
/// ```swift
/// let logits = pipeline(x, over: AWGN(snrDecibels: 5), using: &rng)
/// let predictions = logits.argmaxAlongLastAxis()
/// let accuracy = Metrics.accuracy(predictions: predictions, labels: y)
/// let auc = Metrics.rocAUC(scores: Metrics.column(1, of: logits.softmax()), labels: y)
/// let ece = Metrics.expectedCalibrationError(probabilities: logits.softmax(), labels: y, bins: 10)
/// ```
public enum Metrics {
    /// The fraction of predictions equal to their label.
    /// - Parameters:
    ///   - predictions: predicted class per sample.
    ///   - labels: true class per sample, same count (≥ 1).
    public static func accuracy(predictions: [Int], labels: [Int]) -> Double {
        checkPairs(predictions.count, labels.count, "accuracy")
        var correct = 0
        for i in labels.indices where predictions[i] == labels[i] { correct += 1 }
        return Double(correct) / Double(labels.count)
    }

    /// Balanced accuracy: the mean over classes present in `labels` of each class's recall
    /// (Brodersen et al., "The balanced accuracy and its posterior distribution", ICPR 2010;
    /// scikit-learn's `balanced_accuracy_score` without adjustment).
    /// - Parameters:
    ///   - predictions: predicted class per sample (≥ 0).
    ///   - labels: true class per sample (≥ 0), same count.
    public static func balancedAccuracy(predictions: [Int], labels: [Int]) -> Double {
        checkPairs(predictions.count, labels.count, "balancedAccuracy")
        let classes = Swift.max(predictions.max() ?? 0, labels.max() ?? 0) + 1
        return ConfusionMatrix(predictions: predictions, labels: labels, classCount: classes).balancedAccuracy
    }

    /// Precision `TP / (TP + FP)` of `positiveClass` (0 when nothing is predicted positive).
    public static func precision(predictions: [Int], labels: [Int], positiveClass: Int = 1) -> Double {
        binary(predictions, labels, positiveClass, "precision").precision(ofClass: 1)
    }

    /// Recall (sensitivity) `TP / (TP + FN)` of `positiveClass` (0 when there are no positives).
    public static func recall(predictions: [Int], labels: [Int], positiveClass: Int = 1) -> Double {
        binary(predictions, labels, positiveClass, "recall").recall(ofClass: 1)
    }

    /// F1 score `2·TP / (2·TP + FP + FN)` of `positiveClass`, the harmonic mean of precision and
    /// recall (van Rijsbergen 1979); 0 when `TP + FP + FN = 0`.
    public static func f1(predictions: [Int], labels: [Int], positiveClass: Int = 1) -> Double {
        binary(predictions, labels, positiveClass, "f1").f1(ofClass: 1)
    }

    /// Macro-averaged F1: the unweighted mean over `classCount` classes of each class's F1
    /// (scikit-learn `f1_score(average="macro", labels=range(classCount))`).
    public static func macroF1(predictions: [Int], labels: [Int], classCount: Int) -> Double {
        ConfusionMatrix(predictions: predictions, labels: labels, classCount: classCount).macroF1
    }

    /// Macro-averaged precision: the unweighted mean over `classCount` classes of each class's
    /// precision (scikit-learn `precision_score(average="macro", labels=range(classCount))`).
    public static func macroPrecision(predictions: [Int], labels: [Int], classCount: Int) -> Double {
        ConfusionMatrix(predictions: predictions, labels: labels, classCount: classCount).macroPrecision
    }

    /// Macro-averaged recall: the unweighted mean over `classCount` classes of each class's recall
    /// (scikit-learn `recall_score(average="macro", labels=range(classCount))`).
    public static func macroRecall(predictions: [Int], labels: [Int], classCount: Int) -> Double {
        ConfusionMatrix(predictions: predictions, labels: labels, classCount: classCount).macroRecall
    }

    /// Area under the ROC curve, computed as the normalized Mann–Whitney U statistic:
    /// the probability that a random positive scores higher than a random negative, ties counting
    /// one half (Hanley & McNeil, "The meaning and use of the area under a ROC curve", Radiology
    /// 1982). Uses average ranks over tied scores, O(n log n).
    /// - Parameters:
    ///   - scores: a score per sample, higher meaning more likely positive (e.g. `P(positive)`).
    ///   - labels: class per sample; `positiveClass` is positive, every other class negative.
    ///   - positiveClass: the positive class (default 1).
    /// - Returns: the AUC in [0, 1], or `nil` when only one class is present (undefined).
    /// - Precondition: equal counts, no NaN score.
    public static func rocAUC(scores: [Double], labels: [Int], positiveClass: Int = 1) -> Double? {
        checkPairs(scores.count, labels.count, "rocAUC")
        precondition(!scores.contains { $0.isNaN }, "rocAUC: scores contain NaN")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositives = 0.0
        var positives = 0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            // Ranks start..<end (1-based: start+1 … end) share their average.
            let averageRank = Double(start + 1 + end) / 2
            for i in start..<end where labels[order[i]] == positiveClass {
                rankSumPositives += averageRank
                positives += 1
            }
            start = end
        }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let u = rankSumPositives - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }

    /// Area under the ROC curve for `Float` scores; see ``rocAUC(scores:labels:positiveClass:)``.
    public static func rocAUC(scores: [Float], labels: [Int], positiveClass: Int = 1) -> Double? {
        rocAUC(scores: scores.map(Double.init), labels: labels, positiveClass: positiveClass)
    }

    /// Expected calibration error with `bins` equal-width confidence bins over [0, 1]
    /// (Naeini, Cooper & Hauskrecht, AAAI 2015; Guo, Pleiss, Sun & Weinberger, "On calibration of
    /// modern neural networks", ICML 2017, eq. 3):
    /// `ECE = Σ_b (|B_b| / n) · |acc(B_b) − conf(B_b)|`, where a sample's confidence is its largest
    /// class probability, its prediction that class, and bin `b` holds confidences in
    /// `((b−1)/M, b/M]` (the first bin also takes 0).
    /// - Parameters:
    ///   - probabilities: `[samples, classes]`, rows summing to 1.
    ///   - labels: true class per sample.
    ///   - bins: `M ≥ 1` (15 in Guo et al.; 10 is common).
    public static func expectedCalibrationError<Scalar: TensorScalar>(
        probabilities: Tensor<Scalar>, labels: [Int], bins: Int = 10
    ) -> Double {
        let (samples, classes) = checkProbabilities(probabilities, labels, "expectedCalibrationError")
        precondition(bins >= 1, "expectedCalibrationError: bins must be ≥ 1, got \(bins)")
        var count = [Int](repeating: 0, count: bins)
        var correct = [Int](repeating: 0, count: bins)
        var confidenceSum = [Double](repeating: 0, count: bins)
        for i in 0..<samples {
            var best = 0
            var confidence = Double(probabilities.scalars[i * classes])
            for j in 1..<classes where Double(probabilities.scalars[i * classes + j]) > confidence {
                best = j
                confidence = Double(probabilities.scalars[i * classes + j])
            }
            let bin = calibrationBin(confidence, bins: bins)
            count[bin] += 1
            confidenceSum[bin] += confidence
            if best == labels[i] { correct[bin] += 1 }
        }
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 {
            let n = Double(count[b])
            ece += n / Double(samples) * abs(Double(correct[b]) / n - confidenceSum[b] / n)
        }
        return ece
    }

    /// Expected calibration error of binary probabilities `P(positive)` (`[samples]`), with
    /// `bins` equal-width bins over [0, 1] of the predicted probability:
    /// `ECE = Σ_b (|B_b| / n) · |mean(y ∈ B_b) − mean(p ∈ B_b)|` (the reliability-diagram form,
    /// as in scikit-learn's `calibration_curve(strategy="uniform")`).
    public static func expectedCalibrationError(
        positiveProbabilities: [Double], labels: [Int], positiveClass: Int = 1, bins: Int = 10
    ) -> Double {
        checkPairs(positiveProbabilities.count, labels.count, "expectedCalibrationError")
        precondition(bins >= 1, "expectedCalibrationError: bins must be ≥ 1, got \(bins)")
        var count = [Int](repeating: 0, count: bins)
        var positives = [Int](repeating: 0, count: bins)
        var probabilitySum = [Double](repeating: 0, count: bins)
        for (i, p) in positiveProbabilities.enumerated() {
            precondition(p >= 0 && p <= 1, "expectedCalibrationError: probability \(i) is \(p), outside [0, 1]")
            let bin = calibrationBin(p, bins: bins)
            count[bin] += 1
            probabilitySum[bin] += p
            if labels[i] == positiveClass { positives[bin] += 1 }
        }
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 {
            let n = Double(count[b])
            ece += n / Double(labels.count) * abs(Double(positives[b]) / n - probabilitySum[b] / n)
        }
        return ece
    }

    /// The multiclass Brier score (Brier 1950): `(1/n) Σᵢ Σ_c (p_ic − [yᵢ = c])²`, in [0, 2].
    /// For two classes this is twice scikit-learn's binary `brier_score_loss`; use
    /// ``brierScore(positiveProbabilities:labels:positiveClass:)`` for the binary form.
    /// - Parameters:
    ///   - probabilities: `[samples, classes]`.
    ///   - labels: true class per sample.
    public static func brierScore<Scalar: TensorScalar>(probabilities: Tensor<Scalar>, labels: [Int]) -> Double {
        let (samples, classes) = checkProbabilities(probabilities, labels, "brierScore")
        var total = 0.0
        for i in 0..<samples {
            for j in 0..<classes {
                let target: Double = labels[i] == j ? 1 : 0
                let d = Double(probabilities.scalars[i * classes + j]) - target
                total += d * d
            }
        }
        return total / Double(samples)
    }

    /// The binary Brier score `(1/n) Σᵢ (pᵢ − [yᵢ = positive])²`, in [0, 1]
    /// (scikit-learn `brier_score_loss`).
    public static func brierScore(positiveProbabilities: [Double], labels: [Int], positiveClass: Int = 1) -> Double {
        checkPairs(positiveProbabilities.count, labels.count, "brierScore")
        var total = 0.0
        for (i, p) in positiveProbabilities.enumerated() {
            let d = p - (labels[i] == positiveClass ? 1 : 0)
            total += d * d
        }
        return total / Double(labels.count)
    }

    /// Log-loss (cross-entropy, nats): `−(1/n) Σᵢ log p_{i, yᵢ}`, with each probability clipped to
    /// `[ε, 1 − ε]` so a confident mistake costs `−log ε` instead of infinity.
    /// - Parameters:
    ///   - probabilities: `[samples, classes]`.
    ///   - labels: true class per sample.
    ///   - epsilon: the clipping bound (default 1e-15, scikit-learn's historical default).
    public static func logLoss<Scalar: TensorScalar>(
        probabilities: Tensor<Scalar>, labels: [Int], epsilon: Double = 1e-15
    ) -> Double {
        let (samples, classes) = checkProbabilities(probabilities, labels, "logLoss")
        precondition(epsilon > 0 && epsilon < 0.5, "logLoss: epsilon must be in (0, 0.5), got \(epsilon)")
        var total = 0.0
        for i in 0..<samples {
            let p = Double(probabilities.scalars[i * classes + labels[i]])
            total -= Double.log(Swift.min(Swift.max(p, epsilon), 1 - epsilon))
        }
        return total / Double(samples)
    }

    /// The probability each sample gives to `column` (e.g. `P(positive)` for a binary classifier).
    /// - Parameter probabilities: `[samples, classes]`.
    /// - Returns: `[samples]` values as `Double`.
    public static func column<Scalar: TensorScalar>(_ column: Int, of probabilities: Tensor<Scalar>) -> [Double] {
        precondition(probabilities.rank == 2, "column(_:of:) needs [samples, classes], got \(probabilities.shape)")
        let classes = probabilities.shape[1]
        precondition(column >= 0 && column < classes, "Column \(column) out of 0..<\(classes)")
        return (0..<probabilities.shape[0]).map { Double(probabilities.scalars[$0 * classes + column]) }
    }

    // MARK: - Checks

    static func checkPairs(_ a: Int, _ b: Int, _ name: String) {
        precondition(a == b, "\(name): \(a) predictions or scores but \(b) labels")
        precondition(b > 0, "\(name): needs at least one sample")
    }

    private static func binary(
        _ predictions: [Int], _ labels: [Int], _ positiveClass: Int, _ name: String
    ) -> ConfusionMatrix {
        checkPairs(predictions.count, labels.count, name)
        return ConfusionMatrix(
            predictions: predictions.map { $0 == positiveClass ? 1 : 0 },
            labels: labels.map { $0 == positiveClass ? 1 : 0 }, classCount: 2)
    }

    private static func checkProbabilities<Scalar: TensorScalar>(
        _ probabilities: Tensor<Scalar>, _ labels: [Int], _ name: String
    ) -> (samples: Int, classes: Int) {
        precondition(
            probabilities.rank == 2, "\(name): probabilities must be [samples, classes], got \(probabilities.shape)")
        let (samples, classes) = (probabilities.shape[0], probabilities.shape[1])
        checkPairs(samples, labels.count, name)
        precondition(classes >= 1, "\(name): needs at least one class")
        for (i, label) in labels.enumerated() where label < 0 || label >= classes {
            preconditionFailure("\(name): label \(i) is \(label), outside 0..<\(classes)")
        }
        return (samples, classes)
    }

    /// Bin of a confidence in [0, 1]: `((b−1)/M, b/M]`, with 0 in the first bin.
    private static func calibrationBin(_ confidence: Double, bins: Int) -> Int {
        let scaled = (confidence * Double(bins)).rounded(.up) - 1
        return Swift.min(Swift.max(Int(scaled), 0), bins - 1)
    }
}
