import Channels
import NeuralNet
import Robustness
import SemanticCodec
import TensorCore
import Testing

/// Black-box transfer: crafted on a surrogate, applied to the victim without querying it.
@Suite struct TransferAttackTests {
    static let victim = Toy.trained()
    static let other = Toy.trained(seed: 7)
    static let test = Toy.data(count: 120, seed: 41)

    /// Every per-example attack, input and symbol, white-box and transferred from the victim itself.
    static let perExampleAttacks: [any PerExampleAttack] = [
        try! InputAttack(method: .fgsm, budget: 2, steps: 5),
        try! InputAttack(method: .pgd, budget: 2, steps: 5),
        try! SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: 0), steps: 5),
        try! SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: 0), steps: 5, knowsChannelNoise: true),
    ]

    @Test(arguments: 0..<4)
    func transferFromTheVictimItselfEqualsWhiteBox(attackIndex: Int) throws {
        let attack = Self.perExampleAttacks[attackIndex]
        let model = Toy.model(Self.victim)
        let white = try attack.measure(
            victim: model, inputs: Self.test.inputs, surrogate: nil as (model: Toy.Model, inputs: Tensor<Float>)?,
            labels: Self.test.labels, repeats: 2, seed: 3)
        let transfer = try attack.measure(
            victim: model, inputs: Self.test.inputs, surrogate: (model, Self.test.inputs), labels: Self.test.labels,
            repeats: 2, seed: 3)
        #expect(transfer.robustAccuracy == white.robustAccuracy)
        #expect(transfer.cleanAccuracy == white.cleanAccuracy)
        #expect(abs(transfer.meanPerturbation - white.meanPerturbation) < 1e-4)
        #expect(transfer.queries == 0)
        #expect(white.queries > 0)
        #expect(white.robustAccuracy < white.cleanAccuracy)
    }

    @Test func universalTransferFromTheVictimItselfEqualsWhiteBox() throws {
        let model = Toy.model(Self.victim)
        let universal = try UniversalSymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: 0), steps: 10)
        let fit = Toy.data(count: 100, seed: 42)
        let white = AttackEvaluation.measureUniversal(
            model, fitInputs: fit.inputs, fitLabels: fit.labels, inputs: Self.test.inputs, labels: Self.test.labels,
            attack: universal, seed: 3)
        let transfer = try AttackEvaluation.measureUniversalTransfer(
            victim: model, surrogate: model, fitInputs: fit.inputs, fitLabels: fit.labels,
            victimInputs: Self.test.inputs, surrogateInputs: Self.test.inputs, labels: Self.test.labels,
            attack: universal, seed: 3)
        #expect(transfer.universal.robustAccuracy == white.universal.robustAccuracy)
        #expect(transfer.gaussian.robustAccuracy == white.gaussian.robustAccuracy)
    }

    @Test func transferFromAnotherCodecStaysWithinTheVictimsBudget() throws {
        let victim = Toy.model(Self.victim)
        let surrogate = Toy.model(Self.other)
        let attack = try InputAttack(method: .pgd, budget: 1.5, steps: 5)
        let m = try AttackEvaluation.measureTransfer(
            victim: victim, surrogate: surrogate, victimInputs: Self.test.inputs, surrogateInputs: Self.test.inputs,
            labels: Self.test.labels, attack: attack, seed: 5)
        #expect(m.meanPerturbation <= 1.5 + 1e-4)
        #expect(m.queries == 0)
        // The budget is an L2 power ratio: the transferred symbol perturbation respects the victim's.
        let symbols = try AttackEvaluation.measureTransfer(
            victim: victim, surrogate: surrogate, victimInputs: Self.test.inputs, surrogateInputs: Self.test.inputs,
            labels: Self.test.labels, attack: try SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: 10)),
            seed: 5)
        #expect(symbols.meanPerturbation <= (2 * 0.1 as Double).squareRoot() * 1.0001)
    }

    @Test func mismatchedShapesAreTypedErrors() throws {
        let victim = Toy.model(Self.victim)
        let attack = try InputAttack(method: .pgd, budget: 1)
        #expect(throws: RobustnessError.self) {
            try AttackEvaluation.measureTransfer(
                victim: victim, surrogate: victim, victimInputs: Self.test.inputs,
                surrogateInputs: Self.test.inputs.rows(0..<10), labels: Self.test.labels, attack: attack, seed: 1)
        }
    }
}
