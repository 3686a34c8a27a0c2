// The single error type thrown by the ClinicalTextCodec module.

/// An error of the clinical-text codec: a note, a noise spec, a data file or a knowledge-base
/// section it cannot use. ``description`` names the note, file, line, offset or section.
public struct ClinicalTextCodecError: Error, Sendable, CustomStringConvertible {
    /// What went wrong (an open set of codes).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        /// The code's name.
        public var description: String { name }

        /// A file could not be read.
        public static let unreadableFile = Code("unreadableFile")
        /// A note is empty (no characters other than white space).
        public static let emptyNote = Code("emptyNote")
        /// A note's bytes are not valid UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
        /// A noise spec is malformed, names an unknown noise or has a rate out of range.
        public static let invalidNoiseSpec = Code("invalidNoiseSpec")
        /// A data set is unusable (too few notes, a class missing, an unknown concept).
        public static let invalidData = Code("invalidData")
        /// A knowledge-base section or manifest entry is missing.
        public static let missingSection = Code("missingSection")
        /// A knowledge-base section does not fit the codec.
        public static let sectionMismatch = Code("sectionMismatch")
        /// Received symbols have the wrong shape or non-finite values.
        public static let incompatibleSymbols = Code("incompatibleSymbols")
    }

    /// The code.
    public var code: Code
    /// A human-readable message saying what was expected.
    public var message: String
    /// The file, if any.
    public var file: String?
    /// The 1-based line, if any.
    public var line: Int?
    /// The index of the note in its batch, if any.
    public var note: Int?
    /// The byte offset inside the note or file, if any.
    public var offset: Int?
    /// The knowledge-base section, if any.
    public var section: String?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(
        code: Code, message: String, file: String? = nil, line: Int? = nil, note: Int? = nil, offset: Int? = nil,
        section: String? = nil, cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.note = note
        self.offset = offset
        self.section = section
        self.cause = cause
    }

    /// `code: message (file …, line …, note …, offset …, section …) [cause: …]`.
    public var description: String {
        var location: [String] = []
        if let file { location.append("file \(file)") }
        if let line { location.append("line \(line)") }
        if let note { location.append("note \(note)") }
        if let offset { location.append("offset \(offset)") }
        if let section { location.append("section \(section)") }
        var text = "\(code): \(message)"
        if !location.isEmpty { text += " (" + location.joined(separator: ", ") + ")" }
        if let cause { text += " [cause: \(cause)]" }
        return text
    }
}
