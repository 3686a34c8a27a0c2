// Seeded synthetic 3-D pose recordings: kinematic motion + tracking noise.

import RealModule
import TensorCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a pose recording shows: the ground truth the generator knows.
public struct PoseGroundTruth: Sendable, Hashable {
    /// The activity.
    public var activity: PoseActivity
    /// Whether the recording contains a fall (the topple and the impact).
    public var fall: Bool
    /// The subject's standing height, metres.
    public var heightMeters: Double
    /// The subject's arm span, metres.
    public var wingspanMeters: Double
    /// The subject's identifier (splits are made by subject, never by clip).
    public var subject: Int

    /// Creates ground truth.
    public init(activity: PoseActivity, fall: Bool, heightMeters: Double, wingspanMeters: Double, subject: Int) {
        self.activity = activity
        self.fall = fall
        self.heightMeters = heightMeters
        self.wingspanMeters = wingspanMeters
        self.subject = subject
    }
}

/// A pose recording: frames at a nominal frame rate, and its ground truth when known.
public struct PoseRecording: Sendable, Hashable {
    /// Frames per second.
    public var frameRate: Double
    /// The frames in time order.
    public var frames: [PoseFrame]
    /// The ground truth, for generated or labelled recordings.
    public var truth: PoseGroundTruth?

    /// Creates a recording.
    public init(frameRate: Double, frames: [PoseFrame], truth: PoseGroundTruth? = nil) {
        self.frameRate = frameRate
        self.frames = frames
        self.truth = truth
    }
}

/// Tracking artefacts of a markerless 3-D pose estimator: per-coordinate Gaussian jitter,
/// occluded joints and dropped frames.
///
/// - **Jitter**: each recording draws its σ uniformly from ``jitterMeters`` (markerless 3-D
///   trackers are off by 1–3 cm per joint; e.g. Kanko et al., J. Biomech. 2021), added
///   independently to every coordinate.
/// - **Occlusion**: every joint follows its own two-state Markov chain (visible ↔ occluded) whose
///   stationary occluded fraction is ``occludedFraction`` (twice that for wrists and ankles, the
///   joints most often lost) and whose occlusions last ``meanOcclusionFrames`` frames on average
///   (geometric run lengths). An occluded joint is `nil`.
/// - **Dropped frames**: each frame is lost entirely (all 17 joints `nil`) with probability
///   ``droppedFrameFraction``; the time stamp is kept, as a receiver that knows the frame rate would.
public struct PoseTrackingNoise: Sendable, Hashable {
    /// The per-recording jitter σ range, metres.
    public var jitterMeters: ClosedRange<Double>
    /// The stationary fraction of occluded joint-frames (wrists and ankles: twice this), in [0, 0.5).
    public var occludedFraction: Double
    /// The mean length of an occlusion, frames (≥ 1).
    public var meanOcclusionFrames: Double
    /// The fraction of frames dropped entirely, in [0, 1).
    public var droppedFrameFraction: Double

    /// Creates tracking noise.
    /// - Precondition: jitter ≥ 0, `0 ≤ occludedFraction < 0.5`, `meanOcclusionFrames ≥ 1`,
    ///   `0 ≤ droppedFrameFraction < 1`.
    public init(
        jitterMeters: ClosedRange<Double> = 0.005...0.02, occludedFraction: Double = 0.03,
        meanOcclusionFrames: Double = 4, droppedFrameFraction: Double = 0
    ) {
        precondition(
            jitterMeters.lowerBound >= 0 && jitterMeters.upperBound.isFinite,
            "Jitter must be ≥ 0 and finite, got \(jitterMeters)")
        precondition(
            occludedFraction >= 0 && occludedFraction < 0.5,
            "occludedFraction must be in [0, 0.5), got \(occludedFraction)")
        precondition(meanOcclusionFrames >= 1, "meanOcclusionFrames must be ≥ 1, got \(meanOcclusionFrames)")
        precondition(
            droppedFrameFraction >= 0 && droppedFrameFraction < 1,
            "droppedFrameFraction must be in [0, 1), got \(droppedFrameFraction)")
        self.jitterMeters = jitterMeters
        self.occludedFraction = occludedFraction
        self.meanOcclusionFrames = meanOcclusionFrames
        self.droppedFrameFraction = droppedFrameFraction
    }

    /// No artefacts.
    public static let none = PoseTrackingNoise(jitterMeters: 0...0, occludedFraction: 0)

