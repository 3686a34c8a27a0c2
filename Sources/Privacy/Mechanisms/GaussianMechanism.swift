import RealModule
import TensorCore

/// The Gaussian mechanism: add N(0, σ²) noise to each coordinate of a query with bounded L2
/// sensitivity Δ, calibrated **analytically** (Balle & Wang 2018).
///
/// The privacy curve of the Gaussian mechanism is known exactly (Balle & Wang 2018,
/// "Improving the Gaussian Mechanism for Differential Privacy: Analytical Calibration and
/// Optimal Denoising", Theorem 8): it is (ε, δ)-DP if and only if
///
///     δ ≥ Φ(Δ/(2σ) − εσ/Δ) − e^ε · Φ(−Δ/(2σ) − εσ/Δ).
///
/// ``analyticStandardDeviation(epsilon:delta:l2Sensitivity:)`` solves this condition for the
/// smallest σ by bisection to ~1e-12 relative precision, with Φ computed through `erfc` and the
/// second term in log space. This is Algorithm 1 of the paper solved directly on the Φ
/// condition (the paper reparametrizes by v = Δ/(2σ) ± εσ/Δ; the root is the same).
///
/// The classic bound σ = Δ·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Theorem A.1) is available as
/// ``classicStandardDeviation(epsilon:delta:l2Sensitivity:)`` only for comparison: it is
/// proven for ε < 1 only, and at ε ≥ 1 it can deliver far less privacy than claimed
/// (σ from the classic bound at ε = 30, δ = 1e-5 really gives ε ≈ 44.8; see
/// ``epsilon(delta:standardDeviation:l2Sensitivity:)``).
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let mechanism = try GaussianMechanism(epsilon: 1, delta: 1e-5, l2Sensitivity: 1)  // σ ≈ 3.7306
/// let noisy = mechanism.apply(to: Tensor<Float>([1, 2, 3]), using: &rng)
/// ```
public struct GaussianMechanism: Sendable, Hashable {
    /// σ, the standard deviation of the noise added to each coordinate (query units).
    public let standardDeviation: Double
    /// Δ, the L2 sensitivity of the query (query units).
    public let l2Sensitivity: Double
    /// δ at which ``privacy`` is stated.
    public let delta: Double

    /// A mechanism calibrated analytically for (ε, δ)-DP.
    /// - Parameters:
    ///   - epsilon: ε > 0.
    ///   - delta: δ ∈ (0, 1).
    ///   - l2Sensitivity: Δ > 0, the L2 sensitivity of the query.
    /// - Throws: ``PrivacyError`` with `.invalidEpsilon`, `.invalidDelta` or `.invalidSensitivity`.
    public init(epsilon: Double, delta: Double, l2Sensitivity: Double = 1) throws {
        standardDeviation = try Self.analyticStandardDeviation(
            epsilon: epsilon, delta: delta, l2Sensitivity: l2Sensitivity)
        self.l2Sensitivity = l2Sensitivity
        self.delta = delta
    }

    /// A mechanism with a given noise standard deviation; its ε at `delta` is computed exactly.
    /// - Parameters:
    ///   - standardDeviation: σ > 0.
    ///   - l2Sensitivity: Δ > 0.
    ///   - delta: δ ∈ (0, 1) at which ``privacy`` is reported.
    /// - Precondition: σ > 0, Δ > 0, δ ∈ (0, 1).
    public init(standardDeviation: Double, l2Sensitivity: Double = 1, delta: Double) {
        precondition(standardDeviation.isFinite && standardDeviation > 0, "σ must be > 0, got \(standardDeviation)")
        precondition(l2Sensitivity.isFinite && l2Sensitivity > 0, "Δ must be > 0, got \(l2Sensitivity)")
        precondition(delta > 0 && delta < 1, "δ must be in (0, 1), got \(delta)")
        self.standardDeviation = standardDeviation
        self.l2Sensitivity = l2Sensitivity
        self.delta = delta
    }

    /// The exact (ε, δ) guarantee at ``delta``.
    public var privacy: PrivacyGuarantee {
        .approximate(
            epsilon: Self.exactEpsilon(
                delta: delta, standardDeviation: standardDeviation, l2Sensitivity: l2Sensitivity),
            delta: delta)
    }

    /// Adds independent N(0, σ²) noise to every element.
    /// - Parameters:
    ///   - tensor: the query answer, any shape, in query units.
    ///   - rng: the generator (use `SystemRandomNumberGenerator` for real releases).
    /// - Returns: the noisy answer, same shape.
    public func apply<Scalar: TensorScalar, G: RandomNumberGenerator>(
        to tensor: Tensor<Scalar>, using rng: inout G
    ) -> Tensor<Scalar> {
        tensor + Tensor<Scalar>.gaussian(shape: tensor.shape, standardDeviation: Scalar(standardDeviation), using: &rng)
    }

    // MARK: - Exact privacy curve

