// The pose semantic link: activity and fall detection over channels, and the privacy of the symbols.

import Channels
import Foundation
import HealthData
import KnowledgeBase
import PoseCodec
import RawTransmission
import SemanticCodec
import TensorCore

/// One row of a pose evaluation (JSON and table; snake_case keys). Link rows have `scheme`
/// `semantic`, `eavesdropper-adaptive`, `raw` or `raw-ideal` with the channel fields; privacy rows have `scheme`
/// `privacy-attacker` with `view`, `target` and the errors.
public struct PoseEvaluationRow: Sendable, Hashable, Codable {
    /// `semantic`, `eavesdropper-adaptive` or `privacy-attacker`.
    public var scheme: String
    /// The channel spec (link rows).
    public var channel: String?
    /// Es/N0 per complex channel use, dB (link rows).
    public var snrDecibels: Double?
    /// The semantic-noise spec (link rows).
    public var noise: String?
    /// Complex channel uses per 1-s clip (link rows).
    public var channelUsesPerSample: Double?
    /// Activity accuracy (link rows).
    public var accuracy: Double?
    /// Mean per-activity recall (link rows).
    public var balancedAccuracy: Double?
    /// Fraction of fall clips detected (semantic rows with falls in the test set).
    public var fallRecall: Double?
    /// Fraction of non-fall clips flagged as falls (semantic rows).
    public var fallFalseAlarmRate: Double?
    /// Privacy rows: `symbols` or `raw-pose`.
    public var view: String?
    /// Privacy rows: `height` or `wingspan`.
    public var target: String?
    /// Privacy rows: the attacker's mean absolute error on the test subjects, metres.
    public var maeMeters: Double?
    /// Privacy rows: always predicting the training mean, metres.
    public var meanPredictorMAEMeters: Double?
    /// Privacy rows: `mae_m / mean_predictor_mae_m`.
    public var maeRatio: Double?
    /// Raw rows: the fraction of frames that failed (CRC) and fell back.
    public var decodeFailureRate: Double?
    /// Raw rows: the modulation of the best raw candidate.
    public var modulation: String?
    /// Raw rows: the channel code of the best raw candidate.
    public var code: String?
    /// Clips measured.
    public var samples: Int

    enum CodingKeys: String, CodingKey {
        case scheme, channel
        case snrDecibels = "snr_db"
        case noise
        case channelUsesPerSample = "channel_uses_per_sample"
        case accuracy
        case balancedAccuracy = "balanced_accuracy"
        case fallRecall = "fall_recall"
        case fallFalseAlarmRate = "fall_false_alarm_rate"
        case view, target
        case maeMeters = "mae_m"
        case meanPredictorMAEMeters = "mean_predictor_mae_m"
        case maeRatio = "mae_ratio"
        case decodeFailureRate = "decode_failure_rate"
        case modulation, code
        case samples
    }
}

/// The pose link of a knowledge base — what `semcom eval --kb <pose KB>` and the demo run.
///
/// - **Link**: the test clips (the KB's recorded test subjects, regenerated and checked against the
///   recorded data hash, or the labelled JSONL recordings given, cut into clips) are sent over
///   every channel × SNR × semantic-noise condition by the modality-independent ``LinkEvaluation``
///   (activity accuracy, and the adaptive eavesdropper who knows 5 % of the labels), and again for
///   the fall head (recall and false-alarm rate).
/// - **Privacy** (generated data only, which has the subjects' measurements): for each of height and
///   wingspan, a fresh ``PoseCodec/PoseAttributeAttacker`` is trained on the *training* subjects'
///   transmitted symbols and scored on the *test* subjects' symbols (a split by subject), against
///   always predicting the training mean; the same attacker on the raw pose (canonicalized, not
///   scale-normalized) is the reference.
public enum PoseLinkEvaluation {
    /// What the evaluation used.
    public struct Setup: Sendable {
        /// Where the test clips came from.
        public var data: String
        /// Test clips and training clips (the latter for the privacy attacker).
        public var testCount: Int, trainCount: Int
        /// `k`.
        public var channelUsesPerSample: Int
    }

