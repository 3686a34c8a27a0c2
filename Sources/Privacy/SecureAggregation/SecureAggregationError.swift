// The error type thrown by the secure-aggregation part of the Privacy module.

/// An error thrown when a secure-aggregation message, share or protocol state is not what the
/// protocol expects (Bonawitz et al. 2017).
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code`` and a ``message`` that names the
/// field, client ID or length that was wrong and what was expected. Messages never contain mask,
/// key, share or input values — only IDs, counts and lengths.
///
/// Programmer mistakes (a threshold above the client count, a modulus out of range, an input of the
/// wrong length handed to the client that owns it) trap with `precondition` instead.
public struct SecureAggregationError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case malformedMessage
            case unknownClient
            case duplicateMessage
            case tooFewClients
            case decryptionFailed
            case reconstructionFailed
            case outOfOrder
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A message or serialized share has the wrong length, an invalid key, an out-of-range field
        /// element or an inconsistent header.
        public static let malformedMessage = Code(.malformedMessage)
        /// A message names a client ID that is not part of the round it was sent in.
        public static let unknownClient = Code(.unknownClient)
        /// A client sent the same round's message twice, or two shares have the same x-coordinate.
        public static let duplicateMessage = Code(.duplicateMessage)
        /// Fewer clients than the threshold took part in a round, so the protocol must abort
        /// (continuing could reveal an individual input).
        public static let tooFewClients = Code(.tooFewClients)
        /// An encrypted share failed ChaCha20-Poly1305 authentication or names the wrong sender/recipient.
        public static let decryptionFailed = Code(.decryptionFailed)
        /// Shamir reconstruction was impossible (too few or inconsistent shares).
        public static let reconstructionFailed = Code(.reconstructionFailed)
        /// A protocol step was called before the step it depends on, or twice.
        public static let outOfOrder = Code(.outOfOrder)

        /// The code's name, e.g. `tooFewClients`.
        public var description: String {
            switch value {
            case .malformedMessage: "malformedMessage"
            case .unknownClient: "unknownClient"
            case .duplicateMessage: "duplicateMessage"
            case .tooFewClients: "tooFewClients"
            case .decryptionFailed: "decryptionFailed"
            case .reconstructionFailed: "reconstructionFailed"
            case .outOfOrder: "outOfOrder"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected and what was found (IDs, counts, lengths; never secret values).
    public var message: String

    /// Creates an error with a code and a message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "SecureAggregationError(\(code)): \(message)" }
}
