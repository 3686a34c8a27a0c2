import Channels

/// The Shannon-ideal digital bound: the best any digital scheme (source coding followed by a
/// capacity-achieving channel code, infinitely long blocks) could do over the same channel — the
/// ceiling against which both the practical raw baseline and semantic schemes are compared.
///
/// With `C` the capacity in bits per complex channel use (Shannon 1948):
/// - `k` channel uses carry at most `k · C` bits;
/// - a payload of `B` bits needs at least `⌈B / C⌉` channel uses.
///
/// For AWGN `C = log2(1 + SNR)` (``Capacity/awgn(snr:)``); for Rayleigh fading with receiver
/// CSI the ergodic capacity `E[log2(1 + SNR·|h|²)]` (``Capacity/ergodicRayleigh(snr:)``) applies.
///
/// ```swift
/// IdealDigitalBound.bits(channelUses: 100, snrDecibels: 10)          // 345.9 bits
/// IdealDigitalBound.channelUses(payloadBits: 1000, snrDecibels: 10)  // 290
/// ```
public enum IdealDigitalBound {
    /// Which capacity formula applies.
    public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        /// AWGN, `log2(1 + SNR)`.
        case awgn = "awgn"
        /// Rayleigh fading with receiver CSI, ergodic capacity.
        case ergodicRayleigh = "ergodic_rayleigh"
    }

    /// The capacity in bits per complex channel use at Es/N0 = `snrDecibels`.
    public static func capacity(snrDecibels: Double, channel: Channel = .awgn) -> Double {
        precondition(!snrDecibels.isNaN, "SNR must not be NaN")
        let snr = SNR.linear(fromDecibels: snrDecibels)
        switch channel {
        case .awgn: return Capacity.awgn(snr: snr)
        case .ergodicRayleigh: return Capacity.ergodicRayleigh(snr: snr)
        }
    }

    /// The most bits that `channelUses` complex channel uses can carry: `k · C`.
    /// - Precondition: `channelUses ≥ 0`.
    public static func bits(channelUses: Int, snrDecibels: Double, channel: Channel = .awgn) -> Double {
        precondition(channelUses >= 0, "channelUses must be ≥ 0, got \(channelUses)")
        return Double(channelUses) * capacity(snrDecibels: snrDecibels, channel: channel)
    }

    /// The fewest complex channel uses that can carry `payloadBits` bits: `⌈B / C⌉` (a quotient
    /// within 10⁻⁹ of an integer counts as that integer, so rounding in `log2` does not add a use).
    /// - Returns: the channel uses, or `Int.max` when the capacity is 0 and `B > 0`.
    /// - Precondition: `payloadBits ≥ 0`.
    public static func channelUses(payloadBits: Int, snrDecibels: Double, channel: Channel = .awgn) -> Int {
        precondition(payloadBits >= 0, "payloadBits must be ≥ 0, got \(payloadBits)")
        guard payloadBits > 0 else { return 0 }
        let c = capacity(snrDecibels: snrDecibels, channel: channel)
        guard c > 0 else { return Int.max }
        let quotient = Double(payloadBits) / c
        guard quotient < 9e15 else { return Int.max }
        let nearest = quotient.rounded()
        return abs(quotient - nearest) <= 1e-9 * Swift.max(1, nearest) ? Int(nearest) : Int(quotient.rounded(.up))
    }
}
