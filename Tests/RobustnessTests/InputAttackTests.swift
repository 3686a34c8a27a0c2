import Channels
import NeuralNet
import Robustness
import SemanticCodec
import TensorCore
import Testing

@Suite struct InputAttackTests {
    static let pipeline = Toy.trained()
    static let test = Toy.data(count: 200, seed: 9)

    @Test(arguments: [InputAttack.Method.fgsm, .pgd], [AttackNorm.linf, .l2])
    func zeroBudgetGivesCleanAccuracyExactly(method: InputAttack.Method, norm: AttackNorm) throws {
        let attack = try InputAttack(method: method, norm: norm, budget: 0)
        let m = AttackEvaluation.measure(
            Toy.model(Self.pipeline), inputs: Self.test.inputs, labels: Self.test.labels, attack: attack, repeats: 2, seed: 4)
        #expect(m.robustAccuracy == m.cleanAccuracy)
        #expect(m.attackSuccessRate == 0)
        #expect(m.meanPerturbation == 0)
        #expect(m.cleanAccuracy > 0.85)
    }

    @Test(arguments: [AttackNorm.linf, .l2])
    func perturbationStaysInBudgetAndBox(norm: AttackNorm) throws {
        let budget: Float = 1.5
        let attack = try InputAttack(method: .pgd, norm: norm, budget: budget, steps: 8)
        var rng = Xoshiro256(seed: 5)
        let (x, delta) = attack.perturb(Toy.model(Self.pipeline), inputs: Self.test.inputs, labels: Self.test.labels, using: &rng)
        for r in 0..<Self.test.labels.count {
            let row = Array(delta.scalars[(r * 3)..<(r * 3 + 3)])
            let size = norm == .linf ? row.map(abs).max()! : row.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(size <= budget * (1 + 1e-5))
            #expect(row[2] == 0)
            for c in 0..<3 {
                let value = x.scalars[r * 3 + c]
                #expect(value >= Toy.domain.lower[c] - 1e-6 && value <= Toy.domain.upper[c] + 1e-6)
                // The physical change is the encoder change times the scale.
                #expect(abs((value - Self.test.inputs.scalars[r * 3 + c]) * 2 - row[c]) < 1e-4)
            }
        }
    }

    @Test func pgdIsAtLeastAsStrongAsFGSM() throws {
        let model = Toy.model(Self.pipeline, snr: 40)
        for budget: Float in [0.5, 1, 2] {
            let fgsm = AttackEvaluation.measure(
                model, inputs: Self.test.inputs, labels: Self.test.labels,
                attack: try InputAttack(method: .fgsm, budget: budget), repeats: 2, seed: 6)
            let pgd = AttackEvaluation.measure(
                model, inputs: Self.test.inputs, labels: Self.test.labels,
                attack: try InputAttack(method: .pgd, budget: budget, steps: 10), repeats: 2, seed: 6)
            #expect(pgd.robustAccuracy <= fgsm.robustAccuracy + 0.01, "budget \(budget)")
            #expect(pgd.cleanAccuracy == fgsm.cleanAccuracy)
        }
    }

    @Test func robustAccuracyFallsWithBudget() throws {
        let model = Toy.model(Self.pipeline)
        let accuracies = try [0, 1, 3].map { (b: Float) in
            AttackEvaluation.measure(
                model, inputs: Self.test.inputs, labels: Self.test.labels,
                attack: try InputAttack(method: .pgd, budget: b), seed: 7
            ).robustAccuracy
        }
        #expect(accuracies[0] > accuracies[1] && accuracies[1] > accuracies[2])
        #expect(accuracies[2] < 0.5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let pipeline = Self.pipeline
        let model = PipelineTaskModel(pipeline: pipeline, channel: ChannelLayer(PassThroughChannel()), inputDomain: Toy.domain)
        let batch = Toy.data(count: 4, seed: 11)
        let offset = Tensor<Float>(shape: [4, 4], scalars: (0..<16).map { Float($0 % 5) * 0.05 - 0.1 })
        let loss = crossEntropyLoss(labels: batch.labels)
        var rng = Xoshiro256(seed: 0)
        let g = model.gradients(inputs: batch.inputs, symbolOffset: offset, loss: loss, using: &rng)
        func total(_ x: Tensor<Float>, _ s: Tensor<Float>) -> Double {
            var r = Xoshiro256(seed: 0)
            return Double(model.gradients(inputs: x, symbolOffset: s, loss: loss, using: &r).losses.reduce(0, +))
        }
        let h: Float = 1e-2
        for i in 0..<batch.inputs.count {
            var plus = batch.inputs, minus = batch.inputs
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let numeric = (total(plus, offset) - total(minus, offset)) / Double(2 * h)
            #expect(abs(numeric - Double(g.input.scalars[i])) < 2e-2 * max(1, abs(numeric)), "input \(i)")
        }
        for i in 0..<offset.count {
            var plus = offset, minus = offset
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let numeric = (total(batch.inputs, plus) - total(batch.inputs, minus)) / Double(2 * h)
            #expect(abs(numeric - Double(g.symbols.scalars[i])) < 2e-2 * max(1, abs(numeric)), "symbol \(i)")
        }
    }

    @Test func badSettingsThrowTypedErrors() {
        #expect(throws: RobustnessError.self) { try InputAttack(method: .pgd, budget: -1) }
        #expect(throws: RobustnessError.self) { try InputAttack(method: .fgsm, budget: .nan) }
        #expect(throws: RobustnessError.self) { try InputAttack(method: .pgd, budget: 1, steps: 0) }
        #expect(throws: RobustnessError.self) { try SymbolBudget(signalToPerturbationDecibels: .nan) }
        #expect(throws: RobustnessError.self) { try SynonymAttack(maximumWordFraction: -0.1) }
        #expect(throws: RobustnessError.self) { try SynonymAttack(maximumWordFraction: 1.5) }
        #expect(throws: RobustnessError.self) { try CharacterEditAttack(maximumEdits: -1) }
        #expect(throws: RobustnessError.self) { try AdversarialTraining(method: .pgd, budget: -2) }
        #expect(throws: RobustnessError.self) { try AdversarialTraining(method: .trades, budget: 1, beta: -1) }
        do {
            _ = try InputAttack(method: .pgd, budget: -1)
        } catch {
            #expect(error.code == .invalidBudget)
            #expect(error.message.contains("budget"))
        }
    }
}
