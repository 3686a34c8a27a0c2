// The single error type thrown by the HealthData module.

/// An error thrown when a health-data file or text cannot be read or does not match its format.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` that says what
/// was expected, and the location — ``file``, 1-based ``line`` and 1-based ``column`` (the
/// comma-separated field number) — where it is known. Messages name files, lines, columns and
/// field names only, never record values.
public struct HealthDataError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    ///
    /// `Code` wraps a private enum so new codes can be added without breaking clients;
    /// compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case emptyFile
            case wrongColumnCount
            case nonNumericField
            case valueOutOfRange
            case invalidClass
            case missingValue
            case unreadableFile
            case malformedLine
            case missingJoint
            case nonFiniteValue
            case timeGap
            case malformedRecord
            case invalidEncoding
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file or text has no data rows (only blank lines, or nothing).
        public static let emptyFile = Code(.emptyFile)
        /// A row has a different number of comma-separated fields than the format requires.
        public static let wrongColumnCount = Code(.wrongColumnCount)
        /// A field that must be an integer (or `?` where missing values are allowed) is not.
        public static let nonNumericField = Code(.nonNumericField)
        /// A numeric field lies outside its allowed range (e.g. a feature outside 1–10).
        public static let valueOutOfRange = Code(.valueOutOfRange)
        /// The class label is not one of the format's class codes.
        public static let invalidClass = Code(.invalidClass)
        /// A field is missing (`?`) and the chosen policy rejects missing values.
        public static let missingValue = Code(.missingValue)
        /// The file could not be opened or read.
        public static let unreadableFile = Code(.unreadableFile)
        /// A JSONL line is not one complete JSON object (e.g. truncated).
        public static let malformedLine = Code(.malformedLine)
        /// A pose frame lacks its time stamp or its 17 joints, or a joint is not `[x, y, z]` or `null`.
        public static let missingJoint = Code(.missingJoint)
        /// A value is NaN or infinite.
        public static let nonFiniteValue = Code(.nonFiniteValue)
        /// Time stamps do not increase, or jump by more than the allowed gap.
        public static let timeGap = Code(.timeGap)
        /// A JSONL record that is not valid JSON or lacks a required field.
        public static let malformedRecord = Code(.malformedRecord)
        /// Bytes that are not valid UTF-8.
        public static let invalidEncoding = Code(.invalidEncoding)

        /// The code's name, e.g. `wrongColumnCount`.
        public var description: String {
            switch value {
            case .emptyFile: "emptyFile"
            case .wrongColumnCount: "wrongColumnCount"
            case .nonNumericField: "nonNumericField"
            case .valueOutOfRange: "valueOutOfRange"
            case .invalidClass: "invalidClass"
            case .missingValue: "missingValue"
            case .unreadableFile: "unreadableFile"
            case .malformedLine: "malformedLine"
            case .missingJoint: "missingJoint"
            case .nonFiniteValue: "nonFiniteValue"
            case .timeGap: "timeGap"
            case .malformedRecord: "malformedRecord"
            case .invalidEncoding: "invalidEncoding"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected, with the location, e.g.
    /// `"data.csv:12:7: bare_nuclei: expected an integer 1–10 or ?"`.
    public var message: String
    /// The file path (or the caller's name for in-memory text), if known.
    public var file: String?
    /// The 1-based line number, if known.
    public var line: Int?
    /// The 1-based column (comma-separated field number), if known.
    public var column: Int?
    /// The underlying error (for example from the file system), if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what was expected (the location is part of the message).
    ///   - file: the file path or source name.
    ///   - line: the 1-based line number.
    ///   - column: the 1-based column (field) number.
    ///   - cause: an underlying error.
    public init(
        code: Code, message: String, file: String? = nil, line: Int? = nil, column: Int? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.cause = cause
    }

    /// `"HealthDataError.<code>: <message>"`, plus the cause if there is one.
    public var description: String {
        "HealthDataError.\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}
