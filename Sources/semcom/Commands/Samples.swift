import ArgumentParser
import Foundation
import HealthData
import TensorCore

extension SemCom {
    /// `semcom samples`: sample data files.
    struct Samples: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate sample data files (synthetic, seeded).", subcommands: [Generate.self])
    }
}

extension CardiacRhythm: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument.replacingOccurrences(of: "-", with: "_")) }
}

extension VitalSignsSamples.NoisePreset: ExpressibleByArgument {}

extension SemCom.Samples {
    /// `semcom samples generate --kind pose|ecg`: writes generated recordings.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write generated sample recordings.",
            discussion: """
                --kind pose writes one JSONL file per subject and activity into the --out directory \
                (pose-s<subject>-<activity>.jsonl: one frame per line, 17 joints [x, y, z] in metres or null, \
                30 fps, with the ground truth on every line). The shipped Samples/pose files: semcom samples \
                generate --kind pose --subjects 1 --seconds 3 --seed 0 --out Samples/pose
                --kind ecg writes a synthetic single-lead ECG to the --out CSV (mV; the format `ECGCSV` loads: \
                one value per line, or time,value with --with-time) and its ground truth to --truth (JSON). \
                Example: semcom samples generate --kind ecg --rhythm atrial_fibrillation --duration 30 \
                --sample-rate 250 --noise mild --seed 3 --out af.csv --truth af.truth.json
                """)

        enum Kind: String, ExpressibleByArgument, CaseIterable { case pose, ecg }

        @OptionGroup var global: GlobalOptions

        @Option(help: "What to generate: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: Kind

        @Option(help: "pose: the output directory (created if missing); ecg: the CSV file to write.")
        var out: String

        @Option(name: [.customLong("seconds"), .customLong("duration")], help: "Seconds per recording (default: 3 pose, 30 ecg).")
        var seconds: Double?

        @Option(help: "pose: subjects, each with its own random body (default 1).")
        var subjects: Int?

        @Option(help: "ecg: rhythm, one of \(CardiacRhythm.allCases.map(\.name).joined(separator: ", ")) (default normal_sinus).")
        var rhythm: CardiacRhythm?

        @Option(help: "ecg: sample rate (Hz), 50…2000 (default 250).")
        var sampleRate: Double?

        @Option(help: "ecg: mean heart rate (bpm); default: drawn from the rhythm's range.")
        var heartRate: Double?

        @Option(help: "ecg: artefacts, one of \(VitalSignsSamples.NoisePreset.allCases.map(\.rawValue).joined(separator: ", ")) (default mild).")
        var noise: VitalSignsSamples.NoisePreset?

        @Option(help: "ecg: powerline frequency (Hz), 50 or 60 (default 50).")
        var powerline: Double?

        @Flag(help: "ecg: write a time column (time_s,ecg_mv).")
        var withTime = false

        @Flag(help: "ecg: write PPG, respiration and SpO2 columns too.")
        var allChannels = false

        @Option(help: "ecg: the ground-truth JSON to write (beats, rhythm, per-window labels).")
        var truth: String?

        func validate() throws {
            switch kind {
            case .pose:
                let ecgOnly = rhythm != nil || sampleRate != nil || heartRate != nil || noise != nil || powerline != nil
                guard !ecgOnly && !withTime && !allChannels && truth == nil else {
                    throw ValidationError(
                        "--rhythm, --sample-rate, --heart-rate, --noise, --powerline, --with-time, --all-channels and --truth are ecg options")
                }
                if let subjects, !(1...1000).contains(subjects) { throw ValidationError("--subjects must be in 1…1000, got \(subjects)") }
                if let seconds, !(seconds >= 1 && seconds <= 3600) {
                    throw ValidationError("--seconds must be in 1…3600, got \(seconds)")
                }
            case .ecg:
                guard subjects == nil else { throw ValidationError("--subjects is a pose option") }
                if let seconds, !(seconds > 0 && seconds <= 86_400) {
                    throw ValidationError("--duration must be in (0, 86400] s, got \(seconds)")
                }
                if let sampleRate, !(sampleRate >= 50 && sampleRate <= 2000) {
                    throw ValidationError("--sample-rate must be in 50…2000 Hz, got \(sampleRate)")
                }
                if let heartRate, !(heartRate >= 20 && heartRate <= 250) {
                    throw ValidationError("--heart-rate must be in 20…250 bpm, got \(heartRate)")
                }
                if let powerline, powerline != 50 && powerline != 60 {
                    throw ValidationError("--powerline must be 50 or 60, got \(powerline)")
                }
            }
        }

        func run() throws {
            global.apply()
            var rng = Xoshiro256(seed: global.seed)
            switch kind {
            case .pose:
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                let paths = try PoseGenerator.writeSamples(
                    toDirectory: out, subjects: subjects ?? 1, durationSeconds: seconds ?? 3, using: &rng)
                for path in paths { print(path) }
            case .ecg:
                let rhythm = self.rhythm ?? .normalSinus
                let sample = VitalSignsSamples.generateECG(
                    rhythm: rhythm, durationSeconds: seconds ?? 30, sampleRateHertz: sampleRate ?? 250,
                    heartRateBeatsPerMinute: heartRate, noise: noise ?? .mild, powerlineHertz: powerline ?? 50,
                    includesTime: withTime, allChannels: allChannels, seed: global.seed, using: &rng)
                try Data(sample.csv.utf8).write(to: URL(fileURLWithPath: out))
                if let truth { try Data(sample.truthJSON.utf8).write(to: URL(fileURLWithPath: truth)) }
                let rate = sample.recording.meanHeartRate.map { String(format: "%.1f bpm", $0) } ?? "n/a"
                print("wrote \(out): \(sample.recording.ecg.count) samples, \(rhythm.name), \(sample.recording.beats.count) beats, mean \(rate)")
            }
        }
    }
}
