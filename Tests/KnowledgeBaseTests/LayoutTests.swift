// The byte layout of SemKBFormat.md, checked field by field on a written file.

import Channels
import Compression
import Testing

@testable import KnowledgeBase

@Suite struct LayoutTests {
    @Test func headerFieldsSitAtTheDocumentedOffsets() throws {
        let kb = Fixtures.small()
        let bytes = try kb.serializedBytes()
        let reader = ByteReader(bytes)
        // SemKBFormat.md, "Header": magic, version, flags, section count, file length, table length, CRC.
        #expect(Array(bytes[0..<8]) == [0x89, 0x53, 0x45, 0x4D, 0x4B, 0x42, 0x0D, 0x0A])
        #expect(reader.getInteger(at: 8, endianness: .little, as: UInt16.self) == 1)
        #expect(reader.getInteger(at: 10, endianness: .little, as: UInt16.self) == 0)
        #expect(reader.getInteger(at: 12, endianness: .little, as: UInt32.self) == UInt32(kb.sections.count + 1))
        #expect(reader.getInteger(at: 16, endianness: .little, as: UInt64.self) == UInt64(bytes.count))
        let tableLength = try #require(reader.getInteger(at: 24, endianness: .little, as: UInt32.self))
        #expect(reader.getInteger(at: 28, endianness: .little, as: UInt32.self) == CRC32C.checksum(bytes[0..<28]))

        // "Section table": the first entry is the zstd- or stored manifest, its payload right after the table.
        #expect(reader.getInteger(at: 32, endianness: .little, as: UInt16.self) == 1)
        #expect(reader.getInteger(at: 36, endianness: .little, as: UInt16.self) == 8)
        #expect(reader.getUTF8String(at: 38, length: 8) == "manifest")
        let payloadOffset = try #require(reader.getInteger(at: 46, endianness: .little, as: UInt64.self))
        #expect(payloadOffset == 32 + UInt64(tableLength))
        let storedLength = try #require(reader.getInteger(at: 54, endianness: .little, as: UInt64.self))
        #expect(reader.getInteger(at: 62, endianness: .little, as: UInt64.self) == UInt64(kb.manifestJSON.count))
        let stored = bytes[Int(payloadOffset)..<Int(payloadOffset + storedLength)]
        #expect(reader.getInteger(at: 70, endianness: .little, as: UInt32.self) == CRC32C.checksum(stored))
        let method = bytes[34]
        let manifest = method == 1 ? try Zstd.decompress(stored, maximumOutputSize: 1 << 20) : Array(stored)
        #expect(manifest == kb.manifestJSON)

        // "Section table" trailer: the fingerprint, then the table's CRC-32C.
        let trailer = 32 + Int(tableLength) - 36
        #expect(Array(bytes[trailer..<(trailer + 32)]) == kb.fingerprint.bytes)
        #expect(
            reader.getInteger(at: trailer + 32, endianness: .little, as: UInt32.self)
                == CRC32C.checksum(bytes[32..<(trailer + 32)]))
    }

    @Test func sectionsAreContiguousAndEndAtTheEndOfTheFile() throws {
        let bytes = try Fixtures.large().serializedBytes()
        let report = KnowledgeBase.verify(bytes: bytes)
        var expected = report.sections[0].offset
        for section in report.sections {
            #expect(section.offset == expected)
            expected += section.storedLength
        }
        #expect(expected == bytes.count)
        #expect(report.sections.map(\.kind).first == .manifest)
    }
}
