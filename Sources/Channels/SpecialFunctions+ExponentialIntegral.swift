import RealModule

extension SpecialFunctions {
    /// The exponential integral `E1(x) = ∫ₓ^∞ e^{−t}/t dt` for `x > 0`.
    ///
    /// Power series `−γ − ln x − Σ_{k≥1} (−x)ᵏ/(k·k!)` for `x ≤ 1` (Abramowitz & Stegun 5.1.11) and
    /// the continued fraction of A&S 5.1.22, evaluated with the modified Lentz method (Press et
    /// al., *Numerical Recipes*, 3rd ed., §6.3), for `x > 1`. Relative error ~1e-15.
    /// - Precondition: `x > 0` and finite.
    public static func exponentialIntegralE1(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "E1 needs a finite x > 0, got \(x)")
        if x <= 1 { return e1Series(x) }
        return scaledE1ContinuedFraction(x) * Double.exp(-x)
    }

    /// `eˣ·E1(x)` for `x > 0`, computed without overflow for large `x` (where `E1` underflows and
    /// `eˣ` overflows). The ergodic Rayleigh capacity is `log2(e)·e^{1/γ}·E1(1/γ)`.
    /// - Precondition: `x > 0` and finite.
    public static func scaledExponentialIntegralE1(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "E1 needs a finite x > 0, got \(x)")
        if x <= 1 { return Double.exp(x) * e1Series(x) }
        return scaledE1ContinuedFraction(x)
    }

    private static func e1Series(_ x: Double) -> Double {
        let eulerGamma = 0.577_215_664_901_532_860_6
        var sum = 0.0
        var term = 1.0  // (−x)^k / k!
        var k = 1.0
        while k < 100 {
            term *= -x / k
            let contribution = term / k
            sum += contribution
            if abs(contribution) < 1e-17 * max(abs(sum), 1e-300) { break }
            k += 1
        }
        return -eulerGamma - Double.log(x) - sum
    }

    /// `eˣ·E1(x)` by the continued fraction `1/(x + 1 − 1²/(x + 3 − 2²/(x + 5 − …)))`, x > 1.
    private static func scaledE1ContinuedFraction(_ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 1000 {
            let an = -i * i
            b += 2
            d = 1 / (an * d + b)
            c = b + an / c
            let delta = c * d
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return h
    }
}
