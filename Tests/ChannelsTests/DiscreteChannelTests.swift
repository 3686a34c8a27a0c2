import Channels
import RealModule
import Testing
import TensorCore

@Suite struct DiscreteChannelTests {
    /// BSC flip rate over 10⁵ bits, in tensor and byte form.
    @Test(arguments: [0.01, 0.1, 0.3] as [Float])
    func binarySymmetricFlipRate(p: Float) throws {
        var rng = Xoshiro256(seed: 51)
        let n = 100_000
        let channel = BinarySymmetricChannel(flipProbability: p)
        let x = Tensor(shape: [10, n / 10], scalars: (0..<n).map { Float(($0 / 3) % 2) })
        let (y, state) = channel.transmit(x, using: &rng)
        let flips = zip(x.scalars, y.scalars).filter { $0 != $1 }.count
        #expect(flips == state.flipCount)
        #expect(y.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        let tolerance = 6 * ChannelModelTestSupport.binomialStandardError(Double(p), n)
        #expect(abs(Double(flips) / Double(n) - Double(p)) < tolerance)
        let bits = (0..<n).map { UInt8($0 % 2) }
        let received = try channel.transmit(bits: bits, using: &rng)
        let byteFlips = zip(bits, received).filter { $0 != $1 }.count
        #expect(abs(Double(byteFlips) / Double(n) - Double(p)) < tolerance)
    }

    @Test func binarySymmetricLLRs() throws {
        let channel = BinarySymmetricChannel(flipProbability: 0.1)
        let llrs = try channel.llrs(received: [0, 1, 1])
        let magnitude = Float.log(9)
        #expect(abs(llrs[0] - magnitude) < 1e-6 && abs(llrs[1] + magnitude) < 1e-6 && llrs[2] == llrs[1])
        #expect(channel.llrs(Tensor(shape: [1, 2], scalars: [0, 1])).scalars == [llrs[0], llrs[1]])
        #expect(try BinarySymmetricChannel(flipProbability: 0).llrs(received: [0]) == [BinarySymmetricChannel.maximumLLRMagnitude])
        #expect(try BinarySymmetricChannel(flipProbability: 0.5).llrs(received: [1]) == [0])
    }

