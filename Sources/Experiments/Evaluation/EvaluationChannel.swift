import Channels
import RawTransmission
import SemanticCodec
import TensorCore

/// The channel of one sweep point: a ``ChannelSpec`` at one noise level, usable by the semantic
/// pipeline (a `ChannelModel`, also trainable through `ChannelLayer` over an SNR range) and by the
/// raw baseline (a `CoherentReceiverChannel`).
///
/// - Tensors: `[batch, 2·k]` `Float`, interleaved (real, imaginary) pairs; `k` channel uses per
///   example (a semantic sample or one raw frame).
/// - Noise: `CN(0, N0)` per complex symbol, N0 from ``noise`` (Es/N0 relative to unit energy).
/// - Fading kinds delegate to `RayleighFading` / `RicianFading` (state = `FlatFadingState`).
/// - Erasure kinds zero the erased symbols (`SymbolErasureChannel`, or `GilbertElliottChannel` in
///   symbol-erasure mode), then add the noise; the pullback is `mask·dy`.
/// - Raw receiver: perfect CSI (gains `h`, erasures as gain 0 so their LLRs are 0) except for
///   `rayleigh-nocsi`, whose receiver assumes `h = 1` — like the semantic decoder, it has no CSI.
public struct EvaluationChannel: ChannelModel, CoherentReceiverChannel, NoiseAdjustableChannel {
    /// The random part of one use of the channel besides the noise.
    public enum State: Sendable {
        /// No state (AWGN).
        case stateless
        /// Fading coefficients and noise variances.
        case fading(FlatFadingState)
        /// Which symbols arrive (`[batch, k]`, 1 = received, 0 = erased).
        case erasures(ErasureState)
    }

    /// What the channel is.
    public let spec: ChannelSpec
    /// The additive noise level (nominal unit-power reference).
    public let noise: NoiseLevel

    /// Creates the channel of `spec` with additive noise `noise`.
    /// - Precondition: `noise` uses a nominal power reference (fading channels need N0 in advance).
    public init(spec: ChannelSpec, noise: NoiseLevel) {
        precondition(!noise.dependsOnSignal, "EvaluationChannel needs a nominal-power SNR or an explicit N0")
        self.spec = spec
        self.noise = noise
    }

    /// A copy with another noise level (for `ChannelLayer` SNR-range training).
    public func withNoise(_ noise: NoiseLevel) -> EvaluationChannel {
        EvaluationChannel(spec: spec, noise: noise)
    }

    private var coherence: FadingCoherence {
        spec.coherenceSymbols.map { .block(symbolCount: $0) } ?? .perExample
    }

    private var rayleigh: RayleighFading {
        RayleighFading(coherence: coherence, equalization: spec.kind == .rayleighNoCSI ? .none : .mmse, noise: noise)
    }

    private var rician: RicianFading {
        RicianFading(kFactor: Float(spec.kFactor), coherence: coherence, equalization: .mmse, noise: noise)
    }

    private var awgn: AWGN { AWGN(noise: noise) }

    /// Draws the fading coefficients or the erasure pattern for a `[batch, 2·k]` tensor.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) -> State {
        switch spec.kind {
        case .awgn:
            awgn.sampleState(for: shape, using: &rng)
            return .stateless
        case .rayleigh, .rayleighNoCSI: return .fading(rayleigh.sampleState(for: shape, using: &rng))
        case .rician: return .fading(rician.sampleState(for: shape, using: &rng))
        case .erasure:
            return .erasures(
                SymbolErasureChannel(erasureProbability: Float(spec.erasureProbability))
                    .sampleState(for: shape, using: &rng))
        case .burst:
            let state = spec.gilbertElliott.sampleState(for: shape, using: &rng)
            return .erasures(ErasureState(mask: state.events.map { 1 - $0 }))
        }
    }

    /// Applies the state, then draws and adds the noise. Output: same shape as `x`.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: State, using rng: inout G) -> Tensor<Float> {
        switch (spec.kind, state) {
        case (.awgn, .stateless): return awgn.apply(x, state: (), using: &rng)
        case (.rayleigh, .fading(let s)), (.rayleighNoCSI, .fading(let s)):
            return rayleigh.apply(x, state: s, using: &rng)
        case (.rician, .fading(let s)): return rician.apply(x, state: s, using: &rng)
        case (.erasure, .erasures(let s)), (.burst, .erasures(let s)):
            return awgn.apply(masked(x, by: s), state: (), using: &rng)
        default: preconditionFailure("EvaluationChannel(\(spec)): state \(state) does not belong to this channel")
        }
    }

    /// The pullback for the state (noise held fixed).
    public func pullback(_ dy: Tensor<Float>, state: State) -> Tensor<Float> {
        switch (spec.kind, state) {
        case (.awgn, .stateless): return dy
        case (.rayleigh, .fading(let s)), (.rayleighNoCSI, .fading(let s)): return rayleigh.pullback(dy, state: s)
        case (.rician, .fading(let s)): return rician.pullback(dy, state: s)
        case (.erasure, .erasures(let s)), (.burst, .erasures(let s)): return masked(dy, by: s)
        default: preconditionFailure("EvaluationChannel(\(spec)): state \(state) does not belong to this channel")
        }
    }

    /// The raw receiver's view: perfect CSI for every kind except `rayleigh-nocsi` (gains assumed 1).
    public func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: State)
        -> CoherentObservation
    {
        precondition(
            received.rank == 2 && received.shape[1] % 2 == 0, "expected symbols [batch, 2k], got \(received.shape)")
        let batch = received.shape[0]
        let k = received.shape[1] / 2
        switch (spec.kind, state) {
        case (.awgn, .stateless):
            return awgn.coherentObservation(received: received, transmitted: transmitted, state: ())
        case (.rayleigh, .fading(let s)):
            return rayleigh.coherentObservation(received: received, transmitted: transmitted, state: s)
        case (.rician, .fading(let s)):
            return rician.coherentObservation(received: received, transmitted: transmitted, state: s)
        case (.rayleighNoCSI, .fading(let s)):
            return CoherentObservation(
                symbols: received.scalars, channelGains: nil, noiseVariances: s.noiseVariances, batch: batch,
                symbolsPerExample: k)
        case (.erasure, .erasures(let s)), (.burst, .erasures(let s)):
            var gains = [Float](repeating: 0, count: batch * 2 * k)
            for (index, received) in s.mask.scalars.enumerated() { gains[2 * index] = received }
            return CoherentObservation(
                symbols: received.scalars, channelGains: gains, noiseVariances: awgn.noiseVariances(for: transmitted),
                batch: batch, symbolsPerExample: k)
        default: preconditionFailure("EvaluationChannel(\(spec)): state \(state) does not belong to this channel")
        }
    }

    private func masked(_ x: Tensor<Float>, by state: ErasureState) -> Tensor<Float> {
        let symbols = x.scalars.count / 2
        precondition(
            state.mask.scalars.count == symbols, "erasure mask \(state.mask.shape) does not match symbols \(x.shape)")
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { out in
            state.mask.scalars.withUnsafeBufferPointer { mask in
                for s in 0..<symbols where mask[s] == 0 {
                    out[2 * s] = 0
                    out[2 * s + 1] = 0
                }
            }
        }
        return y
    }
}
