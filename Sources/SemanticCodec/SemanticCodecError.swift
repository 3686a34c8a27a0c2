/// The single error type thrown by the `SemanticCodec` module: bad data, never misuse
/// (misuse traps with a precondition).
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` that names the
/// field and what was expected, and where it happened — the ``file`` (when reading a named file),
/// the byte ``offset`` in the stream and the zero-based ``frameIndex`` of a `.semf` frame.
/// Messages never contain record values, only field names, offsets, counts and fingerprints.
///
/// ```swift
/// do {
///     while let frame = try reader.next() { … }
/// } catch let error as SemanticCodecError where error.code == .checksumMismatch {
///     print(error)   // "checksumMismatch: CRC-32C mismatch in frame #3 … (file x.semf, offset 412)"
/// }
/// ```
public struct SemanticCodecError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        /// The code's name, e.g. `"truncatedFrame"`.
        public var description: String { name }

        /// The stream ends inside a frame (a header, payload or checksum is cut short).
        public static let truncatedFrame = Code("truncatedFrame")
        /// A frame does not start with the `.semf` magic bytes `SEMF`.
        public static let badMagic = Code("badMagic")
        /// The frame's CRC-32C does not match its header and payload.
        public static let checksumMismatch = Code("checksumMismatch")
        /// The frame's format version is not one this reader understands.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The frame's symbol-encoding byte names no known encoding.
        public static let unsupportedEncoding = Code("unsupportedEncoding")
        /// The frame's modality byte names no known modality.
        public static let unsupportedModality = Code("unsupportedModality")
        /// The frame declares more symbols than the reader accepts (refused before allocating).
        public static let oversizedFrame = Code("oversizedFrame")
        /// A header field that must hold a fixed value (reserved bytes) or a payload value
        /// (an int8 scale) is invalid.
        public static let invalidField = Code("invalidField")
        /// The frame was produced with a different knowledge base than the receiver's.
        public static let knowledgeBaseMismatch = Code("knowledgeBaseMismatch")
        /// Frames or symbol blocks do not fit what the decoder expects (symbol count, modality, task).
        public static let incompatibleFrame = Code("incompatibleFrame")
        /// Reading from or writing to the underlying file or stream failed.
        public static let ioFailure = Code("ioFailure")
        /// A semantic-noise specification (`name:rate[,name:rate…]`) does not parse, names an unknown
        /// noise, a rate outside [0, 1], or a noise that does not act at the stage where it is used.
        public static let invalidNoiseSpec = Code("invalidNoiseSpec")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the field and what was expected.
    public var message: String
    /// The file being read or written, if known.
    public var file: String?
    /// The byte offset in the stream where the problem was found (start of the offending field
    /// or of the cut-off frame), if it applies.
    public var offset: Int?
    /// The zero-based index of the frame in its stream, if it applies.
    public var frameIndex: Int?
    /// The underlying error (e.g. an I/O error), if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: what was wrong and what was expected.
    ///   - file: the file, if known.
    ///   - offset: the byte offset, if it applies.
    ///   - frameIndex: the zero-based frame index, if it applies.
    ///   - cause: an underlying error.
    public init(
        code: Code, message: String, file: String? = nil, offset: Int? = nil, frameIndex: Int? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.frameIndex = frameIndex
        self.cause = cause
    }

    /// `"<code>: <message> (file F, offset N, frame #i)"`, listing only the locations that are known.
    public var description: String {
        var location: [String] = []
        if let file { location.append("file \(file)") }
        if let offset { location.append("offset \(offset)") }
        if let frameIndex { location.append("frame #\(frameIndex)") }
        var text = "\(code): \(message)"
        if !location.isEmpty { text += " (" + location.joined(separator: ", ") + ")" }
        if let cause { text += " [cause: \(cause)]" }
        return text
    }
}
