import Crypto

/// Sealed frames: a `.semf` frame (or any byte string) encrypted and authenticated with AES-GCM
/// or ChaCha20-Poly1305 under a ``SealingKeys`` session key, with the nonce built from the
/// frame's sequence number, and replays rejected by the receiver.
///
/// ## Layout (big-endian)
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `SEMS` |
/// | 4 | 1 | version (1) |
/// | 5 | 1 | cipher (1 AES-256-GCM, 2 ChaCha20-Poly1305) |
/// | 6 | 2 | reserved, 0 |
/// | 8 | 8 | sequence number `s` |
/// | 16 | 4 | ciphertext length `L` (≤ 16 MiB) |
/// | 20 | L | ciphertext |
/// | 20 + L | 16 | authentication tag |
///
/// The 20-byte header is the associated data (authenticated, not encrypted); the 96-bit nonce is
/// the direction's 4-byte prefix ‖ `s`, so a nonce never repeats while sequence numbers do not.
///
/// ## What it protects, and what not
/// - Protects: the **confidentiality** of the frame's content (symbols, KB fingerprint, task) and
///   its **integrity and origin**: any changed byte, a frame under another key, or a spliced
///   header fails authentication; a **replayed** frame (a sequence number already accepted, or
///   older than the 64-frame window) is rejected.
/// - Does not protect: the length, timing and sequence numbers (traffic analysis); availability
///   (jamming or dropping frames); anything once the physical-layer key is known; a receiver that
///   forgets its replay window (state must persist for the key's lifetime). It is for **digital**
///   frames (stored or forwarded `.semf` streams); analog symbols sent straight over the channel
///   are protected by ``LatentScrambler`` instead.
public enum SealedFrame {
    /// `SEMS`.
    public static let magic: [UInt8] = Array("SEMS".utf8)
    /// The format version.
    public static let version: UInt8 = 1
    /// Header bytes.
    public static let headerLength = 20
    /// Tag bytes.
    public static let tagLength = 16
    /// The largest ciphertext accepted.
    public static let maximumPayload = 16 << 20
}

/// Seals frames of one direction with increasing sequence numbers.
public struct FrameSealer: Sendable {
    let key: SymmetricKey
    let prefix: [UInt8]
    /// The cipher.
    public let cipher: SealingCipher
    /// The sequence number of the next frame.
    public private(set) var nextSequence: UInt64

    /// Creates a sealer.
    /// - Parameters:
    ///   - keys: the session keys.
    ///   - cipher: the AEAD.
    ///   - direction: the direction of this stream.
    ///   - firstSequence: the first sequence number (never reuse one under the same key).
    public init(keys: SealingKeys, cipher: SealingCipher = .aesGCM, direction: SealingDirection = .aliceToBob, firstSequence: UInt64 = 0) {
        self.key = keys.frameKey(cipher, direction)
        self.prefix = keys.noncePrefix(cipher, direction)
        self.cipher = cipher
        self.nextSequence = firstSequence
    }

    /// Seals `payload` with the next sequence number.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidInput`` for a payload over 16 MiB or an
    ///   exhausted sequence space.
    public mutating func seal(_ payload: [UInt8]) throws(SecretKeyGenerationError) -> [UInt8] {
        guard payload.count <= SealedFrame.maximumPayload else {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "payload of \(payload.count) bytes exceeds \(SealedFrame.maximumPayload)")
        }
        guard nextSequence < UInt64.max else {
            throw SecretKeyGenerationError(code: .invalidInput, message: "sequence numbers exhausted; derive a new key")
        }
        let sequence = nextSequence
        var header = SealedFrame.magic + [SealedFrame.version, cipher.rawValue, 0, 0]
        header += bigEndian(sequence, bytes: 8) + bigEndian(UInt64(payload.count), bytes: 4)
        let nonce = prefix + bigEndian(sequence, bytes: 8)
        let (ciphertext, tag): ([UInt8], [UInt8])
        do {
            switch cipher {
            case .aesGCM:
                let box = try AES.GCM.seal(payload, using: key, nonce: try AES.GCM.Nonce(data: nonce), authenticating: header)
                (ciphertext, tag) = (Array(box.ciphertext), Array(box.tag))
            case .chaChaPoly:
                let box = try ChaChaPoly.seal(
                    payload, using: key, nonce: try ChaChaPoly.Nonce(data: nonce), authenticating: header)
                (ciphertext, tag) = (Array(box.ciphertext), Array(box.tag))
            }
        } catch {
            throw SecretKeyGenerationError(code: .invalidInput, message: "sealing failed: \(error)")
        }
        nextSequence += 1
        return header + ciphertext + tag
    }
}

/// Opens the sealed frames of one direction and rejects replays (a 64-frame sliding window as in
/// IPsec's anti-replay service, RFC 4303 §3.4.3).
public struct FrameOpener: Sendable {
    let key: SymmetricKey
    let prefix: [UInt8]
    /// The cipher.
    public let cipher: SealingCipher
    /// The highest sequence number accepted so far.
    public private(set) var highestSequence: UInt64?
    /// Bit `i` set: sequence `highestSequence − i` was accepted.
    var window: UInt64 = 0
    /// The replay window, frames.
    public static let windowSize: UInt64 = 64

