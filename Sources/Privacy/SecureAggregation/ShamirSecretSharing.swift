// Shamir t-of-n secret sharing over the prime field GF(2^61 − 1).

/// One share of a secret split by ``ShamirSecretSharing``.
///
/// The share is the evaluation `values[k] = f_k(x)` of one random polynomial `f_k` of degree
/// `threshold − 1` per 7-byte chunk `k` of the secret, with `f_k(0)` the chunk.
public struct ShamirShare: Sendable, Hashable {
    /// The evaluation point, in `1..<p` (never 0, which is where the secret lives).
    public let x: UInt64
    /// The number of shares needed to reconstruct (the polynomial degree + 1).
    public let threshold: Int
    /// Length in bytes of the shared secret.
    public let secretByteCount: Int
    /// One field element (< 2^61 − 1) per 7-byte chunk of the secret: ⌈secretByteCount / 7⌉ values.
    public let values: [UInt64]

    /// Creates a share from its parts (as received from a transport).
    /// - Precondition: `values.count == ⌈secretByteCount / 7⌉`; use ``init(serialized:)`` for untrusted bytes.
    public init(x: UInt64, threshold: Int, secretByteCount: Int, values: [UInt64]) {
        precondition(
            values.count == ShamirSecretSharing.elementCount(forSecretByteCount: secretByteCount),
            "A share of a \(secretByteCount)-byte secret has \(ShamirSecretSharing.elementCount(forSecretByteCount: secretByteCount)) values, got \(values.count)"
        )
        self.x = x
        self.threshold = threshold
        self.secretByteCount = secretByteCount
        self.values = values
    }

    /// The share's byte encoding: `x` (UInt64 LE), `threshold` (UInt32 LE), `secretByteCount`
    /// (UInt32 LE), then each value as UInt64 LE.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + 8 * values.count)
        SecureAggregationBytes.append(x, to: &bytes)
        SecureAggregationBytes.append(UInt32(threshold), to: &bytes)
        SecureAggregationBytes.append(UInt32(secretByteCount), to: &bytes)
        for value in values { SecureAggregationBytes.append(value, to: &bytes) }
        return bytes
    }

    /// Decodes bytes written by ``serialized()``.
    /// - Throws: ``SecureAggregationError`` with code `malformedMessage` when the length, the
    ///   x-coordinate, the threshold or a field element is out of range.
    public init(serialized bytes: [UInt8]) throws {
        guard bytes.count >= 16 else {
            throw SecureAggregationError(
                code: .malformedMessage, message: "Shamir share: expected at least 16 header bytes, got \(bytes.count)")
        }
        let x = SecureAggregationBytes.readUInt64(bytes, at: 0)
        let threshold = Int(SecureAggregationBytes.readUInt32(bytes, at: 8))
        let byteCount = Int(SecureAggregationBytes.readUInt32(bytes, at: 12))
        let count = ShamirSecretSharing.elementCount(forSecretByteCount: byteCount)
        guard bytes.count == 16 + 8 * count else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message:
                    "Shamir share of a \(byteCount)-byte secret: expected \(16 + 8 * count) bytes, got \(bytes.count)")
        }
        guard x != 0, x < ShamirSecretSharing.prime else {
            throw SecureAggregationError(
                code: .malformedMessage, message: "Shamir share: x-coordinate at offset 0 must be in 1..<2^61−1")
        }
        guard byteCount >= 1 else {
            throw SecureAggregationError(
                code: .malformedMessage, message: "Shamir share: secret length at offset 12 must be ≥ 1, got 0")
        }
        guard threshold >= 2 else {
            throw SecureAggregationError(
                code: .malformedMessage, message: "Shamir share: threshold at offset 8 must be ≥ 2, got \(threshold)")
        }
        var values: [UInt64] = []
        values.reserveCapacity(count)
        for k in 0..<count {
            let value = SecureAggregationBytes.readUInt64(bytes, at: 16 + 8 * k)
            guard value < ShamirSecretSharing.prime else {
                throw SecureAggregationError(
                    code: .malformedMessage,
                    message: "Shamir share: value at offset \(16 + 8 * k) is not a field element")
            }
            values.append(value)
        }
        self.init(x: x, threshold: threshold, secretByteCount: byteCount, values: values)
    }
}

/// Shamir's t-of-n secret sharing (Shamir 1979, "How to Share a Secret") over GF(p), p = 2^61 − 1.
///
/// A byte secret is cut into 7-byte chunks (each < 2^56 < p); chunk k becomes the constant term of a
/// polynomial f_k with `threshold − 1` coefficients drawn uniformly from GF(p), and share i holds
/// f_k(x_i) for every k. Any `threshold` shares determine every f_k by Lagrange interpolation at 0;
/// any `threshold − 1` shares are jointly uniform and independent of the secret (perfect secrecy).
///
/// Used by secure aggregation (Bonawitz et al. 2017, §4) to share each client's masking secret key
/// and self-mask seed. Field arithmetic uses the Mersenne reduction `2^61 ≡ 1 (mod p)` on 128-bit
/// products; it is not constant-time (a deployment on shared hardware would want that).
public enum ShamirSecretSharing {
    /// The field modulus p = 2^61 − 1 (a Mersenne prime).
    public static let prime: UInt64 = (1 << 61) - 1

