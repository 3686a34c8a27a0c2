import HealthData
import TensorCore

/// Synthetic training and test windows for the vital-sign codecs, from ``HealthData/VitalSignsGenerator``.
///
/// Each recording draws a rhythm (cycling through the five classes), a random subject, random
/// artefacts (``HealthData/ECGNoiseLevels/random(severity:using:)`` with severity uniform in 0…1)
/// and a recording rate (250 Hz half of the time, else 125, 360, 500 or 1000 Hz); it is resampled
/// to ``ECGPreprocessing/internalRateHertz`` exactly as the codecs resample user recordings. With
/// probability 0.2 a window also loses a 0.1–0.5 s run of samples (a dropped-sample erasure,
/// repaired by linear interpolation as the CSV loader does) — the stream-noise augmentation.
public enum VitalSignsTrainingData {
    /// One labelled ECG window at the internal rate.
    public struct Window: Sendable {
        /// ECG (mV) at ``ECGPreprocessing/internalRateHertz``.
        public var ecg: [Float]
        /// Ground-truth rhythm label of the window.
        public var rhythm: CardiacRhythm
        /// Ground-truth mean heart rate (bpm) over the window's beats.
        public var heartRate: Double
        /// Ground-truth R peaks (sample indices at the internal rate).
        public var peaks: [Int]
    }

    /// `recordings` recordings cut into `windowsPerRecording` consecutive windows of `windowSeconds`.
    /// - Parameters:
    ///   - seed: the seed (recording `i` uses `Xoshiro256(seed: seed, stream: i)`).
    ///   - noiseSeverity: the upper bound of the artefact severity (0 = clean).
    public static func windows(
        recordings: Int, windowsPerRecording: Int, windowSeconds: Double, seed: UInt64, noiseSeverity: Double = 1
    ) -> [Window] {
        let rates: [Double] = [125, 360, 500, 1000]
        let fs = ECGPreprocessing.internalRateHertz
        let length = Int(windowSeconds * fs)
        var out: [Window] = []
        out.reserveCapacity(recordings * windowsPerRecording)
        for i in 0..<recordings {
            var rng = Xoshiro256(seed: seed, stream: i)
            let rhythm = CardiacRhythm.allCases[i % CardiacRhythm.allCases.count]
            let rate = rng.nextUnitDouble() < 0.5 ? 250 : rates[Int(rng.next() % UInt64(rates.count))]
            let noise = ECGNoiseLevels.random(severity: noiseSeverity * rng.nextUnitDouble(), using: &rng)
            let configuration = VitalSignsSynthesisConfiguration(
                rhythm: rhythm, sampleRateHertz: rate, noise: noise, includesAuxiliaryChannels: false)
            let duration = windowSeconds * Double(windowsPerRecording) + 0.5
            let recording = VitalSignsGenerator.record(durationSeconds: duration, configuration: configuration, using: &rng)
            let ecg = ECGPreprocessing.toInternalRate(recording.ecg, from: rate)
            for w in 0..<windowsPerRecording {
                let start = w * length
                guard start + length <= ecg.count else { break }
                var window = Array(ecg[start..<(start + length)])
                if rng.nextUnitDouble() < 0.2 { dropRun(&window, using: &rng) }
                let t0 = Double(start) / fs
                let t1 = Double(start + length) / fs
                guard let label = recording.rhythmLabel(windowStart: t0, windowEnd: t1),
                    let heartRate = recording.heartRate(windowStart: t0, windowEnd: t1)
                else { continue }
                let peaks = recording.beats.filter { $0.time >= t0 && $0.time < t1 }.map {
                    Int((($0.time - t0) * fs).rounded())
                }
                out.append(Window(ecg: window, rhythm: label, heartRate: heartRate, peaks: peaks))
            }
        }
        return out
    }

    /// Erases a random 0.1–0.5 s run and fills it by linear interpolation.
    static func dropRun<G: RandomNumberGenerator>(_ x: inout [Float], using rng: inout G) {
        let fs = ECGPreprocessing.internalRateHertz
        let length = Int((0.1 + 0.4 * rng.nextUnitDouble()) * fs)
        guard x.count > length + 2 else { return }
        let start = 1 + Int(rng.next() % UInt64(x.count - length - 1))
        let a = x[start - 1]
        let b = x[Swift.min(x.count - 1, start + length)]
        for j in 0..<length { x[start + j] = a + (b - a) * Float(j + 1) / Float(length + 1) }
    }
}
