// A client's long-term key pairs for a whole federation, with its X25519 agreements cached.

import Crypto

/// One client's two X25519 key pairs kept across the rounds of a federation, with the X25519
/// shared secrets it has computed with its neighbours.
///
/// Bonawitz et al. run a fresh key exchange in every session; X25519 then dominates a round's
/// cost (2 agreements per pair of neighbours). With a keyring the agreements happen **once per
/// federation**: every session derives its share-encryption and pairwise-mask keys from the
/// cached secret with HKDF-SHA256 salted with that session's parameters (its ID among them), so
/// keys of different rounds are unrelated (the same derivation as without a keyring, which is
/// why the server's reconstruction of a dropped client's masks is unchanged). Self-mask seeds
/// stay fresh and are Shamir-shared anew each round.
///
/// **Rotation.** When a client drops out after sharing its keys (it is in U2 \ U3), the server
/// reconstructs its masking private key; from then on it could recompute that client's pairwise
/// masks in every later session. Such a client must start the next session with a new keyring
/// (drawn with ``init(using:)``); its neighbours then agree with the new public keys.
public struct SecureAggregationKeyring: Sendable {
    let encryptionKey: Curve25519.KeyAgreement.PrivateKey
    let maskingKey: Curve25519.KeyAgreement.PrivateKey
    /// Peer encryption public key → X25519 shared secret.
    private var encryptionSecrets: [[UInt8]: SymmetricKey] = [:]
    /// Peer masking public key → X25519 shared secret.
    private var maskingSecrets: [[UInt8]: SymmetricKey] = [:]

    /// Draws two fresh key pairs.
    /// - Parameter rng: the key source (`SystemRandomNumberGenerator` in deployment).
    public init<G: RandomNumberGenerator>(using rng: inout G) {
        encryptionKey = SecureAggregationKeys.makePrivateKey(using: &rng)
        maskingKey = SecureAggregationKeys.makePrivateKey(using: &rng)
    }

    /// The round-0 advertisement of these keys for client `clientID`.
    public func advertisement(clientID: Int) -> SecureAggregationKeyAdvertisement {
        SecureAggregationKeyAdvertisement(
            clientID: clientID, encryptionPublicKey: Array(encryptionKey.publicKey.rawRepresentation),
            maskingPublicKey: Array(maskingKey.publicKey.rawRepresentation))
    }

    /// Computes the agreements with `clientID`'s neighbours in `directory` that are not cached yet
    /// (after a rotation, only those with the rotated peers), and forgets peers no longer listed.
    /// - Throws: ``SecureAggregationError`` `.malformedMessage` for a public key that is not a valid
    ///   32-byte X25519 key.
    public mutating func agree(
        with directory: SecureAggregationKeyDirectory, clientID: Int, parameters: SecureAggregationParameters
    ) throws {
        let graph = SecureAggregationGraph(parameters: parameters)
        var encryption: [[UInt8]: SymmetricKey] = [:]
        var masking: [[UInt8]: SymmetricKey] = [:]
        for ad in directory.advertisements where ad.clientID != clientID && graph.areNeighbors(clientID, ad.clientID) {
            encryption[ad.encryptionPublicKey] =
                try encryptionSecrets[ad.encryptionPublicKey]
                ?? SecureAggregationKeys.agreement(
                    encryptionKey, SecureAggregationKeys.publicKey(ad.encryptionPublicKey, field: "encryption key"))
            masking[ad.maskingPublicKey] =
                try maskingSecrets[ad.maskingPublicKey]
                ?? SecureAggregationKeys.agreement(
                    maskingKey, SecureAggregationKeys.publicKey(ad.maskingPublicKey, field: "masking key"))
        }
        encryptionSecrets = encryption
        maskingSecrets = masking
    }

    /// The shared secret with a peer's encryption key (cached, or computed now).
    func encryptionSecret(_ peer: Curve25519.KeyAgreement.PublicKey, raw: [UInt8]) throws -> SymmetricKey {
        try encryptionSecrets[raw] ?? SecureAggregationKeys.agreement(encryptionKey, peer)
    }

    /// The shared secret with a peer's masking key (cached, or computed now).
    func maskingSecret(_ peer: Curve25519.KeyAgreement.PublicKey, raw: [UInt8]) throws -> SymmetricKey {
        try maskingSecrets[raw] ?? SecureAggregationKeys.agreement(maskingKey, peer)
    }
}
