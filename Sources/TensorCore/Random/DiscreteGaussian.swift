// The exact discrete Gaussian sampler of Canonne, Kamath & Steinke, "The Discrete Gaussian for
// Differential Privacy" (NeurIPS 2020), Algorithms 1–3, in integer arithmetic.

extension RandomNumberGenerator {
    /// A Bernoulli draw that is `true` with probability exactly exp(−n/d).
    ///
    /// Canonne, Kamath & Steinke 2020, Algorithm 1. For γ = n/d ∈ [0, 1]: draw
    /// A₁ ~ Bernoulli(γ/1), A₂ ~ Bernoulli(γ/2), … until the first failure at step K and return
    /// whether K is odd (P = Σ (−γ)ᵏ/k! = e^(−γ)). For γ > 1: ⌊γ⌋ draws of Bernoulli(e⁻¹), all of
    /// which must succeed, then Bernoulli(e^(−(γ − ⌊γ⌋))). Each Bernoulli(γ/k) is the conjunction
    /// of Bernoulli(n/d) and Bernoulli(1/k), both exact integer comparisons, so nothing overflows
    /// and nothing is rounded.
    /// - Parameters:
    ///   - numerator: n ≥ 0.
    ///   - denominator: d > 0.
    /// - Returns: `true` with probability exp(−n/d).
    public mutating func nextBernoulliExpMinus(numerator: UInt128, denominator: UInt128) -> Bool {
        precondition(denominator > 0, "exp(−n/d) needs d > 0, got d = \(denominator)")
        let whole = numerator / denominator
        let fraction = numerator % denominator
        var k: UInt128 = 0
        while k < whole {
            if !nextBernoulliExpMinusAtMostOne(numerator: 1, denominator: 1) { return false }
            k += 1
        }
        return nextBernoulliExpMinusAtMostOne(numerator: fraction, denominator: denominator)
    }

    /// Algorithm 1's inner loop for γ = n/d ≤ 1.
    mutating func nextBernoulliExpMinusAtMostOne(numerator: UInt128, denominator: UInt128) -> Bool {
        var k: UInt128 = 1
        while nextBernoulli(numerator: numerator, denominator: denominator)
            && nextBernoulli(numerator: 1, denominator: k)
        {
            k += 1
        }
        return k & 1 == 1
    }

    /// One draw from the discrete Laplace distribution with integer scale t:
    /// P(Y = y) = (e^(1/t) − 1)/(e^(1/t) + 1)·e^(−|y|/t), y ∈ ℤ.
    ///
    /// Canonne, Kamath & Steinke 2020, Algorithm 2 with s = 1: U uniform on {0, …, t − 1} kept with
    /// probability e^(−U/t), V ~ Geometric(1 − e⁻¹) counted with Bernoulli(e⁻¹) draws, X = U + t·V,
    /// a fair sign, and rejection of "−0". Exact: only integer comparisons are used.
    /// - Parameter scale: t ≥ 1.
    /// - Returns: the sample.
    public mutating func nextDiscreteLaplace(scale: UInt64) -> Int64 {
        precondition(scale >= 1, "Discrete Laplace scale must be ≥ 1, got \(scale)")
        let t = UInt128(scale)
        while true {
            let u = UInt128.random(in: 0..<t, using: &self)
            if !nextBernoulliExpMinus(numerator: u, denominator: t) { continue }
            var v: UInt128 = 0
            while nextBernoulliExpMinusAtMostOne(numerator: 1, denominator: 1) { v += 1 }
            let x = u + t * v
            // |Y| ≥ 2⁶³ has probability about exp(−2⁶³/t): never for any realistic t; trap, don't wrap.
            precondition(x < UInt128(Int64.max), "Discrete Laplace draw \(x) exceeds Int64 (scale \(scale))")
            let negative = nextBernoulli(numerator: 1, denominator: 2)
            if negative && x == 0 { continue }
            return negative ? -Int64(x) : Int64(x)
        }
    }
}

