import Crypto

/// The direction a sealed stream travels; each direction has its own key and nonce prefix so that
/// the two ends never use the same (key, nonce) pair.
public enum SealingDirection: String, Sendable, Hashable, CaseIterable {
    case aliceToBob = "alice-to-bob"
    case bobToAlice = "bob-to-alice"
}

/// The authenticated cipher of sealed frames (both from swift-crypto).
public enum SealingCipher: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AES-256-GCM (NIST SP 800-38D).
    case aesGCM = 1
    /// ChaCha20-Poly1305 (RFC 8439).
    case chaChaPoly = 2

    /// `aes-gcm` or `chachapoly`.
    public var description: String { self == .aesGCM ? "aes-gcm" : "chachapoly" }

    /// The cipher named `aes-gcm` or `chachapoly`.
    /// - Throws: ``SecretKeyGenerationError/Code/unknownName``.
    public static func named(_ name: String) throws(SecretKeyGenerationError) -> SealingCipher {
        guard let cipher = allCases.first(where: { $0.description == name.lowercased() }) else {
            throw SecretKeyGenerationError(
                code: .unknownName, message: "unknown cipher '\(name)'; expected aes-gcm or chachapoly")
        }
        return cipher
    }
}

/// Session keys derived from a physical-layer key with HKDF-SHA-256 (RFC 5869): one AEAD key and
/// one 4-byte nonce prefix per direction and cipher, and one master key for latent scrambling,
/// each under its own `info` label, so no key is used for two purposes.
public struct SealingKeys: Sendable {
    /// The smallest physical-layer key accepted, bits.
    public static let minimumKeyBits = 128

    let material: SymmetricKey

    /// Derives the session keys from a confirmed key.
    /// - Parameter keyBits: the key (0/1 per element), at least 128 bits.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidKeyLength`` for a shorter key or one that
    ///   is not made of bits.
    public init(keyBits: [UInt8]) throws(SecretKeyGenerationError) {
        guard keyBits.count >= Self.minimumKeyBits else {
            throw SecretKeyGenerationError(
                code: .invalidKeyLength,
                message: "a sealing key needs at least \(Self.minimumKeyBits) bits, got \(keyBits.count)")
        }
        guard keyBits.allSatisfy({ $0 <= 1 }) else {
            throw SecretKeyGenerationError(code: .invalidKeyLength, message: "key bits must be 0 or 1")
        }
        material = SymmetricKey(data: KeyBits.pack(keyBits) + [UInt8(keyBits.count % 8)])
    }

    static let salt = Array("semcom phy-key v1".utf8)

    func derive(_ info: String, bytes: Int) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, salt: Self.salt, info: Array(info.utf8), outputByteCount: bytes)
    }

    /// The AEAD key of one direction.
    func frameKey(_ cipher: SealingCipher, _ direction: SealingDirection) -> SymmetricKey {
        derive("semcom sealed frames \(cipher) \(direction.rawValue) key", bytes: 32)
    }

    /// The nonce prefix of one direction (the nonce is prefix ‖ 64-bit sequence number).
    func noncePrefix(_ cipher: SealingCipher, _ direction: SealingDirection) -> [UInt8] {
        derive("semcom sealed frames \(cipher) \(direction.rawValue) nonce", bytes: 4).withUnsafeBytes { Array($0) }
    }

    /// The master key of latent scrambling for one direction.
    func scramblingKey(_ direction: SealingDirection) -> SymmetricKey {
        derive("semcom latent scrambling \(direction.rawValue)", bytes: 32)
    }
}
