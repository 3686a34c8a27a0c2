// The 17-joint skeleton shared by the pose generator, the JSONL loader and the pose codec.

/// A 3-D point or direction in metres: `x` to the subject's left at heading 0, `y` up, `z` forward.
public typealias PoseVector = SIMD3<Double>

/// The 17 joints of SemCom's pose skeleton, in the order of the Human3.6M 17-joint layout used by
/// most 3-D pose lifters (Ionescu et al., "Human3.6M", IEEE TPAMI 2014; e.g. VideoPose3D), which
/// is also the order of a frame's `joints` array in the JSONL format (<doc:PoseJSONLFormat>).
///
/// Coordinates are metres in a right-handed world frame with `y` **up** and the floor at `y = 0`;
/// at heading 0 a subject faces `+z` and `+x` is the subject's left. `pelvis` is the midpoint of
/// the hip joint centres, `head` the top of the head (so a standing subject's `head.y` is their
/// height), `ankle`s are the ankle joint centres.
///
/// | index | joint | parent |
/// |---|---|---|
/// | 0 | pelvis | — (root) |
/// | 1, 2, 3 | right hip, knee, ankle | pelvis, 1, 2 |
/// | 4, 5, 6 | left hip, knee, ankle | pelvis, 4, 5 |
/// | 7 | spine (mid-back) | pelvis |
/// | 8 | thorax (between the shoulders) | spine |
/// | 9 | neck / nose | thorax |
/// | 10 | head (top) | neck |
/// | 11, 12, 13 | left shoulder, elbow, wrist | thorax, 11, 12 |
/// | 14, 15, 16 | right shoulder, elbow, wrist | thorax, 14, 15 |
public enum PoseJoint: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case pelvis = 0
    case rightHip, rightKnee, rightAnkle
    case leftHip, leftKnee, leftAnkle
    case spine, thorax, neck, head
    case leftShoulder, leftElbow, leftWrist
    case rightShoulder, rightElbow, rightWrist

    /// The number of joints (17).
    public static let count = 17

    /// The parent in the kinematic tree (`nil` for the root, the pelvis).
    public var parent: PoseJoint? {
        switch self {
        case .pelvis: nil
        case .rightHip, .leftHip, .spine: .pelvis
        case .rightKnee: .rightHip
        case .rightAnkle: .rightKnee
        case .leftKnee: .leftHip
        case .leftAnkle: .leftKnee
        case .thorax: .spine
        case .neck, .leftShoulder, .rightShoulder: .thorax
        case .head: .neck
        case .leftElbow: .leftShoulder
        case .leftWrist: .leftElbow
        case .rightElbow: .rightShoulder
        case .rightWrist: .rightElbow
        }
    }

    /// The joint's name as written in documentation, e.g. `left_wrist`.
    public var name: String {
        switch self {
        case .pelvis: "pelvis"
        case .rightHip: "right_hip"
        case .rightKnee: "right_knee"
        case .rightAnkle: "right_ankle"
        case .leftHip: "left_hip"
        case .leftKnee: "left_knee"
        case .leftAnkle: "left_ankle"
        case .spine: "spine"
        case .thorax: "thorax"
        case .neck: "neck"
        case .head: "head"
        case .leftShoulder: "left_shoulder"
        case .leftElbow: "left_elbow"
        case .leftWrist: "left_wrist"
        case .rightShoulder: "right_shoulder"
        case .rightElbow: "right_elbow"
        case .rightWrist: "right_wrist"
        }
    }

    /// ``name``.
    public var description: String { name }

    /// The 16 bones as (parent, child) pairs, in child-index order.
    public static let bones: [(parent: PoseJoint, child: PoseJoint)] = allCases.compactMap { joint in
        joint.parent.map { ($0, joint) }
    }
}

/// One frame of 3-D pose: a time stamp and 17 joint positions (metres), `nil` where the tracker
/// lost the joint (occluded).
public struct PoseFrame: Sendable, Hashable {
    /// Seconds since the start of the recording.
    public var timeSeconds: Double
    /// Exactly ``PoseJoint/count`` entries in ``PoseJoint`` order; `nil` marks an occluded joint.
    public var joints: [PoseVector?]

    /// Creates a frame.
    /// - Precondition: `joints.count == 17`.
    public init(timeSeconds: Double, joints: [PoseVector?]) {
        precondition(joints.count == PoseJoint.count, "A pose frame has \(PoseJoint.count) joints, got \(joints.count)")
        self.timeSeconds = timeSeconds
        self.joints = joints
    }

    /// The position of `joint`, or `nil` if occluded.
    public subscript(_ joint: PoseJoint) -> PoseVector? { joints[joint.rawValue] }

    /// The number of occluded joints.
    public var occludedCount: Int { joints.lazy.filter { $0 == nil }.count }
}