    /// Creates an opener for the sealer of the same keys, cipher and direction.
    public init(keys: SealingKeys, cipher: SealingCipher = .aesGCM, direction: SealingDirection = .aliceToBob) {
        self.key = keys.frameKey(cipher, direction)
        self.prefix = keys.noncePrefix(cipher, direction)
        self.cipher = cipher
    }

    /// Authenticates and decrypts one sealed frame.
    /// - Returns: its sequence number and payload.
    /// - Throws: ``SecretKeyGenerationError`` with code `truncatedFrame` (naming the offset and the
    ///   bytes expected), `malformedFrame` (magic, version, cipher, reserved or length field),
    ///   `authenticationFailed` (any modified byte or another key), or `replayedFrame`.
    public mutating func open(_ sealed: [UInt8]) throws(SecretKeyGenerationError) -> (sequence: UInt64, payload: [UInt8]) {
        guard sealed.count >= SealedFrame.headerLength else {
            throw SecretKeyGenerationError(
                code: .truncatedFrame,
                message: "sealed frame has \(sealed.count) bytes; the header needs \(SealedFrame.headerLength) (offset \(sealed.count))")
        }
        guard Array(sealed[0..<4]) == SealedFrame.magic else {
            throw SecretKeyGenerationError(code: .malformedFrame, message: "offset 0: magic is not 'SEMS'")
        }
        guard sealed[4] == SealedFrame.version else {
            throw SecretKeyGenerationError(
                code: .malformedFrame, message: "offset 4: version \(sealed[4]), expected \(SealedFrame.version)")
        }
        guard sealed[5] == cipher.rawValue else {
            throw SecretKeyGenerationError(
                code: .malformedFrame, message: "offset 5: cipher \(sealed[5]), expected \(cipher.rawValue) (\(cipher))")
        }
        guard sealed[6] == 0, sealed[7] == 0 else {
            throw SecretKeyGenerationError(code: .malformedFrame, message: "offset 6: reserved bytes must be 0")
        }
        let sequence = readBigEndian(sealed, at: 8, bytes: 8)
        let length = Int(readBigEndian(sealed, at: 16, bytes: 4))
        guard length <= SealedFrame.maximumPayload else {
            throw SecretKeyGenerationError(
                code: .malformedFrame, message: "offset 16: ciphertext length \(length) exceeds \(SealedFrame.maximumPayload)")
        }
        let expected = SealedFrame.headerLength + length + SealedFrame.tagLength
        guard sealed.count >= expected else {
            throw SecretKeyGenerationError(
                code: .truncatedFrame,
                message: "sealed frame has \(sealed.count) bytes; header, \(length)-byte ciphertext and tag need \(expected) "
                    + "(offset \(sealed.count))")
        }
        guard sealed.count == expected else {
            throw SecretKeyGenerationError(
                code: .malformedFrame, message: "offset \(expected): \(sealed.count - expected) trailing bytes after the tag")
        }
        let header = Array(sealed[0..<SealedFrame.headerLength])
        let ciphertext = Array(sealed[SealedFrame.headerLength..<(SealedFrame.headerLength + length)])
        let tag = Array(sealed[(SealedFrame.headerLength + length)...])
        let nonce = prefix + bigEndian(sequence, bytes: 8)
        let payload: [UInt8]
        do {
            switch cipher {
            case .aesGCM:
                let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                payload = Array(try AES.GCM.open(box, using: key, authenticating: header))
            case .chaChaPoly:
                let box = try ChaChaPoly.SealedBox(nonce: try ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                payload = Array(try ChaChaPoly.open(box, using: key, authenticating: header))
            }
        } catch {
            throw SecretKeyGenerationError(
                code: .authenticationFailed, message: "frame \(sequence) is not authentic (modified or sealed under another key)")
        }
        // Replay check after authentication, so forged sequence numbers cannot move the window.
        if let highest = highestSequence {
            if sequence > highest {
                let shift = sequence - highest
                window = shift >= Self.windowSize ? 0 : window << shift
                window |= 1
                highestSequence = sequence
            } else {
                let age = highest - sequence
                guard age < Self.windowSize else {
                    throw SecretKeyGenerationError(
                        code: .replayedFrame,
                        message: "frame \(sequence) is older than the replay window (highest accepted \(highest))")
                }
                guard window & (1 << age) == 0 else {
                    throw SecretKeyGenerationError(code: .replayedFrame, message: "frame \(sequence) was already accepted")
                }
                window |= 1 << age
            }
        } else {
            highestSequence = sequence
            window = 1
        }
        return (sequence, payload)
    }
}

func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
    (0..<bytes).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (bytes - 1 - $0))) }
}

func readBigEndian(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
    var value: UInt64 = 0
    for i in 0..<count { value = value << 8 | UInt64(bytes[offset + i]) }
    return value
}
