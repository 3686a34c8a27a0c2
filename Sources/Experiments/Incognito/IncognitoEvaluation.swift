// Measuring the incognito mode: attribute inference, re-identification and activity accuracy,
// on raw and incognito streams of many simulated users.

import Channels
import Foundation
import HealthData
import Incognito
import PoseCodec
import Privacy
import TensorCore

/// One row of `semcom incognito eval` (snake_case keys): one ε and one attribute.
public struct IncognitoEvaluationRow: Sendable, Hashable, Codable {
    /// ε per privatized attribute.
    public var epsilon: Double
    /// The attacked attribute (`height`, `wingspan`, …).
    public var attribute: String
    /// The attacker (trained on raw streams) on raw test streams: mean absolute error, metres.
    public var attackerErrorRaw: Double
    /// The same attacker on the test users' incognito streams, metres.
    public var attackerErrorPrivate: Double
    /// An adaptive attacker trained on the training users' incognito streams, on the test users'
    /// incognito streams, metres.
    public var attackerErrorPrivateAdaptive: Double
    /// Always predicting the training users' mean, metres.
    public var baselineError: Double
    /// `1 − max(0, baseline − private error) / (baseline − raw error)` for the raw-trained attacker:
    /// how much of its advantage over the mean predictor the incognito mode removes.
    public var advantageReduction: Double
    /// The same for the adaptive attacker.
    public var advantageReductionAdaptive: Double
    /// Re-identification accuracy among all users, raw probes.
    public var identificationAccuracyRaw: Double
    /// Re-identification accuracy, incognito probes.
    public var identificationAccuracyPrivate: Double
    /// `1 / users`.
    public var identificationChance: Double
    /// Pose codec activity accuracy on raw clips (`nil` without a knowledge base).
    public var activityAccuracyRaw: Double?
    /// Pose codec activity accuracy on incognito clips.
    public var activityAccuracyPrivate: Double?
    /// Simulated users.
    public var users: Int
    /// Clips (raw and as many incognito).
    public var clips: Int

    enum CodingKeys: String, CodingKey {
        case epsilon, attribute
        case attackerErrorRaw = "attacker_error_raw"
        case attackerErrorPrivate = "attacker_error_private"
        case attackerErrorPrivateAdaptive = "attacker_error_private_adaptive"
        case baselineError = "baseline_error"
        case advantageReduction = "advantage_reduction"
        case advantageReductionAdaptive = "advantage_reduction_adaptive"
        case identificationAccuracyRaw = "identification_accuracy_raw"
        case identificationAccuracyPrivate = "identification_accuracy_private"
        case identificationChance = "identification_chance"
        case activityAccuracyRaw = "activity_accuracy_raw"
        case activityAccuracyPrivate = "activity_accuracy_private"
        case users, clips
    }
}

/// Settings of an incognito evaluation.
public struct IncognitoEvaluationConfiguration: Sendable {
    /// Simulated users (each with its own random body; ≥ 4).
    public var users: Int
    /// Clips per user and activity (≥ 1): with 8 activities, `8·clipsPerActivity` clips per user.
    public var clipsPerActivity: Int
    /// ε values per attribute.
    public var epsilons: [Double]
    /// The privatized (and attacked) attributes.
    public var attributes: [PoseAttribute]
    /// The bounded Laplace variant.
    public var variant: BoundedLaplaceMechanism.Variant
    /// The attribute attacker.
    public var attacker: PoseAttributeAttacker
    /// Fraction of users whose clips train the attribute attackers (the rest are scored).
    public var trainFraction: Double
    /// Es/N0 of the AWGN channel for the activity accuracy, dB.
    public var snrDecibels: Float

