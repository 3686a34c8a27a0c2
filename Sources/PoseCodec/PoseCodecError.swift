// The single error type thrown by the PoseCodec module.

/// An error of the pose codec: a knowledge base it cannot use, input it cannot encode, a bad spec.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` saying what was
/// expected, and the ``section`` or ``file`` where known. Messages never contain joint values.
public struct PoseCodecError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case missingSection, sectionMismatch, incompatibleInput, incompatibleSymbols, invalidNoise, unreadableData
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A section or manifest entry the codec needs is absent.
        public static let missingSection = Code(.missingSection)
        /// A section exists but does not fit (modality, shapes, JSON, data hash).
        public static let sectionMismatch = Code(.sectionMismatch)
        /// Clips whose frame count or shape the codec cannot encode.
        public static let incompatibleInput = Code(.incompatibleInput)
        /// Received symbols of the wrong shape or not finite.
        public static let incompatibleSymbols = Code(.incompatibleSymbols)
        /// A semantic-noise spec that cannot be parsed.
        public static let invalidNoise = Code(.invalidNoise)
        /// Data that cannot be read or has no labels.
        public static let unreadableData = Code(.unreadableData)

        /// The code's name.
        public var description: String {
            switch value {
            case .missingSection: "missingSection"
            case .sectionMismatch: "sectionMismatch"
            case .incompatibleInput: "incompatibleInput"
            case .incompatibleSymbols: "incompatibleSymbols"
            case .invalidNoise: "invalidNoise"
            case .unreadableData: "unreadableData"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected.
    public var message: String
    /// The knowledge-base section concerned, if any.
    public var section: String?
    /// The file concerned, if any.
    public var file: String?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(
        code: Code, message: String, section: String? = nil, file: String? = nil, cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.section = section
        self.file = file
        self.cause = cause
    }

    /// `"PoseCodecError.<code>: <message>"` with the section or file.
    public var description: String {
        var text = "PoseCodecError.\(code): \(message)"
        if let section { text += " (section '\(section)')" }
        if let file { text += " (file \(file))" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
