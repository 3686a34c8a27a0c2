import RealModule

/// Exact (Clopper & Pearson 1934) confidence bounds for a binomial proportion, as used by
/// empirical privacy audits (Jagielski, Ullman & Oprea 2020) to bound false-positive and
/// false-negative rates from counts.
///
/// With k successes in n trials, the one-sided upper bound at confidence c is the p with
/// P[Bin(n, p) ≤ k] = 1 − c, i.e. the c-quantile of Beta(k + 1, n − k) (1 when k = n); the lower
/// bound is the (1 − c)-quantile of Beta(k, n − k + 1) (0 when k = 0). The Beta quantile is found
/// by bisection on the regularized incomplete beta function I_x(a, b), evaluated by its
/// continued fraction (modified Lentz method) with the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
public enum ClopperPearson {
    /// The one-sided upper confidence bound on p.
    /// - Parameters:
    ///   - successes: k ∈ 0…n.
    ///   - trials: n ≥ 1.
    ///   - confidence: c ∈ (0, 1), e.g. 0.975.
    /// - Returns: p_upper ∈ [k/n, 1] with P[p ≤ p_upper] ≥ c.
    public static func upperBound(successes k: Int, trials n: Int, confidence c: Double) -> Double {
        check(k, n, c)
        if k == n { return 1 }
        return betaQuantile(c, a: Double(k + 1), b: Double(n - k))
    }

    /// The one-sided lower confidence bound on p.
    /// - Parameters:
    ///   - successes: k ∈ 0…n.
    ///   - trials: n ≥ 1.
    ///   - confidence: c ∈ (0, 1).
    /// - Returns: p_lower ∈ [0, k/n] with P[p ≥ p_lower] ≥ c.
    public static func lowerBound(successes k: Int, trials n: Int, confidence c: Double) -> Double {
        check(k, n, c)
        if k == 0 { return 0 }
        return betaQuantile(1 - c, a: Double(k), b: Double(n - k + 1))
    }

    private static func check(_ k: Int, _ n: Int, _ c: Double) {
        precondition(n >= 1 && k >= 0 && k <= n, "Clopper–Pearson needs 0 ≤ k ≤ n, n ≥ 1; got k = \(k), n = \(n)")
        precondition(c > 0 && c < 1, "Confidence must be in (0, 1), got \(c)")
    }

    /// The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection to ~1e-13.
    static func betaQuantile(_ p: Double, a: Double, b: Double) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<100 {
            let middle = 0.5 * (low + high)
            if regularizedIncompleteBeta(middle, a: a, b: b) < p { low = middle } else { high = middle }
            if high - low <= 1e-13 * Swift.max(high, 1e-300) { break }
        }
        return 0.5 * (low + high)
    }

    /// I_x(a, b), the regularized incomplete beta function (the Beta(a, b) CDF at x).
    /// - Precondition: a, b > 0; x ∈ [0, 1].
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0 && x >= 0 && x <= 1, "I_x(a, b) needs a, b > 0 and x ∈ [0, 1]")
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        // x^a (1−x)^b / (a·B(a, b)), in logs.
        let logFront =
            a * Double.log(x) + b * Double.log(onePlus: -x) + Double.logGamma(a + b) - Double.logGamma(a)
            - Double.logGamma(b)
        if x < (a + 1) / (a + b + 2) {
            return Double.exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - Double.exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) (Lentz's method), converging for x < (a+1)/(a+b+2).
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if Swift.abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...100_000 {
            let fm = Double(m)
            // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
            var numerator = fm * (b - fm) * x / ((a + 2 * fm - 1) * (a + 2 * fm))
            d = 1 + numerator * d
            if Swift.abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
            numerator = -(a + fm) * (a + b + fm) * x / ((a + 2 * fm) * (a + 2 * fm + 1))
            d = 1 + numerator * d
            if Swift.abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if Swift.abs(delta - 1) < 1e-15 { break }
        }
        return result
    }
}
