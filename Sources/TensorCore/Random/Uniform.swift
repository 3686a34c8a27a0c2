// Uniform draws used by every sampler.

extension RandomNumberGenerator {
    /// A uniform `Float` in [0, 1) from the top 24 bits of one draw (every value a multiple of 2⁻²⁴).
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform `Double` in [0, 1) from the top 53 bits of one draw.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform value in [0, 1) of the requested scalar type.
    @inlinable
    public mutating func nextUnit<T: TensorScalar>(_: T.Type = T.self) -> T {
        T.self == Float.self ? T(nextUnitFloat()) : T(nextUnitDouble())
    }
}

extension Tensor {
    /// A tensor of independent uniform draws from `range` (half-open).
    /// - Parameters:
    ///   - shape: the shape of the result.
    ///   - range: lower and upper bound; the upper bound is excluded.
    ///   - rng: the generator (advanced by one draw per element).
    @inlinable
    public static func uniform<G: RandomNumberGenerator>(
        shape: [Int], in range: Range<Scalar> = 0..<1, using rng: inout G
    ) -> Tensor {
        let n = shape.reduce(1, *)
        let width = range.upperBound - range.lowerBound
        var out = [Scalar](repeating: 0, count: n)
        for i in 0..<n { out[i] = range.lowerBound + width * rng.nextUnit(Scalar.self) }
        return Tensor(shape: shape, scalars: out)
    }
}
