import Channels
import NeuralNet
import Robustness
import SemanticCodec
import TensorCore
import Testing

@Suite struct SymbolAttackTests {
    static let pipeline = Toy.trained()
    static let test = Toy.data(count: 200, seed: 21)

    @Test func infiniteRatioGivesCleanAccuracyExactly() throws {
        let attack = try SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: .infinity))
        let m = AttackEvaluation.measure(
            Toy.model(Self.pipeline), inputs: Self.test.inputs, labels: Self.test.labels, attack: attack, seed: 1)
        #expect(m.robustAccuracy == m.cleanAccuracy)
        #expect(m.meanPerturbation == 0)
    }

    @Test func perturbationPowerRespectsTheRatio() throws {
        let model = Toy.model(Self.pipeline)
        let attack = try SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: 10), steps: 5)
        var rng = Xoshiro256(seed: 2)
        let delta = attack.perturbation(model, inputs: Self.test.inputs, labels: Self.test.labels, using: &rng)
        let symbols = model.symbols(for: Self.test.inputs)
        for r in 0..<Self.test.labels.count {
            let signal = symbols.scalars[(r * 4)..<(r * 4 + 4)].map { $0 * $0 }.reduce(0, +)
            let perturbation = delta.scalars[(r * 4)..<(r * 4 + 4)].map { $0 * $0 }.reduce(0, +)
            #expect(perturbation <= signal * 0.1 * (1 + 1e-4))
        }
    }

    @Test func worstCaseBeatsGaussianNoiseOfTheSamePower() throws {
        let model = Toy.model(Self.pipeline, snr: 20)
        let budget = try SymbolBudget(signalToPerturbationDecibels: 0)
        let perInput = AttackEvaluation.measure(
            model, inputs: Self.test.inputs, labels: Self.test.labels, attack: try SymbolAttack(budget: budget), seed: 3)
        let pair = AttackEvaluation.measureUniversal(
            model, fitInputs: Toy.data(count: 200, seed: 22).inputs, fitLabels: Toy.data(count: 200, seed: 22).labels,
            inputs: Self.test.inputs, labels: Self.test.labels, attack: try UniversalSymbolAttack(budget: budget, steps: 30),
            seed: 3)
        #expect(perInput.robustAccuracy <= pair.universal.robustAccuracy + 0.01)
        #expect(pair.universal.robustAccuracy < pair.gaussian.robustAccuracy)
        #expect(pair.universal.cleanAccuracy == pair.gaussian.cleanAccuracy)
    }
}
