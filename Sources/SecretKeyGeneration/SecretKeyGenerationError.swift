/// The error thrown by the `SecretKeyGeneration` module: an impossible parameter, a key of the
/// wrong length, or a sealed frame that is truncated, forged, replayed or malformed.
///
/// Shaped like the other modules' errors (swift-nio's `FileSystemError`): an extensible ``Code``
/// and a message naming the field or byte offset that was wrong and what was expected.
public struct SecretKeyGenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A parameter is outside its documented range (probes ≤ 0, α or m out of range, …).
        public static let invalidParameter = Code("invalidParameter")
        /// A name (quantizer, reconciliation, cipher) is not one of the known ones.
        public static let unknownName = Code("unknownName")
        /// A key has the wrong length.
        public static let invalidKeyLength = Code("invalidKeyLength")
        /// A sealed frame ends before its header or tag.
        public static let truncatedFrame = Code("truncatedFrame")
        /// A sealed frame's header is malformed (magic, version, cipher, length field).
        public static let malformedFrame = Code("malformedFrame")
        /// A sealed frame failed authentication (wrong key or a modified byte).
        public static let authenticationFailed = Code("authenticationFailed")
        /// A sealed frame's sequence number was already accepted or is too old.
        public static let replayedFrame = Code("replayedFrame")
        /// Input data is not finite or has the wrong length.
        public static let invalidInput = Code("invalidInput")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the field or offset and what was expected.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
