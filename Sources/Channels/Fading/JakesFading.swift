import RealModule
import TensorCore

/// Time-correlated Rayleigh fading with Clarke's (Jakes') Doppler spectrum: one coefficient per
/// symbol, `h(nT)` for symbol `n`, with autocorrelation `E[h(t)·h*(t+τ)] = J0(2π f_D τ)` and
/// `E|h|² = 1`.
///
/// ## Model (sum of sinusoids, Zheng & Xiao 2003)
/// Each example is an independent realization of
///
///     h(t) = X_c(t) + j·X_s(t)
///     X_c(t) = (1/√M) Σ_{m=1..M} cos(2π f_D t·cos α_m + φ_m)
///     X_s(t) = (1/√M) Σ_{m=1..M} cos(2π f_D t·sin α_m + ψ_m)
///     α_m = (2πm − π + θ) / (4M)
///
/// with `θ, φ_m, ψ_m` independent and uniform on [−π, π) (Y. R. Zheng and C. Xiao, "Simulation
/// models with correct statistical properties for Rayleigh fading channels", IEEE Trans.
/// Commun. 51(6), 2003, eq. 8–10). Because `θ` is random, each `α_m` is uniform on its
/// `[(m−1)π/(2M), mπ/(2M)]` slice of `[0, π/2]`, so the ensemble autocorrelation of each
/// quadrature is *exactly* `½·J0(2π f_D τ)` for any `M` (and `X_c`, `X_s` are uncorrelated);
/// a single realization's time average converges as `M` grows. Where we differ from the paper: the
/// amplitude is `1/√M` instead of `√(2/M)` so that `E|h|² = 1` rather than 2.
///
/// Noise, equalization and the state are as for ``RayleighFading`` (the state is a
/// ``FlatFadingState`` with one coefficient per symbol); tensors are `[batch, …, 2·k]` with
/// interleaved (real, imag) pairs, symbol `n` sent at time `n·T`.
///
/// ```swift
/// var rng = Xoshiro256(seed: 5)
/// // 100 Hz Doppler, 1 ms symbols: normalized Doppler f_D·T = 0.1.
/// let channel = JakesFading(maximumDopplerHertz: 100, samplePeriodSeconds: 1e-3, noise: .snr(decibels: 20))
/// let (y, csi) = channel.transmit(x, using: &rng)
/// ```
public struct JakesFading: ChannelModel {
    /// Maximum Doppler frequency `f_D = v/λ`, hertz.
    public var maximumDopplerHertz: Double
    /// Time between consecutive symbols `T`, seconds.
    public var samplePeriodSeconds: Double
    /// Number of sinusoids per quadrature, `M` (Zheng & Xiao use 8; more gives a smoother
    /// single-realization autocorrelation).
    public var sinusoidCount: Int
    /// The receiver's equalization.
    public var equalization: FadingEqualization
    /// The AWGN level (nominal reference only), or `nil` for no noise.
    public var noise: NoiseLevel?

    /// Creates a Jakes/Clarke time-correlated Rayleigh channel.
    /// - Precondition: `maximumDopplerHertz ≥ 0`, `samplePeriodSeconds > 0`, `sinusoidCount ≥ 1`,
    ///   `noise` not relative to the measured power.
    public init(
        maximumDopplerHertz: Double, samplePeriodSeconds: Double, sinusoidCount: Int = 16,
        equalization: FadingEqualization = .none, noise: NoiseLevel?
    ) {
        precondition(
            maximumDopplerHertz >= 0 && maximumDopplerHertz.isFinite,
            "Maximum Doppler must be finite and ≥ 0 Hz, got \(maximumDopplerHertz)")
        precondition(
            samplePeriodSeconds > 0 && samplePeriodSeconds.isFinite,
            "Sample period must be finite and > 0 s, got \(samplePeriodSeconds)")
        precondition(sinusoidCount >= 1, "Need at least one sinusoid, got \(sinusoidCount)")
        precondition(noise?.dependsOnSignal != true, "Fading channels need a nominal-power SNR or an explicit noise variance")
        self.maximumDopplerHertz = maximumDopplerHertz
        self.samplePeriodSeconds = samplePeriodSeconds
        self.sinusoidCount = sinusoidCount
        self.equalization = equalization
        self.noise = noise
    }

