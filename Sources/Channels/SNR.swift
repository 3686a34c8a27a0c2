import RealModule

/// Signal-to-noise-ratio conversions: decibels ↔ linear, Es/N0 ↔ Eb/N0, and noise variance.
///
/// Definitions used throughout `Channels`:
/// - **Es** is the average energy per complex channel use (per symbol), **Eb = Es / (R · log2 M)**
///   the energy per information bit for a code of rate `R` and `M`-ary modulation
///   (`bitsPerSymbol = log2 M`), and **N0** the noise variance per complex symbol
///   (`N0 / 2` per real dimension).
/// - Hence **Es/N0 = Eb/N0 · R · log2 M** (Proakis & Salehi, *Digital Communications*, 5th ed.,
///   §4.1), and for a signal of average power `Es` the noise variance is `N0 = Es / (Es/N0)`.
///
/// This spells out Sionna's `ebnodb2no` (`sionna/phy/utils/misc.py`).
///
/// ```swift
/// let n0 = SNR.noiseVariance(ebNoDecibels: 4.0, bitsPerSymbol: 2, codeRate: 0.5)  // QPSK, rate ½
/// let channel = AWGN(noise: .noiseVariance(Float(n0)))
/// ```
public enum SNR {
    /// `10^(decibels/10)`: a power ratio in decibels as a linear ratio.
    public static func linear<T: Real>(fromDecibels decibels: T) -> T {
        T.exp10(decibels / 10)
    }

    /// `10·log10(linear)`: a linear power ratio in decibels.
    /// - Precondition: `linear ≥ 0` (0 gives −∞).
    public static func decibels<T: Real>(fromLinear linear: T) -> T {
        precondition(linear >= 0, "A power ratio must be ≥ 0, got \(linear)")
        return 10 * T.log10(linear)
    }

    /// Es/N0 (linear) from Eb/N0 (linear): `Es/N0 = Eb/N0 · codeRate · bitsPerSymbol`.
    /// - Parameters:
    ///   - ebNo: energy per information bit over N0, linear.
    ///   - bitsPerSymbol: `log2 M` of the modulation (1 for BPSK, 2 for QPSK, 4 for 16-QAM).
    ///   - codeRate: information bits per coded bit, in (0, 1].
    public static func esNo<T: Real>(ebNo: T, bitsPerSymbol: Int, codeRate: T = 1) -> T {
        checkRate(bitsPerSymbol: bitsPerSymbol, codeRate: codeRate)
        return ebNo * codeRate * T(bitsPerSymbol)
    }

    /// Eb/N0 (linear) from Es/N0 (linear): `Eb/N0 = Es/N0 / (codeRate · bitsPerSymbol)`.
    public static func ebNo<T: Real>(esNo: T, bitsPerSymbol: Int, codeRate: T = 1) -> T {
        checkRate(bitsPerSymbol: bitsPerSymbol, codeRate: codeRate)
        return esNo / (codeRate * T(bitsPerSymbol))
    }

    /// Es/N0 in dB from Eb/N0 in dB: `EbN0dB + 10·log10(codeRate · bitsPerSymbol)`.
    public static func esNoDecibels<T: Real>(ebNoDecibels: T, bitsPerSymbol: Int, codeRate: T = 1) -> T {
        checkRate(bitsPerSymbol: bitsPerSymbol, codeRate: codeRate)
        return ebNoDecibels + 10 * T.log10(codeRate * T(bitsPerSymbol))
    }

    /// Eb/N0 in dB from Es/N0 in dB: `EsN0dB − 10·log10(codeRate · bitsPerSymbol)`.
    public static func ebNoDecibels<T: Real>(esNoDecibels: T, bitsPerSymbol: Int, codeRate: T = 1) -> T {
        checkRate(bitsPerSymbol: bitsPerSymbol, codeRate: codeRate)
        return esNoDecibels - 10 * T.log10(codeRate * T(bitsPerSymbol))
    }

    /// The noise variance N0 per complex symbol (`N0 / 2` per real dimension) that gives the
    /// requested Es/N0 for a signal of average symbol energy `signalPower`:
    /// `N0 = signalPower / 10^(EsN0dB/10)`.
    /// - Parameters:
    ///   - esNoDecibels: symbol SNR in dB.
    ///   - signalPower: average energy per complex symbol, Es (1 after ``PowerNormalization``).
    public static func noiseVariance<T: Real>(esNoDecibels: T, signalPower: T = 1) -> T {
        precondition(signalPower > 0, "Signal power must be > 0, got \(signalPower)")
        return signalPower / linear(fromDecibels: esNoDecibels)
    }

    /// The noise variance N0 per complex symbol for a given Eb/N0 (Sionna's `ebnodb2no`):
    /// `N0 = signalPower / (10^(EbN0dB/10) · codeRate · bitsPerSymbol)`.
    /// - Parameters:
    ///   - ebNoDecibels: energy per information bit over N0, in dB.
    ///   - bitsPerSymbol: `log2 M` of the modulation.
    ///   - codeRate: information bits per coded bit, in (0, 1].
    ///   - signalPower: average energy per complex symbol, Es (default 1).
    /// - Returns: N0, the variance of the complex noise sample (`N0 / 2` per real dimension).
    public static func noiseVariance<T: Real>(
        ebNoDecibels: T, bitsPerSymbol: Int, codeRate: T = 1, signalPower: T = 1
    ) -> T {
        let esNo = esNo(ebNo: linear(fromDecibels: ebNoDecibels), bitsPerSymbol: bitsPerSymbol, codeRate: codeRate)
        precondition(signalPower > 0, "Signal power must be > 0, got \(signalPower)")
        return signalPower / esNo
    }

    private static func checkRate<T: Real>(bitsPerSymbol: Int, codeRate: T) {
        precondition(bitsPerSymbol >= 1, "bitsPerSymbol must be ≥ 1, got \(bitsPerSymbol)")
        precondition(codeRate > 0 && codeRate <= 1, "codeRate must be in (0, 1], got \(codeRate)")
    }
}
