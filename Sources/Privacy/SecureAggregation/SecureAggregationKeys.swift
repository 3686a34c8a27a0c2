// Key agreement, key derivation and the mask generator of secure aggregation (all from swift-crypto).

import Crypto
import Foundation

/// The cryptographic building blocks of secure aggregation, each a thin use of swift-crypto:
///
/// - key pairs: X25519 (`Curve25519.KeyAgreement`) from 32 bytes drawn from the caller's generator;
/// - key derivation: HKDF-SHA256 (RFC 5869) from the X25519 shared secret
///   (`SharedSecret.hkdfDerivedSymmetricKey`) or from a self-mask seed (`HKDF<SHA256>`), with the
///   session salt and a purpose label plus the client IDs as `info`, so every key has one use;
/// - mask generator: the ChaCha20 keystream (RFC 8439), obtained as the ChaCha20-Poly1305
///   ciphertext of an all-zero message under the derived key and a fixed zero nonce (each key
///   is derived for one session, one pair and one purpose, so a (key, nonce) pair never encrypts
///   two different messages); element k of the mask is the low b bits of the k-th little-endian
///   64-bit keystream word, which is exactly uniform on Z_{2^b} because 2^b divides 2^64;
/// - share encryption: ChaCha20-Poly1305 under a key derived per (sender → recipient), with the
///   session salt and both IDs as authenticated data.
enum SecureAggregationKeys {
    /// The HKDF salt of a session: a label, the session ID and every public parameter.
    static func sessionSalt(_ parameters: SecureAggregationParameters) -> [UInt8] {
        var bytes = Array("SemCom SecAgg v1 session".utf8)
        SecureAggregationBytes.append(parameters.sessionID, to: &bytes)
        SecureAggregationBytes.append(UInt32(parameters.clientCount), to: &bytes)
        SecureAggregationBytes.append(UInt32(parameters.threshold), to: &bytes)
        SecureAggregationBytes.append(UInt64(parameters.vectorLength), to: &bytes)
        SecureAggregationBytes.append(UInt32(parameters.modulusBits), to: &bytes)
        return bytes
    }

    /// `label ‖ first ‖ second` as HKDF info.
    static func info(_ label: String, _ first: Int, _ second: Int) -> [UInt8] {
        var bytes = Array(label.utf8)
        SecureAggregationBytes.append(UInt32(first), to: &bytes)
        SecureAggregationBytes.append(UInt32(second), to: &bytes)
        return bytes
    }

