import Channels

/// A channel whose additive-noise level can be replaced, so that ``ChannelLayer`` can train a codec
/// over a range of SNRs (a fresh per-example SNR every step).
///
/// `AWGN`, `RayleighFading` and `RicianFading` conform. The replacement level is always an Es/N0
/// relative to unit nominal symbol power, which is what ``SemanticPipeline`` transmits after
/// power normalization.
public protocol NoiseAdjustableChannel: ChannelModel {
    /// A copy of the channel with its noise level replaced by `noise`.
    func withNoise(_ noise: NoiseLevel) -> Self
}

extension AWGN: NoiseAdjustableChannel {
    /// A copy with `Channels.AWGN.noise` replaced.
    public func withNoise(_ noise: NoiseLevel) -> AWGN {
        AWGN(noise: noise)
    }
}

extension RayleighFading: NoiseAdjustableChannel {
    /// A copy with `Channels.RayleighFading.noise` replaced (coherence and equalization kept).
    public func withNoise(_ noise: NoiseLevel) -> RayleighFading {
        RayleighFading(coherence: coherence, equalization: equalization, noise: noise)
    }
}

extension RicianFading: NoiseAdjustableChannel {
    /// A copy with `Channels.RicianFading.noise` replaced (K-factor, phase, coherence and equalization kept).
    public func withNoise(_ noise: NoiseLevel) -> RicianFading {
        RicianFading(
            kFactor: kFactor, lineOfSightPhase: lineOfSightPhase, coherence: coherence, equalization: equalization,
            noise: noise)
    }
}
