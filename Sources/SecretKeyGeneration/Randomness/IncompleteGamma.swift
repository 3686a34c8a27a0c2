import RealModule

/// The special functions of the NIST SP 800-22 p-values, in `Double`.
public enum RandomnessSpecialFunctions {
    /// The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x)/Γ(a)` (`igamc` of
    /// SP 800-22), for `a > 0`, `x ≥ 0`.
    ///
    /// The series `P(a, x) = e^{−x} xᵃ / Γ(a+1) · Σ xᵏ / ((a+1)…(a+k))` for `x < a + 1`
    /// (Q = 1 − P), and Legendre's continued fraction evaluated by the modified Lentz method for
    /// `x ≥ a + 1` (Press et al., *Numerical Recipes*, 3rd ed., §6.2; Abramowitz & Stegun 6.5.29,
    /// 6.5.31). `ln Γ` comes from swift-numerics. Relative accuracy ~1e-14 where Q is not tiny.
    /// - Precondition: `a > 0`, `x ≥ 0`, both finite.
    public static func igamc(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && a.isFinite && x >= 0 && x.isFinite, "igamc needs a > 0 and x ≥ 0, got a = \(a), x = \(x)")
        if x == 0 { return 1 }
        let logPrefactor = a * Double.log(x) - x - Double.logGamma(a)
        if x < a + 1 {
            // Series for P.
            var sum = 1 / a
            var term = 1 / a
            var ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return Swift.max(0, 1 - sum * Double.exp(logPrefactor))
        }
        // Continued fraction for Q.
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 10_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return Double.exp(logPrefactor) * h
    }

    /// The complementary error function `erfc(x) = Q(½, x²)` for `x ≥ 0` and `2 − erfc(−x)` for
    /// `x < 0` (A&S 7.1.2, 6.5.17).
    /// - Precondition: `x` is finite.
    public static func erfc(_ x: Double) -> Double {
        precondition(x.isFinite, "erfc needs a finite argument, got \(x)")
        return x >= 0 ? igamc(0.5, x * x) : 2 - igamc(0.5, x * x)
    }

    /// The standard normal distribution function `Φ(x) = ½·erfc(−x/√2)`.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
}
