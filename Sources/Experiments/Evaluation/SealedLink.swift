import Foundation
import Channels
import SecretKeyGeneration
import SemanticCodec
import TensorCore

/// The legitimate link protected by keyed per-frame orthogonal scrambling
/// (``SecretKeyGeneration/LatentScrambler``): the transmitter rotates every record's
/// power-normalized symbols by its frame's key-derived rotation, the channel carries the rotated
/// symbols (what an eavesdropper intercepts), and the receiver undoes the rotation after the
/// channel's equalization, before its decoder.
///
/// The key comes from a physical-layer key-generation session (``sessionKey(seed:)`` runs one:
/// a walking wearable at 20 dB, multibit quantization), so the evaluation exercises the whole
/// chain: channel probing → key → HKDF → per-frame rotations.
public struct SealedLink: Sendable {
    /// The scrambler (one direction of the session keys).
    public var scrambler: LatentScrambler

    /// A sealed link under `keyBits` (≥ 128 bits).
    /// - Throws: ``SecretKeyGenerationError`` for a short key.
    public init(keyBits: [UInt8]) throws {
        scrambler = LatentScrambler(keys: try SealingKeys(keyBits: keyBits))
    }

    /// One record batch over the scrambled link: the symbols on the air `[batch, 2·k]` and the
    /// decoder's output.
    /// - Throws: ``SecretKeyGenerationError`` when `2·k > 256`.
    public func transmit<E: SemanticEncoder, D: SemanticDecoder, C: ChannelModel, G: RandomNumberGenerator>(
        _ pipeline: SemanticPipeline<E, D>, _ inputs: Tensor<Float>, over channel: C, firstSequence: UInt64,
        using rng: inout G
    ) throws -> (symbols: Tensor<Float>, output: Tensor<Float>) {
        let symbols = try scrambler.apply(pipeline.symbols(for: inputs, using: &rng), firstSequence: firstSequence)
        let received = channel.transmit(symbols, using: &rng).output
        let restored = try scrambler.apply(received, firstSequence: firstSequence, inverse: true)
        return (symbols, pipeline.decode(restored))
    }

    /// The first confirmed key of a key-generation run seeded with `seed`: 640 probes of a
    /// 10 Hz-Doppler channel probed at 100 Hz, 20 dB, multibit quantization, Cascade, Toeplitz
    /// hashing (up to 20 sessions until one confirms a key of at least 128 bits).
    /// - Throws: ``SecretKeyGenerationError`` if none does.
    public static func sessionKey(seed: UInt64) throws -> [UInt8] {
        let configuration = KeyGenerationConfiguration(
            probing: ProbingConfiguration(probes: 640, snrDecibels: 20, dopplerHertz: 10, eveDistancesWavelengths: []),
            quantizer: try Quantizer.named("multibit"), calibrationSessions: 50)
        var rng = Xoshiro256(seed: seed)
        let summary = try KeyGenerationExperiment.run(configuration, sessions: 20, using: &rng)
        guard let key = summary.firstKey, key.count >= SealingKeys.minimumKeyBits else {
            throw SecretKeyGenerationError(code: .invalidKeyLength, message: "no session confirmed a key of ≥ 128 bits")
        }
        return key
    }
}

/// Reading the key of `semcom eval --seal`.
public enum SealedLinkKey {
    /// The key bits from a hex file written by `semcom keygen --key-out`, or, without a file, the
    /// key of a key-generation session seeded with `seed` (``SealedLink/sessionKey(seed:)``).
    /// - Throws: ``SecretKeyGenerationError`` naming the file and offset of a non-hex character,
    ///   or a key shorter than 128 bits; the file system's error for an unreadable file.
    public static func load(_ path: String?, seed: UInt64) throws -> [UInt8] {
        guard let path else { return try SealedLink.sessionKey(seed: seed) }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var index = text.startIndex
        var offset = 0
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
            guard text.distance(from: index, to: next) == 2, let byte = UInt8(text[index..<next], radix: 16) else {
                throw SecretKeyGenerationError(
                    code: .invalidInput, message: "\(path): offset \(offset): expected two hexadecimal digits")
            }
            bytes.append(byte)
            index = next
            offset += 2
        }
        let bits = KeyBits.unpack(bytes)
        guard bits.count >= SealingKeys.minimumKeyBits else {
            throw SecretKeyGenerationError(
                code: .invalidKeyLength, message: "\(path): key has \(bits.count) bits, need at least \(SealingKeys.minimumKeyBits)")
        }
        return bits
    }
}