    /// The result: link rows, privacy rows, and the activity ``EvaluationResult`` (for plots).
    public struct Result: Sendable {
        /// All rows, link rows first.
        public var rows: [PoseEvaluationRow]
        /// The activity link evaluation (for the report's plots).
        public var link: EvaluationResult
        /// With a raw comparison: per (channel, SNR), the raw channel uses per clip needed to reach
        /// the semantic accuracy on the raw subset of clips.
        public var comparisons: [EvaluationComparison] = []
        /// Clips of the raw comparison (0 without one).
        public var rawClips = 0
    }

    /// Runs the evaluation.
    /// - Parameters:
    ///   - knowledgeBase: a pose knowledge base.
    ///   - dataPaths: labelled JSONL recordings (files; every frame needs `activity`) to test on, or
    ///     empty for the KB's recorded test subjects.
    ///   - privacy: whether to run the privacy attacks (generated data only).
    ///   - attacker: the privacy attacker.
    ///   - rawClips: with a value, the raw comparison on that many test clips (stratified by
    ///     activity, see ``rawComparison(codec:clips:labels:count:configuration:using:progress:)``).
    ///   - configuration: channels, SNRs, passes, noise conditions.
    ///   - rng: the generator.
    ///   - progress: progress lines.
    /// - Throws: ``PoseCodec/PoseCodecError`` for an unusable KB or unlabelled data, `HealthDataError`
    ///   for unreadable JSONL.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase: KnowledgeBase, dataPaths: [String] = [], privacy: Bool = true,
        attacker: PoseAttributeAttacker = PoseAttributeAttacker(), rawClips: Int? = nil,
        configuration: EvaluationConfiguration, using rng: inout G, progress: (String) -> Void = { _ in }
    ) throws -> (result: Result, setup: Setup) {
        let codec = try PoseCodec(knowledgeBase: knowledgeBase)
        var test: [PoseRecording]
        var train: [PoseRecording] = []
        let source: String
        if dataPaths.isEmpty {
            progress("regenerating the knowledge base's data …")
            let data = try PoseKnowledgeBase.recordedData(of: knowledgeBase)
            test = data.test
            train = data.train
            source = "recorded test subjects of the knowledge base (regenerated, hash checked)"
        } else {
            test = []
            for path in dataPaths { test += try labelledClips(path, frames: codec.clipFrames) }
            source = dataPaths.joined(separator: ", ")
        }
        guard !test.isEmpty else {
            throw PoseCodecError(code: .unreadableData, message: "no test clips of \(codec.clipFrames) frames")
        }
        let inputs = try codec.inputs(for: test)
        let labels = test.map { $0.truth!.activity.rawValue }  // labelledClips and generated clips carry truth
        let falls = test.map { $0.truth!.fall }
        let link = try LinkEvaluation.run(
            pipeline: codec.activityPipeline, test: LabeledBatch(inputs: inputs, labels: labels), raw: nil,
            naiveEavesdropper: nil, configuration: configuration, using: &rng, progress: progress)
        var rows: [PoseEvaluationRow] = []
        let base = Xoshiro256(seed: rng.next())
        for row in link.rows {
            var out = PoseEvaluationRow(
                scheme: row.scheme.rawValue, channel: row.channel, snrDecibels: row.snrDecibels, noise: row.noise,
                channelUsesPerSample: row.channelUsesPerSample, accuracy: row.accuracy,
                balancedAccuracy: row.balancedAccuracy, samples: row.samples)
            if row.scheme == .semantic,
                let spec = configuration.channels.first(where: { $0.description == row.channel }),
                let condition = configuration.noiseConditions.first(where: { $0.name == row.noise })
            {
                var perturbed = codec
                perturbed.pipeline.perturbations += condition.perturbations
                var fallRNG = base.fork(stream: UInt64(rows.count))
                let evaluation = perturbed.evaluate(
                    inputs, activities: test.map { $0.truth!.activity }, falls: falls,
                    over: spec.channel(snrDecibels: row.snrDecibels), repeats: configuration.semanticPasses,
                    using: &fallRNG)
                out.fallRecall = evaluation.fallRecall
                out.fallFalseAlarmRate = evaluation.fallFalseAlarmRate
            }
            rows.append(out)
        }
        var comparisons: [EvaluationComparison] = []
        var rawCount = 0
        if let rawClips {
            let raw = try rawComparison(
                codec: codec, inputs: inputs, labels: labels, count: rawClips, configuration: configuration, using: &rng,
                progress: progress)
            rows += raw.rows
            comparisons = raw.comparisons
            rawCount = raw.clips
        }
        if privacy && !train.isEmpty {
            progress("privacy: training fresh attackers on the training subjects' symbols and raw pose …")
            var privacyRNG = Xoshiro256(seed: rng.next())
            for p in PoseKnowledgeBase.privacyRows(
                codec: codec, train: train, test: test, attacker: attacker, using: &privacyRNG)
            {
                rows.append(
                    PoseEvaluationRow(
                        scheme: "privacy-attacker", view: p.view, target: p.target,
                        maeMeters: p.result.meanAbsoluteError,
                        meanPredictorMAEMeters: p.result.meanPredictorError, maeRatio: p.result.ratio,
                        samples: p.result.testCount))
            }
        }
        return (
            Result(rows: rows, link: link, comparisons: comparisons, rawClips: rawCount),
            Setup(
                data: source, testCount: test.count, trainCount: train.count,
                channelUsesPerSample: codec.channelUsesPerSample)
        )
    }

    /// The raw-transmission baseline of the pose link, on `count` test clips (the first clips of
    /// each activity in turn, so every activity is represented): each clip's 30 × 17 × 3 joint
    /// coordinates (metres; an occluded coordinate holds its last visible value, or the next one at
    /// the start of a clip) are one `RawLink` frame — adaptive 8-bit quantization over the clip's
    /// range, zstd (level 19), CRC-32C, then every (modulation, code) of
    /// `DigitalScheme.standardCandidates` — and the received clip is classified by the same pose
    /// codec over a noiseless link (the best task model we have on raw pose); a failed frame
    /// predicts `standing` (counted in `decode_failure_rate`). The modality-independent
    /// ``LinkEvaluation`` measures the semantic link on the same clips (clean condition) and gives,
    /// per (channel, SNR), the cheapest raw candidate reaching the semantic accuracy within one
    /// binomial standard error, and the Shannon-ideal `raw-ideal` bound.
    /// - Returns: the `raw` and `raw-ideal` rows, the comparisons and the clip count.
    /// - Throws: `RawTransmissionError` if a clip cannot be source coded.
    public static func rawComparison<G: RandomNumberGenerator>(
        codec: PoseCodec, inputs: Tensor<Float>, labels: [Int], count: Int, configuration: EvaluationConfiguration,
        using rng: inout G, progress: (String) -> Void = { _ in }
    ) throws -> (rows: [PoseEvaluationRow], comparisons: [EvaluationComparison], clips: Int) {
        let width = inputs.shape[1]
        // Round-robin over the activities, in test order.
        var byClass: [[Int]] = Array(repeating: [], count: PoseActivity.allCases.count)
        for (i, label) in labels.enumerated() { byClass[label].append(i) }
        var chosen: [Int] = []
        var depth = 0
        while chosen.count < Swift.min(count, labels.count) {
            for list in byClass where depth < list.count && chosen.count < count { chosen.append(list[depth]) }
            depth += 1
        }
        chosen.sort()
        let rows = chosen.map { i in Array(inputs.scalars[(i * width)..<(i * width + width)]) }
        let records = rows.map { holdFilled($0, valuesPerFrame: PoseClipTensor.valuesPerFrame) }
        let pipeline = codec.activityPipeline
        let raw = RawBaseline(
            records: records,
            source: RawSourceCoding(quantization: .adaptive(bitsPerValue: 8), compression: .zstd(level: 19)),
            fallbackClass: PoseActivity.standing.rawValue,
            classify: { values in
                var unused = Xoshiro256(seed: 0)  // the plain codec has no perturbations to draw
                let x = Tensor(shape: [1, values.count], scalars: values.map(Float.init))
                return pipeline(x, over: IdentityChannel(), using: &unused).argmaxAlongLastAxis()[0]
            })
        var clean = configuration
        clean.noiseConditions = [.none]
        clean.adaptiveEavesdropper = nil
        clean.sealing = nil
        progress("raw comparison on \(chosen.count) clips …")
        let result = try LinkEvaluation.run(
            pipeline: pipeline, test: LabeledBatch(inputs: Tensor(shape: [chosen.count, width], scalars: rows.flatMap { $0 }),
                labels: chosen.map { labels[$0] }),
            raw: raw, naiveEavesdropper: nil, configuration: clean, using: &rng, progress: progress)
        let out = result.rows.filter { $0.scheme == .raw || $0.scheme == .rawIdeal }.map { row in
            PoseEvaluationRow(
                scheme: row.scheme.rawValue, channel: row.channel, snrDecibels: row.snrDecibels, noise: row.noise,
                channelUsesPerSample: row.channelUsesPerSample, accuracy: row.accuracy,
                balancedAccuracy: row.balancedAccuracy, decodeFailureRate: row.decodeFailureRate,
                modulation: row.modulation, code: row.code, samples: row.samples)
        }
        return (out, result.comparisons.filter { $0.scheme == .semantic }, chosen.count)
    }

    /// A clip row with every non-finite coordinate replaced by the same coordinate's last finite
    /// value (the next one before the first, 0 if it never is).
    static func holdFilled(_ row: [Float], valuesPerFrame: Int) -> [Double] {
        var out = row.map(Double.init)
        let frames = row.count / valuesPerFrame
        for v in 0..<valuesPerFrame {
            let column = (0..<frames).map { $0 * valuesPerFrame + v }
            guard let first = column.first(where: { out[$0].isFinite }) else {
                for k in column { out[k] = 0 }
                continue
            }
            var last = out[first]
            for k in column {
                if out[k].isFinite { last = out[k] } else { out[k] = last }
            }
        }
        return out
    }

    /// Cuts a labelled JSONL recording into non-overlapping clips of `frames` frames; each clip's
    /// activity is the most frequent frame label, and it is a fall if any frame is labelled `fall`.
    /// - Throws: `HealthDataError` for a bad file; ``PoseCodec/PoseCodecError`` `unreadableData` if
    ///   a clip has unlabelled frames.
    public static func labelledClips(_ path: String, frames: Int) throws -> [PoseRecording] {
        let report = try PoseJSONL.load(contentsOfFile: path, gapPolicy: .fillWithOccludedFrames)
        var clips: [PoseRecording] = []
        var start = 0
        while start + frames <= report.recording.frames.count {
            let labels = report.activities[start..<(start + frames)].compactMap { $0 }
            guard !labels.isEmpty else {
                throw PoseCodecError(
                    code: .unreadableData, message: "frames \(start)…\(start + frames - 1) have no 'activity' label",
                    file: path)
            }
            var counts = [Int](repeating: 0, count: PoseActivity.allCases.count)
            for label in labels { counts[label.rawValue] += 1 }
            let activity = PoseActivity(rawValue: counts.indices.max { counts[$0] < counts[$1] }!)!  // 8 counts
            clips.append(
                PoseRecording(
                    frameRate: report.recording.frameRate,
                    frames: Array(report.recording.frames[start..<(start + frames)]),
                    truth: PoseGroundTruth(
                        activity: activity, fall: labels.contains(.fall),
                        heightMeters: report.recording.truth?.heightMeters ?? .nan,
                        wingspanMeters: report.recording.truth?.wingspanMeters ?? .nan,
                        subject: report.recording.truth?.subject ?? 0)))
            start += frames
        }
        return clips
    }

    /// A plain-text table of the rows.
    public static func render(_ result: Result, setup: Setup) -> String {
        let widths = [12, 10, 6, 19, 8, 8, 11, 12]
        var lines = [
            "data: \(setup.data) — \(setup.testCount) test clips of 1 s; pose codec: \(setup.channelUsesPerSample) complex channel uses per clip",
            "",
            zip(
                ["scheme", "channel", "SNR dB", "noise", "accuracy", "balanced", "fall recall", "false alarms"], widths
            )
            .map { pad($0, $1) }.joined(separator: " "),
        ]
        func fixed(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "-" }
        for row in result.rows where row.scheme != "privacy-attacker" {
            lines.append(
                [
                    row.scheme == "eavesdropper-adaptive" ? "eve-adaptive" : row.scheme, row.channel ?? "-",
                    String(format: "%.1f", row.snrDecibels ?? .nan), row.noise ?? "-", fixed(row.accuracy),
                    fixed(row.balancedAccuracy), fixed(row.fallRecall), fixed(row.fallFalseAlarmRate),
                ].enumerated().map { pad($1, widths[$0]) }.joined(separator: " "))
        }
        if !result.comparisons.isEmpty {
            lines.append("")
            lines.append(
                "against raw (\(result.rawClips) clips, 8-bit joints + zstd + CRC + FEC; raw uses per clip to reach the semantic accuracy within one standard error)"
            )
            lines.append(
                ["channel", "SNR dB", "semantic acc", "semantic uses", "raw uses", "raw acc", "ratio"].map { pad($0, 14) }
                    .joined(separator: " "))
            for c in result.comparisons {
                lines.append(
                    [
                        c.channel, String(format: "%.1f", c.snrDecibels), fixed(c.semanticAccuracy),
                        String(format: "%.0f", c.semanticChannelUses),
                        c.rawChannelUses.map { String(format: "%.0f", $0) } ?? "unreached", fixed(c.rawAccuracy),
                        c.ratio.map { String(format: "%.0fx", $0) } ?? "-",
                    ].map { pad($0, 14) }.joined(separator: " "))
            }
        }
        let privacy = result.rows.filter { $0.scheme == "privacy-attacker" }
        if !privacy.isEmpty {
            lines.append("")
            lines.append(
                "privacy — fresh MLP attacker trained on \(setup.trainCount) clips of the training subjects, scored on the \(setup.testCount) clips of other (test) subjects"
            )
            lines.append(
                ["view", "target", "attacker MAE", "mean-pred MAE", "ratio"].map { pad($0, 14) }.joined(separator: " "))
            for row in privacy {
                lines.append(
                    [
                        row.view ?? "-", row.target ?? "-", fixed(row.maeMeters) + " m",
                        fixed(row.meanPredictorMAEMeters) + " m", fixed(row.maeRatio),
                    ]
                    .map { pad($0, 14) }.joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Writes `{"command", "seed", "inputs", "rows"}`, and `"comparison"` (one entry per channel and
    /// SNR, keys of ``EvaluationComparison``) when raw was compared.
    public static func writeJSON(
        _ result: Result, to path: String, command: String, seed: UInt64, inputs: [String: String]
    ) throws {
        guard !result.comparisons.isEmpty else {
            return try ResultDocument(command: command, seed: seed, inputs: inputs, rows: result.rows).writeJSON(to: path)
        }
        struct Document: Encodable {
            var command: String
            var seed: UInt64
            var inputs: [String: String]
            var rows: [PoseEvaluationRow]
            var comparison: [EvaluationComparison]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let document = Document(
            command: command, seed: seed, inputs: inputs, rows: result.rows, comparison: result.comparisons)
        try EvaluationOutputs.write(try encoder.encode(document), to: path)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