    /// Bytes of secret carried by one field element.
    static let bytesPerElement = 7

    /// ⌈byteCount / 7⌉: the number of field elements in a share of a `byteCount`-byte secret.
    public static func elementCount(forSecretByteCount byteCount: Int) -> Int {
        (byteCount + bytesPerElement - 1) / bytesPerElement
    }

    /// Splits `secret` into `shareCount` shares at x = 1, 2, …, shareCount, any `threshold` of which
    /// reconstruct it.
    /// - Parameters:
    ///   - secret: the secret bytes (any length ≥ 1).
    ///   - threshold: t, the number of shares needed (2 ≤ t ≤ shareCount).
    ///   - shareCount: n, the number of shares made.
    ///   - rng: the source of the polynomial coefficients; use `SystemRandomNumberGenerator` in
    ///     deployment, a seeded generator in tests.
    /// - Returns: n shares; share i (0-based) has x = i + 1.
    public static func split<G: RandomNumberGenerator>(
        secret: [UInt8], threshold: Int, shareCount: Int, using rng: inout G
    ) -> [ShamirShare] {
        precondition(shareCount >= 1, "shareCount must be ≥ 1, got \(shareCount)")
        return split(
            secret: secret, threshold: threshold, xCoordinates: (1...shareCount).map { UInt64($0) }, using: &rng)
    }

    /// Splits `secret` into one share per x-coordinate, any `threshold` of which reconstruct it.
    /// - Precondition: the x-coordinates are distinct and in `1..<p`; `2 ≤ threshold ≤ xCoordinates.count`;
    ///   `secret` is not empty.
    public static func split<G: RandomNumberGenerator>(
        secret: [UInt8], threshold: Int, xCoordinates: [UInt64], using rng: inout G
    ) -> [ShamirShare] {
        precondition(!secret.isEmpty, "Cannot share an empty secret")
        precondition(
            threshold >= 2 && threshold <= xCoordinates.count,
            "Threshold must satisfy 2 ≤ t ≤ n, got t = \(threshold), n = \(xCoordinates.count)")
        precondition(xCoordinates.allSatisfy { $0 != 0 && $0 < prime }, "Share x-coordinates must be in 1..<2^61−1")
        precondition(Set(xCoordinates).count == xCoordinates.count, "Share x-coordinates must be distinct")
        let elements = encode(secret)
        var shareValues = [[UInt64]](repeating: [], count: xCoordinates.count)
        var coefficients = [UInt64](repeating: 0, count: threshold)
        for element in elements {
            coefficients[0] = element
            for k in 1..<threshold { coefficients[k] = randomElement(using: &rng) }
            for (i, x) in xCoordinates.enumerated() {
                // Horner's rule: f(x) = c0 + x(c1 + x(c2 + …)).
                var y: UInt64 = 0
                for k in stride(from: threshold - 1, through: 0, by: -1) {
                    y = add(multiply(y, x), coefficients[k])
                }
                shareValues[i].append(y)
            }
        }
        return xCoordinates.indices.map {
            ShamirShare(
                x: xCoordinates[$0], threshold: threshold, secretByteCount: secret.count, values: shareValues[$0])
        }
    }

    /// Reconstructs the secret from at least `threshold` shares (the first `threshold` by x are used).
    /// - Throws: ``SecureAggregationError`` — `reconstructionFailed` when there are fewer shares than the
    ///   threshold, the shares disagree on threshold or secret length, or the interpolated chunks are
    ///   not valid 7-byte values (inconsistent shares); `duplicateMessage` when two shares have the same x.
    public static func combine(_ shares: [ShamirShare]) throws -> [UInt8] {
        guard let first = shares.first else {
            throw SecureAggregationError(code: .reconstructionFailed, message: "Shamir: no shares given")
        }
        guard shares.allSatisfy({ $0.threshold == first.threshold && $0.secretByteCount == first.secretByteCount })
        else {
            throw SecureAggregationError(
                code: .reconstructionFailed, message: "Shamir: shares disagree on threshold or secret length")
        }
        guard shares.count >= first.threshold else {
            throw SecureAggregationError(
                code: .reconstructionFailed,
                message: "Shamir: \(shares.count) shares given, threshold is \(first.threshold)")
        }
        guard Set(shares.map(\.x)).count == shares.count else {
            throw SecureAggregationError(
                code: .duplicateMessage, message: "Shamir: two shares have the same x-coordinate")
        }
        let used = shares.sorted { $0.x < $1.x }.prefix(first.threshold)
        let xs = used.map(\.x)
        let weights = try lagrangeWeightsAtZero(xs)
        var elements: [UInt64] = []
        elements.reserveCapacity(first.values.count)
        for k in 0..<first.values.count {
            var y: UInt64 = 0
            for (j, share) in used.enumerated() {
                guard share.values[k] < prime else {
                    throw SecureAggregationError(
                        code: .reconstructionFailed,
                        message: "Shamir: share x = \(share.x) value \(k) is not a field element")
                }
                y = add(y, multiply(weights[j], share.values[k]))
            }
            elements.append(y)
        }
        return try decode(elements, byteCount: first.secretByteCount)
    }

