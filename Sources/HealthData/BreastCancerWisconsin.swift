// The Breast Cancer Wisconsin (Original) data set and its UCI-format loader.

import TensorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Breast Cancer Wisconsin (Original) diagnostic table: 9 cytological features per fine-needle
/// aspirate, labelled benign or malignant.
///
/// Source: UCI Machine Learning Repository, "Breast Cancer Wisconsin (Original)", collected by
/// Dr. William H. Wolberg, University of Wisconsin Hospitals, Madison (1989–1991), CC BY 4.0;
/// O. L. Mangasarian and W. H. Wolberg, "Cancer diagnosis via linear programming", SIAM News
/// 23(5), 1990. The file ships in `Samples/bcwd/` and is embedded in this module
/// (``embedded(missingValues:scale:)``).
///
/// **File format** (UCI `breast-cancer-wisconsin.data`): no header, one row per line, 11
/// comma-separated integer columns — sample code number (an id, not unique), the 9 features in
/// ``featureNames`` order, each 1–10 (`?` marks a missing value: 16 rows lack *bare nuclei*),
/// and the class (2 = benign, 4 = malignant). Blank lines are skipped; `\r\n` line ends and
/// spaces around fields are accepted.
///
/// **Counts.** 699 rows (458 benign, 241 malignant); 16 with a missing value; the 683 complete
/// rows have 444 benign and 239 malignant. The reference accuracies of the project (scikit-learn,
/// features ÷ 10, malignant = 1) use the 683 complete rows: load with `.excludeRows` and
/// `.dividedByTen`.
///
/// ```swift
/// let data = try BreastCancerWisconsin.embedded(scale: .dividedByTen)
/// data.features.shape          // [683, 9]
/// data.classCounts             // [444, 239]
/// var rng = Xoshiro256(seed: 0)
/// let split = DataSplit.stratifiedHoldOut(labels: data.labels, testFraction: 0.2, using: &rng)
/// let train = data.subset(split.trainIndices)    // 546 rows
/// ```
public struct BreastCancerWisconsin: Sendable, Equatable {
    /// How rows with missing values (`?`) are handled.
    public enum MissingValuePolicy: Sendable, Hashable {
        /// Drop every row with a missing value and count it in ``excludedRowCount`` (the default;
        /// gives the 683 complete rows).
        case excludeRows
        /// Replace each missing value by the median of the observed values of its column over all
        /// rows of the file. Note that this uses the whole file, test rows included.
        case imputeMedian
        /// Throw ``HealthDataError`` with code `missingValue` at the first `?`.
        case reject
    }

    /// The unit of the feature values in ``features``.
    public enum FeatureScale: Sendable, Hashable {
        /// The file's integer grades, 1…10.
        case original
        /// Grades divided by 10, 0.1…1.0 (what the project's reference numbers use).
        case dividedByTen
    }

    /// The 9 feature names, in column order (columns 2–10 of the file).
    public static let featureNames = [
        "clump_thickness", "uniformity_of_cell_size", "uniformity_of_cell_shape", "marginal_adhesion",
        "single_epithelial_cell_size", "bare_nuclei", "bland_chromatin", "normal_nucleoli", "mitoses",
    ]
    /// Label names by label index: 0 = `"benign"` (file class 2), 1 = `"malignant"` (file class 4).
    public static let labelNames = ["benign", "malignant"]
    /// The number of features per row (9).
    public static let featureCount = 9
    /// The number of comma-separated columns per line (11).
    public static let columnCount = 11

    /// Sample code numbers, one per row (not unique in the UCI file).
    public var ids: [Int]
    /// Feature values, shape `[count, 9]`, in ``featureNames`` order, unit given by ``scale``.
    public var features: Tensor<Double>
    /// Labels, one per row: 0 = benign, 1 = malignant.
    public var labels: [Int]
    /// The 1-based line of the source file each row came from.
    public var lineNumbers: [Int]
    /// The unit of ``features``.
    public var scale: FeatureScale
    /// The number of data rows in the source (before exclusion).
    public var sourceRowCount: Int
    /// The number of source rows with at least one missing value.
    public var missingValueRowCount: Int
    /// The number of source rows dropped by `.excludeRows`.
    public var excludedRowCount: Int
    /// The number of individual values filled in by `.imputeMedian`.
    public var imputedValueCount: Int

