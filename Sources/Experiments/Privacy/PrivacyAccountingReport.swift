import Foundation
import Privacy

/// The ε spent by a DP-SGD schedule, as `semcom privacy epsilon` reports it.
///
/// `steps` steps of the Poisson-subsampled Gaussian mechanism (sampling rate q, noise
/// multiplier σ = noise std / clipping norm), add/remove neighbours, accounted with Rényi DP
/// (Mironov 2017; Mironov, Talwar & Zhang 2019; conversion of Balle et al. 2020) or with privacy
/// loss distributions (Koskela et al. 2020).
public struct PrivacyEpsilonReport: Sendable, Hashable, Encodable {
    /// ε spent at ``delta``.
    public var epsilon: Double
    /// δ.
    public var delta: Double
    /// `rdp` or `pld`.
    public var accountant: String
    /// q ∈ (0, 1].
    public var samplingRate: Double
    /// σ > 0.
    public var noiseMultiplier: Double
    /// T ≥ 1.
    public var steps: Int
    /// The Rényi order that gives ε (RDP only).
    public var rdpOrder: Double?
    /// The PLD loss-grid spacing h in nats (PLD only).
    public var pldValueDiscretizationInterval: Double?

    enum CodingKeys: String, CodingKey {
        case epsilon, delta, accountant, steps
        case samplingRate = "sampling_rate"
        case noiseMultiplier = "noise_multiplier"
        case rdpOrder = "rdp_order"
        case pldValueDiscretizationInterval = "pld_value_discretization_interval"
    }

    /// Accounts a schedule.
    /// - Parameters:
    ///   - samplingRate: q ∈ (0, 1].
    ///   - noiseMultiplier: σ > 0.
    ///   - steps: T ≥ 1.
    ///   - delta: δ ∈ (0, 1).
    ///   - accountant: `.rdp` (dp-accounting's default orders) or `.pld`.
    ///   - pldValueDiscretizationInterval: h ∈ (0, 1] for the PLD accountant (default 2e-5).
    /// - Throws: `PrivacyError` naming the parameter that is out of range.
    public static func compute(
        samplingRate: Double, noiseMultiplier: Double, steps: Int, delta: Double, accountant: AccountantKind,
        pldValueDiscretizationInterval: Double = 2e-5
    ) throws -> PrivacyEpsilonReport {
        var report = PrivacyEpsilonReport(
            epsilon: 0, delta: delta, accountant: accountant.rawValue, samplingRate: samplingRate,
            noiseMultiplier: noiseMultiplier, steps: steps)
        switch accountant {
        case .rdp:
            var rdp = RDPAccountant()
            try rdp.record(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: steps)
            let (epsilon, order) = try rdp.epsilonAndOrder(delta: delta)
            report.epsilon = epsilon
            report.rdpOrder = order
        case .pld:
            try checkInterval(pldValueDiscretizationInterval)
            var pld = PLDAccountant(valueDiscretizationInterval: pldValueDiscretizationInterval)
            try pld.record(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: steps)
            report.epsilon = try pld.epsilon(delta: delta)
            report.pldValueDiscretizationInterval = pldValueDiscretizationInterval
        }
        return report
    }

    /// One line for people, e.g.
    /// `ε = 1.7118 at δ = 1e-05 (rdp accountant, order 14; q = 0.01, σ = 1.1, T = 1000)`.
    public var summaryLine: String {
        var detail = "\(accountant) accountant"
        if let rdpOrder { detail += ", order \(PrivacyFormat.number(rdpOrder))" }
        if let pldValueDiscretizationInterval { detail += ", h = \(pldValueDiscretizationInterval)" }
        return "ε = \(PrivacyFormat.number(epsilon)) at δ = \(delta) (\(detail); q = \(samplingRate), "
            + "σ = \(noiseMultiplier), T = \(steps))"
    }

    static func checkInterval(_ h: Double) throws {
        guard h > 0, h <= 1 else {
            throw PrivacyError(
                code: .invalidParameter, message: "PLD discretization interval must be in (0, 1], got \(h)")
        }
    }
}

