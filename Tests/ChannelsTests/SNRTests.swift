import Channels
import Testing

@Suite struct SNRTests {
    @Test func decibelConversions() {
        #expect(abs(SNR.linear(fromDecibels: 10.0) - 10) < 1e-12)
        #expect(abs(SNR.linear(fromDecibels: -3.0) - 0.501187233627272) < 1e-12)
        #expect(abs(SNR.decibels(fromLinear: 100.0) - 20) < 1e-12)
        for db in [-10.0, 0, 3.7, 25] {
            #expect(abs(SNR.decibels(fromLinear: SNR.linear(fromDecibels: db)) - db) < 1e-12)
        }
        #expect(abs(SNR.linear(fromDecibels: Float(20)) - 100) < 1e-4)
    }

    /// Es/N0 = Eb/N0 · R · log2 M.
    @Test func energyPerBitAndPerSymbol() {
        // QPSK, rate ½: Es/N0 = Eb/N0.
        #expect(abs(SNR.esNoDecibels(ebNoDecibels: 4.0, bitsPerSymbol: 2, codeRate: 0.5) - 4) < 1e-12)
        // 16-QAM uncoded: +10·log10(4) = +6.0206 dB.
        #expect(abs(SNR.esNoDecibels(ebNoDecibels: 0.0, bitsPerSymbol: 4) - 6.020599913279624) < 1e-12)
        #expect(abs(SNR.ebNoDecibels(esNoDecibels: 6.020599913279624, bitsPerSymbol: 4)) < 1e-12)
        #expect(abs(SNR.esNo(ebNo: 2.0, bitsPerSymbol: 6, codeRate: 0.75) - 9) < 1e-12)
        #expect(abs(SNR.ebNo(esNo: 9.0, bitsPerSymbol: 6, codeRate: 0.75) - 2) < 1e-12)
    }

    /// N0 = Es / (Eb/N0 · R · log2 M) (Sionna's ebnodb2no).
    @Test func noiseVarianceFromEbNo() {
        #expect(abs(SNR.noiseVariance(ebNoDecibels: 10.0, bitsPerSymbol: 2, codeRate: 0.5) - 0.1) < 1e-12)
        #expect(abs(SNR.noiseVariance(ebNoDecibels: 0.0, bitsPerSymbol: 1) - 1) < 1e-12)
        #expect(abs(SNR.noiseVariance(ebNoDecibels: 3.0, bitsPerSymbol: 4, codeRate: 0.5, signalPower: 2) - 2 / (1.9952623149688795 * 2)) < 1e-12)
        #expect(abs(SNR.noiseVariance(esNoDecibels: 20.0) - 0.01) < 1e-12)
    }

    @Test func invalidCodeRateTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SNR.esNo(ebNo: 1.0, bitsPerSymbol: 2, codeRate: 1.5)
        }
    }
}