/// The discrete Gaussian distribution N_ℤ(0, σ²) on the integers, sampled exactly.
///
/// P(Y = y) ∝ exp(−y²/(2σ²)), y ∈ ℤ (Canonne, Kamath & Steinke, "The Discrete Gaussian for
/// Differential Privacy", NeurIPS 2020). Sampling follows the paper's Algorithm 3: with
/// t = ⌊σ⌋ + 1, draw Y from the discrete Laplace distribution of scale t (Algorithm 2) and accept
/// it with probability exp(−(|Y| − σ²/t)²/(2σ²)) (Algorithm 1).
///
/// **What is exact.** σ² is held as a rational a/b with 1 ≤ a, b ≤ 2³². Every acceptance test is
/// an exact comparison of uniform integers: the exponent (|Y| − σ²/t)²/(2σ²) is the fraction
/// (|Y|·b·t − a)² / (2·a·b·t²) computed in `UInt128` (no rounding), and t = ⌊√(a/b)⌋ + 1 is found
/// by integer comparison. So, given a generator with uniform independent bits, the output follows
/// N_ℤ(0, a/b) exactly. The only guarded event is an overflow check: |Y|·b·t ≥ 2⁶⁴ needs
/// |Y| ≥ 2³¹ from a proposal of scale t ≤ 2¹⁶ + 1, probability below e^(−32000); it traps rather
/// than approximates.
///
/// When σ² is given as a `Double` (``init(variance:)``), it is first replaced by the last
/// continued-fraction convergent a/b of its exact binary value with a, b ≤ 2³²; the samples are
/// exactly N_ℤ(0, a/b), and |a/b − σ²| is at most about max(1, σ²)/(b·2³²) (the convergent
/// bound 1/(b·b′), b′ the next convergent's denominator); a/b = σ² when the expansion ends. Use
/// ``init(varianceNumerator:varianceDenominator:)`` for an exactly specified σ².
///
/// DP deployments pass a cryptographically secure generator (`SystemRandomNumberGenerator`).
///
/// ```swift
/// var rng = Xoshiro256(seed: 1)
/// let noise = DiscreteGaussian(varianceNumerator: 9, varianceDenominator: 1)  // σ = 3
/// let y: [Int64] = noise.samples(count: 1000, using: &rng)
/// ```
public struct DiscreteGaussian: Sendable, Hashable {
    /// a in σ² = a/b.
    public let varianceNumerator: UInt64
    /// b in σ² = a/b.
    public let varianceDenominator: UInt64
    /// t = ⌊σ⌋ + 1, the scale of the discrete Laplace proposal.
    public let laplaceScale: UInt64

    /// The largest numerator or denominator accepted (2³²).
    public static let maximumTerm: UInt64 = 1 << 32

    /// Creates the distribution N_ℤ(0, a/b) for an exact rational variance.
    /// - Parameters:
    ///   - varianceNumerator: a, 1 ≤ a ≤ 2³².
    ///   - varianceDenominator: b, 1 ≤ b ≤ 2³².
    public init(varianceNumerator a: UInt64, varianceDenominator b: UInt64 = 1) {
        precondition(
            a >= 1 && b >= 1 && a <= Self.maximumTerm && b <= Self.maximumTerm,
            "Discrete Gaussian variance a/b needs 1 ≤ a, b ≤ 2³², got \(a)/\(b)")
        let g = Self.gcd(a, b)
        varianceNumerator = a / g
        varianceDenominator = b / g
        laplaceScale = Self.floorSquareRoot(numerator: a / g, denominator: b / g) + 1
    }

    /// Creates the distribution for a `Double` variance, via its best rational approximation
    /// a/b with a, b ≤ 2³² (continued fractions; exact when σ² is such a fraction, e.g. 2.25).
    /// - Parameter variance: σ² in [2⁻³⁰, 2³⁰].
    public init(variance: Double) {
        precondition(
            variance.isFinite && variance >= 0x1p-30 && variance <= 0x1p30,
            "Discrete Gaussian variance must be in [2⁻³⁰, 2³⁰], got \(variance)")
        let (a, b) = Self.convergent(of: variance)
        self.init(varianceNumerator: a, varianceDenominator: b)
    }

