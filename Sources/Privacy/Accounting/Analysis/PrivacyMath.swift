import RealModule

/// Special functions used by the calibration and accounting code, in `Double`.
///
/// Φ is computed through `erfc` (never `1 − erf`) so that tail probabilities down to
/// ~10⁻³⁰⁰ keep full relative precision; beyond `erfc`'s range the asymptotic series of
/// log erfc takes over.
enum PrivacyMath {
    /// The standard normal CDF Φ(x) = ½·erfc(−x/√2).
    static func normalCDF(_ x: Double) -> Double {
        0.5 * Double.erfc(-x / 2.0.squareRoot())
    }

    /// log erfc(x), accurate for large positive x where erfc underflows.
    ///
    /// For x > 25 uses the asymptotic expansion
    /// `−x² − log(x√π) + log(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸))`
    /// (the same regime as TF Privacy's `_log_erfc` fallback).
    static func logErfc(_ x: Double) -> Double {
        if x < 25 { return Double.log(Double.erfc(x)) }
        let inverseSquare = 1 / (x * x)
        let series =
            1 - 0.5 * inverseSquare + 0.75 * inverseSquare * inverseSquare - 1.875 * inverseSquare * inverseSquare
            * inverseSquare + 6.5625 * inverseSquare * inverseSquare * inverseSquare * inverseSquare
        return -x * x - Double.log(x) - 0.5 * Double.log(Double.pi) + Double.log(series)
    }

    /// log Φ(x), accurate in the far lower tail.
    static func logNormalCDF(_ x: Double) -> Double {
        Double.log(0.5) + logErfc(-x / 2.0.squareRoot())
    }

    /// log(eˣ + eʸ) without overflow; −∞ is the neutral element.
    static func logAdd(_ x: Double, _ y: Double) -> Double {
        let a = Swift.min(x, y)
        let b = Swift.max(x, y)
        if a == -.infinity { return b }
        return b + Double.log(onePlus: Double.exp(a - b))
    }

    /// log(eˣ − eʸ) for x ≥ y; returns −∞ when they are equal.
    static func logSubtract(_ x: Double, _ y: Double) -> Double {
        precondition(x >= y, "logSubtract needs x ≥ y, got \(x) < \(y)")
        if y == -.infinity { return x }
        if x == y { return -.infinity }
        // log(eˣ − eʸ) = x + log(1 − e^{y−x}) = x + log(−expm1(y − x)).
        return x + Double.log(-Double.expMinusOne(y - x))
    }

    /// Finds the root of a function that is monotone on [lower, upper] by bisection.
    ///
    /// `isBelow(x)` must be true on [lower, root) and false on [root, upper].
    /// Iterates until the bracket is narrower than `relativeTolerance·|x|` (or 200 steps).
    static func bisect(
        lower: Double, upper: Double, relativeTolerance: Double = 1e-13, isBelow: (Double) -> Bool
    ) -> Double {
        var lo = lower
        var hi = upper
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if isBelow(mid) { lo = mid } else { hi = mid }
            if hi - lo <= relativeTolerance * Swift.max(Swift.abs(lo), Swift.abs(hi)) { break }
        }
        return 0.5 * (lo + hi)
    }
}
