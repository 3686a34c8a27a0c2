// An in-process run of the whole secure-aggregation protocol, with simulated dropouts.

/// Runs every round of secure aggregation in one process: one ``SecureAggregationClient`` per input
/// and one ``SecureAggregationServer``, exchanging the messages a transport would carry.
///
/// This is the in-process transport of the federated simulation. It plays all clients, so it sees
/// their inputs; the server inside still sees only masked inputs and returns only the sum.
public enum SecureAggregationSimulation {
    /// Runs one session and returns the securely aggregated sum.
    /// - Parameters:
    ///   - inputs: one `[vectorLength]` vector of Z_{2^b} elements per client; client `i` gets `inputs[i]`
    ///     (`inputs.count == parameters.clientCount`).
    ///   - parameters: the session parameters.
    ///   - droppedBeforeMasking: clients that share keys but whose masked inputs never reach the server
    ///     before it closes the collection round (the straggler's late message is rejected). Their
    ///     inputs are **not** in the sum; their pairwise masks are rebuilt from Shamir shares.
    ///   - droppedBeforeUnmasking: clients whose masked inputs were counted but which vanish before the
    ///     unmasking round. Their inputs **are** in the sum (the others reveal their self-mask shares).
    ///   - rng: the randomness of every client (keys, seeds, Shamir polynomials).
    /// - Returns: the result: U3 and Σ_{u∈U3} inputs[u] mod 2^b.
    /// - Throws: ``SecureAggregationError`` (`tooFewClients` when the dropouts leave fewer than t clients
    ///   in a round).
    public static func run<G: RandomNumberGenerator>(
        inputs: [[UInt64]], parameters: SecureAggregationParameters,
        droppedBeforeMasking: Set<Int> = [], droppedBeforeUnmasking: Set<Int> = [], using rng: inout G
    ) throws -> SecureAggregationResult {
        precondition(
            inputs.count == parameters.clientCount,
            "Expected \(parameters.clientCount) inputs (one per client), got \(inputs.count)")
        precondition(
            droppedBeforeMasking.isDisjoint(with: droppedBeforeUnmasking),
            "A client cannot drop out at two different rounds")
        let ids = 0..<parameters.clientCount
        precondition(
            droppedBeforeMasking.union(droppedBeforeUnmasking).allSatisfy { ids.contains($0) },
            "Dropout IDs must be in 0..<\(parameters.clientCount)")

        var server = SecureAggregationServer(parameters: parameters)
        var clients = ids.map { SecureAggregationClient(id: $0, parameters: parameters, using: &rng) }
        for client in clients { try server.receive(client.advertisement()) }
        let directory = try server.closeAdvertising()
        for id in ids {
            let shares = try clients[id].shareKeys(directory: directory, using: &rng)
            try server.receiveShares(shares, from: id)
        }
        let relayed = try server.closeSharing()
        var late: [SecureAggregationMaskedInput] = []
        for id in ids {
            let masked = try clients[id].maskInput(inputs[id], receivedShares: relayed[id] ?? [])
            if droppedBeforeMasking.contains(id) { late.append(masked) } else { try server.receive(masked) }
        }
        let survivors = try server.closeMaskedInputCollection()
        for masked in late {
            // A straggler's masked input after the round closed must be refused.
            do {
                try server.receive(masked)
                preconditionFailure(
                    "The server accepted client \(masked.clientID)'s masked input after closing the round")
            } catch let error as SecureAggregationError where error.code == .outOfOrder {}
        }
        for id in survivors.maskedClientIDs where !droppedBeforeUnmasking.contains(id) {
            try server.receive(try clients[id].unmaskingResponse(survivors: survivors))
        }
        return try server.finishUnmasking()
    }
}