    /// 32 bytes from the generator (a key or a seed).
    static func randomBytes<G: RandomNumberGenerator>(count: Int, using rng: inout G) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = rng.next()
            for _ in 0..<8 where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }

    /// An X25519 private key from 32 random bytes (X25519 clamps any 32 bytes into a valid scalar).
    static func makePrivateKey<G: RandomNumberGenerator>(using rng: inout G) -> Curve25519.KeyAgreement.PrivateKey {
        let raw = randomBytes(count: 32, using: &rng)
        do {
            return try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
        } catch {
            preconditionFailure("X25519 accepts every 32-byte private key: \(error)")
        }
    }

    /// Parses a 32-byte X25519 public key received from the network.
    static func publicKey(_ bytes: [UInt8], field: String) throws -> Curve25519.KeyAgreement.PublicKey {
        guard bytes.count == 32, let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: bytes) else {
            throw SecureAggregationError(
                code: .malformedMessage,
                message: "\(field): expected a 32-byte X25519 public key, got \(bytes.count) bytes")
        }
        return key
    }

    /// The pairwise mask key s_{u,v} = HKDF(X25519(s_u, s_v), salt, "pairwise mask" ‖ min ‖ max).
    /// Symmetric in (u, v).
    static func pairwiseMaskKey(
        privateKey: Curve25519.KeyAgreement.PrivateKey, peerPublicKey: Curve25519.KeyAgreement.PublicKey,
        ownID: Int, peerID: Int, parameters: SecureAggregationParameters
    ) throws -> SymmetricKey {
        pairwiseMaskKey(
            sharedSecret: try agreement(privateKey, peerPublicKey), ownID: ownID, peerID: peerID,
            parameters: parameters)
    }

    /// The pairwise mask key from an X25519 shared secret already computed (e.g. cached for a
    /// federation by ``SecureAggregationKeyring``); identical to the one derived from the key pair.
    static func pairwiseMaskKey(
        sharedSecret: SymmetricKey, ownID: Int, peerID: Int, parameters: SecureAggregationParameters
    ) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: sharedSecret, salt: sessionSalt(parameters),
            info: info("SemCom SecAgg v1 pairwise mask", min(ownID, peerID), max(ownID, peerID)), outputByteCount: 32)
    }

    /// The raw X25519 shared secret X25519(private, peer) as HKDF input key material.
    static func agreement(
        _ privateKey: Curve25519.KeyAgreement.PrivateKey, _ peerPublicKey: Curve25519.KeyAgreement.PublicKey
    ) throws -> SymmetricKey {
        let secret = try privateKey.sharedSecretFromKeyAgreement(with: peerPublicKey)
        return secret.withUnsafeBytes { SymmetricKey(data: $0) }
    }

    /// The self-mask key of client u: HKDF(b_u, salt, "self mask" ‖ u ‖ u).
    static func selfMaskKey(seed: [UInt8], clientID: Int, parameters: SecureAggregationParameters) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: seed), salt: sessionSalt(parameters),
            info: info("SemCom SecAgg v1 self mask", clientID, clientID), outputByteCount: 32)
    }

    /// The keys encrypting shares between two clients, from one X25519 agreement (already
    /// computed, possibly cached for the federation): the key for `ownID → peerID` (sealing) and
    /// for `peerID → ownID` (opening), each HKDF(X25519(c_own, c_peer), salt, "share encryption" ‖
    /// sender ‖ recipient).
    static func shareEncryptionKeys(
        sharedSecret: SymmetricKey, ownID: Int, peerID: Int, parameters: SecureAggregationParameters
    ) -> (sealing: SymmetricKey, opening: SymmetricKey) {
        let salt = sessionSalt(parameters)
        let sealing = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: sharedSecret, salt: salt, info: info("SemCom SecAgg v1 share encryption", ownID, peerID),
            outputByteCount: 32)
        let opening = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: sharedSecret, salt: salt, info: info("SemCom SecAgg v1 share encryption", peerID, ownID),
            outputByteCount: 32)
        return (sealing, opening)
    }

    /// `count` elements of Z_{2^b} from the ChaCha20 keystream of `key` (see the type's note).
    static func mask(key: SymmetricKey, count: Int, modulusMask: UInt64) -> [UInt64] {
        let zeros = Data(count: 8 * count)
        let keystream: Data
        do {
            let nonce = try ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12))
            keystream = try ChaChaPoly.seal(zeros, using: key, nonce: nonce).ciphertext
        } catch {
            preconditionFailure("ChaCha20-Poly1305 with a 32-byte key and 12-byte nonce cannot fail: \(error)")
        }
        precondition(
            keystream.count == 8 * count, "ChaCha20 keystream has \(keystream.count) bytes, expected \(8 * count)")
        var output = [UInt64](repeating: 0, count: count)
        keystream.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                for k in 0..<count {
                    out[k] =
                        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)) & modulusMask
                }
            }
        }
        return output
    }

    /// Authenticated data of a share ciphertext: session salt ‖ sender ‖ recipient.
    static func shareAssociatedData(senderID: Int, recipientID: Int, parameters: SecureAggregationParameters) -> [UInt8]
    {
        var bytes = sessionSalt(parameters)
        SecureAggregationBytes.append(UInt32(senderID), to: &bytes)
        SecureAggregationBytes.append(UInt32(recipientID), to: &bytes)
        return bytes
    }
}
