import Experiments
import Foundation
import HealthData
import NeuralNet
import Privacy
import TensorCore
import Testing

@Suite struct TrainingAuditTests {
    private static let slow = ProcessInfo.processInfo.environment["SEMCOM_SLOW_TESTS"] != nil

    private func audit(
        epsilon: Double, runs: Int, noiseFactor: Double = 1, records: Int = 40, steps: Int = 4,
        learningRate: Double = 0.5, accountant: AccountantKind = .rdp, seed: UInt64
    ) throws -> TrainingAudit.Report {
        let data = try BreastCancerWisconsin.embedded(scale: .dividedByTen)
        var rng = Xoshiro256(seed: seed)
        return try TrainingAudit.run(
            data: data,
            configuration: .init(
                epsilon: epsilon, delta: 1e-5, runs: runs, noiseFactor: noiseFactor, steps: steps,
                learningRate: learningRate, records: records, accountant: accountant),
            using: &rng)
    }

    @Test func correctDPSGDTrainingPasses() throws {
        let report = try audit(epsilon: 2, runs: 400, seed: 1)
        #expect(report.passed, "ε_lower \(report.epsilonLower) > claimed \(report.epsilonClaimed)")
        // The claim is the accountant's ε for the calibrated σ: at most the target, and tight.
        #expect(report.epsilonClaimed <= 2 && report.epsilonClaimed > 2 * (1 - 1e-4))
        #expect(report.records == 40 && report.audit.evaluationRuns == 200)
        // The models still learn something under this much noise.
        #expect(report.meanTrainingAccuracy > 0.6, "training accuracy \(report.meanTrainingAccuracy)")
    }

    @Test func grosslyUnderNoisedTrainingIsCaught() throws {
        // A twentieth of the noise: the canary's loss separates the worlds within a few hundred runs.
        let report = try audit(epsilon: 1, runs: 300, noiseFactor: 0.05, seed: 2)
        #expect(!report.passed, "ε_lower \(report.epsilonLower) ≤ claimed \(report.epsilonClaimed)")
    }

    /// Half the noise needs ~5·10⁴ runs per world, a small learning rate and the exact (PLD, q = 1)
    /// claim (set SEMCOM_SLOW_TESTS=1 and test in release). Seed 0 is the README's `semcom privacy
    /// audit --mechanism dpsgd-training … --seed 0` run: ε_lower 0.850 (passed) and 2.340 (caught).
    @Test(.enabled(if: slow)) func halvedNoiseTrainingIsCaught() throws {
        let correct = try audit(epsilon: 2, runs: 50_000, learningRate: 0.05, accountant: .pld, seed: 0)
        #expect(correct.passed, "ε_lower \(correct.epsilonLower) > claimed \(correct.epsilonClaimed)")
        let broken = try audit(
            epsilon: 2, runs: 50_000, noiseFactor: 0.5, learningRate: 0.05, accountant: .pld, seed: 0)
        #expect(!broken.passed, "ε_lower \(broken.epsilonLower) ≤ claimed \(broken.epsilonClaimed)")
    }

    @Test func badConfigurationsThrow() throws {
        let data = try BreastCancerWisconsin.embedded(scale: .dividedByTen)
        let cases: [(TrainingAudit.Configuration, PrivacyError.Code)] = [
            (.init(epsilon: 0), .invalidEpsilon),
            (.init(epsilon: 1, delta: 0), .invalidDelta),
            (.init(epsilon: 1, runs: 50), .invalidParameter),
            (.init(epsilon: 1, steps: 0), .invalidSteps),
            (.init(epsilon: 1, samplingRate: 1.5), .invalidSamplingRate),
            (.init(epsilon: 1, noiseFactor: -1), .invalidNoiseMultiplier),
            (.init(epsilon: 1, records: 1), .invalidParameter),
            (.init(epsilon: 1, records: 10_000), .invalidParameter),
            (.init(epsilon: 1, learningRate: 0), .invalidParameter),
            (.init(epsilon: 1e-6, steps: 1000), .unreachableTarget),
        ]
        for (configuration, code) in cases {
            var rng = Xoshiro256(seed: 0)
            #expect {
                _ = try TrainingAudit.run(data: data, configuration: configuration, using: &rng)
            } throws: { error in
                (error as? PrivacyError)?.code == code
            }
        }
    }
}

/// The DP-SGD pieces the audit trains with, checked end to end: `Dense` per-example gradients,
/// `Clipping` per example to C, one Gaussian noise draw of standard deviation σ·C on the sum.
@Suite struct DPSGDStepTests {
    @Test func perExampleGradientsAreClippedOneByOneAndSummed() {
        var rng = Xoshiro256(seed: 5)
        let model = Dense<Double>(inputSize: 3, outputSize: 1, using: &rng)
        let x = Tensor<Double>.gaussian(shape: [6, 3], standardDeviation: 3, using: &rng)
        let targets = Tensor<Double>(shape: [6, 1], scalars: [0, 1, 1, 0, 1, 0])
        let gradient = Losses.sigmoidCrossEntropyPerExample(logits: model(x), targets: targets).gradient
        let perExample = model.perExampleGradients(input: x, outputGradient: gradient)
        let (sums, factors) = Clipping.clipAndAccumulate(perExample, maxNorm: 0.5)
        var expectedWeight = [Double](repeating: 0, count: 3)
        var expectedBias = 0.0
        for i in 0..<6 {
            // Example i alone: its own batch of one, its own pullback.
            let xi = x.gatherRows([i])
            let gi = Losses.sigmoidCrossEntropyPerExample(
                logits: model(xi), targets: Tensor(shape: [1, 1], scalars: [targets.scalars[i]])
            ).gradient
            let (_, pullback) = model.forward(xi, training: true, using: &rng)
            let single = pullback(gi).parameters
            let norm = (single[0].scalars.reduce(0) { $0 + $1 * $1 } + single[1].scalars[0] * single[1].scalars[0])
                .squareRoot()
            let factor = min(1, 0.5 / norm)
            #expect(abs(factors[i] - factor) < 1e-12)
            for j in 0..<3 { expectedWeight[j] += factor * single[0].scalars[j] }
            expectedBias += factor * single[1].scalars[0]
        }
        for j in 0..<3 { #expect(abs(sums[0].scalars[j] - expectedWeight[j]) < 1e-12) }
        #expect(abs(sums[1].scalars[0] - expectedBias) < 1e-12)
        #expect(factors.contains { $0 < 1 })
    }

    @Test func noiseOnTheSumHasStandardDeviationSigmaTimesC() {
        // The same σ·C whether the batch holds 1 or 500 examples: noise is added once, to the sum.
        var rng = Xoshiro256(seed: 6)
        let n = 20_000
        for batch in [1, 500] {
            let perExample = Tensor<Double>.gaussian(shape: [batch, 4], standardDeviation: 5, using: &rng)
            let (sums, _) = Clipping.clipAndAccumulate([perExample], maxNorm: 2)
            var squares = 0.0
            for _ in 0..<(n / 4) {
                let noisy = Clipping.addNoise(to: sums, noiseMultiplier: 1.5, maxNorm: 2, using: &rng)[0]
                for j in 0..<4 {
                    let d = noisy.scalars[j] - sums[0].scalars[j]
                    squares += d * d
                }
            }
            let variance = squares / Double(n)
            #expect(abs(variance - 9) < 5 * 9 * (2 / Double(n)).squareRoot(), "batch \(batch): variance \(variance)")
        }
    }
}
