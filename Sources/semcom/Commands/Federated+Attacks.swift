import ArgumentParser
import Experiments
import Federated
import Foundation
import HealthData

/// The attack and defence options of `semcom federated` (issue 10). Giving `--attack`,
/// `--aggregator`, `--clinic-norm-bound` or a stream `--modality` (ecg, pose) switches the command
/// from the privacy sweep to the attacks-versus-defences grid.
struct FederatedAttackOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Attacks, comma-separated: label-flip, backdoor, model-replacement, constrain-and-scale, sign-flip, noise "
                + "(none: attack-free only). An attack-free reference row is added per aggregator."))
    var attack: String?

    @Option(help: "K, the number of malicious clinics (0 ≤ K ≤ clinics).")
    var attackers: Int = 1

    @Option(help: "First round (0-based) in which the attackers attack.")
    var attackFromRound: Int = 0

    @Option(help: "Boost γ of model replacement, constrain-and-scale, sign flip and noise (default: the number of clinics).")
    var boost: Double?

    @Option(
        help: ArgumentHelp(
            "Aggregators, comma-separated: fedavg, median, trimmed-mean:BETA, krum, multi-krum:M, bulyan, flame[:LAMBDA], "
                + "norm-bound:C."))
    var aggregator: String?

    @Option(help: "f, the Byzantine clinics Krum, Multi-Krum and Bulyan tolerate (default: max(1, attackers)).")
    var assumedAttackers: Int?

    @Option(help: "Backdoor trigger on the records: FIELD=VALUE pairs, comma-separated, in the file's 1–10 units.")
    var trigger: String = "mitoses=10"

    @Option(
        help: ArgumentHelp(
            "The class the attack targets (its records are triggered or relabelled): benign or malignant (default "
                + "malignant); with --modality pose an activity (default fall)."))
    var attackSource: String?

    @Option(
        help: ArgumentHelp(
            "The class the attacker wants them classified as: benign or malignant (default benign); with --modality "
                + "pose an activity (default standing)."))
    var attackTarget: String?

    @Option(help: "Triggered copies of each source-class record in the attackers' data.")
    var poisonCopies: Int = 3

    @Option(help: "Local epochs of the attackers (Bagdasaryan et al.'s attacker trains longer than honest clinics).")
    var attackerEpochs: Int = 5

    @Option(help: "S, the norm bound that constrain-and-scale stays within.")
    var attackNormBound: Double?

    @Option(
        help: ArgumentHelp(
            "B, clinic-side norm bounding: the clinic software clips its update to L2 ≤ B (works under secure "
                + "aggregation; binds honest clinics and data poisoners, not model poisoners)."))
    var clinicNormBound: Double?

    @Option(
        help: ArgumentHelp(
            "Honest clinics' defences, comma-separated (one grid row set each): none, adversarial:pgd:EPS[:F], "
                + "adversarial:fgsm:EPS[:F] (adversarial training, L∞ budget EPS in grades of the 1–10 scale, inside "
                + "the 1–10 box), input-noise:SIGMA[:F] (Gaussian input perturbation, SIGMA grades, clamped to the "
                + "box); F, the weight of the perturbed copies in the loss, default 0.5. Tabular only."))
    var honestDefence: String = "none"

    @Option(
        help: ArgumentHelp(
            "Records: tabular (Breast Cancer Wisconsin), ecg (synthetic 10-s ECG windows, rhythm MLP, motif trigger) "
                + "or pose (synthetic 1-s pose clips, activity MLP on the pose codec's features, gesture trigger)."))
    var modality: String = "tabular"

    @Option(help: "ECG only: synthetic recordings (3 windows each).")
    var ecgRecordings: Int = 100

    @Option(help: "ECG only: the motif trigger HZ:MILLIVOLTS:SECONDS, a Hann-tapered burst added 1 s into the window.")
    var ecgMotif: String = "100:3:2"

    /// The ECG motif from `--ecg-motif`.
    func parsedMotif() throws -> BackdoorTrigger {
        let parts = ecgMotif.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 3 else {
            throw FederatedError(code: .invalidParameter, message: "--ecg-motif '\(ecgMotif)' is not HZ:MILLIVOLTS:SECONDS")
        }
        return try FederatedECGBackdoor.motif(seconds: parts[2], hertz: parts[0], millivolts: parts[1])
    }

    /// Whether any attack/defence option was given (a stream modality runs only the grid).
    var isActive: Bool {
        attack != nil || aggregator != nil || clinicNormBound != nil || honestDefence.lowercased() != "none"
            || modality != "tabular"
    }

    /// The honest-clinic defences of `--honest-defence` (`nil`: none).
    func parsedHonestDefences() throws -> [(any LocalInputDefence)?] {
        try honestDefence.split(separator: ",").map {
            try HonestClinicDefence.parse($0.trimmingCharacters(in: .whitespaces))
        }
    }

    /// The grid for a federation template (its privacy already set or cleared by the caller).
    /// - Parameters:
    ///   - trigger: the backdoor trigger (default: `--trigger` on Breast Cancer Wisconsin records).
    ///   - labels: the class names `--attack-source` and `--attack-target` are looked up in.
    ///   - defaultClasses: the classes without those options.
    func experiment(
        federation: FederationConfiguration, clinicCounts: [Int], folds: Int, trigger: BackdoorTrigger? = nil,
        labels: [String] = BreastCancerWisconsin.labelNames,
        defaultClasses: (source: String, target: String) = ("malignant", "benign")
    ) throws -> FederatedAttackExperiment.Configuration {
        let f = assumedAttackers ?? Swift.max(1, attackers)
        let aggregators = try (aggregator ?? "fedavg").split(separator: ",").map {
            try RobustAggregator(parsing: $0.trimmingCharacters(in: .whitespaces), assumedAttackers: f)
        }
        let kinds = try (attack ?? "none").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.lowercased() != "none" }.map(AttackKind.init(parsing:))
        let reference = AttackConfiguration(
            kind: kinds.first(where: \.isTargeted) ?? .backdoor, attackers: attackers, fromRound: attackFromRound,
            boost: boost,
            sourceClass: try Self.label(attackSource ?? defaultClasses.source, names: labels, option: "--attack-source"),
            targetClass: try Self.label(attackTarget ?? defaultClasses.target, names: labels, option: "--attack-target"),
            trigger: try trigger ?? parsedTrigger(),
            poisonCopies: poisonCopies, localEpochs: attackerEpochs, normBound: attackNormBound)
        let defences = try parsedHonestDefences()
        var scenarios: [FederatedAttackExperiment.Scenario] = []
        for aggregator in aggregators {
            for defence in defences {
                scenarios.append(.init(attack: nil, aggregator: aggregator, honestDefence: defence))
                for kind in kinds {
                    var attack = reference
                    attack.kind = kind
                    scenarios.append(.init(attack: attack, aggregator: aggregator, honestDefence: defence))
                }
            }
        }
        return FederatedAttackExperiment.Configuration(
            clinicCounts: clinicCounts, scenarios: scenarios, folds: folds, federation: federation,
            referenceAttack: reference)
    }

    /// `FIELD=VALUE,…` with Breast Cancer Wisconsin field names (or 0-based indices), values in
    /// the file's 1–10 units (divided by 10 like the features).
    func parsedTrigger() throws -> BackdoorTrigger {
        let pairs = try trigger.split(separator: ",").map { item -> (index: Int, value: Double) in
            let parts = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
                throw FederatedError(
                    code: .invalidParameter, message: "--trigger: '\(item)' is not FIELD=VALUE (e.g. mitoses=10)")
            }
            let names = BreastCancerWisconsin.featureNames
            guard let index = names.firstIndex(of: parts[0].lowercased()) ?? Int(parts[0]),
                names.indices.contains(index)
            else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "--trigger: field '\(parts[0])' is not one of \(names.joined(separator: "|"))")
            }
            return (index, value / 10)
        }
        return try BackdoorTrigger.fields(pairs, name: trigger.replacingOccurrences(of: " ", with: ""))
    }

    static func label(_ text: String, names: [String], option: String) throws -> Int {
        if let index = names.firstIndex(of: text.lowercased()) { return index }
        if let index = Int(text), names.indices.contains(index) { return index }
        throw FederatedError(
            code: .invalidParameter, message: "\(option): '\(text)' is not one of \(names.joined(separator: "|"))")
    }

    /// The options as JSON inputs.
    var inputs: [String: String] {
        [
            "attack": attack ?? "none", "attackers": "\(attackers)", "attack_from_round": "\(attackFromRound)",
            "boost": boost.map { "\($0)" } ?? "clinics", "aggregator": aggregator ?? "fedavg",
            "assumed_attackers": assumedAttackers.map { "\($0)" } ?? "max(1, attackers)", "trigger": trigger,
            "poison_copies": "\(poisonCopies)", "attack_source": attackSource ?? "malignant",
            "attack_target": attackTarget ?? "benign",
            "attacker_epochs": "\(attackerEpochs)",
            "attack_norm_bound": attackNormBound.map { "\($0)" } ?? "none",
            "clinic_norm_bound": clinicNormBound.map { "\($0)" } ?? "none", "modality": modality, "ecg_motif": ecgMotif,
            "honest_defence": honestDefence,
        ]
    }
}

