// The schema of tabular records described by a knowledge base.

/// The fields of a tabular health record and which one is the label.
///
/// A schema lets one codec serve any table: a new CSV file needs a schema, not code.
public struct Schema: Codable, Sendable, Hashable {
    /// The input fields in column order (the label field is not among them).
    public var fields: [Field]
    /// The label field's name, if the records carry one.
    public var labelField: String?

    /// Creates a schema.
    public init(fields: [Field], labelField: String? = nil) {
        self.fields = fields
        self.labelField = labelField
    }

    enum CodingKeys: String, CodingKey {
        case fields
        case labelField = "label_field"
    }

    /// One column of a tabular record.
    public struct Field: Codable, Sendable, Hashable {
        /// The column name, e.g. `"clump_thickness"`.
        public var name: String
        /// Whether the field holds numbers or categories.
        public var kind: Kind
        /// The unit of a numeric field (e.g. `"mmHg"`, `"1-10 score"`), if any.
        public var unit: String?
        /// The admissible values of a numeric field, in ``unit``, if bounded.
        public var range: ValueRange?
        /// The category names of a categorical field, in code order.
        public var categories: [String]?
        /// What to do when the value is missing.
        public var missingValues: MissingValuePolicy
        /// The value used by ``MissingValuePolicy/imputeConstant``, in ``unit``.
        public var fillValue: Double?

        /// Creates a field.
        public init(
            name: String, kind: Kind, unit: String? = nil, range: ValueRange? = nil, categories: [String]? = nil,
            missingValues: MissingValuePolicy = .reject, fillValue: Double? = nil
        ) {
            self.name = name
            self.kind = kind
            self.unit = unit
            self.range = range
            self.categories = categories
            self.missingValues = missingValues
            self.fillValue = fillValue
        }

        enum CodingKeys: String, CodingKey {
            case name, kind, unit, range, categories
            case missingValues = "missing_values"
            case fillValue = "fill_value"
        }

        /// Numeric or categorical.
        public enum Kind: String, Codable, Sendable, Hashable {
            /// A real number (with an optional unit and range).
            case numeric
            /// One of a fixed list of categories.
            case categorical
        }
    }

    /// How a missing field value is handled.
    public enum MissingValuePolicy: String, Codable, Sendable, Hashable {
        /// A record with the value missing is an error.
        case reject
        /// The record is skipped.
        case dropRecord = "drop_record"
        /// Replaced by the training mean (numeric fields).
        case imputeMean = "impute_mean"
        /// Replaced by the training median (numeric fields).
        case imputeMedian = "impute_median"
        /// Replaced by the most frequent training value.
        case imputeMostFrequent = "impute_most_frequent"
        /// Replaced by the field's `fill_value`.
        case imputeConstant = "impute_constant"
    }
}
