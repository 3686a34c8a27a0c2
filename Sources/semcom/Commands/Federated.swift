import ArgumentParser
import Experiments
import Federated
import Foundation
import HealthData
import Privacy
import TensorCore

extension SemCom {
    /// `semcom federated`: the privacy–utility trade-off of federated training across clinics.
    struct FederatedCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "federated",
            abstract: "Federated training with differential privacy: accuracy and loss against epsilon.",
            discussion: """
                Virtual clinics train a shared classifier on the Breast Cancer Wisconsin table (features ÷ 10, \
                683 complete rows) without sharing records; stratified k-fold cross-validation, one row per \
                (clinics, epsilon) plus a non-private row per number of clinics. Privacy unit record: DP-SGD \
                inside the clinics (per-example clipping); client: each clinic's update is clipped. Noise \
                central (the server adds it), local (every clinic adds all of it) or distributed (each clinic \
                adds a discrete-Gaussian share to its quantized update; needs --secure-aggregation). \
                Rows: clients, epsilon_target, epsilon_spent, delta, accountant, noise_multiplier, rounds, \
                privacy_unit, noise, accuracy_mean, accuracy_std, loss_mean, channel, snr_db, …
                Example: semcom federated --data Samples/bcwd/breast-cancer-wisconsin.data --model svm \
                --clients 5,10,20 --epsilon 0.5,1,2,5,10,30,50 --delta 1e-5 --privacy-unit record \
                --noise distributed --secure-aggregation --channel awgn --snr-db 10 --folds 5 \
                --json fed.json --svg fed.svg
                Attacks vs defences (rows: attack, attackers, aggregator, clean_accuracy, attack_success_rate, \
                detector_tpr, detector_fpr, per_round, …): semcom federated --clients 20 --attack model-replacement \
                --attackers 1 --aggregator fedavg,median,krum,flame,norm-bound:0.5 --json attacks.json
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Attacks and defences") var attackOptions: FederatedAttackOptions

        @OptionGroup(title: "Pose backdoor (--modality pose)") var poseOptions: FederatedPoseOptions

        @Option(help: "A Breast Cancer Wisconsin file in the UCI format (default: the embedded copy).")
        var data: String?

        @Option(help: "The model: svm, logistic or mlp.")
        var model: String = "svm"

        @Option(help: "Numbers of clinics, comma-separated.")
        var clients: String = "5,10,20"

        @Option(help: "Target epsilons, comma-separated (each > 0; default 0.5,1,2,5,10,30,50; attacks: none, or one value).")
        var epsilon: String?

        @Option(help: "delta, in (0, 1).")
        var delta: Double = 1e-5

        @Option(help: "Privacy unit: record or client.")
        var privacyUnit: String = "record"

        @Option(help: "Noise placement: distributed, local or central.")
        var noise: String = "central"

        @Flag(help: "Aggregate updates with secure aggregation (Bonawitz et al. 2017; SecAgg+ beyond 64 clinics).")
        var secureAggregation = false

        @Option(help: "Probability that a clinic drops out of a round (in [0, 1)).")
        var dropoutRate: Double = 0

        @Option(help: "Probability that an online clinic's update arrives too late (in [0, 1)).")
        var stragglerRate: Double = 0

        @Option(help: "Channel of the updates: none or awgn.")
        var channel: String = "none"

        @Option(name: .customLong("snr-db"), help: "Es/N0 of the channel in dB.")
        var snrDB: Double = 10

        @Option(help: "How updates cross the channel: digital (quantized, CRC + convolutional code, QPSK) or analog.")
        var link: String = "digital"

        @Option(help: "Cross-validation folds (≥ 2).")
        var folds: Int = 5

        @Option(help: "Federated rounds.")
        var rounds: Int = 60

        @Option(help: "Clipping norm C of a record's gradient (record) or a clinic's update (client).")
        var clipNorm: Double = 1

        @Option(help: "Poisson sampling rate of records per round (record) or of clinics per round (client).")
        var samplingRate: Double = 1

        @Option(
            help: "Accountant for Gaussian noise: rdp or pld (distributed noise uses the RDP bound of Kairouz et al.).")
        var accountant: String = "rdp"

        @Option(help: "Server step size of record-level gradient rounds.")
        var learningRate: Double = 1

        @Option(help: "Local epochs per round (non-private, client-level and local record-level training).")
        var localEpochs: Int = 1

        @Option(help: "Local learning rate.")
        var localLearningRate: Double = 0.1

        @Option(help: "Local minibatch size.")
        var batchSize: Int = 16

        @Option(help: "Record partition: iid or dirichlet:ALPHA (label skew).")
        var partition: String = "iid"

        @Option(help: "Server strategy: fedavg or fedprox.")
        var strategy: String = "fedavg"

        @Option(help: "FedProx proximal coefficient mu.")
        var mu: Double = 0.01

        @Option(help: "Server momentum of FedAvg (0 = none).")
        var serverMomentum: Double = 0

        @Flag(help: "Skip the non-private reference rows.")
        var noBaseline = false

        @Option(help: "Write the result document (JSON).")
        var json: String?

        @Option(help: "Write accuracy and loss against epsilon (SVG).")
        var svg: String?

        func validate() throws {
            do {
                if attackOptions.isActive { _ = try attackConfiguration() } else { _ = try sweepConfiguration() }
            } catch let error as FederatedError {
                throw ValidationError(error.message)
            }
        }

        /// Parses every option into the sweep (without touching the data).
        func sweepConfiguration() throws -> FederatedPrivacySweep.Configuration {
            let clinicCounts = try list(clients, name: "--clients") { Int($0) }
            let epsilons = try list(epsilon ?? "0.5,1,2,5,10,30,50", name: "--epsilon") { Double($0) }
            let unit = try PrivacyUnit(parsing: privacyUnit)
            let placement = try NoisePlacement(parsing: noise)
            guard let accountantKind = AccountantKind(rawValue: accountant.lowercased()) else {
                throw FederatedError(code: .invalidPrivacy, message: "accountant '\(accountant)' is not one of rdp|pld")
            }
            let privacy = FederatedPrivacyConfiguration(
                epsilon: epsilons.first ?? 1, delta: delta, unit: unit, noise: placement, clipNorm: clipNorm,
                samplingRate: samplingRate, accountant: accountantKind)
            try privacy.validate()
            for value in epsilons {
                var each = privacy
                each.epsilon = value
                try each.validate()
            }
            guard folds >= 2 else {
                throw FederatedError(code: .invalidParameter, message: "--folds must be at least 2, got \(folds)")
            }
            var federation = FederationConfiguration()
            federation.model = try FederatedModelKind(parsing: model)
            federation.rounds = rounds
            federation.secureAggregation = secureAggregation
            federation.dropoutRate = dropoutRate
            federation.stragglerRate = stragglerRate
            federation.gradientLearningRate = learningRate
            federation.serverMomentum = serverMomentum
            federation.local = LocalTrainingConfiguration(
                epochs: localEpochs, batchSize: batchSize, learningRate: localLearningRate, optimizer: .sgd)
            federation.partition = try parsePartition(partition)
            switch strategy.lowercased() {
            case "fedavg": federation.strategy = .fedAvg
            case "fedprox": federation.strategy = .fedProx(mu: mu)
            default:
                throw FederatedError(
                    code: .invalidParameter, message: "strategy '\(strategy)' is not one of fedavg|fedprox")
            }
            switch channel.lowercased() {
            case "none": federation.link = .ideal
            case "awgn":
                guard snrDB.isFinite else {
                    throw FederatedError(code: .invalidParameter, message: "--snr-db must be finite, got \(snrDB)")
                }
                switch link.lowercased() {
                case "digital": federation.link = .digital(snrDecibels: snrDB)
                case "analog": federation.link = .analog(snrDecibels: snrDB)
                default:
                    throw FederatedError(
                        code: .invalidParameter, message: "link '\(link)' is not one of digital|analog")
                }
            default:
                throw FederatedError(code: .invalidParameter, message: "channel '\(channel)' is not one of none|awgn")
            }
            federation.privacy = privacy
            for clinics in clinicCounts {
                federation.clinics = clinics
                // The data are checked in run(); here only what needs no data (683 rows is the embedded size).
                try federation.validate(trainingRecords: Int.max)
            }
            return FederatedPrivacySweep.Configuration(
                clinicCounts: clinicCounts, epsilons: epsilons, privacy: privacy, includeNonPrivate: !noBaseline,
                folds: folds, federation: federation)
        }

        func run() throws {
            global.apply()
            let table =
                try data.map {
                    try BreastCancerWisconsin.load(
                        contentsOfFile: $0, missingValues: .excludeRows, scale: .dividedByTen)
                } ?? BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
            let dataset = try FederatedDataset(features: table.features, labels: table.labels)
            if attackOptions.isActive { return try runAttacks(dataset) }
            let configuration = try sweepConfiguration()
            print(
                "Federated training — \(data ?? "embedded Breast Cancer Wisconsin"), \(dataset.count) records, "
                    + "\(folds)-fold, model \(model), \(rounds) rounds, unit \(privacyUnit), noise \(noise), "
                    + "secure aggregation \(secureAggregation ? "on" : "off"), channel "
                    + "\(configuration.federation.link), dropout \(dropoutRate), δ = \(delta), seed \(global.seed)")
            let rows = try FederatedPrivacySweep.run(
                dataset, configuration: configuration, seed: global.seed, progress: { global.progress($0) })
            print(FederatedPrivacySweep.table(rows))
            if let json {
                try ResultDocument(command: "federated", seed: global.seed, inputs: inputs, rows: rows).writeJSON(
                    to: json)
            }
            if let svg {
                try FederatedPrivacySweep.svg(rows).write(toFile: svg, atomically: true, encoding: .utf8)
            }
        }

        var inputs: [String: String] {
            [
                "data": data ?? "embedded", "model": model, "clients": clients, "epsilon": epsilon ?? "0.5,1,2,5,10,30,50", "delta": "\(delta)",
                "privacy_unit": privacyUnit, "noise": noise, "secure_aggregation": "\(secureAggregation)",
                "dropout_rate": "\(dropoutRate)", "straggler_rate": "\(stragglerRate)", "channel": channel,
                "snr_db": "\(snrDB)", "link": link, "folds": "\(folds)", "rounds": "\(rounds)",
                "clip_norm": "\(clipNorm)", "sampling_rate": "\(samplingRate)", "accountant": accountant,
                "learning_rate": "\(learningRate)", "local_epochs": "\(localEpochs)",
                "local_learning_rate": "\(localLearningRate)", "batch_size": "\(batchSize)", "partition": partition,
                "strategy": strategy, "threads": "\(global.threads)",
            ]
        }

        private func list<T>(_ text: String, name: String, _ parse: (String) -> T?) throws -> [T] {
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !items.isEmpty else {
                throw FederatedError(code: .invalidParameter, message: "\(name) needs at least one value")
            }
            return try items.map {
                guard let value = parse($0) else {
                    throw FederatedError(code: .invalidParameter, message: "\(name): '\($0)' is not a number")
                }
                return value
            }
        }

        private func parsePartition(_ text: String) throws -> ClinicPartition {
            if text.lowercased() == "iid" { return .iid }
            let parts = text.split(separator: ":")
            if parts.count == 2, parts[0].lowercased() == "dirichlet", let alpha = Double(parts[1]), alpha > 0 {
                return .dirichlet(alpha: alpha)
            }
            throw FederatedError(
                code: .invalidParameter, message: "partition '\(text)' is not iid or dirichlet:ALPHA (> 0)")
        }
    }
}
