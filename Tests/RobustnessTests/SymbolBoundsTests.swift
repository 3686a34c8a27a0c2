import Channels
import NeuralNet
import Robustness
import SemanticCodec
import TensorCore
import Testing

/// The certificate and DeepFool bracket the minimal symbol perturbation, and the strengthened
/// symbol PGD (restarts, expectation over channel draws, noise oracle) respects them.
@Suite struct SymbolBoundsTests {
    static let pipeline = Toy.trained()
    static let test = Toy.data(count: 120, seed: 31)

    static func margins(_ network: Sequential<Float>, _ y: [Float], label: Int) -> Float {
        let z = network(Tensor(shape: [1, y.count], scalars: y)).scalars
        return z[label] - z[1 - label]
    }

    @Test func certificateIsExactAtRadiusZeroAndSoundInsideTheBall() throws {
        let network = Self.pipeline.decoder.network
        var rng = Xoshiro256(seed: 5)
        for trial in 0..<40 {
            let y = (0..<4).map { _ in Float(rng.nextStandardGaussian()) }
            let label = trial % 2
            let exact = Self.margins(network, y, label: label)
            let atZero = try SymbolRobustnessBounds.certifiedMargin(decoder: network, received: y, label: label, radius: 0)
            #expect(abs(atZero - exact) < 1e-4 * max(1, abs(exact)))
            let radius: Float = 0.5
            let bound = try SymbolRobustnessBounds.certifiedMargin(decoder: network, received: y, label: label, radius: radius)
            #expect(bound <= exact + 1e-5)
            for _ in 0..<50 {
                let point = (0..<4).map { _ in Float(rng.nextStandardGaussian()) }
                let length = point.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let r = radius * rng.nextUnitFloat()
                let moved = zip(y, point).map { $0 + r * $1 / length }
                #expect(Self.margins(network, moved, label: label) >= bound - 1e-4)
            }
        }
    }

    @Test func certifiedRadiusNeverExceedsTheDeepFoolPerturbation() throws {
        let model = Toy.model(Self.pipeline, snr: 10)
        let noise = Xoshiro256(seed: 9)
        let found = SymbolRobustnessBounds.minimalPerturbation(
            model, inputs: Self.test.inputs, labels: Self.test.labels, channelNoise: noise)
        var draw = noise
        let received = model.channel.forward(model.symbols(for: Self.test.inputs), training: false, using: &draw).output
        var copy = noise
        let attacked = model.logits(inputs: Self.test.inputs, symbolOffset: found.perturbation, using: &copy)
            .argmaxAlongLastAxis()
        var finite = 0
        for r in 0..<Self.test.labels.count {
            let y = Array(received.scalars[(r * 4)..<(r * 4 + 4)])
            let certified = try SymbolRobustnessBounds.certifiedRadius(
                decoder: Self.pipeline.decoder.network, received: y, label: Self.test.labels[r])
            #expect(certified <= found.norms[r] + 1e-3, "example \(r)")
            if found.norms[r].isFinite {
                finite += 1
                // What DeepFool returns changes the decision at that realization.
                #expect(attacked[r] != Self.test.labels[r], "example \(r)")
            }
        }
        #expect(finite == Self.test.labels.count)
    }

    @Test func certifiedAccuracyBoundsEveryAttackAtTheSameRealizations() throws {
        let model = Toy.model(Self.pipeline, snr: 10)
        for spr in [10.0, 3, 0] {
            let budget = try SymbolBudget(signalToPerturbationDecibels: spr)
            let bounds = try AttackEvaluation.measureSymbolBounds(
                model, inputs: Self.test.inputs, labels: Self.test.labels, budget: budget, repeats: 2, seed: 4)
            let oracle = AttackEvaluation.measure(
                model, inputs: Self.test.inputs, labels: Self.test.labels,
                attack: try SymbolAttack(budget: budget, steps: 20, restarts: 2, knowsChannelNoise: true), repeats: 2,
                seed: 4)
            let eot = AttackEvaluation.measure(
                model, inputs: Self.test.inputs, labels: Self.test.labels,
                attack: try SymbolAttack(budget: budget, steps: 20, channelSamples: 4), repeats: 2, seed: 4)
            #expect(bounds.certified.cleanAccuracy == oracle.cleanAccuracy)
            #expect(bounds.minimal.cleanAccuracy == oracle.cleanAccuracy)
            #expect(bounds.certified.robustAccuracy <= oracle.robustAccuracy)
            #expect(bounds.certified.robustAccuracy <= eot.robustAccuracy)
            #expect(bounds.certified.robustAccuracy <= bounds.minimal.robustAccuracy)
            #expect(bounds.minimal.meanPerturbation <= Double(bounds.budgetRadii.max() ?? 0) + 1e-4)
        }
    }

    @Test func strongerSymbolAttackSettingsAreValidatedAndCounted() throws {
        let budget = try SymbolBudget(signalToPerturbationDecibels: 3)
        #expect(throws: RobustnessError.self) { try SymbolAttack(budget: budget, restarts: 0) }
        #expect(throws: RobustnessError.self) { try SymbolAttack(budget: budget, channelSamples: 0) }
        #expect(try SymbolAttack(budget: budget, steps: 10, restarts: 3, channelSamples: 4).queriesPerExample == 132)
        #expect(try SymbolAttack(budget: budget, steps: 10, restarts: 3, knowsChannelNoise: true).queriesPerExample == 33)
    }

    @Test func anotherDecoderArchitectureIsRefused() {
        var rng = Xoshiro256(seed: 1)
        let deep = Sequential<Float>(
            Dense<Float>(inputSize: 4, outputSize: 4, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 4, outputSize: 4, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 4, outputSize: 2, using: &rng))
        #expect(throws: RobustnessError.self) {
            try SymbolRobustnessBounds.certifiedMargin(decoder: deep, received: [0, 0, 0, 0], label: 0, radius: 0.1)
        }
        #expect(throws: RobustnessError.self) {
            try SymbolRobustnessBounds.certifiedMargin(
                decoder: Self.pipeline.decoder.network, received: [0, 0, 0], label: 0, radius: 0.1)
        }
    }
}
