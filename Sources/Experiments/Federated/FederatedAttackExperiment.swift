import Federated
import Foundation
import HealthData
import TensorCore

/// Attacks against defences (`semcom federated --attack … --aggregator …`): for every number of
/// clinics, aggregator and attack (plus an attack-free reference per aggregator), k-fold
/// cross-validated federated training; one row each with the clean accuracy, the attack success
/// rate, the detector's true/false positive rates and the per-round curves (means over folds).
///
/// Every fold and setting gets a seed derived from the sweep seed and the fold only, so the
/// attack-free reference and the attacked run see the same shards, initialization and honest
/// clinics' randomness: differences are the attack's.
public enum FederatedAttackExperiment {
    /// One cell of the grid.
    public struct Scenario: Sendable {
        /// The attack (`nil`: the attack-free reference).
        public var attack: AttackConfiguration?
        /// The aggregator.
        public var aggregator: RobustAggregator
        /// The honest clinics' adversarial training or input perturbation (`nil`: none;
        /// ``HonestClinicDefence``).
        public var honestDefence: (any LocalInputDefence)?

        /// Creates a scenario.
        public init(
            attack: AttackConfiguration?, aggregator: RobustAggregator, honestDefence: (any LocalInputDefence)? = nil
        ) {
            self.attack = attack
            self.aggregator = aggregator
            self.honestDefence = honestDefence
        }
    }

    /// The experiment's settings.
    public struct Configuration: Sendable {
        /// Numbers of clinics.
        public var clinicCounts: [Int]
        /// The scenarios, run for every number of clinics.
        public var scenarios: [Scenario]
        /// Cross-validation folds (≥ 2).
        public var folds: Int
        /// The federation template (clinics, attack and aggregator replaced per row; privacy,
        /// secure aggregation and the clinic-side norm bound kept).
        public var federation: FederationConfiguration
        /// The trigger, source and target used to measure the attack-free references' success rate.
        public var referenceAttack: AttackConfiguration

        /// Creates a configuration.
        public init(
            clinicCounts: [Int], scenarios: [Scenario], folds: Int, federation: FederationConfiguration,
            referenceAttack: AttackConfiguration
        ) {
            self.clinicCounts = clinicCounts
            self.scenarios = scenarios
            self.folds = folds
            self.federation = federation
            self.referenceAttack = referenceAttack
        }
    }

    /// One measured point.
    public struct Row: Sendable, Hashable, Codable {
        /// Number of clinics.
        public var clients: Int
        /// The attack (`none` for the reference).
        public var attack: String
        /// K.
        public var attackers: Int
        /// First attacked round.
        public var attackFromRound: Int?
        /// γ used.
        public var boost: Double?
        /// The aggregator's CLI spelling.
        public var aggregator: String
        /// The trigger (`nil` for untargeted attacks).
        public var trigger: String?
        /// Whether updates were securely aggregated.
        public var secureAggregation: Bool
        /// B of the clinic-side norm bound (`nil`: none).
        public var clinicNormBound: Double?
        /// Target ε of record-level DP (`nil`: non-private).
        public var epsilonTarget: Double?
        /// Rounds.
        public var rounds: Int
        /// Mean clean test accuracy of the final model over the folds.
        public var cleanAccuracy: Double
        /// Sample standard deviation of the folds' clean accuracy.
        public var cleanAccuracyStd: Double
        /// Mean attack success rate over the folds (reference rows: the trigger's rate without an
        /// attack; `nil` for untargeted attacks).
        public var attackSuccessRate: Double?
        /// Detector true positive rate on the malicious clinic-rounds (`nil`: not a detector or no attacker).
        public var detectorTpr: Double?
        /// Detector false positive rate on the honest clinic-rounds (`nil`: not a detector).
        public var detectorFpr: Double?
        /// Clean accuracy of each fold.
        public var foldCleanAccuracies: [Double]
        /// Per-round clean accuracy and attack success rate, means over folds.
        public var perRound: [RoundMetrics]
        /// Wall-clock seconds per federation (mean over folds).
        public var secondsPerRun: Double
        /// The honest clinics' defence (``HonestClinicDefence`` spelling; `none`).
        public var honestDefence: String = "none"

        enum CodingKeys: String, CodingKey {
            case clients, attack, attackers, boost, aggregator, trigger, rounds
            case honestDefence = "honest_defence"
            case attackFromRound = "attack_from_round", secureAggregation = "secure_aggregation"
            case clinicNormBound = "clinic_norm_bound", epsilonTarget = "epsilon_target"
            case cleanAccuracy = "clean_accuracy", cleanAccuracyStd = "clean_accuracy_std"
            case attackSuccessRate = "attack_success_rate", detectorTpr = "detector_tpr", detectorFpr = "detector_fpr"
            case foldCleanAccuracies = "fold_clean_accuracies", perRound = "per_round"
            case secondsPerRun = "seconds_per_run"
        }

