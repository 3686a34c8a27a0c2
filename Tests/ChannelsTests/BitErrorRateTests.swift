import Channels
import Foundation
import RealModule
import Testing
import TensorCore

/// Bit-error-rate tests against the closed forms of REFERENCE-NUMBERS.md ("Channels"), with
/// their own AWGN: circular complex Gaussian noise of variance N0 per complex symbol, where
/// `N0 = Es / (m · R · Eb/N0)` with Es = 1, m bits per symbol and code rate R.
///
/// Larger runs are behind `SEMCOM_SLOW_TESTS=1` (meant for `swift test -c release`).
@Suite struct BitErrorRateTests {
    private static let slow = ProcessInfo.processInfo.environment["SEMCOM_SLOW_TESTS"] == "1"

    /// Q(x) = ½ erfc(x / √2).
    private static func qFunction(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }

    private static func noiseVariance(ebN0Decibels: Double, bitsPerSymbol: Int, rate: Double = 1) -> Float {
        Float(1 / (Double(bitsPerSymbol) * rate * Double.pow(10, ebN0Decibels / 10)))
    }

    /// Random bits, modulation, AWGN, returns the received symbols.
    private static func transmit(
        _ bits: [UInt8], _ constellation: Constellation, noiseVariance: Float, rng: inout Xoshiro256
    ) throws -> [Float] {
        let sigma = (Double(noiseVariance) / 2).squareRoot()
        return try constellation.map(bits).map { $0 + Float(sigma * rng.nextStandardGaussian()) }
    }

