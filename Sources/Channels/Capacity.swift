import RealModule

/// Shannon capacities of the channel models, in bits per channel use.
///
/// A channel use is one complex symbol for the Gaussian channels and one bit for the discrete ones.
/// `snr` arguments are linear Es/N0 (average received SNR for fading); use
/// ``SNR/linear(fromDecibels:)`` to convert.
///
/// ```swift
/// Capacity.awgn(snr: SNR.linear(fromDecibels: 10.0))          // 3.459 bits per complex use
/// Capacity.ergodicRayleigh(snr: SNR.linear(fromDecibels: 10.0)) // 2.9065 (< AWGN, Jensen)
/// ```
public enum Capacity {
    /// AWGN capacity `C = log2(1 + SNR)` bits per complex channel use (Shannon 1948).
    /// - Precondition: `snr ≥ 0`.
    public static func awgn(snr: Double) -> Double {
        precondition(snr >= 0, "SNR must be ≥ 0, got \(snr)")
        return Double.log(onePlus: snr) / Double.log(2)
    }

    /// Ergodic capacity of Rayleigh flat fading with receiver CSI,
    /// `C = E[log2(1 + SNR·|h|²)]`, `|h|² ~ Exp(1)`, in closed form
    /// `C = log2(e)·e^{1/SNR}·E1(1/SNR)` (Lee 1990; Goldsmith, *Wireless Communications*, 2005,
    /// eq. 4.9 with exponential fading). `C < log2(1 + SNR)` by Jensen's inequality.
    /// - Precondition: `snr ≥ 0` (0 gives 0).
    public static func ergodicRayleigh(snr: Double) -> Double {
        precondition(snr >= 0, "SNR must be ≥ 0, got \(snr)")
        guard snr > 0 else { return 0 }
        return SpecialFunctions.scaledExponentialIntegralE1(1 / snr) / Double.log(2)
    }

    /// Capacity of the binary symmetric channel with flip probability `p`: `1 − H2(p)` bits per use.
    /// - Precondition: `0 ≤ p ≤ 1`.
    public static func binarySymmetric(flipProbability p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "Flip probability must be in [0, 1], got \(p)")
        return 1 - binaryEntropy(p)
    }

    /// Capacity of the erasure channel with erasure probability `p`: `1 − p` (per bit, or per
    /// symbol as a fraction of the symbol's capacity).
    /// - Precondition: `0 ≤ p ≤ 1`.
    public static func erasure(erasureProbability p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "Erasure probability must be in [0, 1], got \(p)")
        return 1 - p
    }

    /// The binary entropy `H2(p) = −p·log2 p − (1−p)·log2(1−p)` in bits (`H2(0) = H2(1) = 0`).
    /// - Precondition: `0 ≤ p ≤ 1`.
    public static func binaryEntropy(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "Probability must be in [0, 1], got \(p)")
        guard p > 0 && p < 1 else { return 0 }
        return -p * Double.log2(p) - (1 - p) * Double.log2(1 - p)
    }
}
