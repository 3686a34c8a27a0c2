// Exact Bernoulli draws.

extension RandomNumberGenerator {
    /// A Bernoulli draw that is `true` with probability exactly `probability`.
    ///
    /// Every finite `Double` is a dyadic rational, so its binary expansion is finite. The draw
    /// compares a uniform real U ∈ [0, 1), generated 64 bits at a time, with that expansion and
    /// stops at the first differing word: P(U < p) = p exactly (for a uniform bit source), with
    /// 1 + 2⁻⁶⁴ draws on average. p ≤ 0 always gives `false`, p ≥ 1 always `true`.
    /// - Parameter probability: p (not NaN).
    /// - Returns: `true` with probability p.
    @inlinable
    public mutating func nextBernoulli(probability: Double) -> Bool {
        precondition(!probability.isNaN, "Bernoulli probability must not be NaN")
        if probability <= 0 { return false }
        if probability >= 1 { return true }
        var rest = probability  // the not-yet-compared tail of p's expansion, scaled to [0, 1)
        while rest > 0 {
            let scaled = rest * 0x1p64  // exact: a power-of-two scaling, < 2⁶⁴
            let word = UInt64(scaled)  // the next 64 bits of p
            rest = scaled - Double(word)  // exact: removes the integer part
            let r = next()
            if r != word { return r < word }
        }
        return false  // U agrees with p on every non-zero bit and p's expansion ended: U ≥ p
    }

    /// A Bernoulli draw that is `true` with probability exactly `numerator / denominator`.
    ///
    /// Draws a uniform integer in `0..<denominator` (rejection sampling, unbiased) and compares
    /// it with `numerator`.
    /// - Parameters:
    ///   - numerator: n (≤ denominator).
    ///   - denominator: d (> 0).
    /// - Returns: `true` with probability n/d.
    @inlinable
    public mutating func nextBernoulli(numerator: UInt128, denominator: UInt128) -> Bool {
        precondition(
            denominator > 0 && numerator <= denominator,
            "Bernoulli(n/d) needs 0 ≤ n ≤ d and d > 0, got \(numerator)/\(denominator)")
        if numerator == denominator { return true }
        if numerator == 0 { return false }
        return UInt128.random(in: 0..<denominator, using: &self) < numerator
    }
}

extension Tensor {
    /// A tensor of independent Bernoulli(p) draws: each element is 1 with probability exactly p
    /// (see ``Swift/RandomNumberGenerator/nextBernoulli(probability:)``), else 0.
    /// - Parameters:
    ///   - shape: the shape of the result.
    ///   - probability: p ∈ [0, 1].
    ///   - rng: the generator.
    @inlinable
    public static func bernoulli<G: RandomNumberGenerator>(
        shape: [Int], probability: Double, using rng: inout G
    ) -> Tensor {
        precondition(
            probability >= 0 && probability <= 1, "Bernoulli probability must be in [0, 1], got \(probability)")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        let n = shape.reduce(1, *)
        var out = [Scalar](repeating: 0, count: n)
        for i in 0..<n where rng.nextBernoulli(probability: probability) { out[i] = 1 }
        return Tensor(shape: shape, scalars: out)
    }
}