    private static func randomBits(_ count: Int, rng: inout Xoshiro256) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var word: UInt64 = 0
        for i in 0..<count {
            if i % 64 == 0 { word = rng.next() }
            out[i] = UInt8(word & 1)
            word >>= 1
        }
        return out
    }

    private static func uncodedBER(
        _ scheme: ModulationScheme, ebN0Decibels: Double, bitCount: Int, seed: UInt64
    ) throws -> Double {
        var rng = Xoshiro256(seed: seed)
        let c = Constellation(scheme)
        let bits = randomBits(bitCount, rng: &rng)
        let n0 = noiseVariance(ebN0Decibels: ebN0Decibels, bitsPerSymbol: scheme.bitsPerSymbol)
        let received = try transmit(bits, c, noiseVariance: n0, rng: &rng)
        let decided = try c.hardDemap(received)
        return Double(zip(decided, bits).filter { $0 != $1 }.count) / Double(bitCount)
    }

    /// Relative tolerance that is ≥ 5 standard errors of a binomial estimate: checks `n` suffices.
    private static func requireFiveSigma(tolerance: Double, probability p: Double, bitCount n: Int) {
        let relativeStandardError = ((1 - p) / (Double(n) * p)).squareRoot()
        #expect(tolerance >= 5 * relativeStandardError, "n = \(n) too small for ±\(tolerance) at p = \(p)")
    }

    @Test(arguments: [ModulationScheme.bpsk, .qpsk])
    func uncodedBPSKAndQPSKMatchQFunction(scheme: ModulationScheme) throws {
        let n = 150_000
        let expected = Self.qFunction((2 * Double.pow(10, 0.0)).squareRoot())  // Eb/N0 = 0 dB
        #expect(abs(expected - 7.865e-2) < 1e-4)  // REFERENCE-NUMBERS.md
        Self.requireFiveSigma(tolerance: 0.05, probability: expected, bitCount: n)
        let ber = try Self.uncodedBER(scheme, ebN0Decibels: 0, bitCount: n, seed: 2024)
        #expect(abs(ber - expected) / expected <= 0.05, "\(scheme) BER \(ber) vs Q = \(expected)")
    }

    @Test
    func uncoded16QAMMatchesNearestNeighbourApproximation() throws {
        let n = 60_000
        let ebN0 = Double.pow(10, 0.4)  // 4 dB
        let expected = 0.75 * Self.qFunction((0.8 * ebN0).squareRoot())
        Self.requireFiveSigma(tolerance: 0.10, probability: expected, bitCount: n)
        let ber = try Self.uncodedBER(.qam16, ebN0Decibels: 4, bitCount: n, seed: 16)
        #expect(abs(ber - expected) / expected <= 0.10, "16-QAM BER \(ber) vs \(expected)")
    }

    @Test(.enabled(if: slow), arguments: [ModulationScheme.bpsk, .qpsk])
    func uncodedBERAtHigherSNR(scheme: ModulationScheme) throws {
        for (ebN0Decibels, reference, n) in [(4.0, 1.250e-2, 1_000_000), (6.0, 2.388e-3, 5_000_000)] {
            let expected = Self.qFunction((2 * Double.pow(10, ebN0Decibels / 10)).squareRoot())
            #expect(abs(expected - reference) / reference < 2e-3)
            Self.requireFiveSigma(tolerance: 0.05, probability: expected, bitCount: n)
            let ber = try Self.uncodedBER(scheme, ebN0Decibels: ebN0Decibels, bitCount: n, seed: 77)
            #expect(abs(ber - expected) / expected <= 0.05, "\(scheme) at \(ebN0Decibels) dB: \(ber) vs \(expected)")
        }
    }

    @Test(.enabled(if: slow))
    func uncoded16QAMAt8dB() throws {
        let n = 2_000_000
        let expected = 0.75 * Self.qFunction((0.8 * Double.pow(10, 0.8)).squareRoot())
        Self.requireFiveSigma(tolerance: 0.10, probability: expected, bitCount: n)
        let ber = try Self.uncodedBER(.qam16, ebN0Decibels: 8, bitCount: n, seed: 88)
        #expect(abs(ber - expected) / expected <= 0.10, "16-QAM BER \(ber) vs \(expected)")
    }

    /// Coded BER over BPSK/AWGN with soft demapping (exact LLRs) and soft Viterbi.
    private static func codedBER(
        _ code: ChannelCode, ebN0Decibels: Double, informationBitCount: Int, seed: UInt64
    ) throws -> (errors: Int, ber: Double) {
        var rng = Xoshiro256(seed: seed)
        let c = Constellation(.bpsk)
        let message = randomBits(informationBitCount, rng: &rng)
        let coded = try code.encode(message)
        let n0 = noiseVariance(ebN0Decibels: ebN0Decibels, bitsPerSymbol: 1, rate: code.rate)
        let received = try transmit(coded, c, noiseVariance: n0, rng: &rng)
        let llrs = try c.softDemap(received, noiseVariance: n0)
        let decoded = try code.decode(llrs, informationBitCount: informationBitCount)
        let errors = zip(decoded, message).filter { $0 != $1 }.count
        return (errors, Double(errors) / Double(informationBitCount))
    }

    @Test
    func viterbiGainAt4dBSmall() throws {
        // Uncoded BPSK at 4 dB: 1.25e-2 → ~250 errors in 2e4 bits. Soft Viterbi K = 7 rate 1/2
        // is near 1e-5 there; 20 errors (1e-3) would already mean a broken decoder.
        let (errors, _) = try Self.codedBER(.convolutionalK7, ebN0Decibels: 4, informationBitCount: 20_000, seed: 4)
        #expect(errors <= 20)
    }

    @Test
    func puncturedCodesBeatUncodedAt5dB() throws {
        // Uncoded BPSK at 5 dB: Q(√(2·10^0.5)) ≈ 5.95e-3 → ~89 errors in 15 000 bits.
        let uncoded = Self.qFunction((2 * Double.pow(10, 0.5)).squareRoot())
        for code in [ChannelCode.convolutionalK7TwoThirds, .convolutionalK7ThreeQuarters, .hamming74] {
            let (_, ber) = try Self.codedBER(code, ebN0Decibels: 5, informationBitCount: 15_000, seed: 5)
            let factor = code == .hamming74 ? 1.2 : 4.0  // Hamming soft ML gains ~1 dB; K = 7 far more
            #expect(ber * factor < uncoded, "\(code) BER \(ber) vs uncoded \(uncoded)")
        }
    }

    /// The headline figure: soft Viterbi K = 7 rate 1/2 over BPSK/AWGN at Eb/N0 = 4 dB,
    /// 10⁶ information bits, BER ≤ 1e-4. Run with
    /// `SEMCOM_SLOW_TESTS=1 swift test -c release --filter viterbiBERAt4dB`.
    @Test(.enabled(if: slow))
    func viterbiBERAt4dB() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let (errors, ber) = try Self.codedBER(
            .convolutionalK7, ebN0Decibels: 4, informationBitCount: 1_000_000, seed: 2026)
        let elapsed = clock.now - start
        print("soft Viterbi K=7 r=1/2 BPSK/AWGN Eb/N0 = 4 dB: \(errors) errors / 1e6 bits, BER = \(ber), \(elapsed)")
        #expect(ber <= 1e-4)
    }
}
