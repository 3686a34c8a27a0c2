/// The error thrown by the `NeuralNet` module for bad data (never for misuse: misuse traps).
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a message naming the
/// field or byte offset that was wrong and what was expected, and an optional underlying cause
/// (for example the I/O error of a file read).
public struct NeuralNetError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The data ends before a field that must be present (the message names the offset and field).
        public static let truncated = Code("truncated")
        /// The data is not in the expected format (bad magic, bad checksum, impossible field value).
        public static let corrupted = Code("corrupted")
        /// The data declares a format version this build cannot read.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The data is well formed but does not match what the caller expected (tensor count or shapes).
        public static let mismatch = Code("mismatch")
        /// Reading or writing a file failed (the cause holds the underlying error).
        public static let io = Code("io")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the field or offset and what was expected.
    public var message: String
    /// The underlying error, if any (for example a file-system error).
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: names the field or byte offset and what was expected.
    ///   - cause: the underlying error, if any.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }
}
