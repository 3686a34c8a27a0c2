// Measuring a body from a pose stream: median bone lengths.

import HealthData

/// The body a pose stream shows: the median length of each of the 16 bones over the frames where
/// both of its joints are visible (the median resists jitter and tracking glitches), and the
/// ``PoseAttribute``s derived from them.
///
/// This is what any observer of the stream can compute; the incognito mode measures the user's
/// body this way before privatizing it, and the attackers use it too.
public struct BodyMeasurement: Sendable, Hashable {
    /// Median bone lengths (metres) indexed by the bone's **child** joint (`PoseJoint.rawValue`;
    /// entry 0, the pelvis, is always `nil`); `nil` for a bone never seen whole.
    public var boneLengths: [Double?]

    /// Measures a recording.
    public init(_ recording: PoseRecording) {
        var lengths = [[Double]](repeating: [], count: PoseJoint.count)
        for frame in recording.frames {
            for bone in PoseJoint.bones {
                guard let a = frame[bone.parent], let b = frame[bone.child] else { continue }
                let d = a - b
                let length = (d * d).sum().squareRoot()
                if length.isFinite { lengths[bone.child.rawValue].append(length) }
            }
        }
        boneLengths = lengths.map { values in
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            let n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }
    }

    /// Creates a measurement from bone lengths (17 entries indexed by child joint).
    public init(boneLengths: [Double?]) {
        precondition(boneLengths.count == PoseJoint.count, "17 bone entries expected, got \(boneLengths.count)")
        self.boneLengths = boneLengths
    }

    /// Drillis–Contini ratios (of the height H) used for what the skeleton does not show.
    enum Ratio {
        static let ankle = 0.039
        static let shank = 0.246
        static let thigh = 0.245
        static let forearm = 0.146
        static let hand = 0.108
    }

    /// The value of `attribute` (metres).
    /// - Throws: ``IncognitoError`` `.missingJoints` naming the attribute and the joints the stream
    ///   never shows.
    public func value(of attribute: PoseAttribute) throws(IncognitoError) -> Double {
        switch attribute {
        case .height:
            let trunk = try required([.spine, .thorax, .neck, .head], for: attribute).reduce(0, +)
            let leg = try sides([.rightKnee, .rightAnkle], [.leftKnee, .leftAnkle], for: attribute)
            return (trunk + leg) / (1 - Ratio.ankle)
        case .legLength:
            let leg = try sides([.rightKnee, .rightAnkle], [.leftKnee, .leftAnkle], for: attribute)
            return leg * (Ratio.ankle + Ratio.shank + Ratio.thigh) / (Ratio.shank + Ratio.thigh)
        case .armLength:
            return try sides([.rightElbow, .rightWrist], [.leftElbow, .leftWrist], for: attribute)
        case .shoulderWidth:
            return try required([.leftShoulder, .rightShoulder], for: attribute).reduce(0, +)
        case .wingspan:
            let shoulders = try required([.leftShoulder, .rightShoulder], for: attribute).reduce(0, +)
            let arms = [side([.rightElbow, .rightWrist]), side([.leftElbow, .leftWrist])].compactMap { $0 }
            guard !arms.isEmpty else { throw missing([.rightElbow, .rightWrist], orSide: true, for: attribute) }
            let reach =
                arms.map { $0[0] + $0[1] * (1 + Ratio.hand / Ratio.forearm) }.reduce(0, +) / Double(arms.count)
            return shoulders + 2 * reach
        }
    }

    /// The bones ending at `joints`, all required.
    private func required(_ joints: [PoseJoint], for attribute: PoseAttribute) throws(IncognitoError) -> [Double] {
        let values = joints.map { boneLengths[$0.rawValue] }
        guard values.allSatisfy({ $0 != nil }) else {
            throw missing(joints.filter { boneLengths[$0.rawValue] == nil }, orSide: false, for: attribute)
        }
        return values.map { $0! }  // checked above
    }

    /// The bone lengths of one side's chain, or `nil` if a bone of it was never seen.
    private func side(_ joints: [PoseJoint]) -> [Double]? {
        let values = joints.compactMap { boneLengths[$0.rawValue] }
        return values.count == joints.count ? values : nil
    }

    /// The mean over the visible sides of a chain's total length.
    private func sides(_ right: [PoseJoint], _ left: [PoseJoint], for attribute: PoseAttribute) throws(IncognitoError)
        -> Double
    {
        let totals = [side(right), side(left)].compactMap { $0?.reduce(0, +) }
        guard !totals.isEmpty else { throw missing(right, orSide: true, for: attribute) }
        return totals.reduce(0, +) / Double(totals.count)
    }

    private func missing(_ joints: [PoseJoint], orSide: Bool, for attribute: PoseAttribute) -> IncognitoError {
        let bones = joints.map { "\($0.parent!.name)→\($0.name)" }  // bones end at non-root joints
        return IncognitoError(
            code: .missingJoints,
            message:
                "cannot measure \(attribute.name): the stream never shows the bone\(bones.count > 1 ? "s" : "") \(bones.joined(separator: ", "))\(orSide ? " (nor the other side's)" : "") with both joints visible"
        )
    }
}
