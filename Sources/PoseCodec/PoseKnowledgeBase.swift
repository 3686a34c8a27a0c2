// Building and reading pose knowledge bases.

import Channels
import Crypto
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The data description stored in a pose knowledge base (section `pose.config`, JSON), enough to
/// regenerate the training data bit for bit and to rebuild the front end.
public struct PoseKnowledgeBaseDescription: Codable, Sendable, Hashable {
    /// Frames per clip.
    public var clipFrames: Int
    /// Feature frame stride.
    public var frameStride: Int
    /// Whether features are scale-normalized.
    public var normalizesScale: Bool
    /// Frames per second.
    public var frameRate: Double
    /// Generated subjects.
    public var subjects: Int
    /// Clips per subject and activity.
    public var clipsPerActivity: Int
    /// Height range, metres.
    public var heightMinimumMeters: Double
    /// Height range, metres.
    public var heightMaximumMeters: Double
    /// Tracking noise of the generated data.
    public var jitterMinimumMeters: Double
    /// Tracking noise of the generated data.
    public var jitterMaximumMeters: Double
    /// Tracking noise of the generated data.
    public var occludedFraction: Double
    /// Tracking noise of the generated data.
    public var meanOcclusionFrames: Double
    /// Tracking noise of the generated data.
    public var droppedFrameFraction: Double
    /// The data seed (`Xoshiro256(seed:, stream: 1)` generates the data set).
    public var dataSeed: UInt64
    /// The held-out test subjects.
    public var testSubjects: [Int]

    enum CodingKeys: String, CodingKey {
        case clipFrames = "clip_frames", frameStride = "frame_stride", normalizesScale = "normalizes_scale"
        case frameRate = "frame_rate", subjects, clipsPerActivity = "clips_per_activity"
        case heightMinimumMeters = "height_min_m", heightMaximumMeters = "height_max_m"
        case jitterMinimumMeters = "jitter_min_m", jitterMaximumMeters = "jitter_max_m"
        case occludedFraction = "occluded_fraction", meanOcclusionFrames = "mean_occlusion_frames"
        case droppedFrameFraction = "dropped_frame_fraction", dataSeed = "data_seed", testSubjects = "test_subjects"
    }

    /// The generation settings.
    public var dataset: PoseDatasetConfiguration {
        PoseDatasetConfiguration(
            subjects: subjects, clipsPerActivity: clipsPerActivity, clipFrames: clipFrames, frameRate: frameRate,
            heightRangeMeters: heightMinimumMeters...heightMaximumMeters,
            noise: PoseTrackingNoise(
                jitterMeters: jitterMinimumMeters...jitterMaximumMeters, occludedFraction: occludedFraction,
                meanOcclusionFrames: meanOcclusionFrames, droppedFrameFraction: droppedFrameFraction))
    }
}

/// Labelled pose clips split by subject.
public struct PoseSplitData: Sendable {
    /// Training clips (training subjects only).
    public var train: [PoseRecording]
    /// Test clips (test subjects only).
    public var test: [PoseRecording]
}

/// What a pose knowledge-base build measured.
public struct PoseBuildReport: Sendable {
    /// Training and test clips and subjects.
    public var trainClips: Int, testClips: Int, trainSubjects: Int, testSubjects: Int
    /// Per-epoch training history.
    public var history: [PoseTrainingEpoch]
    /// Test metrics per AWGN SNR.
    public var evaluations: [(snrDecibels: Float, evaluation: PoseEvaluation)]
    /// The privacy attacks on the test subjects (height and wingspan; symbols and raw pose).
    public var privacy: [PosePrivacyRow]
    /// The fingerprint.
    public var fingerprint: Fingerprint
    /// The trained codec.
    public var codec: PoseCodec
}

/// One privacy measurement: an attacker trained on one view of the training subjects, scored on
/// the test subjects.
public struct PosePrivacyRow: Sendable, Hashable {
    /// What the attacker saw: `symbols` (transmitted channel symbols) or `raw-pose` (the raw clips,
    /// canonicalized for translation, heading and floor but not for scale).
    public var view: String
    /// `height` or `wingspan`.
    public var target: String
    /// The attack.
    public var result: PoseAttributeAttacker.Result
}