        /// Encodes absent values as JSON `null` (every row has every key).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(clients, forKey: .clients)
            try c.encode(attack, forKey: .attack)
            try c.encode(attackers, forKey: .attackers)
            try c.encode(attackFromRound, forKey: .attackFromRound)
            try c.encode(boost, forKey: .boost)
            try c.encode(aggregator, forKey: .aggregator)
            try c.encode(honestDefence, forKey: .honestDefence)
            try c.encode(trigger, forKey: .trigger)
            try c.encode(secureAggregation, forKey: .secureAggregation)
            try c.encode(clinicNormBound, forKey: .clinicNormBound)
            try c.encode(epsilonTarget, forKey: .epsilonTarget)
            try c.encode(rounds, forKey: .rounds)
            try c.encode(cleanAccuracy, forKey: .cleanAccuracy)
            try c.encode(cleanAccuracyStd, forKey: .cleanAccuracyStd)
            try c.encode(attackSuccessRate, forKey: .attackSuccessRate)
            try c.encode(detectorTpr, forKey: .detectorTpr)
            try c.encode(detectorFpr, forKey: .detectorFpr)
            try c.encode(foldCleanAccuracies, forKey: .foldCleanAccuracies)
            try c.encode(perRound, forKey: .perRound)
            try c.encode(secondsPerRun, forKey: .secondsPerRun)
        }
    }

    /// Checks every scenario against the data before anything runs.
    /// - Throws: ``FederatedError`` for folds < 2, no clinic counts or scenarios, or any
    ///   scenario the federation refuses (aggregator preconditions such as Krum's n > 2f + 2,
    ///   robust aggregation under secure aggregation, more attackers than clinics, …).
    public static func validate(_ configuration: Configuration, data: FederatedDataset) throws {
        guard configuration.folds >= 2, configuration.folds <= data.count else {
            throw FederatedError(
                code: .invalidParameter, message: "cross-validation needs 2…\(data.count) folds, got \(configuration.folds)")
        }
        guard !configuration.clinicCounts.isEmpty, !configuration.scenarios.isEmpty else {
            throw FederatedError(code: .invalidParameter, message: "give at least one number of clinics and one scenario")
        }
        let smallestTrain = data.count - (data.count + configuration.folds - 1) / configuration.folds
        for clinics in configuration.clinicCounts {
            for scenario in configuration.scenarios {
                let federation = federation(configuration, clinics: clinics, scenario: scenario)
                try federation.validate(trainingRecords: smallestTrain)
                try scenario.attack?.validate(
                    clinics: clinics, rounds: federation.rounds, featureCount: data.featureCount,
                    classCount: data.classCount)
            }
        }
    }

    /// The federation of one cell: the template with the clinics, attack and aggregator set.
    public static func federation(_ configuration: Configuration, clinics: Int, scenario: Scenario)
        -> FederationConfiguration
    {
        var federation = configuration.federation
        federation.clinics = clinics
        federation.attack = scenario.attack
        federation.aggregator = scenario.aggregator
        federation.honestDefence = scenario.honestDefence
        federation.evaluateEveryRound = true
        return federation
    }

    /// Runs the grid (stratified k-fold; folds drawn once from `seed`).
    /// - Parameters:
    ///   - data: the records.
    ///   - configuration: the grid.
    ///   - seed: the sweep seed.
    ///   - progress: called with a line after each row.
    /// - Returns: one row per (clinics, scenario), in order.
    /// - Throws: ``FederatedError`` for bad settings.
    public static func run(
        _ data: FederatedDataset, configuration: Configuration, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> [Row] {
        try validate(configuration, data: data)
        var foldRNG = Xoshiro256(seed: seed)
        let splits = DataSplit.stratifiedKFold(labels: data.labels, folds: configuration.folds, using: &foldRNG)
        let folds = splits.map { (data.subset($0.trainIndices), data.subset($0.testIndices)) }
        var rows: [Row] = []
        for clinics in configuration.clinicCounts {
            for scenario in configuration.scenarios {
                let row = try measure(
                    federation(configuration, clinics: clinics, scenario: scenario), folds: folds, seed: seed,
                    reference: configuration.referenceAttack)
                rows.append(row)
                progress(
                    "clinics \(clinics), \(row.attack) ×\(row.attackers), \(row.aggregator), "
                        + "honest defence \(row.honestDefence): clean accuracy "
                        + String(format: "%.3f", row.cleanAccuracy) + ", attack success "
                        + (row.attackSuccessRate.map { String(format: "%.3f", $0) } ?? "—"))
            }
        }
        return rows
    }

    static func measure(
        _ federation: FederationConfiguration, folds: [(FederatedDataset, FederatedDataset)], seed: UInt64,
        reference: AttackConfiguration
    ) throws -> Row {
        var accuracies: [Double] = []
        var successes: [Double] = []
        var tpr: [Double] = []
        var fpr: [Double] = []
        var curves: [[RoundMetrics]] = []
        var seconds = 0.0
        for (k, (train, test)) in folds.enumerated() {
            let seedStream = Xoshiro256(seed: seed).fork(
                stream: UInt64(k + 1) &* 1_000_003 &+ UInt64(federation.clinics))
            var stream = seedStream
            let runSeed = stream.next()
            let start = Date()
            var run = federation
            if run.attack == nil {
                // The reference: zero attackers, so the trigger's success is measured without an attack.
                var probe = reference
                probe.attackers = 0
                run.attack = probe
            }
            let result = try FederatedSimulation.run(run, train: train, test: test, seed: runSeed)
            seconds += Date().timeIntervalSince(start)
            accuracies.append(result.accuracy)
            if let rate = result.attackSuccessRate { successes.append(rate) }
            if let detection = result.detection {
                if let rate = detection.truePositiveRate { tpr.append(rate) }
                fpr.append(detection.falsePositiveRate)
            }
            curves.append(result.roundMetrics)
        }
        let n = Double(accuracies.count)
        let mean = accuracies.reduce(0, +) / n
        let variance = accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Swift.max(n - 1, 1)
        let attack = federation.attack
        return Row(
            clients: federation.clinics, attack: attack?.kind.rawValue ?? "none", attackers: attack?.attackers ?? 0,
            attackFromRound: attack?.fromRound, boost: attack.map { $0.effectiveBoost(clinics: federation.clinics) },
            aggregator: federation.aggregator.description,
            trigger: (attack ?? reference).kind.isTargeted ? (attack ?? reference).trigger.name : nil,
            secureAggregation: federation.secureAggregation, clinicNormBound: federation.clinicNormBound,
            epsilonTarget: federation.privacy?.epsilon, rounds: federation.rounds, cleanAccuracy: mean,
            cleanAccuracyStd: variance.squareRoot(), attackSuccessRate: averageOrNil(successes),
            detectorTpr: averageOrNil(tpr), detectorFpr: federation.aggregator.isDetector ? averageOrNil(fpr) : nil,
            foldCleanAccuracies: accuracies, perRound: averageCurves(curves), secondsPerRun: seconds / n,
            honestDefence: federation.honestDefence?.description ?? "none")
    }

    static func averageOrNil(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func averageCurves(_ curves: [[RoundMetrics]]) -> [RoundMetrics] {
        guard let first = curves.first else { return [] }
        return first.indices.map { r in
            let rows: [RoundMetrics] = curves.compactMap { r < $0.count ? $0[r] : nil }
            return RoundMetrics(
                round: first[r].round,
                cleanAccuracy: rows.map(\.cleanAccuracy).reduce(0, +) / Double(rows.count),
                attackSuccessRate: averageOrNil(rows.compactMap(\.attackSuccessRate)))
        }
    }

    /// The printed table: one line per row.
    public static func table(_ rows: [Row]) -> String {
        func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count + 1), withPad: " ", startingAt: 0) }
        func rate(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        // The honest-defence column only when some row has one (the attack-only table is unchanged).
        let defended = rows.contains { $0.honestDefence != "none" }
        var lines = [
            pad("clinics", 8) + pad("attack", 20) + pad("K", 3) + pad("aggregator", 18)
                + (defended ? pad("honest defence", 25) : "") + pad("clean acc", 16)
                + pad("attack success", 15) + pad("TPR", 7) + "FPR"
        ]
        for r in rows {
            lines.append(
                pad("\(r.clients)", 8) + pad(r.attack, 20) + pad("\(r.attackers)", 3) + pad(r.aggregator, 18)
                    + (defended ? pad(r.honestDefence, 25) : "")
                    + pad(String(format: "%.3f ± %.3f", r.cleanAccuracy, r.cleanAccuracyStd), 16)
                    + pad(rate(r.attackSuccessRate), 15) + pad(rate(r.detectorTpr), 7) + rate(r.detectorFpr))
        }
        return lines.joined(separator: "\n")
    }
}

