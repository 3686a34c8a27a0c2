// The single error type thrown by the KnowledgeBase module.

/// An error thrown when a `.semkb` file cannot be read, does not match the format, or fails a check.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` that says what was
/// expected and what was found, and the location — the ``file`` (or the caller's source name), the byte
/// ``offset`` in the file, and the ``section`` name (`"header"`, `"section table"`, `"manifest"` or a data
/// section's name) — wherever they are known. Messages name offsets, lengths, kinds and section names
/// only, never payload values.
///
/// Reading a malformed file (truncated, corrupted, oversized, from a newer writer) always throws one of
/// these; it never traps and never allocates more than the file's size or the reader's
/// ``KnowledgeBase/ReadingLimits`` allow.
public struct KnowledgeBaseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    ///
    /// `Code` wraps a private enum so new codes can be added without breaking clients; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case badMagic
            case unsupportedVersion
            case unsupportedFeature
            case truncated
            case lengthOutOfBounds
            case checksumMismatch
            case decompressionFailed
            case invalidManifest
            case invalidSection
            case duplicateSection
            case layoutMismatch
            case fingerprintMismatch
            case unreadableFile
            case unwritableFile
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The first 8 bytes are not the `.semkb` magic `89 53 45 4D 4B 42 0D 0A` (the message says when
        /// the damage looks like a text-mode transfer or a stripped high bit).
        public static let badMagic = Code(.badMagic)
        /// The format version (bytes 8–9) is not one this reader understands.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A header flag bit or a section's compression method is set that this reader does not understand.
        public static let unsupportedFeature = Code(.unsupportedFeature)
        /// The file ends before a structure it declares (header, table, payload) is complete.
        public static let truncated = Code(.truncated)
        /// A count or length field exceeds the file size or the reader's limits; refused before allocating.
        public static let lengthOutOfBounds = Code(.lengthOutOfBounds)
        /// A CRC-32C (header, section table or section payload) does not match the bytes it covers.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A section's zstd payload does not decompress to its declared uncompressed length.
        public static let decompressionFailed = Code(.decompressionFailed)
        /// The manifest section is not valid UTF-8 JSON or does not decode as a ``Manifest``.
        public static let invalidManifest = Code(.invalidManifest)
        /// A data section's payload does not follow its kind's encoding (counts, UTF-8, shapes, values).
        public static let invalidSection = Code(.invalidSection)
        /// Two sections share a kind and name, or the manifest section is missing, misplaced or repeated.
        public static let duplicateSection = Code(.duplicateSection)
        /// Sections are not contiguous in table order, or the file has bytes the table does not account for.
        public static let layoutMismatch = Code(.layoutMismatch)
        /// The fingerprint recomputed from the content differs from the one stored in the section table.
        public static let fingerprintMismatch = Code(.fingerprintMismatch)
        /// The file could not be opened or read.
        public static let unreadableFile = Code(.unreadableFile)
        /// The file could not be written.
        public static let unwritableFile = Code(.unwritableFile)

        /// The code's name, e.g. `checksumMismatch`.
        public var description: String {
            switch value {
            case .badMagic: "badMagic"
            case .unsupportedVersion: "unsupportedVersion"
            case .unsupportedFeature: "unsupportedFeature"
            case .truncated: "truncated"
            case .lengthOutOfBounds: "lengthOutOfBounds"
            case .checksumMismatch: "checksumMismatch"
            case .decompressionFailed: "decompressionFailed"
            case .invalidManifest: "invalidManifest"
            case .invalidSection: "invalidSection"
            case .duplicateSection: "duplicateSection"
            case .layoutMismatch: "layoutMismatch"
            case .fingerprintMismatch: "fingerprintMismatch"
            case .unreadableFile: "unreadableFile"
            case .unwritableFile: "unwritableFile"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected and what was found (offsets, lengths, kinds and names only).
    public var message: String
    /// The file path, or the source name given to ``KnowledgeBase/init(bytes:source:limits:)``.
    public var file: String?
    /// The byte offset in the file of the field or structure that is wrong, if known.
    public var offset: Int?
    /// The section concerned: `"header"`, `"section table"`, `"manifest"` or a data section's name.
    public var section: String?
    /// The underlying error (a `CompressionError`, a `DecodingError`, a file-system error), if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what was expected and what was found.
    ///   - file: the file path or source name.
    ///   - offset: the byte offset in the file.
    ///   - section: the section name.
    ///   - cause: an underlying error.
    public init(
        code: Code, message: String, file: String? = nil, offset: Int? = nil, section: String? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.section = section
        self.cause = cause
    }

    /// `"KnowledgeBaseError.<code>: <file>: offset <n>: section '<name>': <message>"`, with the parts that
    /// are known.
    public var description: String {
        var parts = ["KnowledgeBaseError.\(code)"]
        if let file { parts.append(file) }
        if let offset { parts.append("offset \(offset)") }
        if let section { parts.append("section '\(section)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