    /// The normalized Doppler `f_D·T` (cycles per symbol).
    public var normalizedDoppler: Double { maximumDopplerHertz * samplePeriodSeconds }

    /// The theoretical autocorrelation `J0(2π f_D·lag·T)` at a lag of `lag` symbols.
    public func autocorrelation(lag: Int) -> Double {
        SpecialFunctions.besselJ0(2 * Double.pi * normalizedDoppler * Double(lag))
    }

    /// Draws `batch` independent realizations of the process at times `0, T, …, (symbols−1)·T`.
    /// - Returns: `[batch, 2·symbols]` coefficients, interleaved (real, imag), `E|h|² = 1`.
    /// - Complexity: O(batch · symbols · M) cosines; `1 + 2M` uniform draws per example.
    public func sampleCoefficients<G: RandomNumberGenerator>(batch: Int, symbols: Int, using rng: inout G) -> Tensor<Float> {
        precondition(batch >= 0 && symbols >= 0, "Need batch ≥ 0 and symbols ≥ 0, got \(batch), \(symbols)")
        let m = sinusoidCount
        let omegaT = 2 * Double.pi * normalizedDoppler  // radians per symbol
        let amplitude = 1 / Double(m).squareRoot()
        var out = [Float](repeating: 0, count: batch * 2 * symbols)
        var cosineRates = [Double](repeating: 0, count: m)
        var sineRates = [Double](repeating: 0, count: m)
        var inPhase = [Double](repeating: 0, count: m)
        var quadrature = [Double](repeating: 0, count: m)
        for b in 0..<batch {
            let theta = Double.pi * (2 * rng.nextUnitDouble() - 1)
            for i in 0..<m {
                let alpha = (2 * Double.pi * Double(i + 1) - Double.pi + theta) / Double(4 * m)
                cosineRates[i] = omegaT * Double.cos(alpha)
                sineRates[i] = omegaT * Double.sin(alpha)
                inPhase[i] = Double.pi * (2 * rng.nextUnitDouble() - 1)
                quadrature[i] = Double.pi * (2 * rng.nextUnitDouble() - 1)
            }
            for n in 0..<symbols {
                let t = Double(n)
                var real = 0.0
                var imaginary = 0.0
                for i in 0..<m {
                    real += Double.cos(cosineRates[i] * t + inPhase[i])
                    imaginary += Double.cos(sineRates[i] * t + quadrature[i])
                }
                out[b * 2 * symbols + 2 * n] = Float(amplitude * real)
                out[b * 2 * symbols + 2 * n + 1] = Float(amplitude * imaginary)
            }
        }
        return Tensor(shape: [batch, 2 * symbols], scalars: out)
    }

    /// Draws one independent realization per example (one coefficient per symbol) and the noise
    /// variances.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> FlatFadingState {
        let (batch, symbols) = channelsComplexLayout(shape, "JakesFading")
        let h = sampleCoefficients(batch: batch, symbols: symbols, using: &rng)
        return FlatFadingKernel.makeState(shape: shape, coefficients: h, symbolsPerBlock: 1, noise: noise, context: "JakesFading")
    }

    /// `h(nT)·x_n + n_n` per symbol, then the configured equalization. `x`: `[batch, …, 2·k]`.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: FlatFadingState, using rng: inout G) -> Tensor<Float> {
        FlatFadingKernel.apply(x, state: state, equalization: equalization, using: &rng)
    }

    /// The adjoint of `x ↦ E(h·x)` (see ``RayleighFading/pullback(_:state:)``).
    public func pullback(_ dy: Tensor<Float>, state: FlatFadingState) -> Tensor<Float> {
        FlatFadingKernel.pullback(dy, state: state, equalization: equalization)
    }
}
