// Local DP for one bounded continuous value: the bounded Laplace mechanism (Holohan et al. 2018)
// and the clamped Laplace mechanism.

import RealModule
import TensorCore

/// A closed interval `[lower, upper]` that a privatized attribute is confined to (e.g. a body
/// height in metres), typically the 1st and 99th percentiles of the population
/// (``percentiles(of:lower:upper:)``).
public struct AttributeBounds: Sendable, Hashable, CustomStringConvertible {
    /// The smallest value, in the attribute's units.
    public let lower: Double
    /// The largest value, in the attribute's units.
    public let upper: Double

    /// Creates bounds.
    /// - Throws: ``PrivacyError`` `.invalidBounds` unless both are finite and `lower < upper`.
    public init(lower: Double, upper: Double) throws(PrivacyError) {
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw PrivacyError(
                code: .invalidBounds,
                message: "bounds must be finite with min < max, got min \(lower), max \(upper)")
        }
        self.lower = lower
        self.upper = upper
    }

    /// `upper − lower`: the L1 sensitivity of releasing one value of this domain (any two values
    /// of the domain are neighbours in local DP).
    public var range: Double { upper - lower }

    /// `value` clamped into the interval.
    public func clamp(_ value: Double) -> Double { Swift.min(upper, Swift.max(lower, value)) }

    /// The bounds at the `lower` and `upper` empirical quantiles of `values` (linear
    /// interpolation between order statistics, type 7 of Hyndman & Fan 1996).
    /// - Parameters:
    ///   - values: a population sample (finite values).
    ///   - lower: the lower quantile in [0, 1) (default 0.01).
    ///   - upper: the upper quantile in (lower, 1] (default 0.99).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for bad quantiles, fewer than 2 values or
    ///   non-finite values; `.invalidBounds` when the quantiles coincide (a constant population).
    public static func percentiles(of values: [Double], lower: Double = 0.01, upper: Double = 0.99)
        throws(PrivacyError) -> AttributeBounds
    {
        guard lower >= 0, upper <= 1, lower < upper else {
            throw PrivacyError(
                code: .invalidParameter, message: "quantiles must satisfy 0 ≤ lower < upper ≤ 1, got \(lower), \(upper)")
        }
        guard values.count >= 2, values.allSatisfy(\.isFinite) else {
            throw PrivacyError(
                code: .invalidParameter,
                message: "bounds from percentiles need ≥ 2 finite values, got \(values.count) (or non-finite ones)")
        }
        let sorted = values.sorted()
        func quantile(_ q: Double) -> Double {
            let h = q * Double(sorted.count - 1)
            let i = Int(h.rounded(.down))
            let j = Swift.min(sorted.count - 1, i + 1)
            return sorted[i] + (h - Double(i)) * (sorted[j] - sorted[i])
        }
        return try AttributeBounds(lower: quantile(lower), upper: quantile(upper))
    }

    /// `[lower, upper]` with 4 decimals.
    public var description: String {
        "[\((lower * 1e4).rounded() / 1e4), \((upper * 1e4).rounded() / 1e4)]"
    }
}

/// ε-local-DP release of one value from a bounded domain `[l, u]` with Laplace noise whose
/// output stays in the domain, as MetaGuard does for VR body attributes (Nair, Garrido & Song,
/// "Going Incognito in the Metaverse", 2022). The input is clamped to `[l, u]` first, so the
/// sensitivity is `Δ = u − l` (the whole domain: in local DP any two values are neighbours).
/// Two variants, each with its **correct** ε:
///
/// - ``Variant/truncated`` — the **bounded Laplace mechanism** of Holohan, Antonatos, Braghin
///   & Mac Aonghusa ("The bounded Laplace mechanism in differential privacy", J. Privacy and
///   Confidentiality 2019/arXiv 1808.10410, 2018): the output has the Laplace(x, b) density
///   restricted to `[l, u]` and renormalized, `f(y | x) = e^{−|y−x|/b} / (2b·C(x))` with the mass
///   `C(x) = 1 − ½e^{−(x−l)/b} − ½e^{−(u−x)/b}`. Renormalization costs privacy: the privacy loss
///   is at most `Δ/b + ln ΔC(b)` with `ΔC(b) = C(min(l+Δ, m)) / C(l)` (`m` the midpoint, where
///   `C` peaks; `C` grows from either bound towards `m`), so `b = Δ/ε` is **not** enough.
///   The scale is calibrated by bisection so that `Δ/b + ln ΔC(b) = ε` (Holohan et al.,
///   Theorem 3.4 and Algorithm 1; the left side decreases strictly in b). Sampled exactly by
///   inverting the truncated CDF (one uniform draw).
/// - ``Variant/clamped`` — Laplace(0, Δ/ε) noise, then the output clamped into `[l, u]`. The
///   Laplace step is ε-DP (Dwork et al. 2006) and clamping is post-processing, so it is ε-DP; the
///   clamped output has point masses at the bounds.
///
/// Both are pure ε-DP (``privacy``). The truncated variant is the default of the incognito mode:
/// its output is never piled up on the bounds (no "suspiciously exactly 1.45 m" avatars) and at
/// equal ε it carries less information (its scale is larger).
public struct BoundedLaplaceMechanism: Sendable, Hashable {
    /// How the output is kept in the domain.
    public enum Variant: String, Sendable, Hashable, CaseIterable {
        /// Holohan et al.'s truncated (renormalized) Laplace, scale calibrated for ε.
        case truncated
        /// Laplace with `b = Δ/ε`, output clamped.
        case clamped
    }

