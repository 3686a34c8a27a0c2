import RealModule
import TensorCore

extension ChannelsError.Code {
    /// A bit array holds a value other than 0 or 1.
    public static let invalidBit = ChannelsError.Code("invalidBit")
}

/// The state of a binary channel with bit flips: which positions flip.
public struct BitFlipState: Sendable, Equatable {
    /// 1 where the bit flips, 0 elsewhere; the shape of the transmitted tensor.
    public var flips: Tensor<Float>

    /// Creates a state from a 0/1 flip pattern.
    public init(flips: Tensor<Float>) {
        self.flips = flips
    }

    /// Number of flipped positions.
    public var flipCount: Int { flips.scalars.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
}

/// The binary symmetric channel: every bit flips independently with probability `p`.
///
/// - Tensor form (``ChannelModel``): every element of a `[batch, …]` `Tensor<Float>` is one bit
///   in {0, 1} (not complex pairs). The output is `y = x + f·(1 − 2x)` with flip pattern `f` from
///   the state, i.e. `x XOR f` on {0, 1}; for soft inputs in [0, 1] it is the same affine map, so
///   the pullback is `∂L/∂x = (1 − 2f)·∂L/∂y` (as Sionna's `BinarySymmetricChannel`, which is
///   differentiable the same way).
/// - Byte form: ``transmit(bits:using:)`` on `[UInt8]` bits (0/1), throwing on other values.
/// - LLRs: ``llrs(received:)`` gives `ln(P(b = 0 | y)/P(b = 1 | y)) = (1 − 2y)·ln((1 − p)/p)`
///   (**positive means 0**), clamped to ±``maximumLLRMagnitude``.
///
/// Reference: Cover & Thomas, *Elements of Information Theory*, 2nd ed., §7.1.4; capacity
/// `1 − H2(p)` is ``Capacity/binarySymmetric(flipProbability:)``.
///
/// ```swift
/// var rng = Xoshiro256(seed: 8)
/// let bsc = BinarySymmetricChannel(flipProbability: 0.01)
/// let received = try bsc.transmit(bits: [0, 1, 1, 0], using: &rng)
/// let llrs = try bsc.llrs(received: received)
/// ```
public struct BinarySymmetricChannel: ChannelModel {
    /// Largest LLR magnitude returned (for `p = 0` the exact LLR is infinite).
    public static let maximumLLRMagnitude: Float = 100

    /// Flip probability `p`, in [0, 1].
    public var flipProbability: Float

    /// Creates a BSC with flip probability `flipProbability`.
    /// - Precondition: `0 ≤ flipProbability ≤ 1`.
    public init(flipProbability: Float) {
        precondition(flipProbability >= 0 && flipProbability <= 1, "Flip probability must be in [0, 1], got \(flipProbability)")
        self.flipProbability = flipProbability
    }

    /// Draws an independent Bernoulli(`p`) flip for every element of a tensor of `shape` (`[batch, …]`).
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> BitFlipState {
        _ = channelsRealLayout(shape, "BinarySymmetricChannel")
        return BitFlipState(flips: Tensor(shape: shape, scalars: channelsBernoulli(count: shape.reduce(1, *), probability: flipProbability, using: &rng)))
    }

    /// `x + f·(1 − 2x)` (XOR with the flip pattern on bits). Draws nothing.
    /// - Parameter x: bits as 0/1 values, `[batch, …]`.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: BitFlipState, using rng: inout G) -> Tensor<Float> {
        precondition(x.shape == state.flips.shape, "BSC: input \(x.shape) does not match state \(state.flips.shape)")
        return x.zipMap(state.flips) { bit, flip in bit + flip * (1 - 2 * bit) }
    }

    /// `(1 − 2f)·dy`.
    public func pullback(_ dy: Tensor<Float>, state: BitFlipState) -> Tensor<Float> {
        precondition(dy.shape == state.flips.shape, "BSC pullback: gradient \(dy.shape) does not match state \(state.flips.shape)")
        return dy.zipMap(state.flips) { g, flip in g * (1 - 2 * flip) }
    }

    /// Sends `bits` (each 0 or 1) through the channel.
    /// - Throws: ``ChannelsError`` with code ``ChannelsError/Code/invalidBit`` naming the first
    ///   offset whose value is not 0 or 1.
    /// - Returns: the received bits, same count.
    public func transmit<G: RandomNumberGenerator>(bits: [UInt8], using rng: inout G) throws -> [UInt8] {
        try channelsValidateBits(bits, "BinarySymmetricChannel.transmit(bits:)")
        let p = Double(flipProbability)
        return bits.map { bit in rng.nextUnitDouble() < p ? bit ^ 1 : bit }
    }

    /// The channel LLR `ln(P(b = 0 | y)/P(b = 1 | y))` of each received bit (positive means 0):
    /// `±ln((1 − p)/p)`, clamped to ±``maximumLLRMagnitude``.
    /// - Throws: ``ChannelsError`` (``ChannelsError/Code/invalidBit``) for values other than 0 and 1.
    public func llrs(received: [UInt8]) throws -> [Float] {
        try channelsValidateBits(received, "BinarySymmetricChannel.llrs(received:)")
        let magnitude = llrMagnitude
        return received.map { $0 == 0 ? magnitude : -magnitude }
    }

    /// LLRs of a received 0/1 tensor, `(1 − 2y)·ln((1 − p)/p)`, same shape (positive means 0).
    public func llrs(_ received: Tensor<Float>) -> Tensor<Float> {
        let magnitude = llrMagnitude
        return received.map { (1 - 2 * $0) * magnitude }
    }

    private var llrMagnitude: Float {
        let p = Double(flipProbability)
        let exact = Double.log((1 - p) / p)  // ±∞ at p = 0 or 1, clamped below
        return Float(Swift.min(Swift.max(exact, -Double(Self.maximumLLRMagnitude)), Double(Self.maximumLLRMagnitude)))
    }
}

/// `count` independent Bernoulli(`probability`) draws as 0/1 floats (one uniform draw each).
func channelsBernoulli<G: RandomNumberGenerator>(count: Int, probability: Float, using rng: inout G) -> [Float] {
    let p = Double(probability)
    var out = [Float](repeating: 0, count: count)
    for i in 0..<count where rng.nextUnitDouble() < p { out[i] = 1 }
    return out
}

/// Throws ``ChannelsError/Code/invalidBit`` at the first byte that is not 0 or 1.
func channelsValidateBits(_ bits: [UInt8], _ context: String) throws {
    if let offset = bits.firstIndex(where: { $0 > 1 }) {
        throw ChannelsError(
            code: .invalidBit, message: "\(context): bit at offset \(offset) is \(bits[offset]), expected 0 or 1")
    }
}
