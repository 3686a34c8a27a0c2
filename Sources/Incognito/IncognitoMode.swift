// The incognito transform: measure the body, privatize its attributes once per session,
// re-target the stream onto the secondary avatar.

import HealthData
import Privacy

/// Which attributes to privatize, with which ε and domain.
public struct IncognitoConfiguration: Sendable, Hashable {
    /// One privatized attribute.
    public struct Entry: Sendable, Hashable {
        /// The attribute.
        public var attribute: PoseAttribute
        /// Its mechanism (ε, bounds, variant).
        public var mechanism: BoundedLaplaceMechanism
    }

    /// The privatized attributes, in release order.
    public var entries: [Entry]

    /// The same ε for every attribute (a ``Privacy/PrivacyLevel``), population bounds
    /// (``PoseAttribute/populationBounds``) unless given.
    /// - Parameters:
    ///   - level: high / medium / low / custom ε.
    ///   - attributes: what to privatize (not empty).
    ///   - bounds: domain overrides per attribute.
    ///   - variant: the bounded Laplace variant (default truncated, Holohan et al.).
    /// - Throws: ``IncognitoError`` `.invalidEpsilon`, `.unknownAttribute` (empty list).
    public init(
        level: PrivacyLevel, attributes: [PoseAttribute], bounds: [PoseAttribute: AttributeBounds] = [:],
        variant: BoundedLaplaceMechanism.Variant = .truncated
    ) throws(IncognitoError) {
        try self.init(
            epsilons: attributes.map { ($0, level.epsilon) }, bounds: bounds, variant: variant)
    }

    /// A custom ε per attribute.
    /// - Throws: ``IncognitoError`` `.invalidEpsilon` (ε ≤ 0 or not finite), `.unknownAttribute`
    ///   (an empty or repeated list).
    public init(
        epsilons: [(PoseAttribute, Double)], bounds: [PoseAttribute: AttributeBounds] = [:],
        variant: BoundedLaplaceMechanism.Variant = .truncated
    ) throws(IncognitoError) {
        guard !epsilons.isEmpty else {
            throw IncognitoError(code: .unknownAttribute, message: "no attribute to privatize")
        }
        guard Set(epsilons.map(\.0)).count == epsilons.count else {
            throw IncognitoError(code: .unknownAttribute, message: "an attribute is listed twice")
        }
        var entries: [Entry] = []
        for (attribute, epsilon) in epsilons {
            do {
                let mechanism = try BoundedLaplaceMechanism(
                    epsilon: epsilon, bounds: bounds[attribute] ?? attribute.populationBounds, variant: variant)
                entries.append(Entry(attribute: attribute, mechanism: mechanism))
            } catch {
                throw IncognitoError(error, context: attribute.name)
            }
        }
        self.entries = entries
    }

    /// Parses domain overrides `attribute=min:max[,attribute=min:max…]` (metres).
    /// - Throws: ``IncognitoError`` `.unknownAttribute`, or `.invalidBounds` for a malformed entry,
    ///   non-numbers, non-finite values or min ≥ max.
    public static func parseBounds(_ text: String) throws(IncognitoError) -> [PoseAttribute: AttributeBounds] {
        var out: [PoseAttribute: AttributeBounds] = [:]
        for token in text.split(separator: ",") {
            let entry = String(token.filter { !$0.isWhitespace })
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw IncognitoError(
                    code: .invalidBounds, message: "bounds entry '\(entry)': expected attribute=min:max")
            }
            let attribute = try PoseAttribute(named: String(parts[0]))
            let range = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard range.count == 2, let lower = Double(range[0]), let upper = Double(range[1]) else {
                throw IncognitoError(
                    code: .invalidBounds, message: "bounds entry '\(entry)': expected two numbers min:max (metres)")
            }
            do {
                out[attribute] = try AttributeBounds(lower: lower, upper: upper)
            } catch {
                throw IncognitoError(error, context: "bounds of \(attribute.name)")
            }
        }
        return out
    }

    /// Σ ε over the privatized attributes: what one session costs.
    public var totalEpsilon: Double { entries.reduce(0) { $0 + $1.mechanism.epsilon } }
}