/// Builds and reads pose knowledge bases — the library side of `semcom kb build --modality pose`.
///
/// The build is a pure function of the ``PoseCodecConfiguration``:
/// 1. generate the data set (``HealthData/PoseDataset``, `Xoshiro256(seed:, stream: 1)`) and hash
///    its clip tensor (SHA-256);
/// 2. split the **subjects** (stream 2): no subject has clips in both splits;
/// 3. fit the front end (``PoseFeatureExtractor``) on training clips;
/// 4. initialize (stream 3) and train (stream 4) codec and adversary (``PoseCodec``'s game), one
///    BLAS thread;
/// 5. measure the test subjects over AWGN (stream 5) and the privacy attacks (stream 6): a fresh
///    ``PoseAttributeAttacker`` on the training subjects' transmitted symbols, scored on the test
///    subjects' symbols, and the same attacker on raw pose;
/// 6. store manifest, weights, front-end statistics and the data description.
public enum PoseKnowledgeBase {
    /// The `created_by` string.
    public static let createdBy = "semcom 0.1 PoseCodec"

    /// Section names.
    public enum SectionName {
        /// Raw JSON ``PoseKnowledgeBaseDescription``.
        public static let description = "pose.config"
        /// Tensor `[features]`: feature means.
        public static let featureMean = "pose.feature_mean"
        /// Tensor `[features]`: feature standard deviations.
        public static let featureStandardDeviation = "pose.feature_std"
        /// Tensor `[17, 3]`: pelvis-relative template pose.
        public static let template = "pose.template"
    }

    /// Generates the data described by a configuration and splits it by subject.
    public static func data(_ configuration: PoseCodecConfiguration) -> (
        data: PoseSplitData, testSubjects: [Int], sha256: String
    ) {
        var dataRNG = Xoshiro256(seed: configuration.seed, stream: 1)
        let dataset = PoseDataset.generate(configuration.dataset, using: &dataRNG)
        var splitRNG = Xoshiro256(seed: configuration.seed, stream: 2)
        let split = PoseDataset.subjectSplit(
            subjectCount: configuration.dataset.subjects, testFraction: configuration.testSubjectFraction,
            using: &splitRNG)
        let testSet = Set(split.test)
        let rows = PoseClipTensor.rows(dataset.clips, frames: configuration.dataset.clipFrames)
        return (
            PoseSplitData(
                train: dataset.clips.filter { !testSet.contains($0.truth!.subject) },  // generated clips carry truth
                test: dataset.clips.filter { testSet.contains($0.truth!.subject) }),
            split.test, sha256(rows)
        )
    }

    /// Builds a pose knowledge base.
    /// - Parameters:
    ///   - configuration: everything (``PoseCodecConfiguration/default`` for the shipped KB).
    ///   - progress: one line per epoch and measurement.
    public static func build(
        configuration: PoseCodecConfiguration = .default, progress: (String) -> Void = { _ in }
    ) -> (knowledgeBase: KnowledgeBase, report: PoseBuildReport) {
        // One BLAS thread for bit-reproducible training; concurrent builds share the section.
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }
        let frames = configuration.dataset.clipFrames
        let (data, testSubjects, dataHash) = Self.data(configuration)
        let trainRows = PoseClipTensor.rows(data.train, frames: frames)
        let testRows = PoseClipTensor.rows(data.test, frames: frames)
        let extractor = PoseFeatureExtractor.fit(
            rows: trainRows, clipFrames: frames, frameStride: configuration.frameStride,
            normalizesScale: configuration.normalizesScale)

