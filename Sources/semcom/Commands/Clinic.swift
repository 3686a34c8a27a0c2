import ArgumentParser
import Experiments
import Federated
import Foundation
import HealthData
import Privacy
import TensorCore

// `semcom clinic shard | step | evaluate | simulate | privacy-plan`: a clinic's work as separate
// processes (for a federation engine such as Flower, see Integrations/flower), and the in-process
// reference run they are compared with.

/// The model and local training settings shared by the clinic commands.
struct ClinicModelOptions: ParsableArguments {
    @Option(help: "The model: svm, logistic or mlp.")
    var model: String = "svm"

    @Option(help: "lambda of the linear models' L2 penalty.")
    var regularization: Double = 1e-3

    @Option(help: "Hidden units of the MLP.")
    var hiddenUnits: Int = 16

    @Option(help: "Local epochs per round.")
    var localEpochs: Int = 1

    @Option(help: "Local minibatch size.")
    var batchSize: Int = 16

    @Option(help: "Local learning rate.")
    var localLearningRate: Double = 0.1

    var local: LocalTrainingConfiguration {
        LocalTrainingConfiguration(
            epochs: localEpochs, batchSize: batchSize, learningRate: localLearningRate, optimizer: .sgd)
    }

    /// The federation template these options describe.
    func federation(clinics: Int, rounds: Int, partition: String) throws -> FederationConfiguration {
        var federation = FederationConfiguration()
        federation.model = try FederatedModelKind(parsing: model)
        federation.regularization = regularization
        federation.hiddenUnits = hiddenUnits
        federation.local = local
        federation.clinics = clinics
        federation.rounds = rounds
        federation.partition = try ClinicPartition(parsing: partition)
        try federation.local.validate()
        guard regularization >= 0, regularization.isFinite, hiddenUnits >= 1 else {
            throw FederatedError(
                code: .invalidParameter,
                message: "--regularization must be >= 0 and --hidden-units >= 1, got \(regularization) and \(hiddenUnits)")
        }
        return federation
    }

    /// A model of this architecture for `data` (its parameters are replaced by the caller).
    func architecture(for data: FederatedDataset) throws -> any FederatedModel {
        let federation = try self.federation(clinics: 1, rounds: 1, partition: "iid")
        return try FederationSetup.initialModel(
            federation, featureCount: data.featureCount, classCount: data.classCount, seed: 0)
    }

    var inputs: [String: String] {
        [
            "model": model, "regularization": "\(regularization)", "hidden_units": "\(hiddenUnits)",
            "local_epochs": "\(localEpochs)", "batch_size": "\(batchSize)",
            "local_learning_rate": "\(localLearningRate)",
        ]
    }
}

/// Clinic-side privacy: none, record-level DP-SGD inside the clinic, or a clipped update.
struct ClinicPrivacyOptions: ParsableArguments {
    @Option(help: "Privacy unit: none, record (DP-SGD in the clinic) or client (clipped update).")
    var privacyUnit: String = "none"

    @Option(help: "Clipping norm C of a record's gradient (record) or the clinic's update (client).")
    var clipNorm: Double = 1

    @Option(help: "Poisson sampling rate q of records per DP-SGD step (record).")
    var samplingRate: Double = 1

    @Option(help: "delta of the (epsilon, delta) guarantee, in (0, 1).")
    var delta: Double = 1e-5

    var unit: PrivacyUnit? {
        get throws { privacyUnit.lowercased() == "none" ? nil : try PrivacyUnit(parsing: privacyUnit) }
    }

    var inputs: [String: String] {
        [
            "privacy_unit": privacyUnit, "clip_norm": "\(clipNorm)", "sampling_rate": "\(samplingRate)",
            "delta": "\(delta)",
        ]
    }
}

/// Helpers of the clinic commands.
enum ClinicCommandSupport {
    /// The Breast Cancer Wisconsin table (features ÷ 10, complete rows) from a UCI file or the embedded copy.
    static func table(_ path: String?) throws -> BreastCancerWisconsin {
        try path.map {
            try BreastCancerWisconsin.load(contentsOfFile: $0, missingValues: .excludeRows, scale: .dividedByTen)
        } ?? BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
    }

    static func dataset(_ table: BreastCancerWisconsin) throws -> FederatedDataset {
        try FederatedDataset(features: table.features, labels: table.labels)
    }