/// The noise multiplier that meets a target (ε, δ), as `semcom privacy noise` reports it.
public struct PrivacyNoiseReport: Sendable, Hashable, Encodable {
    /// The smallest σ (within the relative tolerance) with ε(σ) ≤ the target.
    public var noiseMultiplier: Double
    /// The target ε.
    public var epsilonTarget: Double
    /// The ε that σ really spends (≤ the target).
    public var epsilonSpent: Double
    /// δ.
    public var delta: Double
    /// `rdp` or `pld`.
    public var accountant: String
    /// q ∈ (0, 1].
    public var samplingRate: Double
    /// T ≥ 1.
    public var steps: Int
    /// The relative width of the final bisection bracket.
    public var relativeTolerance: Double

    enum CodingKeys: String, CodingKey {
        case delta, accountant, steps
        case noiseMultiplier = "noise_multiplier"
        case epsilonTarget = "epsilon_target"
        case epsilonSpent = "epsilon_spent"
        case samplingRate = "sampling_rate"
        case relativeTolerance = "relative_tolerance"
    }

    /// Calibrates σ with `NoiseCalibration` and re-accounts it.
    /// - Parameters:
    ///   - targetEpsilon: ε > 0.
    ///   - delta: δ ∈ (0, 1).
    ///   - samplingRate: q ∈ (0, 1].
    ///   - steps: T ≥ 1.
    ///   - accountant: `.rdp` or `.pld`.
    ///   - maximumNoiseMultiplier: the largest σ tried (default 500).
    ///   - relativeTolerance: the bisection's relative bracket width.
    ///   - pldValueDiscretizationInterval: h for the PLD accountant.
    /// - Throws: `PrivacyError`, with `.unreachableTarget` and the reachable range of ε when even
    ///   the largest σ spends more than the target.
    public static func compute(
        targetEpsilon: Double, delta: Double, samplingRate: Double, steps: Int, accountant: AccountantKind,
        maximumNoiseMultiplier: Double = 500, relativeTolerance: Double = 1e-4,
        pldValueDiscretizationInterval: Double = 2e-5
    ) throws -> PrivacyNoiseReport {
        guard maximumNoiseMultiplier.isFinite, maximumNoiseMultiplier > 0.05 else {
            throw PrivacyError(
                code: .invalidParameter,
                message: "the largest noise multiplier must be a finite number > 0.05, got \(maximumNoiseMultiplier)")
        }
        let sigma = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate, steps: steps,
            accountant: accountant,
            bounds: 0.05...maximumNoiseMultiplier, relativeTolerance: relativeTolerance,
            pldValueDiscretizationInterval: pldValueDiscretizationInterval)
        let spent = try PrivacyEpsilonReport.compute(
            samplingRate: samplingRate, noiseMultiplier: sigma, steps: steps, delta: delta, accountant: accountant,
            pldValueDiscretizationInterval: pldValueDiscretizationInterval)
        return PrivacyNoiseReport(
            noiseMultiplier: sigma, epsilonTarget: targetEpsilon, epsilonSpent: spent.epsilon, delta: delta,
            accountant: accountant.rawValue, samplingRate: samplingRate, steps: steps,
            relativeTolerance: relativeTolerance)
    }

    /// One line for people, e.g. `σ = 1.0895 meets ε = 2 at δ = 1e-05 (spends 1.9999; rdp …)`.
    public var summaryLine: String {
        "σ = \(PrivacyFormat.number(noiseMultiplier)) meets ε = \(epsilonTarget) at δ = \(delta) "
            + "(spends ε = \(PrivacyFormat.number(epsilonSpent)); \(accountant) accountant; q = \(samplingRate), "
            + "T = \(steps))"
    }
}

/// Number formatting for the privacy summaries.
enum PrivacyFormat {
    /// Five significant digits, e.g. `1.7118`, `96.116`, `0.00012346`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.5g", value)
    }
}
