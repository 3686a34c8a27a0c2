import Foundation
import SemanticCodec
import TensorCore
import Testing

@Suite struct MetricsTests {
    @Test func accuracyAndBalancedAccuracy() {
        // 6 of class 0, 2 of class 1. Predictions: class 0 → 5 right; class 1 → 1 right.
        let labels = [0, 0, 0, 0, 0, 0, 1, 1]
        let predictions = [0, 0, 0, 0, 0, 1, 1, 0]
        #expect(Metrics.accuracy(predictions: predictions, labels: labels) == 6.0 / 8)
        // Recalls 5/6 and 1/2 → balanced accuracy (5/6 + 1/2) / 2 = 2/3.
        #expect(abs(Metrics.balancedAccuracy(predictions: predictions, labels: labels) - 2.0 / 3) < 1e-12)
        // A class absent from the labels does not enter the balanced accuracy.
        #expect(Metrics.balancedAccuracy(predictions: [0, 2, 0], labels: [0, 0, 0]) == 2.0 / 3)
    }

    @Test func precisionRecallAndF1() {
        // TP = 3, FP = 1, FN = 2, TN = 4.
        let labels = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
        let predictions = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        #expect(Metrics.precision(predictions: predictions, labels: labels) == 0.75)
        #expect(Metrics.recall(predictions: predictions, labels: labels) == 0.6)
        // F1 = 2·3 / (2·3 + 1 + 2) = 2/3.
        #expect(abs(Metrics.f1(predictions: predictions, labels: labels) - 2.0 / 3) < 1e-12)
        // Class 0 as positive: TP = 4, FP = 2, FN = 1 → F1 = 8/11.
        #expect(abs(Metrics.f1(predictions: predictions, labels: labels, positiveClass: 0) - 8.0 / 11) < 1e-12)
        #expect(
            abs(Metrics.macroF1(predictions: predictions, labels: labels, classCount: 2) - (2.0 / 3 + 8.0 / 11) / 2)
                < 1e-12)
        // Macro precision: class 1 → 3/4, class 0 → 4/6; macro recall: 3/5 and 4/5.
        #expect(
            abs(Metrics.macroPrecision(predictions: predictions, labels: labels, classCount: 2) - (0.75 + 4.0 / 6) / 2)
                < 1e-12)
        #expect(abs(Metrics.macroRecall(predictions: predictions, labels: labels, classCount: 2) - 0.7) < 1e-12)
        // Nothing predicted positive: precision and F1 are 0 (zero_division = 0).
        #expect(Metrics.precision(predictions: [0, 0], labels: [1, 0]) == 0)
        #expect(Metrics.f1(predictions: [0, 0], labels: [0, 0]) == 0)
    }

    @Test func confusionMatrixMulticlass() {
        let labels = [0, 0, 1, 1, 1, 2]
        let predictions = [0, 1, 1, 1, 2, 0]
        let matrix = ConfusionMatrix(predictions: predictions, labels: labels, classCount: 3)
        #expect(matrix.counts == [[1, 1, 0], [0, 2, 1], [1, 0, 0]])
        #expect(matrix.total == 6)
        #expect(matrix.accuracy == 0.5)
        #expect(matrix.precision(ofClass: 1) == 2.0 / 3)
        #expect(matrix.recall(ofClass: 1) == 2.0 / 3)
        #expect(matrix.f1(ofClass: 2) == 0)
        // F1: class 0 → 2/(2+1+1) = 0.5, class 1 → 4/(4+1+1) = 2/3, class 2 → 0.
        #expect(abs(matrix.macroF1 - (0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(abs(matrix.balancedAccuracy - (0.5 + 2.0 / 3 + 0) / 3) < 1e-12)
    }

    @Test func rocAUCWithTies() {
        // Positives 0.8, 0.4, 0.4; negatives 0.4, 0.1. Pairs (p, n): (0.8 > 0.4), (0.8 > 0.1),
        // (0.4 = 0.4) ½, (0.4 > 0.1), (0.4 = 0.4) ½, (0.4 > 0.1) → (1 + 1 + ½ + 1 + ½ + 1) / 6 = 5/6.
        let auc = Metrics.rocAUC(scores: [0.8, 0.4, 0.4, 0.4, 0.1], labels: [1, 1, 0, 1, 0])
        #expect(abs(auc! - 5.0 / 6) < 1e-12)
        // All scores tied → 0.5; perfect ranking → 1; inverted → 0.
        #expect(Metrics.rocAUC(scores: [0.3, 0.3, 0.3, 0.3], labels: [0, 1, 0, 1]) == 0.5)
        #expect(Metrics.rocAUC(scores: [0.1, 0.2, 0.9, 0.8], labels: [0, 0, 1, 1]) == 1)
        #expect(Metrics.rocAUC(scores: [0.9, 0.8, 0.1, 0.2], labels: [0, 0, 1, 1]) == 0)
        // One class only: undefined.
        #expect(Metrics.rocAUC(scores: [0.1, 0.2], labels: [1, 1]) == nil)
    }

    @Test func rocAUCMatchesPairCountingOnRandomScores() {
        var rng = Xoshiro256(seed: 4)
        let n = 300
        // Scores rounded to 1 decimal so there are many ties.
        let scores = (0..<n).map { _ in (rng.nextUnitDouble() * 10).rounded() / 10 }
        let labels = (0..<n).map { _ in rng.nextUnitDouble() < 0.4 ? 1 : 0 }
        var wins = 0.0
        var pairs = 0.0
        for i in 0..<n where labels[i] == 1 {
            for j in 0..<n where labels[j] == 0 {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
            }
        }
        #expect(abs(Metrics.rocAUC(scores: scores, labels: labels)! - wins / pairs) < 1e-12)
    }

    @Test func expectedCalibrationError() {
        // Top-label confidences 0.9, 0.9, 0.6, 0.6, 0.55 with 5 bins of width 0.2:
        // bin (0.8, 1]: {0.9 right, 0.9 wrong} → |0.5 − 0.9| = 0.4, weight 2/5;
        // bin (0.4, 0.6]: {0.6 right, 0.6 right, 0.55 wrong} → |2/3 − 0.5833…| = 1/12, weight 3/5.
        // ECE = 0.4·0.4 + 0.6/12 = 0.21.
        let p = Tensor<Double>(rows: [[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.4, 0.6], [0.55, 0.45]])
        let labels = [0, 0, 0, 1, 1]
        #expect(abs(Metrics.expectedCalibrationError(probabilities: p, labels: labels, bins: 5) - 0.21) < 1e-12)
        // Perfectly calibrated one-hot predictions that are all right: ECE 0.
        let sure = Tensor<Float>(rows: [[1, 0], [0, 1]])
        #expect(Metrics.expectedCalibrationError(probabilities: sure, labels: [0, 1]) == 0)
        // Binary form, 2 bins: p = 0.2, 0.3 (bin 1; positives 1 of 2) → |0.5 − 0.25| = 0.25;
        // p = 0.8, 0.9 (bin 2; positives 2 of 2) → |1 − 0.85| = 0.15; ECE = (0.25 + 0.15) / 2 = 0.2.
        let binary = Metrics.expectedCalibrationError(
            positiveProbabilities: [0.2, 0.3, 0.8, 0.9], labels: [1, 0, 1, 1], bins: 2)
        #expect(abs(binary - 0.2) < 1e-12)
    }

    @Test func brierScoreAndLogLoss() {
        let p = Tensor<Double>(rows: [[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]])
        let labels = [0, 0, 1]
        // Multiclass Brier: (0.04 + 0.04) + (0.49 + 0.49) + (0.25 + 0.25) = 1.56, / 3 = 0.52.
        #expect(abs(Metrics.brierScore(probabilities: p, labels: labels) - 0.52) < 1e-12)
        // Binary Brier on P(class 1) = 0.2, 0.7, 0.5 with positives [0, 0, 1]: (0.04 + 0.49 + 0.25)/3 = 0.26.
        let positive = Metrics.column(1, of: p)
        #expect(abs(Metrics.brierScore(positiveProbabilities: positive, labels: labels) - 0.26) < 1e-12)
        // Log-loss: −(ln 0.8 + ln 0.3 + ln 0.5) / 3.
        let expected = -(log(0.8) + log(0.3) + log(0.5)) / 3
        #expect(abs(Metrics.logLoss(probabilities: p, labels: labels) - expected) < 1e-12)
        // A confident mistake is clipped at ε.
        let wrong = Tensor<Double>(rows: [[1, 0]])
        #expect(abs(Metrics.logLoss(probabilities: wrong, labels: [1]) + log(1e-15)) < 1e-9)
    }
}
