// The labels that travel beside a frame stream (never inside it), so a receiver can measure accuracy.

import Foundation
import TabularCodec

/// The true labels of encoded records, kept **beside** a `.semf` stream in a JSON-lines file
/// (`semcom encode --labels-out`, read by `semcom decode --labels`): frames carry only symbols —
/// the label is what the receiver has to infer — so the ground truth travels out of band, matched
/// by sequence number.
///
/// One JSON object per line, keys sorted:
///
/// ```text
/// {"id":"1000025","label":"benign","line":1,"sequence":0}
/// ```
///
/// `sequence` (the frame's sequence number) and `label` (a class name of the knowledge base) are
/// required; `line` (the record's line in the CSV) and `id` (its id column) are for people.
public enum FrameLabels {
    /// One line of a labels file.
    public struct Entry: Sendable, Hashable, Codable {
        /// The frame's sequence number.
        public var sequence: UInt64
        /// The class name.
        public var label: String
        /// The record's 1-based line in the source CSV, if known.
        public var line: Int?
        /// The record's id, if the schema has an id column.
        public var id: String?

        /// Creates an entry.
        public init(sequence: UInt64, label: String, line: Int? = nil, id: String? = nil) {
            self.sequence = sequence
            self.label = label
            self.line = line
            self.id = id
        }
    }

    /// The labels file of labelled records encoded from `firstSequenceNumber` on, or `nil` when the
    /// records have no labels.
    public static func jsonLines(for records: TabularRecords, firstSequenceNumber: UInt64 = 0) -> [UInt8]? {
        guard let labels = records.labels else { return nil }
        let names = records.schema.labelNames
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for (i, label) in labels.enumerated() {
            let entry = Entry(
                sequence: firstSequenceNumber &+ UInt64(i), label: names[label], line: records.lineNumbers[i],
                id: records.ids[i])
            // Encoding a struct of strings and integers cannot fail.
            bytes += (try? encoder.encode(entry)).map(Array.init) ?? []
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Reads a labels file: sequence number → label index into `labelNames`.
    /// - Parameters:
    ///   - bytes: the file's contents (UTF-8 JSON lines; blank lines are skipped).
    ///   - source: the file name for errors.
    ///   - labelNames: the knowledge base's class names, in label-index order.
    /// - Throws: ``ExperimentsError`` `invalidFrameLabels` naming the file and line: a line that is
    ///   not an object with `sequence` and `label`, a class name the KB does not have, a sequence
    ///   number given twice, or no entry at all.
    public static func parse(_ bytes: [UInt8], source: String, labelNames: [String]) throws(ExperimentsError)
        -> [UInt64: Int]
    {
        let index = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, $0) })
        let decoder = JSONDecoder()
        var labels: [UInt64: Int] = [:]
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { continue }
            func fail(_ message: String) -> ExperimentsError {
                ExperimentsError(code: .invalidFrameLabels, message: "\(source), line \(lineNumber): \(message)")
            }
            let entry: Entry
            do {
                entry = try decoder.decode(Entry.self, from: Data(line))
            } catch {
                throw fail("expected a JSON object with \"sequence\" (integer ≥ 0) and \"label\" (a class name)")
            }
            guard let label = index[entry.label] else {
                throw fail(
                    "label '\(entry.label)' is not a class of the knowledge base; expected one of "
                        + labelNames.joined(separator: ", "))
            }
            guard labels.updateValue(label, forKey: entry.sequence) == nil else {
                throw fail("sequence \(entry.sequence) has a label already")
            }
        }
        guard !labels.isEmpty else {
            throw ExperimentsError(code: .invalidFrameLabels, message: "\(source): no labels in the file")
        }
        return labels
    }
}
