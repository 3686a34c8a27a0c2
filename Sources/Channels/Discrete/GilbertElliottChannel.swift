import TensorCore

/// The state of one use of a ``GilbertElliottChannel``: the Markov state path and the events.
public struct GilbertElliottState: Sendable, Equatable {
    /// `[batch, units]`: 1 where the chain is in the bad state, 0 in the good state.
    public var badStates: Tensor<Float>
    /// `[batch, units]`: 1 where the unit is hit (bit flipped or symbol erased), 0 elsewhere.
    public var events: Tensor<Float>

    /// Creates a state from its two 0/1 tensors of equal shape `[batch, units]`.
    public init(badStates: Tensor<Float>, events: Tensor<Float>) {
        precondition(
            badStates.rank == 2 && badStates.shape == events.shape,
            "Gilbert–Elliott state tensors must both be [batch, units], got \(badStates.shape) and \(events.shape)")
        self.badStates = badStates
        self.events = events
    }
}

/// The Gilbert–Elliott burst channel: a two-state (good/bad) Markov chain whose state sets the
/// probability of a bit error or a symbol erasure, giving bursty errors.
///
/// ## Model
/// At every unit (a bit in ``Impairment/bitFlips`` mode, a complex symbol in
/// ``Impairment/symbolErasures`` mode) the chain moves good → bad with probability `p_gb`
/// (``goodToBad``) and bad → good with probability `p_bg` (``badToGood``), then the unit is hit
/// with probability `e_g` (``eventProbabilityGood``) or `e_b` (``eventProbabilityBad``). Each example
/// is an independent chain started in its stationary distribution, running along the example's
/// units in row-major order. Properties:
/// - stationary bad probability `π_b = p_gb / (p_gb + p_bg)`;
/// - stationary event rate `π_g·e_g + π_b·e_b`;
/// - bad-state sojourns (bursts) are geometric with **mean length `1/p_bg`** (good ones `1/p_gb`).
///
/// E. N. Gilbert, "Capacity of a burst-noise channel", Bell Syst. Tech. J. 39, 1960; E. O.
/// Elliott, "Estimates of error rates for codes on burst-noise channels", BSTJ 42, 1963.
/// `e_g = 0, e_b = 1` is Gilbert's original channel.
///
/// ## Tensors
/// - `.bitFlips`: every element of a `[batch, …]` tensor is a bit in {0, 1}; apply and pullback as
///   ``BinarySymmetricChannel`` with the event pattern as flips.
/// - `.symbolErasures`: `[batch, …, 2·k]` interleaved complex pairs; a hit symbol becomes 0 + 0j
///   and passes no gradient, as ``SymbolErasureChannel``.
///
/// ```swift
/// var rng = Xoshiro256(seed: 10)
/// let burst = GilbertElliottChannel(goodToBad: 0.01, badToGood: 0.2, eventProbabilityBad: 0.5, impairment: .bitFlips)
/// let received = try burst.transmit(bits: bits, using: &rng)
/// // Packet-level bursts: one unit per packet.
/// let path = burst.sampleEvents(count: packetCount, using: &rng)
/// ```
public struct GilbertElliottChannel: ChannelModel {
    /// What a hit does to a unit.
    public enum Impairment: Sendable, Equatable {
        /// Units are bits (tensor elements in {0, 1}); a hit flips the bit.
        case bitFlips
        /// Units are complex symbols (interleaved pairs); a hit erases the symbol (0 + 0j).
        case symbolErasures
    }

    /// Probability of moving from the good to the bad state at each unit, `p_gb`.
    public var goodToBad: Double
    /// Probability of moving from the bad to the good state at each unit, `p_bg`.
    public var badToGood: Double
    /// Probability that a unit is hit in the good state, `e_g`.
    public var eventProbabilityGood: Double
    /// Probability that a unit is hit in the bad state, `e_b`.
    public var eventProbabilityBad: Double
    /// Bit errors or symbol erasures.
    public var impairment: Impairment

    /// Creates a Gilbert–Elliott channel.
    /// - Precondition: every probability in [0, 1], and `p_gb + p_bg > 0` (the chain has a
    ///   stationary distribution).
    public init(
        goodToBad: Double, badToGood: Double, eventProbabilityGood: Double = 0, eventProbabilityBad: Double,
        impairment: Impairment
    ) {
        for (name, value) in [
            ("goodToBad", goodToBad), ("badToGood", badToGood),
            ("eventProbabilityGood", eventProbabilityGood), ("eventProbabilityBad", eventProbabilityBad),
        ] {
            precondition(value >= 0 && value <= 1, "Gilbert–Elliott \(name) must be in [0, 1], got \(value)")
        }
        precondition(goodToBad + badToGood > 0, "Gilbert–Elliott needs goodToBad + badToGood > 0")
        self.goodToBad = goodToBad
        self.badToGood = badToGood
        self.eventProbabilityGood = eventProbabilityGood
        self.eventProbabilityBad = eventProbabilityBad
        self.impairment = impairment
    }

