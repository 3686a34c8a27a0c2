// ByteReader and ByteWriter: the building blocks of the layout in SemKBFormat.md.

import Testing

@testable import KnowledgeBase

@Suite struct FormatPrimitiveTests {
    @Test func writerAndReaderAgreeOnLittleAndBigEndian() throws {
        var writer = ByteWriter()
        writer.writeInteger(UInt16(0x0102), endianness: .little)
        writer.writeInteger(UInt32(0x0A0B_0C0D), endianness: .big)
        writer.writeInteger(Int64(-2), endianness: .little)
        writer.writeFloat32(-1.5, endianness: .little)
        writer.writeFloat64(.pi, endianness: .little)
        writer.writeUTF8String("é")
        #expect(Array(writer.bytes.prefix(6)) == [0x02, 0x01, 0x0A, 0x0B, 0x0C, 0x0D])

        var reader = ByteReader(writer.bytes)
        #expect(reader.readInteger(endianness: .little, as: UInt16.self) == 0x0102)
        #expect(reader.readInteger(endianness: .big, as: UInt32.self) == 0x0A0B_0C0D)
        #expect(reader.readInteger(endianness: .little, as: Int64.self) == -2)
        #expect(reader.readFloat32(endianness: .little) == -1.5)
        #expect(reader.readFloat64(endianness: .little) == .pi)
        #expect(reader.readUTF8String(length: 2) == "é")
        #expect(reader.readableBytes == 0)
    }

    @Test func shortReadsReturnNilAndDoNotMoveTheIndex() {
        var reader = ByteReader([1, 2, 3])
        #expect(reader.readInteger(endianness: .little, as: UInt32.self) == nil)
        #expect(reader.readerIndex == 0)
        #expect(reader.readBytes(length: 4) == nil)
        #expect(reader.getBytes(at: 2, length: Int.max) == nil)
        #expect(reader.getInteger(at: -1, endianness: .little, as: UInt8.self) == nil)
        let moved = reader.moveReaderIndex(forwardBy: 4)
        #expect(!moved)
        #expect(reader.readInteger(endianness: .little, as: UInt16.self) == 0x0201)
        #expect(reader.readerIndex == 2)
        #expect(reader.getInteger(at: 0, endianness: .big, as: UInt16.self) == 0x0102)
    }

    @Test func invalidUTF8IsRefused() {
        var reader = ByteReader([0xC3, 0x28])
        #expect(reader.readUTF8String(length: 2) == nil)
        #expect(reader.readerIndex == 0)
    }

    @Test func setIntegerPatchesInPlace() {
        var writer = ByteWriter()
        writer.writeInteger(UInt32(0), endianness: .little)
        writer.setInteger(UInt16(0xBEEF), at: 1, endianness: .little)
        #expect(writer.bytes == [0, 0xEF, 0xBE, 0])
    }
}
