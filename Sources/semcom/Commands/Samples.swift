import ArgumentParser
import Foundation
import HealthData
import TensorCore

extension SemCom {
    /// `semcom samples`: generate sample data files.
    struct Samples: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate sample data files.", subcommands: [Generate.self])
    }
}

extension SemCom.Samples {
    /// `semcom samples generate <kind>`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate synthetic sample data.", subcommands: [ECG.self])
    }
}

extension CardiacRhythm: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument.replacingOccurrences(of: "-", with: "_")) }
}

extension VitalSignsSamples.NoisePreset: ExpressibleByArgument {}

extension SemCom.Samples.Generate {
    /// `semcom samples generate ecg`: a synthetic single-lead ECG CSV with its ground truth.
    struct ECG: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ecg",
            abstract: "Write a synthetic single-lead ECG (CSV, mV) and its ground truth (JSON).",
            discussion: """
                The CSV format is the one `ECGCSV` loads (one value per line, or time,value with --with-time). \
                Example: semcom samples generate ecg --rhythm atrial_fibrillation --duration 30 \
                --sample-rate 250 --noise mild --seed 3 --out af.csv --truth af.truth.json
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Rhythm: \(CardiacRhythm.allCases.map(\.name).joined(separator: ", ")).")
        var rhythm: CardiacRhythm = .normalSinus

        @Option(help: "Duration (s).")
        var duration: Double = 30

        @Option(help: "Sample rate (Hz), 50…2000.")
        var sampleRate: Double = 250

        @Option(help: "Mean heart rate (bpm); default: drawn from the rhythm's range.")
        var heartRate: Double?

        @Option(help: "Artefacts: \(VitalSignsSamples.NoisePreset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var noise: VitalSignsSamples.NoisePreset = .mild

        @Option(help: "Powerline frequency (Hz): 50 or 60.")
        var powerline: Double = 50

        @Flag(help: "Write a time column (time_s,ecg_mv).")
        var withTime = false

        @Flag(help: "Write PPG, respiration and SpO2 columns too.")
        var allChannels = false

        @Option(help: "The CSV to write.")
        var out: String

        @Option(help: "The ground-truth JSON to write (beats, rhythm, per-window labels).")
        var truth: String?

        func validate() throws {
            guard duration > 0 && duration <= 86_400 else { throw ValidationError("--duration must be in (0, 86400] s, got \(duration)") }
            guard sampleRate >= 50 && sampleRate <= 2000 else {
                throw ValidationError("--sample-rate must be in 50…2000 Hz, got \(sampleRate)")
            }
            if let heartRate, !(heartRate >= 20 && heartRate <= 250) {
                throw ValidationError("--heart-rate must be in 20…250 bpm, got \(heartRate)")
            }
            guard powerline == 50 || powerline == 60 else { throw ValidationError("--powerline must be 50 or 60, got \(powerline)") }
        }

        func run() throws {
            global.apply()
            var rng = Xoshiro256(seed: global.seed)
            let sample = VitalSignsSamples.generateECG(
                rhythm: rhythm, durationSeconds: duration, sampleRateHertz: sampleRate, heartRateBeatsPerMinute: heartRate,
                noise: noise, powerlineHertz: powerline, includesTime: withTime, allChannels: allChannels,
                seed: global.seed, using: &rng)
            try Data(sample.csv.utf8).write(to: URL(fileURLWithPath: out))
            if let truth { try Data(sample.truthJSON.utf8).write(to: URL(fileURLWithPath: truth)) }
            let rate = sample.recording.meanHeartRate.map { String(format: "%.1f bpm", $0) } ?? "n/a"
            print("wrote \(out): \(sample.recording.ecg.count) samples, \(rhythm.name), \(sample.recording.beats.count) beats, mean \(rate)")
        }
    }
}
