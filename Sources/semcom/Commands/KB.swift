import ArgumentParser
import Foundation
import ClinicalTextCodec
import HealthData
import KnowledgeBase
import MultimodalCodec
import PoseCodec
import TabularCodec
import VitalSignsCodec

extension SemCom {
    /// `semcom kb`: build, inspect and verify knowledge bases (`.semkb`).
    struct KB: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kb",
            abstract: "Build, inspect and verify knowledge bases (.semkb).",
            subcommands: [Build.self, Inspect.self, Verify.self])
    }
}

extension SemCom.KB {
    /// `semcom kb build`: trains a codec and writes its knowledge base.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a semantic codec on a data set and write its knowledge base.",
            discussion: """
                The shipped BCWD knowledge base is rebuilt by: semcom kb build --modality tabular \
                --data Samples/bcwd/breast-cancer-wisconsin.data --schema Samples/bcwd/bcwd.schema.json \
                --seed 0 --out KnowledgeBases/bcwd-tabular.semkb
                The shipped pose knowledge base (generated data, no --data) is rebuilt by: semcom kb build \
                --modality pose --seed 0 --out KnowledgeBases/pose-activity.semkb
                The shipped clinical-triage knowledge base is rebuilt by: semcom kb build --modality text \
                --data Samples/notes/clinical-notes.jsonl --seed 0 --channel-uses 16 --epochs 120 --rate-heads 8,12 \
                --validation-fraction 0.1 --out KnowledgeBases/clinical-triage.semkb (the codec trained without semantic noise: \
                --epochs 60 --training-noise none --out KnowledgeBases/clinical-triage-clean.semkb).
                The vital-sign knowledge bases (trained on synthetic ECG, no --data) are rebuilt by: \
                semcom kb build --modality vitals-rhythm --seed 0 --out KnowledgeBases/vitals-rhythm.semkb and \
                semcom kb build --modality vitals-waveform --seed 0 --threads 1 --encoder-hidden 768 --decoder-hidden 2048 \
                --hop 128 --epochs 150 --out KnowledgeBases/vitals-waveform.semkb
                The multi-modal knowledge base (BCWD records + generated cytology reports, no --data) is rebuilt \
                by: semcom kb build --modality multimodal --seed 0 --out KnowledgeBases/bcwd-multimodal.semkb
                """)

        enum Modality: String, ExpressibleByArgument, CaseIterable {
            case tabular, pose, text, multimodal
            case vitalsRhythm = "vitals-rhythm"
            case vitalsWaveform = "vitals-waveform"
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The modality of the data: \(Modality.allCases.map(\.rawValue).joined(separator: ", ")).")
        var modality: Modality

        @Option(help: "The data file (tabular: CSV described by --schema; text: JSONL notes; pose, vitals: none, generated).")
        var data: String?

        @Option(help: "The table schema (JSON; tabular only).")
        var schema: String?

        @Option(help: "Where to write the knowledge base (.semkb).")
        var out: String

        @Option(help: "Complex channel uses per record (default: 4 tabular, 8 pose, 8 text, 4 multimodal) or per window (16 vitals-rhythm, 32 vitals-waveform).")
        var channelUses: Int?

        @Option(
            help: ArgumentHelp(
                "Training epochs (default: \(TabularCodecConfiguration.default.epochs) tabular, "
                    + "\(PoseCodecConfiguration.default.epochs) pose, \(ClinicalTextCodecConfiguration.default.epochs) text, "
                    + "\(MultimodalCodecConfiguration.default.epochs) multimodal, "
                    + "\(RhythmCodecConfiguration.default.epochs) vitals-rhythm, "
                    + "\(WaveformCodecConfiguration.default.epochs) vitals-waveform)."))
        var epochs: Int?

        @Option(help: "Pose: generated subjects (default 160).")
        var subjects: Int?

        @Option(help: "Pose: clips per subject and activity (default 4).")
        var clipsPerActivity: Int?

        @Option(help: "Pose: the gradient-reversal weight λ of the height/wingspan adversary (default 0.5; 0 disables it).")
        var adversaryWeight: Float?

        @Option(help: "Vitals-waveform: hidden widths of the encoder MLP, comma-separated (default \(WaveformCodecConfiguration.default.encoderHiddenSizes.map(String.init).joined(separator: ",")); none: linear).")
        var encoderHidden: String?

        @Option(help: "Vitals-waveform: hidden widths of the decoder MLP, comma-separated (default \(WaveformCodecConfiguration.default.decoderHiddenSizes.map(String.init).joined(separator: ","))).")
        var decoderHidden: String?

        @Option(help: "Vitals-waveform: the training Es/N0 range in dB as low,high (default \(WaveformCodecConfiguration.default.trainingSNRDecibels.lowerBound),\(WaveformCodecConfiguration.default.trainingSNRDecibels.upperBound)).")
        var trainingSnrDb: String?

        @Option(help: "Vitals-waveform: synthetic training recordings of 20 s (default \(WaveformCodecConfiguration.default.trainingRecordings)).")
        var recordings: Int?

        @Option(help: "Vitals-waveform: hop in samples between training windows (default \(WaveformCodecConfiguration.default.trainingHop), at most the window length).")
        var hop: Int?

        @Option(help: "Vitals-waveform: samples per window at 250 Hz, a multiple of 8 in 16…4096 (default \(WaveformCodecConfiguration.default.windowLength)); without --channel-uses, a window gets length/8 channel uses (1/8 per sample).")
        var windowLength: Int?

        @Option(help: "Text: the noise-aware-training spec (name:rate,…), or none for a codec trained on clean notes.")
        var trainingNoise: String = ClinicalTextCodecConfiguration.defaultTrainingNoise

        @Option(help: "Text: extra rate heads, comma-separated k (e.g. 4,8); a rate-adaptive link picks one per SNR on the validation notes (needs --validation-fraction).")
        var rateHeads: String?

        @Option(help: "Text: the fraction of the training notes held out as the validation split that chooses the rate head (default 0).")
        var validationFraction: Double?

        /// `--rate-heads` as a list of k.
        func parsedRateHeads() throws -> [Int] {
            guard let rateHeads else { return [] }
            return try rateHeads.split(separator: ",", omittingEmptySubsequences: false).map {
                guard let k = Int($0.trimmingCharacters(in: .whitespaces)), (1...1024).contains(k) else {
                    throw ValidationError("--rate-heads: '\($0)' is not a channel-use count in 1…1024 (expected e.g. 4,8)")
                }
                return k
            }
        }

        func validate() throws {
            if let channelUses, !(1...1024).contains(channelUses) {
                throw ValidationError("--channel-uses must be in 1…1024, got \(channelUses)")
            }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
            if modality != .text, rateHeads != nil || validationFraction != nil {
                throw ValidationError("--rate-heads and --validation-fraction apply to --modality text only")
            }
            switch modality {
            case .text:
                guard data != nil else { throw ValidationError("--modality text needs --data (JSONL notes)") }
                guard schema == nil, subjects == nil, clipsPerActivity == nil, adversaryWeight == nil else {
                    throw ValidationError("--schema, --subjects, --clips-per-activity and --adversary-weight do not apply to text")
                }
                let heads = try parsedRateHeads()
                let mainK = channelUses ?? ClinicalTextCodecConfiguration.default.channelUsesPerSample
                guard Set(heads).count == heads.count, !heads.contains(mainK) else {
                    throw ValidationError("--rate-heads must be distinct and differ from the main k \(mainK), got \(heads)")
                }
                if let validationFraction, !(validationFraction >= 0 && validationFraction < 1) {
                    throw ValidationError("--validation-fraction must be in [0, 1), got \(validationFraction)")
                }
                if !heads.isEmpty && (validationFraction ?? 0) == 0 {
                    throw ValidationError("--rate-heads needs --validation-fraction > 0 (the rate is chosen on validation notes, never the test notes)")
                }
                if trainingNoise != "none" {
                    do {
                        _ = try ClinicalTextNoise(spec: trainingNoise, lexicon: .standard)
                    } catch {
                        throw ValidationError("--training-noise: \(error)")
                    }
                }
            case .tabular:
                guard data != nil, schema != nil else { throw ValidationError("--modality tabular needs --data and --schema") }
                guard subjects == nil, clipsPerActivity == nil, adversaryWeight == nil else {
                    throw ValidationError("--subjects, --clips-per-activity and --adversary-weight are pose options")
                }
            case .pose:
                guard data == nil, schema == nil else {
                    throw ValidationError("--modality pose trains on generated data; it takes no --data or --schema")
                }
                if let subjects, !(4...100_000).contains(subjects) { throw ValidationError("--subjects must be in 4…100000, got \(subjects)") }
                if let clipsPerActivity, !(1...1000).contains(clipsPerActivity) {
                    throw ValidationError("--clips-per-activity must be in 1…1000, got \(clipsPerActivity)")
                }
                if let adversaryWeight, !(adversaryWeight >= 0 && adversaryWeight <= 100) {
                    throw ValidationError("--adversary-weight must be in 0…100, got \(adversaryWeight)")
                }
            case .multimodal:
                guard data == nil, schema == nil, subjects == nil, clipsPerActivity == nil, adversaryWeight == nil else {
                    throw ValidationError(
                        "--modality multimodal trains on the embedded BCWD table with generated reports; it takes only --channel-uses and --epochs")
                }
            case .vitalsRhythm, .vitalsWaveform:
                if modality == .vitalsRhythm,
                    encoderHidden != nil || decoderHidden != nil || trainingSnrDb != nil || recordings != nil || hop != nil
                        || windowLength != nil
                {
                    throw ValidationError(
                        "--encoder-hidden, --decoder-hidden, --training-snr-db, --recordings, --hop and --window-length are vitals-waveform options")
                }
                _ = try waveformConfiguration()
                guard data == nil, schema == nil else {
                    throw ValidationError("--modality \(modality.rawValue) trains on synthetic ECG; it takes no --data or --schema")
                }
                guard subjects == nil, clipsPerActivity == nil, adversaryWeight == nil else {
                    throw ValidationError("--subjects, --clips-per-activity and --adversary-weight are pose options")
                }
            }
        }

        func run() throws {
            global.apply()
            if modality == .pose { return try runPose() }
            if modality == .text { return try buildText() }
            if modality == .multimodal { return try buildMultimodal() }
            if modality == .vitalsRhythm { return try buildRhythm() }
            if modality == .vitalsWaveform { return try buildWaveform() }
            guard let data, let schema else { throw ValidationError("--modality tabular needs --data and --schema") }
            let tableSchema = try TableSchema(contentsOfFile: schema)
            var configuration = TabularCodecConfiguration.default
            configuration.seed = global.seed
            configuration.channelUsesPerSample = channelUses ?? configuration.channelUsesPerSample
            configuration.epochs = epochs ?? configuration.epochs
            let (kb, report) = try TabularKnowledgeBase.build(
                dataPath: data, schema: tableSchema, configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.recordCount) records (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (channel, snr, evaluation) in report.evaluations {
                print("  \(channel) \(snr) dB: accuracy \(String(format: "%.3f", evaluation.accuracy))")
            }
        }

        private func runPose() throws {
            var configuration = PoseCodecConfiguration.default
            configuration.seed = global.seed
            configuration.channelUsesPerSample = channelUses ?? configuration.channelUsesPerSample
            configuration.epochs = epochs ?? configuration.epochs
            configuration.dataset.subjects = subjects ?? configuration.dataset.subjects
            configuration.dataset.clipsPerActivity = clipsPerActivity ?? configuration.dataset.clipsPerActivity
            configuration.adversaryWeight = adversaryWeight ?? configuration.adversaryWeight
            let (kb, report) = PoseKnowledgeBase.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.trainClips) train clips (\(report.trainSubjects) subjects) / \(report.testClips) test clips (\(report.testSubjects) other subjects)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (snr, e) in report.evaluations {
                print("  awgn \(snr) dB: accuracy \(String(format: "%.3f", e.accuracy)), fall recall \(e.fallRecall.map { String(format: "%.3f", $0) } ?? "-"), fall false alarms \(e.fallFalseAlarmRate.map { String(format: "%.3f", $0) } ?? "-")")
            }
            for row in report.privacy {
                print("  privacy \(row.view) → \(row.target): attacker MAE \(String(format: "%.4f", row.result.meanAbsoluteError)) m, mean predictor \(String(format: "%.4f", row.result.meanPredictorError)) m, ratio \(String(format: "%.3f", row.result.ratio))")
            }
        }

        /// `--modality vitals-rhythm`: the rhythm/heart-rate codec trained on synthetic ECG.
        private func buildRhythm() throws {
            var configuration = RhythmCodecConfiguration.default
            configuration.seed = global.seed
            if let channelUses { configuration.channelUsesPerWindow = channelUses }
            if let epochs { configuration.epochs = epochs }
            let (kb, report) = RhythmCodec.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.trainCount) training / \(report.testCount) test windows of 10 s")
            print("fingerprint \(kb.fingerprint.hexString)")
            for (snr, e) in report.evaluations {
                print("  awgn \(snr) dB: accuracy \(String(format: "%.3f", e.accuracy)), HR MAE \(String(format: "%.2f", e.heartRateMAE)) bpm")
            }
        }

        /// The waveform build's configuration from the options (defaults where absent).
        private func waveformConfiguration() throws -> WaveformCodecConfiguration {
            func widths(_ text: String, _ option: String) throws -> [Int] {
                if text == "none" { return [] }
                let parts = text.split(separator: ",", omittingEmptySubsequences: false)
                let sizes = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !sizes.isEmpty, sizes.count == parts.count, sizes.allSatisfy({ (1...8192).contains($0) }) else {
                    throw ValidationError("--\(option) must be comma-separated widths in 1…8192 (or none), got '\(text)'")
                }
                return sizes
            }
            var configuration = WaveformCodecConfiguration.default
            configuration.seed = global.seed
            if let windowLength {
                guard (16...4096).contains(windowLength), windowLength % 8 == 0 else {
                    throw ValidationError("--window-length must be a multiple of 8 in 16…4096, got \(windowLength)")
                }
                configuration.windowLength = windowLength
                configuration.channelUsesPerWindow = windowLength / 8
                configuration.trainingHop = Swift.min(configuration.trainingHop, windowLength)
            }
            if let channelUses { configuration.channelUsesPerWindow = channelUses }
            if let epochs { configuration.epochs = epochs }
            if let encoderHidden { configuration.encoderHiddenSizes = try widths(encoderHidden, "encoder-hidden") }
            if let decoderHidden { configuration.decoderHiddenSizes = try widths(decoderHidden, "decoder-hidden") }
            if let trainingSnrDb {
                let bounds = trainingSnrDb.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low.isFinite, high.isFinite, low <= high,
                    low >= -30, high <= 60
                else {
                    throw ValidationError("--training-snr-db must be low,high in dB with −30 ≤ low ≤ high ≤ 60, got '\(trainingSnrDb)'")
                }
                configuration.trainingSNRDecibels = low...high
            }
            if let recordings {
                guard (1...100_000).contains(recordings) else {
                    throw ValidationError("--recordings must be in 1…100000, got \(recordings)")
                }
                configuration.trainingRecordings = recordings
            }
            if let hop {
                guard (1...configuration.windowLength).contains(hop) else {
                    throw ValidationError("--hop must be in 1…\(configuration.windowLength), got \(hop)")
                }
                configuration.trainingHop = hop
            }
            return configuration
        }

        /// `--modality vitals-waveform`: the ECG waveform codec trained on synthetic ECG.
        private func buildWaveform() throws {
            let configuration = try waveformConfiguration()
            let (kb, report) = WaveformCodec.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.trainCount) training windows, \(report.testRecordings) test recordings of 20 s")
            print("fingerprint \(kb.fingerprint.hexString)")
            for (snr, e) in report.evaluations {
                print("  awgn \(snr) dB: PRD mean \(String(format: "%.2f", e.meanPRD)) %, median \(String(format: "%.2f", e.medianPRD)) %, R-peak F1 \(String(format: "%.4f", e.peakF1))")
            }
        }

        /// `--modality multimodal`: the fused table + note codec on BCWD records with generated reports.
        private func buildMultimodal() throws {
            var configuration = MultimodalCodecConfiguration.default
            configuration.seed = global.seed
            if let channelUses { configuration.channelUsesPerSample = channelUses }
            if let epochs { configuration.epochs = epochs }
            let (kb, report) = try MultimodalKnowledgeBase.build(configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.recordCount) records (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for e in report.evaluations {
                print("  awgn \(e.snrDecibels) dB, head \(e.head), \(e.condition): accuracy \(String(format: "%.3f", e.accuracy))")
            }
        }

        /// `--modality text`: a clinical-text knowledge base from JSONL notes.
        private func buildText() throws {
            var configuration = ClinicalTextCodecConfiguration.default
            configuration.seed = global.seed
            if let channelUses { configuration.channelUsesPerSample = channelUses }
            if let epochs { configuration.epochs = epochs }
            configuration.trainingNoise = trainingNoise == "none" ? nil : trainingNoise
            if configuration.trainingNoise == nil { configuration.name = "clinical-triage-clean" }
            configuration.rateHeadChannelUses = try parsedRateHeads()
            if let validationFraction { configuration.validationFraction = validationFraction }
            let (kb, report) = try ClinicalTextKnowledgeBase.build(
                dataPath: data!, configuration: configuration, progress: { global.progress($0) })
            try kb.write(to: out)
            if report.truncatedCount > 0 {
                FileHandle.standardError.write(
                    Data("warning: \(report.truncatedCount) notes longer than \(configuration.maximumBytes) bytes were truncated\n".utf8))
            }
            print("wrote \(out): \(report.noteCount) notes (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            for (channel, snr, noise, evaluation) in report.evaluations {
                print(
                    "  \(channel) \(snr) dB, noise \(noise): triage accuracy \(String(format: "%.3f", evaluation.triageAccuracy)), "
                        + "concept F1 \(String(format: "%.3f", evaluation.conceptF1))")
            }
        }
    }

    /// `semcom kb inspect`: prints a knowledge base's manifest and sections.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a knowledge base's identity, schema, provenance and metrics.")

        @Argument(help: "The .semkb file.")
        var path: String

        func run() throws {
            let kb = try KnowledgeBase(contentsOfFile: path)
            switch kb.manifest.modality {
            case .text: print(ClinicalTextKnowledgeBase.inspect(kb))
            case .multimodal: print(MultimodalKnowledgeBase.inspect(kb))
            case .vitals: print(TabularKnowledgeBase.inspect(kb) + "\n" + VitalsKnowledgeBase.codecSummary(kb))
            default: print(TabularKnowledgeBase.inspect(kb))
            }
        }
    }

    /// `semcom kb verify`: checks every byte of a knowledge base.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a knowledge base: checksums, compression, manifest, fingerprint and codec.",
            discussion: "Exits with a non-zero status and names the damaged section or offset when anything is wrong.")

        @Argument(help: "The .semkb file.")
        var path: String

        func run() throws {
            let modality = try? KnowledgeBase(contentsOfFile: path).manifest.modality
            switch modality {
            case .pose: print(try PoseKnowledgeBase.verify(contentsOfFile: path))
            case .text: print(try ClinicalTextKnowledgeBase.verify(contentsOfFile: path))
            case .multimodal: print(try MultimodalKnowledgeBase.verify(contentsOfFile: path))
            case .vitals: print(try VitalsKnowledgeBase.verify(contentsOfFile: path))
            default: print(try TabularKnowledgeBase.verify(contentsOfFile: path))
            }
        }
    }
}
