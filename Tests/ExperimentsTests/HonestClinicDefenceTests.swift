import Experiments
import Federated
import HealthData
import Testing
import TensorCore

@Suite("Honest-clinic defences (adversarial training, input perturbation)")
struct HonestClinicDefenceTests {
    static func data() throws -> FederatedDataset {
        let table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
        return try FederatedDataset(features: table.features, labels: table.labels)
    }

    /// A linear SVM trained briefly on the table (non-zero weights for the attack).
    static func trainedSVM(_ data: FederatedDataset) -> LinearSVMModel {
        var model = LinearSVMModel(featureCount: data.featureCount)
        var rng = Xoshiro256(seed: 2)
        LocalTraining.train(&model, on: data, configuration: LocalTrainingConfiguration(epochs: 2), using: &rng)
        return model
    }

    @Test("Spellings parse; descriptions are canonical")
    func parsing() throws {
        #expect(try HonestClinicDefence.parse("none") == nil)
        #expect(try HonestClinicDefence.parse("adversarial:pgd:1")?.description == "adversarial:pgd:1:0.5")
        #expect(try HonestClinicDefence.parse("Adversarial:FGSM:0.5:1")?.description == "adversarial:fgsm:0.5:1")
        #expect(try HonestClinicDefence.parse("input-noise:2:0.25")?.description == "input-noise:2:0.25")
    }

    @Test(
        "Bad budgets, weights and unknown defences are typed errors",
        arguments: [
            "adversarial:pgd:-1", "adversarial:pgd:0", "adversarial:pgd:nan", "adversarial:pgd:inf",
            "adversarial:pgd:x", "adversarial:trades:1", "adversarial:cw:1", "adversarial:pgd", "adversarial:pgd:1:0",
            "adversarial:pgd:1:1.5", "input-noise:0", "input-noise:-1", "input-noise:1:2", "input-noise", "shield:1",
            "", "none:1",
        ])
    func badSpellings(text: String) {
        #expect(throws: FederatedError.self) { try HonestClinicDefence.parse(text) }
    }

    @Test("PGD and FGSM copies stay in the 1–10 box and the budget, differ from the records and raise the loss")
    func adversarialCopies() throws {
        let data = try Self.data()
        let model = Self.trainedSVM(data)
        let batch = data.subset(Array(0..<32))
        for text in ["adversarial:pgd:1", "adversarial:fgsm:1"] {
            let defence = try #require(try HonestClinicDefence.parse(text))
            var rng = Xoshiro256(seed: 5)
            let copy = defence.perturb(batch, model: model, using: &rng)
            #expect(copy.labels == batch.labels)
            #expect(copy.features.allSatisfy { $0 >= 0.1 - 1e-6 && $0 <= 1 + 1e-6 })
            // ε = 1 grade = 0.1 in the ÷10 coding.
            #expect(zip(copy.features, batch.features).allSatisfy { abs($0 - $1) <= 0.1 + 1e-6 })
            #expect(zip(copy.features, batch.features).filter { abs($0 - $1) > 1e-4 }.count > batch.count)
            #expect(model.loss(copy) > model.loss(batch) + 0.05)
            var again = Xoshiro256(seed: 5)
            #expect(defence.perturb(batch, model: model, using: &again).features == copy.features)
        }
    }

    @Test("Input noise stays in the box and moves the records")
    func noiseCopies() throws {
        let data = try Self.data()
        let batch = data.subset(Array(0..<32))
        let defence = try #require(try HonestClinicDefence.parse("input-noise:1"))
        var rng = Xoshiro256(seed: 5)
        let copy = defence.perturb(batch, model: LinearSVMModel(featureCount: 9), using: &rng)
        #expect(copy.features.allSatisfy { $0 >= 0.1 - 1e-6 && $0 <= 1 + 1e-6 })
        #expect(zip(copy.features, batch.features).filter { abs($0 - $1) > 1e-4 }.count > batch.features.count / 2)
    }

    @Test("Adversarial training changes an honest clinic's local training")
    func changesLocalTraining() throws {
        let data = try Self.data().subset(Array(0..<64))
        func train(_ text: String) throws -> [Double] {
            var model = LinearSVMModel(featureCount: 9)
            var rng = Xoshiro256(seed: 8)
            LocalTraining.train(
                &model, on: data, configuration: LocalTrainingConfiguration(epochs: 2),
                defence: try HonestClinicDefence.parse(text), using: &rng)
            return model.parameters
        }
        let plain = try train("none")
        let defended = try train("adversarial:pgd:1")
        #expect(defended != plain)
        #expect(try train("adversarial:pgd:1") == defended)
        #expect(try train("input-noise:1") != plain)
    }

    @Test("Attack rows carry the honest defence")
    func rows() throws {
        var federation = FederationConfiguration()
        federation.rounds = 2
        let attack = AttackConfiguration(kind: .modelReplacement, attackers: 1, localEpochs: 1)
        let defence = try HonestClinicDefence.parse("adversarial:fgsm:1")
        let configuration = FederatedAttackExperiment.Configuration(
            clinicCounts: [4],
            scenarios: [.init(attack: attack, aggregator: .fedAvg, honestDefence: defence)],
            folds: 2, federation: federation, referenceAttack: attack)
        let rows = try FederatedAttackExperiment.run(try Self.data(), configuration: configuration, seed: 1)
        #expect(rows.map(\.honestDefence) == ["adversarial:fgsm:1:0.5"])
        #expect(FederatedAttackExperiment.table(rows).contains("adversarial:fgsm:1:0.5"))
    }
}