    /// ε, per release.
    public let epsilon: Double
    /// The domain.
    public let bounds: AttributeBounds
    /// The variant.
    public let variant: Variant
    /// The Laplace scale `b` (domain units): calibrated (truncated) or `Δ/ε` (clamped).
    public let scale: Double

    /// Creates a mechanism.
    /// - Parameters:
    ///   - epsilon: ε > 0 (finite).
    ///   - bounds: the domain; its range is the sensitivity.
    ///   - variant: ``Variant/truncated`` (default) or ``Variant/clamped``.
    /// - Throws: ``PrivacyError`` `.invalidEpsilon`.
    public init(epsilon: Double, bounds: AttributeBounds, variant: Variant = .truncated) throws(PrivacyError) {
        try PrivacyValidation.epsilon(epsilon)
        self.epsilon = epsilon
        self.bounds = bounds
        self.variant = variant
        switch variant {
        case .clamped: scale = bounds.range / epsilon
        case .truncated: scale = Self.calibrateTruncatedScale(epsilon: epsilon, bounds: bounds)
        }
    }

    /// ε-DP (each release).
    public var privacy: PrivacyGuarantee { .pure(epsilon: epsilon) }

    /// The privacy loss bound `Δ/b + ln ΔC(b)` of the truncated mechanism at scale `b` (Holohan
    /// et al. 2018, Theorem 3.4), with `Δ` the domain's range.
    public static func truncatedPrivacyLoss(scale b: Double, bounds: AttributeBounds) -> Double {
        let delta = bounds.range
        let mid = (bounds.lower + bounds.upper) / 2
        let reach = Swift.min(bounds.lower + delta, mid)
        return delta / b + Double.log(mass(reach, scale: b, bounds) / mass(bounds.lower, scale: b, bounds))
    }

    /// `C(x)`, the Laplace(x, b) mass inside the bounds.
    static func mass(_ x: Double, scale b: Double, _ bounds: AttributeBounds) -> Double {
        1 - 0.5 * Double.exp(-(x - bounds.lower) / b) - 0.5 * Double.exp(-(bounds.upper - x) / b)
    }

    /// Bisection on log b for `truncatedPrivacyLoss(b) = ε` (to a relative 10⁻¹², rounded up to the
    /// private side: the returned b has a loss ≤ ε).
    static func calibrateTruncatedScale(epsilon: Double, bounds: AttributeBounds) -> Double {
        // Δ/ε ≤ b: the loss exceeds Δ/b. Upper end: the loss falls below ε.
        var low = bounds.range / epsilon
        var high = 2 * low
        while truncatedPrivacyLoss(scale: high, bounds: bounds) > epsilon { high *= 2 }
        for _ in 0..<200 {
            let mid = (low * high).squareRoot()
            if truncatedPrivacyLoss(scale: mid, bounds: bounds) > epsilon { low = mid } else { high = mid }
            if high / low - 1 < 1e-12 { break }
        }
        return high
    }

    /// One ε-DP release of `value` (clamped into the bounds first).
    /// - Parameters:
    ///   - value: the true value (domain units; must be finite).
    ///   - rng: the generator (one uniform draw).
    /// - Returns: a value in `[lower, upper]`.
    /// - Precondition: `value` is finite.
    public func release<G: RandomNumberGenerator>(_ value: Double, using rng: inout G) -> Double {
        precondition(value.isFinite, "A released value must be finite, got \(value)")
        let x = bounds.clamp(value)
        switch variant {
        case .clamped:
            return bounds.clamp(rng.nextLaplace(location: x, scale: scale))
        case .truncated:
            let b = scale
            func cdf(_ y: Double) -> Double {
                y < x ? 0.5 * Double.exp((y - x) / b) : 1 - 0.5 * Double.exp(-(y - x) / b)
            }
            let low = cdf(bounds.lower), high = cdf(bounds.upper)
            let p = low + (high - low) * rng.nextUnitDouble()
            let y = p < 0.5 ? x + b * Double.log(2 * p) : x - b * Double.log(2 * (1 - p))
            return bounds.clamp(y)  // only rounding can leave the domain
        }
    }

    /// `E[release(x)]`, the mean output for the true value `x` (domain units), by Simpson's rule
    /// on 2048 panels (clamped: plus the point masses at the bounds). Public so that analyses
    /// (e.g. an averaging attacker that inverts it) use the same formula as the mechanism.
    public func expectedRelease(_ value: Double) -> Double {
        let x = bounds.clamp(value)
        let b = scale
        let density: (Double) -> Double = { y in Double.exp(-Swift.abs(y - x) / b) / (2 * b) }
        // Integrate y·f(y) on [l, x] and [x, u] separately (the density has a kink at x).
        func simpson(_ a: Double, _ c: Double, _ g: (Double) -> Double) -> Double {
            guard c > a else { return 0 }
            let n = 2048
            let h = (c - a) / Double(n)
            var sum = g(a) + g(c)
            for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * g(a + Double(i) * h) }
            return sum * h / 3
        }
        let l = bounds.lower, u = bounds.upper
        let firstMoment = simpson(l, x) { $0 * density($0) } + simpson(x, u) { $0 * density($0) }
        switch variant {
        case .truncated:
            return firstMoment / Self.mass(x, scale: b, bounds)
        case .clamped:
            let below = 0.5 * Double.exp(-(x - l) / b)
            let above = 0.5 * Double.exp(-(u - x) / b)
            return firstMoment + l * below + u * above
        }
    }
}
