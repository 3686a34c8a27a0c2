import Federated
import HealthData
import Privacy

/// The federated part of `semcom demo`: a small, fast privacy–utility sweep on the embedded
/// Breast Cancer Wisconsin table — record-level DP with distributed discrete-Gaussian noise under
/// secure aggregation, updates over AWGN at 10 dB (digital), 5 and 20 clinics, ε from 0.1 to 10,
/// 3-fold cross-validation, 40 rounds.
public enum FederatedDemo {
    /// The sweep the demo runs.
    public static var configuration: FederatedPrivacySweep.Configuration {
        var federation = FederationConfiguration()
        federation.rounds = 40
        federation.secureAggregation = true
        federation.link = .digital(snrDecibels: 10)
        return FederatedPrivacySweep.Configuration(
            clinicCounts: [5, 20], epsilons: [0.1, 0.3, 1, 3, 10],
            privacy: FederatedPrivacyConfiguration(epsilon: 1, delta: 1e-5, unit: .record, noise: .distributed),
            includeNonPrivate: true, folds: 3, federation: federation)
    }

    /// The line the demo prints above the table.
    public static var heading: String {
        "Federated training with distributed DP — linear SVM, \(configuration.federation.rounds) rounds, record-level DP "
            + "(δ = 1e-5), secure aggregation, updates over AWGN 10 dB, \(configuration.folds)-fold"
    }

    /// The embedded Breast Cancer Wisconsin table (683 complete rows, features ÷ 10) as a dataset.
    static func embeddedDataset() throws -> FederatedDataset {
        let table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
        return try FederatedDataset(features: table.features, labels: table.labels)
    }

    /// Runs the sweep; returns the printed table and the report section.
    /// - Throws: ``FederatedError`` (not expected with these settings).
    public static func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> (
        table: String, section: FederatedReportSection
    ) {
        let data = try embeddedDataset()
        let rows = try FederatedPrivacySweep.run(data, configuration: configuration, seed: seed, progress: progress)
        let summary = """
            Virtual clinics train a linear SVM without sharing records: record-level differential privacy \
            (DP-SGD clipping at C = 1, δ = 1e-5) with each clinic adding a discrete-Gaussian share of the noise \
            to its quantized update, secure aggregation (only the sum is ever unmasked), updates sent as \
            QPSK frames with a K = 7 convolutional code and CRC over AWGN at 10 dB; 3-fold cross-validation, \
            40 rounds, ε accounted with the distributed-discrete-Gaussian RDP bound (Kairouz, Liu & Steinke 2021). \
            Dashed lines: the same federation without privacy.
            """
        return (
            FederatedPrivacySweep.table(rows),
            FederatedReportSection(
                rows: rows, title: "Federated training with distributed differential privacy", summary: summary)
        )
    }
}

/// The attacks-versus-defences part of `semcom demo`: the embedded Breast Cancer Wisconsin
/// table, 20 clinics, 3-fold, 40 rounds; one model-replacement attacker with the `mitoses = 10`
/// backdoor (malignant → benign) and two sign-flipping clinics, against FedAvg and six robust
/// aggregators.
public enum FederatedAttackDemo {
    /// The aggregators compared (f = 2 for Krum-type rules).
    public static let aggregators: [RobustAggregator] = [
        .fedAvg, .median, .trimmedMean(beta: 0.1), .multiKrum(f: 2, m: 10), .bulyan(f: 2), .flame(noiseLevel: 0.001),
        .normBound(C: 0.2),
    ]

    /// The grid the demo runs.
    public static var configuration: FederatedAttackExperiment.Configuration {
        var federation = FederationConfiguration()
        federation.rounds = 40
        let backdoor = AttackConfiguration(kind: .modelReplacement, attackers: 1, poisonCopies: 3, localEpochs: 5)
        let signFlip = AttackConfiguration(kind: .signFlip, attackers: 2)
        let scenarios = aggregators.flatMap { aggregator in
            [nil, backdoor, signFlip].map { FederatedAttackExperiment.Scenario(attack: $0, aggregator: aggregator) }
        }
        return FederatedAttackExperiment.Configuration(
            clinicCounts: [20], scenarios: scenarios, folds: 3, federation: federation, referenceAttack: backdoor)
    }

    /// The line the demo prints above the table.
    public static let heading =
        "Malicious clinics vs robust aggregation — linear SVM, 20 clinics, 40 rounds, 3-fold; backdoor mitoses = 10 "
        + "(malignant → benign) by 1 model-replacement attacker (γ = 20), and 2 sign-flipping clinics (γ = 20)"

    /// Runs the grid; returns the printed table and the report section.
    /// - Throws: ``FederatedError`` (not expected with these settings).
    public static func run(seed: UInt64, progress: (String) -> Void = { _ in }) throws -> (
        table: String, section: FederatedAttackReportSection
    ) {
        let data = try FederatedDemo.embeddedDataset()
        let rows = try FederatedAttackExperiment.run(data, configuration: configuration, seed: seed, progress: progress)
        let summary = """
            Twenty virtual clinics train a linear SVM; from the first round one malicious clinic plants the backdoor \
            mitoses = 10 → benign by model replacement (Bagdasaryan et al. 2020: poisoned training, update boosted \
            by γ = 20), or two clinics send sign-flipped updates boosted by 20. Attack success: the share of \
            triggered malignant test records classified benign (attack-free rows: the same trigger without an \
            attacker). Robust aggregators need every clinic's update, so they cannot run under secure aggregation. \
            Detector TPR/FPR: the share of malicious / honest clinic-rounds the rule excluded or clipped.
            """
        return (
            FederatedAttackExperiment.table(rows),
            FederatedAttackReportSection(
                rows: rows, title: "Malicious clinics: backdoor and poisoning attacks vs robust aggregation",
                summary: summary)
        )
    }
}