    /// Applies the artefacts to `frames` in place (visible joints only get jitter).
    /// - Parameters:
    ///   - frames: the frames, in time order.
    ///   - rng: the generator (σ, then frame by frame: jitter, occlusion chains, drops).
    /// - Returns: the jitter σ used, metres.
    @discardableResult
    public func apply<G: RandomNumberGenerator>(to frames: inout [PoseFrame], using rng: inout G) -> Double {
        let sigma = jitterMeters.lowerBound + (jitterMeters.upperBound - jitterMeters.lowerBound) * rng.nextUnitDouble()
        let extremities: Set<PoseJoint> = [.leftWrist, .rightWrist, .leftAnkle, .rightAnkle]
        let fractions = PoseJoint.allCases.map { extremities.contains($0) ? 2 * occludedFraction : occludedFraction }
        let leave = 1 / meanOcclusionFrames
        let enter = fractions.map { f in f <= 0 ? 0 : Swift.min(1, f * leave / (1 - f)) }
        var occluded = fractions.map { rng.nextUnitDouble() < $0 }
        for i in frames.indices {
            let dropped = droppedFrameFraction > 0 && rng.nextUnitDouble() < droppedFrameFraction
            for j in 0..<PoseJoint.count {
                if i > 0 {
                    occluded[j] = occluded[j] ? rng.nextUnitDouble() >= leave : rng.nextUnitDouble() < enter[j]
                }
                guard let p = frames[i].joints[j] else { continue }
                if dropped || occluded[j] {
                    frames[i].joints[j] = nil
                } else if sigma > 0 {
                    frames[i].joints[j] =
                        p + sigma
                        * PoseVector(
                            rng.nextStandardGaussian(), rng.nextStandardGaussian(), rng.nextStandardGaussian())
                }
            }
        }
        return sigma
    }
}

/// The seeded synthetic pose generator: a subject (``PoseBody``) performs an activity
/// (``PoseActivity``, kinematic motion models), forward kinematics gives the 17 joints per frame,
/// the feet are put on the floor, and tracking artefacts (``PoseTrackingNoise``) are added.
///
/// Ground contact: every frame is shifted vertically so that the lower ankle is at its standing
/// height (plus the motion's flight height), and then lifted further if any joint would be less than
/// 4 cm above the floor (lying after a fall, hands on the floor). Stationary activities keep the
/// midpoint of the ankles at the recording's position; walking and running travel along the heading.
///
/// ```swift
/// var rng = Xoshiro256(seed: 7)
/// let body = PoseBody.random(using: &rng)
/// let motion = PoseGenerator.randomMotion(for: .walking, clipSeconds: 1, using: &rng)
/// let recording = PoseGenerator.record(body: body, activity: .walking, motion: motion, frameCount: 30,
///                                      noise: PoseTrackingNoise(), subject: 0, using: &rng)
/// ```
public enum PoseGenerator {
    /// The nominal frame rate, 30 fps.
    public static let defaultFrameRate = 30.0

    /// Draws a motion's variation for a recording of `clipSeconds`: speed and amplitude uniform in
    /// 0.8…1.2, a uniform phase, heading and position (±2 m), a uniform variant, and — for falls and
    /// sit-to-stand — an event time chosen so that the recording shows the event (the fall starts
    /// in the first 40 % of the clip; at least 60 % of the clip is inside the transition).
    public static func randomMotion<G: RandomNumberGenerator>(
        for activity: PoseActivity, clipSeconds: Double, using rng: inout G
    ) -> PoseMotionParameters {
        precondition(clipSeconds > 0 && clipSeconds.isFinite, "clipSeconds must be positive, got \(clipSeconds)")
        func uniform(_ r: ClosedRange<Double>) -> Double {
            r.lowerBound + (r.upperBound - r.lowerBound) * rng.nextUnitDouble()
        }
        var p = PoseMotionParameters(
            speed: uniform(0.8...1.2), amplitude: uniform(0.8...1.2), phase: uniform(0...(2 * .pi)),
            heading: uniform(0...(2 * .pi)), position: SIMD2(uniform(-2...2), uniform(-2...2)),
            variant: Int(rng.next() % 4))
        switch activity {
        case .fall:
            p.eventTimeSeconds = uniform(0...(0.4 * clipSeconds))
        case .sitToStand:
            let duration = 1.7 / p.speed
            let overlap = Swift.min(duration, 0.6 * clipSeconds)
            p.eventTimeSeconds = uniform((overlap - duration)...(clipSeconds - overlap))
        default:
            break
        }
        return p
    }

