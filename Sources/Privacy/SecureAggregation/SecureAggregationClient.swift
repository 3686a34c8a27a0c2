// One participant (clinic) of the secure-aggregation protocol.

import Crypto
import Foundation

/// The client side of secure aggregation (Bonawitz et al. 2017, "Practical Secure Aggregation for
/// Privacy-Preserving Machine Learning", §4, Figure 4, honest-but-curious variant).
///
/// A client walks through the rounds in order, each call consuming the server's previous message:
/// 1. ``init(id:parameters:using:)`` makes two X25519 key pairs; ``advertisement()`` publishes them.
/// 2. ``shareKeys(directory:using:)`` draws the self-mask seed b_u, Shamir-shares (t of its neighbourhood) the
///    masking secret key s_u^SK and b_u, and encrypts each peer's shares to it.
/// 3. ``maskInput(_:receivedShares:)`` decrypts the shares addressed to it and returns
///    `y_u = x_u + PRG(b_u) + Σ_{v∈N(u)∩U2, v>u} PRG(s_{u,v}) − Σ_{v∈N(u)∩U2, v<u} PRG(s_{u,v})  (mod 2^b)`,
///    where N(u) is u's neighbourhood: everyone in the paper's complete graph, k clients in the
///    SecAgg+ graph (see ``SecureAggregationParameters/neighborCount``).
/// 4. ``unmaskingResponse(survivors:)`` reveals, for each dropped peer, its share of s_v^SK and, for
///    each counted peer, its share of b_v — never both for one peer, and only for one survivor list.
///
/// Where we differ from the paper: no signatures on keys and no consistency-check round (the
/// active-adversary variant needs a PKI), pairwise keys come from X25519 + HKDF-SHA256 and the PRG
/// is the ChaCha20 keystream (see `SecureAggregationKeys`). All randomness comes from the caller's
/// generator: `SystemRandomNumberGenerator` in deployment, a seeded one in tests.
public struct SecureAggregationClient: Sendable {
    /// This client's ID, in `0..<parameters.clientCount`.
    public let id: Int
    /// The session's public parameters.
    public let parameters: SecureAggregationParameters

    /// The two key pairs (and any X25519 agreements cached for the federation).
    private let keyring: SecureAggregationKeyring
    private var maskingKey: Curve25519.KeyAgreement.PrivateKey { keyring.maskingKey }
    private let graph: SecureAggregationGraph
    private var peers: [Int: SecureAggregationKeyAdvertisement] = [:]
    /// Peer ID → the key that opens the shares that peer encrypted for this client.
    private var shareOpeningKeys: [Int: SymmetricKey] = [:]
    private var selfMaskSeed: [UInt8]?
    /// Sender ID → (share of the sender's masking key, share of its self-mask seed), own included.
    private var heldShares: [Int: (maskingKey: ShamirShare, selfMask: ShamirShare)] = [:]
    private var sharingClients: [Int]?
    private var answeredSurvivors: SecureAggregationSurvivorList?

    /// Creates a client and its two X25519 key pairs.
    /// - Parameters:
    ///   - id: the client's ID, in `0..<parameters.clientCount`.
    ///   - parameters: the session parameters.
    ///   - rng: the key source (`SystemRandomNumberGenerator` in deployment).
    public init<G: RandomNumberGenerator>(id: Int, parameters: SecureAggregationParameters, using rng: inout G) {
        precondition(
            id >= 0 && id < parameters.clientCount, "Client ID \(id) is outside 0..<\(parameters.clientCount)")
        self.init(id: id, parameters: parameters, keyring: SecureAggregationKeyring(using: &rng))
    }

    /// Creates a client with the long-term keys of a federation (see ``SecureAggregationKeyring``):
    /// agreements cached in the keyring (``SecureAggregationKeyring/agree(with:clientID:parameters:)``)
    /// are not recomputed; the session's keys are derived from them with this session's salt.
    /// - Parameters:
    ///   - id: the client's ID, in `0..<parameters.clientCount`.
    ///   - parameters: the session parameters (a new `sessionID` per round).
    ///   - keyring: the client's keys, rotated after any session it dropped out of.
    public init(id: Int, parameters: SecureAggregationParameters, keyring: SecureAggregationKeyring) {
        precondition(
            id >= 0 && id < parameters.clientCount, "Client ID \(id) is outside 0..<\(parameters.clientCount)")
        self.id = id
        self.parameters = parameters
        graph = SecureAggregationGraph(parameters: parameters)
        self.keyring = keyring
    }

    /// Round 0: the public keys to send to the server.
    public func advertisement() -> SecureAggregationKeyAdvertisement {
        keyring.advertisement(clientID: id)
    }

