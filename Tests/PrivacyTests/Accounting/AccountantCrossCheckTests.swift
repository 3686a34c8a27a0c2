import Foundation
import Privacy
import Testing

/// Cases derived independently from the papers: every expected value is computed here with its
/// own formula (plain `erfc` from the C library, direct sums, numerical integration), never by
/// calling the code under test.
@Suite struct AccountantCrossCheckTests {
    // MARK: - Independent formulas

    /// Φ(x) through the C library's erfc.
    private static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Exact ε(δ) of a μ-Gaussian privacy loss (Balle & Wang 2018, Theorem 8; T compositions of
    /// the Gaussian mechanism with sensitivity 1 and noise σ have μ = √T/σ):
    /// δ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2), solved by bisection.
    static func exactGaussianEpsilon(mu: Double, delta: Double) -> Double {
        func curve(_ epsilon: Double) -> Double {
            phi(-epsilon / mu + mu / 2) - exp(epsilon) * phi(-epsilon / mu - mu / 2)
        }
        var low = 0.0
        var high = 1.0
        while curve(high) > delta { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if curve(middle) > delta { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The RDP → (ε, δ) conversion of Balle et al. 2020 minimized over `orders`, written out.
    private static func epsilonFromRDP(_ rdp: (Double) -> Double, orders: [Double], delta: Double) -> Double {
        orders.filter { $0 > 1.01 }.map { alpha in
            rdp(alpha) + log((alpha - 1) / alpha) - (log(delta) + log(alpha)) / (alpha - 1)
        }.min()!
    }

    /// A_α of the sampled Gaussian mechanism for integer α by the binomial sum of Mironov, Talwar
    /// & Zhang 2019 (§3.3) in plain Double arithmetic (no logs), for small α.
    private static func binomialA(q: Double, sigma: Double, alpha: Int) -> Double {
        var sum = 0.0
        var binomial = 1.0
        for k in 0...alpha {
            if k > 0 { binomial = binomial * Double(alpha - k + 1) / Double(k) }
            sum +=
                binomial * pow(1 - q, Double(alpha - k)) * pow(q, Double(k))
                * exp(Double(k * k - k) / (2 * sigma * sigma))
        }
        return sum
    }

    /// log A_α = log E_{z~N(0,σ²)}[((1−q) + q·e^{(2z−1)/(2σ²)})^α] by the trapezoid rule on a fine
    /// grid (the definition of the Rényi divergence D_α(μ_q ‖ μ₀) of Mironov et al. 2019).
    private static func integratedLogA(q: Double, sigma: Double, alpha: Double) -> Double {
        let low = -16 * sigma
        let high = alpha + 16 * sigma
        let count = 8_000
        let step = (high - low) / Double(count)
        var logTerms = [Double]()
        logTerms.reserveCapacity(count + 1)
        for i in 0...count {
            let z = low + Double(i) * step
            let logDensity = -z * z / (2 * sigma * sigma) - log(sigma * (2 * Double.pi).squareRoot())
            let ratio = (1 - q) + q * exp((2 * z - 1) / (2 * sigma * sigma))
            let weight = (i == 0 || i == count) ? 0.5 : 1.0
            logTerms.append(logDensity + alpha * log(ratio) + log(weight * step))
        }
        let maximum = logTerms.max()!
        return maximum + log(logTerms.reduce(0) { $0 + exp($1 - maximum) })
    }

    // MARK: - q = 1: the Gaussian mechanism

    @Test(arguments: [0.5, 1.0, 2.0, 5.0])
    func gaussianMechanismExactAgainstBothAccountants(sigma: Double) throws {
        let delta = 1e-5
        let exact = Self.exactGaussianEpsilon(mu: 1 / sigma, delta: delta)
        let pld = try AccountantKind.pld.epsilon(noiseMultiplier: sigma, samplingRate: 1, steps: 1, delta: delta)
        #expect(abs(pld - exact) < 1e-6 * exact, "σ = \(sigma): PLD \(pld), exact \(exact)")
        // Through the FFT path (not the closed form): pessimistic, within h.
        let entry = try AccountingEntry(noiseMultiplier: sigma, samplingRate: 1, steps: 1)
        let discretized = PLDAnalysis.epsilon(
            entries: [entry], delta: delta, valueDiscretizationInterval: 1e-3, exactGaussianFastPath: false)
        #expect(discretized >= exact - 1e-9 && discretized - exact < 1e-3, "σ = \(sigma): FFT \(discretized)")
        // RDP is an upper bound, and with the improved conversion within ~12 % of the truth here.
        let rdp = try AccountantKind.rdp.epsilon(noiseMultiplier: sigma, samplingRate: 1, steps: 1, delta: delta)
        #expect(rdp >= exact && rdp <= 1.12 * exact, "σ = \(sigma): RDP \(rdp), exact \(exact)")
        // The analytic Gaussian mechanism calibrated for the exact ε gives σ back.
        let calibrated = try GaussianMechanism.analyticStandardDeviation(epsilon: exact, delta: delta)
        #expect(abs(calibrated - sigma) < 1e-6 * sigma)
    }

    @Test func referenceGaussianIsReproducedByTheIndependentFormula() {
        // REFERENCE-NUMBERS: dp-accounting's exact PLD for one Gaussian step with σ = 1 → 4.3772,
        // and Balle & Wang's σ for ε = 1 → 3.7306 (checked here through δ(ε = 1; σ)).
        #expect(abs(Self.exactGaussianEpsilon(mu: 1, delta: 1e-5) - 4.3772) < 1e-4)
        #expect(abs(Self.exactGaussianEpsilon(mu: 1 / 3.7306, delta: 1e-5) - 1) < 1e-4)
    }

    @Test(arguments: [(4, 2.0), (16, 4.0), (36, 6.0)])
    func compositionOfGaussiansIsOneGaussianWithScaledNoise(steps: Int, sigma: Double) throws {
        let delta = 1e-6
        let single = sigma / Double(steps).squareRoot()
        let exact = Self.exactGaussianEpsilon(mu: 1 / single, delta: delta)
        for kind in AccountantKind.allCases {
            let composed = try kind.epsilon(noiseMultiplier: sigma, samplingRate: 1, steps: steps, delta: delta)
            let one = try kind.epsilon(noiseMultiplier: single, samplingRate: 1, steps: 1, delta: delta)
            #expect(abs(composed - one) < 1e-9 * one, "\(kind): T = \(steps) → \(composed), one step \(one)")
            #expect(composed >= exact * (1 - 1e-6))
        }
        // The FFT composition (T-fold self-convolution) against the single wider Gaussian.
        let entry = try AccountingEntry(noiseMultiplier: sigma, samplingRate: 1, steps: steps)
        let fft = PLDAnalysis.epsilon(
            entries: [entry], delta: delta, valueDiscretizationInterval: 1e-3, exactGaussianFastPath: false)
        #expect(fft >= exact - 1e-9 && fft - exact <= Double(steps) * 1e-3, "FFT \(fft), exact \(exact)")
    }

    @Test(arguments: [(1.0, 1), (1.0, 100), (3.0, 50), (0.7, 10)])
    func rdpOfGaussianIsMironovsAlphaOverTwoSigmaSquared(sigma: Double, steps: Int) throws {
        let delta = 1e-5
        var accountant = RDPAccountant()
        try accountant.record(noiseMultiplier: sigma, samplingRate: 1, steps: steps)
        for (alpha, value) in zip(accountant.orders, accountant.rdp) {
            #expect(abs(value - Double(steps) * alpha / (2 * sigma * sigma)) <= 1e-12 * value)
        }
        let expected = Self.epsilonFromRDP(
            { Double(steps) * $0 / (2 * sigma * sigma) }, orders: RDPAnalysis.dpAccountingOrders, delta: delta)
        #expect(abs(try accountant.epsilon(delta: delta) - expected) < 1e-10 * expected)
    }

    // MARK: - The sampled Gaussian mechanism (Mironov, Talwar & Zhang 2019)

    @Test(arguments: [(0.01, 1.1), (0.1, 0.8), (0.05, 2.0), (0.5, 1.5)])
    func integerOrderRDPMatchesTheBinomialSum(q: Double, sigma: Double) {
        for alpha in [2, 3, 4, 8, 16, 32] {
            let expected = log(Self.binomialA(q: q, sigma: sigma, alpha: alpha)) / Double(alpha - 1)
            let value = RDPAnalysis.subsampledGaussian(samplingRate: q, noiseMultiplier: sigma, order: Double(alpha))
            #expect(
                abs(value - expected) <= 1e-9 * expected + 1e-15,
                "q=\(q) σ=\(sigma) α=\(alpha): \(value) vs \(expected)")
        }
    }

    @Test(arguments: [(0.01, 1.1), (0.1, 0.8), (0.05, 2.0)])
    func rdpMatchesNumericalIntegrationOfTheDefinition(q: Double, sigma: Double) {
        // Integer orders (binomial expansion) and fractional orders (the erfc series) alike.
        for alpha in [1.5, 2, 2.7, 5, 10.5, 20] {
            let expected = Self.integratedLogA(q: q, sigma: sigma, alpha: alpha) / (alpha - 1)
            let value = RDPAnalysis.subsampledGaussian(samplingRate: q, noiseMultiplier: sigma, order: alpha)
            #expect(
                abs(value - expected) <= 1e-6 * expected + 1e-12,
                "q=\(q) σ=\(sigma) α=\(alpha): \(value) vs \(expected)")
        }
    }

    @Test func subsampledScheduleFromTheIndependentSumAndConversion() throws {
        // q = 0.01, σ = 1.1, T = 1000 on integer orders 2…64 only: RDP from the binomial sum,
        // ε from the written-out conversion; the accountant with the same orders must agree.
        let (q, sigma, steps, delta) = (0.01, 1.1, 1000, 1e-5)
        let orders = (2...64).map(Double.init)
        let expected = Self.epsilonFromRDP(
            { Double(steps) * log(Self.binomialA(q: q, sigma: sigma, alpha: Int($0))) / ($0 - 1) }, orders: orders,
            delta: delta)
        var accountant = RDPAccountant(orders: orders)
        try accountant.record(noiseMultiplier: sigma, samplingRate: q, steps: steps)
        #expect(abs(try accountant.epsilon(delta: delta) - expected) < 1e-8 * expected)
        // Integer orders only are a little looser than dp-accounting's grid (1.7118).
        #expect(expected >= 1.7118 * 0.999 && expected < 1.7118 * 1.03, "ε = \(expected)")
    }

    // MARK: - Laplace (Mironov 2017, Proposition 6)

    @Test(arguments: [0.5, 1.0, 3.0])
    func laplaceRDPMatchesNumericalIntegration(epsilon: Double) throws {
        // D_α(Lap(1, b) ‖ Lap(0, b)) with b = 1/ε, integrated on a fine grid.
        let mechanism = try LaplaceMechanism(epsilon: epsilon)
        let b = mechanism.scale
        for alpha in [1.5, 2, 4, 10, 40] {
            // Simpson's rule on the three pieces where the integrand is smooth (kinks at 0 and 1).
            func logIntegrand(_ x: Double) -> Double {
                // p^α q^{1−α} with p = e^{−|x−1|/b}/(2b), q = e^{−|x|/b}/(2b), in logs.
                (-alpha * abs(x - 1) - (1 - alpha) * abs(x)) / b - log(2 * b)
            }
            var integral = 0.0
            for (low, high) in [(-40 * b, 0.0), (0.0, 1.0), (1.0, 1 + 40 * b)] {
                let count = 4000
                let step = (high - low) / Double(count)
                for i in 0...count {
                    let weight = i == 0 || i == count ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
                    integral += weight * step / 3 * exp(logIntegrand(low + Double(i) * step))
                }
            }
            let expected = log(integral) / (alpha - 1)
            let value = mechanism.renyiDivergence(order: alpha)
            #expect(abs(value - expected) < 1e-5 * expected, "ε=\(epsilon) α=\(alpha): \(value) vs \(expected)")
            #expect(value <= epsilon)
        }
        #expect(mechanism.renyiDivergence(order: .infinity) == epsilon)
        // α → 1: the KL divergence 1/λ + e^{−1/λ} − 1 (λ = b).
        let kl = 1 / b + exp(-1 / b) - 1
        #expect(abs(mechanism.renyiDivergence(order: 1 + 1e-7) - kl) < 1e-5)
    }

    @Test func laplaceCompositionThroughRDP() throws {
        let mechanism = try LaplaceMechanism(epsilon: 0.1)
        var one = RDPAccountant()
        try one.recordLaplace(mechanism)
        // One ε-DP mechanism: RDP → (ε, δ) can only lose a little against the pure ε.
        #expect(try one.epsilon(delta: 1e-5) <= 0.1 + 0.02)
        // 1000 of them: far below basic composition (100), and above the KL-based lower limit.
        var many = RDPAccountant()
        try many.recordLaplace(mechanism, steps: 1000)
        let spent = try many.epsilon(delta: 1e-5)
        let expected = Self.epsilonFromRDP(
            { 1000 * mechanism.renyiDivergence(order: $0) }, orders: RDPAnalysis.dpAccountingOrders, delta: 1e-5)
        #expect(abs(spent - expected) < 1e-10 * expected)
        #expect(spent < 100 / 5 && spent > 1000 * (0.1 + exp(-0.1) - 1), "ε = \(spent)")
        // The advanced composition theorem (Dwork, Rothblum & Vadhan 2010) is looser still.
        let advanced = (2 * 1000 * log(1 / 1e-5)).squareRoot() * 0.1 + 1000 * 0.1 * (exp(0.1) - 1)
        #expect(spent < advanced)
    }

    // MARK: - Noise calibration round trips (noise → ε → noise), both accountants

    @Test(arguments: [(1.2, 0.1, 10, 5e-3), (4.0, 1.0, 10, 1e-4), (0.6, 1.0, 3, 1e-4)])
    func calibrationRoundTripsForBothAccountants(sigma: Double, q: Double, steps: Int, h: Double) throws {
        let delta = 1e-5
        var pld = PLDAccountant(valueDiscretizationInterval: h)
        try pld.record(noiseMultiplier: sigma, samplingRate: q, steps: steps)
        let pldEpsilon = try pld.epsilon(delta: delta)
        let rdpEpsilon = try AccountantKind.rdp.epsilon(
            noiseMultiplier: sigma, samplingRate: q, steps: steps, delta: delta)
        let viaRDP = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: rdpEpsilon, delta: delta, samplingRate: q, steps: steps, relativeTolerance: 1e-7)
        let viaPLD = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: pldEpsilon, delta: delta, samplingRate: q, steps: steps, accountant: .pld,
            relativeTolerance: 1e-4, pldValueDiscretizationInterval: h)
        #expect(abs(viaRDP - sigma) < 1e-5 * sigma, "RDP: σ = \(sigma) → ε = \(rdpEpsilon) → σ = \(viaRDP)")
        #expect(abs(viaPLD - sigma) < 2e-3 * sigma, "PLD: σ = \(sigma) → ε = \(pldEpsilon) → σ = \(viaPLD)")
        // PLD is tighter: the same target needs less noise.
        #expect(pldEpsilon <= rdpEpsilon)
    }
}
