import Experiments
import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite struct MLPCodecBenchmarkTests {
    @Test func trainingLowersTheLossAndInferenceIsFinite() {
        BLAS.setThreadCount(1)
        var codec = MLPCodecBenchmark(seed: 7)
        var losses: [Float] = []
        for _ in 0..<12 { losses.append(codec.trainStep()) }
        let allFinite = losses.allSatisfy { $0.isFinite }
        #expect(allFinite)
        // Fixed random labels: the codec memorizes them, so the loss must fall clearly.
        let first: Float = losses.prefix(3).reduce(0, +) / 3
        let last: Float = losses.suffix(3).reduce(0, +) / 3
        #expect(last < 0.8 * first)
        var rng = Xoshiro256(seed: 1)
        let one = codec.infer(Tensor<Float>.gaussian(shape: [1, 64], using: &rng))
        #expect(one.shape == [1, 10] && one.isFinite)
        let many = codec.infer(Tensor<Float>.gaussian(shape: [1024, 64], using: &rng))
        #expect(many.shape == [1024, 10] && many.isFinite)
    }

    @Test func sameSeedSameTraining() {
        BLAS.setThreadCount(1)
        var a = MLPCodecBenchmark(seed: 3)
        var b = MLPCodecBenchmark(seed: 3)
        let lossesA = (0..<2).map { _ in a.trainStep() }
        let lossesB = (0..<2).map { _ in b.trainStep() }
        #expect(lossesA == lossesB)
        #expect(a.encoder.parameters == b.encoder.parameters)
    }

    @Test func runReportsThePeerKeys() throws {
        let result = MLPCodecBenchmark.run(
            threads: 1, seed: 0, trainSteps: 3, warmupSteps: 2, batch1Iterations: 5, batch1024Iterations: 1)
        #expect(result.trainStepsPerSecond > 0 && result.inferBatch1Microseconds > 0)
        #expect(result.inferBatch1024SamplesPerSecond > 0)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        let keys = Set(json?.keys.map { $0 } ?? [])
        #expect(keys.isSuperset(of: ["threads", "train_steps_per_s", "infer_batch1_us", "infer_batch1024_samples_per_s"]))
        let threads = json?["threads"] as? Int
        #expect(threads == 1)
    }

    @Test func powerNormalizationHasUnitPowerAndPassesTheGradientCheck() {
        var rng = Xoshiro256(seed: 3)
        let z = Tensor<Double>.gaussian(shape: [3, 5], using: &rng)
        let u = MLPCodecBenchmark.PowerNormalization<Double>()(z)
        for r in 0..<3 {
            var power = 0.0
            for j in 0..<5 { power += u[r, j] * u[r, j] }
            let meanPower = power / 5
            #expect(Swift.abs(meanPower - 1) < 1e-12)
        }
        let report = GradientCheck.check(MLPCodecBenchmark.PowerNormalization<Double>(), input: z)
        #expect(report.maxError <= 1e-6, "\(report)")
    }
}
