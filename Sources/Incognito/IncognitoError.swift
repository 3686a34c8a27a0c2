// The error type of the Incognito module.

import Privacy

/// An error thrown by the incognito mode for bad privacy parameters, unknown names and streams
/// that cannot be measured. The message names the attribute, joint, parameter or file and what
/// was expected; the `semcom` CLI prints it as it is.
public struct IncognitoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// ε is not a finite number > 0.
        public static let invalidEpsilon = Code("invalidEpsilon")
        /// Attribute bounds are not finite or have min ≥ max.
        public static let invalidBounds = Code("invalidBounds")
        /// An attribute name is not one of ``PoseAttribute``'s.
        public static let unknownAttribute = Code("unknownAttribute")
        /// A privacy level is neither a preset nor a number.
        public static let unknownPreset = Code("unknownPreset")
        /// The stream never shows the joints an attribute (or the retargeting) needs.
        public static let missingJoints = Code("missingJoints")
        /// The recording has no frames.
        public static let emptyRecording = Code("emptyRecording")
        /// A privacy-bubble policy has an impossible parameter (negative radius, grid ≤ 0).
        public static let invalidPolicy = Code("invalidPolicy")
        /// Another privacy failure (e.g. a session budget exceeded).
        public static let privacy = Code("privacy")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The error for a ``Privacy/PrivacyError`` (same message; ε, bounds and preset codes mapped).
    public init(_ error: PrivacyError, context: String = "") {
        let code: Code =
            switch error.code {
            case .invalidEpsilon: .invalidEpsilon
            case .invalidBounds: .invalidBounds
            case .unknownPreset: .unknownPreset
            default: .privacy
            }
        self.init(code: code, message: context.isEmpty ? error.message : "\(context): \(error.message)")
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}
