// Notes as rows of UTF-8 bytes: the clinical-text codec's input tensor.

import TensorCore

/// How notes enter the codec: each note is one row of its UTF-8 bytes, one byte per scalar
/// (0…255), zero-padded to the model's limit `L` (`maximumBytes`). Text-level semantic noise acts
/// on these rows (``ClinicalTextNoisePerturbation``) and the featurizer reads them
/// (``ClinicalTextFeatureLayer``).
///
/// Documented handling of bad input:
/// - an empty note (no character other than white space) is an error (`emptyNote`, naming it);
/// - bytes that are not valid UTF-8 are an error (`invalidUTF8`, naming the note and offset);
/// - a note longer than `L` bytes is **truncated** at the last whole character within `L` bytes
///   and counted in ``Encoded/truncatedNotes`` (callers print a warning with the count);
/// - NUL characters (U+0000, the padding byte) become spaces;
/// - unknown words are fine: the featurizer hashes them.
public enum NoteEncoding {
    /// Encoded notes and what was truncated.
    public struct Encoded: Sendable {
        /// `[notes, maximumBytes]` byte rows.
        public var bytes: Tensor<Float>
        /// The indices of the notes that were longer than the limit and were truncated.
        public var truncatedNotes: [Int]
    }

    /// Encodes notes.
    /// - Throws: ``ClinicalTextCodecError`` `emptyNote` naming the first empty note.
    /// - Precondition: `maximumBytes ≥ 1`.
    public static func encode(_ texts: [String], maximumBytes: Int) throws(ClinicalTextCodecError) -> Encoded {
        precondition(maximumBytes >= 1, "maximumBytes must be ≥ 1, got \(maximumBytes)")
        var scalars = [Float](repeating: 0, count: texts.count * maximumBytes)
        var truncated: [Int] = []
        for (n, text) in texts.enumerated() {
            guard !text.allSatisfy(\.isWhitespace) else {
                throw ClinicalTextCodecError(
                    code: .emptyNote, message: "note is empty (only white space); expected some text", note: n)
            }
            let (bytes, wasTruncated) = fit(text, maximumBytes: maximumBytes)
            if wasTruncated { truncated.append(n) }
            for (i, byte) in bytes.enumerated() { scalars[n * maximumBytes + i] = Float(byte) }
        }
        return Encoded(bytes: Tensor(shape: [texts.count, maximumBytes], scalars: scalars), truncatedNotes: truncated)
    }

    /// Encodes notes given as raw bytes, after checking that each is valid UTF-8.
    /// - Throws: ``ClinicalTextCodecError`` `invalidUTF8` naming the note and the offset of the
    ///   first invalid byte, or `emptyNote`.
    public static func encode(utf8 notes: [[UInt8]], maximumBytes: Int) throws(ClinicalTextCodecError) -> Encoded {
        var texts: [String] = []
        for (n, bytes) in notes.enumerated() {
            if let offset = firstInvalidUTF8Offset(bytes) {
                throw ClinicalTextCodecError(
                    code: .invalidUTF8, message: "byte 0x\(String(bytes[offset], radix: 16)) is not valid UTF-8 here",
                    note: n, offset: offset)
            }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        return try encode(texts, maximumBytes: maximumBytes)
    }

    /// The UTF-8 bytes of `text` (NUL → space), cut at a character boundary to at most
    /// `maximumBytes`, and whether it was cut.
    static func fit(_ text: String, maximumBytes: Int) -> ([UInt8], Bool) {
        var bytes = text.utf8.map { $0 == 0 ? UInt8(ascii: " ") : $0 }
        guard bytes.count > maximumBytes else { return (bytes, false) }
        var end = maximumBytes
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // do not split a character
        bytes.removeSubrange(end...)
        return (bytes, true)
    }

    /// The notes of byte rows `[notes, L]` (each row read up to its first zero).
    public static func decode(_ rows: Tensor<Float>) -> [String] {
        precondition(rows.rank == 2, "Note rows must be [notes, L], got \(rows.shape)")
        let width = rows.shape[1]
        return (0..<rows.shape[0]).map { n in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(width)
            for i in 0..<width {
                let value = rows.scalars[n * width + i]
                guard value >= 1 && value <= 255 else { break }
                bytes.append(UInt8(value))
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Byte rows `[notes, L]` of notes already known to be non-empty (for perturbations):
    /// over-long results are cut like ``encode(_:maximumBytes:)``; an empty result stays empty.
    static func rows(_ texts: [String], maximumBytes: Int) -> Tensor<Float> {
        var scalars = [Float](repeating: 0, count: texts.count * maximumBytes)
        for (n, text) in texts.enumerated() {
            for (i, byte) in fit(text, maximumBytes: maximumBytes).0.enumerated() {
                scalars[n * maximumBytes + i] = Float(byte)
            }
        }
        return Tensor(shape: [texts.count, maximumBytes], scalars: scalars)
    }
}

/// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
/// (Unicode 15, Table 3-7), or `nil` if all of `bytes` is valid.
func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b {
        case 0x00...0x7F: i += 1; continue
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return i
        }
        for k in 1..<length {
            guard i + k < bytes.count else { return i }
            let c = bytes[i + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard c >= lo && c <= hi else { return i + k }
        }
        i += length
    }
    return nil
}
