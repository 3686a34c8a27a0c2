/// A QRS (R-peak) detector after Pan & Tompkins, "A real-time QRS detection algorithm", IEEE TBME
/// 32(3), 1985.
///
/// Stages, at any sample rate: band-pass 5–15 Hz (Butterworth high-pass and low-pass biquads,
/// run forward and backward so there is no delay — the paper's integer filters are causal and
/// designed for 200 Hz), the five-point derivative, squaring, a 150 ms moving-window integration,
/// then the paper's decision rules on the integrated signal's peaks: signal and noise peak levels
/// `SPKI`/`NPKI` (updated ⅛/⅞), threshold `THR1 = NPKI + ¼(SPKI − NPKI)`, a 200 ms refractory
/// period, T-wave discrimination (a peak within 360 ms of the previous QRS whose maximal slope is
/// under half of that QRS's is a T wave), and search-back with `THR2 = ½ THR1` when no QRS was
/// found for 166 % of the average RR interval; when the rhythm is irregular (one of the last eight
/// RR intervals outside 92–116 % of their mean, e.g. atrial fibrillation) `THR1` is halved, as in
/// the paper. Differences from the paper: the learning phase
/// uses the first 2 s of the input to initialize the levels (`SPKI = ¼ max`, `NPKI = ½ mean`),
/// and the R peak is placed at the largest absolute deviation of the 0.5–40 Hz signal within
/// ±80 ms of the detection (so negative and wide complexes are located too).
public struct RPeakDetector: Sendable {
    /// Sample rate of the signals given to ``detect(_:)`` (Hz).
    public let sampleRateHertz: Double

    /// Creates a detector.
    /// - Precondition: the rate is in 50…5000 Hz.
    public init(sampleRateHertz: Double) {
        precondition(
            sampleRateHertz >= 50 && sampleRateHertz <= 5000, "R-peak detector needs 50…5000 Hz, got \(sampleRateHertz)")
        self.sampleRateHertz = sampleRateHertz
    }

