// The secondary avatar: a body with privatized attributes, and the retargeting of a stream onto it.

import HealthData

/// A secondary avatar: the body other participants see instead of the user's.
///
/// The avatar is the Drillis–Contini body (``HealthData/PoseBody/standard(heightMeters:)``) of
/// the avatar's height — so every **proportion** is the population's, not the user's — with:
/// - height and wingspan: the released (privatized) value when the attribute is privatized,
///   otherwise the measured one (the user chose to show it);
/// - arm length, leg length, shoulder width: the released value when privatized, otherwise the
///   standard proportion of the avatar's height.
///
/// Segments are rescaled consistently: a released leg length rescales ankle, shank and thigh
/// together and the trunk and head take the rest of the height; a released wingspan sets the
/// reach (shoulder joint → fingertip) `(wingspan − shoulder width)/2`, split into upper arm,
/// forearm and hand in Drillis–Contini ratio; a released arm length (shoulder → wrist) fixes upper
/// arm + forearm and the hand takes the rest of the reach (at least 5 % of the height). Attributes
/// are released independently (as in MetaGuard), so an avatar's ape index can be unusual.
public enum SecondaryAvatar {
    /// The avatar body for the given attribute values (metres).
    /// - Parameters:
    ///   - height: the avatar's height (> 0).
    ///   - wingspan: its wingspan, or `nil` for 1.02 × height.
    ///   - armLength: shoulder → wrist, or `nil` for the standard proportion.
    ///   - legLength: floor → hip, or `nil` for the standard proportion.
    ///   - shoulderWidth: or `nil` for the standard proportion.
    /// - Precondition: `height > 0` and every value finite.
    public static func body(
        height: Double, wingspan: Double? = nil, armLength: Double? = nil, legLength: Double? = nil,
        shoulderWidth: Double? = nil
    ) -> PoseBody {
        var b = PoseBody.standard(heightMeters: height)
        let h = height
        if let legLength {
            let leg = Swift.min(0.62 * h, Swift.max(0.4 * h, legLength))
            let legScale = leg / b.legLength
            let upperScale = (h - leg) / (h - b.legLength)
            b.ankleHeight *= legScale
            b.shank *= legScale
            b.thigh *= legScale
            b.lowerSpine *= upperScale
            b.upperSpine *= upperScale
            b.neck *= upperScale
            b.headTop *= upperScale
        }
        if let shoulderWidth { b.shoulderWidth = Swift.min(0.3 * h, Swift.max(0.12 * h, shoulderWidth)) }
        let span = wingspan ?? 1.02 * h
        let reach = Swift.max(0.2 * h, (span - b.shoulderWidth) / 2)
        let upperRatio = 0.186, forearmRatio = 0.146, handRatio = 0.108
        if let armLength {
            let arm = Swift.min(reach - 0.05 * h, Swift.max(0.2 * h, armLength))
            b.upperArm = arm * upperRatio / (upperRatio + forearmRatio)
            b.forearm = arm * forearmRatio / (upperRatio + forearmRatio)
            b.hand = Swift.max(0.05 * h, reach - arm)
        } else {
            let total = upperRatio + forearmRatio + handRatio
            b.upperArm = reach * upperRatio / total
            b.forearm = reach * forearmRatio / total
            b.hand = reach * handRatio / total
        }
        b.wingspanMeters = b.shoulderWidth + 2 * (b.upperArm + b.forearm + b.hand)
        return b
    }

    /// The 17 bone lengths (metres) of a body indexed by child joint (entry 0 is 0).
    public static func boneLengths(of body: PoseBody) -> [Double] {
        let joints = PoseKinematics.positions(body: body, angles: PoseAngles())
        var out = [Double](repeating: 0, count: PoseJoint.count)
        for bone in PoseJoint.bones {
            let d = joints[bone.child.rawValue] - joints[bone.parent.rawValue]
            out[bone.child.rawValue] = (d * d).sum().squareRoot()
        }
        return out
    }
}

