import Channels
import RealModule
import Testing
import TensorCore

@Suite struct CorrelatedFadingTests {
    /// J0 at known values (scipy.special.j0 1.x and mpmath.besselj agree to all digits shown),
    /// across the series / asymptotic switch at x = 12. Note: J0(2π) = 0.2202769085 (mpmath);
    /// the value 0.2203690826 quoted in the task brief is off by 9.2e-5.
    @Test func besselJ0KnownValues() {
        let cases: [(Double, Double)] = [
            (0, 1),
            (1, 0.7651976865579665),
            (.pi, -0.30424217764409384),
            (5, -0.1775967713143383),
            (2 * .pi, 0.22027690853993448),
            (10, -0.24593576445134832),
            (12, 0.04768931079683335),
            (12.0000001, 0.047689333141543735),
            (20, 0.16702466434058322),
            (30, -0.08636798358104031),
            (100, 0.01998585030422333),
        ]
        for (x, expected) in cases {
            #expect(abs(SpecialFunctions.besselJ0(x) - expected) < 1e-12, "J0(\(x))")
            #expect(SpecialFunctions.besselJ0(-x) == SpecialFunctions.besselJ0(x))
        }
        #expect(abs(SpecialFunctions.besselJ0(2.404825557695773)) < 1e-13)
        // Sign change around the first zero.
        #expect(SpecialFunctions.besselJ0(2.4048) > 0 && SpecialFunctions.besselJ0(2.4049) < 0)
    }

    /// Reference numbers: ρ(d) first zero at d ≈ 0.383 λ; ρ(λ/2) ≈ −0.30; ρ(λ) ≈ 0.22
    /// (exactly J0(π) = −0.3042421776, J0(2π) = 0.2202769085).
    @Test func spatialCorrelationReferenceNumbers() {
        #expect(abs(SpatialCorrelation(distanceInWavelengths: 2.404825557695773 / (2 * .pi)).correlation) < 1e-12)
        #expect(abs(2.404825557695773 / (2 * .pi) - 0.383) < 1e-3)
        #expect(abs(SpatialCorrelation(distanceInWavelengths: 0.5).correlation + 0.3042421776) < 1e-9)
        #expect(abs(SpatialCorrelation(distanceInWavelengths: 1).correlation - 0.2202769085) < 1e-9)
        #expect(SpatialCorrelation(distanceInWavelengths: 0).correlation == 1)
    }

    /// The eavesdropper's coefficients are unit power and correlated with Bob's by ρ = J0(2πd/λ).
    /// 10⁵ pairs: the standard error of the correlation estimate is below 0.0032.
    @Test(arguments: [0.1, 0.5, 1.0])
    func spatiallyCorrelatedObservation(distanceInWavelengths: Double) {
        var rng = Xoshiro256(seed: 41)
        let n = 100_000
        let bob = RayleighFading(coherence: .perExample, noise: .snr(decibels: 10)).sampleState(for: [n, 2], using: &rng)
        let correlation = SpatialCorrelation(distanceInWavelengths: distanceInWavelengths)
        let eve = correlation.observe(bob, using: &rng)
        #expect(eve.noiseVariances == bob.noiseVariances)
        #expect(eve.coefficients.shape == bob.coefficients.shape)
        var realCross = [Double](), imaginaryCross = [Double](), evePower = [Double]()
        for i in stride(from: 0, to: 2 * n, by: 2) {
            let (br, bi) = (Double(bob.coefficients.scalars[i]), Double(bob.coefficients.scalars[i + 1]))
            let (er, ei) = (Double(eve.coefficients.scalars[i]), Double(eve.coefficients.scalars[i + 1]))
            // h_eve · conj(h_bob)
            realCross.append(er * br + ei * bi)
            imaginaryCross.append(ei * br - er * bi)
            evePower.append(er * er + ei * ei)
        }
        let rho = correlation.correlation
        let re = ChannelModelTestSupport.meanAndStandardError(realCross)
        let im = ChannelModelTestSupport.meanAndStandardError(imaginaryCross)
        let power = ChannelModelTestSupport.meanAndStandardError(evePower)
        #expect(abs(re.mean - rho) < 6 * re.standardError, "ρ̂ = \(re.mean), ρ = \(rho)")
        #expect(abs(im.mean) < 6 * im.standardError)
        #expect(abs(power.mean - 1) < 6 * power.standardError)
    }

    /// Ensemble autocorrelation E[h(t)·h*(t+τ)] = J0(2π f_D τ) at three lags, averaged over 3000
    /// independent realizations (each contributes its time average; the tolerance is 6 standard
    /// errors of the mean over realizations). With the random θ of Zheng & Xiao the ensemble
    /// correlation is exact for any number of sinusoids, so there is no bias term.
    @Test func jakesAutocorrelationMatchesBesselJ0() {
        var rng = Xoshiro256(seed: 42)
        // f_D = 50 Hz, T = 1 ms: f_D·T = 0.05; lags 5, 10, 20 → J0(π/2), J0(π), J0(2π).
        let channel = JakesFading(maximumDopplerHertz: 50, samplePeriodSeconds: 1e-3, sinusoidCount: 8, noise: nil)
        let realizations = 3000
        let symbols = 48
        let h = channel.sampleCoefficients(batch: realizations, symbols: symbols, using: &rng)
        func coefficient(_ b: Int, _ n: Int) -> (Double, Double) {
            (Double(h.scalars[b * 2 * symbols + 2 * n]), Double(h.scalars[b * 2 * symbols + 2 * n + 1]))
        }
        for lag in [0, 5, 10, 20] {
            var realEstimates = [Double](), imaginaryEstimates = [Double]()
            for b in 0..<realizations {
                var re = 0.0, im = 0.0
                for t in 0..<(symbols - lag) {
                    let (ar, ai) = coefficient(b, t)
                    let (cr, ci) = coefficient(b, t + lag)
                    // h(t) · conj(h(t + lag))
                    re += ar * cr + ai * ci
                    im += ai * cr - ar * ci
                }
                realEstimates.append(re / Double(symbols - lag))
                imaginaryEstimates.append(im / Double(symbols - lag))
            }
            let expected = channel.autocorrelation(lag: lag)
            let re = ChannelModelTestSupport.meanAndStandardError(realEstimates)
            let im = ChannelModelTestSupport.meanAndStandardError(imaginaryEstimates)
            #expect(abs(re.mean - expected) < 6 * re.standardError, "lag \(lag): \(re.mean) vs J0 = \(expected)")
            #expect(abs(im.mean) <= 6 * im.standardError, "lag \(lag)")  // exactly 0 at lag 0
        }
        #expect(abs(channel.autocorrelation(lag: 10) + 0.3042421776) < 1e-9)
    }

    /// With zero Doppler the coefficient is constant over the example.
    @Test func jakesWithoutDopplerIsBlockFading() {
        var rng = Xoshiro256(seed: 43)
        let channel = JakesFading(maximumDopplerHertz: 0, samplePeriodSeconds: 1e-3, noise: nil)
        let state = channel.sampleState(for: [3, 20], using: &rng)
        #expect(state.symbolsPerBlock == 1)
        for b in 0..<3 {
            for n in 1..<10 {
                #expect(state.coefficients[b, 2 * n] == state.coefficients[b, 0])
                #expect(state.coefficients[b, 2 * n + 1] == state.coefficients[b, 1])
            }
        }
    }
}
