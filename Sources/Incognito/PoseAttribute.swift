// The body attributes a pose stream reveals and the incognito mode privatizes.

import HealthData
import Privacy
import TensorCore

/// A private body attribute that can be measured from a 17-joint pose stream (metres).
///
/// | attribute | definition | bones it needs |
/// |---|---|---|
/// | `height` | floor to top of head, standing | spine, thorax, neck, head, one thigh and shank |
/// | `wingspan` | fingertip to fingertip, arms spread | both clavicles (thorax→shoulders), one upper arm and forearm |
/// | `arm_length` | shoulder joint to wrist | one upper arm and forearm |
/// | `leg_length` | floor to hip joint | one thigh and shank |
/// | `shoulder_width` | between the shoulder joints | both clavicles |
///
/// Joints the skeleton lacks are filled with Drillis–Contini ratios (``HealthData/PoseBody``): the
/// ankle joint's height above the floor is 0.039 H and the hand 0.108/0.146 of the forearm.
public enum PoseAttribute: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// Standing height.
    case height
    /// Arm span.
    case wingspan
    /// Shoulder → wrist.
    case armLength = "arm_length"
    /// Floor → hip joint.
    case legLength = "leg_length"
    /// Shoulder joint to shoulder joint.
    case shoulderWidth = "shoulder_width"

    /// The name used on the command line and in result files, e.g. `arm_length`.
    public var name: String { rawValue }
    /// ``name``.
    public var description: String { rawValue }

    /// The attribute named `name`.
    /// - Throws: ``IncognitoError`` `.unknownAttribute` listing the known names.
    public init(named name: String) throws(IncognitoError) {
        guard let attribute = PoseAttribute(rawValue: name.lowercased()) else {
            throw IncognitoError(
                code: .unknownAttribute,
                message:
                    "unknown attribute '\(name)'; expected one of \(PoseAttribute.allCases.map(\.name).joined(separator: ", "))"
            )
        }
        self = attribute
    }

    /// Parses a comma-separated list (`height,wingspan`), without duplicates, in the given order.
    /// - Throws: ``IncognitoError`` `.unknownAttribute` (also for an empty list).
    public static func parseList(_ text: String) throws(IncognitoError) -> [PoseAttribute] {
        var out: [PoseAttribute] = []
        for token in text.split(separator: ",") {
            let attribute = try PoseAttribute(named: String(token.filter { !$0.isWhitespace }))
            if !out.contains(attribute) { out.append(attribute) }
        }
        guard !out.isEmpty else {
            throw IncognitoError(code: .unknownAttribute, message: "the attribute list '\(text)' is empty")
        }
        return out
    }

    /// The attribute's value for a generator body (the ground truth).
    public func value(of body: PoseBody) -> Double {
        switch self {
        case .height: body.heightMeters
        case .wingspan: body.wingspanMeters
        case .armLength: body.upperArm + body.forearm
        case .legLength: body.legLength
        case .shoulderWidth: body.shoulderWidth
        }
    }

    /// The default domain: the 1st and 99th percentiles of the attribute over 20 000 bodies of the
    /// pose generator's population (``HealthData/PoseBody/random(heightRangeMeters:using:)``,
    /// heights 1.45…1.95 m, `Xoshiro256(seed: 2022)`).
    public var populationBounds: AttributeBounds { Self.population[self]! }  // every case is computed

    private static let population: [PoseAttribute: AttributeBounds] = {
        var rng = Xoshiro256(seed: 2022)
        let bodies = (0..<20_000).map { _ in PoseBody.random(using: &rng) }
        var out: [PoseAttribute: AttributeBounds] = [:]
        for attribute in PoseAttribute.allCases {
            // 20 000 distinct continuous draws: the percentiles differ.
            out[attribute] = try! AttributeBounds.percentiles(of: bodies.map(attribute.value(of:)))
        }
        return out
    }()
}
