import Channels
import RealModule
import Testing
import TensorCore

@Suite struct FlatFadingTests {
    private func powers(_ h: Tensor<Float>) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(h.count / 2)
        for i in stride(from: 0, to: h.count, by: 2) {
            let re = Double(h.scalars[i])
            let im = Double(h.scalars[i + 1])
            out.append(re * re + im * im)
        }
        return out
    }

    /// E|h|² = 1, E|h|⁴ = 2 and |h|² exponential (tail probabilities e^{−t}), 10⁵ coefficients.
    @Test func rayleighCoefficientsAreUnitPowerExponential() {
        var rng = Xoshiro256(seed: 21)
        let n = 100_000
        let state = RayleighFading(coherence: .perExample, noise: nil).sampleState(for: [n, 8], using: &rng)
        #expect(state.coefficients.shape == [n, 2])
        let p = powers(state.coefficients)
        let (mean, se) = ChannelModelTestSupport.meanAndStandardError(p)
        #expect(abs(mean - 1) < 6 * se)
        let fourth = ChannelModelTestSupport.meanAndStandardError(p.map { $0 * $0 })
        #expect(abs(fourth.mean - 2) < 6 * fourth.standardError)
        for t in [0.1, 1.0, 2.0, 4.0] {
            let tail = Double.exp(-t)
            let frequency = Double(p.filter { $0 > t }.count) / Double(n)
            #expect(abs(frequency - tail) < 6 * ChannelModelTestSupport.binomialStandardError(tail, n), "P(|h|² > \(t))")
        }
        // Uniform phase: E[h] = 0 and E[h²] = 0.
        let re = stride(from: 0, to: 2 * n, by: 2).map { Double(state.coefficients.scalars[$0]) }
        let im = stride(from: 1, to: 2 * n, by: 2).map { Double(state.coefficients.scalars[$0]) }
        let tolerance = 6 * (0.5 / Double(n)).squareRoot()
        #expect(abs(re.reduce(0, +) / Double(n)) < tolerance)
        #expect(abs(im.reduce(0, +) / Double(n)) < tolerance)
        #expect(abs(zip(re, im).reduce(0) { $0 + $1.0 * $1.1 } / Double(n)) < tolerance)
    }

    /// K estimated from the moments of |h|²: K̂ = √(2μ₂² − μ₄)/(μ₂ − √(2μ₂² − μ₄)).
    /// Over 10⁵ coefficients with K = 3 the estimator's standard deviation is ≈ 0.023 (numpy, 200 runs).
    @Test(arguments: [(3.0, 0.0), (3.0, 1.0)] as [(Float, Float)])
    func ricianKFactorFromMoments(kFactor: Float, phase: Float) {
        var rng = Xoshiro256(seed: 22)
        let n = 100_000
        let channel = RicianFading(kFactor: kFactor, lineOfSightPhase: phase, coherence: .perSymbol, noise: nil)
        let state = channel.sampleState(for: [1, 2 * n], using: &rng)
        let p = powers(state.coefficients)
        let mu2 = p.reduce(0, +) / Double(n)
        let mu4 = p.reduce(0) { $0 + $1 * $1 } / Double(n)
        let root = (2 * mu2 * mu2 - mu4).squareRoot()
        let estimate = root / (mu2 - root)
        #expect(abs(mu2 - 1) < 6 * (Double(2 * kFactor + 1) / Double((kFactor + 1) * (kFactor + 1)) / Double(n)).squareRoot())
        #expect(abs(estimate - Double(kFactor)) < 0.15, "K̂ = \(estimate)")
        // The mean coefficient is the line-of-sight component √(K/(K+1))·e^{jθ}.
        let los = (Double(kFactor) / Double(kFactor + 1)).squareRoot()
        let meanRe = stride(from: 0, to: 2 * n, by: 2).reduce(0.0) { $0 + Double(state.coefficients.scalars[$1]) } / Double(n)
        let meanIm = stride(from: 1, to: 2 * n, by: 2).reduce(0.0) { $0 + Double(state.coefficients.scalars[$1]) } / Double(n)
        let tolerance = 6 * (0.5 / Double(kFactor + 1) / Double(n)).squareRoot()
        #expect(abs(meanRe - los * Double.cos(Double(phase))) < tolerance)
        #expect(abs(meanIm - los * Double.sin(Double(phase))) < tolerance)
    }

    @Test func ricianKFactorInDecibels() {
        let channel = RicianFading(kFactorDecibels: 10, noise: nil)
        #expect(abs(channel.kFactor - 10) < 1e-4)
    }

    /// Block structure: per-example, blocks of 3 (last block shorter) and per-symbol coherence.
    @Test func coherenceLayouts() {
        var rng = Xoshiro256(seed: 23)
        let shape = [4, 14]  // 7 symbols per example
        let perExample = RayleighFading(coherence: .perExample, noise: nil).sampleState(for: shape, using: &rng)
        let blocks = RayleighFading(coherence: .block(symbolCount: 3), noise: nil).sampleState(for: shape, using: &rng)
        let fast = RayleighFading(coherence: .perSymbol, noise: nil).sampleState(for: shape, using: &rng)
        #expect(perExample.coefficients.shape == [4, 2])
        #expect(blocks.coefficients.shape == [4, 6])
        #expect(fast.coefficients.shape == [4, 14])
        let expanded = blocks.perSymbolCoefficients()
        #expect(expanded.shape == [4, 14])
        for b in 0..<4 {
            for n in 0..<7 {
                #expect(expanded[b, 2 * n] == blocks.coefficients[b, 2 * (n / 3)])
                #expect(expanded[b, 2 * n + 1] == blocks.coefficients[b, 2 * (n / 3) + 1])
            }
        }
        #expect(fast.perSymbolCoefficients() == fast.coefficients)
    }

    /// Without noise, zero-forcing and MMSE (N0 = 0) return the transmitted symbols; without
    /// equalization the output is h·x, computed here with explicit complex arithmetic.
    @Test(arguments: [FadingCoherence.perExample, .block(symbolCount: 2), .perSymbol])
    func equalizationIsExactWithoutNoise(coherence: FadingCoherence) {
        var rng = Xoshiro256(seed: 24)
        let x = Tensor<Float>.gaussian(shape: [5, 10], using: &rng)
        for equalization in [FadingEqualization.zeroForcing, .mmse] {
            let channel = RayleighFading(coherence: coherence, equalization: equalization, noise: nil)
            let (y, _) = channel.transmit(x, using: &rng)
            #expect(y.maxAbsoluteDifference(x) < 1e-4, "\(equalization)")
        }
        let (y, state) = RayleighFading(coherence: coherence, equalization: .none, noise: nil).transmit(x, using: &rng)
        let h = state.perSymbolCoefficients()
        for i in stride(from: 0, to: x.count, by: 2) {
            let (hr, hi, xr, xi) = (h.scalars[i], h.scalars[i + 1], x.scalars[i], x.scalars[i + 1])
            #expect(abs(y.scalars[i] - (hr * xr - hi * xi)) < 1e-5)
            #expect(abs(y.scalars[i + 1] - (hr * xi + hi * xr)) < 1e-5)
        }
    }

    /// With noise, MMSE equals h*·y/(|h|² + N0) and ZF equals y/h applied to the unequalized
    /// output drawn with the same state and noise.
    @Test func equalizersMatchTheirFormulasWithNoise() {
        var rng = Xoshiro256(seed: 25)
        let x = Tensor<Float>.gaussian(shape: [3, 8], using: &rng)
        let noise = NoiseLevel.snr(perExampleDecibels: [0, 5, 10])
        let state = RayleighFading(coherence: .perSymbol, noise: noise).sampleState(for: x.shape, using: &rng)
        func output(_ equalization: FadingEqualization) -> Tensor<Float> {
            var noiseRNG = Xoshiro256(seed: 26)
            return RayleighFading(coherence: .perSymbol, equalization: equalization, noise: noise)
                .apply(x, state: state, using: &noiseRNG)
        }
        let raw = output(.none)
        let zf = output(.zeroForcing)
        let mmse = output(.mmse)
        for b in 0..<3 {
            let n0 = state.noiseVariances[b]
            #expect(abs(n0 - 1 / SNR.linear(fromDecibels: [Float(0), 5, 10][b])) < 1e-6)
            for n in 0..<4 {
                let (hr, hi) = (state.coefficients[b, 2 * n], state.coefficients[b, 2 * n + 1])
                let (yr, yi) = (raw[b, 2 * n], raw[b, 2 * n + 1])
                let power = hr * hr + hi * hi
                #expect(abs(zf[b, 2 * n] - (hr * yr + hi * yi) / power) < 1e-3)
                #expect(abs(zf[b, 2 * n + 1] - (hr * yi - hi * yr) / power) < 1e-3)
                #expect(abs(mmse[b, 2 * n] - (hr * yr + hi * yi) / (power + n0)) < 1e-4)
                #expect(abs(mmse[b, 2 * n + 1] - (hr * yi - hi * yr) / (power + n0)) < 1e-4)
            }
        }
    }

    /// Pullbacks of every fading channel and equalizer against central finite differences.
    @Test(arguments: [FadingEqualization.none, .zeroForcing, .mmse])
    func pullbacksMatchFiniteDifferences(equalization: FadingEqualization) {
        var rng = Xoshiro256(seed: 27)
        let x = Tensor<Float>.gaussian(shape: [2, 8], using: &rng)
        let noise = NoiseLevel.snr(decibels: 5)
        let rayleigh = RayleighFading(coherence: .block(symbolCount: 3), equalization: equalization, noise: noise)
        let rician = RicianFading(kFactor: 2, lineOfSightPhase: 0.3, coherence: .perSymbol, equalization: equalization, noise: noise)
        let jakes = JakesFading(maximumDopplerHertz: 50, samplePeriodSeconds: 1e-3, equalization: equalization, noise: noise)
        // ZF divides by h, so the output can be large in a deep fade: compare relative to the gradient scale.
        #expect(ChannelModelTestSupport.pullbackError(rayleigh, x: x, seed: 28) < 2e-2)
        #expect(ChannelModelTestSupport.pullbackError(rician, x: x, seed: 29) < 2e-2)
        #expect(ChannelModelTestSupport.pullbackError(jakes, x: x, seed: 30) < 2e-2)
    }

    /// Coherent BPSK over fast Rayleigh fading at mean Eb/N0 = 5 dB: Pb = ½(1 − √(γ/(1+γ))) ≈ 0.0642.
    /// 2·10⁵ bits give a relative standard error of 0.85 %; the test allows 5 %.
    @Test func bpskBitErrorRateOverRayleigh() {
        var rng = Xoshiro256(seed: 31)
        let bitCount = 200_000
        var bits = [Bool](repeating: false, count: bitCount)
        var x = [Float](repeating: 0, count: 2 * bitCount)
        for i in 0..<bitCount {
            bits[i] = rng.next() & 1 == 1
            x[2 * i] = bits[i] ? -1 : 1  // BPSK on the real axis, Es = Eb = 1
        }
        let channel = RayleighFading(coherence: .perSymbol, equalization: .zeroForcing, noise: .snr(decibels: 5))
        let y = channel(Tensor(shape: [1, 2 * bitCount], scalars: x), using: &rng)
        var errors = 0
        for i in 0..<bitCount where (y.scalars[2 * i] < 0) != bits[i] { errors += 1 }
        let gamma = SNR.linear(fromDecibels: 5.0)
        let theory = 0.5 * (1 - (gamma / (1 + gamma)).squareRoot())
        let measured = Double(errors) / Double(bitCount)
        #expect(abs(measured / theory - 1) < 0.05, "BER \(measured) vs \(theory)")
    }

    @Test func measuredReferenceIsRejectedForFading() async {
        await #expect(processExitsWith: .failure) {
            _ = RayleighFading(noise: .snr(decibels: 10, relativeTo: .measured))
        }
    }
}