extension SemCom.FederatedCommand {
    /// The attacks-versus-defences grid (`--attack`, `--aggregator`, `--clinic-norm-bound`).
    func runAttacks(_ dataset: FederatedDataset) throws {
        let configuration = try attackConfiguration()
        if attackOptions.modality == "ecg" { return try runECGAttacks(configuration) }
        if attackOptions.modality == "pose" { return try runPoseAttacks(configuration) }
        let privacy = configuration.federation.privacy
        print(
            "Federated attacks vs defences — \(data ?? "embedded Breast Cancer Wisconsin"), \(dataset.count) records, "
                + "\(folds)-fold, model \(model), \(rounds) rounds, secure aggregation "
                + "\(secureAggregation ? "on" : "off"), clinic norm bound "
                + "\(attackOptions.clinicNormBound.map { "\($0)" } ?? "none"), honest defence "
                + "\(attackOptions.honestDefence), privacy "
                + (privacy.map { "record-level ε = \($0.epsilon), \($0.noise) noise" } ?? "none") + ", seed \(global.seed)")
        let rows = try FederatedAttackExperiment.run(
            dataset, configuration: configuration, seed: global.seed, progress: { global.progress($0) })
        print(FederatedAttackExperiment.table(rows))
        if let json {
            var inputs = self.inputs.merging(attackOptions.inputs) { _, new in new }
            inputs["epsilon"] = epsilon ?? "none"
            try ResultDocument(command: "federated", seed: global.seed, inputs: inputs, rows: rows).writeJSON(to: json)
        }
    }