    /// The smallest δ for which N(0, σ²) noise is (ε, δ)-DP (Balle & Wang 2018, Theorem 8).
    /// - Parameters:
    ///   - epsilon: ε ≥ 0.
    ///   - standardDeviation: σ > 0.
    ///   - l2Sensitivity: Δ > 0.
    /// - Returns: δ(ε) = Φ(Δ/(2σ) − εσ/Δ) − e^ε Φ(−Δ/(2σ) − εσ/Δ), clamped to [0, 1].
    public static func delta(epsilon: Double, standardDeviation: Double, l2Sensitivity: Double = 1) -> Double {
        precondition(epsilon >= 0, "ε must be ≥ 0, got \(epsilon)")
        precondition(
            standardDeviation > 0 && l2Sensitivity > 0,
            "σ and Δ must be > 0, got \(standardDeviation), \(l2Sensitivity)")
        let a = l2Sensitivity / (2 * standardDeviation)
        let b = epsilon * standardDeviation / l2Sensitivity
        let first = PrivacyMath.normalCDF(a - b)
        let second = Double.exp(epsilon + PrivacyMath.logNormalCDF(-a - b))
        return Swift.min(1, Swift.max(0, first - second))
    }

    /// The ε really delivered by N(0, σ²) noise at a given δ (the inverse of the exact curve).
    ///
    /// Use it to check any σ, e.g. one from the classic bound.
    /// - Parameters:
    ///   - delta: δ ∈ (0, 1).
    ///   - standardDeviation: σ > 0.
    ///   - l2Sensitivity: Δ > 0.
    /// - Returns: the smallest ε ≥ 0 with δ(ε) ≤ `delta`.
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1), σ ≤ 0 or Δ ≤ 0.
    public static func epsilon(delta: Double, standardDeviation: Double, l2Sensitivity: Double = 1) throws -> Double {
        try PrivacyValidation.delta(delta)
        try PrivacyValidation.noiseMultiplier(standardDeviation, name: "noise standard deviation")
        try PrivacyValidation.sensitivity(l2Sensitivity, name: "L2 sensitivity")
        return exactEpsilon(delta: delta, standardDeviation: standardDeviation, l2Sensitivity: l2Sensitivity)
    }

    static func exactEpsilon(delta target: Double, standardDeviation sigma: Double, l2Sensitivity: Double) -> Double {
        let curve = { (epsilon: Double) in
            delta(epsilon: epsilon, standardDeviation: sigma, l2Sensitivity: l2Sensitivity)
        }
        if curve(0) <= target { return 0 }
        var upper = 1.0
        while curve(upper) > target { upper *= 2 }
        return PrivacyMath.bisect(lower: 0, upper: upper) { curve($0) > target }
    }

    /// The smallest σ for which the Gaussian mechanism is (ε, δ)-DP, from the exact condition
    /// (Balle & Wang 2018, Algorithm 1 / Theorem 8).
    /// - Parameters:
    ///   - epsilon: ε > 0.
    ///   - delta: δ ∈ (0, 1).
    ///   - l2Sensitivity: Δ > 0.
    /// - Returns: σ in the query's units (σ/Δ is the "noise multiplier").
    /// - Throws: ``PrivacyError`` for ε ≤ 0, δ ∉ (0, 1) or Δ ≤ 0.
    public static func analyticStandardDeviation(epsilon: Double, delta: Double, l2Sensitivity: Double = 1) throws
        -> Double
    {
        try PrivacyValidation.epsilon(epsilon)
        try PrivacyValidation.delta(delta)
        try PrivacyValidation.sensitivity(l2Sensitivity, name: "L2 sensitivity")
        // δ(ε; σ) decreases in σ: bracket the root in units of Δ, then bisect.
        let curve = { (multiplier: Double) in
            Self.delta(epsilon: epsilon, standardDeviation: multiplier, l2Sensitivity: 1)
        }
        var lower = 1.0
        var upper = 1.0
        while curve(upper) > delta { upper *= 2 }
        while curve(lower) <= delta && lower > 1e-12 { lower /= 2 }
        let multiplier = PrivacyMath.bisect(lower: lower, upper: upper) { curve($0) > delta }
        return multiplier * l2Sensitivity
    }

    /// The classic bound σ = Δ·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Theorem A.1).
    ///
    /// > Warning: This bound is proven only for ε < 1. For ε ≥ 1 it is not a valid calibration
    /// > (at ε = 30, δ = 1e-5 the σ it gives really delivers ε ≈ 44.8). Use
    /// > ``analyticStandardDeviation(epsilon:delta:l2Sensitivity:)``; this function exists for
    /// > comparison with the literature.
    /// - Parameters:
    ///   - epsilon: ε > 0.
    ///   - delta: δ ∈ (0, 1).
    ///   - l2Sensitivity: Δ > 0.
    /// - Returns: σ in query units.
    /// - Throws: ``PrivacyError`` for ε ≤ 0, δ ∉ (0, 1) or Δ ≤ 0.
    public static func classicStandardDeviation(epsilon: Double, delta: Double, l2Sensitivity: Double = 1) throws
        -> Double
    {
        try PrivacyValidation.epsilon(epsilon)
        try PrivacyValidation.delta(delta)
        try PrivacyValidation.sensitivity(l2Sensitivity, name: "L2 sensitivity")
        return l2Sensitivity * (2 * Double.log(1.25 / delta)).squareRoot() / epsilon
    }
}
