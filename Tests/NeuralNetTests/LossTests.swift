import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite struct LossTests {
    @Test func softmaxCrossEntropyValueAndGradient() {
        // Uniform logits over 4 classes: loss log 4.
        let uniform = Losses.softmaxCrossEntropy(logits: Tensor<Double>(zeros: [2, 4]), labels: [1, 3])
        #expect(abs(uniform.value - log(4)) < 1e-12)
        #expect(abs(uniform.gradient[0, 1] - (0.25 - 1) / 2) < 1e-12)
        #expect(abs(uniform.gradient[0, 0] - 0.25 / 2) < 1e-12)
        // Large logits stay finite (log-sum-exp).
        let large = Losses.softmaxCrossEntropy(logits: Tensor<Double>(rows: [[1000, 0]]), labels: [1])
        #expect(abs(large.value - 1000) < 1e-9)
        var rng = Xoshiro256(seed: 1)
        let logits = Tensor<Double>.gaussian(shape: [5, 4], using: &rng)
        let labels = [0, 3, 2, 1, 3]
        let error = GradientCheck.check({ Losses.softmaxCrossEntropy(logits: $0, labels: labels) }, at: logits)
        #expect(error <= 1e-6)
    }

    @Test func perExampleFormsAgreeWithBatchForms() {
        var rng = Xoshiro256(seed: 2)
        let logits = Tensor<Double>.gaussian(shape: [6, 3], using: &rng)
        let labels = [0, 1, 2, 2, 1, 0]
        let batch = Losses.softmaxCrossEntropy(logits: logits, labels: labels)
        let perExample = Losses.softmaxCrossEntropyPerExample(logits: logits, labels: labels)
        #expect(perExample.values.shape == [6])
        #expect(abs(perExample.values.mean() - batch.value) < 1e-12)
        #expect(perExample.gradient.maxAbsoluteDifference(batch.gradient * 6) < 1e-12)
        for i in 0..<6 {
            let single = Losses.softmaxCrossEntropy(logits: logits.rows(i..<(i + 1)), labels: [labels[i]])
            #expect(abs(single.value - perExample.values.scalars[i]) < 1e-12)
        }

        let targets = Tensor<Double>.uniform(shape: [6, 3], using: &rng)
        let bce = Losses.sigmoidCrossEntropy(logits: logits, targets: targets)
        let bcePerExample = Losses.sigmoidCrossEntropyPerExample(logits: logits, targets: targets)
        #expect(abs(bcePerExample.values.mean() - bce.value) < 1e-12)
        #expect(bcePerExample.gradient.maxAbsoluteDifference(bce.gradient * 6) < 1e-12)

        let mse = Losses.meanSquaredError(predictions: logits, targets: targets)
        let msePerExample = Losses.meanSquaredErrorPerExample(predictions: logits, targets: targets)
        #expect(abs(msePerExample.values.mean() - mse.value) < 1e-12)
        #expect(msePerExample.gradient.maxAbsoluteDifference(mse.gradient * 6) < 1e-12)

        let scores = awayFromZero(Tensor<Double>.gaussian(shape: [6], using: &rng)) 
        let hingeLabels = [1, -1, 1, 0, -1, 1]
        let hinge = Losses.hinge(scores: scores, labels: hingeLabels)
        let hingePerExample = Losses.hingePerExample(scores: scores, labels: hingeLabels)
        #expect(abs(hingePerExample.values.mean() - hinge.value) < 1e-12)
        #expect(hingePerExample.gradient.maxAbsoluteDifference(hinge.gradient * 6) < 1e-12)
    }

    @Test func binaryCrossEntropyIsStableAndCorrect() {
        // ℓ(0, t) = log 2 for any t; ℓ(z, 1) = log(1 + e^{−z}).
        let atZero = Losses.sigmoidCrossEntropy(logits: Tensor<Double>([0, 0]), targets: Tensor([0, 1]))
        #expect(abs(atZero.value - log(2)) < 1e-12)
        let far = Losses.sigmoidCrossEntropy(logits: Tensor<Double>([-800, 800]), targets: Tensor([1, 0]))
        #expect(abs(far.value - 800) < 1e-9)
        #expect(far.gradient.isFinite)
        var rng = Xoshiro256(seed: 3)
        let logits = Tensor<Double>.gaussian(shape: [4, 3], standardDeviation: 2, using: &rng)
        let targets = Tensor<Double>.uniform(shape: [4, 3], using: &rng)
        let error = GradientCheck.check({ Losses.sigmoidCrossEntropy(logits: $0, targets: targets) }, at: logits)
        #expect(error <= 1e-6)
    }

    @Test func meanSquaredError() {
        let mse = Losses.meanSquaredError(predictions: Tensor<Double>([1, 2, 3, 4]), targets: Tensor([1, 0, 3, 2]))
        #expect(mse.value == 2)
        #expect(mse.gradient == Tensor([0, 1, 0, 1]))
        var rng = Xoshiro256(seed: 4)
        let p = Tensor<Double>.gaussian(shape: [3, 2], using: &rng)
        let t = Tensor<Double>.gaussian(shape: [3, 2], using: &rng)
        let error = GradientCheck.check({ Losses.meanSquaredError(predictions: $0, targets: t) }, at: p)
        #expect(error <= 1e-6)
    }

    @Test func hingeLoss() {
        // Margins 1 − y·s: 0.5, 0 (clamped from −1), 3, 1 (label 0 read as −1 with s = 0).
        let scores = Tensor<Double>([0.5, 2, -2, 0])
        let value = Losses.hinge(scores: scores, labels: [1, 1, 1, 0])
        #expect(abs(value.value - (0.5 + 0 + 3 + 1) / 4) < 1e-12)
        #expect(value.gradient == Tensor([-0.25, 0, -0.25, 0.25]))
        let squared = Losses.hinge(scores: scores, labels: [1, 1, 1, -1], squared: true)
        #expect(abs(squared.value - (0.25 + 0 + 9 + 1) / 4) < 1e-12)
        // Column-vector scores, as a Dense(…, 1) produces.
        let column = Losses.hinge(scores: scores.reshaped([4, 1]), labels: [1, 1, 1, 0])
        #expect(column.gradient.shape == [4, 1] && column.value == value.value)
        var rng = Xoshiro256(seed: 5)
        // Keep every margin away from the kink so central differences are valid.
        let s = Tensor<Double>.gaussian(shape: [8], using: &rng).map { $0 + ($0 > 1 ? 0.2 : $0 > 0.8 ? -0.2 : 0) }
        let labels = [1, 1, 1, 1, 1, 1, 1, 1]
        for squaredHinge in [false, true] {
            let error = GradientCheck.check({ Losses.hinge(scores: $0, labels: labels, squared: squaredHinge) }, at: s)
            #expect(error <= 1e-6)
        }
    }

    @Test func rejectsOutOfRangeLabels() async {
        await #expect(processExitsWith: .failure) {
            _ = Losses.softmaxCrossEntropy(logits: Tensor<Double>(zeros: [1, 3]), labels: [3])
        }
    }
}
