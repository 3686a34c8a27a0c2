import Channels
import TensorCore

/// What a coherent receiver with perfect channel-state information sees for a batch of frames:
/// the unequalized received symbols `y = h·x + n`, the per-symbol gains `h`, and the noise
/// variance N0 of each example — exactly the inputs of
/// `Constellation.softDemap(_:noiseVariance:channelGains:method:)`.
public struct CoherentObservation: Sendable {
    /// Received symbols `[batch · 2k]` (row-major `[batch, 2k]`), interleaved (real, imaginary).
    public var symbols: [Float]
    /// Per-symbol complex gains `h`, same layout as ``symbols``, or `nil` when `h = 1`.
    public var channelGains: [Float]?
    /// Noise variance N0 per complex symbol of each example, `[batch]`, floored at
    /// ``minimumNoiseVariance`` so that LLRs stay finite on a noiseless channel.
    public var noiseVariances: [Float]
    /// Examples in the batch.
    public var batch: Int
    /// Complex symbols per example, `k`.
    public var symbolsPerExample: Int

    /// The N0 floor used for noiseless channels, 10⁻⁶ (60 dB).
    public static let minimumNoiseVariance: Float = 1e-6

    /// Creates an observation.
    /// - Precondition: `symbols.count == batch · 2k`, gains (if any) of the same length,
    ///   `noiseVariances.count == batch`.
    public init(symbols: [Float], channelGains: [Float]?, noiseVariances: [Float], batch: Int, symbolsPerExample: Int) {
        precondition(
            symbols.count == batch * 2 * symbolsPerExample,
            "observation needs \(batch) × 2·\(symbolsPerExample) symbol floats, got \(symbols.count)")
        precondition(
            channelGains == nil || channelGains?.count == symbols.count, "channel gains must match the symbols")
        precondition(noiseVariances.count == batch, "need \(batch) noise variances, got \(noiseVariances.count)")
        self.symbols = symbols
        self.channelGains = channelGains
        self.noiseVariances = noiseVariances.map { Swift.max($0, Self.minimumNoiseVariance) }
        self.batch = batch
        self.symbolsPerExample = symbolsPerExample
    }
}

/// A ``ChannelModel`` whose output a coherent receiver can demodulate with perfect CSI: the
/// channels of `Channels` that carry complex symbols (identity, AWGN, Rayleigh, Rician and Jakes
/// fading). The raw baseline runs over any of them.
///
/// Bit-level channels (BSC, erasure, Gilbert–Elliott in bit mode) do not conform: they do not
/// carry modulated symbols.
public protocol CoherentReceiverChannel: ChannelModel {
    /// The receiver's view of a channel output.
    /// - Parameters:
    ///   - received: the channel output `[batch, 2k]`.
    ///   - transmitted: the channel input `[batch, 2k]` (only its power is used, for a noise level
    ///     relative to the measured signal power).
    ///   - state: the state the channel used (the receiver's perfect CSI).
    /// - Returns: the unequalized symbols, gains and noise variances.
    func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: State) -> CoherentObservation
}

extension IdentityChannel: CoherentReceiverChannel {
    /// `y = x`, unit gains, N0 at the floor ``CoherentObservation/minimumNoiseVariance``.
    public func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: Void)
        -> CoherentObservation
    {
        let (batch, k) = rawComplexLayout(received.shape)
        return CoherentObservation(
            symbols: received.scalars, channelGains: nil, noiseVariances: Array(repeating: 0, count: batch),
            batch: batch, symbolsPerExample: k)
    }
}

extension AWGN: CoherentReceiverChannel {
    /// `y = x + n`, unit gains, the channel's N0 for each example.
    public func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: Void)
        -> CoherentObservation
    {
        let (batch, k) = rawComplexLayout(received.shape)
        return CoherentObservation(
            symbols: received.scalars, channelGains: nil, noiseVariances: noiseVariances(for: transmitted),
            batch: batch, symbolsPerExample: k)
    }
}

extension RayleighFading: CoherentReceiverChannel {
    /// Perfect CSI: `y = h·x + n` (any equalization undone), the per-symbol `h` and N0.
    public func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: FlatFadingState)
        -> CoherentObservation
    {
        flatFadingObservation(received, state: state, equalization: equalization)
    }
}

extension RicianFading: CoherentReceiverChannel {
    /// Perfect CSI: `y = h·x + n` (any equalization undone), the per-symbol `h` and N0.
    public func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: FlatFadingState)
        -> CoherentObservation
    {
        flatFadingObservation(received, state: state, equalization: equalization)
    }
}

extension JakesFading: CoherentReceiverChannel {
    /// Perfect CSI: `y = h·x + n` (any equalization undone), the per-symbol `h` and N0.
    public func coherentObservation(received: Tensor<Float>, transmitted: Tensor<Float>, state: FlatFadingState)
        -> CoherentObservation
    {
        flatFadingObservation(received, state: state, equalization: equalization)
    }
}

/// `(batch, k)` of a `[batch, 2k]` tensor.
func rawComplexLayout(_ shape: [Int]) -> (batch: Int, symbols: Int) {
    precondition(shape.count == 2 && shape[1] % 2 == 0, "expected symbols [batch, 2k], got shape \(shape)")
    return (shape[0], shape[1] / 2)
}

/// Undoes the equalization of a flat-fading output so that the demapper sees `y = h·x + n`:
/// zero-forcing output `ŷ = y/h` gives `y = h·ŷ`; MMSE output `ŷ = h*·y/(|h|² + N0)` gives
/// `y = ŷ·(|h|² + N0)·h/|h|²`. A zero coefficient yields `y = 0` (LLR 0, an erasure).
func flatFadingObservation(
    _ received: Tensor<Float>, state: FlatFadingState, equalization: FadingEqualization
) -> CoherentObservation {
    let (batch, k) = rawComplexLayout(received.shape)
    let gains = state.perSymbolCoefficients().scalars
    var symbols = received.scalars
    if equalization != .none {
        symbols.withUnsafeMutableBufferPointer { y in
            gains.withUnsafeBufferPointer { h in
                for b in 0..<batch {
                    let n0 = equalization == .mmse ? state.noiseVariances[b] : 0
                    for n in 0..<k {
                        let i = b * 2 * k + 2 * n
                        let (hr, hi, yr, yi) = (h[i], h[i + 1], y[i], y[i + 1])
                        let power = hr * hr + hi * hi
                        guard power > 0 else {
                            y[i] = 0
                            y[i + 1] = 0
                            continue
                        }
                        let scale = (power + n0) / power  // 1 for zero-forcing
                        y[i] = scale * (hr * yr - hi * yi)
                        y[i + 1] = scale * (hr * yi + hi * yr)
                    }
                }
            }
        }
    }
    return CoherentObservation(
        symbols: symbols, channelGains: gains, noiseVariances: state.noiseVariances, batch: batch, symbolsPerExample: k)
}