    /// The ECG grid: the same aggregators and attacks on ECG windows (first clinic count).
    func runECGAttacks(_ configuration: FederatedAttackExperiment.Configuration) throws {
        var aggregators: [RobustAggregator] = []
        var attacks: [AttackKind] = []
        for scenario in configuration.scenarios {
            if !aggregators.contains(scenario.aggregator) { aggregators.append(scenario.aggregator) }
            if let kind = scenario.attack?.kind, !attacks.contains(kind) { attacks.append(kind) }
        }
        let clinics = configuration.clinicCounts[0]
        print(
            "Federated attacks vs defences — synthetic ECG, \(attackOptions.ecgRecordings) recordings × 3 windows of 10 s, "
                + "rhythm MLP on the codec's features, \(clinics) clinics, \(folds)-fold, \(rounds) rounds, "
                + "trigger \(try attackOptions.parsedMotif()), AF → normal sinus, seed \(global.seed)")
        let rows = try FederatedECGBackdoor.run(
            aggregators: aggregators, attacks: attacks.isEmpty ? [.modelReplacement] : attacks, clinics: clinics,
            rounds: rounds, recordings: attackOptions.ecgRecordings, folds: folds,
            trigger: try attackOptions.parsedMotif(), seed: global.seed,
            progress: { global.progress($0) })
        print(FederatedAttackExperiment.table(rows))
        if let json {
            var inputs = self.inputs.merging(attackOptions.inputs) { _, new in new }
            inputs["data"] = "synthetic-ecg"
            try ResultDocument(command: "federated", seed: global.seed, inputs: inputs, rows: rows).writeJSON(to: json)
        }
    }

    /// The grid from the options: the sweep's federation, privacy only with an explicit `--epsilon`
    /// (one value).
    func attackConfiguration() throws -> FederatedAttackExperiment.Configuration {
        let sweep = try sweepConfiguration()
        var federation = sweep.federation
        federation.clinicNormBound = attackOptions.clinicNormBound
        if epsilon == nil {
            federation.privacy = nil
        } else if sweep.epsilons.count != 1 {
            throw FederatedError(
                code: .invalidParameter, message: "with --attack/--aggregator give one --epsilon value, got \(sweep.epsilons.count)")
        }
        guard ["tabular", "ecg", "pose"].contains(attackOptions.modality) else {
            throw FederatedError(
                code: .invalidParameter,
                message: "--modality '\(attackOptions.modality)' is not one of tabular|ecg|pose")
        }
        if attackOptions.modality != "tabular", try attackOptions.parsedHonestDefences().contains(where: { $0 != nil }) {
            throw FederatedError(
                code: .incompatibleSettings, message: "--honest-defence is built for --modality tabular only")
        }
        if attackOptions.modality == "pose" {
            return try poseAttackConfiguration(federation: federation, clinicCounts: sweep.clinicCounts)
        }
        guard attackOptions.ecgRecordings >= 10 else {
            throw FederatedError(code: .invalidParameter, message: "--ecg-recordings must be ≥ 10")
        }
        _ = try attackOptions.parsedMotif()
        let configuration = try attackOptions.experiment(
            federation: federation, clinicCounts: sweep.clinicCounts, folds: folds)
        try validateScenarios(
            configuration, featureCount: BreastCancerWisconsin.featureCount,
            classCount: BreastCancerWisconsin.labelNames.count)
        return configuration
    }

    /// Checks every (clinics, scenario) of the grid before any data are touched: the federation
    /// (aggregator preconditions, secure-aggregation conflicts, …) and the attack against records of
    /// `featureCount` features and `classCount` classes.
    func validateScenarios(_ configuration: FederatedAttackExperiment.Configuration, featureCount: Int, classCount: Int)
        throws
    {
        for clinics in configuration.clinicCounts {
            for scenario in configuration.scenarios {
                var each = FederatedAttackExperiment.federation(configuration, clinics: clinics, scenario: scenario)
                each.evaluateEveryRound = false
                try each.validate(trainingRecords: Int.max)
                try scenario.attack?.validate(
                    clinics: clinics, rounds: rounds, featureCount: featureCount, classCount: classCount)
            }
        }
    }
}