    /// The number of rows.
    public var count: Int { labels.count }

    /// Rows per label: `[benign, malignant]`.
    public var classCounts: [Int] {
        var counts = [0, 0]
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The rows at `indices`, in that order (for train/test splits); the source statistics
    /// (``sourceRowCount`` etc.) are kept.
    /// - Precondition: every index is in `0..<count`.
    public func subset(_ indices: [Int]) -> BreastCancerWisconsin {
        for index in indices { precondition(index >= 0 && index < count, "row index \(index) outside 0..<\(count)") }
        var result = self
        result.ids = indices.map { ids[$0] }
        result.labels = indices.map { labels[$0] }
        result.lineNumbers = indices.map { lineNumbers[$0] }
        result.features = features.gatherRows(indices)
        return result
    }

    // MARK: - Loading

    /// The data set shipped with the module (the UCI file, byte for byte, 699 rows).
    /// - Parameters:
    ///   - missingValues: how rows with `?` are handled (default: excluded → 683 rows).
    ///   - scale: the unit of the features (default: the original 1–10 grades).
    /// - Throws: ``HealthDataError`` only with `.reject` (16 rows have a missing value).
    public static func embedded(
        missingValues: MissingValuePolicy = .excludeRows, scale: FeatureScale = .original
    ) throws -> BreastCancerWisconsin {
        try parse(
            Array(embeddedSourceText.utf8), source: embeddedSourceName, missingValues: missingValues, scale: scale)
    }

    /// Loads a file in the UCI format. The file is only read, never modified.
    /// - Parameters:
    ///   - path: the file path.
    ///   - missingValues: how rows with `?` are handled.
    ///   - scale: the unit of the features.
    /// - Throws: ``HealthDataError`` naming the file, line and column: `unreadableFile`,
    ///   `emptyFile`, `wrongColumnCount`, `nonNumericField`, `valueOutOfRange`, `invalidClass`,
    ///   `missingValue` (with `.reject`).
    public static func load(
        contentsOfFile path: String, missingValues: MissingValuePolicy = .excludeRows, scale: FeatureScale = .original
    ) throws -> BreastCancerWisconsin {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw HealthDataError(
                code: .unreadableFile, message: "\(path): cannot read the file", file: path,
                cause: error)
        }
        return try parse(Array(bytes), source: path, missingValues: missingValues, scale: scale)
    }

    /// Parses text in the UCI format.
    /// - Parameters:
    ///   - text: the file contents.
    ///   - source: the name used in error messages (a path, or e.g. `"<request body>"`).
    ///   - missingValues: how rows with `?` are handled.
    ///   - scale: the unit of the features.
    /// - Throws: ``HealthDataError`` as for ``load(contentsOfFile:missingValues:scale:)``.
    public static func parse(
        _ text: String, source: String = "<text>", missingValues: MissingValuePolicy = .excludeRows,
        scale: FeatureScale = .original
    ) throws -> BreastCancerWisconsin {
        try parse(Array(text.utf8), source: source, missingValues: missingValues, scale: scale)
    }

