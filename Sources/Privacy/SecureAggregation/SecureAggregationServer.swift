// The server (aggregator) of the secure-aggregation protocol.

import Crypto

/// The server side of secure aggregation (Bonawitz et al. 2017, §4, Figure 4, honest-but-curious
/// variant): it relays keys and encrypted shares, adds up masked inputs, and removes the masks
/// from the **sum** once enough clients answer the unmasking round.
///
/// Rounds (each `close…`/`finish…` call ends the previous round and may throw `tooFewClients`):
/// 1. ``receive(_:)-(SecureAggregationKeyAdvertisement)`` ×n, then ``closeAdvertising()`` → U1's key directory;
/// 2. ``receiveShares(_:from:)`` ×|U1|, then ``closeSharing()`` → the shares to relay to each client in U2;
/// 3. ``receive(_:)-(SecureAggregationMaskedInput)`` ×|U2|, then ``closeMaskedInputCollection()`` → the
///    survivor list (U2, U3); masked inputs arriving later are rejected (their senders count as dropped);
/// 4. ``receive(_:)-(SecureAggregationUnmaskingResponse)`` ×|U3|, then ``finishUnmasking()`` → the sum.
///
/// **What the server can learn.** By construction the type never holds an individual unmasked input:
/// - it never stores a masked input either: each one is added into a single running sum the moment
///   it arrives, and only the set of contributing IDs is kept;
/// - for a dropped client (U2 \ U3) it reconstructs the masking secret key, but that client's input
///   is not in the sum; for a counted client (U3) it reconstructs only the self-mask seed b_u, and a
///   masked input without its pairwise masks removed is still uniformly random;
/// - it refuses to close a round with fewer than t ≥ 2 clients, so the sum always covers ≥ 2 inputs;
/// - its only output that depends on the inputs is ``SecureAggregationResult/sum``.
/// A server that lies about who dropped (to obtain both kinds of share) is the active adversary the
/// paper's consistency-check round addresses; our clients answer only one survivor list.
public struct SecureAggregationServer: Sendable {
    /// The session's public parameters.
    public let parameters: SecureAggregationParameters

    private enum Phase: Sendable { case advertising, sharing, masking, unmasking, finished }

    private let graph: SecureAggregationGraph
    private var phase = Phase.advertising
    private var advertisements: [Int: SecureAggregationKeyAdvertisement] = [:]
    /// Recipient ID → the encrypted shares addressed to it.
    private var relayedShares: [Int: [SecureAggregationEncryptedShare]] = [:]
    private var sharingClients: Set<Int> = []
    private var u2: [Int] = []
    /// Σ of the masked inputs received so far (mod 2^b); no individual masked input is kept.
    private var maskedSum: [UInt64]
    private var maskedClients: Set<Int> = []
    private var u3: [Int] = []
    private var maskingKeyShares: [Int: [ShamirShare]] = [:]
    private var selfMaskShares: [Int: [ShamirShare]] = [:]
    private var responders: Set<Int> = []

    /// Creates a server for one session.
    public init(parameters: SecureAggregationParameters) {
        self.parameters = parameters
        graph = SecureAggregationGraph(parameters: parameters)
        maskedSum = [UInt64](repeating: 0, count: parameters.vectorLength)
    }

    /// The IDs of the clients whose masked inputs have been added to the running sum so far.
    public var contributingClientIDs: [Int] { maskedClients.sorted() }

    // MARK: Round 0 — AdvertiseKeys

    /// Records a client's public keys.
    /// - Throws: ``SecureAggregationError``: `outOfOrder` after ``closeAdvertising()``; `unknownClient`
    ///   for an ID outside `0..<n`; `duplicateMessage` for a second advertisement; `malformedMessage`
    ///   for a key that is not 32 valid bytes.
    public mutating func receive(_ advertisement: SecureAggregationKeyAdvertisement) throws {
        try expect(.advertising, "a key advertisement")
        let clientID = advertisement.clientID
        guard clientID >= 0 && clientID < parameters.clientCount else {
            throw SecureAggregationError(
                code: .unknownClient,
                message: "Advertisement from client ID \(clientID) outside 0..<\(parameters.clientCount)")
        }
        guard advertisements[clientID] == nil else {
            throw SecureAggregationError(code: .duplicateMessage, message: "Client \(clientID) advertised twice")
        }
        _ = try SecureAggregationKeys.publicKey(
            advertisement.encryptionPublicKey, field: "client \(clientID) encryption key")
        _ = try SecureAggregationKeys.publicKey(advertisement.maskingPublicKey, field: "client \(clientID) masking key")
        advertisements[clientID] = advertisement
    }

    /// Ends round 0: the key directory of U1 to broadcast.
    /// - Throws: `tooFewClients` if |U1| < t; `outOfOrder` if called out of turn.
    public mutating func closeAdvertising() throws -> SecureAggregationKeyDirectory {
        try expect(.advertising, "closing the advertising round")
        try requireThreshold(advertisements.count, "clients advertised keys")
        phase = .sharing
        return SecureAggregationKeyDirectory(advertisements: Array(advertisements.values))
    }

