// Preprocessing fitted on the training split: normalization, one-hot coding, imputation, indicators.

import KnowledgeBase
import TensorCore

/// How numeric features are scaled before the encoder.
public enum NumericScaling: String, Codable, Sendable, Hashable {
    /// z-score: (x − mean)/std of the training values.
    case standardize
    /// (x − min)/(max − min) over the training values.
    case minMax = "min_max"
}

/// Turns records into the encoder's input matrix, with every statistic fitted on the training
/// split only (no test information leaks into the knowledge base).
///
/// Per feature, in schema order, the encoded record holds:
/// - a numeric feature: one column, the value mapped by its `KnowledgeBase.Normalizer`
///   (standardization or min–max scaling fitted on the training rows);
/// - a categorical feature: one column per category, the one-hot code of the category;
/// - then, for a feature whose policy imputes missing values, one missing-value indicator column
///   (1 when the value was missing). A missing value is replaced by the training mean, median
///   (numeric), mode, or the schema's fill value before coding — the "indicator + imputation"
///   scheme (Little & Rubin, *Statistical Analysis with Missing Data*, 3rd ed., §3.4).
///
/// Every feature also has an ``Field/imputedValue`` (the training median of a numeric field or
/// the mode of a categorical one, unless its policy says otherwise), used by the missing-field
/// perturbation (``TabularMissingFields``) even when the schema drops incomplete records.
public struct TabularPreprocessor: Sendable, Hashable {
    /// The coding of one feature.
    public struct Field: Sendable, Hashable {
        /// The feature's name.
        public var name: String
        /// Numeric or categorical.
        public var kind: Schema.Field.Kind
        /// The affine map of a numeric feature (`nil` for categorical).
        public var normalizer: Normalizer?
        /// The replacement of a missing value: a number in the field's unit, or a category index.
        public var imputedValue: Double
        /// The number of categories (1 for a numeric feature: its single value column).
        public var valueColumnCount: Int
        /// Whether the coding has a missing-value indicator column after the value columns.
        public var hasMissingIndicator: Bool
        /// The first column of this feature in the encoded record.
        public var firstColumn: Int

        /// The columns holding the value (one numeric column, or the one-hot columns).
        public var valueColumns: Range<Int> { firstColumn..<(firstColumn + valueColumnCount) }
        /// The indicator column, if any.
        public var indicatorColumn: Int? { hasMissingIndicator ? firstColumn + valueColumnCount : nil }
        /// The total columns of the feature.
        public var columnCount: Int { valueColumnCount + (hasMissingIndicator ? 1 : 0) }

        /// The encoded columns of one value (`nil` = missing, replaced by ``imputedValue``).
        func encode(_ value: Double?) -> [Float] {
            let missing = value == nil
            let v = value ?? imputedValue
            var out: [Float]
            switch kind {
            case .numeric:
                out = [Float(normalizer!.normalize(v))]
            case .categorical:
                out = [Float](repeating: 0, count: valueColumnCount)
                let code = Int(v)
                if code >= 0 && code < valueColumnCount { out[code] = 1 }
            }
            if hasMissingIndicator { out.append(missing ? 1 : 0) }
            return out
        }
    }

    /// The features' codings, in schema order.
    public var fields: [Field]
    /// Columns of an encoded record (the encoder's input size).
    public var width: Int { fields.last.map { $0.firstColumn + $0.columnCount } ?? 0 }

    /// Creates a preprocessor from fitted codings (e.g. read from a knowledge base).
    /// - Precondition: `fields` are laid out contiguously from column 0.
    public init(fields: [Field]) {
        var column = 0
        for field in fields {
            precondition(
                field.firstColumn == column, "Field '\(field.name)' starts at column \(field.firstColumn), expected \(column)")
            column += field.columnCount
        }
        self.fields = fields
    }