    @Test func invalidBitsThrow() {
        var rng = Xoshiro256(seed: 52)
        #expect {
            try BinarySymmetricChannel(flipProbability: 0.1).transmit(bits: [0, 1, 2], using: &rng)
        } throws: { error in
            guard let error = error as? ChannelsError else { return false }
            return error.code == .invalidBit && error.message.contains("offset 2")
        }
        #expect(throws: ChannelsError.self) {
            try GilbertElliottChannel(goodToBad: 0.1, badToGood: 0.1, eventProbabilityBad: 1, impairment: .bitFlips)
                .transmit(bits: [7], using: &rng)
        }
        #expect(throws: ChannelsError.self) { try BinarySymmetricChannel(flipProbability: 0.1).llrs(received: [1, 255]) }
    }

    /// Symbol erasure rate over 10⁵ symbols; erased symbols are exactly 0, others unchanged.
    @Test func symbolErasureRate() {
        var rng = Xoshiro256(seed: 53)
        let x = Tensor<Float>.gaussian(shape: [20, 10_000], using: &rng)  // 10⁵ symbols
        let (y, state) = SymbolErasureChannel(erasureProbability: 0.2).transmit(x, using: &rng)
        #expect(state.mask.shape == [20, 5000])
        let n = 100_000
        var mismatches = 0
        for s in 0..<n {
            let kept = state.mask.scalars[s] == 1
            if y.scalars[2 * s] != (kept ? x.scalars[2 * s] : 0) { mismatches += 1 }
            if y.scalars[2 * s + 1] != (kept ? x.scalars[2 * s + 1] : 0) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        let rate = Double(state.erasedCount) / Double(n)
        #expect(abs(rate - 0.2) < 6 * ChannelModelTestSupport.binomialStandardError(0.2, n))
    }

    /// Packet erasure: masks constant within packets, packet loss rate over 2·10⁴ packets.
    @Test func packetErasureRate() {
        var rng = Xoshiro256(seed: 54)
        let channel = PacketErasureChannel(erasureProbability: 0.3, symbolsPerPacket: 4)
        let state = channel.sampleState(for: [1000, 2 * 78], using: &rng)  // 78 symbols: 20 packets, last one 2 symbols
        var lost = 0
        var inconsistent = 0
        for b in 0..<1000 {
            for packet in 0..<20 {
                let first = state.mask[b, packet * 4]
                for n in (packet * 4)..<min(packet * 4 + 4, 78) where state.mask[b, n] != first { inconsistent += 1 }
                if first == 0 { lost += 1 }
            }
        }
        #expect(inconsistent == 0)
        let rate = Double(lost) / 20_000
        #expect(abs(rate - 0.3) < 6 * ChannelModelTestSupport.binomialStandardError(0.3, 20_000))
        // One packet per example.
        let whole = PacketErasureChannel(erasureProbability: 0.5).sampleState(for: [200, 10], using: &rng)
        for b in 0..<200 { #expect(Set((0..<5).map { whole.mask[b, $0] }).count == 1) }
    }

    /// Gilbert–Elliott: mean bad-burst length 1/p_bg, stationary bad fraction and stationary
    /// error rate, over 2·10⁵ units. The error-rate tolerance accounts for the chain's memory:
    /// Var(mean) ≈ [σ_e² + 2(e_b − e_g)²·π_g·π_b·λ/(1 − λ)]/n with λ = 1 − p_gb − p_bg.
    @Test(arguments: [GilbertElliottChannel.Impairment.bitFlips, .symbolErasures])
    func gilbertElliottBurstsAndRates(impairment: GilbertElliottChannel.Impairment) {
        var rng = Xoshiro256(seed: 55)
        let (pgb, pbg, eg, eb) = (0.05, 0.25, 0.01, 0.5)
        let channel = GilbertElliottChannel(
            goodToBad: pgb, badToGood: pbg, eventProbabilityGood: eg, eventProbabilityBad: eb, impairment: impairment)
        #expect(abs(channel.meanBurstLength - 4) < 1e-12)
        #expect(abs(channel.stationaryBadProbability - 1.0 / 6) < 1e-12)
        let units = 200_000
        let perExample = 20_000
        let shape = impairment == .bitFlips ? [units / perExample, perExample] : [units / perExample, 2 * perExample]
        let state = channel.sampleState(for: shape, using: &rng)
        #expect(state.badStates.shape == [units / perExample, perExample])
        // Burst lengths: maximal runs of bad states inside each example (runs cut by the example
        // boundary are dropped, so every counted run is complete).
        var bursts = [Double]()
        for b in 0..<(units / perExample) {
            var run = 0
            var startedInside = false
            for i in 0..<perExample {
                if state.badStates[b, i] == 1 {
                    if run == 0 { startedInside = i > 0 }
                    run += 1
                } else {
                    if run > 0 && startedInside { bursts.append(Double(run)) }
                    run = 0
                }
            }
        }
        let burst = ChannelModelTestSupport.meanAndStandardError(bursts)
        #expect(abs(burst.mean - 1 / pbg) < 6 * burst.standardError, "mean burst \(burst.mean)")
        let badFraction = Double(state.badStates.scalars.filter { $0 == 1 }.count) / Double(units)
        let eventRate = Double(state.events.scalars.filter { $0 == 1 }.count) / Double(units)
        let lambda = 1 - pgb - pbg
        let piBad = pgb / (pgb + pbg)
        let stateVariance = piBad * (1 - piBad) * (1 + lambda) / (1 - lambda) / Double(units)
        #expect(abs(badFraction - piBad) < 6 * stateVariance.squareRoot())
        let rate = channel.stationaryEventProbability
        let eventVariance =
            (rate * (1 - rate) + 2 * (eb - eg) * (eb - eg) * piBad * (1 - piBad) * lambda / (1 - lambda)) / Double(units)
        #expect(abs(eventRate - rate) < 6 * eventVariance.squareRoot(), "event rate \(eventRate) vs \(rate)")
        // Errors are bursty: P(hit | previous hit) far above the marginal rate.
        var pairs = 0, both = 0
        for i in 1..<units where state.events.scalars[i - 1] == 1 && i % perExample != 0 {
            pairs += 1
            if state.events.scalars[i] == 1 { both += 1 }
        }
        #expect(Double(both) / Double(pairs) > 2 * rate)
    }

    @Test func gilbertElliottAppliesItsEvents() {
        var rng = Xoshiro256(seed: 56)
        let flips = GilbertElliottChannel(goodToBad: 0.2, badToGood: 0.2, eventProbabilityBad: 0.9, impairment: .bitFlips)
        let bits = Tensor(shape: [4, 50], scalars: (0..<200).map { Float($0 % 2) })
        let (y, state) = flips.transmit(bits, using: &rng)
        for i in 0..<200 {
            let flipped = state.events.scalars[i] == 1
            #expect(y.scalars[i] == (flipped ? 1 - bits.scalars[i] : bits.scalars[i]))
        }
        let erasures = GilbertElliottChannel(goodToBad: 0.2, badToGood: 0.2, eventProbabilityBad: 0.9, impairment: .symbolErasures)
        let x = Tensor<Float>.gaussian(shape: [4, 100], using: &rng)
        let (z, erased) = erasures.transmit(x, using: &rng)
        for s in 0..<200 {
            let hit = erased.events.scalars[s] == 1
            #expect(z.scalars[2 * s] == (hit ? 0 : x.scalars[2 * s]))
            #expect(z.scalars[2 * s + 1] == (hit ? 0 : x.scalars[2 * s + 1]))
        }
    }

    /// Pullbacks of the discrete channels against finite differences (the tensor maps are affine).
    @Test func discretePullbacksMatchFiniteDifferences() {
        var rng = Xoshiro256(seed: 57)
        let bits = Tensor(shape: [2, 6], scalars: (0..<12).map { Float($0 % 2) })
        let symbols = Tensor<Float>.gaussian(shape: [2, 6], using: &rng)
        #expect(ChannelModelTestSupport.pullbackError(BinarySymmetricChannel(flipProbability: 0.5), x: bits, seed: 58) < 1e-2)
        #expect(ChannelModelTestSupport.pullbackError(SymbolErasureChannel(erasureProbability: 0.5), x: symbols, seed: 59) < 1e-2)
        #expect(
            ChannelModelTestSupport.pullbackError(PacketErasureChannel(erasureProbability: 0.5, symbolsPerPacket: 2), x: symbols, seed: 60)
                < 1e-2)
        let ge = GilbertElliottChannel(goodToBad: 0.3, badToGood: 0.3, eventProbabilityGood: 0.1, eventProbabilityBad: 0.8, impairment: .bitFlips)
        #expect(ChannelModelTestSupport.pullbackError(ge, x: bits, seed: 61) < 1e-2)
        let geErasure = GilbertElliottChannel(goodToBad: 0.3, badToGood: 0.3, eventProbabilityBad: 0.8, impairment: .symbolErasures)
        #expect(ChannelModelTestSupport.pullbackError(geErasure, x: symbols, seed: 62) < 1e-2)
        // The erasure pullback is the mask.
        let erasure = SymbolErasureChannel(erasureProbability: 0.5)
        let state = erasure.sampleState(for: [2, 6], using: &rng)
        let ones = Tensor<Float>(repeating: 1, shape: [2, 6])
        let gradient = erasure.pullback(ones, state: state)
        for s in 0..<6 { #expect(gradient.scalars[2 * s] == state.mask.scalars[s]) }
    }

    @Test func impossibleProbabilityTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = BinarySymmetricChannel(flipProbability: 1.5)
        }
    }
}
