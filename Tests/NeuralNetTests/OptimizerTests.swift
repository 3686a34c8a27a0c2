import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite struct OptimizerTests {
    init() { BLAS.setThreadCount(1) }

    @Test func sgdWithMomentumMatchesTheRecurrence() {
        var optimizer = SGD<Double>(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        var p = [Tensor<Double>([1, -2])]
        let g = [Tensor<Double>([0.5, 0.25])]
        // Step 1: g' = g + 0.01 p, v = g', p -= 0.1 v.
        var v = g[0] + 0.01 * p[0]
        var expected = p[0] - 0.1 * v
        optimizer.update(&p, along: g)
        #expect(p[0].maxAbsoluteDifference(expected) < 1e-15)
        // Step 2: v = 0.9 v + g'.
        v = 0.9 * v + (g[0] + 0.01 * expected)
        expected = expected - 0.1 * v
        optimizer.update(&p, along: g)
        #expect(p[0].maxAbsoluteDifference(expected) < 1e-15)
        #expect(optimizer.step == 2)
    }

    @Test func nesterovLooksAhead() {
        var optimizer = SGD<Double>(learningRate: 0.1, momentum: 0.5, nesterov: true)
        var p = [Tensor<Double>([1])]
        optimizer.update(&p, along: [Tensor([2])])
        // v = 2; d = g + μ v = 3.
        #expect(abs(p[0].scalars[0] - (1 - 0.3)) < 1e-15)
    }

    @Test func adamFirstStepIsTheLearningRateTimesTheSign() {
        // With bias correction, m̂ = g and v̂ = g² at t = 1, so the step is η·g/(|g| + ε).
        var optimizer = Adam<Double>(learningRate: 0.01)
        var p = [Tensor<Double>([1, 1, 1])]
        optimizer.update(&p, along: [Tensor([3, -0.2, 1e-3])])
        #expect(p[0].maxAbsoluteDifference(Tensor([0.99, 1.01, 0.99])) < 1e-7)
    }

    @Test func adamMatchesAReferenceImplementation() {
        // Three steps of Algorithm 1 (Kingma & Ba 2015) written out directly.
        var optimizer = Adam<Double>(learningRate: 0.05, beta1: 0.8, beta2: 0.9, epsilon: 1e-6)
        var p = [Tensor<Double>([0.3, -0.7])]
        var reference = [0.3, -0.7]
        var m = [0.0, 0.0]
        var v = [0.0, 0.0]
        let gradients = [[0.4, -1.0], [0.1, 0.3], [-0.6, 0.2]]
        for (t, g) in gradients.enumerated() {
            optimizer.update(&p, along: [Tensor(g)])
            for i in 0..<2 {
                m[i] = 0.8 * m[i] + 0.2 * g[i]
                v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.8, Double(t + 1)))
                let vHat = v[i] / (1 - pow(0.9, Double(t + 1)))
                reference[i] -= 0.05 * mHat / (vHat.squareRoot() + 1e-6)
            }
        }
        #expect(p[0].maxAbsoluteDifference(Tensor(reference)) < 1e-12)
    }

    @Test func floatAdamKernelMatchesDouble() {
        // The Float path runs eight lanes at a time plus a scalar tail (19 = 2·8 + 3).
        var rng = Xoshiro256(seed: 3)
        let start = Tensor<Double>.gaussian(shape: [19], using: &rng)
        let g = Tensor<Double>.gaussian(shape: [19], using: &rng)
        var pd = [start]
        var pf: [Tensor<Float>] = [start.converted()]
        var ad = AdamW<Double>(learningRate: 0.01, weightDecay: 0.1)
        var af = AdamW<Float>(learningRate: 0.01, weightDecay: 0.1)
        for _ in 0..<3 {
            ad.update(&pd, along: [g])
            af.update(&pf, along: [g.converted()])
        }
        let back: Tensor<Double> = pf[0].converted()
        #expect(back.maxAbsoluteDifference(pd[0]) < 1e-5)
    }

    @Test func adamWDecaysWeightsIndependentlyOfTheGradient() {
        // Zero gradient: Adam's moments stay 0 and AdamW only shrinks p by (1 − ηλ) per step.
        var optimizer = AdamW<Double>(learningRate: 0.1, weightDecay: 0.5)
        var p = [Tensor<Double>([2, -4])]
        optimizer.update(&p, along: [Tensor(zeros: [2])])
        #expect(p[0].maxAbsoluteDifference(Tensor([1.9, -3.8])) < 1e-12)
        // Coupled L2 in Adam instead normalizes the decay away: the first step is η·sign(p).
        var coupled = Adam<Double>(learningRate: 0.1, weightDecay: 0.5)
        var q = [Tensor<Double>([2, -4])]
        coupled.update(&q, along: [Tensor(zeros: [2])])
        #expect(q[0].maxAbsoluteDifference(Tensor([1.9, -3.9])) < 1e-7)
    }

    @Test func schedules() {
        #expect(ConstantLearningRate(0.1).learningRate(atStep: 1000) == 0.1)
        let step = StepDecay(initial: 1, factor: 0.1, interval: 10)
        #expect(step.learningRate(atStep: 9) == 1 && abs(step.learningRate(atStep: 25) - 0.01) < 1e-15)
        let cosine = CosineDecay(initial: 1, minimum: 0.1, steps: 100)
        #expect(cosine.learningRate(atStep: 0) == 1)
        #expect(abs(cosine.learningRate(atStep: 50) - 0.55) < 1e-12)
        #expect(abs(cosine.learningRate(atStep: 100) - 0.1) < 1e-12 && cosine.learningRate(atStep: 500) == cosine.learningRate(atStep: 100))
        let warm = LinearWarmup(warmupSteps: 4, then: CosineDecay(initial: 0.4, steps: 10))
        #expect(abs(warm.learningRate(atStep: 0) - 0.1) < 1e-15)
        #expect(abs(warm.learningRate(atStep: 3) - 0.4) < 1e-15)
        #expect(abs(warm.learningRate(atStep: 4) - 0.4) < 1e-15)
        #expect(abs(warm.learningRate(atStep: 9) - 0.2) < 1e-12)
        // An optimizer follows its schedule: SGD without momentum moves by η(t)·g.
        var sgd = SGD<Double>(schedule: StepDecay(initial: 1, factor: 0.5, interval: 1))
        var p = [Tensor<Double>([0])]
        for _ in 0..<3 { sgd.update(&p, along: [Tensor([1])]) }
        #expect(p[0].scalars[0] == -1.75)
    }

    /// A tiny classifier on a toy set (8 points, 3 classes); returns the loss ratio first/last.
    static func overfit<O: Optimizer>(with optimizer: O, steps: Int) -> (first: Double, last: Double)
    where O.Scalar == Double {
        var optimizer = optimizer
        var rng = Xoshiro256(seed: 42)
        var model = Sequential<Double>(
            Dense<Double>(inputSize: 4, outputSize: 16, initializer: .heUniform, using: &rng), ReLU<Double>(),
            Dense<Double>(inputSize: 16, outputSize: 3, using: &rng))
        let x = Tensor<Double>.gaussian(shape: [8, 4], using: &rng)
        let labels = [0, 1, 2, 0, 1, 2, 1, 0]
        var first = 0.0
        var last = 0.0
        for step in 0..<steps {
            let (loss, gradients): (Double, [Tensor<Double>]) = {
                let (logits, pullback) = model.forward(x, training: true, using: &rng)
                let loss = Losses.softmaxCrossEntropy(logits: logits, labels: labels)
                return (loss.value, pullback(loss.gradient).parameters)
            }()
            if step == 0 { first = loss }
            last = loss
            optimizer.update(&model.parameters, along: gradients)
        }
        return (first, last)
    }

    @Test func sgdWithMomentumOverfitsAToySet() {
        let (first, last) = Self.overfit(with: SGD<Double>(learningRate: 0.1, momentum: 0.9), steps: 400)
        #expect(first / last >= 100, "loss \(first) → \(last)")
    }

    @Test func adamOverfitsAToySet() {
        let (first, last) = Self.overfit(with: Adam<Double>(learningRate: 0.02), steps: 400)
        #expect(first / last >= 100, "loss \(first) → \(last)")
    }

    @Test func adamWOverfitsAToySet() {
        let (first, last) = Self.overfit(with: AdamW<Double>(learningRate: 0.02, weightDecay: 1e-3), steps: 400)
        #expect(first / last >= 100, "loss \(first) → \(last)")
    }

    @Test func rejectsMismatchedGradients() async {
        await #expect(processExitsWith: .failure) {
            var optimizer = Adam<Double>()
            var p = [Tensor<Double>(zeros: [2])]
            optimizer.update(&p, along: [Tensor(zeros: [3])])
        }
    }
}
