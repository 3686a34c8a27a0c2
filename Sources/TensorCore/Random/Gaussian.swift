import RealModule

extension RandomNumberGenerator {
    /// One standard normal draw (Box–Muller transform, Box & Muller 1958), in `Double`.
    ///
    /// Uses two uniform draws; `u₁` is taken from (0, 1] so the logarithm is finite.
    @inlinable
    public mutating func nextStandardGaussian() -> Double {
        let u1 = 1 - nextUnitDouble()
        let u2 = nextUnitDouble()
        return Double.sqrt(-2 * Double.log(u1)) * Double.cos(2 * Double.pi * u2)
    }
}

extension Tensor {
    /// A tensor of independent Gaussian draws `N(mean, standardDeviation²)`.
    ///
    /// Uses the vectorized bulk sampler ``GaussianFill`` (Box–Muller over independent xoshiro
    /// lanes) on one thread; the result is a deterministic function of `rng`'s state, which is
    /// advanced by two draws.
    /// - Parameters:
    ///   - shape: the shape of the result.
    ///   - mean: the mean of each element.
    ///   - standardDeviation: the standard deviation (≥ 0).
    ///   - rng: the generator.
    @inlinable
    public static func gaussian<G: RandomNumberGenerator>(
        shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1, using rng: inout G
    ) -> Tensor {
        precondition(standardDeviation >= 0, "Gaussian standard deviation must be ≥ 0, got \(standardDeviation)")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        let n = shape.reduce(1, *)
        var out = [Scalar](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer {
            GaussianFill.normal($0, mean: mean, standardDeviation: standardDeviation, using: &rng)
        }
        return Tensor(shape: shape, scalars: out)
    }
}