    /// Lagrange interpolation at 0 of the points `(x_j, y_j)` over GF(p): the constant term of the
    /// unique polynomial of degree < points.count through them.
    ///
    /// With fewer points than the sharing threshold the result is uniformly distributed and carries no
    /// information about the secret — the property the tests check.
    /// - Throws: ``SecureAggregationError`` (`duplicateMessage`) if two x are equal, `malformedMessage`
    ///   if an x is 0 or a coordinate is not a field element.
    public static func interpolateAtZero(_ points: [(x: UInt64, y: UInt64)]) throws -> UInt64 {
        guard points.allSatisfy({ $0.y < prime }) else {
            throw SecureAggregationError(
                code: .malformedMessage, message: "Shamir: a y-coordinate is not a field element")
        }
        let weights = try lagrangeWeightsAtZero(points.map(\.x))
        var y: UInt64 = 0
        for (j, point) in points.enumerated() { y = add(y, multiply(weights[j], point.y)) }
        return y
    }

    // MARK: - Field arithmetic in GF(2^61 − 1)

    /// (a + b) mod p for a, b < p.
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let s = a + b  // < 2^62: no overflow
        return s >= prime ? s - prime : s
    }

    /// (a − b) mod p for a, b < p.
    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 { a >= b ? a - b : a + (prime - b) }

    /// (a · b) mod p for a, b < p, through the 122-bit product and 2^61 ≡ 1.
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        // product = high·2^64 + low = (high·2^3 + low>>61)·2^61 + (low & p)  ≡  (high<<3 | low>>61) + (low & p).
        let r = (low & prime) + ((low >> 61) | (high << 3))  // each part < 2^61
        return r >= prime ? r - prime : r
    }

    /// a^(p−2) mod p: the multiplicative inverse of a ≠ 0 (Fermat).
    static func inverse(_ a: UInt64) -> UInt64 {
        precondition(a != 0, "0 has no inverse in GF(p)")
        var result: UInt64 = 1
        var base = a
        var exponent = prime - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }

    /// A uniform element of GF(p) by rejection from 61 random bits.
    static func randomElement<G: RandomNumberGenerator>(using rng: inout G) -> UInt64 {
        while true {
            let candidate = rng.next() >> 3
            if candidate < prime { return candidate }
        }
    }

    /// λ_j = Π_{m≠j} x_m / (x_m − x_j): the weights of the y_j in the interpolated value at 0.
    static func lagrangeWeightsAtZero(_ xs: [UInt64]) throws -> [UInt64] {
        guard xs.allSatisfy({ $0 != 0 && $0 < prime }) else {
            throw SecureAggregationError(
                code: .malformedMessage, message: "Shamir: x-coordinates must be in 1..<2^61−1")
        }
        guard Set(xs).count == xs.count else {
            throw SecureAggregationError(
                code: .duplicateMessage, message: "Shamir: two points have the same x-coordinate")
        }
        return xs.indices.map { j in
            var numerator: UInt64 = 1
            var denominator: UInt64 = 1
            for m in xs.indices where m != j {
                numerator = multiply(numerator, xs[m])
                denominator = multiply(denominator, subtract(xs[m], xs[j]))
            }
            return multiply(numerator, inverse(denominator))
        }
    }

    /// Little-endian 7-byte chunks of `secret` as field elements.
    static func encode(_ secret: [UInt8]) -> [UInt64] {
        stride(from: 0, to: secret.count, by: bytesPerElement).map { start in
            var value: UInt64 = 0
            for (shift, byte) in secret[start..<min(start + bytesPerElement, secret.count)].enumerated() {
                value |= UInt64(byte) << UInt64(8 * shift)
            }
            return value
        }
    }

    /// Inverse of ``encode(_:)``; throws if an element does not fit its chunk.
    static func decode(_ elements: [UInt64], byteCount: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for (k, element) in elements.enumerated() {
            let chunk = min(bytesPerElement, byteCount - k * bytesPerElement)
            guard element >> UInt64(8 * chunk) == 0 else {
                throw SecureAggregationError(
                    code: .reconstructionFailed,
                    message: "Shamir: reconstructed chunk \(k) does not fit \(chunk) bytes (inconsistent shares)")
            }
            for shift in 0..<chunk { bytes.append(UInt8(truncatingIfNeeded: element >> UInt64(8 * shift))) }
        }
        return bytes
    }
}

/// Little-endian integer encoding for secure-aggregation messages.
enum SecureAggregationBytes {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Reads a UInt64 at `offset`; the caller has checked the length.
    static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[offset + k]) << UInt64(8 * k) }
        return value
    }

    /// Reads a UInt32 at `offset`; the caller has checked the length.
    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 { value |= UInt32(bytes[offset + k]) << UInt32(8 * k) }
        return value
    }
}