    /// Reads a parameter vector from a `.npy` file: float32 or float64, shape `(P,)`.
    static func parameters(_ path: String, count: Int) throws -> [Double] {
        try NumPyArray.read(contentsOfFile: path).checked(shape: [count], source: path).doubles
    }

    static func write(_ values: [Double], to path: String) throws {
        try NumPyArray(shape: [values.count], float64: values).write(toFile: path)
    }

    static func writeJSON<Row: Encodable & Sendable>(
        _ path: String?, command: String, seed: UInt64, inputs: [String: String], rows: [Row]
    ) throws {
        guard let path else { return }
        try ResultDocument(command: command, seed: seed, inputs: inputs, rows: rows).writeJSON(to: path)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

extension SemCom {
    /// `semcom clinic`: federated clinics as separate processes.
    struct ClinicCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clinic",
            abstract: "Federated clinics as separate processes: shards, one clinic's round, evaluation, the in-process reference.",
            discussion: """
                A federation engine (Flower: Integrations/flower) runs `semcom clinic step` at each clinic and \
                aggregates; `semcom clinic simulate` runs the same federation in-process for comparison.
                """,
            subcommands: [
                FederatedShardCommand.self, FederatedClinicStepCommand.self, FederatedEvaluateCommand.self,
                FederatedSimulateCommand.self, FederatedPrivacyPlanCommand.self,
            ])
    }

    /// `semcom clinic shard`: the simulation's held-out test set and clinic shards as files.
    struct FederatedShardCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shard",
            abstract: "Write the simulation's clinic shards and test set as Breast Cancer Wisconsin files.",
            discussion: """
                Splits the table exactly as `semcom clinic simulate` does for the same seed (a stratified \
                held-out test set, then the clinics' partition) and writes DIR/clinic-000.data …, DIR/test.data \
                (UCI format, readable by every semcom command) and DIR/initial.npy (the initial global \
                parameters, float64). Rows: clinic, file, records, benign, malignant.
                Example: semcom clinic shard --clinics 20 --out-dir shards --json shards.json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var modelOptions: ClinicModelOptions

        @Option(help: "A Breast Cancer Wisconsin file in the UCI format (default: the embedded copy).")
        var data: String?

        @Option(help: "Number of clinics.")
        var clinics: Int = 20

        @Option(help: "Fraction of the records held out for testing, in (0, 1).")
        var testFraction: Double = 0.2

        @Option(help: "Record partition: iid or dirichlet:ALPHA.")
        var partition: String = "iid"

        @Option(help: "Directory to write the shards to (created if missing).")
        var outDir: String

        @Option(help: "Write the shard list (JSON).")
        var json: String?

        struct Row: Encodable, Sendable {
            var clinic: Int?
            var file: String
            var records: Int
            var benign: Int
            var malignant: Int
        }

        func run() throws {
            global.apply()
            let table = try ClinicCommandSupport.table(data)
            let dataset = try ClinicCommandSupport.dataset(table)
            let federation = try modelOptions.federation(clinics: clinics, rounds: 1, partition: partition)
            let split = try FederationSetup.holdOut(dataset, testFraction: testFraction, seed: global.seed)
            let trainTable = table.subset(split.trainIndices)
            let train = dataset.subset(split.trainIndices)
            try federation.validate(trainingRecords: train.count)
            let shards = try FederationSetup.shardIndices(federation, train: train, seed: global.seed)
            let model = try FederationSetup.initialModel(
                federation, featureCount: train.featureCount, classCount: train.classCount, seed: global.seed)
            do {
                try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            } catch {
                throw ValidationError("cannot create --out-dir \(outDir): \(error.localizedDescription)")
            }
            var rows: [Row] = []
            func emit(_ part: BreastCancerWisconsin, name: String, clinic: Int?) throws {
                let path = (outDir as NSString).appendingPathComponent(name)
                try part.uciText().write(toFile: path, atomically: true, encoding: .utf8)
                rows.append(
                    Row(clinic: clinic, file: name, records: part.count, benign: part.classCounts[0],
                        malignant: part.classCounts[1]))
            }
            for (k, indices) in shards.enumerated() {
                try emit(trainTable.subset(indices), name: String(format: "clinic-%03d.data", k), clinic: k)
            }
            try emit(table.subset(split.testIndices), name: "test.data", clinic: nil)
            try ClinicCommandSupport.write(
                model.parameters, to: (outDir as NSString).appendingPathComponent("initial.npy"))
            print(
                "\(clinics) clinic shards (\(train.count) records, \(partition)) and a test set of "
                    + "\(split.testIndices.count) records in \(outDir); initial parameters: \(model.parameterCount) values")
            var inputs = modelOptions.inputs
            inputs.merge([
                "data": data ?? "embedded", "clinics": "\(clinics)", "test_fraction": "\(testFraction)",
                "partition": partition, "out_dir": outDir,
            ]) { $1 }
            try ClinicCommandSupport.writeJSON(
                json, command: "clinic shard", seed: global.seed, inputs: inputs, rows: rows)
        }
    }

    /// `semcom clinic step`: one clinic's local training for one round.
    struct FederatedClinicStepCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "step",
            abstract: "Train one clinic for one round from global parameters (.npy); write its parameters and update.",
            discussion: """
                Runs the in-process simulation's clinic code (local SGD; with --privacy-unit record, DP-SGD: \
                Poisson sampling with rate q, per-example clipping to C, Gaussian noise sigma*C) on the clinic's \
                shard. --state keeps the clinic's random stream between rounds (created on first use), so a \
                federation of clinic steps with the same --seed reproduces `semcom clinic simulate`. \
                Row keys: clinic_id, round, examples, weight, loss, epsilon_spent, rounds_trained, seconds.
                Example: semcom clinic step --parameters global.npy --shard shards/clinic-003.data \
                --clinic-id 3 --round 0 --state clinic-3.json --parameters-out local.npy --json step.json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var modelOptions: ClinicModelOptions
        @OptionGroup var privacy: ClinicPrivacyOptions

