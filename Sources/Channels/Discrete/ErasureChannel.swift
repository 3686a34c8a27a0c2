import TensorCore

/// The state of an erasure channel: which complex symbols arrive.
public struct ErasureState: Sendable, Equatable {
    /// `[batch, k]`: 1 where complex symbol `n` of example `b` is received, 0 where it is erased.
    public var mask: Tensor<Float>

    /// Creates a state from a 0/1 reception mask `[batch, k]`.
    public init(mask: Tensor<Float>) {
        precondition(mask.rank == 2, "Erasure mask must be [batch, k], got \(mask.shape)")
        self.mask = mask
    }

    /// Number of erased symbols.
    public var erasedCount: Int { mask.scalars.reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }

    /// Zeroes erased complex pairs of `x` (`[batch, …, 2·k]`), or multiplies a gradient by the mask.
    func masking(_ x: Tensor<Float>, _ context: String) -> Tensor<Float> {
        let (batch, symbols) = channelsComplexLayout(x.shape, context)
        precondition(
            mask.shape == [batch, symbols], "\(context): tensor \(x.shape) does not match an erasure mask \(mask.shape)")
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { o in
            mask.scalars.withUnsafeBufferPointer { m in
                for s in 0..<(batch * symbols) where m[s] == 0 {
                    o[2 * s] = 0
                    o[2 * s + 1] = 0
                }
            }
        }
        return y
    }
}

/// The symbol erasure channel: every complex symbol is independently erased (set to 0 + 0j) with
/// probability `p`.
///
/// Tensors are `[batch, …, 2·k]` with interleaved (real, imag) pairs; the state's mask is
/// `[batch, k]` and tells the receiver which symbols were erased (an erasure channel announces its
/// erasures). Pullback: `mask·dy` (an erased symbol passes no gradient). The binary erasure channel
/// of Elias (1955) on complex symbols; Sionna's `BinaryErasureChannel` is the bit version.
///
/// ```swift
/// var rng = Xoshiro256(seed: 9)
/// let (y, state) = SymbolErasureChannel(erasureProbability: 0.1).transmit(x, using: &rng)
/// ```
public struct SymbolErasureChannel: ChannelModel {
    /// Erasure probability per symbol, in [0, 1].
    public var erasureProbability: Float

    /// Creates a symbol erasure channel.
    /// - Precondition: `0 ≤ erasureProbability ≤ 1`.
    public init(erasureProbability: Float) {
        precondition(
            erasureProbability >= 0 && erasureProbability <= 1, "Erasure probability must be in [0, 1], got \(erasureProbability)")
        self.erasureProbability = erasureProbability
    }

    /// Draws an independent erasure (probability `p`) for each complex symbol.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> ErasureState {
        let (batch, symbols) = channelsComplexLayout(shape, "SymbolErasureChannel")
        let erased = channelsBernoulli(count: batch * symbols, probability: erasureProbability, using: &rng)
        return ErasureState(mask: Tensor(shape: [batch, symbols], scalars: erased.map { 1 - $0 }))
    }

    /// Zeroes the erased symbols of `x` (`[batch, …, 2·k]`). Draws nothing.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: ErasureState, using rng: inout G) -> Tensor<Float> {
        state.masking(x, "SymbolErasureChannel")
    }

    /// `mask·dy`.
    public func pullback(_ dy: Tensor<Float>, state: ErasureState) -> Tensor<Float> {
        state.masking(dy, "SymbolErasureChannel pullback")
    }
}

/// The packet erasure channel: symbols travel in packets of `symbolsPerPacket` consecutive complex
/// symbols (or one packet per example), and each packet is independently lost with probability `p`.
///
/// Same tensors, state and pullback as ``SymbolErasureChannel``; the mask is constant within each
/// packet (the last packet of an example may be shorter). Models frame loss after a failed CRC or
/// a dropped network packet.
public struct PacketErasureChannel: ChannelModel {
    /// Packet loss probability, in [0, 1].
    public var erasureProbability: Float
    /// Complex symbols per packet; `nil` means one packet per example.
    public var symbolsPerPacket: Int?

    /// Creates a packet erasure channel.
    /// - Precondition: `0 ≤ erasureProbability ≤ 1`; `symbolsPerPacket ≥ 1` when given.
    public init(erasureProbability: Float, symbolsPerPacket: Int? = nil) {
        precondition(
            erasureProbability >= 0 && erasureProbability <= 1, "Erasure probability must be in [0, 1], got \(erasureProbability)")
        precondition((symbolsPerPacket ?? 1) >= 1, "symbolsPerPacket must be ≥ 1, got \(String(describing: symbolsPerPacket))")
        self.erasureProbability = erasureProbability
        self.symbolsPerPacket = symbolsPerPacket
    }

    /// Draws one erasure per packet and spreads it over the packet's symbols.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> ErasureState {
        let (batch, symbols) = channelsComplexLayout(shape, "PacketErasureChannel")
        let perPacket = symbolsPerPacket ?? Swift.max(symbols, 1)
        let packets = (symbols + perPacket - 1) / perPacket
        let lost = channelsBernoulli(count: batch * packets, probability: erasureProbability, using: &rng)
        var mask = [Float](repeating: 1, count: batch * symbols)
        for b in 0..<batch {
            for n in 0..<symbols where lost[b * packets + n / perPacket] != 0 { mask[b * symbols + n] = 0 }
        }
        return ErasureState(mask: Tensor(shape: [batch, symbols], scalars: mask))
    }

    /// Zeroes the symbols of lost packets of `x` (`[batch, …, 2·k]`). Draws nothing.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: ErasureState, using rng: inout G) -> Tensor<Float> {
        state.masking(x, "PacketErasureChannel")
    }

    /// `mask·dy`.
    public func pullback(_ dy: Tensor<Float>, state: ErasureState) -> Tensor<Float> {
        state.masking(dy, "PacketErasureChannel pullback")
    }
}