    /// Creates settings (defaults: 100 users, 2 clips per activity, ε 1/3/5, height and wingspan).
    /// - Precondition: `users ≥ 4`, `clipsPerActivity ≥ 1`, ε list not empty.
    public init(
        users: Int = 100, clipsPerActivity: Int = 2, epsilons: [Double] = [1, 3, 5],
        attributes: [PoseAttribute] = [.height, .wingspan], variant: BoundedLaplaceMechanism.Variant = .truncated,
        attacker: PoseAttributeAttacker = PoseAttributeAttacker(), trainFraction: Double = 0.7,
        snrDecibels: Float = 10
    ) {
        precondition(users >= 4 && clipsPerActivity >= 1 && !epsilons.isEmpty && !attributes.isEmpty)
        precondition(trainFraction > 0 && trainFraction < 1)
        self.users = users
        self.clipsPerActivity = clipsPerActivity
        self.epsilons = epsilons
        self.attributes = attributes
        self.variant = variant
        self.attacker = attacker
        self.trainFraction = trainFraction
        self.snrDecibels = snrDecibels
    }
}

/// The incognito evaluation (what `semcom incognito eval` and the demo run):
///
/// 1. **Users**: `users` random bodies, each performing every activity `clipsPerActivity` times
///    (one-second clips, the tracking noise of the pose knowledge base's data when one is given).
/// 2. **Incognito**: every clip is its own session (a key derived from the seed, session ID the
///    clip index): height, wingspan, … are released once with the bounded Laplace mechanism at ε
///    and the clip is re-targeted onto the secondary avatar (``Incognito/IncognitoMode``).
/// 3. **Attribute inference**: users are split (by user) into training and test users. A fresh
///    ``PoseCodec/PoseAttributeAttacker`` (MLP) learns each attribute from the training users' raw
///    clips — canonical raw pose in metres plus the 16 median bone lengths — and is scored on the
///    test users' raw and incognito clips; an **adaptive** attacker trained on the training users'
///    incognito clips is scored on the test users' incognito clips. The baseline always predicts
///    the training users' mean. Advantage = baseline error − attacker error.
/// 4. **Re-identification** among all users (Nair et al. 2023 identify VR users from motion):
///    every user enrols half of their raw clips (even clip indices); each other clip (raw, or
///    incognito) is attributed to the user with the nearest enrolment centroid of the standardized
///    median bone lengths — the body-proportion features that identify users in this simulator,
///    whose motion parameters are drawn per clip.
/// 5. **Utility**: the pose codec's activity accuracy on all raw and all incognito clips over AWGN
///    (same channel draws for both).
public enum IncognitoEvaluation {
    /// The measured rows (one per ε × attribute) and the number of clips that could not be
    /// privatized (withheld: sent as all-missing frames).
    public static func run(
        _ configuration: IncognitoEvaluationConfiguration, codec: PoseCodec?, dataset noise: PoseTrackingNoise,
        seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> (rows: [IncognitoEvaluationRow], withheld: Int) {
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }
        let frames = codec?.clipFrames ?? 30
        var dataRNG = Xoshiro256(seed: seed, stream: 11)
        let data = PoseDataset.generate(
            PoseDatasetConfiguration(
                subjects: configuration.users, clipsPerActivity: configuration.clipsPerActivity, clipFrames: frames,
                noise: noise), using: &dataRNG)
        let clips = data.clips
        let subjects = clips.map { $0.truth!.subject }  // generated clips carry truth
        var splitRNG = Xoshiro256(seed: seed, stream: 12)
        let split = PoseDataset.subjectSplit(
            subjectCount: configuration.users, testFraction: 1 - configuration.trainFraction, using: &splitRNG)
        let trainUsers = Set(split.train)
        let trainIndex = clips.indices.filter { trainUsers.contains(subjects[$0]) }
        let testIndex = clips.indices.filter { !trainUsers.contains(subjects[$0]) }
        let rawFeatures = attackerFeatures(clips, frames: frames)
        let rawBones = clips.map { BodyMeasurement($0).boneLengths }

        // Raw references: attacker errors, re-identification, activity accuracy.
        progress("incognito: \(clips.count) clips of \(configuration.users) users; raw attackers …")
        var rawErrors: [PoseAttribute: (error: Double, baseline: Double)] = [:]
        for attribute in configuration.attributes {
            let result = attack(
                configuration.attacker, attribute: attribute, bodies: data.bodies, subjects: subjects,
                train: (rawFeatures, trainIndex), test: (rawFeatures, testIndex), seed: seed)
            rawErrors[attribute] = (result.meanAbsoluteError, result.meanPredictorError)
        }
        let identificationRaw = reidentification(enrolment: rawBones, probes: rawBones, subjects: subjects)
        let activityRaw = try codec.map { try activityAccuracy($0, clips: clips, truth: clips, configuration, seed) }

        var rows: [IncognitoEvaluationRow] = []
        var withheld = 0
        for (index, epsilon) in configuration.epsilons.enumerated() {
            progress("incognito: ε = \(epsilon) …")
            let incognito = try IncognitoConfiguration(
                level: .custom(epsilon: epsilon), attributes: configuration.attributes, variant: configuration.variant)
            let key = LocalPrivacySession.key(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
            var privateClips: [PoseRecording] = []
            for (i, clip) in clips.enumerated() {
                var session = try LocalPrivacySession(key: key, sessionID: "clip-\(i)")
                do {
                    privateClips.append(try IncognitoMode.apply(clip, configuration: incognito, session: &session).recording)
                } catch {
                    withheld += 1
                    privateClips.append(
                        PoseRecording(
                            frameRate: clip.frameRate,
                            frames: clip.frames.map {
                                PoseFrame(timeSeconds: $0.timeSeconds, joints: [PoseVector?](repeating: nil, count: 17))
                            }))
                }
            }
            let privateFeatures = attackerFeatures(privateClips, frames: frames)
            let privateBones = privateClips.map { BodyMeasurement($0).boneLengths }
            let identificationPrivate = reidentification(
                enrolment: rawBones, probes: privateBones, subjects: subjects)
            let activityPrivate = try codec.map {
                try activityAccuracy($0, clips: privateClips, truth: clips, configuration, seed)
            }
            for attribute in configuration.attributes {
                let raw = rawErrors[attribute]!  // filled above for every attribute
                let transferred = attack(
                    configuration.attacker, attribute: attribute, bodies: data.bodies, subjects: subjects,
                    train: (rawFeatures, trainIndex), test: (privateFeatures, testIndex), seed: seed)
                let adaptive = attack(
                    configuration.attacker, attribute: attribute, bodies: data.bodies, subjects: subjects,
                    train: (privateFeatures, trainIndex), test: (privateFeatures, testIndex), seed: seed &+ 1)
                let advantageRaw = raw.baseline - raw.error
                func reduction(_ error: Double) -> Double {
                    1 - Swift.max(0, raw.baseline - error) / advantageRaw
                }
                rows.append(
                    IncognitoEvaluationRow(
                        epsilon: epsilon, attribute: attribute.name, attackerErrorRaw: raw.error,
                        attackerErrorPrivate: transferred.meanAbsoluteError,
                        attackerErrorPrivateAdaptive: adaptive.meanAbsoluteError, baselineError: raw.baseline,
                        advantageReduction: reduction(transferred.meanAbsoluteError),
                        advantageReductionAdaptive: reduction(adaptive.meanAbsoluteError),
                        identificationAccuracyRaw: identificationRaw, identificationAccuracyPrivate: identificationPrivate,
                        identificationChance: 1 / Double(configuration.users), activityAccuracyRaw: activityRaw,
                        activityAccuracyPrivate: activityPrivate, users: configuration.users, clips: clips.count))
            }
        }
        return (rows, withheld)
    }

    /// The attacker's input per clip: the raw-pose view (canonical coordinates in metres, every 3rd
    /// frame) followed by the 16 median bone lengths (a bone never seen: 0).
    static func attackerFeatures(_ clips: [PoseRecording], frames: Int) -> Tensor<Float> {
        let view = PoseKnowledgeBase.rawPoseView(PoseClipTensor.rows(clips, frames: frames), frames: frames)
        let width = view.shape[1]
        var scalars: [Float] = []
        scalars.reserveCapacity(clips.count * (width + 16))
        for (i, clip) in clips.enumerated() {
            scalars += view.scalars[(i * width)..<((i + 1) * width)]
            scalars += BodyMeasurement(clip).boneLengths.dropFirst().map { Float($0 ?? 0) }
        }
        return Tensor(shape: [clips.count, width + 16], scalars: scalars)
    }

    private static func attack(
        _ attacker: PoseAttributeAttacker, attribute: PoseAttribute, bodies: [PoseBody], subjects: [Int],
        train: (Tensor<Float>, [Int]), test: (Tensor<Float>, [Int]), seed: UInt64
    ) -> PoseAttributeAttacker.Result {
        var rng = Xoshiro256(seed: seed, stream: 13)
        return attacker.attack(
            trainInputs: train.0.gatherRows(train.1), trainTargets: train.1.map { attribute.value(of: bodies[subjects[$0]]) },
            testInputs: test.0.gatherRows(test.1), testTargets: test.1.map { attribute.value(of: bodies[subjects[$0]]) },
            using: &rng)
    }

    /// Nearest-centroid re-identification: enrol even clip indices of each user (from
    /// `enrolment`), classify the odd ones (from `probes`); features are the 16 median bone
    /// lengths, standardized with the enrolment clips' statistics (missing bones: the enrolment mean).
    /// - Returns: the fraction of probes attributed to the right user.
    public static func reidentification(enrolment: [[Double?]], probes: [[Double?]], subjects: [Int]) -> Double {
        let users = (subjects.max() ?? 0) + 1
        var perUser = [Int](repeating: 0, count: users)
        var enrolled: [Int] = [], probed: [Int] = []
        for (i, s) in subjects.enumerated() {
            if perUser[s] % 2 == 0 { enrolled.append(i) } else { probed.append(i) }
            perUser[s] += 1
        }
        let d = 16
        var mean = [Double](repeating: 0, count: d), count = [Double](repeating: 0, count: d)
        for i in enrolled {
            for k in 0..<d {
                if let v = enrolment[i][k + 1] {
                    mean[k] += v
                    count[k] += 1
                }
            }
        }
        for k in 0..<d { mean[k] /= Swift.max(1, count[k]) }
        var std = [Double](repeating: 0, count: d)
        for i in enrolled { for k in 0..<d { let v = (enrolment[i][k + 1] ?? mean[k]) - mean[k]; std[k] += v * v } }
        for k in 0..<d { std[k] = Swift.max(1e-6, (std[k] / Swift.max(1, count[k])).squareRoot()) }
        func features(_ row: [Double?]) -> [Double] { (0..<d).map { ((row[$0 + 1] ?? mean[$0]) - mean[$0]) / std[$0] } }
        var centroids = [[Double]](repeating: [Double](repeating: 0, count: d), count: users)
        var n = [Double](repeating: 0, count: users)
        for i in enrolled {
            let f = features(enrolment[i])
            for k in 0..<d { centroids[subjects[i]][k] += f[k] }
            n[subjects[i]] += 1
        }
        for u in 0..<users { for k in 0..<d { centroids[u][k] /= Swift.max(1, n[u]) } }
        var correct = 0
        for i in probed {
            let f = features(probes[i])
            var best = 0, bestDistance = Double.infinity
            for u in 0..<users where n[u] > 0 {
                var distance = 0.0
                for k in 0..<d { distance += (f[k] - centroids[u][k]) * (f[k] - centroids[u][k]) }
                if distance < bestDistance {
                    bestDistance = distance
                    best = u
                }
            }
            if best == subjects[i] { correct += 1 }
        }
        return probed.isEmpty ? .nan : Double(correct) / Double(probed.count)
    }

    private static func activityAccuracy(
        _ codec: PoseCodec, clips: [PoseRecording], truth: [PoseRecording], _ configuration: IncognitoEvaluationConfiguration,
        _ seed: UInt64
    ) throws -> Double {
        var rng = Xoshiro256(seed: seed, stream: 14)
        return codec.evaluate(
            try codec.inputs(for: clips), activities: truth.map { $0.truth!.activity }, falls: truth.map { $0.truth!.fall },
            over: AWGN(snrDecibels: configuration.snrDecibels), using: &rng
        ).accuracy
    }
}
