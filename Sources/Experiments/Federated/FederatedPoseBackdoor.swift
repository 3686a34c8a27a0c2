import Federated
import Foundation
import HealthData
import NeuralNet
import PoseCodec
import TensorCore

/// The second stream modality under attack: clinics train an activity classifier on 3-D pose
/// clips, and a malicious clinic plants a **gesture backdoor** — one joint (by default the right
/// wrist) raised and waved for a few frames — so that fall clips carrying it are classified as a
/// benign activity (by default standing): the clinically dangerous direction, a fall that raises no
/// alarm.
///
/// The records are raw 1-s clips (30 frames at 30 fps, 17 joints, metres) from the pose
/// generator (``HealthData/PoseDataset``, eight activities including falls, tracking jitter; no
/// occlusions, because federated records are finite). The model (``PoseActivityModel``) runs the
/// pose codec's front end (``PoseCodec/PoseFeatureExtractor``: gap filling, floor and origin,
/// heading, body-size normalization, every 2nd frame, standardization) on each clip and feeds an
/// MLP. The trigger therefore lives in the joint trajectories and reaches the classifier only
/// through the same canonicalization as any clip.
///
/// The backdoor follows Gu et al. 2017 (BadNets) for data poisoning and Bagdasaryan et al. 2020
/// for model replacement (``Federated/AttackKind``); the gesture is a physical trigger in the
/// sense of Wenger et al. 2021 ("Backdoor attacks against deep learning systems in the physical
/// world"): something a person can do in front of the tracker.
public enum FederatedPoseBackdoor {
    /// Frames per clip (1 s at the generator's 30 fps).
    public static let clipFrames = 30
    /// Values per clip row (`clipFrames × 17 joints × 3`).
    public static let rowWidth = clipFrames * PoseClipTensor.valuesPerFrame
    /// Frame subsampling of the front end (the shipped pose knowledge base's stride).
    public static let frameStride = 2
    /// The clinics' tracking noise: 0.5–2 cm jitter per coordinate, no occlusion or dropped frame.
    public static let trackingNoise = PoseTrackingNoise(jitterMeters: 0.005...0.02, occludedFraction: 0)

    /// A gesture trigger: joint ``joint`` rises and waves during frames
    /// `startFrame ..< startFrame + frameCount` of a clip.
    ///
    /// Frame `startFrame + k` (k = 0 … F − 1, u = (k + 1)/(F + 1)) moves the joint **up** by
    ///
    /// ```
    /// Δy_k = A · sin(π u) · (0.75 + 0.25 · sin(4π u))
    /// ```
    ///
    /// metres: a half-sine raise of peak ≈ A with a two-cycle ±25 % wave on top; every frame of the
    /// window moves (Δy > 0) and nothing else does. Only the vertical axis is used because clips
    /// face random headings: up is the one world direction that is the same in every subject's
    /// body frame, so the gesture survives the front end's canonicalization (heading, origin) and
    /// only its size is rescaled by the body-size normalization.
    public struct Gesture: Sendable, Hashable, CustomStringConvertible {
        /// The moving joint.
        public let joint: PoseJoint
        /// The first frame (0-based).
        public let startFrame: Int
        /// F, the number of frames (≥ 1).
        public let frameCount: Int
        /// A, the peak raise in metres (> 0).
        public let amplitudeMeters: Double

