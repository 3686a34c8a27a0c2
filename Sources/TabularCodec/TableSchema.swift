// The JSON description of a CSV table: columns, roles, kinds, ranges, categories, missing values, labels.

import KnowledgeBase

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The description of a CSV table of health records that drives the generic loader
/// (``TabularDataset``), the preprocessing (``TabularPreprocessor``) and the codec: a new table needs a
/// schema file, not code.
///
/// A schema lists every CSV column in file order with its ``Column/role`` — an input `feature`, the
/// class `label`, a record `id`, or a column to `ignore` — and, for features, the kind (numeric or
/// categorical, the `KnowledgeBase.Schema.Field.Kind`), unit, valid range, categories, the tokens that
/// mark a missing value and the `KnowledgeBase.Schema.MissingValuePolicy`. ``labels`` maps the label
/// column's file values to class names in label-index order. ``csv`` gives the dialect.
///
/// **File format** (JSON, snake_case keys; optional keys may be omitted):
///
/// ```json
/// {
///   "name": "bcwd", "task": "diagnosis",
///   "csv": { "delimiter": ",", "header": false },
///   "columns": [
///     { "name": "sample_code_number", "role": "id" },
///     { "name": "clump_thickness", "role": "feature", "kind": "numeric", "unit": "grade",
///       "range": { "min": 1, "max": 10 }, "missing_tokens": ["?"], "missing_values": "drop_record" },
///     { "name": "class", "role": "label" }
///   ],
///   "labels": [ { "value": "2", "name": "benign" }, { "value": "4", "name": "malignant" } ]
/// }
/// ```
///
/// The features (in column order) become the manifest's `KnowledgeBase.Schema` (``manifestSchema``);
/// the whole schema is stored in the knowledge base as well, so a decoder rebuilds the loader from it.
public struct TableSchema: Codable, Sendable, Hashable {
    /// A short name of the table, e.g. `"bcwd"`.
    public var name: String
    /// The classification task, e.g. `"diagnosis"`.
    public var task: String
    /// Free text for people (source, licence), if any.
    public var description: String?
    /// The CSV dialect.
    public var csv: CSVDialect
    /// Every column of the file, in file order.
    public var columns: [Column]
    /// The label column's values and their class names, in label-index order.
    public var labels: [LabelValue]

    /// Creates a schema.
    /// - Precondition: the schema is consistent (see ``validate()``); a schema read from a file is
    ///   checked with a thrown error instead.
    public init(
        name: String, task: String, description: String? = nil, csv: CSVDialect = CSVDialect(), columns: [Column],
        labels: [LabelValue]
    ) {
        self.name = name
        self.task = task
        self.description = description
        self.csv = csv
        self.columns = columns
        self.labels = labels
        do { try validate() } catch { preconditionFailure("Inconsistent table schema: \(error.message)") }
    }

    enum CodingKeys: String, CodingKey {
        case name, task, description, csv, columns, labels
    }

    /// The CSV dialect of a table file.
    public struct CSVDialect: Codable, Sendable, Hashable {
        /// The cell separator, a single character (e.g. `","`, `";"`, `"\t"`).
        public var delimiter: String
        /// Whether the first non-blank line is a header naming the columns (checked against the schema).
        public var header: Bool
        /// The quote character of RFC 4180 quoted cells (`"` by default).
        public var quote: String

        /// Creates a dialect.
        public init(delimiter: String = ",", header: Bool = false, quote: String = "\"") {
            self.delimiter = delimiter
            self.header = header
            self.quote = quote
        }

        enum CodingKeys: String, CodingKey { case delimiter, header, quote }

