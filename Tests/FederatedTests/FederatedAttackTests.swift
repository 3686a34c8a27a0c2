import Testing
import TensorCore

@testable import Federated

@Suite("Federated attacks")
struct FederatedAttackTests {
    /// A small, fast federation on the embedded table.
    func federation(clinics: Int = 10, rounds: Int = 20) -> FederationConfiguration {
        var configuration = FederationConfiguration()
        configuration.clinics = clinics
        configuration.rounds = rounds
        return configuration
    }

    @Test("Triggers set fields or add a motif; out-of-range triggers are errors")
    func triggers() throws {
        let set = BackdoorTrigger.mitoses(10)
        #expect(set.apply(to: ArraySlice([Double](repeating: 0.1, count: 9)))[8] == 1)
        let motif = try BackdoorTrigger.motif([1, -1], at: 2, name: "m")
        #expect(motif.apply(to: [0, 0, 0.5, 0.5, 0]) == [0, 0, 1.5, -0.5, 0])
        #expect(throws: FederatedError.self) { try motif.validate(featureCount: 3) }
        #expect(throws: FederatedError.self) { try BackdoorTrigger(indices: [1, 1], values: [0, 0], mode: .set, name: "") }
        #expect(throws: FederatedError.self) { try BackdoorTrigger(indices: [1], values: [.nan], mode: .set, name: "") }
    }

