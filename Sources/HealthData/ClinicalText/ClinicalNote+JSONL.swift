// Reading and writing clinical notes as JSON Lines.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ClinicalNote {
    /// Parses JSON Lines (one ``ClinicalNote`` object per line; blank lines are skipped).
    ///
    /// Each line has `id`, `text`, `triage` (`emergent|urgent|routine`), `concepts`
    /// (`[{"concept": …, "negated": …}]`) and optionally `vitals`, `templates`, `split`.
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - source: the file name for errors.
    /// - Throws: ``HealthDataError`` `invalidEncoding` (with the line) for bytes that are not UTF-8,
    ///   `malformedRecord` (with the line) for a line that is not a note, `missingValue` for an empty
    ///   `text`, `emptyFile` when there is no note.
    public static func parseJSONLines(_ bytes: [UInt8], source: String? = nil) throws(HealthDataError) -> [ClinicalNote] {
        var notes: [ClinicalNote] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard String(validating: trimmed, as: UTF8.self) != nil else {
                throw HealthDataError(
                    code: .invalidEncoding, message: "line is not valid UTF-8", file: source, line: lineNumber)
            }
            let note: ClinicalNote
            do {
                note = try decoder.decode(ClinicalNote.self, from: Data(trimmed))
            } catch {
                throw HealthDataError(
                    code: .malformedRecord,
                    message: "expected a note object {id, text, triage, concepts[, vitals, templates, split]}: \(error)",
                    file: source, line: lineNumber)
            }
            guard !note.text.allSatisfy(\.isWhitespace) else {
                throw HealthDataError(code: .missingValue, message: "note '\(note.id)' has an empty text", file: source, line: lineNumber)
            }
            notes.append(note)
        }
        guard !notes.isEmpty else {
            throw HealthDataError(code: .emptyFile, message: "no notes in the file", file: source)
        }
        return notes
    }

    /// Loads a JSON Lines file of notes (see ``parseJSONLines(_:source:)``).
    /// - Throws: ``HealthDataError`` `unreadableFile`, or a parse error naming the line.
    public static func load(contentsOfFile path: String) throws(HealthDataError) -> [ClinicalNote] {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HealthDataError(code: .unreadableFile, message: "cannot read the notes file", file: path, cause: error)
        }
        return try parseJSONLines(bytes, source: path)
    }

    /// The notes as JSON Lines: one compact object per line with sorted keys, newline-terminated.
    public static func jsonLines(_ notes: [ClinicalNote]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for note in notes {
            // Encoding a value of plain strings, numbers and arrays cannot fail.
            bytes += Array(try! encoder.encode(note))
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