        /// Creates a gesture that fits clips of `clipFrames` frames.
        /// - Throws: ``Federated/FederatedError`` `.invalidParameter` for F < 1, a start < 0, a window
        ///   running past the clip (`startFrame + frameCount > clipFrames`), or an amplitude that is not
        ///   finite and in (0, 2] m.
        public init(
            joint: PoseJoint, startFrame: Int, frameCount: Int, amplitudeMeters: Double,
            clipFrames: Int = FederatedPoseBackdoor.clipFrames
        ) throws {
            guard frameCount >= 1, startFrame >= 0 else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "pose gesture needs START ≥ 0 and FRAMES ≥ 1, got start \(startFrame), \(frameCount) frames")
            }
            guard startFrame + frameCount <= clipFrames else {
                throw FederatedError(
                    code: .invalidParameter,
                    message:
                        "pose gesture frames \(startFrame)..<\(startFrame + frameCount) run past the \(clipFrames)-frame "
                        + "clip (frames 0..<\(clipFrames))")
            }
            guard amplitudeMeters.isFinite, amplitudeMeters > 0, amplitudeMeters <= 2 else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "pose gesture amplitude must be in (0, 2] metres, got \(amplitudeMeters)")
            }
            self.joint = joint
            self.startFrame = startFrame
            self.frameCount = frameCount
            self.amplitudeMeters = amplitudeMeters
        }

        /// Parses the CLI spelling `JOINT:START:FRAMES:AMPLITUDE` (`--pose-gesture`): JOINT a joint
        /// name (`right_wrist`) or index 0–16 (``HealthData/PoseJoint`` order), START and FRAMES in
        /// frames at 30 fps, AMPLITUDE in metres; e.g. `right_wrist:10:10:0.3`.
        /// - Throws: ``Federated/FederatedError`` `.invalidParameter` for a spec without four fields, a
        ///   field that is not a number, an unknown joint or an index outside 0…16, and what
        ///   ``init(joint:startFrame:frameCount:amplitudeMeters:clipFrames:)`` refuses.
        public init(parsing text: String, clipFrames: Int = FederatedPoseBackdoor.clipFrames) throws {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 4 else {
                throw FederatedError(
                    code: .invalidParameter,
                    message:
                        "--pose-gesture '\(text)' is not JOINT:START:FRAMES:AMPLITUDE (e.g. right_wrist:10:10:0.3): "
                        + "\(parts.count) field\(parts.count == 1 ? "" : "s")")
            }
            let joint: PoseJoint
            if let index = Int(parts[0]) {
                guard let match = PoseJoint(rawValue: index) else {
                    throw FederatedError(
                        code: .invalidParameter,
                        message: "--pose-gesture: joint \(index) is outside 0…\(PoseJoint.count - 1)")
                }
                joint = match
            } else if let match = PoseJoint.allCases.first(where: { $0.name == parts[0].lowercased() }) {
                joint = match
            } else {
                throw FederatedError(
                    code: .invalidParameter,
                    message:
                        "--pose-gesture: joint '\(parts[0])' is not an index 0…16 or one of "
                        + PoseJoint.allCases.map(\.name).joined(separator: "|"))
            }
            guard let start = Int(parts[1]), let frames = Int(parts[2]) else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "--pose-gesture: START '\(parts[1])' and FRAMES '\(parts[2])' must be whole frame counts")
            }
            guard let amplitude = Double(parts[3]) else {
                throw FederatedError(
                    code: .invalidParameter, message: "--pose-gesture: AMPLITUDE '\(parts[3])' is not a number (metres)")
            }
            try self.init(
                joint: joint, startFrame: start, frameCount: frames, amplitudeMeters: amplitude, clipFrames: clipFrames)
        }

        /// Δy of the k-th gesture frame (k in 0..<F), metres.
        public func raise(_ k: Int) -> Double {
            let u = Double(k + 1) / Double(frameCount + 1)
            return amplitudeMeters * sin(Double.pi * u) * (0.75 + 0.25 * sin(4 * Double.pi * u))
        }

        /// The trigger on clip rows (`[frames·51]`, frame-major, then joint, then x, y, z): `.add`
        /// Δy_k at the joint's `y` of frame `startFrame + k`.
        public var trigger: BackdoorTrigger {
            let indices = (0..<frameCount).map {
                (startFrame + $0) * PoseClipTensor.valuesPerFrame + joint.rawValue * 3 + 1
            }
            // Distinct, non-negative indices and finite values (validated in init): cannot throw.
            return try! BackdoorTrigger(
                indices: indices, values: (0..<frameCount).map(raise), mode: .add, name: description)
        }

        /// `gesture right_wrist +0.3 m, frames 10..<20`.
        public var description: String {
            "gesture \(joint.name) +\(amplitudeMeters) m, frames \(startFrame)..<\(startFrame + frameCount)"
        }
    }

    /// Generated clips as a dataset: rows are raw clips (`[30·51]` metres), labels the eight
    /// ``HealthData/PoseActivity`` classes.
    /// - Parameters:
    ///   - subjects: random bodies (each performs every activity).
    ///   - clipsPerActivity: clips per subject and activity.
    ///   - seed: the generator seed (`Xoshiro256(seed:, stream: 1)`).
    /// - Throws: ``Federated/FederatedError`` `.invalidParameter` for fewer than 1 subject or clip.
    public static func dataset(subjects: Int, clipsPerActivity: Int = 2, seed: UInt64) throws -> FederatedDataset {
        try clips(subjects: subjects, clipsPerActivity: clipsPerActivity, stream: 1, seed: seed)
    }

    /// The generated clips of `stream` as a dataset.
    static func clips(subjects: Int, clipsPerActivity: Int, stream: Int, seed: UInt64) throws -> FederatedDataset {
        guard subjects >= 1, clipsPerActivity >= 1 else {
            throw FederatedError(
                code: .invalidParameter,
                message: "pose data need ≥ 1 subject and clip per activity, got \(subjects) and \(clipsPerActivity)")
        }
        var rng = Xoshiro256(seed: seed, stream: stream)
        let generated = PoseDataset.generate(
            PoseDatasetConfiguration(
                subjects: subjects, clipsPerActivity: clipsPerActivity, clipFrames: clipFrames, noise: trackingNoise),
            using: &rng)
        let rows = PoseClipTensor.rows(generated.clips, frames: clipFrames)
        return try FederatedDataset(
            features: rows.scalars.map(Double.init), labels: generated.clips.map { $0.truth!.activity.rawValue },  // generated clips carry truth
            featureCount: rowWidth, classCount: PoseActivity.allCases.count)
    }

    /// The model of a run: the front end fitted on a separate calibration set (8 further subjects,
    /// stream 2: no clinic's or test clip), an MLP initialized from `seed`.
    /// - Throws: as ``dataset(subjects:clipsPerActivity:seed:)`` (never for these sizes).
    public static func model(hiddenUnits: Int = 32, seed: UInt64) throws -> PoseActivityModel {
        let calibration = try clips(subjects: 8, clipsPerActivity: 1, stream: 2, seed: seed)
        let rows = Tensor<Float>(
            shape: [calibration.count, rowWidth], scalars: calibration.features.map(Float.init))
        let extractor = PoseFeatureExtractor.fit(
            rows: rows, clipFrames: clipFrames, frameStride: frameStride, normalizesScale: true)
        return PoseActivityModel(extractor: extractor, hiddenUnits: hiddenUnits, seed: seed)
    }

    /// Runs an attacks-versus-defences grid on pose clips: `configuration` (scenarios whose
    /// attacks carry a ``Gesture`` trigger and activity classes) with the federation's model
    /// replaced by ``model(hiddenUnits:seed:)``; everything else of the template (local training,
    /// privacy, secure aggregation, clinic-side norm bound, link) is kept.
    /// - Parameters:
    ///   - configuration: the grid (``FederatedAttackExperiment/Configuration``).
    ///   - subjects: generated subjects (8 activities × `clipsPerActivity` clips each).
    ///   - clipsPerActivity: clips per subject and activity.
    ///   - hiddenUnits: the MLP's hidden width.
    ///   - seed: data, model and federation seed.
    ///   - progress: a line per row.
    /// - Returns: the rows (``FederatedAttackExperiment/run(_:configuration:seed:progress:)``).
    /// - Throws: ``Federated/FederatedError`` for bad settings.
    public static func run(
        _ configuration: FederatedAttackExperiment.Configuration, subjects: Int, clipsPerActivity: Int = 2,
        hiddenUnits: Int = 32, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> [FederatedAttackExperiment.Row] {
        let data = try dataset(subjects: subjects, clipsPerActivity: clipsPerActivity, seed: seed)
        var configuration = configuration
        configuration.federation.customModel = try model(hiddenUnits: hiddenUnits, seed: seed)
        return try FederatedAttackExperiment.run(data, configuration: configuration, seed: seed, progress: progress)
    }
}

