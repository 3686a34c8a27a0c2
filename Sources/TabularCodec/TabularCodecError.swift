/// The single error type thrown by the `TabularCodec` module: bad data (schema files, CSV files,
/// knowledge bases), never misuse (misuse traps with a precondition).
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a ``message`` that says what
/// was expected, and where it happened — the ``file``, the 1-based ``line`` and ``column`` of a CSV
/// cell, the schema ``field`` and the knowledge-base ``section``, when known. Messages name
/// files, positions, fields and sections; a CSV cell's text is quoted only when it failed to parse
/// (it is what the reader must fix).
///
/// ```swift
/// do {
///     let table = try TabularDataset.load(contentsOfFile: "visits.csv", schema: schema)
/// } catch let error as TabularCodecError where error.code == .valueOutOfRange {
///     print(error)  // "valueOutOfRange: … (file visits.csv, line 12, column 3, field systolic_bp)"
/// }
/// ```
public struct TabularCodecError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        /// The code's name, e.g. `"wrongColumnCount"`.
        public var description: String { name }

        /// A file could not be read or written.
        public static let unreadableFile = Code("unreadableFile")
        /// A schema file is not valid JSON of the ``TableSchema`` format, or is inconsistent
        /// (duplicate names, no label column, a categorical field without categories, …).
        public static let invalidSchema = Code("invalidSchema")
        /// The CSV has no data rows.
        public static let emptyData = Code("emptyData")
        /// A CSV line has a different number of cells than the schema has columns.
        public static let wrongColumnCount = Code("wrongColumnCount")
        /// The CSV header does not name the schema's columns in order.
        public static let headerMismatch = Code("headerMismatch")
        /// A numeric cell does not parse as a finite number.
        public static let nonNumericField = Code("nonNumericField")
        /// A numeric cell lies outside the field's valid range.
        public static let valueOutOfRange = Code("valueOutOfRange")
        /// A categorical cell is not one of the field's categories.
        public static let unknownCategory = Code("unknownCategory")
        /// The label cell is not one of the schema's label values.
        public static let unknownLabel = Code("unknownLabel")
        /// A cell is missing where the field's policy rejects missing values (or the label is missing).
        public static let missingValue = Code("missingValue")
        /// A knowledge base lacks a section the tabular codec needs.
        public static let missingSection = Code("missingSection")
        /// A knowledge-base section or manifest entry does not fit the rest (shape, count, modality).
        public static let sectionMismatch = Code("sectionMismatch")
        /// Symbols given to the decoder do not have the knowledge base's `[records, 2·k]` shape.
        public static let incompatibleSymbols = Code("incompatibleSymbols")
        /// A semantic-noise spec names a noise the table cannot have (e.g. `swap` with fewer than
        /// two numeric features) or one that is not tabular.
        public static let unsupportedNoise = Code("unsupportedNoise")
    }

    /// What went wrong.
    public var code: Code
    /// What was wrong and what was expected.
    public var message: String
    /// The file being read, if known.
    public var file: String?
    /// The 1-based line of a CSV file, if it applies.
    public var line: Int?
    /// The 1-based column (cell number) of a CSV line, if it applies.
    public var column: Int?
    /// The schema field involved, if any.
    public var field: String?
    /// The knowledge-base section involved, if any.
    public var section: String?
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(
        code: Code, message: String, file: String? = nil, line: Int? = nil, column: Int? = nil,
        field: String? = nil, section: String? = nil, cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.section = section
        self.cause = cause
    }

    /// `"<code>: <message> (file F, line L, column C, field X, section S)"`, listing only what is known.
    public var description: String {
        var location: [String] = []
        if let file { location.append("file \(file)") }
        if let line { location.append("line \(line)") }
        if let column { location.append("column \(column)") }
        if let field { location.append("field \(field)") }
        if let section { location.append("section \(section)") }
        var text = "\(code): \(message)"
        if !location.isEmpty { text += " (" + location.joined(separator: ", ") + ")" }
        if let cause { text += " [cause: \(cause)]" }
        return text
    }
}
