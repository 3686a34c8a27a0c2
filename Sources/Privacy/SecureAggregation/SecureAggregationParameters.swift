// Public parameters of one secure-aggregation session.

/// The public parameters every participant of one secure-aggregation session agrees on
/// (Bonawitz et al. 2017, "Practical Secure Aggregation for Privacy-Preserving Machine Learning", §4).
///
/// - `clientCount` n: clients are identified by `0..<n`.
/// - `threshold` t: the Shamir threshold; every round needs at least t clients, so the server can
///   rebuild the masks of dropped clients from t shares, and never sums fewer than t ≥ 2 inputs.
/// - `vectorLength`: the length of each quantized input (elements of Z_{2^b}).
/// - `modulusBits` b: inputs, masks and the sum live in Z_{2^b}, stored in the low b bits of `UInt64`.
/// - `sessionID`: bound into every key derivation (the HKDF salt), so keys, masks and share
///   encryptions of different sessions/rounds are unrelated even if a key pair were reused.
public struct SecureAggregationParameters: Sendable, Hashable {
    /// Number of clients n; client IDs are `0..<clientCount`.
    public let clientCount: Int
    /// Shamir threshold t (2 ≤ t ≤ n).
    public let threshold: Int
    /// Number of Z_{2^b} elements in each input.
    public let vectorLength: Int
    /// Bits b of the modulus 2^b (1 ≤ b ≤ 64).
    public let modulusBits: Int
    /// Identifier of the session (e.g. the federated round), mixed into every derived key.
    public let sessionID: UInt64

    /// Creates validated parameters.
    /// - Precondition: `clientCount ≥ 2`, `2 ≤ threshold ≤ clientCount`, `vectorLength ≥ 1`,
    ///   `1 ≤ modulusBits ≤ 64`, and `clientCount < 2^31` (IDs are sent as 32-bit integers).
    public init(clientCount: Int, threshold: Int, vectorLength: Int, modulusBits: Int = 32, sessionID: UInt64 = 0) {
        precondition(clientCount >= 2, "Secure aggregation needs at least 2 clients, got clientCount = \(clientCount)")
        precondition(clientCount < Int(Int32.max), "clientCount = \(clientCount) exceeds the 32-bit client ID range")
        precondition(
            threshold >= 2 && threshold <= clientCount,
            "Threshold must satisfy 2 ≤ t ≤ n, got t = \(threshold), n = \(clientCount)")
        precondition(vectorLength >= 1, "vectorLength must be ≥ 1, got \(vectorLength)")
        precondition(modulusBits >= 1 && modulusBits <= 64, "modulusBits must be in 1...64, got \(modulusBits)")
        self.clientCount = clientCount
        self.threshold = threshold
        self.vectorLength = vectorLength
        self.modulusBits = modulusBits
        self.sessionID = sessionID
    }

    /// The bit mask 2^b − 1 that reduces a `UInt64` modulo 2^b.
    public var modulusMask: UInt64 { modulusBits == 64 ? UInt64.max : (UInt64(1) << UInt64(modulusBits)) - 1 }
}

/// Modular vector arithmetic over Z_{2^b} on `UInt64` storage, shared by client and server.
enum SecureAggregationModular {
    /// `accumulator[i] = (accumulator[i] + sign · values[i]) mod 2^b`.
    static func accumulate(_ accumulator: inout [UInt64], _ values: [UInt64], subtract: Bool, mask: UInt64) {
        precondition(accumulator.count == values.count, "Length mismatch: \(accumulator.count) vs \(values.count)")
        accumulator.withUnsafeMutableBufferPointer { acc in
            values.withUnsafeBufferPointer { v in
                if subtract {
                    for i in 0..<acc.count { acc[i] = (acc[i] &- v[i]) & mask }
                } else {
                    for i in 0..<acc.count { acc[i] = (acc[i] &+ v[i]) & mask }
                }
            }
        }
    }
}
