import ClinicalTextCodec
import TensorCore
import Testing

@Suite struct NoteEncodingTests {
    @Test func roundTripAndTruncationAtCharacterBoundaries() throws {
        let long = String(repeating: "é", count: 10)  // 20 bytes
        let encoded = try NoteEncoding.encode(["chest pain", long, "ok\u{0}x"], maximumBytes: 7)
        #expect(encoded.bytes.shape == [3, 7])
        #expect(encoded.truncatedNotes == [0, 1])
        let decoded = NoteEncoding.decode(encoded.bytes)
        #expect(decoded[0] == "chest p")
        #expect(decoded[1] == "ééé")  // 6 bytes: the 7th byte would split a character
        #expect(decoded[2] == "ok x")  // NUL becomes a space
    }

    @Test func emptyAndInvalidNotesAreErrors() throws {
        #expect {
            try NoteEncoding.encode(["fine", " \n\t"], maximumBytes: 16)
        } throws: { error in
            let e = error as! ClinicalTextCodecError
            return e.code == .emptyNote && e.note == 1
        }
        #expect {
            try NoteEncoding.encode(utf8: [Array("ok".utf8), [0x61, 0x62, 0xC3, 0x28]], maximumBytes: 16)
        } throws: { error in
            let e = error as! ClinicalTextCodecError
            return e.code == .invalidUTF8 && e.note == 1 && e.offset == 3
        }
        #expect {
            try NoteEncoding.encode(utf8: [[0xED, 0xA0, 0x80]], maximumBytes: 16)  // a UTF-16 surrogate
        } throws: { ($0 as! ClinicalTextCodecError).code == .invalidUTF8 }
        #expect(try NoteEncoding.encode(utf8: [Array("Ärger 😀".utf8)], maximumBytes: 16).truncatedNotes.isEmpty)
    }
}