        // Networks.
        let k = configuration.channelUsesPerSample
        var initRNG = Xoshiro256(seed: configuration.seed, stream: 3)
        let encoderMLP = mlp(extractor.featureCount, configuration.encoderHiddenSizes, 2 * k, &initRNG)
        let decoderMLP = mlp(2 * k, configuration.decoderHiddenSizes, PoseCodec.decoderOutputs, &initRNG)
        var adversary = mlp(2 * k, configuration.adversaryHiddenSizes, 2, &initRNG)
        var pipeline = PoseCodec.Pipeline(
            encoder: NetworkEncoder(
                network: PoseEncoderNetwork(features: extractor, network: encoderMLP), channelUsesPerSample: k),
            decoder: NetworkDecoder(network: decoderMLP, channelUsesPerSample: k))
        if let augmentation = configuration.augmentation {
            pipeline.perturbations = [
                PoseTrackingPerturbation(noise: augmentation, probability: 0.5, clipFrames: frames)
            ]
        }
        let heights = data.train.map { $0.truth!.heightMeters }
        let wingspans = data.train.map { $0.truth!.wingspanMeters }
        let targets = standardizedTargets(heights, wingspans)
        var trainRNG = Xoshiro256(seed: configuration.seed, stream: 4)
        let history = PoseAdversarialTrainer.train(
            pipeline: &pipeline, adversary: &adversary, inputs: trainRows,
            activities: data.train.map { $0.truth!.activity.rawValue }, falls: data.train.map { $0.truth!.fall },
            privateTargets: targets, configuration: configuration, using: &trainRNG
        ) { e in
            progress(
                "epoch \(e.epoch)/\(configuration.epochs): activity loss \(fmt(e.activityLoss)), fall loss \(fmt(e.fallLoss)), adversary MSE \(fmt(e.adversaryLoss)), accuracy \(fmt(e.accuracy))"
            )
        }
        pipeline.perturbations = []
        var codec = PoseCodec(pipeline: pipeline)

        // Test metrics.
        var metrics: [String: Double] = [:]
        var evaluations: [(snrDecibels: Float, evaluation: PoseEvaluation)] = []
        let testActivities = data.test.map { $0.truth!.activity }
        let testFalls = data.test.map { $0.truth!.fall }
        for (index, snr) in configuration.evaluationSNRDecibels.enumerated() {
            var evalRNG = Xoshiro256(seed: configuration.seed, stream: 5).fork(stream: UInt64(index))
            let evaluation = codec.evaluate(
                testRows, activities: testActivities, falls: testFalls, over: AWGN(snrDecibels: snr),
                repeats: configuration.evaluationRepeats, using: &evalRNG)
            evaluations.append((snr, evaluation))
            let key = "awgn_\(snrKey(snr))db"
            metrics[key + "_accuracy"] = evaluation.accuracy
            metrics[key + "_fall_recall"] = evaluation.fallRecall ?? .nan
            metrics[key + "_fall_false_alarm_rate"] = evaluation.fallFalseAlarmRate ?? .nan
            progress(
                "awgn \(snrKey(snr)) dB: accuracy \(fmt(evaluation.accuracy)), fall recall \(fmt(evaluation.fallRecall ?? .nan))"
            )
        }
        var privacyRNG = Xoshiro256(seed: configuration.seed, stream: 6)
        let privacy = privacyRows(
            codec: codec, train: data.train, test: data.test, attacker: configuration.attacker, using: &privacyRNG)
        for row in privacy {
            let key = "privacy_\(String(row.view.map { $0 == "-" ? "_" : $0 }))_\(row.target)"
            metrics[key + "_mae_m"] = row.result.meanAbsoluteError
            metrics[key + "_mean_predictor_mae_m"] = row.result.meanPredictorError
            metrics[key + "_ratio"] = row.result.ratio
            progress(
                "privacy \(row.view) \(row.target): attacker MAE \(fmt(row.result.meanAbsoluteError)) m, mean predictor \(fmt(row.result.meanPredictorError)) m, ratio \(fmt(row.result.ratio))"
            )
        }
        metrics["channel_uses_per_sample"] = Double(k)
        metrics["train_clips"] = Double(data.train.count)
        metrics["test_clips"] = Double(data.test.count)
        metrics["test_subjects"] = Double(testSubjects.count)
        metrics["evaluation_repeats"] = Double(configuration.evaluationRepeats)
        metrics["final_adversary_mse"] = history.last?.adversaryLoss ?? .nan

