import RealModule

// Exponential samples by inversion of the CDF.

extension RandomNumberGenerator {
    /// One draw from the exponential distribution with the given rate λ (mean 1/λ), in Double.
    ///
    /// Inverse-CDF method: `x = −ln(1 − U)/λ` with U uniform on [0, 1) (53-bit), so `1 − U`
    /// lies in (0, 1] and x is finite and ≥ 0.
    /// - Parameter rate: λ (> 0).
    /// - Returns: the sample.
    @inlinable
    public mutating func nextExponential(rate: Double = 1) -> Double {
        precondition(rate > 0, "Exponential rate must be > 0, got \(rate)")
        return -Double.log(1 - nextUnitDouble()) / rate
    }
}

extension Tensor {
    /// A tensor of independent exponential draws with rate λ (mean 1/λ, variance 1/λ²).
    /// - Parameters:
    ///   - shape: the shape of the result.
    ///   - rate: λ (> 0).
    ///   - rng: the generator (one draw per element, row-major order).
    @inlinable
    public static func exponential<G: RandomNumberGenerator>(
        shape: [Int], rate: Scalar = 1, using rng: inout G
    ) -> Tensor {
        precondition(rate > 0, "Exponential rate must be > 0, got \(rate)")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative extent")
        let n = shape.reduce(1, *)
        var out = [Scalar](repeating: 0, count: n)
        let lambda = Double(rate)
        for i in 0..<n { out[i] = Scalar(rng.nextExponential(rate: lambda)) }
        return Tensor(shape: shape, scalars: out)
    }
}
