import ArgumentParser
import Federated
import Foundation
import HealthData
import Privacy
import TensorCore

extension SemCom {
    /// `semcom clinic simulate`: one in-process federation on a held-out split — the reference
    /// that a federation of clinic steps (Flower) is compared with.
    struct FederatedSimulateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "One in-process federation (FedAvg, all clinics every round) on a held-out test set.",
            discussion: """
                The same split, shards, initial model and clinic streams as `semcom clinic shard` and \
                `step` for the same seed; FedAvg weighted by the clinics' record counts, every clinic in \
                every round, no secure aggregation, ideal link. With --privacy-unit record and --epsilon, each \
                clinic runs DP-SGD with the noise multiplier planned for (epsilon, delta) over the rounds \
                (record-level DP, the clinic adds all of the noise). Rows (one per round): round, seconds, \
                accuracy, loss, epsilon_spent.
                Example: semcom clinic simulate --clinics 20 --rounds 20 --json sim.json --parameters-out final.npy
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var modelOptions: ClinicModelOptions
        @OptionGroup var privacy: ClinicPrivacyOptions

        @Option(help: "A Breast Cancer Wisconsin file in the UCI format (default: the embedded copy).")
        var data: String?

        @Option(help: "Number of clinics.")
        var clinics: Int = 20

        @Option(help: "Federated rounds.")
        var rounds: Int = 20

        @Option(help: "Fraction of the records held out for testing, in (0, 1).")
        var testFraction: Double = 0.2

        @Option(help: "Record partition: iid or dirichlet:ALPHA.")
        var partition: String = "iid"

        @Option(help: "Target epsilon of record-level DP (with --privacy-unit record).")
        var epsilon: Double = 1

        @Option(help: "Write the final global parameters (.npy, float64).")
        var parametersOut: String?

        @Option(help: "Write the per-round results (JSON).")
        var json: String?

        struct Row: Encodable, Sendable {
            var round: Int
            var seconds: Double
            var accuracy: Double
            var loss: Double
            var epsilonSpent: Double

            enum CodingKeys: String, CodingKey {
                case round, seconds, accuracy, loss
                case epsilonSpent = "epsilon_spent"
            }
        }

        func federation() throws -> FederationConfiguration {
            var federation = try modelOptions.federation(clinics: clinics, rounds: rounds, partition: partition)
            switch try privacy.unit {
            case nil: break
            case .record:
                federation.privacy = FederatedPrivacyConfiguration(
                    epsilon: epsilon, delta: privacy.delta, unit: .record, noise: .local, clipNorm: privacy.clipNorm,
                    samplingRate: privacy.samplingRate)
            case .client:
                throw ValidationError("simulate supports --privacy-unit none or record (clinic-side DP-SGD)")
            }
            return federation
        }

        func run() throws {
            global.apply()
            let dataset = try ClinicCommandSupport.dataset(ClinicCommandSupport.table(data))
            let configuration = try federation()
            let split = try FederationSetup.holdOut(dataset, testFraction: testFraction, seed: global.seed)
            let train = dataset.subset(split.trainIndices)
            let test = dataset.subset(split.testIndices)
            var model = try FederationSetup.initialModel(
                configuration, featureCount: train.featureCount, classCount: train.classCount, seed: global.seed)
            var rows: [Row] = []
            var roundStart = ContinuousClock.now
            let result = try FederatedSimulation.run(configuration, train: train, test: test, seed: global.seed) {
                round, server in
                let seconds = ClinicCommandSupport.seconds(since: roundStart)
                model.parameters = server.parameters
                let epsilon = (try? server.ledger?.epsilonSpent()) ?? 0
                rows.append(
                    Row(round: round + 1, seconds: seconds, accuracy: model.accuracy(test), loss: model.loss(test),
                        epsilonSpent: epsilon))
                global.progress("round \(round + 1): accuracy \(String(format: "%.4f", rows.last?.accuracy ?? 0))")
                roundStart = ContinuousClock.now
            }
            let perRound = rows.map(\.seconds).reduce(0, +) / Double(max(1, rows.count))
            print(
                "In-process federation — \(clinics) clinics, \(rounds) rounds, model \(modelOptions.model), "
                    + "\(train.count) training / \(test.count) test records, privacy \(privacy.privacyUnit), seed \(global.seed)")
            print(
                String(
                    format: "final accuracy %.4f, loss %.4f, epsilon spent %.4f (sigma %.4f), %.4f s per round",
                    result.accuracy, result.loss, result.epsilonSpent, result.noiseMultiplier, perRound))
            if let parametersOut { try ClinicCommandSupport.write(result.parameters, to: parametersOut) }
            var inputs = modelOptions.inputs
            inputs.merge(privacy.inputs) { $1 }
            inputs.merge([
                "data": data ?? "embedded", "clinics": "\(clinics)", "rounds": "\(rounds)",
                "test_fraction": "\(testFraction)", "partition": partition,
                "epsilon": privacy.privacyUnit == "none" ? "none" : "\(epsilon)",
                "noise_multiplier": "\(result.noiseMultiplier)",
            ]) { $1 }
            try ClinicCommandSupport.writeJSON(
                json, command: "clinic simulate", seed: global.seed, inputs: inputs, rows: rows)
        }
    }

    /// `semcom clinic privacy-plan`: the noise multiplier of clinic-side DP-SGD for a target ε
    /// and the ε spent after each round.
    struct FederatedPrivacyPlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "privacy-plan",
            abstract: "Noise multiplier of record-level DP-SGD in the clinics for a target epsilon, and epsilon per round.",
            discussion: """
                The plan `semcom clinic simulate --privacy-unit record` uses (RDP accountant; local DP-SGD \
                steps per round = round(local epochs / q)). Rows: round, epsilon_spent, noise_multiplier, \
                steps_per_round.
                Example: semcom clinic privacy-plan --epsilon 1 --rounds 20 --json plan.json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var modelOptions: ClinicModelOptions