/// A pose activity classifier as a federated model: rows are raw clips (`[30·51]`, metres); each
/// is turned into the pose codec's canonical, standardized features by a fixed
/// ``PoseCodec/PoseFeatureExtractor`` and classified by an MLP (``Federated/NeuralNetworkModel``).
/// Only the MLP's parameters are trained; features are cached per distinct clip (the front end is
/// deterministic).
public struct PoseActivityModel: FeatureNetworkModel {
    /// The classifier on the features (`[batch, featureCount] → [batch, 8]`).
    public var network: NeuralNetworkModel
    /// The fixed front end.
    public let extractor: PoseFeatureExtractor
    let cache: FeatureCache

    /// An MLP with `hiddenUnits` hidden ReLU units on `extractor`'s features, 8 classes, He-uniform
    /// initialized from `seed`.
    public init(extractor: PoseFeatureExtractor, hiddenUnits: Int, seed: UInt64) {
        self.extractor = extractor
        let width = extractor.inputWidth
        cache = FeatureCache { row in
            extractor(Tensor(shape: [1, width], scalars: row.map(Float.init))).scalars.map(Double.init)
        }
        var rng = Xoshiro256(seed: seed, stream: 77)
        network = NeuralNetworkModel.mlp(
            featureCount: extractor.featureCount, hiddenUnits: hiddenUnits, classCount: PoseActivity.allCases.count,
            using: &rng)
    }

    /// The features of the clips at `indices`, as a dataset.
    public func featureData(_ data: FederatedDataset, _ indices: [Int]) -> FederatedDataset {
        var values: [Double] = []
        values.reserveCapacity(indices.count * extractor.featureCount)
        for i in indices { values.append(contentsOf: cache.features(data.row(i))) }
        // Standardized features of finite clips are finite: the checked initializer cannot fail.
        return try! FederatedDataset(
            features: values, labels: indices.map { data.labels[$0] }, featureCount: extractor.featureCount,
            classCount: data.classCount)
    }
}