        @Option(help: "The global parameters (.npy, float32 or float64, shape (P,)).")
        var parameters: String

        @Option(help: "The clinic's shard (a Breast Cancer Wisconsin file in the UCI format).")
        var shard: String

        @Option(help: "The clinic's ID (0-based; selects its random stream).")
        var clinicId: Int

        @Option(help: "The round (0-based).")
        var round: Int

        @Option(help: "Noise multiplier sigma of DP-SGD (--privacy-unit record).")
        var noiseMultiplier: Double = 0

        @Option(help: "FedProx proximal coefficient mu (0: FedAvg).")
        var mu: Double = 0

        @Option(help: "The clinic's state file (JSON; read if present, rewritten after the step).")
        var state: String?

        @Option(help: "Write the clinic's trained parameters (.npy, float64).")
        var parametersOut: String?

        @Option(help: "Write the update the clinic sends in the simulation (.npy, float64).")
        var updateOut: String?

        @Option(help: "Write the step's metrics (JSON).")
        var json: String?

        struct Row: Encodable, Sendable {
            var clinicId: Int
            var round: Int
            var examples: Int
            var weight: Double
            var loss: Double
            var epsilonSpent: Double
            var roundsTrained: Int
            var parameterCount: Int
            var seconds: Double

            enum CodingKeys: String, CodingKey {
                case round, examples, weight, loss, seconds
                case clinicId = "clinic_id", epsilonSpent = "epsilon_spent", roundsTrained = "rounds_trained"
                case parameterCount = "parameter_count"
            }
        }

        func validate() throws {
            guard clinicId >= 0, round >= 0 else {
                throw ValidationError("--clinic-id and --round must be >= 0, got \(clinicId) and \(round)")
            }
            guard mu >= 0, mu.isFinite else { throw ValidationError("--mu must be >= 0, got \(mu)") }
        }

