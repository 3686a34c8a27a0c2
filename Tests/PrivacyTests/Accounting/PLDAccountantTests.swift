import Foundation
import Privacy
import Testing

@Suite struct PLDAccountantTests {
    private static let slow = ProcessInfo.processInfo.environment["SEMCOM_SLOW_TESTS"] != nil

    private func general(_ q: Double, _ sigma: Double, _ steps: Int, interval: Double) throws -> Double {
        let entry = try AccountingEntry(noiseMultiplier: sigma, samplingRate: q, steps: steps)
        return PLDAnalysis.epsilon(
            entries: [entry], delta: 1e-5, valueDiscretizationInterval: interval, exactGaussianFastPath: false)
    }

    // REFERENCE-NUMBERS: dp-accounting PLDAccountant; for q = 1 these are exact.
    @Test(arguments: [(1, 4.3772), (100, 91.8173)])
    func fullBatchGoldenValues(steps: Int, expected: Double) throws {
        let epsilon = try AccountantKind.pld.epsilon(noiseMultiplier: 1, samplingRate: 1, steps: steps, delta: 1e-5)
        #expect(abs(epsilon - expected) < 1e-4 * expected, "ε = \(epsilon), reference \(expected)")
    }

    @Test func discretizedPathMatchesClosedFormAndIsPessimistic() throws {
        let exact = PLDAnalysis.gaussianEpsilon(mu: 1, delta: 1e-5)
        let coarse = try general(1, 1, 1, interval: 1e-3)
        let fine = try general(1, 1, 1, interval: 1e-4)
        #expect(coarse >= exact && fine >= exact)
        #expect(fine <= coarse)
        #expect(fine - exact < 2e-4)
        // Ten compositions: μ = √10/σ.
        let ten = try general(1, 2, 10, interval: 1e-3)
        let tenExact = PLDAnalysis.gaussianEpsilon(mu: 10.0.squareRoot() / 2, delta: 1e-5)
        #expect(ten >= tenExact && ten - tenExact < 10 * 1e-3)
    }

    // REFERENCE-NUMBERS (q = 0.01, σ = 1.1, T = 1000) → 1.5154 through the general FFT path.
    // Pessimistic rounding costs ≈ T·h/2 nats: h = 5e-5 stays inside the 2 % tolerance.
    @Test func subsampledGoldenValue() throws {
        let epsilon = try general(0.01, 1.1, 1000, interval: 5e-5)
        #expect(epsilon >= 1.5154 * 0.995)
        #expect(abs(epsilon - 1.5154) < 0.02 * 1.5154, "ε = \(epsilon), reference 1.5154")
    }

    @Test(.tags(.slow), .enabled(if: slow)) func subsampledGoldenValueFineGrid() throws {
        let epsilon = try general(0.01, 1.1, 1000, interval: 1e-5)
        #expect(abs(epsilon - 1.5154) < 0.01 * 1.5154, "ε = \(epsilon), reference 1.5154")
    }

    @Test(.tags(.slow), .enabled(if: slow)) func fullBatchHundredStepsThroughFFT() throws {
        let epsilon = try general(1, 1, 100, interval: 1e-4)
        #expect(abs(epsilon - 91.8173) < 0.02 * 91.8173, "ε = \(epsilon)")
    }

    @Test func tighterThanRDP() throws {
        for (q, sigma, steps) in [(0.05, 1.0, 100), (0.2, 2.0, 30)] {
            let pld = try general(q, sigma, steps, interval: 1e-3)
            let rdp = try AccountantKind.rdp.epsilon(noiseMultiplier: sigma, samplingRate: q, steps: steps, delta: 1e-5)
            #expect(pld < rdp, "PLD \(pld) vs RDP \(rdp)")
            #expect(pld > 0.7 * rdp)
        }
    }

    @Test func monotoneInNoiseStepsAndRate() throws {
        let base = try general(0.05, 1.0, 50, interval: 1e-3)
        #expect(try general(0.05, 1.5, 50, interval: 1e-3) < base)
        #expect(try general(0.05, 1.0, 100, interval: 1e-3) > base)
        #expect(try general(0.1, 1.0, 50, interval: 1e-3) > base)
    }

    @Test func heterogeneousScheduleComposes() throws {
        var accountant = PLDAccountant(valueDiscretizationInterval: 1e-3)
        try accountant.record(noiseMultiplier: 1, samplingRate: 0.05, steps: 20)
        let first = try accountant.epsilon(delta: 1e-5)
        try accountant.record(noiseMultiplier: 2, samplingRate: 0.1, steps: 20)
        #expect(accountant.history.count == 2)
        let both = try accountant.epsilon(delta: 1e-5)
        #expect(both > first)
        try accountant.record(noiseMultiplier: 2, samplingRate: 0.1, steps: 5)
        #expect(accountant.history.count == 2 && accountant.history[1].steps == 25)
    }

    @Test func distributionIsNormalizedAndHockeyStickConsistent() {
        let pld = PrivacyLossDistribution.subsampledGaussian(
            noiseMultiplier: 1, samplingRate: 0.1, adjacency: .remove, valueDiscretizationInterval: 1e-3)
        let total = pld.masses.reduce(0, +) + pld.infinityMass
        #expect(abs(total - 1) < 1e-12)
        let composed = pld.selfComposed(times: 8)
        #expect(abs(composed.masses.reduce(0, +) + composed.infinityMass - 1) < 1e-9)
        let epsilon = composed.epsilon(delta: 1e-4)
        #expect(abs(composed.delta(epsilon: epsilon) - 1e-4) < 1e-9)
        #expect(composed.delta(epsilon: epsilon * 0.9) > 1e-4)
    }
}
