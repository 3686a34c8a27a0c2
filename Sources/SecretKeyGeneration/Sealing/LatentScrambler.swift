import Crypto
import RealModule
import TensorCore

/// Keyed per-frame orthogonal scrambling of power-normalized analog symbols: frame `s` is sent
/// as `Q_s·x` and the receiver, after equalization, computes `Q_sᵀ·y`.
///
/// `Q_s` is a Haar-distributed random orthogonal `d × d` matrix (`d = 2k` reals) drawn from a
/// keystream that only the key holders can compute: the frame key `HKDF(master, "frame" ‖ s)`
/// drives ChaCha20 (swift-crypto's ChaChaPoly over zero bytes), whose output gives `d²`
/// standard Gaussians (Box–Muller), and `Q_s` is the Q factor of their QR decomposition with
/// `R`'s diagonal made positive (Mezzadri, "How to generate random matrices from the classical
/// compact groups", Notices AMS 2007).
///
/// ## What it protects, and what not
/// - Protects: the **meaning carried by the direction** of each frame's symbol vector. With
///   per-example power normalization every frame has the same norm, and `Q_s·x` of a Haar `Q_s`
///   is uniform on the sphere whatever `x` is; an eavesdropper without the key sees every frame
///   in a fresh, independent basis, so neither a decoder trained on the clear link nor one fitted
///   on intercepted symbols with known labels can do better than guessing from the class prior.
/// - Keeps: the legitimate link's accuracy over AWGN and over fading with CSI, because `Q_sᵀ`
///   maps white Gaussian noise (also the equalized noise of a block-fading frame, where one
///   coefficient scales the whole frame) to noise of the same distribution.
/// - Does not protect: the frame's **energy** (rotations keep the norm: with a normalization that
///   lets the norm vary, the norm leaks); **integrity** (anyone can jam or inject symbols, which
///   decode to garbage but are not detected — seal digital frames with ``FrameSealer`` for that);
///   and it needs **unique sequence numbers** per key: two frames under the same `s` share a
///   basis and leak their relative geometry. Per-symbol fading *within* a frame (fast fading)
///   makes the equalized noise non-white, and the rotation then spreads it across the frame.
public struct LatentScrambler: Sendable {
    let master: SymmetricKey

    /// A scrambler for one direction of the session keys.
    public init(keys: SealingKeys, direction: SealingDirection = .aliceToBob) {
        master = keys.scramblingKey(direction)
    }

    /// The orthogonal matrix of frame `sequence`, row-major `d × d`.
    /// - Precondition: `1 ≤ d ≤ 256`.
    public func rotation(sequence: UInt64, dimension d: Int) -> [Double] {
        precondition(d >= 1 && d <= 256, "scrambling dimension must be in 1…256, got \(d)")
        let frameKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Array("frame".utf8) + bigEndian(sequence, bytes: 8), outputByteCount: 32)
        // ChaCha20 keystream: the ciphertext of zeros under a key used for this frame only.
        let zeros = [UInt8](repeating: 0, count: 8 * d * d + 8)
        let stream: [UInt8]
        do {
            stream = Array(try ChaChaPoly.seal(zeros, using: frameKey, nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12))).ciphertext)
        } catch {
            preconditionFailure("ChaChaPoly with a 32-byte key and 12-byte nonce cannot fail: \(error)")
        }
        var words = [UInt64](repeating: 0, count: stream.count / 8)
        for i in words.indices { words[i] = readBigEndian(stream, at: 8 * i, bytes: 8) }
        // Uniforms in (0, 1) → Box–Muller pairs.
        var gaussians = [Double](repeating: 0, count: d * d)
        var w = 0
        var i = 0
        while i < d * d {
            let u1 = (Double(words[w] >> 11) + 0.5) / 9007199254740992.0
            let u2 = (Double(words[w + 1] >> 11) + 0.5) / 9007199254740992.0
            w += 2
            let radius = (-2 * Double.log(u1)).squareRoot()
            gaussians[i] = radius * Double.cos(2 * Double.pi * u2)
            if i + 1 < d * d { gaussians[i + 1] = radius * Double.sin(2 * Double.pi * u2) }
            i += 2
        }
        return Self.orthonormalize(gaussians, d)
    }

    /// Modified Gram–Schmidt on the columns of a `d × d` matrix (row-major), columns normalized
    /// to positive `R` diagonal: the Haar orthogonal Q. Returned row-major.
    static func orthonormalize(_ a: [Double], _ d: Int) -> [Double] {
        var columns = (0..<d).map { c in (0..<d).map { r in a[r * d + c] } }
        for c in 0..<d {
            for p in 0..<c {
                var dot = 0.0
                for r in 0..<d { dot += columns[p][r] * columns[c][r] }
                for r in 0..<d { columns[c][r] -= dot * columns[p][r] }
            }
            var norm = 0.0
            for r in 0..<d { norm += columns[c][r] * columns[c][r] }
            norm = norm.squareRoot()
            // A Gaussian matrix is singular with probability 0; guard anyway.
            if norm < 1e-300 { columns[c] = (0..<d).map { $0 == c ? 1 : 0 } } else {
                for r in 0..<d { columns[c][r] /= norm }
            }
        }
        var q = [Double](repeating: 0, count: d * d)
        for r in 0..<d { for c in 0..<d { q[r * d + c] = columns[c][r] } }
        return q
    }

    /// Scrambles (`Q_s·x`) or unscrambles (`Q_sᵀ·y`) each row of `[batch, d]`, row `b` with sequence
    /// number `firstSequence + b`.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidInput`` unless the tensor is `[batch, d]`
    ///   with `1 ≤ d ≤ 256`.
    public func apply(_ x: Tensor<Float>, firstSequence: UInt64, inverse: Bool = false) throws(SecretKeyGenerationError)
        -> Tensor<Float>
    {
        guard x.rank == 2, x.shape[1] >= 1, x.shape[1] <= 256 else {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "scrambling needs symbols [batch, d] with 1 ≤ d ≤ 256, got \(x.shape)")
        }
        let (batch, d) = (x.shape[0], x.shape[1])
        var out = [Float](repeating: 0, count: batch * d)
        for b in 0..<batch {
            let q = rotation(sequence: firstSequence &+ UInt64(b), dimension: d)
            for r in 0..<d {
                var s = 0.0
                for c in 0..<d {
                    let entry = inverse ? q[c * d + r] : q[r * d + c]
                    s += entry * Double(x.scalars[b * d + c])
                }
                out[b * d + r] = Float(s)
            }
        }
        return Tensor(shape: [batch, d], scalars: out)
    }
}