    /// Stationary probability of the bad state, `p_gb / (p_gb + p_bg)`.
    public var stationaryBadProbability: Double { goodToBad / (goodToBad + badToGood) }

    /// Long-run fraction of hit units, `π_g·e_g + π_b·e_b`.
    public var stationaryEventProbability: Double {
        let bad = stationaryBadProbability
        return (1 - bad) * eventProbabilityGood + bad * eventProbabilityBad
    }

    /// Mean length of a bad-state burst in units, `1/p_bg` (infinite when `p_bg = 0`).
    public var meanBurstLength: Double { 1 / badToGood }

    /// Runs one chain (started from the stationary distribution) for `count` units.
    /// - Returns: per unit, whether the chain was in the bad state and whether the unit was hit.
    /// - Complexity: O(count), two uniform draws per unit (plus one for the start).
    public func sampleEvents<G: RandomNumberGenerator>(count: Int, using rng: inout G) -> (bad: [Bool], hit: [Bool]) {
        precondition(count >= 0, "Unit count must be ≥ 0, got \(count)")
        var bad = [Bool](repeating: false, count: count)
        var hit = [Bool](repeating: false, count: count)
        guard count > 0 else { return (bad, hit) }
        var inBad = rng.nextUnitDouble() < stationaryBadProbability
        for i in 0..<count {
            if i > 0 {
                let u = rng.nextUnitDouble()
                inBad = inBad ? !(u < badToGood) : (u < goodToBad)
            }
            bad[i] = inBad
            hit[i] = rng.nextUnitDouble() < (inBad ? eventProbabilityBad : eventProbabilityGood)
        }
        return (bad, hit)
    }

    /// Runs an independent chain per example over its units (elements for `.bitFlips`, complex
    /// symbols for `.symbolErasures`).
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> GilbertElliottState {
        let (batch, units) = unitLayout(shape)
        var bad = [Float](repeating: 0, count: batch * units)
        var hit = [Float](repeating: 0, count: batch * units)
        for b in 0..<batch {
            let path = sampleEvents(count: units, using: &rng)
            for i in 0..<units {
                bad[b * units + i] = path.bad[i] ? 1 : 0
                hit[b * units + i] = path.hit[i] ? 1 : 0
            }
        }
        return GilbertElliottState(
            badStates: Tensor(shape: [batch, units], scalars: bad), events: Tensor(shape: [batch, units], scalars: hit))
    }

    /// Flips hit bits (`x + e·(1 − 2x)`) or erases hit symbols. Draws nothing.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: GilbertElliottState, using rng: inout G) -> Tensor<Float> {
        switch impairment {
        case .bitFlips:
            let events = checkedEvents(x.shape, state)
            return x.zipMap(events) { bit, flip in bit + flip * (1 - 2 * bit) }
        case .symbolErasures:
            return erasureState(x.shape, state).masking(x, "GilbertElliottChannel")
        }
    }

    /// `(1 − 2e)·dy` for bit flips, `(1 − e)·dy` per symbol for erasures.
    public func pullback(_ dy: Tensor<Float>, state: GilbertElliottState) -> Tensor<Float> {
        switch impairment {
        case .bitFlips:
            let events = checkedEvents(dy.shape, state)
            return dy.zipMap(events) { g, flip in g * (1 - 2 * flip) }
        case .symbolErasures:
            return erasureState(dy.shape, state).masking(dy, "GilbertElliottChannel pullback")
        }
    }

    /// Sends `bits` (each 0 or 1) through one chain, flipping hit bits (in either impairment mode).
    /// - Throws: ``ChannelsError`` (``ChannelsError/Code/invalidBit``) naming the first offset whose
    ///   value is not 0 or 1.
    public func transmit<G: RandomNumberGenerator>(bits: [UInt8], using rng: inout G) throws -> [UInt8] {
        try channelsValidateBits(bits, "GilbertElliottChannel.transmit(bits:)")
        let hit = sampleEvents(count: bits.count, using: &rng).hit
        return zip(bits, hit).map { $1 ? $0 ^ 1 : $0 }
    }

    private func unitLayout(_ shape: [Int]) -> (batch: Int, units: Int) {
        switch impairment {
        case .bitFlips:
            let (batch, elements) = channelsRealLayout(shape, "GilbertElliottChannel")
            return (batch, elements)
        case .symbolErasures:
            let (batch, symbols) = channelsComplexLayout(shape, "GilbertElliottChannel")
            return (batch, symbols)
        }
    }

    private func checkedEvents(_ shape: [Int], _ state: GilbertElliottState) -> Tensor<Float> {
        let (batch, units) = unitLayout(shape)
        precondition(
            state.events.shape == [batch, units], "GilbertElliottChannel: tensor \(shape) does not match state \(state.events.shape)")
        return state.events.reshaped(shape)
    }

    private func erasureState(_ shape: [Int], _ state: GilbertElliottState) -> ErasureState {
        ErasureState(mask: state.events.map { 1 - $0 })
    }
}
