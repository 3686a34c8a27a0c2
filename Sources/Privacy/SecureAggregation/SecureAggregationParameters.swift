// Public parameters of one secure-aggregation session.

import TensorCore

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
/// - `neighborCount` k: `nil` for the complete graph of the original protocol (every pair of clients
///   shares a mask, every client holds a share of every other's secrets: O(n²) key agreements per
///   round); or an even k < n for the sparse variant SecAgg+ (Bell et al. 2020, "Secure Single-Server
///   Aggregation with (Poly)Logarithmic Overhead"): clients sit on a ring in a random order drawn
///   from the session ID and each pairs only with its k ring neighbours (a random Harary graph),
///   so a round costs O(n·k). The threshold then counts shares within a neighbourhood (t ≤ k + 1).
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
    /// Neighbours per client in the masking graph (`nil`: the complete graph).
    public let neighborCount: Int?

    /// Creates validated parameters.
    /// - Precondition: `clientCount ≥ 2`, `2 ≤ threshold ≤ clientCount`, `vectorLength ≥ 1`,
    ///   `1 ≤ modulusBits ≤ 64`, and `clientCount < 2^31` (IDs are sent as 32-bit integers); a
    ///   `neighborCount` k is even, `2 ≤ k < clientCount` and `threshold ≤ k + 1`.
    public init(
        clientCount: Int, threshold: Int, vectorLength: Int, modulusBits: Int = 32, sessionID: UInt64 = 0,
        neighborCount: Int? = nil
    ) {
        precondition(clientCount >= 2, "Secure aggregation needs at least 2 clients, got clientCount = \(clientCount)")
        precondition(clientCount < Int(Int32.max), "clientCount = \(clientCount) exceeds the 32-bit client ID range")
        precondition(
            threshold >= 2 && threshold <= clientCount,
            "Threshold must satisfy 2 ≤ t ≤ n, got t = \(threshold), n = \(clientCount)")
        precondition(vectorLength >= 1, "vectorLength must be ≥ 1, got \(vectorLength)")
        precondition(modulusBits >= 1 && modulusBits <= 64, "modulusBits must be in 1...64, got \(modulusBits)")
        if let k = neighborCount {
            precondition(
                k >= 2 && k < clientCount && k % 2 == 0,
                "neighborCount must be even with 2 ≤ k < n, got k = \(k), n = \(clientCount)")
            precondition(
                threshold <= k + 1, "Threshold t = \(threshold) exceeds the neighbourhood size k + 1 = \(k + 1)")
        }
        self.neighborCount = neighborCount
        self.clientCount = clientCount
        self.threshold = threshold
        self.vectorLength = vectorLength
        self.modulusBits = modulusBits
        self.sessionID = sessionID
    }

    /// The bit mask 2^b − 1 that reduces a `UInt64` modulo 2^b.
    public var modulusMask: UInt64 { modulusBits == 64 ? UInt64.max : (UInt64(1) << UInt64(modulusBits)) - 1 }
}

/// The public masking graph of a session: who shares masks and secret shares with whom.
///
/// The complete graph without ``SecureAggregationParameters/neighborCount``; otherwise the random
/// Harary graph of SecAgg+ (Bell et al. 2020): a permutation of the clients drawn from the session ID
/// (public, from ``Xoshiro256`` — the graph is not secret) places them on a ring, and each client is
/// joined to the k/2 clients on either side.
struct SecureAggregationGraph: Sendable {
    let clientCount: Int
    let halfDegree: Int?
    /// Ring order of the clients and each client's position in it.
    private let order: [Int]
    private let position: [Int]

    init(parameters: SecureAggregationParameters) {
        clientCount = parameters.clientCount
        halfDegree = parameters.neighborCount.map { $0 / 2 }
        guard halfDegree != nil else {
            order = []
            position = []
            return
        }
        var rng = Xoshiro256(seed: parameters.sessionID ^ 0x5345_4341_4747_2B2B)  // "SECAGG++"
        var order = Array(0..<clientCount)
        for i in stride(from: clientCount - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        var position = [Int](repeating: 0, count: clientCount)
        for (slot, client) in order.enumerated() { position[client] = slot }
        self.order = order
        self.position = position
    }

    /// Whether `a` and `b` (distinct) share masks.
    func areNeighbors(_ a: Int, _ b: Int) -> Bool {
        guard a != b else { return false }
        guard let half = halfDegree else { return true }
        let distance = abs(position[a] - position[b])
        return min(distance, clientCount - distance) <= half
    }

    /// The neighbours of `client`, ascending.
    func neighbors(of client: Int) -> [Int] {
        guard let half = halfDegree else { return (0..<clientCount).filter { $0 != client } }
        var result: [Int] = []
        for offset in 1...half {
            result.append(order[(position[client] + offset) % clientCount])
            result.append(order[(position[client] - offset + clientCount) % clientCount])
        }
        return Array(Set(result)).sorted()
    }
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