/// The attacks-versus-defences section of the HTML report (`semcom demo`).
public struct FederatedAttackReportSection: ReportSection {
    /// The rows.
    public var rows: [FederatedAttackExperiment.Row]
    /// The heading.
    public var title: String
    /// A description of the setting (plain text).
    public var summary: String

    /// Creates a section.
    public init(rows: [FederatedAttackExperiment.Row], title: String, summary: String) {
        self.rows = rows
        self.title = title
        self.summary = summary
    }

    public func files() -> [ReportFile] { [] }

    public func bodyHTML() -> String {
        func rate(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        let defended = rows.contains { $0.honestDefence != "none" }
        var html = "<p>\(escapeXML(summary))</p>\n"
        html +=
            "<table><tr><th>attack</th><th>attackers</th><th>aggregator</th>"
            + (defended ? "<th>honest-clinic defence</th>" : "") + "<th>clean accuracy</th>"
            + "<th>attack success</th><th>detector TPR</th><th>detector FPR</th></tr>"
        for r in rows {
            html += "<tr><td>\(escapeXML(r.attack))</td><td>\(r.attackers)</td><td>\(escapeXML(r.aggregator))</td>"
            if defended { html += "<td>\(escapeXML(r.honestDefence))</td>" }
            html += String(format: "<td>%.3f</td>", r.cleanAccuracy)
            html += "<td>\(rate(r.attackSuccessRate))</td><td>\(rate(r.detectorTpr))</td><td>\(rate(r.detectorFpr))</td></tr>"
        }
        return html + "</table>\n"
    }
}