    /// Fits the preprocessing on the training records only.
    /// - Parameters:
    ///   - dataset: the records.
    ///   - trainingRows: the rows of the training split (statistics come from these only).
    ///   - scaling: how numeric features are scaled.
    /// - Precondition: `trainingRows` is not empty.
    public static func fit(
        _ dataset: TabularDataset, trainingRows: [Int], scaling: NumericScaling
    ) -> TabularPreprocessor {
        precondition(!trainingRows.isEmpty, "Cannot fit preprocessing on an empty training split")
        var fields: [Field] = []
        var column = 0
        for (f, spec) in dataset.schema.featureColumns.enumerated() {
            let observed = trainingRows.compactMap { dataset.values[$0][f] }
            let kind = spec.kind ?? .numeric
            switch kind {
            case .numeric:
                let normalizer: Normalizer
                let mean = observed.isEmpty ? 0 : observed.reduce(0, +) / Double(observed.count)
                switch scaling {
                case .standardize:
                    let variance = observed.isEmpty
                        ? 0 : observed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(observed.count)
                    normalizer = Normalizer(
                        field: spec.name, method: .standardize(mean: mean, standardDeviation: variance.squareRoot()))
                case .minMax:
                    normalizer = Normalizer(
                        field: spec.name, method: .minMax(minimum: observed.min() ?? 0, maximum: observed.max() ?? 0))
                }
                let imputed: Double
                switch spec.missingValuePolicy {
                case .imputeMean: imputed = mean
                case .imputeConstant: imputed = spec.fillValue ?? 0
                case .imputeMostFrequent: imputed = mode(observed)
                case .imputeMedian, .reject, .dropRecord: imputed = median(observed)
                }
                fields.append(
                    Field(
                        name: spec.name, kind: .numeric, normalizer: normalizer, imputedValue: imputed,
                        valueColumnCount: 1, hasMissingIndicator: spec.isImputed, firstColumn: column))
            case .categorical:
                let imputed = spec.missingValuePolicy == .imputeConstant ? (spec.fillValue ?? 0) : mode(observed)
                fields.append(
                    Field(
                        name: spec.name, kind: .categorical, normalizer: nil, imputedValue: imputed,
                        valueColumnCount: spec.categories?.count ?? 1, hasMissingIndicator: spec.isImputed,
                        firstColumn: column))
            }
            column += fields.last!.columnCount
        }
        return TabularPreprocessor(fields: fields)
    }

    /// The layout a schema implies with given normalizers and imputed values (used when reading a
    /// knowledge base).
    /// - Parameters:
    ///   - schema: the table schema.
    ///   - normalizers: one per numeric feature, in feature order.
    ///   - imputedValues: one per feature.
    /// - Returns: `nil` if the counts or names do not match the schema.
    static func restore(schema: TableSchema, normalizers: [Normalizer], imputedValues: [Double]) -> TabularPreprocessor? {
        let features = schema.featureColumns
        guard imputedValues.count == features.count else { return nil }
        var remaining = normalizers[...]
        var fields: [Field] = []
        var column = 0
        for (f, spec) in features.enumerated() {
            let kind = spec.kind ?? .numeric
            var normalizer: Normalizer?
            if kind == .numeric {
                guard let next = remaining.popFirst(), next.field == spec.name else { return nil }
                normalizer = next
            }
            let field = Field(
                name: spec.name, kind: kind, normalizer: normalizer, imputedValue: imputedValues[f],
                valueColumnCount: kind == .numeric ? 1 : (spec.categories?.count ?? 1),
                hasMissingIndicator: spec.isImputed, firstColumn: column)
            fields.append(field)
            column += field.columnCount
        }
        guard remaining.isEmpty else { return nil }
        return TabularPreprocessor(fields: fields)
    }

    /// The numeric features' normalizers, in feature order (the knowledge base's normalizer section).
    public var normalizers: [Normalizer] { fields.compactMap(\.normalizer) }

    /// Encodes records: `[records, width]` float32.
    /// - Parameter records: per record, one value per feature (`nil` = missing).
    /// - Precondition: every record has one value per feature.
    public func transform(_ records: [[Double?]]) -> Tensor<Float> {
        var scalars: [Float] = []
        scalars.reserveCapacity(records.count * width)
        for (r, record) in records.enumerated() {
            precondition(record.count == fields.count, "Record \(r) has \(record.count) values, expected \(fields.count)")
            for (field, value) in zip(fields, record) { scalars.append(contentsOf: field.encode(value)) }
        }
        return Tensor(shape: [records.count, width], scalars: scalars)
    }

    /// Encodes the rows of a dataset (all rows by default): `[rows, width]`.
    public func transform(_ dataset: TabularDataset, rows: [Int]? = nil) -> Tensor<Float> {
        transform(rows.map { $0.map { dataset.values[$0] } } ?? dataset.values)
    }
}

/// The median of values (mean of the two middle ones for an even count); 0 if empty.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// The most frequent value (the smallest among ties); 0 if empty.
func mode(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    var counts: [Double: Int] = [:]
    for v in values { counts[v, default: 0] += 1 }
    return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
}
