import TensorCore

/// Rayleigh flat fading with optional AWGN and perfect-CSI equalization: `y = h·x + n`.
///
/// - Coefficients: `h ~ CN(0, 1)` (real and imaginary parts `N(0, ½)`), so `E|h|² = 1` and `|h|²`
///   is exponentially distributed with mean 1 — the rich-scattering, no-line-of-sight model
///   (Proakis & Salehi, *Digital Communications*, 5th ed., §13.1). Block fading (one coefficient
///   per example or per block of symbols) or fast fading (one per symbol), see ``FadingCoherence``.
/// - Noise: `CN(0, N0)` per complex symbol (N0/2 per real dimension) from a ``NoiseLevel`` with a
///   nominal reference: Es/N0 is the *average* received SNR (because `E|h|² = 1`); `nil` for a
///   noiseless channel.
/// - Equalization: ``FadingEqualization`` (none, zero-forcing, MMSE). The state returned by
///   ``ChannelModel/transmit(_:using:)`` is the receiver's CSI (Sionna's `return_channel`).
/// - Tensors: `[batch, …, 2·k]`, interleaved (real, imag) pairs in the last axis, `k` channel uses
///   per example.
///
/// Mirrors Sionna's `FlatFadingChannel` / `RayleighBlockFading`.
///
/// ```swift
/// var rng = Xoshiro256(seed: 3)
/// let channel = RayleighFading(coherence: .perSymbol, equalization: .zeroForcing, noise: .snr(decibels: 15))
/// let (y, csi) = channel.transmit(x, using: &rng)
/// ```
public struct RayleighFading: ChannelModel {
    /// How often the coefficient changes.
    public var coherence: FadingCoherence
    /// The receiver's equalization.
    public var equalization: FadingEqualization
    /// The AWGN level (nominal reference only), or `nil` for no noise.
    public var noise: NoiseLevel?

    /// Creates a Rayleigh flat-fading channel.
    /// - Precondition: `noise` does not use ``SignalPowerReference/measured`` (the state, hence
    ///   MMSE and its pullback, must know N0 before seeing the signal).
    public init(coherence: FadingCoherence = .perExample, equalization: FadingEqualization = .none, noise: NoiseLevel?) {
        precondition(noise?.dependsOnSignal != true, "Fading channels need a nominal-power SNR or an explicit noise variance")
        self.coherence = coherence
        self.equalization = equalization
        self.noise = noise
    }

    /// Draws `h ~ CN(0, 1)` for every block (one `Tensor.gaussian` of `[batch, 2·blocks]`, standard
    /// deviation `√½`) and the per-example noise variances.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> FlatFadingState {
        let (batch, blocks, perBlock) = FlatFadingKernel.layout(shape, coherence, "RayleighFading")
        let h = Tensor<Float>.gaussian(shape: [batch, 2 * blocks], standardDeviation: Float(0.5).squareRoot(), using: &rng)
        return FlatFadingKernel.makeState(
            shape: shape, coefficients: h, symbolsPerBlock: perBlock, noise: noise, context: "RayleighFading")
    }

    /// `h·x + n`, then the configured equalization. `x`: `[batch, …, 2·k]`.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: FlatFadingState, using rng: inout G) -> Tensor<Float> {
        FlatFadingKernel.apply(x, state: state, equalization: equalization, using: &rng)
    }

    /// The adjoint of the (linear) map `x ↦ E(h·x)`: `conj(h)·dy` without equalization, `dy` for
    /// zero-forcing, `|h|²/(|h|² + N0)·dy` for MMSE.
    public func pullback(_ dy: Tensor<Float>, state: FlatFadingState) -> Tensor<Float> {
        FlatFadingKernel.pullback(dy, state: state, equalization: equalization)
    }
}