/// What the incognito transform did to one recording.
public struct IncognitoResult: Sendable {
    /// The avatar's stream: same time stamps and occlusions, no ground-truth labels.
    public var recording: PoseRecording
    /// The avatar.
    public var avatar: PoseBody
    /// The user's attributes as measured from the input stream (metres).
    public var measured: [PoseAttribute: Double]
    /// The released (privatized) values (metres).
    public var released: [PoseAttribute: Double]
    /// The session's total ε after this recording.
    public var sessionEpsilon: Double
}

/// The incognito mode for pose streams (after MetaGuard, Nair, Garrido & Song 2022): measure the
/// user's body from the stream (``BodyMeasurement``), release each configured attribute **once
/// per session** with the bounded Laplace mechanism (``Privacy/LocalPrivacySession``), build the
/// secondary avatar (``SecondaryAvatar``) and re-target every frame onto it
/// (``PoseRetargeter``) — what others can measure from the output is the avatar, while posture
/// and motion (hence the activity) are kept.
///
/// ```swift
/// var session = try LocalPrivacySession(key: LocalPrivacySession.randomKey(), sessionID: "visit-42")
/// let configuration = try IncognitoConfiguration(level: .high, attributes: [.height, .wingspan])
/// let result = try IncognitoMode.apply(recording, configuration: configuration, session: &session)
/// // result.recording goes to the encoder; session.totalEpsilon == 2
/// ```
public enum IncognitoMode {
    /// Applies the incognito mode to a recording.
    /// - Parameters:
    ///   - recording: the user's stream (metres, y up, floor at 0).
    ///   - configuration: what to privatize.
    ///   - session: the user's session; attributes already released in it are reused (not charged again).
    /// - Throws: ``IncognitoError`` `.emptyRecording`, `.missingJoints` (an attribute or the leg
    ///   length needed for retargeting cannot be measured), `.privacy` (budget exceeded).
    public static func apply(
        _ recording: PoseRecording, configuration: IncognitoConfiguration, session: inout LocalPrivacySession
    ) throws(IncognitoError) -> IncognitoResult {
        guard !recording.frames.isEmpty else {
            throw IncognitoError(code: .emptyRecording, message: "the recording has no frames")
        }
        let measurement = BodyMeasurement(recording)
        var measured: [PoseAttribute: Double] = [:]
        var released: [PoseAttribute: Double] = [:]
        for entry in configuration.entries {
            let value = try measurement.value(of: entry.attribute)
            measured[entry.attribute] = value
            do {
                released[entry.attribute] = try session.release(
                    value, attribute: entry.attribute.name, mechanism: entry.mechanism)
            } catch {
                throw IncognitoError(error, context: entry.attribute.name)
            }
        }
        let userLeg = try measurement.value(of: .legLength)
        measured[.legLength] = measured[.legLength] ?? userLeg
        let height: Double
        if let h = released[.height] {
            height = h
        } else {
            height = try measurement.value(of: .height)
        }
        let wingspan = released[.wingspan] ?? (try? measurement.value(of: .wingspan))
        let avatar = SecondaryAvatar.body(
            height: height, wingspan: wingspan, armLength: released[.armLength], legLength: released[.legLength],
            shoulderWidth: released[.shoulderWidth])
        var retargeter = PoseRetargeter(avatar: avatar, userLegLength: userLeg)
        let frames = recording.frames.map { retargeter.retarget($0) }
        return IncognitoResult(
            recording: PoseRecording(frameRate: recording.frameRate, frames: frames, truth: nil), avatar: avatar,
            measured: measured, released: released, sessionEpsilon: session.totalEpsilon)
    }
}