    /// Parses bytes in the UCI format (ASCII/UTF-8).
    static func parse(
        _ bytes: [UInt8], source: String, missingValues: MissingValuePolicy, scale: FeatureScale
    ) throws -> BreastCancerWisconsin {
        var rows = [ParsedRow]()
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy(isBlank) { continue }
            rows.append(try parseRow(line, line: lineNumber, source: source, missingValues: missingValues))
        }
        guard !rows.isEmpty else {
            throw HealthDataError(
                code: .emptyFile,
                message: "\(source): no data rows; expected lines of \(columnCount) comma-separated columns "
                    + "(id, \(featureCount) features 1–10, class 2 or 4)",
                file: source)
        }
        return try assemble(rows, source: source, missingValues: missingValues, scale: scale)
    }

    /// One parsed line: `nil` features are missing (`?`).
    struct ParsedRow {
        var id: Int
        var features: [Int?]
        var label: Int
        var line: Int
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// A human-readable name for a 1-based column.
    static func columnName(_ column: Int) -> String {
        switch column {
        case 1: "sample_code_number"
        case 2...10: featureNames[column - 2]
        default: "class"
        }
    }

    /// Parses a non-negative decimal integer (no sign), or returns `nil`.
    private static func parseInteger(_ field: ArraySlice<UInt8>) -> Int? {
        guard !field.isEmpty, field.count <= 18 else { return nil }
        var value = 0
        for byte in field {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func parseRow(
        _ line: ArraySlice<UInt8>, line lineNumber: Int, source: String, missingValues: MissingValuePolicy
    ) throws -> ParsedRow {
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { field in
            var trimmed = field
            while let first = trimmed.first, isBlank(first) { trimmed.removeFirst() }
            while let last = trimmed.last, isBlank(last) { trimmed.removeLast() }
            return trimmed
        }
        func failure(_ code: HealthDataError.Code, column: Int, _ expected: String) -> HealthDataError {
            HealthDataError(
                code: code, message: "\(source):\(lineNumber):\(column): \(columnName(column)): \(expected)",
                file: source, line: lineNumber, column: column)
        }
        guard fields.count == columnCount else {
            let column = fields.count < columnCount ? fields.count + 1 : columnCount + 1
            throw HealthDataError(
                code: .wrongColumnCount,
                message: "\(source):\(lineNumber):\(column): expected \(columnCount) comma-separated columns "
                    + "(id, \(featureCount) features, class), found \(fields.count)",
                file: source, line: lineNumber, column: column)
        }
        guard let id = parseInteger(fields[0]) else {
            throw failure(.nonNumericField, column: 1, "expected a non-negative integer")
        }
        var features = [Int?]()
        features.reserveCapacity(featureCount)
        for column in 2...10 {
            let field = fields[column - 1]
            if field.elementsEqual("?".utf8) {
                if missingValues == .reject {
                    throw failure(
                        .missingValue, column: column, "missing value (?) and the policy rejects missing values")
                }
                features.append(nil)
                continue
            }
            guard let value = parseInteger(field) else {
                throw failure(.nonNumericField, column: column, "expected an integer 1–10, or ? for a missing value")
            }
            guard (1...10).contains(value) else {
                throw failure(.valueOutOfRange, column: column, "expected an integer 1–10")
            }
            features.append(value)
        }
        guard let classCode = parseInteger(fields[10]) else {
            throw failure(.nonNumericField, column: 11, "expected 2 (benign) or 4 (malignant)")
        }
        let label: Int
        switch classCode {
        case 2: label = 0
        case 4: label = 1
        default: throw failure(.invalidClass, column: 11, "expected 2 (benign) or 4 (malignant)")
        }
        return ParsedRow(id: id, features: features, label: label, line: lineNumber)
    }

    /// Applies the missing-value policy and the scale, and builds the tensors.
    private static func assemble(
        _ rows: [ParsedRow], source: String, missingValues: MissingValuePolicy, scale: FeatureScale
    ) throws -> BreastCancerWisconsin {
        let incomplete = rows.filter { $0.features.contains(nil) }.count
        var medians = [Double](repeating: 0, count: featureCount)
        if missingValues == .imputeMedian {
            for feature in 0..<featureCount {
                let observed = rows.compactMap { $0.features[feature] }.sorted()
                if observed.isEmpty {
                    throw HealthDataError(
                        code: .missingValue,
                        message: "\(source): column \(feature + 2) (\(featureNames[feature])) has no observed value "
                            + "to compute a median from; expected at least one integer 1–10",
                        file: source, column: feature + 2)
                }
                let middle = observed.count / 2
                medians[feature] =
                    observed.count % 2 == 1
                    ? Double(observed[middle]) : Double(observed[middle - 1] + observed[middle]) / 2
            }
        }
        let kept = missingValues == .excludeRows ? rows.filter { !$0.features.contains(nil) } : rows
        let factor = scale == .dividedByTen ? 0.1 : 1.0
        var scalars = [Double]()
        scalars.reserveCapacity(kept.count * featureCount)
        var imputed = 0
        for row in kept {
            for feature in 0..<featureCount {
                if let value = row.features[feature] {
                    scalars.append(Double(value) * factor)
                } else {
                    imputed += 1
                    scalars.append(medians[feature] * factor)
                }
            }
        }
        return BreastCancerWisconsin(
            ids: kept.map(\.id), features: Tensor(shape: [kept.count, featureCount], scalars: scalars),
            labels: kept.map(\.label), lineNumbers: kept.map(\.line), scale: scale, sourceRowCount: rows.count,
            missingValueRowCount: incomplete, excludedRowCount: rows.count - kept.count, imputedValueCount: imputed)
    }
}
