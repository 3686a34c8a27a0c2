// A health record that holds tabular fields and a clinical note, sent as one message.

/// A multi-modal health record: numeric table fields (in a fixed field order, `nil` where a value
/// is missing) and a free-text note (empty when there is none), with an optional class label.
///
/// A record is one message of a multi-modal semantic link: the fused codec encodes both parts into
/// one symbol block. ``serialized`` is the raw path's byte form of the same message.
///
/// ```swift
/// let record = HealthRecord(id: "r1", fields: [5, 1, 1, 1, 2, nil, 3, 1, 1], note: "Thin clumps.", label: 0)
/// record.serialized            // "5,1,1,1,2,?,3,1,1\nThin clumps."
/// ```
public struct HealthRecord: Sendable, Hashable, Codable {
    /// A stable identifier.
    public var id: String
    /// Field values in the schema's order; `nil` marks a missing value.
    public var fields: [Double?]
    /// The note (empty: no note).
    public var note: String
    /// The class label index, if known.
    public var label: Int?

    /// Creates a record.
    public init(id: String, fields: [Double?], note: String, label: Int? = nil) {
        self.id = id
        self.fields = fields
        self.note = note
        self.label = label
    }

    /// Whether the record has a note (some non-white-space character).
    public var hasNote: Bool { !note.allSatisfy(\.isWhitespace) }

    /// The raw path's text form: the fields comma-separated (integers without a decimal point,
    /// `?` for a missing value), a line feed, then the note.
    public var serialized: String {
        let values = fields.map { value -> String in
            guard let value else { return "?" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
        return values.joined(separator: ",") + "\n" + note
    }

    /// Parses ``serialized`` text back into a record (id and label are not part of it).
    /// - Throws: ``HealthDataError`` `malformedRecord` when there is no line feed, the field count
    ///   differs from `fieldCount`, or a field is neither `?` nor a finite number.
    public init(serialized text: String, fieldCount: Int, id: String = "") throws(HealthDataError) {
        guard let newline = text.firstIndex(of: "\n") else {
            throw HealthDataError(
                code: .malformedRecord, message: "a serialized record needs a line feed after its fields", file: id.isEmpty ? nil : id)
        }
        let parts = text[..<newline].split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == fieldCount else {
            throw HealthDataError(
                code: .malformedRecord, message: "\(parts.count) fields, expected \(fieldCount)", file: id.isEmpty ? nil : id)
        }
        var fields: [Double?] = []
        for (index, part) in parts.enumerated() {
            if part == "?" {
                fields.append(nil)
            } else if let value = Double(part), value.isFinite {
                fields.append(value)
            } else {
                throw HealthDataError(
                    code: .malformedRecord, message: "field \(index) is '\(part)', expected a finite number or ?",
                    file: id.isEmpty ? nil : id, column: index + 1)
            }
        }
        self.init(id: id, fields: fields, note: String(text[text.index(after: newline)...]))
    }
}
