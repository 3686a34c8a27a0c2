/// The error type of the `Robustness` module: an invalid attack or training setting, or a model
/// (knowledge base) that lacks what an attack needs.
///
/// Shaped like the other modules' errors: an extensible ``Code``, a message naming the field and
/// what was expected (never record values), and an optional underlying cause.
public struct RobustnessError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A budget is negative, not finite, or otherwise outside what the attack accepts.
        public static let invalidBudget = Code("invalidBudget")
        /// A setting (steps, step size, restarts, β, fraction) is outside its valid range.
        public static let invalidSetting = Code("invalidSetting")
        /// An attack or training method name is not known.
        public static let unknownAttack = Code("unknownAttack")
        /// The model or knowledge base lacks what the attack needs (a differentiable input, a task
        /// head, synonym sets).
        public static let unsupportedModel = Code("unsupportedModel")
        /// The data is empty or its shapes do not match the model.
        public static let invalidData = Code("invalidData")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// What was wrong and what was expected.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `Robustness error (code): message`, with the cause if there is one.
    public var description: String {
        "Robustness error (\(code)): \(message)" + (cause.map { " — caused by: \($0)" } ?? "")
    }
}
