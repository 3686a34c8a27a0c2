import RealModule

// Continuous Laplace samples by inversion of the CDF.

extension RandomNumberGenerator {
    /// One draw from the Laplace distribution with the given location μ and scale b (Double).
    ///
    /// Inverse-CDF method: with V uniform on [−½, ½) (53-bit), `x = μ − b·sign(V)·ln(1 − 2|V|)`.
    /// `1 − 2|V|` lies in (0, 1], so the result is always finite; its density is
    /// `exp(−|x − μ|/b)/(2b)`, mean μ, variance 2b². This is the Laplace mechanism's noise
    /// (Dwork, McSherry, Nissim & Smith 2006).
    /// - Parameters:
    ///   - location: μ.
    ///   - scale: b (≥ 0).
    /// - Returns: the sample.
    @inlinable
    public mutating func nextLaplace(location: Double = 0, scale: Double = 1) -> Double {
        precondition(scale >= 0, "Laplace scale must be ≥ 0, got \(scale)")
        let v = nextUnitDouble() - 0.5
        let magnitude = -scale * Double.log(1 - 2 * Swift.abs(v))
        return v < 0 ? location - magnitude : location + magnitude
    }
}

extension Tensor {
    /// A tensor of independent Laplace draws with location μ and scale b.
    ///
    /// Each element is ``Swift/RandomNumberGenerator/nextLaplace(location:scale:)`` computed in
    /// `Double` and rounded to `Scalar` (one generator draw per element, in row-major order).
    /// - Parameters:
    ///   - shape: the shape of the result.
    ///   - location: μ, the mean.
    ///   - scale: b (≥ 0); the variance is 2b².
    ///   - rng: the generator.
    @inlinable
    public static func laplace<G: RandomNumberGenerator>(
        shape: [Int], location: Scalar = 0, scale: Scalar = 1, using rng: inout G
    ) -> Tensor {
        precondition(scale >= 0, "Laplace scale must be ≥ 0, got \(scale)")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        let n = shape.reduce(1, *)
        var out = [Scalar](repeating: 0, count: n)
        let mu = Double(location)
        let b = Double(scale)
        for i in 0..<n { out[i] = Scalar(rng.nextLaplace(location: mu, scale: b)) }
        return Tensor(shape: shape, scalars: out)
    }
}