    /// σ² = a/b as a `Double` (rounded).
    public var variance: Double { Double(varianceNumerator) / Double(varianceDenominator) }

    /// One exact draw from N_ℤ(0, σ²).
    /// - Parameter rng: the generator.
    /// - Returns: the sample.
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        let a = UInt128(varianceNumerator)
        let b = UInt128(varianceDenominator)
        let t = UInt128(laplaceScale)
        let denominator = 2 * a * b * t * t  // ≤ 2·2⁶⁴·(2¹⁶ + 1)²: fits
        while true {
            let y = rng.nextDiscreteLaplace(scale: laplaceScale)
            let bt = b * t
            let (ybt, overflow) = UInt128(y.magnitude).multipliedReportingOverflow(by: bt)
            precondition(!overflow && ybt < (1 << 64), "Discrete Gaussian proposal \(y) too large (σ² = \(a)/\(b))")
            let difference = ybt >= a ? ybt - a : a - ybt
            if rng.nextBernoulliExpMinus(numerator: difference * difference, denominator: denominator) {
                return y
            }
        }
    }

    /// `count` independent exact draws from N_ℤ(0, σ²).
    /// - Parameters:
    ///   - count: the number of samples (≥ 0).
    ///   - rng: the generator.
    /// - Returns: the samples, `[count]`.
    public func samples<G: RandomNumberGenerator>(count: Int, using rng: inout G) -> [Int64] {
        precondition(count >= 0, "Sample count must be ≥ 0, got \(count)")
        var out = [Int64]()
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(sample(using: &rng)) }
        return out
    }

    /// Overwrites `buffer` with independent exact draws.
    /// - Parameters:
    ///   - buffer: the samples to overwrite.
    ///   - rng: the generator.
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        for i in buffer.indices { buffer[i] = sample(using: &rng) }
    }

    static func gcd(_ x: UInt64, _ y: UInt64) -> UInt64 {
        var (p, q) = (x, y)
        while q != 0 { (p, q) = (q, p % q) }
        return p
    }

    /// ⌊√(a/b)⌋ by exact integer comparison (k²·b ≤ a).
    static func floorSquareRoot(numerator a: UInt64, denominator b: UInt64) -> UInt64 {
        var k = UInt64((Double(a) / Double(b)).squareRoot())
        let a128 = UInt128(a)
        let b128 = UInt128(b)
        while UInt128(k) * UInt128(k) * b128 > a128 { k -= 1 }
        while UInt128(k + 1) * UInt128(k + 1) * b128 <= a128 { k += 1 }
        return k
    }

    /// The last continued-fraction convergent p/q of `x` (exactly, from its binary value) with
    /// p, q ≤ 2³², and p ≥ 1.
    static func convergent(of x: Double) -> (UInt64, UInt64) {
        // x = significand·2^exponent exactly; with x ∈ [2⁻³⁰, 2³⁰] both parts fit in UInt128.
        let e = x.exponent - Int(Double.significandBitCount)
        let m = UInt128(x.significandBitPattern | (1 << UInt64(Double.significandBitCount)))
        var num = e >= 0 ? m << UInt128(e) : m
        var den: UInt128 = e >= 0 ? 1 : 1 << UInt128(-e)
        let limit = UInt128(maximumTerm)
        var (h1, h2): (UInt128, UInt128) = (1, 0)
        var (k1, k2): (UInt128, UInt128) = (0, 1)
        var best: (UInt128, UInt128) = (0, 1)
        while den != 0 {
            let q = num / den
            let h = q * h1 + h2
            let k = q * k1 + k2
            if h > limit || k > limit { break }
            best = (h, k)
            (h2, h1) = (h1, h)
            (k2, k1) = (k1, k)
            (num, den) = (den, num - q * den)
        }
        if best.0 == 0 { best = (1, limit) }  // x < 2⁻³²: cannot happen for x ≥ 2⁻³⁰
        return (UInt64(best.0), UInt64(best.1))
    }
}
