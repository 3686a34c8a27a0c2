/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator used to expand a 64-bit seed.
///
/// SemCom uses it to seed ``Xoshiro256`` and to derive independent stream seeds; it is also
/// a fine `RandomNumberGenerator` for tests. The sequence is fully determined by `seed`.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state (advances by the golden-ratio increment each draw).
    @inlinable public var state: UInt64 { storedState }
    @usableFromInline var storedState: UInt64

    /// Creates a generator whose first output is the mix of `seed + 0x9E3779B97F4A7C15`.
    @inlinable
    public init(seed: UInt64) {
        storedState = seed
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        storedState &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(storedState)
    }

    /// The SplitMix64 finalizer (a bijective 64-bit mixer).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
