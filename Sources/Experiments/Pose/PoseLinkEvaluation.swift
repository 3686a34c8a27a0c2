// The pose semantic link: activity and fall detection over channels, and the privacy of the symbols.

import Foundation
import HealthData
import KnowledgeBase
import PoseCodec
import SemanticCodec
import TensorCore

/// One row of a pose evaluation (JSON and table; snake_case keys). Link rows have `scheme`
/// `semantic` or `eavesdropper-adaptive` with the channel fields; privacy rows have `scheme`
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
    }

    /// Runs the evaluation.
    /// - Parameters:
    ///   - knowledgeBase: a pose knowledge base.
    ///   - dataPaths: labelled JSONL recordings (files; every frame needs `activity`) to test on, or
    ///     empty for the KB's recorded test subjects.
    ///   - privacy: whether to run the privacy attacks (generated data only).
    ///   - attacker: the privacy attacker.
    ///   - configuration: channels, SNRs, passes, noise conditions.
    ///   - rng: the generator.
    ///   - progress: progress lines.
    /// - Throws: ``PoseCodec/PoseCodecError`` for an unusable KB or unlabelled data, `HealthDataError`
    ///   for unreadable JSONL.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase: KnowledgeBase, dataPaths: [String] = [], privacy: Bool = true,
        attacker: PoseAttributeAttacker = PoseAttributeAttacker(), configuration: EvaluationConfiguration,
        using rng: inout G, progress: (String) -> Void = { _ in }
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
            Result(rows: rows, link: link),
            Setup(
                data: source, testCount: test.count, trainCount: train.count,
                channelUsesPerSample: codec.channelUsesPerSample)
        )
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

    /// Writes `{"command", "seed", "inputs", "rows"}`.
    public static func writeJSON(
        _ result: Result, to path: String, command: String, seed: UInt64, inputs: [String: String]
    ) throws {
        try ResultDocument(command: command, seed: seed, inputs: inputs, rows: result.rows).writeJSON(to: path)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
