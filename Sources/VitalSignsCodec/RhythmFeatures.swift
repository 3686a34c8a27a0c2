import RealModule

/// Hand-engineered rhythm and morphology features of one ECG window — the front end of the rhythm
/// codec's encoder (the learned MLP that follows it maps them to channel symbols).
///
/// From the R peaks of ``RPeakDetector`` and beats cut from the 0.5–40 Hz signal:
/// - rate: beats per minute from the beat count and span, from the median RR, log median RR;
/// - RR irregularity (the cues of AF detectors such as Tateno & Glass 2001 and of PVC detection):
///   coefficient of variation, RMSSD / mean RR, the fraction of successive differences above
///   10 % of the mean, the fraction of intervals more than 15 % from the median, min and max RR
///   over the median, short–long (premature + compensatory pause) pairs, the largest jump, and the
///   mean second difference;
/// - morphology: each beat's QRS correlation with the window's median beat (min and mean), the
///   QRS width ratio (max / median) and median width, the beat amplitude ratio (max / median),
///   premature beats that are also deformed;
/// - atrial activity: the median beat's P-wave amplitude relative to its R, the mean correlation of
///   each beat's P region with the median beat's (P waves repeat in sinus rhythm; fibrillatory waves
///   do not), and the 4–10 Hz energy outside the QRS complexes relative to the R amplitude;
/// - noise: the >40 Hz residual relative to the R amplitude.
///
/// Every feature is invariant to the ECG's scale and offset. A window with fewer than three
/// detected beats yields zeros for the RR and morphology features and a flag.
public struct RhythmFeatureExtractor: Sendable {
    /// The number of features.
    public static let featureCount = 24
    /// Feature names, in order.
    public static let featureNames = [
        "rate_count_bpm", "rate_median_rr_bpm", "log_median_rr", "rr_cv", "rmssd_rel", "pnn10", "rr_outlier_fraction",
        "rr_min_rel", "rr_max_rel", "short_long_pairs", "rr_max_jump", "rr_second_difference", "qrs_corr_min",
        "qrs_corr_mean", "qrs_width_ratio", "qrs_width_median_s", "amplitude_ratio", "p_amplitude_rel",
        "p_consistency", "atrial_energy_rel", "hf_noise_rel", "premature_deformed_fraction", "few_beats",
        "beat_count_rel",
    ]

    /// The sample rate of the windows (Hz).
    public let sampleRateHertz: Double
    private let detector: RPeakDetector

    /// Creates an extractor for windows at `sampleRateHertz`.
    public init(sampleRateHertz: Double) {
        self.sampleRateHertz = sampleRateHertz
        self.detector = RPeakDetector(sampleRateHertz: sampleRateHertz)
    }

    /// The features of one window (any unit) and the R peaks found (sample indices).
    public func features(of window: [Float]) -> (features: [Float], peaks: [Int]) {
        let fs = sampleRateHertz
        let n = window.count
        let peaks = detector.detect(window)
        var f = [Float](repeating: 0, count: Self.featureCount)
        let duration = Double(n) / fs
        f[23] = Float(Double(peaks.count) / duration * 6 / 10)  // beats per 10 s / 10
        guard peaks.count >= 3 else {
            f[22] = 1
            return (f, peaks)
        }
        let x = window.map { $0.isFinite ? Double($0) : 0 }
        let wide = Biquad.lowPass(cutoffHertz: 40, sampleRateHertz: fs).applyZeroPhase(
            Biquad.highPass(cutoffHertz: 0.5, sampleRateHertz: fs).applyZeroPhase(x))
        let rr = zip(peaks.dropFirst(), peaks).map { Double($0 - $1) / fs }
        let sortedRR = rr.sorted()
        let median = sortedRR[sortedRR.count / 2]
        let mean = rr.reduce(0, +) / Double(rr.count)
        let std = (rr.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rr.count)).squareRoot()
        let diffs = zip(rr.dropFirst(), rr).map { $0 - $1 }
        let rmssd = diffs.isEmpty ? 0 : (diffs.map { $0 * $0 }.reduce(0, +) / Double(diffs.count)).squareRoot()
        f[0] = Float(60 * Double(peaks.count - 1) / (Double(peaks.last! - peaks.first!) / fs) / 100)  // ≥ 3 peaks: span > 0
        f[1] = Float(60 / median / 100)
        f[2] = Float(Double.log(median))
        f[3] = Float(std / mean)
        f[4] = Float(rmssd / mean)
        f[5] = diffs.isEmpty ? 0 : Float(Double(diffs.filter { Swift.abs($0) > 0.1 * mean }.count) / Double(diffs.count))
        f[6] = Float(Double(rr.filter { Swift.abs($0 - median) > 0.15 * median }.count) / Double(rr.count))
        f[7] = Float(sortedRR.first! / median)
        f[8] = Float(sortedRR.last! / median)
        var shortLong = 0
        for i in 0..<(rr.count - 1) where rr[i] < 0.85 * median && rr[i + 1] > 1.15 * median { shortLong += 1 }
        f[9] = Float(Double(shortLong) / Double(rr.count))
        f[10] = Float((diffs.map { Swift.abs($0) }.max() ?? 0) / median)
        let second = zip(diffs.dropFirst(), diffs).map { Swift.abs($0 - $1) }
        f[11] = second.isEmpty ? 0 : Float(second.reduce(0, +) / Double(second.count) / median)

