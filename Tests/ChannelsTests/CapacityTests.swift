import Channels
import RealModule
import Testing

@Suite struct CapacityTests {
    @Test func awgnCapacity() {
        #expect(abs(Capacity.awgn(snr: SNR.linear(fromDecibels: 0.0)) - 1) < 1e-12)
        #expect(abs(Capacity.awgn(snr: SNR.linear(fromDecibels: 10.0)) - 3.4594316186372973) < 1e-12)
        #expect(abs(Capacity.awgn(snr: SNR.linear(fromDecibels: 20.0)) - 6.658211482751795) < 1e-12)
        #expect(Capacity.awgn(snr: 0) == 0)
    }

    /// Closed form e^{1/γ}E1(1/γ)/ln 2 against scipy.integrate.quad of E[log2(1 + γ|h|²)]
    /// (0.8603473822708858, 2.9065148084148045, 5.8840482336834725 at γ = 1, 10, 100) and against
    /// our own composite Simpson integration; always below the AWGN capacity (Jensen).
    @Test(arguments: [(1.0, 0.8603473822708858), (10.0, 2.9065148084148045), (100.0, 5.8840482336834725)])
    func ergodicRayleighCapacity(snr: Double, quadrature: Double) {
        let closedForm = Capacity.ergodicRayleigh(snr: snr)
        #expect(abs(closedForm - quadrature) < 1e-10)
        // Simpson on t ∈ [0, 60] (the e^{−60} tail is negligible), 60 000 intervals.
        let intervals = 60_000
        let width = 60.0 / Double(intervals)
        var sum = 0.0
        for i in 0...intervals {
            let t = Double(i) * width
            let f = Double.log(onePlus: snr * t) / Double.log(2) * Double.exp(-t)
            sum += f * (i == 0 || i == intervals ? 1 : (i % 2 == 1 ? 4 : 2))
        }
        #expect(abs(sum * width / 3 - closedForm) < 1e-6)
        #expect(closedForm < Capacity.awgn(snr: snr))
    }

    @Test func ergodicRayleighExtremes() {
        #expect(Capacity.ergodicRayleigh(snr: 0) == 0)
        // Low SNR: C ≈ γ·log2(e); high SNR: C ≈ log2(γ) − γ_Euler·log2(e).
        #expect(abs(Capacity.ergodicRayleigh(snr: 1e-4) / (1e-4 / Double.log(2)) - 1) < 1e-3)
        let highSNR = 1e6
        #expect(abs(Capacity.ergodicRayleigh(snr: highSNR) - (Double.log2(highSNR) - 0.5772156649015329 / Double.log(2))) < 1e-4)
    }

    @Test func exponentialIntegral() {
        // scipy.special.exp1
        #expect(abs(SpecialFunctions.exponentialIntegralE1(0.5) - 0.5597735947761608) < 1e-14)
        #expect(abs(SpecialFunctions.exponentialIntegralE1(2) - 0.048900510708061125) < 1e-15)
        #expect(abs(SpecialFunctions.exponentialIntegralE1(10) / 4.156968929685325e-06 - 1) < 1e-12)
        #expect(abs(SpecialFunctions.scaledExponentialIntegralE1(1) - Double.exp(1) * SpecialFunctions.exponentialIntegralE1(1)) < 1e-14)
    }

    @Test func discreteCapacities() {
        #expect(abs(Capacity.binarySymmetric(flipProbability: 0.11) - (1 - Capacity.binaryEntropy(0.11))) < 1e-15)
        #expect(abs(Capacity.binaryEntropy(0.5) - 1) < 1e-15)
        #expect(Capacity.binarySymmetric(flipProbability: 0) == 1)
        #expect(abs(Capacity.erasure(erasureProbability: 0.25) - 0.75) < 1e-15)
    }
}
