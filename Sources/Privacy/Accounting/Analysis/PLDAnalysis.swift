import RealModule

/// Pure privacy-loss-distribution accounting for the Poisson-subsampled Gaussian mechanism
/// (Koskela, Jälkö & Honkela 2020; Google dp-accounting's `PLDAccountant`), add/remove
/// neighbours: the ε of a schedule is the larger of the two adjacency directions.
public enum PLDAnalysis {
    /// ε(δ) after composing each (σ, q, steps) entry, from discretized PLDs.
    ///
    /// With every q = 1 the privacy loss is exactly Gaussian, N(μ²/2, μ²) with
    /// μ² = Σ steps/σ², and the closed form of ``gaussianEpsilon(mu:delta:)`` is used unless
    /// `exactGaussianFastPath` is false.
    /// - Parameters:
    ///   - entries: the schedule (each entry validated by the caller).
    ///   - delta: δ ∈ (0, 1).
    ///   - valueDiscretizationInterval: h (nats).
    ///   - exactGaussianFastPath: use the closed form when all q = 1.
    /// - Returns: ε ≥ 0 (+∞ if δ is below the mass at infinity).
    public static func epsilon(
        entries: [AccountingEntry], delta: Double, valueDiscretizationInterval: Double = 1e-4,
        exactGaussianFastPath: Bool = true
    ) -> Double {
        precondition(delta > 0 && delta < 1, "δ must be in (0, 1), got \(delta)")
        if entries.isEmpty { return 0 }
        if exactGaussianFastPath && entries.allSatisfy({ $0.samplingRate == 1 }) {
            let muSquared = entries.reduce(0.0) { $0 + Double($1.steps) / ($1.noiseMultiplier * $1.noiseMultiplier) }
            return gaussianEpsilon(mu: muSquared.squareRoot(), delta: delta)
        }
        var worst = 0.0
        for adjacency in PrivacyLossDistribution.Adjacency.allCases {
            let pld = composedDistribution(
                entries: entries, adjacency: adjacency, valueDiscretizationInterval: valueDiscretizationInterval)
            worst = Swift.max(worst, pld.epsilon(delta: delta))
        }
        return worst
    }

    /// The composed pessimistic PLD of a schedule in one adjacency direction.
    /// - Parameters:
    ///   - entries: the schedule, non-empty.
    ///   - adjacency: the direction of the neighbouring pair.
    ///   - valueDiscretizationInterval: h (nats).
    public static func composedDistribution(
        entries: [AccountingEntry], adjacency: PrivacyLossDistribution.Adjacency, valueDiscretizationInterval: Double
    ) -> PrivacyLossDistribution {
        precondition(!entries.isEmpty, "A schedule needs at least one entry")
        var result: PrivacyLossDistribution? = nil
        for entry in entries {
            let single = PrivacyLossDistribution.subsampledGaussian(
                noiseMultiplier: entry.noiseMultiplier, samplingRate: entry.samplingRate, adjacency: adjacency,
                valueDiscretizationInterval: valueDiscretizationInterval)
            let composed = single.selfComposed(times: entry.steps)
            result = result.map { $0.composed(with: composed) } ?? composed
        }
        return result!  // entries is non-empty (checked above), so the loop assigned it
    }

    /// ε(δ) of a μ-Gaussian privacy loss (the Gaussian mechanism with sensitivity/σ = μ, or T
    /// compositions with μ = √T/σ): the root of δ = Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2)
    /// (Balle & Wang 2018; Dong, Roth & Su 2019, Corollary 2.13).
    /// - Parameters:
    ///   - mu: μ > 0.
    ///   - delta: δ ∈ (0, 1).
    public static func gaussianEpsilon(mu: Double, delta: Double) -> Double {
        precondition(mu > 0, "μ must be > 0, got \(mu)")
        return GaussianMechanism.exactEpsilon(delta: delta, standardDeviation: 1 / mu, l2Sensitivity: 1)
    }
}
