import Foundation
import Testing
import TensorCore

@testable import HealthData

@Suite struct VitalSignsGeneratorTests {
    @Test func sameSeedSameStreamAndChunkingDoesNotMatter() {
        let configuration = VitalSignsSynthesisConfiguration(rhythm: .atrialFibrillation, noise: .init(muscleNoiseMillivolts: 0.02))
        var a = Xoshiro256(seed: 5)
        var b = Xoshiro256(seed: 5)
        let whole = VitalSignsGenerator.record(durationSeconds: 6, configuration: configuration, using: &a)
        var generator = VitalSignsGenerator(configuration: configuration, using: &b)
        let chunks = generator.next(sampleCount: 700).ecg + generator.next(sampleCount: 800).ecg
        #expect(whole.ecg.count == 1500)
        #expect(whole.ppg.count == 1500 && whole.respiration.count == 1500 && whole.spo2.count == 1500)
        #expect(chunks == whole.ecg)
        #expect(whole.ecg.allSatisfy { $0.isFinite })
    }

    @Test(arguments: [125.0, 250, 360, 1000])
    func anySampleRateGivesTheRequestedLengthAndRPeaksAtTheBeats(rate: Double) {
        var rng = Xoshiro256(seed: 2)
        var subject = VitalSignsSubject()
        subject.rAmplitudeMillivolts = 1.5
        let recording = VitalSignsGenerator.record(
            durationSeconds: 8, configuration: .init(rhythm: .normalSinus, heartRateBeatsPerMinute: 72, sampleRateHertz: rate, subject: subject),
            using: &rng)
        #expect(recording.ecg.count == Int(8 * rate))
        #expect(recording.beats.count >= 8 && recording.beats.count <= 11)
        // Each normal beat's R peak is the largest value within ±60 ms of its ground-truth time.
        let reach = Int(0.06 * rate)
        for beat in recording.beats {
            let i = Int((beat.time * rate).rounded())
            guard i - reach >= 0, i + reach < recording.ecg.count else { continue }
            let segment = recording.ecg[(i - reach)...(i + reach)]
            let peak = segment.indices.max { segment[$0] < segment[$1] } ?? i
            #expect(Swift.abs(peak - i) <= Int(0.012 * rate) + 1, "beat at \(beat.time) s: peak at \(peak), expected \(i)")
        }
    }

    @Test func ventricularEctopyHasPrematureBeatsWithCompensatoryPauses() {
        var rng = Xoshiro256(seed: 9)
        let recording = VitalSignsGenerator.record(
            durationSeconds: 60,
            configuration: .init(rhythm: .ventricularEctopy, heartRateBeatsPerMinute: 70, heartRateVariability: 0.01, ectopicProbability: 0.25),
            using: &rng)
        let beats = recording.beats
        let pvcs = beats.indices.filter { beats[$0].type == .prematureVentricular && $0 >= 1 && $0 + 1 < beats.count }
        #expect(pvcs.count >= 3)
        let rr = 60.0 / 70
        for i in pvcs {
            let before = beats[i].time - beats[i - 1].time
            let after = beats[i + 1].time - beats[i].time
            #expect(before < 0.8 * rr)
            #expect(Swift.abs(before + after - 2 * rr) < 0.15 * rr)
        }
        #expect(recording.rhythmLabel(windowStart: 0, windowEnd: 60) == .ventricularEctopy)
    }

    @Test func atrialFibrillationIsIrregularAndSinusIsNot() {
        func rrCV(_ rhythm: CardiacRhythm) -> Double {
            var rng = Xoshiro256(seed: 4)
            let beats = VitalSignsGenerator.record(
                durationSeconds: 60, configuration: .init(rhythm: rhythm, heartRateBeatsPerMinute: 80), using: &rng
            ).beats
            let rr = zip(beats.dropFirst(), beats).map { $0.time - $1.time }
            let mean = rr.reduce(0, +) / Double(rr.count)
            return (rr.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rr.count)).squareRoot() / mean
        }
        #expect(rrCV(.atrialFibrillation) > 0.1)
        #expect(rrCV(.normalSinus) < 0.08)
    }

    @Test func windowLabelsFollowTheRateThresholds() {
        let fast = (0..<12).map { Beat(time: Double($0) * 0.5, type: .normal) }  // 120 bpm
        let slow = (0..<6).map { Beat(time: Double($0) * 1.2, type: .normal) }  // 50 bpm
        #expect(CardiacRhythm.label(beats: fast, windowStart: 0, windowEnd: 10, atrialFibrillation: false) == .sinusTachycardia)
        #expect(CardiacRhythm.label(beats: slow, windowStart: 0, windowEnd: 10, atrialFibrillation: false) == .sinusBradycardia)
        #expect(CardiacRhythm.label(beats: fast, windowStart: 0, windowEnd: 10, atrialFibrillation: true) == .atrialFibrillation)
        var mixed = slow
        mixed[2].type = .prematureVentricular
        #expect(CardiacRhythm.label(beats: mixed, windowStart: 0, windowEnd: 10, atrialFibrillation: false) == .ventricularEctopy)
    }

    @Test func resamplerKeepsConstantsAndSinesAndStreamsLikeOneShot() {
        let constant = [Float](repeating: 0.7, count: 1000)
        let out = StreamingResampler.resample(constant, from: 360, to: 250)
        #expect(out.count == 695)
        #expect(out.allSatisfy { Swift.abs($0 - 0.7) < 1e-3 })
        let sine = (0..<2000).map { (n: Int) -> Float in Float(Foundation.sin(2 * Double.pi * 5 * Double(n) / 500)) }
        let down = StreamingResampler.resample(sine, from: 500, to: 250)
        for (n, v) in down.enumerated() where n > 50 && n < down.count - 50 {
            #expect(Swift.abs(v - Float(Foundation.sin(2 * Double.pi * 5 * Double(n) / 250))) < 0.01)
        }
        var streaming = StreamingResampler(inputRateHertz: 500, outputRateHertz: 250)
        var pieces: [Float] = []
        for start in stride(from: 0, to: 2000, by: 333) { pieces += streaming.process(sine[start..<min(2000, start + 333)]) }
        pieces += streaming.finish()
        #expect(pieces == down)
    }
}