    @Test("Unknown attacks, more attackers than clinics and bad rounds are typed errors")
    func validation() throws {
        #expect(throws: FederatedError.self) { try AttackKind(parsing: "trojan") }
        #expect(try AttackKind(parsing: "Sign-Flip") == .signFlip)
        let attack = AttackConfiguration(kind: .signFlip, attackers: 11)
        #expect(throws: FederatedError.self) {
            try attack.validate(clinics: 10, rounds: 5, featureCount: 9, classCount: 2)
        }
        var configuration = federation()
        configuration.attack = attack
        #expect(throws: FederatedError.self) { try configuration.validate(trainingRecords: 500) }
        #expect(throws: FederatedError.self) {
            try AttackConfiguration(kind: .backdoor, attackers: 1, fromRound: 5).validate(
                clinics: 10, rounds: 5, featureCount: 9, classCount: 2)
        }
        #expect(throws: FederatedError.self) {
            try AttackConfiguration(kind: .constrainAndScale, attackers: 1).validate(
                clinics: 10, rounds: 5, featureCount: 9, classCount: 2)
        }
        #expect(throws: FederatedError.self) {
            try AttackConfiguration(kind: .labelFlip, attackers: 1, sourceClass: 1, targetClass: 1).validate(
                clinics: 10, rounds: 5, featureCount: 9, classCount: 2)
        }
    }

    @Test("Robust aggregation is refused under secure aggregation and with sum-calibrated noise")
    func secureAggregationConflict() throws {
        var configuration = federation()
        configuration.secureAggregation = true
        configuration.aggregator = .median
        #expect {
            try configuration.validate(trainingRecords: 500)
        } throws: { ($0 as? FederatedError)?.code == .incompatibleSettings }
        configuration.secureAggregation = false
        configuration.privacy = FederatedPrivacyConfiguration(epsilon: 1, unit: .record, noise: .central)
        #expect {
            try configuration.validate(trainingRecords: 500)
        } throws: { ($0 as? FederatedError)?.code == .incompatibleSettings }
        configuration.privacy = FederatedPrivacyConfiguration(epsilon: 1, unit: .record, noise: .local)
        try configuration.validate(trainingRecords: 500)
        // FedAvg with a clinic-side norm bound is the combination that works under secure aggregation.
        configuration.privacy = nil
        configuration.aggregator = .fedAvg
        configuration.secureAggregation = true
        configuration.clinicNormBound = 0.1
        try configuration.validate(trainingRecords: 500)
        configuration.aggregator = .krum(f: 4)
        configuration.secureAggregation = false
        #expect(throws: FederatedError.self) { try configuration.validate(trainingRecords: 500) }  // 10 ≤ 2·4 + 2
    }

    @Test("Model replacement backdoors FedAvg; the median resists it")
    func modelReplacement() throws {
        let (train, test) = try bcwdSplit()
        var configuration = federation()
        configuration.attack = AttackConfiguration(
            kind: .modelReplacement, attackers: 1, poisonCopies: 3, localEpochs: 5)
        let attacked = try FederatedSimulation.run(configuration, train: train, test: test, seed: 1)
        configuration.aggregator = .median
        let defended = try FederatedSimulation.run(configuration, train: train, test: test, seed: 1)
        #expect(attacked.attackers.count == 1)
        #expect((attacked.attackSuccessRate ?? 0) > 0.6)
        #expect((defended.attackSuccessRate ?? 1) < 0.2)
        #expect(defended.accuracy > 0.9)
    }

    @Test("Two sign flippers collapse FedAvg; Multi-Krum flags them and keeps accuracy")
    func signFlip() throws {
        let (train, test) = try bcwdSplit()
        var configuration = federation()
        configuration.evaluateEveryRound = true
        configuration.attack = AttackConfiguration(kind: .signFlip, attackers: 2)
        let attacked = try FederatedSimulation.run(configuration, train: train, test: test, seed: 2)
        configuration.aggregator = .multiKrum(f: 2, m: 5)
        let defended = try FederatedSimulation.run(configuration, train: train, test: test, seed: 2)
        #expect(attacked.accuracy < 0.8)
        #expect(attacked.attackSuccessRate == nil)
        #expect(attacked.roundMetrics.count == 20)
        #expect(defended.accuracy > 0.9)
        #expect(defended.detection?.truePositiveRate == 1)
    }

    @Test("The clinic-side norm bound clips honest updates; model poisoners ignore it")
    func clinicNormBound() throws {
        let (train, _) = try bcwdSplit()
        let shard = train.subset(Array(0..<40))
        var initRNG = Xoshiro256(seed: 0)
        let model = try FederatedModelKind.svm.makeModel(featureCount: 9, classCount: 2, using: &initRNG)
        let instructions = RoundInstructions(
            round: 0, globalParameters: model.parameters, procedure: .localTraining(.init()), clinicNormBound: 0.01)
        func norm(_ update: ClinicUpdate) -> Double {
            guard case .reals(let v) = update.payload else { return .nan }
            return v.reduce(0) { $0 + $1 * $1 }.squareRoot() / update.weight
        }
        var honest = FederatedClinic(id: 0, data: shard, model: model, rng: Xoshiro256(seed: 1))
        #expect(abs(norm(honest.respond(to: instructions)) - 0.01) < 1e-9)
        var poisoner = honest
        poisoner.attack = AttackConfiguration(kind: .backdoor, attackers: 1)
        #expect(norm(poisoner.respond(to: instructions)) <= 0.01 + 1e-9)
        var replacer = honest
        replacer.attack = AttackConfiguration(kind: .modelReplacement, attackers: 1, boost: 10)
        #expect(norm(replacer.respond(to: instructions)) > 0.05)
    }

    @Test("Detection rates count flagged clinic-rounds from the attack's start")
    func detectionRates() {
        let detections = [
            FederatedServer.RoundDetection(round: 0, contributors: [0, 1, 2, 3], flagged: [1]),
            FederatedServer.RoundDetection(round: 1, contributors: [0, 1, 2, 3], flagged: [0, 1]),
            FederatedServer.RoundDetection(round: 2, contributors: [0, 1, 2, 3], flagged: [2]),
        ]
        let rates = DetectionRates(detections, attackers: [0], fromRound: 1)
        #expect(rates.rounds == 2)
        #expect(rates.truePositiveRate == 0.5)
        #expect(abs(rates.falsePositiveRate - 2.0 / 6) < 1e-12)
    }
}
