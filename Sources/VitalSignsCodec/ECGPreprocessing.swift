import HealthData

/// How the vital-sign codecs prepare an ECG: checks, resampling to the internal rate and robust
/// per-window normalization.
public enum ECGPreprocessing {
    /// The codecs' internal sample rate (Hz); inputs are resampled to it.
    public static let internalRateHertz = 250.0
    /// Input sample rates the codecs accept (Hz).
    public static let supportedInputRates: ClosedRange<Double> = 125...1000

    /// Throws `unsupportedSampleRate` unless `rate` is in ``supportedInputRates``.
    public static func checkSampleRate(_ rate: Double) throws(VitalSignsCodecError) {
        guard rate.isFinite, supportedInputRates.contains(rate) else {
            throw VitalSignsCodecError(
                code: .unsupportedSampleRate,
                message: "ECG sample rate \(rate) Hz is outside the supported \(Int(supportedInputRates.lowerBound))…\(Int(supportedInputRates.upperBound)) Hz")
        }
    }

    /// Throws `nonFiniteSample` naming the first NaN/infinite sample (offset `baseOffset + i`).
    public static func checkFinite(_ samples: some Collection<Float>, baseOffset: Int = 0) throws(VitalSignsCodecError) {
        for (i, v) in samples.enumerated() where !v.isFinite {
            throw VitalSignsCodecError(
                code: .nonFiniteSample,
                message: "ECG sample \(baseOffset + i) is not finite (NaN or infinity); repair it first (e.g. ECGCSV's interpolate policy)",
                sampleOffset: baseOffset + i)
        }
    }

    /// The ECG resampled to ``internalRateHertz`` (unchanged when already there).
    public static func toInternalRate(_ ecg: [Float], from rate: Double) -> [Float] {
        rate == internalRateHertz ? ecg : StreamingResampler.resample(ecg, from: rate, to: internalRateHertz)
    }

    /// `(x − median) / s` with `s = max(1.4826 · MAD, 0.01)` — median and MAD (Hampel 1974) are
    /// unmoved by a few monitor artefacts, unlike mean and standard deviation.
    /// - Returns: the normalized window, its median and `s` (input units).
    public static func robustNormalized(_ x: [Float]) -> (values: [Float], median: Float, scale: Float) {
        guard !x.isEmpty else { return ([], 0, 1) }
        let median = Self.median(x)
        let mad = Self.median(x.map { Swift.abs($0 - median) })
        let scale = Swift.max(1.4826 * mad, 0.01)
        return (x.map { ($0 - median) / scale }, median, scale)
    }

    /// The median (the upper one for an even count).
    static func median(_ x: [Float]) -> Float {
        var copy = x
        let k = copy.count / 2
        // Quickselect would be O(n); sorting a 2500-sample window is cheap enough and simpler.
        copy.sort()
        return copy[k]
    }
}
