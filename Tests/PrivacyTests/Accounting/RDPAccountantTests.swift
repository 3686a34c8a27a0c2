import Privacy
import Testing

@Suite struct RDPAccountantTests {
    // REFERENCE-NUMBERS: Google dp-accounting 0.6.0 RdpAccountant, default orders, δ = 1e-5.
    @Test(arguments: [
        (0.01, 1.1, 1000, 1.7118),
        (1.0, 1.0, 1, 4.7285),
        (1.0, 1.0, 100, 96.1163),
    ])
    func reproducesDPAccounting(samplingRate: Double, noiseMultiplier: Double, steps: Int, expected: Double) throws {
        var accountant = RDPAccountant()
        try accountant.record(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: steps)
        let epsilon = try accountant.epsilon(delta: 1e-5)
        #expect(abs(epsilon - expected) < 0.01 * expected, "ε = \(epsilon), reference \(expected)")
    }

    // Opacus tests/accountants_test.py: σ = 1.5, q = 0.04, 2250 steps, δ = 1e-5, Opacus's orders.
    @Test func reproducesOpacus() throws {
        var accountant = RDPAccountant(orders: RDPAnalysis.opacusOrders)
        try accountant.record(noiseMultiplier: 1.5, samplingRate: 0.04, steps: 2250)
        let epsilon = try accountant.epsilon(delta: 1e-5)
        #expect(abs(epsilon - 7.32911117143) < 1e-6, "ε = \(epsilon)")
    }

    @Test func fullBatchRDPIsGaussian() {
        // q = 1: RDP of N(0, σ²) with sensitivity 1 is α/(2σ²) (Mironov 2017, Proposition 7).
        for alpha in [1.5, 2, 7.3, 32] {
            #expect(RDPAnalysis.subsampledGaussian(samplingRate: 1, noiseMultiplier: 2, order: alpha) == alpha / 8)
        }
    }

    @Test func integerAndFractionalSeriesAgree() {
        // Near an integer order the fractional series must match the exact binomial sum.
        for (q, sigma) in [(0.01, 1.1), (0.1, 0.8), (0.5, 2.0)] {
            for alpha in [2.0, 3.0, 8.0, 20.0] {
                let exact = RDPAnalysis.subsampledGaussian(samplingRate: q, noiseMultiplier: sigma, order: alpha)
                let nearby = RDPAnalysis.subsampledGaussian(
                    samplingRate: q, noiseMultiplier: sigma, order: alpha + 1e-7)
                #expect(
                    abs(exact - nearby) < 1e-5 * exact + 1e-12, "q=\(q) σ=\(sigma) α=\(alpha): \(exact) vs \(nearby)")
            }
        }
    }

    @Test func subsamplingBoundsAgainstSmallQExpansion() {
        // For small q and moderate α, RDP ≈ q²·α/σ²·(e^{1/σ²} − 1)/2 ·… ≤ 2q²α/σ² (Mironov et al. 2019, §3.3).
        let value = RDPAnalysis.subsampledGaussian(samplingRate: 0.001, noiseMultiplier: 2, order: 4)
        #expect(value > 0 && value <= 2 * 0.001 * 0.001 * 4 / 4)
    }

    @Test func epsilonMonotoneInNoiseStepsAndRate() throws {
        func epsilon(_ sigma: Double, _ q: Double, _ steps: Int) throws -> Double {
            try AccountantKind.rdp.epsilon(noiseMultiplier: sigma, samplingRate: q, steps: steps, delta: 1e-5)
        }
        var previous = Double.infinity
        for sigma in [0.6, 0.8, 1.0, 1.5, 2.0, 4.0] {
            let e = try epsilon(sigma, 0.02, 500)
            #expect(e < previous)
            previous = e
        }
        previous = 0
        for steps in [1, 10, 100, 1000] {
            let e = try epsilon(1.0, 0.02, steps)
            #expect(e > previous)
            previous = e
        }
        previous = 0
        for q in [0.001, 0.01, 0.1, 0.5, 1] {
            let e = try epsilon(1.0, q, 50)
            #expect(e > previous)
            previous = e
        }
    }

    @Test func historyIsCompressedAndAdditive() throws {
        var split = RDPAccountant()
        for _ in 0..<4 { try split.record(noiseMultiplier: 1.1, samplingRate: 0.01, steps: 250) }
        #expect(split.history.count == 1 && split.history[0].steps == 1000)
        var whole = RDPAccountant()
        try whole.record(noiseMultiplier: 1.1, samplingRate: 0.01, steps: 1000)
        #expect(try split.epsilon(delta: 1e-5) == whole.epsilon(delta: 1e-5))
        try split.record(noiseMultiplier: 2, samplingRate: 0.01, steps: 10)
        #expect(split.history.count == 2)
        #expect(try split.epsilon(delta: 1e-5) > whole.epsilon(delta: 1e-5))
        #expect(try RDPAccountant().epsilon(delta: 1e-5) == 0)
    }
}
