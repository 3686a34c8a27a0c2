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

    @Test func matchCountsOneToOne() {
        let m = RPeakDetector.match(detected: [10, 12, 100], reference: [11, 200], toleranceSamples: 5)
        #expect(m.truePositives == 1 && m.falsePositives == 2 && m.falseNegatives == 1)
    }
}
