// Typed errors of the multi-modal record codec.

/// An error of the multi-modal codec: bad records, an unusable knowledge base, or wrong symbols.
public struct MultimodalCodecError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        /// The code's name.
        public var description: String { name }

        /// A record does not fit the codec (field count, non-finite value, missing label).
        public static let invalidRecord = Code("invalidRecord")
        /// A knowledge-base section or manifest entry is absent.
        public static let missingSection = Code("missingSection")
        /// A knowledge-base section does not fit (modality, shapes, JSON, data hash).
        public static let sectionMismatch = Code("sectionMismatch")
        /// Received symbols have the wrong shape or non-finite values.
        public static let incompatibleSymbols = Code("incompatibleSymbols")
        /// A condition or head name is unknown.
        public static let unknownName = Code("unknownName")
    }

    /// What went wrong.
    public var code: Code
    /// What was wrong and what was expected.
    public var message: String
    /// The knowledge-base section, if it applies.
    public var section: String?
    /// The record index, if it applies.
    public var record: Int?
    /// The field index, if it applies.
    public var field: Int?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(
        code: Code, message: String, section: String? = nil, record: Int? = nil, field: Int? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.section = section
        self.record = record
        self.field = field
        self.cause = cause
    }

    /// `"<code>: <message> (section S, record R, field F)"`, listing the known locations.
    public var description: String {
        var location: [String] = []
        if let section { location.append("section \(section)") }
        if let record { location.append("record \(record)") }
        if let field { location.append("field \(field)") }
        var text = "\(code): \(message)"
        if !location.isEmpty { text += " (" + location.joined(separator: ", ") + ")" }
        if let cause { text += " [cause: \(cause)]" }
        return text
    }
}
