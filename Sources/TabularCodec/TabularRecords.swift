// Records to encode: a CSV in a schema, with or without its label column.

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Whether a CSV file carries the schema's label column.
public enum TabularLabelColumn: Sendable, Hashable {
    /// Every line has the label column (``TabularDataset``'s training and test files).
    case required
    /// No line has it: the schema's columns in order, the label column left out (records a
    /// transmitter sends to be diagnosed).
    case absent
    /// Either layout; the header (if the schema has one) or the first data line decides by its
    /// cell count, and every other line must follow it.
    case optional
}

/// The records of a CSV table read through a ``TableSchema`` for **encoding**: like
/// ``TabularDataset`` but the label column may be absent (a transmitter's records are what the
/// receiver has to diagnose). When the file has the label column its labels are kept, so that the
/// end of a link can measure accuracy.
///
/// The file is the schema's columns in order; an unlabelled file leaves out the label column and
/// nothing else (with a header, the header names those columns). Parsing and every check are
/// those of ``TabularDataset`` — RFC 4180 cells, the schema's delimiter and quote, missing-value
/// policies, ranges, categories — and every problem throws a ``TabularCodecError`` naming the
/// file, 1-based line and column and the field.
///
/// ```swift
/// let schema = codec.schema
/// let records = try TabularRecords.load(contentsOfFile: "Samples/bcwd/bcwd-unlabelled-sample.csv", schema: schema)
/// records.labels            // nil: the file has no label column
/// let inputs = codec.preprocessor.transform(records.values)     // [records, width]
/// ```
public struct TabularRecords: Sendable, Equatable {
    /// The schema the records were read with.
    public var schema: TableSchema
    /// Per record, one value per feature column (file order): the number (numeric), the category
    /// index (categorical), or `nil` for a missing value of an imputed field.
    public var values: [[Double?]]
    /// Per record, the label index into ``TableSchema/labels``; `nil` when the file has no label column.
    public var labels: [Int]?
    /// Per record, the id column's text (if the schema has an id column).
    public var ids: [String?]
    /// Per record, the 1-based line of the source file.
    public var lineNumbers: [Int]
    /// The number of data lines read (kept plus dropped).
    public var sourceRowCount: Int
    /// The number of lines dropped by a `drop_record` policy.
    public var droppedRowCount: Int

    /// The number of records.
    public var count: Int { values.count }

    /// Creates records from their parts.
    /// - Precondition: `labels` (when given), `ids` and `lineNumbers` have one entry per record.
    public init(
        schema: TableSchema, values: [[Double?]], labels: [Int]?, ids: [String?], lineNumbers: [Int],
        sourceRowCount: Int, droppedRowCount: Int
    ) {
        precondition(
            (labels?.count ?? values.count) == values.count && ids.count == values.count
                && lineNumbers.count == values.count,
            "TabularRecords needs one label (if any), id and line number per record")
        self.schema = schema
        self.values = values
        self.labels = labels
        self.ids = ids
        self.lineNumbers = lineNumbers
        self.sourceRowCount = sourceRowCount
        self.droppedRowCount = droppedRowCount
    }

    /// The records of a labelled dataset (e.g. a knowledge base's recorded test split), labels kept.
    public init(_ dataset: TabularDataset) {
        self.init(
            schema: dataset.schema, values: dataset.values, labels: dataset.labels, ids: dataset.ids,
            lineNumbers: dataset.lineNumbers, sourceRowCount: dataset.sourceRowCount,
            droppedRowCount: dataset.droppedRowCount)
    }

    /// Reads a CSV file through `schema`. The file is only read.
    /// - Parameters:
    ///   - path: the CSV file.
    ///   - schema: the table description (e.g. a knowledge base's stored schema).
    ///   - labelColumn: whether the label column must be there, must not, or may (default).
    /// - Throws: ``TabularCodecError`` (`unreadableFile`, or a data error naming line, column and
    ///   field; a file whose first line has neither layout's cell count is `wrongColumnCount`
    ///   naming both counts).
    public static func load(
        contentsOfFile path: String, schema: TableSchema, labelColumn: TabularLabelColumn = .optional
    ) throws(TabularCodecError) -> TabularRecords {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TabularCodecError(
                code: .unreadableFile, message: "cannot read the data file", file: path, cause: error)
        }
        return try parse(Array(data), source: path, schema: schema, labelColumn: labelColumn)
    }

    /// Parses CSV bytes (UTF-8) through `schema`.
    /// - Parameters:
    ///   - bytes: the file contents.
    ///   - source: the name used in errors.
    ///   - schema: the table description.
    ///   - labelColumn: whether the label column must be there, must not, or may (default).
    /// - Throws: ``TabularCodecError`` as for ``load(contentsOfFile:schema:labelColumn:)``.
    public static func parse(
        _ bytes: [UInt8], source: String, schema: TableSchema, labelColumn: TabularLabelColumn = .optional
    ) throws(TabularCodecError) -> TabularRecords {
        try TabularDataset.parseRecords(bytes, source: source, schema: schema, labelColumn: labelColumn)
    }

    /// Parses CSV text through `schema` (see ``parse(_:source:schema:labelColumn:)-([UInt8],_,_,_)``).
    public static func parse(
        _ text: String, source: String = "<text>", schema: TableSchema, labelColumn: TabularLabelColumn = .optional
    ) throws(TabularCodecError) -> TabularRecords {
        try parse(Array(text.utf8), source: source, schema: schema, labelColumn: labelColumn)
    }
}