    /// The noiseless joint positions of one instant (metres, ``PoseJoint`` order, on the floor).
    public static func positions(
        body: PoseBody, activity: PoseActivity, motion: PoseMotionParameters, timeSeconds t: Double
    ) -> [PoseVector] {
        let pose = PoseMotion.pose(activity, time: t, body: body, motion)
        var joints = PoseKinematics.positions(body: body, angles: pose.angles)
        let ankles = [joints[PoseJoint.rightAnkle.rawValue], joints[PoseJoint.leftAnkle.rawValue]]
        let anchor: SIMD2<Double>
        let current: SIMD2<Double>
        if let travel = pose.travel {
            anchor = motion.position + travel
            current = SIMD2(0, 0)
        } else {
            anchor = motion.position
            current = SIMD2((ankles[0].x + ankles[1].x) / 2, (ankles[0].z + ankles[1].z) / 2)
        }
        var lift = body.ankleHeight + pose.hop - Swift.min(ankles[0].y, ankles[1].y)
        let lowest = joints.map(\.y).min()! + lift  // 17 joints
        let margin = 0.04
        if lowest < margin { lift += margin - lowest }
        let shift = PoseVector(anchor.x - current.x, lift, anchor.y - current.y)
        for j in joints.indices { joints[j] += shift }
        return joints
    }

    /// Generates a recording.
    /// - Parameters:
    ///   - body: the subject.
    ///   - activity: the activity.
    ///   - motion: its variation (``randomMotion(for:clipSeconds:using:)``).
    ///   - frameCount: frames (≥ 1).
    ///   - frameRate: frames per second (default 30).
    ///   - noise: tracking artefacts.
    ///   - subject: the subject's identifier for the ground truth.
    ///   - rng: the generator (the noise only).
    /// - Returns: frames stamped `i / frameRate` s and the ground truth (a fall recording is flagged as a fall).
    public static func record<G: RandomNumberGenerator>(
        body: PoseBody, activity: PoseActivity, motion: PoseMotionParameters, frameCount: Int,
        frameRate: Double = defaultFrameRate, noise: PoseTrackingNoise, subject: Int, using rng: inout G
    ) -> PoseRecording {
        precondition(frameCount >= 1, "frameCount must be ≥ 1, got \(frameCount)")
        precondition(frameRate > 0 && frameRate.isFinite, "frameRate must be positive, got \(frameRate)")
        var frames = (0..<frameCount).map { i in
            let t = Double(i) / frameRate
            return PoseFrame(
                timeSeconds: t,
                joints: positions(body: body, activity: activity, motion: motion, timeSeconds: t).map { Optional($0) })
        }
        noise.apply(to: &frames, using: &rng)
        return PoseRecording(
            frameRate: frameRate, frames: frames,
            truth: PoseGroundTruth(
                activity: activity, fall: activity == .fall, heightMeters: body.heightMeters,
                wingspanMeters: body.wingspanMeters, subject: subject))
    }
}

/// Settings of a generated pose data set.
public struct PoseDatasetConfiguration: Sendable, Hashable {
    /// Subjects (each with its own ``PoseBody``).
    public var subjects: Int
    /// Clips per subject and activity.
    public var clipsPerActivity: Int
    /// Frames per clip (default 30: one second at 30 fps).
    public var clipFrames: Int
    /// Frames per second (default 30).
    public var frameRate: Double
    /// The subjects' height range, metres (default 1.45…1.95).
    public var heightRangeMeters: ClosedRange<Double>
    /// Tracking artefacts (default ``PoseTrackingNoise/init(jitterMeters:occludedFraction:meanOcclusionFrames:droppedFrameFraction:)``).
    public var noise: PoseTrackingNoise

    /// Creates settings.
    /// - Precondition: counts ≥ 1, a positive frame rate and height range.
    public init(
        subjects: Int, clipsPerActivity: Int, clipFrames: Int = 30, frameRate: Double = 30,
        heightRangeMeters: ClosedRange<Double> = 1.45...1.95, noise: PoseTrackingNoise = PoseTrackingNoise()
    ) {
        precondition(
            subjects >= 1 && clipsPerActivity >= 1 && clipFrames >= 2,
            "Counts must be ≥ 1 (frames ≥ 2), got \(subjects), \(clipsPerActivity), \(clipFrames)")
        precondition(frameRate > 0 && frameRate.isFinite, "frameRate must be positive, got \(frameRate)")
        precondition(heightRangeMeters.lowerBound > 0, "Heights must be positive, got \(heightRangeMeters)")
        self.subjects = subjects
        self.clipsPerActivity = clipsPerActivity
        self.clipFrames = clipFrames
        self.frameRate = frameRate
        self.heightRangeMeters = heightRangeMeters
        self.noise = noise
    }

    /// A one-line description for provenance records.
    public var summary: String {
        "generated pose: \(subjects) subjects × \(PoseActivity.allCases.count) activities × \(clipsPerActivity) clips of \(clipFrames) frames at \(frameRate) fps, heights \(heightRangeMeters.lowerBound)…\(heightRangeMeters.upperBound) m, jitter \(noise.jitterMeters.lowerBound)…\(noise.jitterMeters.upperBound) m, occluded \(noise.occludedFraction) (mean run \(noise.meanOcclusionFrames) frames), dropped frames \(noise.droppedFrameFraction)"
    }
}

