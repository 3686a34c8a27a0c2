import Channels
import RawTransmission
import RealModule
import TensorCore
import Testing

@Suite struct AdaptiveModulationCodingTests {
    private let candidates = [
        DigitalScheme(modulation: .bpsk, code: .convolutionalK7),
        DigitalScheme(modulation: .qpsk, code: .convolutionalK7),
        DigitalScheme(modulation: .qam16, code: .convolutionalK7ThreeQuarters),
        DigitalScheme(modulation: .qam64, code: .convolutionalK7ThreeQuarters),
    ]

    @Test func picksADenserConstellationAtHigherSNR() throws {
        var rng = Xoshiro256(seed: 21)
        let table = AdaptiveModulationCoding.thresholdTable(
            candidates: candidates, snrDecibels: [2, 25], informationBits: 200, channel: .awgn,
            targetFrameErrorRate: 0.1, frames: 30, using: &rng)
        let low = try #require(table[0].selection)
        let high = try #require(table[1].selection)
        #expect(high.scheme.modulation.bitsPerSymbol > low.scheme.modulation.bitsPerSymbol)
        #expect(high.scheme == candidates[3])  // 25 dB: the densest candidate is error-free
        #expect(high.channelUses < low.channelUses)
        #expect(low.frameErrorRate <= 0.1 && high.frameErrorRate <= 0.1)
        #expect(high.channelUses == candidates[3].channelUses(informationBits: 200))
    }

    @Test func nothingMeetsTheTargetAtVeryLowSNR() {
        var rng = Xoshiro256(seed: 22)
        let selection = AdaptiveModulationCoding.select(
            candidates: candidates, snrDecibels: -10, informationBits: 200, channel: .rayleighBlock,
            targetFrameErrorRate: 0.05, frames: 20, using: &rng)
        #expect(selection == nil)
    }

    @Test func channelUsesCountTailAndPadding() {
        // 100 bits, rate 1/2 with a 6-bit tail → 212 coded bits; 16-QAM: 53 symbols; 64-QAM: ⌈212/6⌉ = 36.
        #expect(DigitalScheme(modulation: .qam16, code: .convolutionalK7).channelUses(informationBits: 100) == 53)
        #expect(DigitalScheme(modulation: .qam64, code: .convolutionalK7).channelUses(informationBits: 100) == 36)
        #expect(DigitalScheme(modulation: .bpsk, code: .none).channelUses(informationBits: 100) == 100)
        #expect(DigitalScheme.standardCandidates.count == 13)
    }
}

@Suite struct IdealDigitalBoundTests {
    @Test func awgnBoundValues() {
        // 10 dB: C = log2(11) = 3.4594 bits per channel use.
        #expect(abs(IdealDigitalBound.bits(channelUses: 100, snrDecibels: 10) - 100 * Double.log2(11)) < 1e-9)
        #expect(IdealDigitalBound.channelUses(payloadBits: 1000, snrDecibels: 10) == 290)
        // SNR = 3 (4.77 dB): C = 2 exactly, so 1000 bits need exactly 500 uses (no rounding up).
        let snr3 = 10 * Double.log10(3)
        #expect(abs(IdealDigitalBound.capacity(snrDecibels: snr3) - 2) < 1e-12)
        #expect(IdealDigitalBound.channelUses(payloadBits: 1000, snrDecibels: snr3) == 500)
        #expect(IdealDigitalBound.channelUses(payloadBits: 1001, snrDecibels: snr3) == 501)
        #expect(IdealDigitalBound.channelUses(payloadBits: 0, snrDecibels: 0) == 0)
        // 0 dB: C = 1.
        #expect(IdealDigitalBound.channelUses(payloadBits: 77, snrDecibels: 0) == 77)
        #expect(IdealDigitalBound.channelUses(payloadBits: 5, snrDecibels: -400) == Int.max)
    }

    @Test func rayleighErgodicBoundIsBelowAWGN() {
        for snr in [-5.0, 0, 10, 20] {
            let awgn = IdealDigitalBound.capacity(snrDecibels: snr)
            let rayleigh = IdealDigitalBound.capacity(snrDecibels: snr, channel: .ergodicRayleigh)
            #expect(rayleigh < awgn && rayleigh > 0)
            #expect(
                IdealDigitalBound.channelUses(payloadBits: 4000, snrDecibels: snr, channel: .ergodicRayleigh)
                    >= IdealDigitalBound.channelUses(payloadBits: 4000, snrDecibels: snr))
        }
        // log2(e)·e^{0.1}·E1(0.1) = 1.442695 · 1.105171 · 1.822924 = 2.9065 bits per channel use.
        #expect(abs(IdealDigitalBound.capacity(snrDecibels: 10, channel: .ergodicRayleigh) - 2.9065) < 1e-3)
    }

    @Test func practicalSchemesNeedMoreChannelUsesThanTheBound() {
        // 1000 bits at 10 dB: bound 290 uses; 16-QAM rate 3/4 needs ⌈1345/4⌉ = 337.
        let practical = DigitalScheme(modulation: .qam16, code: .convolutionalK7ThreeQuarters)
        #expect(
            practical.channelUses(informationBits: 1000)
                > IdealDigitalBound.channelUses(payloadBits: 1000, snrDecibels: 10))
    }
}
