import Channels
import Foundation
import HealthData
import KnowledgeBase
import Testing
import TensorCore

@testable import VitalSignsCodec

/// The repository root, from this file's path.
private let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The shipped `vitals-waveform.semkb`: its recorded acceptance figures and a sample file sent through it.
@Suite struct ShippedWaveformKnowledgeBaseTests {
    static let path = repositoryRoot + "/KnowledgeBases/vitals-waveform.semkb"

    @Test func recordsItsBudgetAndTargets() throws {
        let kb = try KnowledgeBase(contentsOfFile: Self.path)
        let metrics = kb.manifest.metrics
        // 1/8 complex channel use per ECG sample at 250 Hz.
        #expect(try #require(metrics["channel_uses_per_sample"]) <= 0.125)
        // Measured at build time on 100 held-out synthetic recordings of 20 s.
        #expect(try #require(metrics["awgn_20db_mean_prd_percent"]) <= 10)
        #expect(try #require(metrics["awgn_10db_r_peak_f1"]) >= 0.98)
        #expect(try #require(metrics["awgn_20db_r_peak_f1"]) >= 0.98)
    }

    /// A 360 Hz recording with a time column (atrial fibrillation) loaded as users load theirs,
    /// resampled to 250 Hz and sent over AWGN at 20 dB.
    @Test func reconstructsASampleRecordingAt20dB() throws {
        let codec = try WaveformCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: Self.path))
        let loaded = try ECGCSV.load(
            contentsOfFile: repositoryRoot + "/Samples/vitals/atrial_fibrillation_360hz_time.csv", sampleRateHertz: nil)
        #expect(abs(loaded.recording.sampleRateHertz - 360) < 0.5)  // from the rounded time stamps
        let ecg = ECGPreprocessing.toInternalRate(loaded.recording.ecg, from: loaded.recording.sampleRateHertz)
        var rng = Xoshiro256(seed: 0)
        let decoded = codec.transmit(ecg, over: AWGN(snrDecibels: 20), using: &rng)
        #expect(decoded.count == ecg.count)
        let prd = WaveformCodec.prd(original: ecg, reconstruction: decoded)
        // 7.85 % with the shipped KB (fingerprint 9cb6905a…); the target at 20 dB is 10 %.
        #expect(prd <= 10)
    }
}