    // MARK: Round 1 — ShareKeys

    /// Records the encrypted shares client `clientID` made for each of its neighbours in U1 (every other member of U1 in the complete graph).
    /// - Throws: `outOfOrder`, `unknownClient` (sender not in U1, a recipient outside U1 or the sender
    ///   itself, a share whose sender field differs), `duplicateMessage` (sent twice, or two shares for
    ///   one recipient), `malformedMessage` (not exactly one share per other member of U1).
    public mutating func receiveShares(_ shares: [SecureAggregationEncryptedShare], from clientID: Int) throws {
        try expect(.sharing, "encrypted shares")
        guard advertisements[clientID] != nil else {
            throw SecureAggregationError(
                code: .unknownClient, message: "Shares from client \(clientID), which is not in U1")
        }
        guard !sharingClients.contains(clientID) else {
            throw SecureAggregationError(code: .duplicateMessage, message: "Client \(clientID) sent its shares twice")
        }
        var recipients: Set<Int> = []
        for share in shares {
            guard share.senderID == clientID else {
                throw SecureAggregationError(
                    code: .unknownClient,
                    message: "Client \(clientID) sent a share labelled as from client \(share.senderID)")
            }
            guard graph.areNeighbors(clientID, share.recipientID), advertisements[share.recipientID] != nil else {
                throw SecureAggregationError(
                    code: .unknownClient,
                    message: "Client \(clientID) sent a share for client \(share.recipientID), not a peer in U1")
            }
            guard recipients.insert(share.recipientID).inserted else {
                throw SecureAggregationError(
                    code: .duplicateMessage,
                    message: "Client \(clientID) sent two shares for client \(share.recipientID)")
            }
        }
        let expected = advertisements.keys.filter { graph.areNeighbors(clientID, $0) }.count
        guard recipients.count == expected else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message: "Client \(clientID) sent \(recipients.count) shares, expected \(expected)")
        }
        for share in shares { relayedShares[share.recipientID, default: []].append(share) }
        sharingClients.insert(clientID)
    }

    /// Ends round 1: for each client of U2 (those that sent shares), the shares from the other
    /// members of U2 addressed to it.
    /// - Throws: `tooFewClients` if |U2| < t; `outOfOrder`.
    public mutating func closeSharing() throws -> [Int: [SecureAggregationEncryptedShare]] {
        try expect(.sharing, "closing the sharing round")
        try requireThreshold(sharingClients.count, "clients shared keys")
        u2 = sharingClients.sorted()
        var output: [Int: [SecureAggregationEncryptedShare]] = [:]
        for recipient in u2 {
            output[recipient] = (relayedShares[recipient] ?? [])
                .filter { sharingClients.contains($0.senderID) }
                .sorted { $0.senderID < $1.senderID }
        }
        relayedShares = [:]
        phase = .masking
        return output
    }

    // MARK: Round 2 — MaskedInputCollection

    /// Adds a client's masked input into the running sum (the input itself is not kept).
    /// - Throws: `outOfOrder` (e.g. a straggler arriving after ``closeMaskedInputCollection()``),
    ///   `unknownClient` (not in U2), `duplicateMessage`, `malformedMessage` (wrong length or an element ≥ 2^b).
    public mutating func receive(_ maskedInput: SecureAggregationMaskedInput) throws {
        try expect(.masking, "a masked input from client \(maskedInput.clientID)")
        let clientID = maskedInput.clientID
        guard sharingClients.contains(clientID) else {
            throw SecureAggregationError(
                code: .unknownClient, message: "Masked input from client \(clientID), not in U2")
        }
        guard !maskedClients.contains(clientID) else {
            throw SecureAggregationError(code: .duplicateMessage, message: "Client \(clientID) sent two masked inputs")
        }
        guard maskedInput.values.count == parameters.vectorLength else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message:
                    "Masked input from client \(clientID) has \(maskedInput.values.count) elements, expected \(parameters.vectorLength)"
            )
        }
        let modulusMask = parameters.modulusMask
        guard maskedInput.values.allSatisfy({ $0 <= modulusMask }) else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message: "Masked input from client \(clientID) has an element ≥ 2^\(parameters.modulusBits)")
        }
        SecureAggregationModular.accumulate(&maskedSum, maskedInput.values, subtract: false, mask: modulusMask)
        maskedClients.insert(clientID)
    }

    /// Ends round 2: the survivor list (U2, U3) to send to the clients of U3.
    /// - Throws: `tooFewClients` if |U3| < t; `outOfOrder`.
    public mutating func closeMaskedInputCollection() throws -> SecureAggregationSurvivorList {
        try expect(.masking, "closing the masked-input round")
        try requireThreshold(maskedClients.count, "masked inputs arrived")
        u3 = maskedClients.sorted()
        phase = .unmasking
        return SecureAggregationSurvivorList(sharingClientIDs: u2, maskedClientIDs: u3)
    }

    // MARK: Round 3 — Unmasking

    /// Records a client's unmasking shares.
    /// - Throws: `outOfOrder`, `unknownClient` (responder not in U3), `duplicateMessage`,
    ///   `malformedMessage` (the shares do not cover exactly the dropped clients' keys and the counted
    ///   clients' seeds, or a share has the wrong x-coordinate or threshold).
    public mutating func receive(_ response: SecureAggregationUnmaskingResponse) throws {
        try expect(.unmasking, "an unmasking response")
        let clientID = response.clientID
        guard maskedClients.contains(clientID) else {
            throw SecureAggregationError(
                code: .unknownClient, message: "Unmasking response from client \(clientID), not in U3")
        }
        guard !responders.contains(clientID) else {
            throw SecureAggregationError(
                code: .duplicateMessage, message: "Client \(clientID) answered unmasking twice")
        }
        let dropped = Set(u2.filter { !maskedClients.contains($0) && graph.areNeighbors(clientID, $0) })
        let counted = Set(u3.filter { $0 == clientID || graph.areNeighbors(clientID, $0) })
        guard Set(response.maskingKeyShares.keys) == dropped, Set(response.selfMaskShares.keys) == counted else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message:
                    "Client \(clientID)'s response must hold key shares for its neighbours in U2 \\ U3 and seed shares for itself and its neighbours in U3"
            )
        }
        let x = UInt64(clientID + 1)
        let all = Array(response.maskingKeyShares.values) + Array(response.selfMaskShares.values)
        guard all.allSatisfy({ $0.x == x && $0.threshold == parameters.threshold && $0.secretByteCount == 32 }) else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message:
                    "Client \(clientID)'s shares must have x = \(x), threshold \(parameters.threshold), 32-byte secrets"
            )
        }
        for (peer, share) in response.maskingKeyShares { maskingKeyShares[peer, default: []].append(share) }
        for (peer, share) in response.selfMaskShares { selfMaskShares[peer, default: []].append(share) }
        responders.insert(clientID)
    }

    /// Ends the session: removes the dropped clients' pairwise masks and the counted clients' self
    /// masks from the running sum and returns Σ_{u ∈ U3} x_u mod 2^b.
    /// - Throws: `tooFewClients` if fewer than t clients answered; `reconstructionFailed` if shares are
    ///   inconsistent (a reconstructed masking key must match the public key the client advertised);
    ///   `outOfOrder`.
    public mutating func finishUnmasking() throws -> SecureAggregationResult {
        try expect(.unmasking, "finishing the unmasking round")
        try requireThreshold(responders.count, "clients answered the unmasking round")
        let modulusMask = parameters.modulusMask
        let length = parameters.vectorLength
        var sum = maskedSum
        for droppedID in u2 where !maskedClients.contains(droppedID) {
            let raw = try ShamirSecretSharing.combine(maskingKeyShares[droppedID] ?? [])
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw),
                let advertised = advertisements[droppedID],
                Array(key.publicKey.rawRepresentation) == advertised.maskingPublicKey
            else {
                throw SecureAggregationError(
                    code: .reconstructionFailed,
                    message:
                        "The masking key reconstructed for dropped client \(droppedID) does not match its advertised public key"
                )
            }
            for survivor in u3 where graph.areNeighbors(droppedID, survivor) {
                guard let survivorAd = advertisements[survivor] else { continue }  // U3 ⊆ U1 by construction
                let peerKey = try SecureAggregationKeys.publicKey(survivorAd.maskingPublicKey, field: "masking key")
                let pairKey = try SecureAggregationKeys.pairwiseMaskKey(
                    privateKey: key, peerPublicKey: peerKey, ownID: droppedID, peerID: survivor, parameters: parameters)
                // The survivor added this mask if survivor < dropped and subtracted it otherwise: undo that.
                SecureAggregationModular.accumulate(
                    &sum, SecureAggregationKeys.mask(key: pairKey, count: length, modulusMask: modulusMask),
                    subtract: survivor < droppedID, mask: modulusMask)
            }
        }
        for survivor in u3 {
            let seed = try ShamirSecretSharing.combine(selfMaskShares[survivor] ?? [])
            SecureAggregationModular.accumulate(
                &sum,
                SecureAggregationKeys.mask(
                    key: SecureAggregationKeys.selfMaskKey(seed: seed, clientID: survivor, parameters: parameters),
                    count: length, modulusMask: modulusMask),
                subtract: true, mask: modulusMask)
        }
        phase = .finished
        maskingKeyShares = [:]
        selfMaskShares = [:]
        return SecureAggregationResult(clientIDs: u3, sum: sum)
    }

    // MARK: Helpers

    private func expect(_ expected: Phase, _ what: String) throws {
        guard phase == expected else {
            throw SecureAggregationError(
                code: .outOfOrder, message: "Received \(what) in phase \(phase), expected phase \(expected)")
        }
    }

    private func requireThreshold(_ count: Int, _ what: String) throws {
        guard count >= parameters.threshold else {
            throw SecureAggregationError(
                code: .tooFewClients, message: "Only \(count) \(what); the threshold is \(parameters.threshold)")
        }
    }
}