/// A generated set of labelled pose clips, subject by subject.
public struct PoseDataset: Sendable {
    /// The clips, subject-major, then activity, then repetition; each has its ground truth.
    public var clips: [PoseRecording]
    /// The bodies, indexed by subject.
    public var bodies: [PoseBody]

    /// Generates a data set: for each subject, a random body, then for every activity
    /// `clipsPerActivity` clips with independent motion variation and noise.
    /// - Parameters:
    ///   - configuration: sizes, frame rate, heights and noise.
    ///   - rng: the generator.
    public static func generate<G: RandomNumberGenerator>(
        _ configuration: PoseDatasetConfiguration, using rng: inout G
    ) -> PoseDataset {
        var clips: [PoseRecording] = []
        var bodies: [PoseBody] = []
        let seconds = Double(configuration.clipFrames) / configuration.frameRate
        for subject in 0..<configuration.subjects {
            let body = PoseBody.random(heightRangeMeters: configuration.heightRangeMeters, using: &rng)
            bodies.append(body)
            for activity in PoseActivity.allCases {
                for _ in 0..<configuration.clipsPerActivity {
                    let motion = PoseGenerator.randomMotion(for: activity, clipSeconds: seconds, using: &rng)
                    clips.append(
                        PoseGenerator.record(
                            body: body, activity: activity, motion: motion, frameCount: configuration.clipFrames,
                            frameRate: configuration.frameRate, noise: configuration.noise, subject: subject,
                            using: &rng))
                }
            }
        }
        return PoseDataset(clips: clips, bodies: bodies)
    }

    /// The clips' subject identifiers.
    public var subjects: [Int] { clips.map { $0.truth?.subject ?? -1 } }

    /// Splits subject identifiers `0..<subjectCount` into train and test subjects: a shuffled
    /// `testFraction` (at least one) of the subjects are test subjects. Use it to split clips by
    /// subject, never by clip, so no body is seen in both.
    public static func subjectSplit<G: RandomNumberGenerator>(
        subjectCount: Int, testFraction: Double, using rng: inout G
    ) -> (train: [Int], test: [Int]) {
        precondition(subjectCount >= 2, "A subject split needs ≥ 2 subjects, got \(subjectCount)")
        precondition(testFraction > 0 && testFraction < 1, "testFraction must be in (0, 1), got \(testFraction)")
        var ids = Array(0..<subjectCount)
        ids.shuffle(using: &rng)
        let testCount = Swift.min(subjectCount - 1, Swift.max(1, Int((testFraction * Double(subjectCount)).rounded())))
        return (Array(ids[testCount...]).sorted(), Array(ids[..<testCount]).sorted())
    }
}

extension PoseGenerator {
    /// Writes sample recordings: for each of `subjects` random bodies and each activity, one
    /// recording of `durationSeconds` (falls start at 30 % of it, sit-to-stand transitions at
    /// 0.5 s) with default tracking noise, as JSONL files `pose-s<subject>-<activity>.jsonl` in
    /// `directory` (see ``PoseJSONL``); what `semcom samples generate --kind pose` does.
    /// - Returns: the written paths.
    /// - Throws: ``HealthDataError`` `unreadableFile` if a file cannot be written.
    public static func writeSamples<G: RandomNumberGenerator>(
        toDirectory directory: String, subjects: Int, durationSeconds: Double,
        noise: PoseTrackingNoise = PoseTrackingNoise(),
        using rng: inout G
    ) throws(HealthDataError) -> [String] {
        precondition(
            subjects >= 1 && durationSeconds >= 1 && durationSeconds.isFinite,
            "Need ≥ 1 subject and ≥ 1 s, got \(subjects), \(durationSeconds)")
        var paths: [String] = []
        for subject in 0..<subjects {
            let body = PoseBody.random(using: &rng)
            for activity in PoseActivity.allCases {
                var motion = randomMotion(for: activity, clipSeconds: durationSeconds, using: &rng)
                if activity == .fall { motion.eventTimeSeconds = 0.3 * durationSeconds }
                if activity == .sitToStand { motion.eventTimeSeconds = 0.5 }
                let recording = record(
                    body: body, activity: activity, motion: motion, frameCount: Int(durationSeconds * defaultFrameRate),
                    noise: noise, subject: subject, using: &rng)
                let path = directory + "/pose-s\(subject)-\(activity.name).jsonl"
                do {
                    try Data(PoseJSONL.text(of: recording).utf8).write(to: URL(fileURLWithPath: path))
                } catch {
                    throw HealthDataError(
                        code: .unreadableFile, message: "\(path): cannot write the file", file: path, cause: error)
                }
                paths.append(path)
            }
        }
        return paths
    }
}