        // Beats: [-0.25 s, +0.4 s] around each R.
        let before = Int(0.25 * fs)
        let after = Int(0.4 * fs)
        let beats = peaks.filter { $0 - before >= 0 && $0 + after < n }.map { Array(wide[($0 - before)...($0 + after)]) }
        guard beats.count >= 2 else {
            f[22] = 0.5
            return (f, peaks)
        }
        let length = before + after + 1
        var template = [Double](repeating: 0, count: length)
        for j in 0..<length {
            let column = beats.map { $0[j] }.sorted()
            template[j] = column[column.count / 2]
        }
        let rAmplitude = Swift.max(1e-9, Swift.abs(template[before]))
        let qrs = (before - Int(0.1 * fs))...(before + Int(0.1 * fs))
        let correlations = beats.map { correlation(Array($0[qrs]), Array(template[qrs])) }
        f[12] = Float(correlations.min() ?? 0)
        f[13] = Float(correlations.reduce(0, +) / Double(correlations.count))
        let widths = beats.map { width(of: $0, centre: before) }
        let sortedWidths = widths.sorted()
        let medianWidth = Swift.max(sortedWidths[sortedWidths.count / 2], 1 / fs)
        f[14] = Float((sortedWidths.last ?? 0) / medianWidth)
        f[15] = Float(medianWidth * 10)
        let amplitudes = beats.map { beat in beat[qrs].map { Swift.abs($0) }.max() ?? 0 }.sorted()
        f[16] = Float((amplitudes.last ?? 0) / Swift.max(amplitudes[amplitudes.count / 2], 1e-9))
        let pRegion = (before - Int(0.25 * fs))...(before - Int(0.08 * fs))
        let pTemplate = Array(template[pRegion])
        f[17] = Float(((pTemplate.max() ?? 0) - (pTemplate.min() ?? 0)) / rAmplitude)
        let pCorrelations = beats.map { correlation(Array($0[pRegion]), pTemplate) }
        f[18] = Float(pCorrelations.reduce(0, +) / Double(pCorrelations.count))
        // Atrial activity: 4–10 Hz energy outside [−0.1, +0.12] s of each R.
        let atrial = Biquad.lowPass(cutoffHertz: 10, sampleRateHertz: fs).applyZeroPhase(
            Biquad.highPass(cutoffHertz: 4, sampleRateHertz: fs).applyZeroPhase(x))
        let residual = zip(x, wide).map { $0 - $1 }
        var mask = [Bool](repeating: true, count: n)
        for p in peaks {
            for j in Swift.max(0, p - Int(0.1 * fs))..<Swift.min(n, p + Int(0.12 * fs)) { mask[j] = false }
        }
        var atrialEnergy = 0.0
        var noiseEnergy = 0.0
        var count = 0
        for j in 0..<n where mask[j] {
            atrialEnergy += atrial[j] * atrial[j]
            noiseEnergy += residual[j] * residual[j]
            count += 1
        }
        let templateScale = Swift.max(rAmplitude, 1e-9)
        f[19] = count > 0 ? Float((atrialEnergy / Double(count)).squareRoot() / templateScale) : 0
        f[20] = count > 0 ? Float((noiseEnergy / Double(count)).squareRoot() / templateScale) : 0
        var prematureDeformed = 0
        let usable = peaks.enumerated().filter { $0.element - before >= 0 && $0.element + after < n }.map(\.offset)
        for (b, index) in usable.enumerated() where index >= 1 {
            let interval = Double(peaks[index] - peaks[index - 1]) / fs
            if interval < 0.85 * median && correlations[b] < 0.8 { prematureDeformed += 1 }
        }
        f[21] = Float(Double(prematureDeformed) / Double(beats.count))
        return (f.map { $0.isFinite ? $0 : 0 }, peaks)
    }

    private func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count)
        let mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    /// QRS width (s): the span around the centre where |x| exceeds 30 % of the peak within ±0.15 s.
    private func width(of beat: [Double], centre: Int) -> Double {
        let reach = Int(0.15 * sampleRateHertz)
        let lo = Swift.max(0, centre - reach)
        let hi = Swift.min(beat.count - 1, centre + reach)
        let peak = beat[lo...hi].map { Swift.abs($0) }.max() ?? 0
        guard peak > 0 else { return 0 }
        var first = hi
        var last = lo
        for j in lo...hi where Swift.abs(beat[j]) > 0.3 * peak {
            first = Swift.min(first, j)
            last = Swift.max(last, j)
        }
        return Double(Swift.max(0, last - first + 1)) / sampleRateHertz
    }
}
