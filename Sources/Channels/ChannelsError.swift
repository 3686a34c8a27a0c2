/// The error thrown by the `Channels` module (bad data, never misuse: misuse traps).
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a message naming the
/// field, offset or length that was wrong and what was expected.
public struct ChannelsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// An input array (bits, symbols, LLRs) has a length the operation cannot take.
        public static let invalidLength = Code("invalidLength")
        /// A parameter value is outside its documented range.
        public static let invalidParameter = Code("invalidParameter")
        /// Input data is not finite (NaN or infinity).
        public static let nonFiniteInput = Code("nonFiniteInput")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the field and what was expected.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
