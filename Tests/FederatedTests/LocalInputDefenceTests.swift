import Testing
import TensorCore

@testable import Federated

/// A deterministic defence for the plumbing: adds `shift` to every feature (no draws).
struct ShiftDefence: LocalInputDefence {
    var shift: Double
    var fraction: Double
    var needsInputGradients: Bool { false }
    var description: String { "shift:\(shift)" }
    func perturb<G: RandomNumberGenerator>(
        _ batch: FederatedDataset, model: any FederatedModel, using rng: inout G
    ) -> FederatedDataset {
        var copy = batch
        copy.features = batch.features.map { $0 + shift }
        return copy
    }
}

@Suite("Honest-clinic input defences")
struct LocalInputDefenceTests {
    static func data() throws -> FederatedDataset {
        var rng = Xoshiro256(seed: 3)
        let features = (0..<40 * 3).map { _ in rng.nextUnitDouble() }
        let labels = (0..<40).map { features[$0 * 3] + features[$0 * 3 + 1] > 1 ? 1 : 0 }
        return try FederatedDataset(features: features, labels: labels, featureCount: 3)
    }

    static func train(_ defence: (any LocalInputDefence)?, seed: UInt64 = 1) throws -> [Double] {
        var model = LinearSVMModel(featureCount: 3)
        var rng = Xoshiro256(seed: seed)
        LocalTraining.train(
            &model, on: try data(), configuration: LocalTrainingConfiguration(epochs: 2, batchSize: 8),
            defence: defence, using: &rng)
        return model.parameters
    }

    @Test("A defence changes local training; an identity copy at any weight does not; runs repeat")
    func defenceChangesTraining() throws {
        let plain = try Self.train(nil)
        #expect(try Self.train(ShiftDefence(shift: 0, fraction: 0.5)) == plain)
        let shifted = try Self.train(ShiftDefence(shift: 0.3, fraction: 0.5))
        #expect(shifted != plain)
        #expect(try Self.train(ShiftDefence(shift: 0.3, fraction: 0.5)) == shifted)
        #expect(try Self.train(ShiftDefence(shift: 0.3, fraction: 1)) != shifted)
    }

    @Test("Mixed per-example gradients are (1 − f)·clean + f·perturbed")
    func mixture() throws {
        let data = try Self.data()
        var model = LogisticRegressionModel(featureCount: 3)
        model.parameters = [0.5, -1, 0.25, 0.1]
        var rng = Xoshiro256(seed: 0)
        let defence = ShiftDefence(shift: 0.2, fraction: 0.25)
        let mixed = LocalTraining.defendedGradients(model, on: data, indices: [0, 5], defence: defence, using: &rng)
        let clean = model.perExampleGradients(data, indices: [0, 5])
        let shifted = model.perExampleGradients(
            defence.perturb(data.subset([0, 5]), model: model, using: &rng), indices: [0, 1])
        for j in mixed.gradients.indices {
            #expect(abs(mixed.gradients[j] - (0.75 * clean.gradients[j] + 0.25 * shifted.gradients[j])) < 1e-12)
        }
    }

    @Test("Input gradients of the linear and MLP models match finite differences")
    func inputGradients() throws {
        var rng = Xoshiro256(seed: 9)
        var svm = LinearSVMModel(featureCount: 3)
        svm.parameters = [0.5, -1, 0.25, 0.1]
        let mlp = NeuralNetworkModel.mlp(featureCount: 3, hiddenUnits: 4, classCount: 2, using: &rng)
        let models: [any InputDifferentiableModel] = [svm, mlp]
        let x = Tensor<Float>(shape: [2, 3], scalars: [0.2, 0.7, 0.4, 0.9, 0.1, 0.5])
        let upstream = Tensor<Float>(shape: [2, 2], scalars: [0.3, -0.8, 1.1, 0.6])
        for model in models {
            let g = model.inputGradient(x, logitGradient: upstream)
            for i in 0..<x.scalars.count {
                var plus = x
                var minus = x
                plus.scalars[i] += 1e-2
                minus.scalars[i] -= 1e-2
                let lp = zip(model.logits(plus).scalars, upstream.scalars).map(*).reduce(0, +)
                let lm = zip(model.logits(minus).scalars, upstream.scalars).map(*).reduce(0, +)
                #expect(abs((lp - lm) / 2e-2 - g.scalars[i]) < 2e-2)
            }
        }
    }

    @Test("Every clinic trains with the honest defence; an attacking clinic does not")
    func attackersSkipTheDefence() throws {
        let data = try Self.data()
        let global = LinearSVMModel(featureCount: 3)
        let instructions = RoundInstructions(
            round: 0, globalParameters: global.parameters,
            procedure: .localTraining(LocalTrainingConfiguration(epochs: 1, batchSize: 8)), proximalCoefficient: 0)
        func update(defence: (any LocalInputDefence)?, attack: AttackConfiguration?) -> [Double] {
            var clinic = FederatedClinic(id: 0, data: data, model: global, rng: Xoshiro256(seed: 4))
            clinic.defence = defence
            clinic.attack = attack
            guard case .reals(let v) = clinic.respond(to: instructions).payload else { return [] }
            return v
        }
        let defence = ShiftDefence(shift: 0.3, fraction: 1)
        #expect(update(defence: defence, attack: nil) != update(defence: nil, attack: nil))
        let attack = AttackConfiguration(kind: .signFlip, attackers: 1, boost: 1)
        #expect(update(defence: defence, attack: attack) == update(defence: nil, attack: attack))
    }
}