        // The knowledge base.
        let d = configuration.dataset
        let description = PoseKnowledgeBaseDescription(
            clipFrames: frames, frameStride: configuration.frameStride, normalizesScale: configuration.normalizesScale,
            frameRate: d.frameRate, subjects: d.subjects, clipsPerActivity: d.clipsPerActivity,
            heightMinimumMeters: d.heightRangeMeters.lowerBound, heightMaximumMeters: d.heightRangeMeters.upperBound,
            jitterMinimumMeters: d.noise.jitterMeters.lowerBound, jitterMaximumMeters: d.noise.jitterMeters.upperBound,
            occludedFraction: d.noise.occludedFraction, meanOcclusionFrames: d.noise.meanOcclusionFrames,
            droppedFrameFraction: d.noise.droppedFrameFraction, dataSeed: configuration.seed, testSubjects: testSubjects
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a struct of numbers and arrays cannot fail.
        let descriptionBytes = Array(try! encoder.encode(description))
        var sections: [Section] = [
            Section(name: SectionName.description, content: .raw(descriptionBytes)),
            Section(
                name: SectionName.featureMean,
                content: .tensor(Tensor(shape: [extractor.featureCount], scalars: extractor.mean))),
            Section(
                name: SectionName.featureStandardDeviation,
                content: .tensor(Tensor(shape: [extractor.featureCount], scalars: extractor.standardDeviation))),
            Section(name: SectionName.template, content: .tensor(Tensor(shape: [17, 3], scalars: extractor.template))),
        ]
        let encoderLayers = PoseNetworkStorage.describe(
            encoderMLP: pipeline.encoder.network.network, prefix: "encoder", sections: &sections)
        let decoderLayers = PoseNetworkStorage.describe(
            encoderMLP: pipeline.decoder.network, prefix: "decoder", sections: &sections)
        let range = configuration.trainingSNRDecibels
        let manifest = Manifest(
            name: configuration.name, modality: .pose, task: "activity_and_fall", labelNames: PoseCodec.labelNames,
            architecture: CodecArchitecture(
                encoder: encoderLayers, decoder: decoderLayers, channelUsesPerSample: k,
                powerNormalization: "average_power"),
            provenance: TrainingProvenance(
                dataSHA256: dataHash, dataSource: "generated: " + d.summary + ", seed \(configuration.seed)",
                split:
                    "by subject: \(d.subjects - testSubjects.count) train / \(testSubjects.count) test subjects (PoseDataset.subjectSplit, Xoshiro256 seed \(configuration.seed) stream 2); test subjects in section '\(SectionName.description)'",
                seed: configuration.seed,
                snrTrainingRangeDecibels: ValueRange(
                    minimum: Double(range.lowerBound), maximum: Double(range.upperBound)),
                adversarial: TrainingProvenance.AdversarialSettings(
                    method: "gradient_reversal_body_adversary", epsilon: Double(configuration.adversaryWeight),
                    steps: configuration.adversaryStepsPerBatch, fraction: 1, target: "symbols"),
                threads: 1, epochs: history.count),
            metrics: metrics, createdBy: createdBy,
            notes:
                "Pose semantic codec: clips of \(frames) frames × 17 joints (metres, y up) → canonical features (gap filling, floor, origin, heading\(configuration.normalizesScale ? ", body-size normalization" : ""); every \(configuration.frameStride) frames; standardized) → MLP encoder → \(k) complex channel uses → unit average power → MLP decoder → 8 activity logits + 1 fall logit. Trained over AWGN, Es/N0 uniform in \(range.lowerBound)…\(range.upperBound) dB per clip, against a height/wingspan adversary on the symbols through gradient reversal (λ = \(configuration.adversaryWeight)). Privacy metrics: a fresh MLP attacker trained on training subjects, scored on the \(testSubjects.count) test subjects; ratio = attacker MAE / mean-predictor MAE."
        )
        let kb = KnowledgeBase(manifest: manifest, sections: sections)
        codec.knowledgeBaseFingerprint = kb.fingerprint
        return (
            kb,
            PoseBuildReport(
                trainClips: data.train.count, testClips: data.test.count,
                trainSubjects: d.subjects - testSubjects.count,
                testSubjects: testSubjects.count, history: history, evaluations: evaluations, privacy: privacy,
                fingerprint: kb.fingerprint, codec: codec)
        )
    }

