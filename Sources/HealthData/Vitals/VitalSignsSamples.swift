import Foundation
import TensorCore

/// Sample files of synthetic vital signs: what `semcom samples generate --kind ecg` writes.
public enum VitalSignsSamples {
    /// Named artefact presets for sample files.
    public enum NoisePreset: String, Sendable, CaseIterable {
        /// No artefacts.
        case none
        /// Mild: wander 0.1 mV, EMG 0.01 mV, powerline 0.01 mV.
        case mild
        /// An ambulatory monitor: wander 0.25 mV, EMG 0.03 mV, powerline 0.03 mV, electrode motion
        /// 0.3 mV at 0.05 events/s.
        case ambulatory
        /// A random mix per recording (``ECGNoiseLevels/random(severity:using:)``).
        case random

        /// The levels of the preset (`random` draws from `rng`).
        public func levels<G: RandomNumberGenerator>(powerlineHertz: Double, using rng: inout G) -> ECGNoiseLevels {
            switch self {
            case .none: .none
            case .mild:
                ECGNoiseLevels(
                    baselineWanderMillivolts: 0.1, muscleNoiseMillivolts: 0.01, powerlineMillivolts: 0.01,
                    powerlineFrequencyHertz: powerlineHertz)
            case .ambulatory:
                ECGNoiseLevels(
                    baselineWanderMillivolts: 0.25, muscleNoiseMillivolts: 0.03, powerlineMillivolts: 0.03,
                    powerlineFrequencyHertz: powerlineHertz, electrodeMotionMillivolts: 0.3,
                    electrodeMotionRatePerSecond: 0.05)
            case .random: .random(using: &rng)
            }
        }
    }

    /// A generated sample: the CSV text and its ground truth as JSON.
    public struct GeneratedSample: Sendable {
        /// The recording.
        public var recording: VitalSignsRecording
        /// CSV: `ecg_mv` or `time_s,ecg_mv` (``ECGCSV``), or with all channels
        /// `time_s,ecg_mv,ppg_au,respiration_au,spo2_percent`.
        public var csv: String
        /// Ground truth: rhythm, rate, mean heart rate, beats (`time_s`, `type`), per-10-s-window labels.
        public var truthJSON: String
    }

    /// Generates one sample recording.
    /// - Parameters:
    ///   - rhythm: the rhythm.
    ///   - durationSeconds: the length (s, > 0).
    ///   - sampleRateHertz: the output rate (50…2000 Hz).
    ///   - heartRateBeatsPerMinute: the mean rate, or `nil` for one drawn from the rhythm's range.
    ///   - noise: the artefact preset.
    ///   - powerlineHertz: 50 or 60.
    ///   - includesTime: write a time column.
    ///   - allChannels: write PPG, respiration and SpO2 too (implies a time column).
    ///   - rng: the generator.
    public static func generateECG<G: RandomNumberGenerator>(
        rhythm: CardiacRhythm, durationSeconds: Double, sampleRateHertz: Double = 250,
        heartRateBeatsPerMinute: Double? = nil, noise: NoisePreset = .mild, powerlineHertz: Double = 50,
        includesTime: Bool = false, allChannels: Bool = false, seed: UInt64, using rng: inout G
    ) -> GeneratedSample {
        let levels = noise.levels(powerlineHertz: powerlineHertz, using: &rng)
        let configuration = VitalSignsSynthesisConfiguration(
            rhythm: rhythm, heartRateBeatsPerMinute: heartRateBeatsPerMinute, sampleRateHertz: sampleRateHertz,
            noise: levels, includesAuxiliaryChannels: allChannels)
        let recording = VitalSignsGenerator.record(
            durationSeconds: durationSeconds, configuration: configuration, using: &rng)
        let comments = [
            "SemCom synthetic single-lead ECG (McSharry et al. 2003 dynamical model), mV",
            "rhythm \(rhythm.name), \(sampleRateHertz) Hz, \(durationSeconds) s, noise \(noise.rawValue), seed \(seed)",
        ]
        let csv: String
        if allChannels {
            var text = comments.map { "# \($0)\n" }.joined() + "time_s,ecg_mv,ppg_au,respiration_au,spo2_percent\n"
            for i in recording.ecg.indices {
                text += String(
                    format: "%.6f,%.5f,%.5f,%.5f,%.3f\n", Double(i) / sampleRateHertz, Double(recording.ecg[i]),
                    Double(recording.ppg[i]), Double(recording.respiration[i]), Double(recording.spo2[i]))
            }
            csv = text
        } else {
            csv = ECGCSV.text(
                ecg: recording.ecg, sampleRateHertz: sampleRateHertz, includesTime: includesTime, comments: comments)
        }
        return GeneratedSample(recording: recording, csv: csv, truthJSON: truthJSON(recording, seed: seed))
    }

    private static func truthJSON(_ recording: VitalSignsRecording, seed: UInt64) -> String {
        var windows: [[String: Any]] = []
        var start = 0.0
        while start + 10 <= recording.durationSeconds + 1e-9 {
            var row: [String: Any] = ["start_s": start, "end_s": start + 10]
            row["rhythm"] = recording.rhythmLabel(windowStart: start, windowEnd: start + 10)?.name ?? NSNull()
            row["heart_rate_bpm"] = recording.heartRate(windowStart: start, windowEnd: start + 10) ?? NSNull()
            windows.append(row)
            start += 10
        }
        let object: [String: Any] = [
            "rhythm": recording.rhythm?.name ?? NSNull(),
            "sample_rate_hz": recording.sampleRateHertz,
            "duration_s": recording.durationSeconds,
            "seed": seed,
            "mean_heart_rate_bpm": recording.meanHeartRate ?? NSNull(),
            "beats": recording.beats.map {
                ["time_s": ($0.time * 1e4).rounded() / 1e4, "type": $0.type == .normal ? "N" : "V"] as [String: Any]
            },
            "windows_10s": windows,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
