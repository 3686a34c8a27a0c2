// Writing the Breast Cancer Wisconsin table back in the UCI format (clinic shards, test sets).

import TensorCore

/// Writing in the UCI format.
extension BreastCancerWisconsin {
    /// The table as UCI-format text (one `id,f1,…,f9,class` line per row, class 2 = benign,
    /// 4 = malignant, features as the original 1–10 grades), so that ``parse(_:source:missingValues:scale:)``
    /// with this table's ``scale`` gives back the same ids, features and labels.
    /// - Throws: ``HealthDataError`` `.valueOutOfRange` naming the row and column if a feature is
    ///   not a whole grade in 1–10 (an imputed value cannot be written in this format).
    public func uciText() throws -> String {
        let factor = scale == .dividedByTen ? 10.0 : 1.0
        let width = Self.featureCount
        var lines: [String] = []
        lines.reserveCapacity(count)
        for row in 0..<count {
            var fields = [String(ids[row])]
            for column in 0..<width {
                let grade = features.scalars[row * width + column] * factor
                let rounded = grade.rounded()
                guard abs(grade - rounded) < 1e-9, rounded >= 1, rounded <= 10 else {
                    throw HealthDataError(
                        code: .valueOutOfRange,
                        message:
                            "row \(row + 1), column \(column + 2) (\(Self.featureNames[column])) is not a whole grade in 1–10; "
                            + "the UCI format holds grades only",
                        line: row + 1, column: column + 2)
                }
                fields.append(String(Int(rounded)))
            }
            fields.append(labels[row] == 1 ? "4" : "2")
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
