/// The error thrown by the `Experiments` module for bad user input or environment: a channel
/// specification or SNR list that does not parse, or a report that cannot be written.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` naming the
/// token, field or path that was wrong and what was expected, and an optional underlying
/// ``cause``. Programmer mistakes (an empty SNR list passed in code, mismatched test-set sizes)
/// trap with a `precondition` instead.
public struct ExperimentsError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes (compare with `==`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A channel specification (e.g. `rician:3`) does not parse.
        public static let invalidChannelSpec = Code("invalidChannelSpec")
        /// An SNR list (e.g. `-10,0,10` or `0:5:20`) does not parse.
        public static let invalidSNRList = Code("invalidSNRList")
        /// A frame-labels file (`semcom encode --labels-out`) does not parse or does not match the
        /// frames being decoded.
        public static let invalidFrameLabels = Code("invalidFrameLabels")
        /// A file or directory of a report could not be written (the cause holds the I/O error).
        public static let outputFailed = Code("outputFailed")

        /// The code's name, e.g. `invalidChannelSpec`.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected and what was found (tokens, field names, paths — never record values).
    public var message: String
    /// The underlying error, if any.
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

    /// `"ExperimentsError.<code>: <message>"`.
    public var description: String { "ExperimentsError.\(code): \(message)" }
}
