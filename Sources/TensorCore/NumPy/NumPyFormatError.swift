/// The error thrown when a NumPy `.npy` file cannot be read or written, or does not hold the
/// array that was expected.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` naming what
/// was found and what was expected, and the location — ``file`` and byte ``offset`` — where it
/// is known. Messages never contain array values.
public struct NumPyFormatError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. New codes may be added; compare with `==`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        /// The code's name.
        public var description: String { name }

        /// The file could not be read.
        public static let unreadableFile = Code("unreadableFile")
        /// The file could not be written.
        public static let unwritableFile = Code("unwritableFile")
        /// The bytes do not start with the `\x93NUMPY` magic string.
        public static let notNumPy = Code("notNumPy")
        /// A format version other than 1.0, 2.0 or 3.0.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The header dictionary is not the one NumPy writes (keys, literal syntax, padding).
        public static let malformedHeader = Code("malformedHeader")
        /// A dtype other than little-endian float32 (`<f4`) or float64 (`<f8`).
        public static let unsupportedDType = Code("unsupportedDType")
        /// `fortran_order: True` (only C order is read).
        public static let fortranOrder = Code("fortranOrder")
        /// Fewer (or more) data bytes than the shape and dtype need.
        public static let truncated = Code("truncated")
        /// The array's shape is not the one the caller expects.
        public static let wrongShape = Code("wrongShape")
        /// The array's dtype is not the one the caller expects.
        public static let wrongDType = Code("wrongDType")
        /// A value is NaN or infinite where finite values are required.
        public static let nonFiniteValue = Code("nonFiniteValue")
    }

    /// What went wrong.
    public var code: Code
    /// What was found and what was expected.
    public var message: String
    /// The file (or the source name given to the decoder).
    public var file: String
    /// The byte offset in the file, where known.
    public var offset: Int?
    /// The underlying error (an I/O error), if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, file: String, offset: Int? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.cause = cause
    }

    /// `"<file>[ at byte N]: <message>"`.
    public var description: String {
        "\(file)\(offset.map { " at byte \($0)" } ?? ""): \(message)"
    }
}