        /// Decodes a dialect; absent keys take the defaults (`,`, no header, `"`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            delimiter = try container.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
            header = try container.decodeIfPresent(Bool.self, forKey: .header) ?? false
            quote = try container.decodeIfPresent(String.self, forKey: .quote) ?? "\""
        }
    }

    /// What a column is used for.
    public enum Role: String, Codable, Sendable, Hashable {
        /// An input of the codec.
        case feature
        /// The class label (exactly one column).
        case label
        /// A record identifier, kept for reference but never encoded.
        case id
        /// A column that is read past and discarded.
        case ignore
    }

    /// One column of the file.
    public struct Column: Codable, Sendable, Hashable {
        /// The column name (as in the header, if there is one).
        public var name: String
        /// What the column is used for.
        public var role: Role
        /// Numeric or categorical (features only; required for them).
        public var kind: Schema.Field.Kind?
        /// The unit of a numeric feature, if any.
        public var unit: String?
        /// The valid range of a numeric feature, in ``unit``; values outside are errors.
        public var range: ValueRange?
        /// The categories of a categorical feature, in code order, as written in the file.
        public var categories: [String]?
        /// Cell texts meaning "missing" (after trimming spaces). An empty cell is always missing.
        public var missingTokens: [String]?
        /// What a missing value does (default `reject`).
        public var missingValues: Schema.MissingValuePolicy?
        /// The value for `impute_constant`, in ``unit`` (numeric) or the category index (categorical).
        public var fillValue: Double?

        /// Creates a column.
        public init(
            name: String, role: Role, kind: Schema.Field.Kind? = nil, unit: String? = nil, range: ValueRange? = nil,
            categories: [String]? = nil, missingTokens: [String]? = nil,
            missingValues: Schema.MissingValuePolicy? = nil, fillValue: Double? = nil
        ) {
            self.name = name
            self.role = role
            self.kind = kind
            self.unit = unit
            self.range = range
            self.categories = categories
            self.missingTokens = missingTokens
            self.missingValues = missingValues
            self.fillValue = fillValue
        }

        enum CodingKeys: String, CodingKey {
            case name, role, kind, unit, range, categories
            case missingTokens = "missing_tokens"
            case missingValues = "missing_values"
            case fillValue = "fill_value"
        }

        /// The missing-value policy, `reject` when not given.
        public var missingValuePolicy: Schema.MissingValuePolicy { missingValues ?? .reject }

        /// Whether a missing value is imputed (so the encoded record gets a missing-value indicator).
        public var isImputed: Bool {
            switch missingValuePolicy {
            case .imputeMean, .imputeMedian, .imputeMostFrequent, .imputeConstant: true
            case .reject, .dropRecord: false
            }
        }
    }

    /// One value of the label column and the class it stands for.
    public struct LabelValue: Codable, Sendable, Hashable {
        /// The cell text in the file (after trimming), e.g. `"4"`.
        public var value: String
        /// The class name, e.g. `"malignant"`.
        public var name: String

        /// Creates a label value.
        public init(value: String, name: String) {
            self.value = value
            self.name = name
        }
    }

    // MARK: - Derived views

    /// The feature columns, in file order.
    public var featureColumns: [Column] { columns.filter { $0.role == .feature } }
    /// The class names in label-index order.
    public var labelNames: [String] { labels.map(\.name) }
    /// The label column's name.
    public var labelColumnName: String? { columns.first { $0.role == .label }?.name }

    /// The features as the knowledge-base manifest's `KnowledgeBase.Schema` (label field named).
    public var manifestSchema: Schema {
        Schema(
            fields: featureColumns.map { column in
                Schema.Field(
                    name: column.name, kind: column.kind ?? .numeric, unit: column.unit, range: column.range,
                    categories: column.categories, missingValues: column.missingValuePolicy,
                    fillValue: column.fillValue)
            },
            labelField: labelColumnName)
    }

    // MARK: - Validation and JSON

    /// Checks that the schema is consistent.
    /// - Throws: ``TabularCodecError`` `invalidSchema` naming the field: empty or duplicate column
    ///   names, not exactly one label column, no feature, a feature without a kind, a categorical
    ///   feature without categories (or with duplicates), a range on a categorical feature, fewer
    ///   than two labels or duplicate label values/names, a delimiter or quote that is not one
    ///   character, `impute_constant` without `fill_value`, `impute_mean`/`impute_median` on a
    ///   categorical feature.
    public func validate(file: String? = nil) throws(TabularCodecError) {
        func fail(_ message: String, field: String? = nil) -> TabularCodecError {
            TabularCodecError(code: .invalidSchema, message: message, file: file, field: field)
        }
        guard csv.delimiter.count == 1 else {
            throw fail("csv.delimiter must be one character, got \(csv.delimiter.count)")
        }
        guard csv.quote.count == 1, csv.quote != csv.delimiter else {
            throw fail("csv.quote must be one character different from the delimiter")
        }
        var seen = Set<String>()
        for column in columns {
            guard !column.name.isEmpty else { throw fail("a column has an empty name") }
            guard seen.insert(column.name).inserted else { throw fail("duplicate column name", field: column.name) }
            guard column.role == .feature else { continue }
            guard let kind = column.kind else {
                throw fail("feature column needs \"kind\": \"numeric\" or \"categorical\"", field: column.name)
            }
            switch kind {
            case .numeric:
                if column.categories != nil { throw fail("a numeric feature has no categories", field: column.name) }
            case .categorical:
                guard let categories = column.categories, !categories.isEmpty else {
                    throw fail("a categorical feature needs a non-empty \"categories\" list", field: column.name)
                }
                guard Set(categories).count == categories.count else {
                    throw fail("duplicate categories", field: column.name)
                }
                if column.range != nil { throw fail("a categorical feature has no range", field: column.name) }
                if column.missingValuePolicy == .imputeMean || column.missingValuePolicy == .imputeMedian {
                    throw fail("impute_mean/impute_median need a numeric feature; use impute_most_frequent",
                        field: column.name)
                }
            }
            if column.missingValuePolicy == .imputeConstant {
                guard let fill = column.fillValue, fill.isFinite else {
                    throw fail("impute_constant needs a finite fill_value", field: column.name)
                }
                if kind == .categorical, !(0..<(column.categories?.count ?? 0)).contains(Int(fill)) {
                    throw fail("fill_value of a categorical feature must be a category index", field: column.name)
                }
            }
        }
        let labelColumns = columns.filter { $0.role == .label }
        guard labelColumns.count == 1 else {
            throw fail("exactly one column must have role \"label\", found \(labelColumns.count)")
        }
        guard !featureColumns.isEmpty else { throw fail("no column has role \"feature\"") }
        guard labels.count >= 2 else { throw fail("\"labels\" needs at least two classes, got \(labels.count)") }
        guard Set(labels.map(\.value)).count == labels.count, Set(labels.map(\.name)).count == labels.count else {
            throw fail("label values and names must be unique", field: labelColumns[0].name)
        }
    }

    /// Reads and validates a schema file.
    /// - Throws: ``TabularCodecError`` `unreadableFile`, or `invalidSchema` with the JSON decoder's
    ///   reason or the consistency problem (see ``validate(file:)``).
    public init(contentsOfFile path: String) throws(TabularCodecError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TabularCodecError(code: .unreadableFile, message: "cannot read the schema file", file: path, cause: error)
        }
        try self.init(jsonBytes: Array(data), source: path)
    }

    /// Decodes and validates schema JSON.
    /// - Parameters:
    ///   - jsonBytes: UTF-8 JSON.
    ///   - source: the name used in errors.
    /// - Throws: ``TabularCodecError`` `invalidSchema`.
    public init(jsonBytes: [UInt8], source: String? = nil) throws(TabularCodecError) {
        let decoded: TableSchema
        do {
            decoded = try JSONDecoder().decode(TableSchema.self, from: Data(jsonBytes))
        } catch {
            throw TabularCodecError(
                code: .invalidSchema, message: "schema JSON does not decode: \(describeDecodingError(error))",
                file: source, cause: error)
        }
        try decoded.validate(file: source)
        self = decoded
    }

    /// Decodes a schema, checking consistency.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        task = try container.decodeIfPresent(String.self, forKey: .task) ?? "classification"
        description = try container.decodeIfPresent(String.self, forKey: .description)
        csv = try container.decodeIfPresent(CSVDialect.self, forKey: .csv) ?? CSVDialect()
        columns = try container.decode([Column].self, forKey: .columns)
        labels = try container.decode([LabelValue].self, forKey: .labels)
    }

    /// The schema as canonical JSON: UTF-8, keys sorted, `/` unescaped, pretty-printed when asked
    /// (the form stored in a knowledge base is compact, so equal schemas give equal bytes).
    public func jsonBytes(prettyPrinted: Bool = false) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted
            ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(self))
        } catch {
            // Strings, integers, finite doubles (ranges are validated finite by ValueRange users) and
            // containers of them always encode.
            preconditionFailure("encoding a TableSchema failed: \(error)")
        }
    }
}

/// A short explanation of a JSON decoding error: the coding path and the reason.
func describeDecodingError(_ error: any Error) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
    case .typeMismatch(let type, let context):
        return "expected \(type) at \(path(context.codingPath)): \(context.debugDescription)"
    case .valueNotFound(let type, let context): return "expected \(type) at \(path(context.codingPath)), found null"
    case .dataCorrupted(let context): return "\(context.debugDescription) at \(path(context.codingPath))"
    default: return String(describing: error)
    }
}
