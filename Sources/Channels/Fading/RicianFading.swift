import RealModule
import TensorCore

/// Rician flat fading with K-factor `K`, optional AWGN and perfect-CSI equalization: `y = h·x + n`.
///
/// - Coefficients: `h = √(K/(K+1))·e^{jθ} + √(1/(K+1))·g`, `g ~ CN(0, 1)`: a fixed line-of-sight
///   component of power `K/(K+1)` and phase `θ` (``lineOfSightPhase``) plus diffuse scattering of
///   power `1/(K+1)`, so `E|h|² = 1` and `K` is the LOS-to-scatter power ratio (Rice 1944; Proakis &
///   Salehi, *Digital Communications*, 5th ed., §13.1). `K = 0` is Rayleigh fading; `K → ∞` no fading.
/// - Coherence, noise, equalization and tensor layout (`[batch, …, 2·k]`, interleaved complex pairs)
///   are as for ``RayleighFading``.
///
/// ```swift
/// var rng = Xoshiro256(seed: 4)
/// let channel = RicianFading(kFactor: 5, coherence: .perExample, equalization: .mmse, noise: .snr(decibels: 10))
/// let y = channel(x, using: &rng)
/// ```
public struct RicianFading: ChannelModel {
    /// The K-factor (linear, ≥ 0): LOS power over diffuse power.
    public var kFactor: Float
    /// Phase of the line-of-sight component, radians.
    public var lineOfSightPhase: Float
    /// How often the coefficient changes.
    public var coherence: FadingCoherence
    /// The receiver's equalization.
    public var equalization: FadingEqualization
    /// The AWGN level (nominal reference only), or `nil` for no noise.
    public var noise: NoiseLevel?

    /// Creates a Rician flat-fading channel.
    /// - Precondition: `kFactor ≥ 0` and finite; `noise` does not use a measured reference.
    public init(
        kFactor: Float, lineOfSightPhase: Float = 0, coherence: FadingCoherence = .perExample,
        equalization: FadingEqualization = .none, noise: NoiseLevel?
    ) {
        precondition(kFactor >= 0 && kFactor.isFinite, "Rician K-factor must be finite and ≥ 0, got \(kFactor)")
        precondition(noise?.dependsOnSignal != true, "Fading channels need a nominal-power SNR or an explicit noise variance")
        self.kFactor = kFactor
        self.lineOfSightPhase = lineOfSightPhase
        self.coherence = coherence
        self.equalization = equalization
        self.noise = noise
    }

    /// Creates a Rician channel with the K-factor given in dB (`K = 10^(kFactorDecibels/10)`).
    public init(
        kFactorDecibels: Float, lineOfSightPhase: Float = 0, coherence: FadingCoherence = .perExample,
        equalization: FadingEqualization = .none, noise: NoiseLevel?
    ) {
        self.init(
            kFactor: SNR.linear(fromDecibels: kFactorDecibels), lineOfSightPhase: lineOfSightPhase,
            coherence: coherence, equalization: equalization, noise: noise)
    }

    /// Draws `h = √(K/(K+1))·e^{jθ} + √(1/(K+1))·g` per block (`g` from one `Tensor.gaussian`).
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> FlatFadingState {
        let (batch, blocks, perBlock) = FlatFadingKernel.layout(shape, coherence, "RicianFading")
        let scatter = (1 / (2 * (kFactor + 1))).squareRoot()
        var h = Tensor<Float>.gaussian(shape: [batch, 2 * blocks], standardDeviation: scatter, using: &rng)
        let los = (kFactor / (kFactor + 1)).squareRoot()
        let (losReal, losImaginary) = (los * Float.cos(lineOfSightPhase), los * Float.sin(lineOfSightPhase))
        h.scalars.withUnsafeMutableBufferPointer { p in
            for j in stride(from: 0, to: p.count, by: 2) {
                p[j] += losReal
                p[j + 1] += losImaginary
            }
        }
        return FlatFadingKernel.makeState(
            shape: shape, coefficients: h, symbolsPerBlock: perBlock, noise: noise, context: "RicianFading")
    }

    /// `h·x + n`, then the configured equalization. `x`: `[batch, …, 2·k]`.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: FlatFadingState, using rng: inout G) -> Tensor<Float> {
        FlatFadingKernel.apply(x, state: state, equalization: equalization, using: &rng)
    }

    /// The adjoint of `x ↦ E(h·x)` (see ``RayleighFading/pullback(_:state:)``).
    public func pullback(_ dy: Tensor<Float>, state: FlatFadingState) -> Tensor<Float> {
        FlatFadingKernel.pullback(dy, state: state, equalization: equalization)
    }
}
