/// xoshiro256** (Blackman & Vigna 2018): SemCom's fast 64-bit generator with independent,
/// splittable streams.
///
/// - Seeding: ``init(seed:)`` expands the seed with ``SplitMix64`` (as the authors recommend),
///   so nearby seeds give unrelated sequences.
/// - Streams: ``init(seed:stream:)`` gives a generator for sub-stream `stream` (a client, a
///   round, a worker, a chunk of a long buffer). ``jump()`` advances by 2¹²⁸ draws, so
///   `stream` jumps apart the sequences cannot overlap for any realistic use.
/// - ``split()`` returns a child generator seeded from this one's output (MLX/JAX-style key
///   splitting) and advances this one, for tree-shaped work.
///
/// The generator is not cryptographically secure: DP noise and secure-aggregation masks in
/// deployment draw from `SystemRandomNumberGenerator`, chosen explicitly by the caller.
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator from a 64-bit seed, expanded through SplitMix64.
    @inlinable
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is the one forbidden state
    }

    /// Creates the generator of sub-stream `stream` of `seed`: the seed's generator jumped
    /// `stream` times by 2¹²⁸ draws.
    /// - Complexity: O(stream) jumps of 256 steps each up to 64 streams, then O(log stream)
    ///   GF(2) matrix-vector products (the same state; see `jump(times:)`).
    @inlinable
    public init(seed: UInt64, stream: Int) {
        precondition(stream >= 0, "Stream index must be non-negative, got \(stream)")
        self.init(seed: seed)
        if stream <= 64 {
            for _ in 0..<stream { jump() }
        } else {
            jump(times: stream)
        }
    }

    /// Creates a generator from four explicit state words (at least one non-zero).
    @inlinable
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state.0 | state.1 | state.2 | state.3 != 0, "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// The four state words (for ``init(state:)``: a generator saved between processes, such as a
    /// clinic's between federated rounds).
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// Advances the state by 2¹²⁸ draws (the authors' jump polynomial).
    @inlinable
    public mutating func jump() {
        let table: [UInt64] = [0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C]
        var t0: UInt64 = 0
        var t1: UInt64 = 0
        var t2: UInt64 = 0
        var t3: UInt64 = 0
        for word in table {
            for b in 0..<64 {
                if word & (1 << UInt64(b)) != 0 {
                    t0 ^= s0
                    t1 ^= s1
                    t2 ^= s2
                    t3 ^= s3
                }
                _ = next()
            }
        }
        (s0, s1, s2, s3) = (t0, t1, t2, t3)
    }

    /// Returns an independent child generator and advances this one.
    ///
    /// The child's state is four SplitMix64-mixed outputs of this generator, so parent and
    /// child sequences are statistically independent.
    @inlinable
    public mutating func split() -> Xoshiro256 {
        var sm = SplitMix64(seed: next())
        return Xoshiro256(state: (sm.next(), sm.next(), sm.next(), sm.next() | 1))
    }

    /// A child generator for `stream`, derived without changing this generator.
    ///
    /// `fork(stream: i)` is a pure function of the current state and `i`; distinct streams
    /// give independent generators (each state word passes through SplitMix64).
    @inlinable
    public func fork(stream: UInt64) -> Xoshiro256 {
        var sm = SplitMix64(seed: SplitMix64.mix(s0 ^ SplitMix64.mix(stream &+ 0x632B_E59B_D9B4_E019)) ^ s2)
        return Xoshiro256(state: (sm.next() ^ s1, sm.next() ^ s3, sm.next(), sm.next() | 1))
    }
}
