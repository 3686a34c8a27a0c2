// Forward kinematics of the 17-joint tree.

import RealModule
import TensorCore

/// The joint angles of one frame (radians) plus the root's heading and tilt, from which
/// ``PoseKinematics/positions(body:angles:)`` computes the 17 joint positions.
///
/// Sign conventions (subject frame: `x` left, `y` up, `z` forward): flexions are positive
/// forward (hip and shoulder: the limb swings forward; knee: the shank folds back; elbow: the forearm
/// comes forward; spine and neck: bending forward); abductions are positive away from the midline.
/// The root rotation is `R_y(heading) · R_x(pitch) · R_z(roll)`: positive pitch tilts the whole body
/// forward (around the pelvis), positive roll tilts it to the subject's right.
public struct PoseAngles: Sendable, Hashable {
    /// Heading (yaw about `y`); 0 faces `+z`.
    public var heading = 0.0
    /// Whole-body forward tilt.
    public var pitch = 0.0
    /// Whole-body sideways tilt.
    public var roll = 0.0
    /// Forward bend at the pelvis→spine joint.
    public var spineFlexion = 0.0
    /// Forward bend at the spine→thorax joint.
    public var thoraxFlexion = 0.0
    /// Forward bend of the neck.
    public var neckFlexion = 0.0
    /// Hip flexion (right, left).
    public var hipFlexion = (right: 0.0, left: 0.0)
    /// Hip abduction (right, left).
    public var hipAbduction = (right: 0.0, left: 0.0)
    /// Knee flexion (right, left).
    public var kneeFlexion = (right: 0.0, left: 0.0)
    /// Shoulder flexion, forward raise (right, left).
    public var shoulderFlexion = (right: 0.0, left: 0.0)
    /// Shoulder abduction, sideways raise (right, left).
    public var shoulderAbduction = (right: 0.0, left: 0.0)
    /// Elbow flexion (right, left).
    public var elbowFlexion = (right: 0.0, left: 0.0)

    /// All angles zero: standing upright, arms down, facing `+z`.
    public init() {}

    /// Equal when every angle is equal.
    public static func == (a: PoseAngles, b: PoseAngles) -> Bool { a.values == b.values }
    /// Hashes every angle.
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
    private var values: [Double] {
        [
            heading, pitch, roll, spineFlexion, thoraxFlexion, neckFlexion, hipFlexion.right, hipFlexion.left,
            hipAbduction.right, hipAbduction.left, kneeFlexion.right, kneeFlexion.left, shoulderFlexion.right,
            shoulderFlexion.left, shoulderAbduction.right, shoulderAbduction.left, elbowFlexion.right,
            elbowFlexion.left,
        ]
    }
}

/// A 3×3 rotation matrix (rows).
struct Rotation3: Sendable {
    var r0: PoseVector
    var r1: PoseVector
    var r2: PoseVector

    static let identity = Rotation3(r0: PoseVector(1, 0, 0), r1: PoseVector(0, 1, 0), r2: PoseVector(0, 0, 1))

    static func x(_ a: Double) -> Rotation3 {
        let c = cos(a), s = sin(a)
        return Rotation3(r0: PoseVector(1, 0, 0), r1: PoseVector(0, c, -s), r2: PoseVector(0, s, c))
    }
    static func y(_ a: Double) -> Rotation3 {
        let c = cos(a), s = sin(a)
        return Rotation3(r0: PoseVector(c, 0, s), r1: PoseVector(0, 1, 0), r2: PoseVector(-s, 0, c))
    }
    static func z(_ a: Double) -> Rotation3 {
        let c = cos(a), s = sin(a)
        return Rotation3(r0: PoseVector(c, -s, 0), r1: PoseVector(s, c, 0), r2: PoseVector(0, 0, 1))
    }

    static func * (a: Rotation3, v: PoseVector) -> PoseVector {
        PoseVector((a.r0 * v).sum(), (a.r1 * v).sum(), (a.r2 * v).sum())
    }

    static func * (a: Rotation3, b: Rotation3) -> Rotation3 {
        let c0 = PoseVector(b.r0.x, b.r1.x, b.r2.x)
        let c1 = PoseVector(b.r0.y, b.r1.y, b.r2.y)
        let c2 = PoseVector(b.r0.z, b.r1.z, b.r2.z)
        func row(_ r: PoseVector) -> PoseVector { PoseVector((r * c0).sum(), (r * c1).sum(), (r * c2).sum()) }
        return Rotation3(r0: row(a.r0), r1: row(a.r1), r2: row(a.r2))
    }
}

/// Forward kinematics of the ``PoseJoint`` tree: every joint's global rotation is its parent's
/// times its own local rotation, and its position is the parent's position plus the parent's
/// global rotation applied to the joint's rest offset (``PoseBody``), as in any skeletal
/// animation system (e.g. the BVH convention; Craig, "Introduction to Robotics", ch. 3).
public enum PoseKinematics {
    /// The 17 joint positions (metres, ``PoseJoint`` order) with the pelvis at the origin.
    /// - Parameters:
    ///   - body: the segment lengths.
    ///   - angles: the frame's angles.
    public static func positions(body: PoseBody, angles a: PoseAngles) -> [PoseVector] {
        var rotations = [Rotation3](repeating: .identity, count: PoseJoint.count)
        var positions = [PoseVector](repeating: PoseVector(0, 0, 0), count: PoseJoint.count)
        rotations[0] = Rotation3.y(a.heading) * Rotation3.x(a.pitch) * Rotation3.z(a.roll)
        // Joints are numbered so that every parent precedes its children.
        for joint in PoseJoint.allCases.dropFirst() {
            let parent = joint.parent!.rawValue  // every joint but the pelvis has a parent
            positions[joint.rawValue] = positions[parent] + rotations[parent] * body.restOffset(joint)
            rotations[joint.rawValue] = rotations[parent] * localRotation(joint, a)
        }
        return positions
    }

    private static func localRotation(_ joint: PoseJoint, _ a: PoseAngles) -> Rotation3 {
        switch joint {
        case .rightHip: Rotation3.x(-a.hipFlexion.right) * Rotation3.z(-a.hipAbduction.right)
        case .leftHip: Rotation3.x(-a.hipFlexion.left) * Rotation3.z(a.hipAbduction.left)
        case .rightKnee: Rotation3.x(a.kneeFlexion.right)
        case .leftKnee: Rotation3.x(a.kneeFlexion.left)
        case .spine: Rotation3.x(a.spineFlexion)
        case .thorax: Rotation3.x(a.thoraxFlexion)
        case .neck: Rotation3.x(a.neckFlexion)
        case .rightShoulder: Rotation3.x(-a.shoulderFlexion.right) * Rotation3.z(-a.shoulderAbduction.right)
        case .leftShoulder: Rotation3.x(-a.shoulderFlexion.left) * Rotation3.z(a.shoulderAbduction.left)
        case .rightElbow: Rotation3.x(-a.elbowFlexion.right)
        case .leftElbow: Rotation3.x(-a.elbowFlexion.left)
        default: .identity
        }
    }
}

/// Sine and cosine of the motion models (swift-numerics' elementary functions).
func sin(_ x: Double) -> Double { Double.sin(x) }
func cos(_ x: Double) -> Double { Double.cos(x) }
