// The fixed 32-byte header at the start of every `.semkb` file.

import Channels

/// The `.semkb` file header (offsets 0–31), as defined in <doc:SemKBFormat>.
///
/// ```
///  0  8  magic 89 53 45 4D 4B 42 0D 0A  ("\x89SEMKB\r\n")
///  8  2  format version      UInt16 LE (1)
/// 10  2  flags               UInt16 LE (0; every bit reserved)
/// 12  4  section count       UInt32 LE (including the manifest)
/// 16  8  file length         UInt64 LE
/// 24  4  section-table length UInt32 LE
/// 28  4  CRC-32C of bytes 0–27
/// ```
struct FileHeader: Equatable {
    /// `0x89 'S' 'E' 'M' 'K' 'B' CR LF`: the high byte catches 7-bit transfers, CR LF catches line-ending
    /// conversion in either direction (after PNG's signature, ISO/IEC 15948 §5.2).
    static let magic: [UInt8] = [0x89, 0x53, 0x45, 0x4D, 0x4B, 0x42, 0x0D, 0x0A]
    /// The header's size in bytes.
    static let size = 32
    /// The format version this module writes and reads.
    static let currentVersion: UInt16 = 1

    var version: UInt16 = currentVersion
    var flags: UInt16 = 0
    var sectionCount: UInt32
    var fileLength: UInt64
    var tableLength: UInt32

    /// The 32 header bytes, CRC included.
    var encoded: [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.writeBytes(Self.magic)
        writer.writeInteger(version, endianness: .little)
        writer.writeInteger(flags, endianness: .little)
        writer.writeInteger(sectionCount, endianness: .little)
        writer.writeInteger(fileLength, endianness: .little)
        writer.writeInteger(tableLength, endianness: .little)
        writer.writeInteger(CRC32C.checksum(writer.bytes), endianness: .little)
        return writer.bytes
    }

    /// Parses and checks the header: magic, version, flags, CRC, and the declared file length against the
    /// actual byte count.
    /// - Throws: ``KnowledgeBaseError`` `badMagic`, `truncated`, `unsupportedVersion`, `unsupportedFeature`,
    ///   `checksumMismatch` or `layoutMismatch`, with the offset of the offending field.
    static func parse(_ bytes: [UInt8], file: String?) throws(KnowledgeBaseError) -> FileHeader {
        func failure(_ code: KnowledgeBaseError.Code, _ message: String, at offset: Int) -> KnowledgeBaseError {
            KnowledgeBaseError(code: code, message: message, file: file, offset: offset, section: "header")
        }
        if bytes.count < magic.count && Array(magic.prefix(bytes.count)) == bytes {
            throw failure(
                .truncated, "file ends at offset \(bytes.count) inside the magic; expected \(size) header bytes",
                at: bytes.count)
        }
        guard bytes.starts(with: magic) else {
            throw failure(.badMagic, "expected the magic 89 53 45 4D 4B 42 0D 0A; \(diagnoseMagic(bytes))", at: 0)
        }
        let reader = ByteReader(bytes)
        guard bytes.count >= size,
            let version = reader.getInteger(at: 8, endianness: .little, as: UInt16.self),
            let flags = reader.getInteger(at: 10, endianness: .little, as: UInt16.self),
            let sectionCount = reader.getInteger(at: 12, endianness: .little, as: UInt32.self),
            let fileLength = reader.getInteger(at: 16, endianness: .little, as: UInt64.self),
            let tableLength = reader.getInteger(at: 24, endianness: .little, as: UInt32.self),
            let storedCRC = reader.getInteger(at: 28, endianness: .little, as: UInt32.self)
        else {
            throw failure(
                .truncated, "file ends at offset \(bytes.count) inside the header; expected \(size) bytes",
                at: bytes.count)
        }
        guard version == currentVersion else {
            throw failure(
                .unsupportedVersion,
                "format version \(version); this reader understands version \(currentVersion) only", at: 8)
        }
        guard flags == 0 else {
            throw failure(
                .unsupportedFeature,
                "header flags 0x\(String(flags, radix: 16)); version 1 defines no flags (expected 0)", at: 10)
        }
        let computedCRC = CRC32C.checksum(bytes[0..<28])
        guard computedCRC == storedCRC else {
            throw failure(
                .checksumMismatch,
                "header CRC-32C is 0x\(hex(computedCRC)); the header stores 0x\(hex(storedCRC))", at: 28)
        }
        guard fileLength <= UInt64(Int.max), Int(fileLength) <= bytes.count else {
            throw failure(
                .truncated, "truncated at offset \(bytes.count): the header declares \(fileLength) bytes", at: 16)
        }
        guard Int(fileLength) == bytes.count else {
            throw KnowledgeBaseError(
                code: .layoutMismatch,
                message:
                    "\(bytes.count - Int(fileLength)) bytes follow the declared end of file at offset \(fileLength)",
                file: file, offset: Int(fileLength))
        }
        return FileHeader(
            version: version, flags: flags, sectionCount: sectionCount, fileLength: fileLength, tableLength: tableLength
        )
    }

    /// Explains a wrong magic when it looks like transfer damage.
    private static func diagnoseMagic(_ bytes: [UInt8]) -> String {
        let name = Array(magic[1...5])
        if bytes.count >= 6, bytes[0] == 0x09, Array(bytes[1...5]) == name {
            return "the first byte 0x89 became 0x09: the file went through a 7-bit (high bit stripping) transfer"
        }
        if bytes.count >= 8, bytes.starts(with: [0xEF, 0xBF, 0xBD]), Array(bytes[3...7]) == name {
            return "the first byte 0x89 became U+FFFD: the file was decoded and re-encoded as UTF-8 text"
        }
        if bytes.count >= 7, Array(bytes[0...5]) == Array(magic[0...5]) {
            if bytes[6] == 0x0A { return "CR LF became LF: the file went through a text-mode transfer" }
            if bytes.count >= 8, bytes[6] == 0x0D, bytes[7] == 0x0D {
                return "LF became CR LF: the file went through a text-mode transfer"
            }
        }
        return "this is not a .semkb knowledge-base file"
    }
}

/// `value` as 8 lowercase hexadecimal digits.
func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