/// Re-targets pose frames from the user's body onto an avatar body, frame by frame (a streaming
/// transform with a few vectors of state).
///
/// For every frame, each bone keeps its **direction** (so every joint angle, the posture and the
/// motion are kept) and takes the avatar's **length**; the tree is rebuilt from the pelvis. The
/// root follows the user's path scaled by `s = avatar leg length / user leg length` about the
/// first pelvis position seen (so steps match the avatar's legs), and each frame is placed
/// vertically so that the lower visible ankle is as far above the avatar's ankle height as the
/// user's was above theirs (times `s`): feet stay on the floor, hops keep their shape; a frame is
/// lifted if a joint would go below `min(4 cm, the user's lowest joint)`.
///
/// Occlusions are preserved: a joint missing in the input is missing in the output. A bone whose
/// direction cannot be seen in a frame (an endpoint occluded) keeps its last seen direction (the
/// avatar's rest direction before any), which only matters for visible descendants of an occluded
/// joint. A frame without a pelvis uses the last pelvis seen; before any, the frame is emitted
/// with every joint missing (nothing of the user's body leaks).
public struct PoseRetargeter: Sendable {
    /// The avatar.
    public let avatar: PoseBody
    /// `avatar leg length / user leg length`.
    public let scale: Double
    private let userAnkleHeight: Double
    private let lengths: [Double]
    private let restDirections: [PoseVector]
    private var lastDirections: [PoseVector?]
    private var lastPelvis: PoseVector?
    private var origin: PoseVector?

    /// Creates a retargeter.
    /// - Parameters:
    ///   - avatar: the target body.
    ///   - userLegLength: the user's measured leg length (floor → hip, metres, > 0).
    /// - Precondition: `userLegLength > 0`.
    public init(avatar: PoseBody, userLegLength: Double) {
        precondition(userLegLength > 0 && userLegLength.isFinite, "leg length must be > 0, got \(userLegLength)")
        self.avatar = avatar
        self.scale = avatar.legLength / userLegLength
        self.userAnkleHeight =
            userLegLength * BodyMeasurement.Ratio.ankle
            / (BodyMeasurement.Ratio.ankle + BodyMeasurement.Ratio.shank + BodyMeasurement.Ratio.thigh)
        self.lengths = SecondaryAvatar.boneLengths(of: avatar)
        let rest = PoseKinematics.positions(body: avatar, angles: PoseAngles())
        self.restDirections = PoseJoint.allCases.map { joint in
            guard let parent = joint.parent else { return PoseVector(0, 1, 0) }
            let d = rest[joint.rawValue] - rest[parent.rawValue]
            return d / (d * d).sum().squareRoot()
        }
        self.lastDirections = [PoseVector?](repeating: nil, count: PoseJoint.count)
    }

    /// The avatar's version of `frame` (same time stamp, same occlusions).
    public mutating func retarget(_ frame: PoseFrame) -> PoseFrame {
        let p = frame.joints
        var directions = [PoseVector](repeating: PoseVector(0, 1, 0), count: PoseJoint.count)
        for joint in PoseJoint.allCases.dropFirst() {
            let j = joint.rawValue
            let parent = joint.parent!.rawValue  // non-root joints have a parent
            if let a = p[j], let b = p[parent] {
                let d = a - b
                let norm = (d * d).sum().squareRoot()
                if norm > 1e-9 && norm.isFinite { lastDirections[j] = d / norm }
            }
            directions[j] = lastDirections[j] ?? restDirections[j]
        }
        if let pelvis = p[0] { lastPelvis = pelvis }
        guard let pelvis = lastPelvis, p.contains(where: { $0 != nil }) else {
            return PoseFrame(timeSeconds: frame.timeSeconds, joints: [PoseVector?](repeating: nil, count: PoseJoint.count))
        }
        if origin == nil { origin = pelvis }
        let o = origin!  // set above
        var q = [PoseVector](repeating: .zero, count: PoseJoint.count)
        q[0] = PoseVector(o.x + (pelvis.x - o.x) * scale, pelvis.y * scale, o.z + (pelvis.z - o.z) * scale)
        for joint in PoseJoint.allCases.dropFirst() {
            q[joint.rawValue] = q[joint.parent!.rawValue] + directions[joint.rawValue] * lengths[joint.rawValue]
        }
        // Vertical placement from the visible ankles.
        let ankles = [PoseJoint.rightAnkle.rawValue, PoseJoint.leftAnkle.rawValue].filter { p[$0] != nil }
        if !ankles.isEmpty {
            let userLowest = ankles.map { p[$0]!.y }.min()!  // non-empty, visible
            let avatarLowest = ankles.map { q[$0].y }.min()!
            let target = avatar.ankleHeight + (userLowest - userAnkleHeight) * scale
            let shift = target - avatarLowest
            for j in q.indices { q[j].y += shift }
        }
        let userFloor = p.compactMap { $0?.y }.min()!  // some joint is visible (checked above)
        let allowed = Swift.min(0.04, userFloor)
        let lowest = zip(p, q).filter { $0.0 != nil }.map(\.1.y).min()!
        if lowest < allowed {
            for j in q.indices { q[j].y += allowed - lowest }
        }
        return PoseFrame(timeSeconds: frame.timeSeconds, joints: zip(p, q).map { $0.0 == nil ? nil : $0.1 })
    }
}
