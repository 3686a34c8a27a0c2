import RealModule

/// Privacy amplification by a random Toeplitz matrix: a 2-universal hash family (Carter &
/// Wegman; Krawczyk, CRYPTO 1994) selected by `n + ℓ − 1` public seed bits.
///
/// The `ℓ × n` matrix over GF(2) has constant diagonals, `T[i][j] = s[i − j + n − 1]`, and the
/// output is `y = T·x mod 2`. By the leftover hash lemma (Impagliazzo, Levin & Luby 1989;
/// Bennett, Brassard, Crépeau & Maurer, "Generalized privacy amplification", IEEE TIT 1995),
/// if the input has min-entropy `H` given everything the eavesdropper knows, the output is
/// `ε`-close to uniform for `ℓ ≤ H − 2·log₂(1/ε)`; ``PrivacyAmplification/outputLength(minEntropy:leakedBits:securityParameter:)``
/// subtracts the reconciliation leakage from `H` as well.
public struct ToeplitzHash: Sendable, Hashable {
    /// The seed bits `s` (0/1), `n + ℓ − 1` of them.
    public var seed: [UInt8]
    /// Input length `n`.
    public var inputLength: Int
    /// Output length `ℓ`.
    public var outputLength: Int

    /// A hash with a given seed.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidParameter`` unless `n ≥ 1`, `ℓ ≥ 1` and the
    ///   seed has `n + ℓ − 1` bits.
    public init(seed: [UInt8], inputLength: Int, outputLength: Int) throws(SecretKeyGenerationError) {
        guard inputLength >= 1, outputLength >= 1 else {
            throw SecretKeyGenerationError(
                code: .invalidParameter,
                message: "Toeplitz hash needs input and output lengths ≥ 1, got \(inputLength) and \(outputLength)")
        }
        guard seed.count == inputLength + outputLength - 1 else {
            throw SecretKeyGenerationError(
                code: .invalidKeyLength,
                message: "Toeplitz seed must have n + ℓ − 1 = \(inputLength + outputLength - 1) bits, got \(seed.count)")
        }
        self.seed = seed.map { $0 & 1 }
        self.inputLength = inputLength
        self.outputLength = outputLength
    }

    /// A hash with a fresh public seed drawn from `rng`.
    public init<G: RandomNumberGenerator>(inputLength: Int, outputLength: Int, using rng: inout G)
        throws(SecretKeyGenerationError)
    {
        let count = Swift.max(0, inputLength + outputLength - 1)
        var bits: [UInt8] = []
        bits.reserveCapacity(count)
        while bits.count < count {
            let word = rng.next()
            for j in 0..<Swift.min(64, count - bits.count) { bits.append(UInt8((word >> UInt64(j)) & 1)) }
        }
        try self.init(seed: bits, inputLength: inputLength, outputLength: outputLength)
    }

    /// `T·x mod 2`.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidInput`` unless `x` has `n` bits.
    public func hash(_ x: [UInt8]) throws(SecretKeyGenerationError) -> [UInt8] {
        guard x.count == inputLength else {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "Toeplitz hash input must have \(inputLength) bits, got \(x.count)")
        }
        let n = inputLength
        // y_i = Σ_j s[i + n − 1 − j]·x_j: pack x reversed and the seed into words, then AND/popcount
        // over a sliding window of the seed.
        let reversed = x.reversed().map { $0 & 1 }
        let packedX = Self.pack(reversed)
        let packedSeed = Self.pack(seed)
        var out = [UInt8](repeating: 0, count: outputLength)
        for i in 0..<outputLength {
            // Row i uses seed bits i … i + n − 1 against reversed x bits 0 … n − 1.
            var acc: UInt64 = 0
            var k = 0
            while k < n {
                let window = Self.bits(packedSeed, from: i + k)
                var w = window & packedX[k >> 6]
                if n - k < 64 { w &= (UInt64(1) << UInt64(n - k)) &- 1 }
                acc ^= w
                k += 64
            }
            out[i] = UInt8(acc.nonzeroBitCount & 1)
        }
        return out
    }

    static func pack(_ bits: [UInt8]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (bits.count + 63) / 64 + 1)
        for (i, b) in bits.enumerated() where b & 1 == 1 { words[i >> 6] |= UInt64(1) << UInt64(i & 63) }
        return words
    }

    /// 64 bits starting at bit `offset` of a packed array (zeros past the end).
    static func bits(_ words: [UInt64], from offset: Int) -> UInt64 {
        let word = offset >> 6
        let shift = UInt64(offset & 63)
        let low = word < words.count ? words[word] >> shift : 0
        guard shift != 0, word + 1 < words.count else { return low }
        return low | (words[word + 1] << (64 - shift))
    }
}

/// The output length of privacy amplification.
public enum PrivacyAmplification {
    /// `ℓ = ⌊H_min − leaked − 2·log₂(1/ε)⌋`, or 0 when that is not positive (no key: never a
    /// pretend key).
    /// - Parameters:
    ///   - minEntropy: the min-entropy of the reconciled string, bits.
    ///   - leakedBits: bits revealed in reconciliation.
    ///   - securityParameter: `ε_sec` in (0, 1).
    public static func outputLength(minEntropy: Double, leakedBits: Int, securityParameter: Double) -> Int {
        precondition(securityParameter > 0 && securityParameter < 1, "ε_sec must be in (0, 1), got \(securityParameter)")
        let length = minEntropy - Double(leakedBits) - 2 * (-Double.log2(securityParameter))
        return length >= 1 ? Int(length.rounded(.down)) : 0
    }
}