    /// The sample indices of the R peaks in `ecg` (any unit), increasing.
    /// - Complexity: O(n).
    public func detect(_ ecg: [Float]) -> [Int] {
        let n = ecg.count
        let fs = sampleRateHertz
        guard n > Int(0.5 * fs) else { return [] }
        let x = ecg.map { $0.isFinite ? Double($0) : 0 }
        let band = Biquad.lowPass(cutoffHertz: 15, sampleRateHertz: fs).applyZeroPhase(
            Biquad.highPass(cutoffHertz: 5, sampleRateHertz: fs).applyZeroPhase(x))
        // Five-point derivative (centred), squared.
        var slope = [Double](repeating: 0, count: n)
        for i in 2..<(n - 2) {
            slope[i] = (2 * band[i + 1] + band[i + 2] - band[i - 2] - 2 * band[i - 1]) * fs / 8
        }
        let squared = slope.map { $0 * $0 }
        // The 0.5–40 Hz signal: the amplitude of a complex (T-wave test) and the R-peak position.
        let wide = Biquad.lowPass(cutoffHertz: 40, sampleRateHertz: fs).applyZeroPhase(
            Biquad.highPass(cutoffHertz: 0.5, sampleRateHertz: fs).applyZeroPhase(x))
        // Moving-window integration, 150 ms, centred.
        let half = Swift.max(1, Int(0.075 * fs))
        var integrated = [Double](repeating: 0, count: n)
        var prefix = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { prefix[i + 1] = prefix[i] + squared[i] }
        for i in 0..<n {
            let lo = Swift.max(0, i - half)
            let hi = Swift.min(n, i + half + 1)
            integrated[i] = (prefix[hi] - prefix[lo]) / Double(hi - lo)
        }
        // Candidate peaks with a 200 ms refractory period.
        let refractory = Int(0.2 * fs)
        var candidates: [Int] = []
        for i in 1..<(n - 1) where integrated[i] > integrated[i - 1] && integrated[i] >= integrated[i + 1] {
            if let last = candidates.last, i - last < refractory {
                if integrated[i] > integrated[last] { candidates[candidates.count - 1] = i }
            } else {
                candidates.append(i)
            }
        }
        guard !candidates.isEmpty else { return [] }
        func maxSlope(_ c: Int) -> Double {
            var m = 0.0
            for j in Swift.max(0, c - half)..<Swift.min(n, c + half + 1) { m = Swift.max(m, Swift.abs(slope[j])) }
            return m
        }
        func amplitude(_ c: Int) -> Double {
            var m = 0.0
            for j in Swift.max(0, c - half)..<Swift.min(n, c + half + 1) { m = Swift.max(m, Swift.abs(wide[j])) }
            return m
        }
        let learning = Swift.min(n, Int(2 * fs))
        var spki = 0.25 * (integrated[0..<learning].max() ?? 0)
        var npki = 0.5 * integrated[0..<learning].reduce(0, +) / Double(learning)
        var qrs: [Int] = []
        var qrsShapes: [(slope: Double, amplitude: Double)] = []
        var rrAverage: Double?
        var irregular = false
        var lastCandidateIndex = 0
        for (index, c) in candidates.enumerated() {
            let peak = integrated[c]
            // Irregular rhythm (an RR interval of the last eight outside 92–116 % of their mean):
            // the paper halves the threshold so that beats after short RR intervals are not missed.
            let thr1 = (irregular ? 0.5 : 1) * (npki + 0.25 * (spki - npki))
            // Search back for a missed beat before this candidate.
            if let last = qrs.last, let rr = rrAverage, Double(c - last) > 1.66 * rr {
                let thr2 = 0.5 * thr1
                var best: Int?
                for j in lastCandidateIndex..<index {
                    let d = candidates[j]
                    guard d - last >= refractory, c - d >= refractory, integrated[d] > thr2 else { continue }
                    if best == nil || integrated[d] > integrated[best!] { best = d }
                }
                if let best {
                    spki = 0.25 * integrated[best] + 0.75 * spki
                    appendBeat(best, &qrs, &qrsShapes, &rrAverage, &irregular, (maxSlope(best), amplitude(best)))
                }
            }
            if peak > thr1 {
                let s = maxSlope(c)
                // T-wave test (Pan & Tompkins): within 360 ms of the last QRS and under half its
                // slope. A premature ventricular beat is as slow as a T wave in the 5–15 Hz band
                // but about as large as a QRS in the 0.5–40 Hz signal, so a candidate that reaches
                // 80 % of the last QRS's amplitude there is kept as a beat.
                let a = amplitude(c)
                if let last = qrs.last, Double(c - last) < 0.36 * fs, let previous = qrsShapes.last,
                    s < 0.5 * previous.slope, a < 0.8 * previous.amplitude
                {
                    npki = 0.125 * peak + 0.875 * npki
                    continue
                }
                if let last = qrs.last, c - last < refractory { continue }
                spki = 0.125 * peak + 0.875 * spki
                appendBeat(c, &qrs, &qrsShapes, &rrAverage, &irregular, (s, a))
                lastCandidateIndex = index + 1
            } else {
                npki = 0.125 * peak + 0.875 * npki
            }
        }
        // Place each R at the largest deviation of the 0.5–40 Hz signal within ±80 ms.
        let reach = Int(0.08 * fs)
        var peaks: [Int] = []
        for c in qrs {
            var best = c
            for j in Swift.max(0, c - reach)..<Swift.min(n, c + reach + 1) where Swift.abs(wide[j]) > Swift.abs(wide[best]) {
                best = j
            }
            if let last = peaks.last, best - last < refractory / 2 { continue }
            peaks.append(best)
        }
        return peaks
    }

    private func appendBeat(
        _ c: Int, _ qrs: inout [Int], _ shapes: inout [(slope: Double, amplitude: Double)], _ rrAverage: inout Double?,
        _ irregular: inout Bool, _ shape: (slope: Double, amplitude: Double)
    ) {
        let insertAt = qrs.firstIndex(where: { $0 > c }) ?? qrs.count
        qrs.insert(c, at: insertAt)
        shapes.insert(shape, at: insertAt)
        if qrs.count >= 2 {
            let recent = qrs.suffix(9)
            let intervals = zip(recent.dropFirst(), recent).map { Double($0 - $1) }
            let mean = intervals.reduce(0, +) / Double(intervals.count)
            rrAverage = mean
            irregular = intervals.contains { $0 < 0.92 * mean || $0 > 1.16 * mean }
        }
    }

    /// Matches detected peaks to reference peaks one to one within `toleranceSamples` (greedy in
    /// time order) and returns the counts and the F1 score `2TP / (2TP + FP + FN)`.
    public static func match(
        detected: [Int], reference: [Int], toleranceSamples: Int
    ) -> (truePositives: Int, falsePositives: Int, falseNegatives: Int, f1: Double) {
        var used = [Bool](repeating: false, count: detected.count)
        var tp = 0
        var j = 0
        for r in reference {
            while j < detected.count && detected[j] < r - toleranceSamples { j += 1 }
            var k = j
            var best: Int?
            while k < detected.count && detected[k] <= r + toleranceSamples {
                if !used[k] && (best == nil || Swift.abs(detected[k] - r) < Swift.abs(detected[best!] - r)) { best = k }
                k += 1
            }
            if let best {
                used[best] = true
                tp += 1
            }
        }
        let fp = detected.count - tp
        let fn = reference.count - tp
        let denominator = 2 * tp + fp + fn
        return (tp, fp, fn, denominator == 0 ? 1 : Double(2 * tp) / Double(denominator))
    }
}