        @Option(help: "Target epsilon (> 0).")
        var epsilon: Double = 1

        @Option(help: "delta, in (0, 1).")
        var delta: Double = 1e-5

        @Option(help: "Federated rounds.")
        var rounds: Int = 20

        @Option(help: "Clipping norm C of a record's gradient.")
        var clipNorm: Double = 1

        @Option(help: "Poisson sampling rate q of records per DP-SGD step.")
        var samplingRate: Double = 1

        @Option(help: "Write the plan (JSON).")
        var json: String?

        struct Row: Encodable, Sendable {
            var round: Int
            var epsilonSpent: Double
            var noiseMultiplier: Double
            var stepsPerRound: Int

            enum CodingKeys: String, CodingKey {
                case round
                case epsilonSpent = "epsilon_spent", noiseMultiplier = "noise_multiplier"
                case stepsPerRound = "steps_per_round"
            }
        }

        func run() throws {
            global.apply()
            var federation = try modelOptions.federation(clinics: 1, rounds: rounds, partition: "iid")
            federation.privacy = FederatedPrivacyConfiguration(
                epsilon: epsilon, delta: delta, unit: .record, noise: .local, clipNorm: clipNorm,
                samplingRate: samplingRate)
            try federation.validate(trainingRecords: Int.max)
            let (plan, epsilons) = try FederationSetup.privacySchedule(federation, parameterCount: 1)
            let rows = epsilons.enumerated().map {
                Row(round: $0 + 1, epsilonSpent: $1, noiseMultiplier: plan.noiseMultiplier,
                    stepsPerRound: plan.stepsPerRound)
            }
            print(
                String(
                    format: "sigma %.6f, %d DP-SGD steps per round, epsilon after %d rounds %.4f (delta %g)",
                    plan.noiseMultiplier, plan.stepsPerRound, rounds, epsilons.last ?? 0, delta))
            try ClinicCommandSupport.writeJSON(
                json, command: "clinic privacy-plan", seed: global.seed,
                inputs: [
                    "epsilon": "\(epsilon)", "delta": "\(delta)", "rounds": "\(rounds)", "clip_norm": "\(clipNorm)",
                    "sampling_rate": "\(samplingRate)", "local_epochs": "\(modelOptions.localEpochs)",
                ], rows: rows)
        }
    }
}
