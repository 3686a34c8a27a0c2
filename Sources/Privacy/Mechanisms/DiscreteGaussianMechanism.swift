import RealModule
import TensorCore

/// The discrete Gaussian mechanism on integers (Canonne, Kamath & Steinke 2020, "The Discrete
/// Gaussian for Differential Privacy").
///
/// Adds independent N_ℤ(0, σ²) noise — P[Y = y] ∝ exp(−y²/(2σ²)) on ℤ, sampled exactly by
/// TensorCore's ``DiscreteGaussian`` — to each coordinate of an integer-valued query whose L2
/// sensitivity is Δ (for integer-valued queries Δ² is an integer). It is the noise used for
/// distributed DP under secure aggregation, where sums must stay integers.
///
/// Privacy (CKS 2020, Theorem 14): the mechanism is ρ-zero-concentrated DP with **exactly**
/// ρ = Δ²/(2σ²) — the same as the continuous Gaussian — so its Rényi DP at order α is ρ·α.
/// ``epsilon(delta:)`` converts with the paper's Corollary 13,
/// δ = e^{(α−1)(αρ−ε)}/(α−1)·(1 − 1/α)^α minimized over α > 1 (identical to the improved
/// RDP conversion of Balle et al. 2020), and for a one-dimensional query with integer Δ
/// ``scalarDelta(epsilon:)`` gives the exact privacy curve of the paper's Theorem 7.
/// Note: the sum of several discrete Gaussians (one per clinic) is *not* a discrete Gaussian;
/// its privacy needs the bound of Kairouz, Liu & Steinke 2021, not this type's ρ.
public struct DiscreteGaussianMechanism: Sendable, Hashable {
    /// The exact noise distribution N_ℤ(0, σ²).
    public let noise: DiscreteGaussian
    /// Δ, the L2 sensitivity of the integer-valued query.
    public let l2Sensitivity: Double

    /// A mechanism with noise variance σ² (rounded to the nearest fraction a/b with a, b ≤ 2³²).
    /// - Parameters:
    ///   - variance: σ² ∈ [2⁻³⁰, 2³⁰], in squared query units.
    ///   - l2Sensitivity: Δ > 0.
    /// - Throws: ``PrivacyError`` with `.invalidNoiseMultiplier` or `.invalidSensitivity`.
    public init(variance: Double, l2Sensitivity: Double = 1) throws {
        guard variance.isFinite, variance >= 0x1p-30, variance <= 0x1p30 else {
            throw PrivacyError(
                code: .invalidNoiseMultiplier,
                message: "discrete Gaussian variance must be in [2^-30, 2^30], got \(variance)")
        }
        try PrivacyValidation.sensitivity(l2Sensitivity, name: "L2 sensitivity")
        noise = DiscreteGaussian(variance: variance)
        self.l2Sensitivity = l2Sensitivity
    }

    /// A mechanism meeting ρ-zCDP: σ² = Δ²/(2ρ).
    /// - Parameters:
    ///   - rho: ρ > 0.
    ///   - l2Sensitivity: Δ > 0.
    /// - Throws: ``PrivacyError`` when ρ ≤ 0 or the variance leaves [2⁻³⁰, 2³⁰].
    public init(rho: Double, l2Sensitivity: Double = 1) throws {
        guard rho.isFinite, rho > 0 else {
            throw PrivacyError(code: .invalidParameter, message: "rho must be a finite number > 0, got \(rho)")
        }
        try PrivacyValidation.sensitivity(l2Sensitivity, name: "L2 sensitivity")
        try self.init(variance: l2Sensitivity * l2Sensitivity / (2 * rho), l2Sensitivity: l2Sensitivity)
    }

    /// σ² actually used (the rational a/b of ``noise``).
    public var variance: Double { noise.variance }

    /// ρ = Δ²/(2σ²), the zCDP parameter (CKS 2020, Theorem 14).
    public var rho: Double { l2Sensitivity * l2Sensitivity / (2 * variance) }

    /// ρ-zCDP.
    public var privacy: PrivacyGuarantee { .concentrated(rho: rho) }

    /// Rényi DP of order α: ρ·α.
    /// - Parameter order: α > 1.
    public func renyiDivergence(order: Double) -> Double {
        precondition(order > 1, "Rényi order must be > 1, got \(order)")
        return rho * order
    }

    /// The ε of an (ε, δ) guarantee implied by ρ-zCDP (CKS 2020, Corollary 13).
    /// - Parameter delta: δ ∈ (0, 1).
    /// - Returns: ε ≥ 0.
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1).
    public func epsilon(delta: Double) throws -> Double {
        try PrivacyValidation.delta(delta)
        return RDPAnalysis.epsilonFromConcentrated(rho: rho, delta: delta)
    }

    /// The exact δ(ε) of the one-dimensional discrete Gaussian mechanism with integer sensitivity
    /// (CKS 2020, Theorem 7): δ = P[Y > εσ²/Δ − Δ/2] − e^ε·P[Y > εσ²/Δ + Δ/2], Y ~ N_ℤ(0, σ²).
    /// - Parameter epsilon: ε ≥ 0.
    /// - Returns: δ ∈ [0, 1].
    /// - Precondition: Δ is an integer (a scalar integer query).
    public func scalarDelta(epsilon: Double) -> Double {
        precondition(epsilon >= 0, "ε must be ≥ 0, got \(epsilon)")
        precondition(
            l2Sensitivity == l2Sensitivity.rounded(), "scalarDelta needs an integer sensitivity, got \(l2Sensitivity)")
        let sigma2 = variance
        let sigma = sigma2.squareRoot()
        let shift = epsilon * sigma2 / l2Sensitivity
        let lowerThreshold = shift - l2Sensitivity / 2
        let upperThreshold = shift + l2Sensitivity / 2
        // Normalizer and tails, summed from the largest terms down (y = 0 first).
        let reach = Int(
            (Swift.max(Swift.abs(lowerThreshold), Swift.abs(upperThreshold)) + 40 * sigma + 10).rounded(.up))
        var normalizer = 0.0
        var tailLower = 0.0
        var tailUpper = 0.0
        for y in -reach...reach {
            let weight = Double.exp(-Double(y) * Double(y) / (2 * sigma2))
            normalizer += weight
            if Double(y) > lowerThreshold { tailLower += weight }
            if Double(y) > upperThreshold { tailUpper += weight }
        }
        let delta = tailLower / normalizer - Double.exp(epsilon) * tailUpper / normalizer
        return Swift.min(1, Swift.max(0, delta))
    }

    /// Adds independent N_ℤ(0, σ²) noise to every integer.
    /// - Parameters:
    ///   - values: the integer query answer, `[count]`.
    ///   - rng: the generator.
    /// - Returns: the noisy integers, `[count]`.
    /// - Precondition: no sum overflows `Int64`.
    public func apply<G: RandomNumberGenerator>(to values: [Int64], using rng: inout G) -> [Int64] {
        var out = values
        for i in out.indices {
            let (sum, overflow) = out[i].addingReportingOverflow(noise.sample(using: &rng))
            precondition(!overflow, "Discrete Gaussian noise overflowed Int64 at index \(i)")
            out[i] = sum
        }
        return out
    }
}