        func run() throws {
            let start = ContinuousClock.now
            global.apply()
            let data = try ClinicCommandSupport.dataset(ClinicCommandSupport.table(shard))
            let model = try modelOptions.architecture(for: data)
            let weights = try ClinicCommandSupport.parameters(parameters, count: model.parameterCount)
            let unit = try privacy.unit
            let procedure = try ClinicStep.procedure(
                local: modelOptions.local, unit: unit, clipNorm: privacy.clipNorm, samplingRate: privacy.samplingRate,
                noiseMultiplier: noiseMultiplier)
            var clinicState = try loadState()
            let result = try ClinicStep.run(
                global: weights, shard: data, model: model, procedure: procedure, proximalCoefficient: mu,
                round: round, state: &clinicState)
            var epsilon = 0.0
            if unit == .record {
                epsilon = try ClinicStep.epsilonSpent(
                    noiseMultiplier: noiseMultiplier, samplingRate: privacy.samplingRate,
                    stepsPerRound: FederationSetup.localSteps(
                        epochs: modelOptions.localEpochs, samplingRate: privacy.samplingRate),
                    rounds: clinicState.roundsTrained, delta: privacy.delta)
            }
            if let parametersOut { try ClinicCommandSupport.write(result.parameters, to: parametersOut) }
            if let updateOut { try ClinicCommandSupport.write(result.update, to: updateOut) }
            if let state { try saveState(clinicState, to: state) }
            let row = Row(
                clinicId: clinicId, round: round, examples: result.examples, weight: result.weight, loss: result.loss,
                epsilonSpent: epsilon, roundsTrained: clinicState.roundsTrained,
                parameterCount: result.parameters.count, seconds: ClinicCommandSupport.seconds(since: start))
            if !global.quiet {
                print(
                    "clinic \(clinicId) round \(round): \(result.examples) records, local loss "
                        + String(format: "%.4f", result.loss)
                        + (unit == .record ? String(format: ", epsilon spent %.4f", epsilon) : ""))
            }
            var inputs = modelOptions.inputs
            inputs.merge(privacy.inputs) { $1 }
            inputs.merge([
                "parameters": parameters, "shard": shard, "clinic_id": "\(clinicId)", "round": "\(round)",
                "noise_multiplier": "\(noiseMultiplier)", "mu": "\(mu)", "state": state ?? "none",
            ]) { $1 }
            try ClinicCommandSupport.writeJSON(
                json, command: "clinic step", seed: global.seed, inputs: inputs, rows: [row])
        }

        private func loadState() throws -> ClinicState {
            guard let state, FileManager.default.fileExists(atPath: state) else {
                return ClinicState(seed: global.seed, clinicID: clinicId)
            }
            let loaded: ClinicState
            do {
                loaded = try JSONDecoder().decode(ClinicState.self, from: Data(contentsOf: URL(fileURLWithPath: state)))
            } catch {
                throw ValidationError("--state \(state): not a clinic state file (\(error))")
            }
            guard loaded.seed == global.seed, loaded.clinicID == clinicId else {
                throw ValidationError(
                    "--state \(state) belongs to clinic \(loaded.clinicID) with seed \(loaded.seed), "
                        + "not clinic \(clinicId) with seed \(global.seed)")
            }
            return loaded
        }

        private func saveState(_ value: ClinicState, to path: String) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            do {
                try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ValidationError("cannot write --state \(path): \(error.localizedDescription)")
            }
        }
    }

    /// `semcom clinic evaluate`: accuracy and loss of parameters on a table.
    struct FederatedEvaluateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Accuracy and loss of model parameters (.npy) on a Breast Cancer Wisconsin file.",
            discussion: """
                Rows: records, accuracy, loss (hinge for the SVM, cross-entropy otherwise).
                Example: semcom clinic evaluate --parameters final.npy --data shards/test.data --json eval.json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var modelOptions: ClinicModelOptions

        @Option(help: "The parameters (.npy, float32 or float64, shape (P,)).")
        var parameters: String

        @Option(help: "A Breast Cancer Wisconsin file in the UCI format (default: the embedded copy).")
        var data: String?

        @Option(help: "Write the result (JSON).")
        var json: String?

        struct Row: Encodable, Sendable {
            var records: Int
            var accuracy: Double
            var loss: Double
        }

        func run() throws {
            global.apply()
            let dataset = try ClinicCommandSupport.dataset(ClinicCommandSupport.table(data))
            var model = try modelOptions.architecture(for: dataset)
            model.parameters = try ClinicCommandSupport.parameters(parameters, count: model.parameterCount)
            let row = Row(records: dataset.count, accuracy: model.accuracy(dataset), loss: model.loss(dataset))
            if !global.quiet {
                print(
                    "\(data ?? "embedded Breast Cancer Wisconsin"): \(row.records) records, accuracy "
                        + String(format: "%.4f, loss %.4f", row.accuracy, row.loss))
            }
            var inputs = modelOptions.inputs
            inputs.merge(["parameters": parameters, "data": data ?? "embedded"]) { $1 }
            try ClinicCommandSupport.writeJSON(
                json, command: "clinic evaluate", seed: global.seed, inputs: inputs, rows: [row])
        }
    }
}