    /// The privacy attacks: a fresh attacker per (view, target), trained on the training clips and
    /// scored on the test clips. Views: `symbols` (the codec's transmitted, power-normalized
    /// symbols) and `raw-pose` (the raw clips canonicalized for translation, heading and floor —
    /// the codec's front end without its scale normalization and standardization).
    public static func privacyRows<G: RandomNumberGenerator>(
        codec: PoseCodec, train: [PoseRecording], test: [PoseRecording], attacker: PoseAttributeAttacker,
        using rng: inout G
    ) -> [PosePrivacyRow] {
        let frames = codec.clipFrames
        let trainRows = PoseClipTensor.rows(train, frames: frames)
        let testRows = PoseClipTensor.rows(test, frames: frames)
        var symbolRNG = Xoshiro256(seed: rng.next())
        let views: [(String, Tensor<Float>, Tensor<Float>)] = [
            ("symbols", codec.encode(trainRows, using: &symbolRNG), codec.encode(testRows, using: &symbolRNG)),
            ("raw-pose", rawPoseView(trainRows, frames: frames), rawPoseView(testRows, frames: frames)),
        ]
        var rows: [PosePrivacyRow] = []
        for (view, trainX, testX) in views {
            for target in ["height", "wingspan"] {
                func value(_ r: PoseRecording) -> Double {
                    target == "height" ? r.truth!.heightMeters : r.truth!.wingspanMeters
                }
                var attackRNG = Xoshiro256(seed: rng.next())
                let result = attacker.attack(
                    trainInputs: trainX, trainTargets: train.map(value), testInputs: testX,
                    testTargets: test.map(value),
                    using: &attackRNG)
                rows.append(PosePrivacyRow(view: view, target: target, result: result))
            }
        }
        return rows
    }

    /// The raw-pose attacker's view: canonical coordinates in metres (no scale normalization), every
    /// 3rd frame.
    public static func rawPoseView(_ rows: Tensor<Float>, frames: Int) -> Tensor<Float> {
        let extractor = PoseFeatureExtractor(
            clipFrames: frames, frameStride: 3, normalizesScale: false,
            mean: [Float](repeating: 0, count: ((frames + 2) / 3) * 51),
            standardDeviation: [Float](repeating: 1, count: ((frames + 2) / 3) * 51),
            template: PoseFeatureExtractor.standardTemplate.map { $0 * 1.7 })
        return extractor(rows)
    }

    // MARK: - Reading back

    /// The data description of a pose knowledge base.
    /// - Throws: ``PoseCodecError`` `missingSection` or `sectionMismatch`.
    public static func description(of kb: KnowledgeBase) throws(PoseCodecError) -> PoseKnowledgeBaseDescription {
        guard let bytes = kb.rawBytes(named: SectionName.description) else {
            throw PoseCodecError(
                code: .missingSection, message: "the knowledge base lacks the pose description",
                section: SectionName.description)
        }
        do {
            return try JSONDecoder().decode(PoseKnowledgeBaseDescription.self, from: Data(bytes))
        } catch {
            throw PoseCodecError(
                code: .sectionMismatch, message: "invalid pose description JSON", section: SectionName.description,
                cause: error)
        }
    }

