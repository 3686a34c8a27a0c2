import HealthData
import Testing
import TensorCore

@testable import VitalSignsCodec

@Suite struct RPeakDetectorTests {
    @Test func findsTheGroundTruthBeatsOfCleanAndNoisySyntheticECG() {
        for (index, rhythm) in CardiacRhythm.allCases.enumerated() {
            var rng = Xoshiro256(seed: 11, stream: index)
            let recording = VitalSignsGenerator.record(
                durationSeconds: 20,
                configuration: .init(
                    rhythm: rhythm, noise: .init(baselineWanderMillivolts: 0.2, muscleNoiseMillivolts: 0.02),
                    includesAuxiliaryChannels: false),
                using: &rng)
            let peaks = RPeakDetector(sampleRateHertz: 250).detect(recording.ecg)
            let reference = recording.beats.map { Int(($0.time * 250).rounded()) }
            let m = RPeakDetector.match(detected: peaks, reference: reference, toleranceSamples: 12)
            #expect(m.f1 >= 0.97, "\(rhythm): F1 \(m.f1) (tp \(m.truePositives), fp \(m.falsePositives), fn \(m.falseNegatives))")
        }
    }

    /// Premature ventricular beats at 95 bpm fall within 360 ms of the previous QRS with under half
    /// its slope: Pan & Tompkins' T-wave rule alone rejects many of them.
    @Test func findsPrematureVentricularBeatsInsideTheTWaveWindow() {
        var tp = 0, fp = 0, fn = 0
        for i in 0..<6 {
            var rng = Xoshiro256(seed: 21, stream: i)
            let recording = VitalSignsGenerator.record(
                durationSeconds: 30,
                configuration: .init(
                    rhythm: .ventricularEctopy, heartRateBeatsPerMinute: 95, ectopicProbability: 0.3,
                    noise: .init(baselineWanderMillivolts: 0.1, muscleNoiseMillivolts: 0.01),
                    includesAuxiliaryChannels: false),
                using: &rng)
            let peaks = RPeakDetector(sampleRateHertz: 250).detect(recording.ecg)
            let reference = recording.beats.map { Int(($0.time * 250).rounded()) }.filter { $0 < recording.ecg.count }
            let m = RPeakDetector.match(detected: peaks, reference: reference, toleranceSamples: 12)
            tp += m.truePositives
            fp += m.falsePositives
            fn += m.falseNegatives
        }
        let f1 = Double(2 * tp) / Double(2 * tp + fp + fn)
        #expect(f1 >= 0.98, "F1 \(f1) (tp \(tp), fp \(fp), fn \(fn))")
    }

    @Test func matchCountsOneToOne() {
        let m = RPeakDetector.match(detected: [10, 12, 100], reference: [11, 200], toleranceSamples: 5)
        #expect(m.truePositives == 1 && m.falsePositives == 2 && m.falseNegatives == 1)
    }
}
