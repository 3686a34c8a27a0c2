/// Many jumps at once: ``Xoshiro256/jump()`` is a linear map J over GF(2)²⁵⁶ (the state bits),
/// so n jumps are Jⁿ, applied by square-and-multiply with the matrices J^(2^k) (computed once
/// per process from ``Xoshiro256/jump()`` itself). The result is bit-for-bit the state of n
/// successive ``Xoshiro256/jump()`` calls, in O(log n) matrix-vector products instead of
/// O(n) jumps of 256 steps.
extension Xoshiro256 {
    /// A 256 × 256 matrix over GF(2): column `i` (4 words) is the image of state bit `i`.
    typealias BitMatrix = [[UInt64]]

    /// J^(2^k) for k = 0..<40 (jump counts below 2⁴⁰).
    static let jumpPowers: [BitMatrix] = {
        var columns: BitMatrix = []
        for i in 0..<256 {
            var words: [UInt64] = [0, 0, 0, 0]
            words[i / 64] = 1 << UInt64(i % 64)
            var g = Xoshiro256(state: (words[0], words[1], words[2], words[3]))
            g.jump()
            columns.append([g.s0, g.s1, g.s2, g.s3])
        }
        var powers = [columns]
        for _ in 1..<40 {
            let m = powers[powers.count - 1]
            powers.append(m.map { apply(m, to: $0) })
        }
        return powers
    }()

    /// `m · v` over GF(2).
    static func apply(_ m: BitMatrix, to v: [UInt64]) -> [UInt64] {
        var out: [UInt64] = [0, 0, 0, 0]
        for w in 0..<4 where v[w] != 0 {
            for b in 0..<64 where v[w] & (1 << UInt64(b)) != 0 {
                let column = m[w * 64 + b]
                out[0] ^= column[0]
                out[1] ^= column[1]
                out[2] ^= column[2]
                out[3] ^= column[3]
            }
        }
        return out
    }

    /// Advances the state by `count` jumps (as `count` calls of ``jump()``).
    @usableFromInline
    mutating func jump(times count: Int) {
        precondition(count >= 0 && count < 1 << 40, "Jump count must be in 0..<2^40, got \(count)")
        var v = [s0, s1, s2, s3]
        var k = 0
        var n = count
        while n > 0 {
            if n & 1 != 0 { v = Self.apply(Self.jumpPowers[k], to: v) }
            n >>= 1
            k += 1
        }
        (s0, s1, s2, s3) = (v[0], v[1], v[2], v[3])
    }
}
