import Federated
import Privacy
import TensorCore
import Testing

@Suite struct FederatedTrainingTests {
    @Test func iidPartitionIsBalancedAndCoversEveryRecord() throws {
        let (train, _) = try bcwdSplit()
        var rng = Xoshiro256(seed: 2)
        let shards = try ClinicPartition.iid.split(train, clinics: 7, using: &rng)
        #expect(shards.map(\.count).reduce(0, +) == train.count)
        #expect(shards.map(\.count).max()! - shards.map(\.count).min()! <= 1)
    }

    @Test func dirichletPartitionSkewsLabelsAndKeepsEveryClinicNonEmpty() throws {
        let (train, _) = try bcwdSplit()
        var rng = Xoshiro256(seed: 2)
        let skewed = try ClinicPartition.dirichlet(alpha: 0.1).split(train, clinics: 10, using: &rng)
        let iid = try ClinicPartition.iid.split(train, clinics: 10, using: &rng)
        #expect(skewed.map(\.count).reduce(0, +) == train.count)
        #expect(skewed.allSatisfy { $0.count >= 1 })
        func spread(_ shards: [FederatedDataset]) -> Double {
            let fractions = shards.map { Double($0.labels.filter { $0 == 1 }.count) / Double($0.count) }
            let mean = fractions.reduce(0, +) / Double(fractions.count)
            return fractions.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(fractions.count)
        }
        // Label skew: the malignant fraction varies far more across clinics than with IID shards.
        #expect(spread(skewed) > 4 * spread(iid))
    }

    @Test(arguments: [FederatedModelKind.svm, .logistic, .mlp])
    func perExampleGradientsMatchFiniteDifferences(kind: FederatedModelKind) throws {
        let (train, _) = try bcwdSplit()
        var rng = Xoshiro256(seed: 5)
        var model = try kind.makeModel(
            featureCount: 9, classCount: 2, regularization: 0.01, hiddenUnits: 4, using: &rng)
        // Move off zero so the hinge is not at a kink for most records.
        model.parameters = model.parameters.enumerated().map { $1 + 0.05 * Double($0 % 5) - 0.1 }
        let record = [3]
        let (gradient, _) = model.perExampleGradients(train, indices: record)
        func objective(_ p: [Double]) -> Double {
            var m = model
            m.parameters = p
            let one = train.subset(record)
            var value = m.loss(one)
            if kind != .mlp {
                value += 0.005 * p.dropLast().reduce(0) { $0 + $1 * $1 }  // λ/2‖w‖², λ = 0.01
            }
            return value
        }
        let h = kind == .mlp ? 1e-3 : 1e-6
        for j in 0..<min(model.parameterCount, 12) {
            var plus = model.parameters
            var minus = model.parameters
            plus[j] += h
            minus[j] -= h
            let numeric = (objective(plus) - objective(minus)) / (2 * h)
            #expect(abs(numeric - gradient[j]) < (kind == .mlp ? 2e-3 : 1e-5), "parameter \(j)")
        }
    }

    @Test func fedAvgIsTheWeightedMeanAndFedProxPullsTowardTheGlobalModel() throws {
        var fedAvg = FedAvg()
        #expect(fedAvg.apply(meanUpdate: [1, -2], to: [10, 10]) == [11, 8])
        var momentum = FedAvg(serverLearningRate: 1, momentum: 0.5)
        _ = momentum.apply(meanUpdate: [1], to: [0])
        #expect(momentum.apply(meanUpdate: [1], to: [0]) == [1.5])
        // A FedProx clinic ends closer to the global model than a FedAvg clinic.
        let (train, _) = try bcwdSplit()
        let start = LinearSVMModel(featureCount: 9)
        var rng1 = Xoshiro256(seed: 9)
        var rng2 = Xoshiro256(seed: 9)
        var plain = start
        var proximal = start
        let local = LocalTrainingConfiguration(epochs: 3, batchSize: 8, learningRate: 0.2)
        LocalTraining.train(&plain, on: train, configuration: local, using: &rng1)
        LocalTraining.train(&proximal, on: train, configuration: local, proximalCoefficient: 1, using: &rng2)
        func norm(_ p: [Double]) -> Double { p.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norm(proximal.parameters) < norm(plain.parameters))
    }

    @Test func nonPrivateFederationLearnsBCWD() throws {
        let (train, test) = try bcwdSplit()
        var configuration = FederationConfiguration()
        configuration.clinics = 5
        configuration.rounds = 8
        let result = try FederatedSimulation.run(configuration, train: train, test: test, seed: 1)
        #expect(result.accuracy > 0.93)
        #expect(result.completedRounds == 8 && result.epsilonSpent == 0)
        // Same seed, same result.
        let again = try FederatedSimulation.run(configuration, train: train, test: test, seed: 1)
        #expect(again.parameters == result.parameters)
    }

    @Test(arguments: [
        (PrivacyUnit.record, NoisePlacement.central, false), (.record, .local, false), (.record, .distributed, true),
        (.client, .central, false), (.client, .local, true), (.client, .distributed, true),
    ])
    func privateFederationsSpendAtMostTheirTarget(unit: PrivacyUnit, noise: NoisePlacement, secure: Bool) throws {
        let (train, test) = try bcwdSplit()
        var configuration = FederationConfiguration()
        configuration.clinics = 4
        configuration.rounds = 4
        configuration.secureAggregation = secure
        configuration.privacy = FederatedPrivacyConfiguration(
            epsilon: 4, delta: 1e-5, unit: unit, noise: noise, clipNorm: 1, samplingRate: unit == .record ? 0.5 : 1)
        let result = try FederatedSimulation.run(configuration, train: train, test: test, seed: 4)
        #expect(result.epsilonSpent <= 4 && result.epsilonSpent > 3.5, "spent \(result.epsilonSpent)")
        #expect(result.noiseMultiplier > 0 && result.completedRounds == 4)
        #expect(result.accuracy > 0.3)
    }

    @Test func recordLevelDistributedNoiseOverAWGNReachesUsefulAccuracy() throws {
        let (train, test) = try bcwdSplit()
        var configuration = FederationConfiguration()
        configuration.clinics = 6
        configuration.rounds = 12
        configuration.secureAggregation = true
        configuration.link = .digital(snrDecibels: 10)
        configuration.privacy = FederatedPrivacyConfiguration(epsilon: 5, noise: .distributed)
        let result = try FederatedSimulation.run(configuration, train: train, test: test, seed: 2)
        #expect(result.accuracy > 0.9)
        #expect(result.epsilonSpent <= 5)
        #expect(result.link.updatesSent == 72 && result.link.updatesLost == 0)
    }
}
