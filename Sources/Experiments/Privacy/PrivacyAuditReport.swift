import Foundation
import Privacy

/// One empirical privacy audit, as `semcom privacy audit` reports it: the claimed ε, the
/// Clopper–Pearson lower bound ε_lower at the confidence level, and whether the claim survived
/// (`passed` = ε_lower ≤ ε_claimed).
public struct PrivacyAuditReport: Sendable, Hashable, Encodable {
    /// `gaussian`, `laplace`, `discrete-gaussian`, `dpsgd` or `dpsgd-training`.
    public var mechanism: String
    /// The ε the mechanism (or the accountant of the training run) claims.
    public var epsilonClaimed: Double
    /// The empirical lower bound on ε at ``confidence``.
    public var epsilonLower: Double
    /// δ of the claim (subtracted in the bound).
    public var delta: Double
    /// The confidence c of the lower bound.
    public var confidence: Double
    /// Runs per world (with and without the canary); half choose the threshold, half evaluate it.
    public var trials: Int
    /// ε_lower ≤ ε_claimed.
    public var passed: Bool
    /// The factor on the calibrated noise (1 = the real mechanism; < 1 = deliberately broken).
    public var noiseFactor: Double
    /// The noise scale used (σ, b, or σ·C for DP-SGD; after the factor); for training, σ.
    public var noiseScale: Double
    /// The chosen test's threshold on the statistic.
    public var threshold: Double
    /// The chosen test's false-positive rate on the evaluation runs.
    public var falsePositiveRate: Double
    /// The chosen test's false-negative rate on the evaluation runs.
    public var falseNegativeRate: Double
    /// Clopper–Pearson upper bound on the false-positive rate.
    public var falsePositiveRateUpper: Double
    /// Clopper–Pearson upper bound on the false-negative rate.
    public var falseNegativeRateUpper: Double
    /// Training audits only: the target ε used to calibrate σ.
    public var epsilonTarget: Double?
    /// Training audits only: the accountant that states ε_claimed.
    public var accountant: String?
    /// Training audits only: DP-SGD steps per run.
    public var steps: Int?
    /// Training audits only: the Poisson sampling rate.
    public var samplingRate: Double?
    /// Training audits only: training records.
    public var records: Int?
    /// Training audits only: mean training accuracy of the models trained without the canary.
    public var trainingAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case mechanism, delta, confidence, trials, passed, threshold, accountant, steps, records
        case epsilonClaimed = "epsilon_claimed"
        case epsilonLower = "epsilon_lower"
        case noiseFactor = "noise_factor"
        case noiseScale = "noise_scale"
        case falsePositiveRate = "false_positive_rate"
        case falseNegativeRate = "false_negative_rate"
        case falsePositiveRateUpper = "false_positive_rate_upper"
        case falseNegativeRateUpper = "false_negative_rate_upper"
        case epsilonTarget = "epsilon_target"
        case samplingRate = "sampling_rate"
        case trainingAccuracy = "training_accuracy"
    }

    /// The report of a mechanism audit.
    public init(_ report: MechanismAudit.Report) {
        self.init(
            mechanism: report.configuration.mechanism.rawValue, claimed: report.epsilonClaimed,
            delta: report.configuration.delta, trials: report.configuration.trials,
            noiseFactor: report.configuration.noiseFactor, noiseScale: report.noiseScale, audit: report.audit)
    }

    /// The report of a training audit.
    public init(_ report: TrainingAudit.Report) {
        let c = report.configuration
        self.init(
            mechanism: "dpsgd-training", claimed: report.epsilonClaimed, delta: c.delta, trials: c.runs,
            noiseFactor: c.noiseFactor, noiseScale: report.noiseMultiplier * c.noiseFactor, audit: report.audit)
        epsilonTarget = c.epsilon
        accountant = c.accountant.rawValue
        steps = c.steps
        samplingRate = c.samplingRate
        records = report.records
        trainingAccuracy = report.meanTrainingAccuracy
    }

    private init(
        mechanism: String, claimed: Double, delta: Double, trials: Int, noiseFactor: Double, noiseScale: Double,
        audit: MembershipAudit.Result
    ) {
        self.mechanism = mechanism
        epsilonClaimed = claimed
        epsilonLower = audit.epsilonLower
        self.delta = delta
        confidence = audit.confidence
        self.trials = trials
        passed = audit.epsilonLower <= claimed
        self.noiseFactor = noiseFactor
        self.noiseScale = noiseScale
        threshold = audit.threshold
        falsePositiveRate = audit.falsePositiveRate
        falseNegativeRate = audit.falseNegativeRate
        falsePositiveRateUpper = audit.falsePositiveRateUpper
        falseNegativeRateUpper = audit.falseNegativeRateUpper
    }

    /// One line for people.
    public var summaryLine: String {
        let verdict = passed ? "passed: no violation found" : "FAILED: the mechanism leaks more than it claims"
        return "\(mechanism): ε_claimed = \(PrivacyFormat.number(epsilonClaimed)), ε_lower = "
            + "\(PrivacyFormat.number(epsilonLower)) at \(PrivacyFormat.number(confidence * 100)) % confidence "
            + "(δ = \(delta), \(trials) runs per world, noise factor \(noiseFactor)) — \(verdict)"
    }
}
