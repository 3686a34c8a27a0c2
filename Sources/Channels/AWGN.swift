import RealModule
import TensorCore

/// The additive white Gaussian noise channel in complex baseband: `y = x + n`.
///
/// - Input/output: `[batch, …, 2·k]` `Tensor<Float>`, interleaved (real, imag) pairs in the last
///   axis, `k` complex channel uses per example (a real-valued system sends two reals per use).
/// - Noise: `n ~ CN(0, N0)` independently per complex symbol, i.e. **variance N0 per complex
///   symbol and N0/2 per real dimension** (as Sionna's `awgn.py` states).
/// - Noise level: a ``NoiseLevel`` — Es/N0 in dB per call or per example (a `[batch]` list),
///   relative to a nominal signal power (default `Es = 1`, what ``PowerNormalization`` produces)
///   or to the measured power of each example; or an explicit N0.
///
/// Like Sionna, the noise level is a plain value: build an `AWGN` per call (it is a cheap value
/// type), e.g. `AWGN(snrDecibels: snr)(x, using: &rng)`.
///
/// The pullback is the identity (`∂y/∂x = I`, the noise being independent of `x`; with a
/// measured reference the noise level is treated as a constant).
///
/// ```swift
/// var rng = Xoshiro256(seed: 1)
/// let x = PowerNormalization()(z)                       // [batch, 2·k], unit power per symbol
/// let y = AWGN(snrDecibels: 10)(x, using: &rng)
/// let perExample = AWGN(noise: .snr(perExampleDecibels: [0, 10, 20]))(x3, using: &rng)
/// ```
public struct AWGN: ChannelModel {
    /// The noise level (N0 per complex symbol, from an SNR or given directly).
    public var noise: NoiseLevel

    /// Creates an AWGN channel with the given noise level.
    public init(noise: NoiseLevel) {
        self.noise = noise
    }

    /// Creates an AWGN channel at Es/N0 = `snrDecibels` relative to unit nominal symbol power
    /// (`N0 = 10^(−snrDecibels/10)`).
    public init(snrDecibels: Float) {
        self.init(noise: .snr(decibels: snrDecibels))
    }

    /// Returns `()`: the AWGN channel has no state besides the noise, which ``apply(_:state:using:)`` draws.
    public func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) {
        _ = channelsComplexLayout(shape, "AWGN")
    }

    /// `y = x + n`, `n ~ CN(0, N0_b)` per complex symbol of example `b`.
    /// - Parameters:
    ///   - x: transmitted symbols `[batch, …, 2·k]` (interleaved complex pairs).
    ///   - rng: the generator for the noise (one `Tensor.gaussian` draw of `x.shape`).
    /// - Returns: received symbols, same shape.
    public func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: Void, using rng: inout G) -> Tensor<Float> {
        let variances = noise.noiseVariances(for: x)
        var y = x
        channelsAddNoise(to: &y, noiseVariances: variances, using: &rng)
        return y
    }

    /// Returns `dy`: the channel's Jacobian is the identity.
    public func pullback(_ dy: Tensor<Float>, state: Void) -> Tensor<Float> { dy }

    /// The noise variances N0 (per complex symbol) this channel uses for each example of `x`
    /// (what a soft demapper needs to compute LLRs). `[batch]`.
    public func noiseVariances(for x: Tensor<Float>) -> [Float] {
        noise.noiseVariances(for: x)
    }
}

/// Adds `CN(0, N0_b)` noise (N0_b/2 per real dimension) to every complex pair of example `b` of `y`,
/// drawing one `Tensor.gaussian` tensor of `y.shape` (so faster samplers benefit).
func channelsAddNoise<G: RandomNumberGenerator>(
    to y: inout Tensor<Float>, noiseVariances: [Float], using rng: inout G
) {
    let batch = y.shape[0]
    precondition(noiseVariances.count == batch, "Got \(noiseVariances.count) noise variances for a batch of \(batch)")
    guard y.count > 0, noiseVariances.contains(where: { $0 > 0 }) else { return }
    let perExample = y.count / batch
    let standard = Tensor<Float>.gaussian(shape: y.shape, using: &rng)
    standard.scalars.withUnsafeBufferPointer { n in
        y.scalars.withUnsafeMutableBufferPointer { out in
            for b in 0..<batch {
                let sigma = (noiseVariances[b] / 2).squareRoot()
                let start = b * perExample
                for i in start..<(start + perExample) { out[i] += sigma * n[i] }
            }
        }
    }
}
