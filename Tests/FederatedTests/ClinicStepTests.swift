import Federated
import HealthData
import Privacy
import TensorCore
import Testing

/// Clinic steps run one process per round (as Flower SuperNodes run them) and reproduce the
/// in-process simulation when aggregated with FedAvg weighted by record counts.
@Suite struct ClinicStepTests {
    /// A federation of clinic steps: every clinic every round, FedAvg over `Σ n_c w_c / Σ n_c`
    /// (what Flower's FedAvg computes from the clinics' parameters and example counts), with each
    /// clinic's state saved and restored between rounds.
    static func federateWithClinicSteps(
        _ configuration: FederationConfiguration, train: FederatedDataset, seed: UInt64, noiseMultiplier: Double
    ) throws -> (parameters: [Double], epsilon: Double) {
        let shards = try FederationSetup.shardIndices(configuration, train: train, seed: seed).map { train.subset($0) }
        let model = try FederationSetup.initialModel(
            configuration, featureCount: train.featureCount, classCount: train.classCount, seed: seed)
        var global = model.parameters
        var states = shards.indices.map { ClinicState(seed: seed, clinicID: $0) }
        let procedure = try ClinicStep.procedure(
            local: configuration.local, unit: configuration.privacy?.unit, clipNorm: configuration.privacy?.clipNorm ?? 1,
            samplingRate: configuration.privacy?.samplingRate ?? 1, noiseMultiplier: noiseMultiplier)
        for round in 0..<configuration.rounds {
            var sum = [Double](repeating: 0, count: global.count)
            var total = 0.0
            for k in shards.indices {
                let result = try ClinicStep.run(
                    global: global, shard: shards[k], model: model, procedure: procedure, round: round,
                    state: &states[k])
                for j in sum.indices { sum[j] += Double(result.examples) * result.parameters[j] }
                total += Double(result.examples)
            }
            global = sum.map { $0 / total }
        }
        var epsilon = 0.0
        if let privacy = configuration.privacy {
            epsilon = try ClinicStep.epsilonSpent(
                noiseMultiplier: noiseMultiplier, samplingRate: privacy.samplingRate,
                stepsPerRound: FederationSetup.localSteps(epochs: configuration.local.epochs, samplingRate: privacy.samplingRate),
                rounds: states.map(\.roundsTrained).max() ?? 0, delta: privacy.delta)
        }
        return (global, epsilon)
    }

    @Test(arguments: [false, true])
    func clinicStepsReproduceTheSimulation(recordLevelDP: Bool) throws {
        let (train, test) = try bcwdSplit()
        var configuration = FederationConfiguration()
        configuration.clinics = 4
        configuration.rounds = 3
        if recordLevelDP {
            configuration.privacy = FederatedPrivacyConfiguration(
                epsilon: 2, delta: 1e-5, unit: .record, noise: .local, clipNorm: 1, samplingRate: 0.5)
        }
        let simulated = try FederatedSimulation.run(configuration, train: train, test: test, seed: 11)
        let stepped = try Self.federateWithClinicSteps(
            configuration, train: train, seed: 11, noiseMultiplier: simulated.noiseMultiplier)
        let difference = zip(simulated.parameters, stepped.parameters).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference < 1e-9, "largest parameter difference \(difference)")
        #expect(abs(simulated.epsilonSpent - stepped.epsilon) < 1e-9)
        if recordLevelDP { #expect(stepped.epsilon > 1.9 && stepped.epsilon <= 2.0001) }
    }

    @Test func aStateIsUsedOncePerRoundAndParametersMustFit() throws {
        let (train, _) = try bcwdSplit()
        let shard = train.subset(Array(0..<20))
        let model = LinearSVMModel(featureCount: 9)
        var state = ClinicState(seed: 3, clinicID: 1)
        let procedure = ClinicProcedure.localTraining(LocalTrainingConfiguration())
        let first = try ClinicStep.run(
            global: model.parameters, shard: shard, model: model, procedure: procedure, round: 0, state: &state)
        #expect(first.examples == 20 && first.weight == 20 && state.lastRound == 0 && state.roundsTrained == 1)
        let saved = state
        #expect {
            _ = try ClinicStep.run(
                global: model.parameters, shard: shard, model: model, procedure: procedure, round: 0, state: &state)
        } throws: { ($0 as? FederatedError)?.message.contains("last round 0") == true }
        #expect(state == saved)  // untouched on error
        #expect {
            _ = try ClinicStep.run(
                global: [1, 2, 3], shard: shard, model: model, procedure: procedure, round: 1, state: &state)
        } throws: { ($0 as? FederatedError)?.message.contains("model needs 10") == true }
        // A clinic that skips a round (crashed, offline) continues from its own last state.
        let later = try ClinicStep.run(
            global: model.parameters, shard: shard, model: model, procedure: procedure, round: 5, state: &state)
        #expect(later.examples == 20 && state.lastRound == 5 && state.roundsTrained == 2)
    }

    @Test func shardsAreThePartitionOfTheSimulation() throws {
        let (train, _) = try bcwdSplit()
        var configuration = FederationConfiguration()
        configuration.clinics = 5
        let indices = try FederationSetup.shardIndices(configuration, train: train, seed: 4)
        var rng = Xoshiro256(seed: 4).fork(stream: 1)
        let shards = try configuration.partition.split(train, clinics: 5, using: &rng)
        #expect(indices.map { train.subset($0) } == shards)
        #expect(Set(indices.flatMap { $0 }).count == train.count)
    }
}
