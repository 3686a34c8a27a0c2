// The generic, schema-driven CSV loader.

import KnowledgeBase

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The records of a CSV table read through a ``TableSchema``: one value per feature (a number, a
/// category index, or `nil` when missing and imputed later) and one class label per record.
///
/// Parsing follows RFC 4180 with the schema's delimiter and quote: a quoted cell may contain the
/// delimiter and doubled quotes; spaces around unquoted cells are trimmed; `\r\n` line ends are
/// accepted and blank lines are skipped. Every data problem throws a ``TabularCodecError`` naming
/// the file, 1-based line and column, the field and what was expected: `wrongColumnCount`,
/// `headerMismatch`, `nonNumericField`, `valueOutOfRange`, `unknownCategory`, `unknownLabel`,
/// `missingValue`, `emptyData`.
///
/// ```swift
/// let schema = try TableSchema(contentsOfFile: "Samples/bcwd/bcwd.schema.json")
/// let table = try TabularDataset.load(contentsOfFile: "Samples/bcwd/breast-cancer-wisconsin.data", schema: schema)
/// table.count          // 683 (16 rows with "?" dropped by the schema's drop_record policy)
/// ```
public struct TabularDataset: Sendable, Equatable {
    /// The schema the records were read with.
    public var schema: TableSchema
    /// Per record, one value per feature column (file order): the number (numeric), the category
    /// index (categorical), or `nil` for a missing value of an imputed field.
    public var values: [[Double?]]
    /// Per record, the label index into ``TableSchema/labels``.
    public var labels: [Int]
    /// Per record, the id column's text (if the schema has an id column).
    public var ids: [String?]
    /// Per record, the 1-based line of the source file.
    public var lineNumbers: [Int]
    /// The number of data lines read (kept plus dropped).
    public var sourceRowCount: Int
    /// The number of lines dropped by a `drop_record` policy.
    public var droppedRowCount: Int

    /// The number of records.
    public var count: Int { labels.count }
    /// The number of feature columns.
    public var featureCount: Int { schema.featureColumns.count }

    /// Records per class, in label-index order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: schema.labels.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The records at `indices`, in that order.
    /// - Precondition: every index is in `0..<count`.
    public func subset(_ indices: [Int]) -> TabularDataset {
        for i in indices { precondition(i >= 0 && i < count, "Record index \(i) outside 0..<\(count)") }
        var copy = self
        copy.values = indices.map { values[$0] }
        copy.labels = indices.map { labels[$0] }
        copy.ids = indices.map { ids[$0] }
        copy.lineNumbers = indices.map { lineNumbers[$0] }
        return copy
    }

    /// Reads a CSV file through `schema`. The file is only read.
    /// - Throws: ``TabularCodecError`` (`unreadableFile` or a data error naming line, column and field).
    public static func load(contentsOfFile path: String, schema: TableSchema) throws(TabularCodecError) -> TabularDataset {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TabularCodecError(code: .unreadableFile, message: "cannot read the data file", file: path, cause: error)
        }
        return try parse(Array(data), source: path, schema: schema)
    }

    /// Parses CSV text through `schema`.
    /// - Parameters:
    ///   - text: the file contents.
    ///   - source: the name used in errors.
    ///   - schema: the table description.
    /// - Throws: ``TabularCodecError`` as for ``load(contentsOfFile:schema:)``.
    public static func parse(_ text: String, source: String = "<text>", schema: TableSchema) throws(TabularCodecError)
        -> TabularDataset
    {
        try parse(Array(text.utf8), source: source, schema: schema)
    }

    /// Parses CSV bytes (UTF-8) through `schema`.
    public static func parse(_ bytes: [UInt8], source: String, schema: TableSchema) throws(TabularCodecError)
        -> TabularDataset
    {
        let records = try parseRecords(bytes, source: source, schema: schema, labelColumn: .required)
        return TabularDataset(
            schema: schema, values: records.values, labels: records.labels ?? [], ids: records.ids,
            lineNumbers: records.lineNumbers, sourceRowCount: records.sourceRowCount,
            droppedRowCount: records.droppedRowCount)
    }

    /// The CSV parser behind ``parse(_:source:schema:)-(String,_,_)`` and ``TabularRecords``: the
    /// label column is required, absent, or either (decided by the header or the first data line).
    static func parseRecords(
        _ bytes: [UInt8], source: String, schema: TableSchema, labelColumn: TabularLabelColumn
    ) throws(TabularCodecError) -> TabularRecords {
        try schema.validate(file: nil)
        let delimiter = schema.csv.delimiter.utf8.first!
        let quote = schema.csv.quote.utf8.first!
        let labelByValue = Dictionary(uniqueKeysWithValues: schema.labels.enumerated().map { ($1.value, $0) })
        let categoryIndex: [[String: Int]] = schema.columns.map { column in
            Dictionary(uniqueKeysWithValues: (column.categories ?? []).enumerated().map { ($1, $0) })
        }
        // The schema columns as they appear in the file: all of them, or all but the label column.
        let withLabel = Array(schema.columns.indices)
        let withoutLabel = schema.columns.indices.filter { schema.columns[$0].role != .label }
        let labelName = schema.labelColumnName ?? "label"
        var layout: [Int]? =
            switch labelColumn {
            case .required: withLabel
            case .absent: withoutLabel
            case .optional: nil
            }
        var records = TabularRecords(
            schema: schema, values: [], labels: [], ids: [], lineNumbers: [], sourceRowCount: 0, droppedRowCount: 0)
        var headerPending = schema.csv.header
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine[...]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let cells = try splitCells(line, delimiter: delimiter, quote: quote, source: source, line: lineNumber)
            if layout == nil {
                // The first line (header or data) decides whether the file has the label column.
                if cells.count == withLabel.count {
                    layout = withLabel
                } else if cells.count == withoutLabel.count {
                    layout = withoutLabel
                } else {
                    throw TabularCodecError(
                        code: .wrongColumnCount,
                        message: "expected \(withLabel.count) cells separated by '\(schema.csv.delimiter)' (with the label column '\(labelName)') or \(withoutLabel.count) (without it), found \(cells.count)",
                        file: source, line: lineNumber, column: min(cells.count, withoutLabel.count) + 1)
                }
            }
            let columns = layout!
            guard cells.count == columns.count else {
                var message = "expected \(columns.count) cells separated by '\(schema.csv.delimiter)', found \(cells.count)"
                if labelColumn != .required {
                    message += columns.count == withLabel.count
                        ? " (the file's layout includes the label column '\(labelName)')"
                        : " (the file's layout has no label column '\(labelName)')"
                }
                throw TabularCodecError(
                    code: .wrongColumnCount, message: message, file: source, line: lineNumber,
                    column: min(cells.count, columns.count) + 1,
                    field: cells.count < columns.count ? schema.columns[columns[cells.count]].name : nil)
            }
            if headerPending {
                headerPending = false
                for (index, (cell, c)) in zip(cells, columns).enumerated() where cell != schema.columns[c].name {
                    throw TabularCodecError(
                        code: .headerMismatch,
                        message: "header cell '\(cell)' should be the column name '\(schema.columns[c].name)'",
                        file: source, line: lineNumber, column: index + 1, field: schema.columns[c].name)
                }
                continue
            }
            records.sourceRowCount += 1
            var features: [Double?] = []
            var label: Int?
            var id: String?
            var dropped = false
            for (index, c) in columns.enumerated() {
                let column = schema.columns[c]
                let cell = cells[index]
                func failure(_ code: TabularCodecError.Code, _ message: String) -> TabularCodecError {
                    TabularCodecError(
                        code: code, message: message, file: source, line: lineNumber, column: index + 1, field: column.name)
                }
                switch column.role {
                case .ignore:
                    continue
                case .id:
                    id = cell
                case .label:
                    if cell.isEmpty || (column.missingTokens ?? []).contains(cell) {
                        throw failure(.missingValue, "the label is missing")
                    }
                    guard let index = labelByValue[cell] else {
                        throw failure(
                            .unknownLabel,
                            "label '\(cell)' is not one of \(schema.labels.map { "'\($0.value)'" }.joined(separator: ", "))")
                    }
                    label = index
                case .feature:
                    if cell.isEmpty || (column.missingTokens ?? []).contains(cell) {
                        switch column.missingValuePolicy {
                        case .reject: throw failure(.missingValue, "missing value, and the field's policy is reject")
                        case .dropRecord: dropped = true
                        case .imputeMean, .imputeMedian, .imputeMostFrequent, .imputeConstant: break
                        }
                        features.append(nil)
                        continue
                    }
                    switch column.kind ?? .numeric {
                    case .numeric:
                        guard let value = Double(cell), value.isFinite else {
                            throw failure(.nonNumericField, "'\(cell)' is not a finite number")
                        }
                        if let range = column.range, value < range.minimum || value > range.maximum {
                            throw failure(
                                .valueOutOfRange,
                                "\(cell) is outside the valid range \(range.minimum)…\(range.maximum)\(column.unit.map { " " + $0 } ?? "")"
                            )
                        }
                        features.append(value)
                    case .categorical:
                        guard let code = categoryIndex[c][cell] else {
                            throw failure(
                                .unknownCategory,
                                "'\(cell)' is not one of the \((column.categories ?? []).count) categories \((column.categories ?? []).map { "'\($0)'" }.joined(separator: ", "))"
                            )
                        }
                        features.append(Double(code))
                    }
                }
            }
            if dropped {
                records.droppedRowCount += 1
                continue
            }
            records.values.append(features)
            if let label { records.labels?.append(label) } else { records.labels = nil }
            records.ids.append(id)
            records.lineNumbers.append(lineNumber)
        }
        guard !records.values.isEmpty else {
            throw TabularCodecError(
                code: .emptyData,
                message: records.sourceRowCount == 0
                    ? "no data rows" : "all \(records.sourceRowCount) data rows were dropped for missing values",
                file: source)
        }
        return records
    }

    /// Splits one line into trimmed cells (RFC 4180 quoting).
    private static func splitCells(
        _ line: ArraySlice<UInt8>, delimiter: UInt8, quote: UInt8, source: String, line lineNumber: Int
    ) throws(TabularCodecError) -> [String] {
        var cells: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var wasQuoted = false
        var i = line.startIndex
        func finish() {
            var cell = current[...]
            if !wasQuoted {
                while let first = cell.first, first == 0x20 || first == 0x09 { cell = cell.dropFirst() }
                while let last = cell.last, last == 0x20 || last == 0x09 { cell = cell.dropLast() }
            }
            cells.append(String(decoding: cell, as: UTF8.self))
            current = []
            wasQuoted = false
        }
        while i < line.endIndex {
            let byte = line[i]
            if inQuotes {
                if byte == quote {
                    if i + 1 < line.endIndex, line[i + 1] == quote {
                        current.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == delimiter {
                finish()
            } else if byte == quote, current.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                current = []
                inQuotes = true
                wasQuoted = true
            } else if wasQuoted {
                if byte != 0x20 && byte != 0x09 {
                    throw TabularCodecError(
                        code: .wrongColumnCount, message: "text after a closing quote in cell \(cells.count + 1)",
                        file: source, line: lineNumber, column: cells.count + 1)
                }
            } else {
                current.append(byte)
            }
            i += 1
        }
        if inQuotes {
            throw TabularCodecError(
                code: .wrongColumnCount, message: "unterminated quoted cell \(cells.count + 1)", file: source,
                line: lineNumber, column: cells.count + 1)
        }
        finish()
        return cells
    }
}
