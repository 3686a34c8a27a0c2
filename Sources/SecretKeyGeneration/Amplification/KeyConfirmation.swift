import Crypto

/// Key confirmation: before using a key, Alice sends a fresh nonce and
/// `HMAC-SHA-256(key, "semcom key confirmation" ‖ nonce)`; Bob recomputes it with his key and
/// accepts only on equality (constant-time comparison by swift-crypto). A mismatch means the
/// reconciliation left errors, and the session produces no key.
///
/// The tag reveals no usable information about the key to someone without it (HMAC is a PRF,
/// Bellare, Canetti & Krawczyk 1996), but it is not counted in the information-theoretic
/// leakage: it is a computational assumption, as for every use of the key afterwards.
public enum KeyConfirmation {
    static let label = Array("semcom key confirmation v1".utf8)

    /// The confirmation tag of `key` (bits, packed MSB-first into bytes) over `nonce`.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidKeyLength`` for an empty key, and
    ///   ``SecretKeyGenerationError/Code/invalidInput`` for a nonce shorter than 8 bytes.
    public static func tag(key: [UInt8], nonce: [UInt8]) throws(SecretKeyGenerationError) -> [UInt8] {
        guard !key.isEmpty else {
            throw SecretKeyGenerationError(code: .invalidKeyLength, message: "key confirmation needs a non-empty key")
        }
        guard nonce.count >= 8 else {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "key confirmation nonce must have at least 8 bytes, got \(nonce.count)")
        }
        let mac = HMAC<SHA256>.authenticationCode(for: label + nonce, using: SymmetricKey(data: KeyBits.pack(key)))
        return Array(mac)
    }

    /// Whether `tag` confirms `key` over `nonce`.
    public static func verify(key: [UInt8], nonce: [UInt8], tag: [UInt8]) -> Bool {
        guard !key.isEmpty, nonce.count >= 8 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            tag, authenticating: label + nonce, using: SymmetricKey(data: KeyBits.pack(key)))
    }
}

/// Bit strings (0/1 per `UInt8`) to bytes and back, most significant bit first.
public enum KeyBits {
    /// Packs bits MSB-first; a last partial byte is padded with zeros.
    public static func pack(_ bits: [UInt8]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, b) in bits.enumerated() where b & 1 == 1 { bytes[i >> 3] |= 0x80 >> UInt8(i & 7) }
        return bytes
    }

    /// Unpacks bytes MSB-first into `8·bytes.count` bits.
    public static func unpack(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { byte in (0..<8).map { (byte >> UInt8(7 - $0)) & 1 } }
    }

    /// The hexadecimal spelling of the packed key.
    public static func hex(_ bits: [UInt8]) -> String {
        pack(bits).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
