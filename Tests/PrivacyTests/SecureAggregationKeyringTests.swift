import TensorCore
import Testing

@testable import Privacy

/// Long-term keys for a federation: X25519 once, per-session keys by HKDF.
@Suite struct SecureAggregationKeyringTests {
    /// One session with the given keyrings; `dropped` never send their masked inputs.
    func session(
        keyrings: inout [SecureAggregationKeyring], inputs: [[UInt64]], sessionID: UInt64, dropped: Set<Int>,
        neighborCount: Int? = nil, cache: Bool = true, rng: inout Xoshiro256
    ) throws -> SecureAggregationResult {
        let n = keyrings.count
        let parameters = SecureAggregationParameters(
            clientCount: n, threshold: neighborCount.map { $0 / 2 + 1 } ?? 6, vectorLength: inputs[0].count,
            modulusBits: 40, sessionID: sessionID, neighborCount: neighborCount)
        var server = SecureAggregationServer(parameters: parameters)
        for id in 0..<n { try server.receive(keyrings[id].advertisement(clientID: id)) }
        let directory = try server.closeAdvertising()
        var clients: [SecureAggregationClient] = []
        for id in 0..<n {
            if cache { try keyrings[id].agree(with: directory, clientID: id, parameters: parameters) }
            var client = SecureAggregationClient(id: id, parameters: parameters, keyring: keyrings[id])
            try server.receiveShares(try client.shareKeys(directory: directory, using: &rng), from: id)
            clients.append(client)
        }
        let relayed = try server.closeSharing()
        for id in 0..<n where !dropped.contains(id) {
            try server.receive(try clients[id].maskInput(inputs[id], receivedShares: relayed[id] ?? []))
        }
        let survivors = try server.closeMaskedInputCollection()
        for id in survivors.maskedClientIDs {
            try server.receive(try clients[id].unmaskingResponse(survivors: survivors))
        }
        return try server.finishUnmasking()
    }

    func plainSum(_ inputs: [[UInt64]], excluding dropped: Set<Int>) -> [UInt64] {
        var sum = [UInt64](repeating: 0, count: inputs[0].count)
        for id in inputs.indices where !dropped.contains(id) {
            for j in sum.indices { sum[j] = (sum[j] &+ inputs[id][j]) & ((1 << 40) - 1) }
        }
        return sum
    }

    @Test(arguments: [nil, 4] as [Int?])
    func reusedKeysGiveExactSumsOverRoundsWithDropoutsAndRotation(neighborCount: Int?) throws {
        var rng = Xoshiro256(seed: 21)
        var keyrings = (0..<10).map { _ in SecureAggregationKeyring(using: &rng) }
        for round in 0..<3 {
            let inputs = (0..<10).map { _ in (0..<8).map { _ in rng.next() & ((1 << 40) - 1) } }
            let dropped: Set<Int> = round == 1 ? [2, 7, 9] : []
            let result = try session(
                keyrings: &keyrings, inputs: inputs, sessionID: UInt64(round), dropped: dropped,
                neighborCount: neighborCount, rng: &rng)
            #expect(result.sum == plainSum(inputs, excluding: dropped))
            #expect(result.clientIDs.count == 10 - dropped.count)
            for id in dropped { keyrings[id] = SecureAggregationKeyring(using: &rng) }  // rotation
        }
    }

    @Test func cachedAndFreshAgreementsGiveIdenticalMessages() throws {
        var rng = Xoshiro256(seed: 5)
        let base = (0..<6).map { _ in SecureAggregationKeyring(using: &rng) }
        let inputs = (0..<6).map { _ in (0..<4).map { _ in rng.next() & ((1 << 40) - 1) } }
        var cached = base
        var fresh = base
        var rngA = Xoshiro256(seed: 9)
        var rngB = Xoshiro256(seed: 9)
        let parameters = SecureAggregationParameters(clientCount: 6, threshold: 4, vectorLength: 4, modulusBits: 40)
        func masked(_ keyrings: inout [SecureAggregationKeyring], cache: Bool, _ rng: inout Xoshiro256) throws
            -> [[UInt64]]
        {
            var server = SecureAggregationServer(parameters: parameters)
            for id in 0..<6 { try server.receive(keyrings[id].advertisement(clientID: id)) }
            let directory = try server.closeAdvertising()
            var clients: [SecureAggregationClient] = []
            for id in 0..<6 {
                if cache { try keyrings[id].agree(with: directory, clientID: id, parameters: parameters) }
                var client = SecureAggregationClient(id: id, parameters: parameters, keyring: keyrings[id])
                try server.receiveShares(try client.shareKeys(directory: directory, using: &rng), from: id)
                clients.append(client)
            }
            let relayed = try server.closeSharing()
            return try (0..<6).map { try clients[$0].maskInput(inputs[$0], receivedShares: relayed[$0] ?? []).values }
        }
        #expect(try masked(&cached, cache: true, &rngA) == masked(&fresh, cache: false, &rngB))
    }
}
