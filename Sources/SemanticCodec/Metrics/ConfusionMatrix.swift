/// A confusion matrix: `counts[true class][predicted class]`, with per-class and averaged
/// precision, recall and F1.
///
/// ```swift
/// let matrix = ConfusionMatrix(predictions: [0, 1, 1, 0], labels: [0, 1, 0, 0], classCount: 2)
/// matrix.counts            // [[2, 1], [0, 1]]
/// matrix.recall(ofClass: 0)   // 2/3
/// matrix.macroF1
/// ```
public struct ConfusionMatrix: Sendable, Hashable {
    /// `counts[t][p]`: the number of samples of true class `t` predicted as `p`.
    public let counts: [[Int]]

    /// Tallies predictions against labels.
    /// - Parameters:
    ///   - predictions: predicted class per sample, in `0..<classCount`.
    ///   - labels: true class per sample, same count.
    ///   - classCount: the number of classes (≥ 1).
    /// - Precondition: equal counts (≥ 1) and every class index in range.
    public init(predictions: [Int], labels: [Int], classCount: Int) {
        Metrics.checkPairs(predictions.count, labels.count, "ConfusionMatrix")
        precondition(classCount >= 1, "ConfusionMatrix needs ≥ 1 class, got \(classCount)")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for i in labels.indices {
            let (t, p) = (labels[i], predictions[i])
            precondition(t >= 0 && t < classCount, "ConfusionMatrix: label \(i) is \(t), outside 0..<\(classCount)")
            precondition(
                p >= 0 && p < classCount, "ConfusionMatrix: prediction \(i) is \(p), outside 0..<\(classCount)")
            counts[t][p] += 1
        }
        self.counts = counts
    }

    /// The number of classes.
    public var classCount: Int { counts.count }
    /// The number of samples.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Samples of class `c` predicted as `c`.
    public func truePositives(ofClass c: Int) -> Int { counts[c][c] }
    /// Samples of another class predicted as `c`.
    public func falsePositives(ofClass c: Int) -> Int {
        (0..<classCount).reduce(0) { $0 + ($1 == c ? 0 : counts[$1][c]) }
    }
    /// Samples of class `c` predicted as another class.
    public func falseNegatives(ofClass c: Int) -> Int { counts[c].reduce(0, +) - counts[c][c] }

    /// The fraction of samples on the diagonal.
    public var accuracy: Double {
        Double((0..<classCount).reduce(0) { $0 + counts[$1][$1] }) / Double(Swift.max(total, 1))
    }

    /// `TP / (TP + FP)` of class `c`; 0 when `c` is never predicted.
    public func precision(ofClass c: Int) -> Double {
        ratio(truePositives(ofClass: c), truePositives(ofClass: c) + falsePositives(ofClass: c))
    }

    /// `TP / (TP + FN)` of class `c`; 0 when `c` never occurs.
    public func recall(ofClass c: Int) -> Double {
        ratio(truePositives(ofClass: c), truePositives(ofClass: c) + falseNegatives(ofClass: c))
    }

    /// `2·TP / (2·TP + FP + FN)` of class `c`; 0 when the denominator is 0.
    public func f1(ofClass c: Int) -> Double {
        let tp = truePositives(ofClass: c)
        return ratio(2 * tp, 2 * tp + falsePositives(ofClass: c) + falseNegatives(ofClass: c))
    }

    /// The unweighted mean of ``precision(ofClass:)`` over all classes.
    public var macroPrecision: Double { mean { precision(ofClass: $0) } }
    /// The unweighted mean of ``recall(ofClass:)`` over all classes.
    public var macroRecall: Double { mean { recall(ofClass: $0) } }
    /// The unweighted mean of ``f1(ofClass:)`` over all classes.
    public var macroF1: Double { mean { f1(ofClass: $0) } }

    /// The mean recall over the classes that occur (Brodersen et al., ICPR 2010).
    public var balancedAccuracy: Double {
        let present = (0..<classCount).filter { counts[$0].reduce(0, +) > 0 }
        guard !present.isEmpty else { return 0 }
        return present.reduce(0.0) { $0 + recall(ofClass: $1) } / Double(present.count)
    }

    private func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }

    private func mean(_ value: (Int) -> Double) -> Double {
        (0..<classCount).reduce(0.0) { $0 + value($1) } / Double(classCount)
    }
}
