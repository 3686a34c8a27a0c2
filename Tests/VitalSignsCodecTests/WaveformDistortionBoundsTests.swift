import Foundation
import TensorCore
import Testing

@testable import VitalSignsCodec

@Suite struct WaveformDistortionBoundsTests {
    @Test func reverseWaterFillingMatchesTheClosedForm() {
        // λ = (4, 1): up to 1 bit only the first component is described, D = 4·2^(−2B) + 1;
        // beyond, both at the level θ = √(4·1)·2^(−B).
        #expect(abs(WaveformDistortionBounds.reverseWaterFilling([4, 1], bits: 0.5) - 3) < 1e-12)
        #expect(abs(WaveformDistortionBounds.reverseWaterFilling([4, 1], bits: 1) - 2) < 1e-12)
        #expect(abs(WaveformDistortionBounds.reverseWaterFilling([4, 1], bits: 2) - 2 * 0.5) < 1e-12)
        #expect(WaveformDistortionBounds.reverseWaterFilling([4, 1], bits: 0) == 5)
        // A zero eigenvalue costs no bits: at 3 bits θ = 2·2^(−3).
        #expect(abs(WaveformDistortionBounds.reverseWaterFilling([4, 1, 0], bits: 3) - 0.5) < 1e-12)
    }

    @Test func equalEigenvaluesGiveTheWhiteGaussianFormulas() {
        // n equal eigenvalues, k complex uses: PRD = 100·(1 + γ)^(−k/n) (OPTA); the linear code sends
        // 2k of the n components with equal power 1 each, PRD² = (2k/(1+γ) + n − 2k)/n.
        let n = 64
        let bounds = WaveformDistortionBounds(eigenvalues: Array(repeating: 2.5, count: n))
        for (k, snr) in [(8, 10.0), (16, 0.0), (32, 20.0)] {
            let gamma = pow(10, snr / 10)
            #expect(abs(bounds.gaussianPRD(channelUsesPerWindow: k, snrDecibels: snr) - 100 * pow(1 + gamma, -Double(k) / Double(n))) < 1e-9)
            let linear = 100 * ((2 * Double(k) / (1 + gamma) + Double(n - 2 * k)) / Double(n)).squareRoot()
            #expect(abs(bounds.linearPRD(channelUsesPerWindow: k, snrDecibels: snr) - linear) < 1e-6)
        }
    }

    @Test func theOptimalCodeBeatsTheLinearOneAndBothImproveWithSNR() throws {
        // An AR(1)-like correlated signal: a few strong components, many weak.
        var rng = Xoshiro256(seed: 3, stream: 0)
        let recordings: [[Float]] = (0..<6).map { _ in
            var x: Float = 0
            return (0..<2000).map { _ in
                x = 0.95 * x + Float(rng.nextStandardGaussian())
                return x
            }
        }
        let bounds = try WaveformDistortionBounds(recordings: recordings, windowLength: 32, hop: 4)
        #expect(bounds.windowCount == 6 * ((2000 - 32) / 4 + 1))
        #expect(bounds.eigenvalues.count == 32)
        #expect(zip(bounds.eigenvalues, bounds.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
        // Unit-RMS recordings: the eigenvalues sum to the mean window energy, about 32.
        #expect(abs(bounds.eigenvalues.reduce(0, +) - 32) < 3)
        var previous = (gaussian: 101.0, linear: 101.0)
        for snr in stride(from: -5.0, through: 30, by: 5) {
            let g = bounds.gaussianPRD(channelUsesPerWindow: 4, snrDecibels: snr)
            let l = bounds.linearPRD(channelUsesPerWindow: 4, snrDecibels: snr)
            #expect(g < l)
            #expect(g < previous.gaussian && l < previous.linear)
            previous = (g, l)
        }
        // At high SNR the linear code is left with the energy of the components it does not send.
        let truncation = 100 * (bounds.eigenvalues.dropFirst(8).reduce(0, +) / bounds.eigenvalues.reduce(0, +)).squareRoot()
        #expect(abs(bounds.linearPRD(channelUsesPerWindow: 4, snrDecibels: 80) - truncation) < 1e-2)
    }

    @Test func badInputIsATypedError() {
        #expect(throws: VitalSignsCodecError.self) {
            try WaveformDistortionBounds(recordings: [[1, 2, 3]], windowLength: 1, hop: 1)
        }
        #expect(throws: VitalSignsCodecError.self) {
            try WaveformDistortionBounds(recordings: [[1, 2, 3]], windowLength: 4, hop: 0)
        }
        do {
            _ = try WaveformDistortionBounds(recordings: [[1, 2, 3], [1, .nan, 3]], windowLength: 2, hop: 1)
            Issue.record("NaN accepted")
        } catch {
            #expect(error.code == .nonFiniteSample)
            #expect(error.sampleOffset == 1)
            #expect(error.message.contains("recording 1"))
        }
        do {
            _ = try WaveformDistortionBounds(recordings: [[1, 2, 3], [0, 0, 0, 0, 0]], windowLength: 4, hop: 1)
            Issue.record("too-short and silent recordings accepted")
        } catch {
            #expect(error.code == .signalTooShort)
        }
    }
}
