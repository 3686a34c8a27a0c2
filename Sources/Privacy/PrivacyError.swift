/// The error thrown by the `Privacy` module for bad privacy parameters (typically typed by a
/// user on the command line) and for targets an accountant cannot reach.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code`` and a message naming the
/// parameter, the value received and what was expected. The messages are meant to be shown
/// as they are by the `semcom` CLI.
public struct PrivacyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// ε is not a finite number > 0.
        public static let invalidEpsilon = Code("invalidEpsilon")
        /// δ is not in the open interval (0, 1).
        public static let invalidDelta = Code("invalidDelta")
        /// The sampling rate q is not in (0, 1].
        public static let invalidSamplingRate = Code("invalidSamplingRate")
        /// The noise multiplier (or noise standard deviation) is not a finite number > 0.
        public static let invalidNoiseMultiplier = Code("invalidNoiseMultiplier")
        /// The number of steps (compositions) is < 1.
        public static let invalidSteps = Code("invalidSteps")
        /// A sensitivity is not a finite number > 0.
        public static let invalidSensitivity = Code("invalidSensitivity")
        /// Another parameter (discretization interval, order list, search bounds) is out of range.
        public static let invalidParameter = Code("invalidParameter")
        /// The target ε cannot be reached within the allowed noise range.
        public static let unreachableTarget = Code("unreachableTarget")
        /// A bounded domain is empty or not finite (lower bound ≥ upper bound).
        public static let invalidBounds = Code("invalidBounds")
        /// A privacy preset name is neither `high`, `medium`, `low` nor a number.
        public static let unknownPreset = Code("unknownPreset")
        /// A release would exceed a session's ε budget.
        public static let budgetExceeded = Code("budgetExceeded")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the parameter and what was expected.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: the explanation shown to the user.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}

/// Argument validation shared by the mechanisms, accountants and calibration.
enum PrivacyValidation {
    static func epsilon(_ epsilon: Double) throws(PrivacyError) {
        guard epsilon.isFinite, epsilon > 0 else {
            throw PrivacyError(code: .invalidEpsilon, message: "epsilon must be a finite number > 0, got \(epsilon)")
        }
    }

    static func delta(_ delta: Double) throws(PrivacyError) {
        guard delta > 0, delta < 1 else {
            throw PrivacyError(code: .invalidDelta, message: "delta must be in the open interval (0, 1), got \(delta)")
        }
    }

    static func samplingRate(_ q: Double) throws(PrivacyError) {
        guard q > 0, q <= 1 else {
            throw PrivacyError(
                code: .invalidSamplingRate, message: "sampling rate must be in (0, 1], got \(q)")
        }
    }

    static func noiseMultiplier(_ sigma: Double, name: String = "noise multiplier") throws(PrivacyError) {
        guard sigma.isFinite, sigma > 0 else {
            throw PrivacyError(
                code: .invalidNoiseMultiplier, message: "\(name) must be a finite number > 0, got \(sigma)")
        }
    }

    static func steps(_ steps: Int) throws(PrivacyError) {
        guard steps >= 1 else {
            throw PrivacyError(code: .invalidSteps, message: "steps must be ≥ 1, got \(steps)")
        }
    }

    static func sensitivity(_ value: Double, name: String) throws(PrivacyError) {
        guard value.isFinite, value > 0 else {
            throw PrivacyError(
                code: .invalidSensitivity, message: "\(name) must be a finite number > 0, got \(value)")
        }
    }
}