    /// Regenerates the training data a pose knowledge base was built from, split by its recorded
    /// test subjects, and checks the SHA-256 recorded in its provenance.
    /// - Throws: ``PoseCodecError`` `sectionMismatch` if the regenerated data differ (another
    ///   generator version) or the description is invalid.
    public static func recordedData(of kb: KnowledgeBase) throws(PoseCodecError) -> PoseSplitData {
        let description = try description(of: kb)
        var dataRNG = Xoshiro256(seed: description.dataSeed, stream: 1)
        guard description.subjects >= 2, description.clipsPerActivity >= 1, description.clipFrames >= 2,
            description.frameRate > 0, description.heightMinimumMeters > 0,
            description.heightMinimumMeters <= description.heightMaximumMeters
        else {
            throw PoseCodecError(
                code: .sectionMismatch, message: "implausible data description", section: SectionName.description)
        }
        let dataset = PoseDataset.generate(description.dataset, using: &dataRNG)
        let hash = sha256(PoseClipTensor.rows(dataset.clips, frames: description.clipFrames))
        guard hash == kb.manifest.provenance?.dataSHA256 else {
            throw PoseCodecError(
                code: .sectionMismatch,
                message:
                    "regenerated data hash \(hash) differs from the recorded \(kb.manifest.provenance?.dataSHA256 ?? "(none)"); the generator changed since the knowledge base was built",
                section: KnowledgeBase.manifestSectionName)
        }
        let test = Set(description.testSubjects)
        return PoseSplitData(
            train: dataset.clips.filter { !test.contains($0.truth!.subject) },
            test: dataset.clips.filter { test.contains($0.truth!.subject) })
    }

    /// Verifies a `.semkb` file (every byte, then that the pose codec can be rebuilt) and returns
    /// the lines `semcom kb verify` prints.
    public static func verify(contentsOfFile path: String) throws -> String {
        let report = KnowledgeBase.verify(contentsOfFile: path)
        if let error = report.error { throw error }
        let kb = try KnowledgeBase(contentsOfFile: path)
        let codec = try PoseCodec(knowledgeBase: kb)
        return [
            "\(path): OK",
            "format version \(report.formatVersion.map(String.init) ?? "?"), \(report.fileLength) bytes, \(report.checkedSectionCount) sections checked",
            "fingerprint \(kb.fingerprint.hexString) (frames carry \(codec.frameFingerprint?.description ?? "-"))",
            "pose codec: clips of \(codec.clipFrames) frames × 17 joints → \(codec.channelUsesPerSample) complex channel uses → 8 activities + fall",
        ].joined(separator: "\n")
    }

    private static func mlp<G: RandomNumberGenerator>(_ input: Int, _ hidden: [Int], _ output: Int, _ rng: inout G)
        -> Sequential<Float>
    {
        var layers: [any Layer<Float>] = []
        var width = input
        for h in hidden {
            layers.append(Dense<Float>(inputSize: width, outputSize: h, initializer: .heUniform, using: &rng))
            layers.append(ReLU<Float>())
            width = h
        }
        layers.append(Dense<Float>(inputSize: width, outputSize: output, using: &rng))
        return Sequential(layers)
    }

    private static func standardizedTargets(_ heights: [Double], _ wingspans: [Double]) -> Tensor<Float> {
        func standardize(_ v: [Double]) -> [Float] {
            let m = v.reduce(0, +) / Double(v.count)
            let s = Swift.max(1e-9, (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot())
            return v.map { Float(($0 - m) / s) }
        }
        let h = standardize(heights), w = standardize(wingspans)
        return Tensor(shape: [heights.count, 2], scalars: zip(h, w).flatMap { [$0, $1] })
    }

    static func sha256(_ tensor: Tensor<Float>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tensor.count * 4)
        for v in tensor.scalars {
            let bits = v.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return SHA256.hash(data: bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

func snrKey(_ snr: Float) -> String {
    snr == snr.rounded() ? String(Int(snr)) : String((Double(snr) * 10).rounded() / 10)
}

func fmt(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    return String((value * 10_000).rounded() / 10_000)
}
