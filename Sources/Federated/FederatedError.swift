/// The error thrown by the `Federated` module for impossible settings (typically typed on the
/// command line) and for runs that cannot proceed.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a message naming the
/// parameter, the value received and what was expected, and an optional underlying cause
/// (a `PrivacyError` from calibration, a `SecureAggregationError` from a round).
public struct FederatedError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A configuration value is out of range (clinics, folds, rounds, rates, sizes).
        public static let invalidParameter = Code("invalidParameter")
        /// A privacy parameter is invalid (ε ≤ 0, δ ∉ (0, 1), unknown unit or placement).
        public static let invalidPrivacy = Code("invalidPrivacy")
        /// The target ε cannot be reached by any allowed noise level for this schedule.
        public static let unreachableTarget = Code("unreachableTarget")
        /// Two settings cannot be combined (e.g. analog symbols with secure aggregation).
        public static let incompatibleSettings = Code("incompatibleSettings")
        /// The data cannot support the federation (more clinics than records, an empty class).
        public static let insufficientData = Code("insufficientData")
        /// A round of secure aggregation failed.
        public static let aggregationFailed = Code("aggregationFailed")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the parameter and what was expected.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}