    /// Round 1: shares this client's masking secret key and a fresh self-mask seed with its neighbours
    /// in U1 — every other client of U1 in the complete graph — (threshold t, share x-coordinate =
    /// client ID + 1) and encrypts each peer's shares.
    /// - Parameters:
    ///   - directory: U1's advertisements from the server.
    ///   - rng: the source of b_u and of the Shamir polynomials.
    /// - Returns: one encrypted share per neighbour in U1 (ascending recipient ID).
    /// - Throws: ``SecureAggregationError``: `tooFewClients` if fewer than t clients of the neighbourhood
    ///   (this client included) are in U1; `malformedMessage` or
    ///   `unknownClient` if the directory is inconsistent (bad key, ID out of range, this client's keys
    ///   missing or altered, repeated public keys within the neighbourhood); `outOfOrder` if called twice.
    public mutating func shareKeys<G: RandomNumberGenerator>(
        directory: SecureAggregationKeyDirectory, using rng: inout G
    ) throws -> [SecureAggregationEncryptedShare] {
        guard selfMaskSeed == nil else {
            throw SecureAggregationError(code: .outOfOrder, message: "Client \(id): keys were already shared")
        }
        let ads = directory.advertisements
        guard ads.count >= parameters.threshold else {
            throw SecureAggregationError(
                code: .tooFewClients,
                message: "Client \(id): \(ads.count) clients advertised keys, threshold is \(parameters.threshold)")
        }
        var byID: [Int: SecureAggregationKeyAdvertisement] = [:]
        var seenKeys: Set<[UInt8]> = []
        for ad in ads {
            guard ad.clientID >= 0 && ad.clientID < parameters.clientCount else {
                throw SecureAggregationError(
                    code: .unknownClient,
                    message: "Key directory: client ID \(ad.clientID) outside 0..<\(parameters.clientCount)")
            }
            guard byID[ad.clientID] == nil else {
                throw SecureAggregationError(
                    code: .duplicateMessage, message: "Key directory: client \(ad.clientID) appears twice")
            }
            byID[ad.clientID] = ad
            // Only this client's neighbourhood (all of U1 in the complete graph) is used, so only its
            // keys need checking: O(k) per client instead of O(n) in the sparse graph.
            guard ad.clientID == id || graph.areNeighbors(id, ad.clientID) else { continue }
            _ = try SecureAggregationKeys.publicKey(
                ad.encryptionPublicKey, field: "client \(ad.clientID) encryption key")
            _ = try SecureAggregationKeys.publicKey(ad.maskingPublicKey, field: "client \(ad.clientID) masking key")
            guard seenKeys.insert(ad.encryptionPublicKey).inserted, seenKeys.insert(ad.maskingPublicKey).inserted else {
                throw SecureAggregationError(
                    code: .malformedMessage, message: "Key directory: client \(ad.clientID) repeats a public key")
            }
        }
        guard byID[id] == advertisement() else {
            throw SecureAggregationError(
                code: .unknownClient, message: "Key directory: client \(id)'s own keys are missing or altered")
        }

        // The holders of this client's shares: itself and its neighbours in U1 (all of U1 by default).
        let holders = ads.filter { $0.clientID == id || graph.areNeighbors(id, $0.clientID) }
        guard holders.count >= parameters.threshold else {
            throw SecureAggregationError(
                code: .tooFewClients,
                message:
                    "Client \(id): \(holders.count) neighbours advertised keys, threshold is \(parameters.threshold)")
        }
        let seed = SecureAggregationKeys.randomBytes(count: 32, using: &rng)
        let xs = holders.map { UInt64($0.clientID + 1) }
        let keyShares = ShamirSecretSharing.split(
            secret: Array(maskingKey.rawRepresentation), threshold: parameters.threshold, xCoordinates: xs, using: &rng)
        let seedShares = ShamirSecretSharing.split(
            secret: seed, threshold: parameters.threshold, xCoordinates: xs, using: &rng)

        var output: [SecureAggregationEncryptedShare] = []
        var openingKeys: [Int: SymmetricKey] = [:]
        for (index, ad) in holders.enumerated() {
            if ad.clientID == id {
                heldShares[id] = (keyShares[index], seedShares[index])
                continue
            }
            let peerKey = try SecureAggregationKeys.publicKey(ad.encryptionPublicKey, field: "encryption key")
            let (key, openingKey) = SecureAggregationKeys.shareEncryptionKeys(
                sharedSecret: try keyring.encryptionSecret(peerKey, raw: ad.encryptionPublicKey), ownID: id,
                peerID: ad.clientID, parameters: parameters)
            openingKeys[ad.clientID] = openingKey
            var plaintext: [UInt8] = []
            SecureAggregationBytes.append(UInt32(id), to: &plaintext)
            SecureAggregationBytes.append(UInt32(ad.clientID), to: &plaintext)
            let keyShareBytes = keyShares[index].serialized()
            SecureAggregationBytes.append(UInt32(keyShareBytes.count), to: &plaintext)
            plaintext += keyShareBytes
            plaintext += seedShares[index].serialized()
            // The key is used for exactly this one message, so the fixed zero nonce is never reused.
            let nonce = try ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12))
            let box = try ChaChaPoly.seal(
                plaintext, using: key, nonce: nonce,
                authenticating: SecureAggregationKeys.shareAssociatedData(
                    senderID: id, recipientID: ad.clientID, parameters: parameters))
            output.append(
                SecureAggregationEncryptedShare(senderID: id, recipientID: ad.clientID, ciphertext: Array(box.combined))
            )
        }
        peers = byID.filter { graph.areNeighbors(id, $0.key) }
        shareOpeningKeys = openingKeys
        selfMaskSeed = seed
        return output
    }

    /// Round 2: decrypts the shares the server relayed to this client (whose senders form U2 with this
    /// client) and returns the masked input.
    /// - Parameters:
    ///   - input: `[vectorLength]` elements of Z_{2^b} (e.g. from ``SecureAggregationQuantizer``).
    ///   - receivedShares: the encrypted shares addressed to this client.
    /// - Returns: `y_u` (see the type's summary).
    /// - Precondition: `input.count == parameters.vectorLength` and every element < 2^b.
    /// - Throws: ``SecureAggregationError``: `outOfOrder` before ``shareKeys(directory:using:)`` or if
    ///   called twice; `unknownClient`/`duplicateMessage` for a share from outside U1, for another
    ///   recipient or repeated; `decryptionFailed` if a share fails authentication; `malformedMessage`
    ///   if a decrypted share is malformed; `tooFewClients` if |U2| < t.
    public mutating func maskInput(
        _ input: [UInt64], receivedShares: [SecureAggregationEncryptedShare]
    ) throws -> SecureAggregationMaskedInput {
        precondition(
            input.count == parameters.vectorLength,
            "Client \(id): input has \(input.count) elements, vectorLength is \(parameters.vectorLength)")
        let modulusMask = parameters.modulusMask
        precondition(
            input.allSatisfy { $0 <= modulusMask }, "Client \(id): input elements must be < 2^\(parameters.modulusBits)"
        )
        guard let seed = selfMaskSeed, sharingClients == nil else {
            throw SecureAggregationError(
                code: .outOfOrder, message: "Client \(id): maskInput needs shareKeys first and runs once")
        }
        for share in receivedShares {
            guard share.recipientID == id else {
                throw SecureAggregationError(
                    code: .unknownClient,
                    message: "Client \(id): received a share addressed to client \(share.recipientID)")
            }
            guard share.senderID != id, peers[share.senderID] != nil else {
                throw SecureAggregationError(
                    code: .unknownClient, message: "Client \(id): share from client \(share.senderID), not a peer in U1"
                )
            }
            guard heldShares[share.senderID] == nil else {
                throw SecureAggregationError(
                    code: .duplicateMessage, message: "Client \(id): two shares from client \(share.senderID)")
            }
            heldShares[share.senderID] = try decrypt(share)
        }
        let u2 = heldShares.keys.sorted()
        guard u2.count >= parameters.threshold else {
            throw SecureAggregationError(
                code: .tooFewClients,
                message: "Client \(id): \(u2.count) clients shared keys, threshold is \(parameters.threshold)")
        }

        var masked = input
        let length = parameters.vectorLength
        SecureAggregationModular.accumulate(
            &masked,
            SecureAggregationKeys.mask(
                key: SecureAggregationKeys.selfMaskKey(seed: seed, clientID: id, parameters: parameters),
                count: length, modulusMask: modulusMask),
            subtract: false, mask: modulusMask)
        for peer in u2 where peer != id {
            // Peers are in U1 (checked above), so their masking keys parsed in shareKeys.
            let raw = peers[peer]?.maskingPublicKey ?? []
            let peerKey = try SecureAggregationKeys.publicKey(raw, field: "masking key")
            let key = SecureAggregationKeys.pairwiseMaskKey(
                sharedSecret: try keyring.maskingSecret(peerKey, raw: raw), ownID: id, peerID: peer,
                parameters: parameters)
            SecureAggregationModular.accumulate(
                &masked, SecureAggregationKeys.mask(key: key, count: length, modulusMask: modulusMask),
                subtract: peer < id, mask: modulusMask)
        }
        sharingClients = u2
        return SecureAggregationMaskedInput(clientID: id, values: masked)
    }

    /// Round 3: the shares that let the server remove the masks from the sum of U3's inputs.
    ///
    /// For each dropped client v ∈ U2 \ U3 this client reveals its share of s_v^SK (so the server can
    /// recompute v's pairwise masks), and for each v ∈ U3 its share of b_v (so the server can remove
    /// the self masks). A client answers only one survivor list: a second, different list throws,
    /// so a server cannot collect both kinds of share for one client by changing its story.
    /// - Throws: ``SecureAggregationError``: `outOfOrder` before ``maskInput(_:receivedShares:)`` or for a
    ///   second, different list; `unknownClient` if U2 is not the set this client saw or U3 ⊄ U2, or
    ///   this client is not in U3; `tooFewClients` if |U3| < t.
    public mutating func unmaskingResponse(
        survivors: SecureAggregationSurvivorList
    ) throws -> SecureAggregationUnmaskingResponse {
        guard let u2 = sharingClients else {
            throw SecureAggregationError(code: .outOfOrder, message: "Client \(id): unmasking needs maskInput first")
        }
        if let answered = answeredSurvivors, answered != survivors {
            throw SecureAggregationError(
                code: .outOfOrder, message: "Client \(id): already answered a different survivor list")
        }
        guard survivors.sharingClientIDs.filter({ $0 == id || graph.areNeighbors(id, $0) }) == u2 else {
            throw SecureAggregationError(
                code: .unknownClient,
                message: "Client \(id): the server's U2 differs from the clients this client received shares from")
        }
        let u3 = Set(survivors.maskedClientIDs)
        guard u3.count == survivors.maskedClientIDs.count, u3.isSubset(of: Set(survivors.sharingClientIDs)),
            u3.contains(id)
        else {
            throw SecureAggregationError(
                code: .unknownClient,
                message: "Client \(id): U3 must be a duplicate-free subset of U2 containing this client")
        }
        guard u3.count >= parameters.threshold else {
            throw SecureAggregationError(
                code: .tooFewClients,
                message: "Client \(id): \(u3.count) masked inputs counted, threshold is \(parameters.threshold)")
        }
        var keyShares: [Int: ShamirShare] = [:]
        var seedShares: [Int: ShamirShare] = [:]
        for peer in u2 {
            guard let held = heldShares[peer] else { continue }  // every U2 member is in heldShares by construction
            if u3.contains(peer) { seedShares[peer] = held.selfMask } else { keyShares[peer] = held.maskingKey }
        }
        answeredSurvivors = survivors
        return SecureAggregationUnmaskingResponse(clientID: id, maskingKeyShares: keyShares, selfMaskShares: seedShares)
    }

    /// Decrypts and checks one peer's encrypted shares.
    private func decrypt(_ share: SecureAggregationEncryptedShare) throws -> (
        maskingKey: ShamirShare, selfMask: ShamirShare
    ) {
        guard let key = shareOpeningKeys[share.senderID] else {
            throw SecureAggregationError(
                code: .unknownClient, message: "Client \(id): no share key for client \(share.senderID)")
        }
        let plaintext: [UInt8]
        do {
            let box = try ChaChaPoly.SealedBox(combined: share.ciphertext)
            plaintext = Array(
                try ChaChaPoly.open(
                    box, using: key,
                    authenticating: SecureAggregationKeys.shareAssociatedData(
                        senderID: share.senderID, recipientID: id, parameters: parameters)))
        } catch {
            throw SecureAggregationError(
                code: .decryptionFailed,
                message: "Client \(id): share from client \(share.senderID) failed authentication")
        }
        guard plaintext.count >= 12,
            SecureAggregationBytes.readUInt32(plaintext, at: 0) == UInt32(share.senderID),
            SecureAggregationBytes.readUInt32(plaintext, at: 4) == UInt32(id)
        else {
            throw SecureAggregationError(
                code: .decryptionFailed,
                message: "Client \(id): share from client \(share.senderID) names the wrong parties")
        }
        let keyLength = Int(SecureAggregationBytes.readUInt32(plaintext, at: 8))
        guard keyLength <= plaintext.count - 12 else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message: "Client \(id): share from client \(share.senderID) has a bad length at offset 8")
        }
        let keyShare = try ShamirShare(serialized: Array(plaintext[12..<(12 + keyLength)]))
        let seedShare = try ShamirShare(serialized: Array(plaintext[(12 + keyLength)...]))
        let expectedX = UInt64(id + 1)
        guard keyShare.x == expectedX, seedShare.x == expectedX,
            keyShare.threshold == parameters.threshold, seedShare.threshold == parameters.threshold,
            keyShare.secretByteCount == 32, seedShare.secretByteCount == 32
        else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message: "Client \(id): share from client \(share.senderID) has the wrong x, threshold or length")
        }
        return (keyShare, seedShare)
    }
}
