/// The error thrown by the `RawTransmission` module for bad configuration data or inputs
/// (a non-finite value in a sample, an empty payload, an unparseable Eb/N0 list, …).
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` naming the
/// field or offset that was wrong and what was expected, and an optional underlying ``cause``.
/// Messages never contain sample values, only field names, offsets and sizes. Programmer
/// mistakes (an impossible parameter) trap with a `precondition` instead; a frame that fails its
/// CRC or does not decompress is *not* an error but a counted decode failure (see
/// ``RawTransmissionReport``).
public struct RawTransmissionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes (compare with `==`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A sample value is NaN or infinite where the quantizer cannot represent it.
        public static let nonFiniteValue = Code("nonFiniteValue")
        /// The sample or payload is empty (nothing to transmit).
        public static let emptyPayload = Code("emptyPayload")
        /// Text or a list (e.g. an Eb/N0 list or a channel name) does not parse.
        public static let invalidSyntax = Code("invalidSyntax")
        /// A configuration value read from data is outside its documented range.
        public static let invalidParameter = Code("invalidParameter")
        /// Source compression failed (the ``RawTransmissionError/cause`` holds the zstd error).
        public static let compressionFailed = Code("compressionFailed")

        /// The code's name, e.g. `nonFiniteValue`.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected and what was found (field names, offsets and sizes only).
    public var message: String
    /// The underlying error, if any (e.g. a `CompressionError`).
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what was expected and what was found.
    ///   - cause: the underlying error, if any.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `"RawTransmissionError.<code>: <message>"`.
    public var description: String { "RawTransmissionError.\(code): \(message)" }
}
