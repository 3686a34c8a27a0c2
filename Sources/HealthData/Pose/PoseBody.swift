// Per-subject anthropometrics of the pose generator.

import TensorCore

/// A subject's body: standing height, arm span and the segment lengths of the 17-joint skeleton
/// (``PoseJoint``), all in metres.
///
/// ``random(heightRangeMeters:using:)`` draws bodies from segment ratios of Drillis & Contini
/// ("Body segment parameters", Tech. Rep. 1166-03, New York University, 1966; the proportions
/// tabulated in Winter, "Biomechanics and Motor Control of Human Movement", 4th ed., 2009, fig.
/// 4.1), as fractions of the height `H`:
///
/// | segment | ratio of H | per-subject variation (1σ, relative) |
/// |---|---|---|
/// | floor → ankle joint | 0.039 | 3 % |
/// | ankle → knee (shank) | 0.246 | 3 % |
/// | knee → hip (thigh) | 0.245 | 3 % |
/// | pelvis → spine, spine → thorax | 0.144 each | 3 % |
/// | thorax → neck/nose | 0.090 | 3 % |
/// | neck → top of head | 0.092 | 3 % |
/// | hip joint centres apart | 0.105 | 5 % |
/// | shoulder joint centres apart | 0.220 | 5 % |
/// | upper arm : forearm : hand | 0.186 : 0.146 : 0.108 (rescaled, see below) | 3 % each |
///
/// The vertical chain is renormalized to sum to exactly `H` (a standing subject's `head.y` is their
/// height). The arm span (wingspan, fingertip to fingertip with arms spread) is `H` times an
/// ape index drawn from N(1.02, 0.025²), clamped to 0.95…1.10 (arm span ≈ height, Reeves, Varakamin &
/// Henry, Eur. J. Clin. Nutr. 1996); each arm (shoulder joint → fingertip) is then
/// `(wingspan − shoulder width) / 2`, split into upper arm, forearm and hand in the (varied)
/// Drillis–Contini proportions. The skeleton ends at the wrists, so the hand shows only in the wingspan.
public struct PoseBody: Sendable, Hashable {
    /// Standing height (floor to top of head), metres.
    public var heightMeters: Double
    /// Arm span, fingertip to fingertip, metres.
    public var wingspanMeters: Double
    /// Floor to ankle joint centre when standing.
    public var ankleHeight: Double
    /// Ankle → knee.
    public var shank: Double
    /// Knee → hip joint centre.
    public var thigh: Double
    /// Distance between the hip joint centres.
    public var hipWidth: Double
    /// Pelvis → spine joint.
    public var lowerSpine: Double
    /// Spine → thorax joint.
    public var upperSpine: Double
    /// Thorax → neck/nose joint.
    public var neck: Double
    /// Neck/nose → top of the head.
    public var headTop: Double
    /// Distance between the shoulder joint centres.
    public var shoulderWidth: Double
    /// Shoulder → elbow.
    public var upperArm: Double
    /// Elbow → wrist.
    public var forearm: Double
    /// Wrist → fingertip (not a bone of the skeleton; part of the wingspan).
    public var hand: Double

    /// Leg length, floor to hip joint centre (`ankleHeight + shank + thigh`).
    public var legLength: Double { ankleHeight + shank + thigh }

    /// The Drillis–Contini body of height `heightMeters` with an ape index of 1.02 (no variation).
    /// - Precondition: `heightMeters > 0`.
    public static func standard(heightMeters: Double) -> PoseBody {
        precondition(heightMeters > 0 && heightMeters.isFinite, "Height must be positive, got \(heightMeters)")
        return make(
            height: heightMeters, vertical: verticalRatios, widths: (0.105, 0.220), arm: armRatios, apeIndex: 1.02)
    }

    /// Draws a body: height uniform in `heightRangeMeters`, then segment proportions and ape index
    /// varied as in the type's table.
    /// - Parameters:
    ///   - heightRangeMeters: the height range (default 1.45…1.95 m).
    ///   - rng: the generator.
    /// - Precondition: the range is positive and finite.
    public static func random<G: RandomNumberGenerator>(
        heightRangeMeters: ClosedRange<Double> = 1.45...1.95, using rng: inout G
    ) -> PoseBody {
        precondition(
            heightRangeMeters.lowerBound > 0 && heightRangeMeters.upperBound.isFinite,
            "Height range must be positive and finite, got \(heightRangeMeters)")
        let h =
            heightRangeMeters.lowerBound + (heightRangeMeters.upperBound - heightRangeMeters.lowerBound)
            * rng.nextUnitDouble()
        func varied(_ value: Double, _ sigma: Double) -> Double {
            value * (1 + sigma * Swift.min(2.5, Swift.max(-2.5, rng.nextStandardGaussian())))
        }
        let vertical = verticalRatios.map { varied($0, 0.03) }
        let widths = (varied(0.105, 0.05), varied(0.220, 0.05))
        let arm = armRatios.map { varied($0, 0.03) }
        let ape = Swift.min(1.10, Swift.max(0.95, 1.02 + 0.025 * rng.nextStandardGaussian()))
        return make(height: h, vertical: vertical, widths: widths, arm: arm, apeIndex: ape)
    }

    /// Floor→ankle, shank, thigh, pelvis→spine, spine→thorax, thorax→neck, neck→head top.
    static let verticalRatios: [Double] = [0.039, 0.246, 0.245, 0.144, 0.144, 0.090, 0.092]
    /// Upper arm, forearm, hand.
    static let armRatios: [Double] = [0.186, 0.146, 0.108]

    private static func make(
        height h: Double, vertical: [Double], widths: (hip: Double, shoulder: Double), arm: [Double], apeIndex: Double
    ) -> PoseBody {
        let total = vertical.reduce(0, +)
        let v = vertical.map { $0 / total * h }
        let shoulderWidth = widths.shoulder * h
        let wingspan = apeIndex * h
        let armLength = (wingspan - shoulderWidth) / 2
        let armTotal = arm.reduce(0, +)
        return PoseBody(
            heightMeters: h, wingspanMeters: wingspan, ankleHeight: v[0], shank: v[1], thigh: v[2],
            hipWidth: widths.hip * h, lowerSpine: v[3], upperSpine: v[4], neck: v[5], headTop: v[6],
            shoulderWidth: shoulderWidth, upperArm: armLength * arm[0] / armTotal,
            forearm: armLength * arm[1] / armTotal, hand: armLength * arm[2] / armTotal)
    }

    /// The offset of `joint` from its parent in the parent's frame at rest (standing, arms down),
    /// metres; zero for the pelvis.
    func restOffset(_ joint: PoseJoint) -> PoseVector {
        switch joint {
        case .pelvis: PoseVector(0, 0, 0)
        case .rightHip: PoseVector(-hipWidth / 2, 0, 0)
        case .leftHip: PoseVector(hipWidth / 2, 0, 0)
        case .rightKnee, .leftKnee: PoseVector(0, -thigh, 0)
        case .rightAnkle, .leftAnkle: PoseVector(0, -shank, 0)
        case .spine: PoseVector(0, lowerSpine, 0)
        case .thorax: PoseVector(0, upperSpine, 0)
        case .neck: PoseVector(0, neck, 0)
        case .head: PoseVector(0, headTop, 0)
        case .leftShoulder: PoseVector(shoulderWidth / 2, 0, 0)
        case .rightShoulder: PoseVector(-shoulderWidth / 2, 0, 0)
        case .leftElbow, .rightElbow: PoseVector(0, -upperArm, 0)
        case .leftWrist, .rightWrist: PoseVector(0, -forearm, 0)
        }
    }
}
