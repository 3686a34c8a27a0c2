// The section table that follows the header: one entry per section, the stored fingerprint, a CRC.

import Channels

/// One entry of the section table, as defined in <doc:SemKBFormat>.
///
/// ```
/// +0  2  kind                UInt16 LE
/// +2  1  compression         UInt8 (0 stored, 1 zstd)
/// +3  1  reserved            0
/// +4  2  name length n       UInt16 LE (1–255)
/// +6  n  name                UTF-8
/// +6+n   8  payload offset   UInt64 LE (from the start of the file)
/// +14+n  8  stored length    UInt64 LE
/// +22+n  8  uncompressed length UInt64 LE
/// +30+n  4  CRC-32C of the stored payload bytes
/// ```
struct SectionEntry: Equatable {
    /// Bytes of an entry besides its name.
    static let fixedSize = 34

    var kind: Section.Kind
    var compression: SectionCompression
    var name: String
    var offset: UInt64
    var storedLength: UInt64
    var uncompressedLength: UInt64
    var checksum: UInt32

    func write(to writer: inout ByteWriter) {
        writer.writeInteger(kind.rawValue, endianness: .little)
        writer.writeInteger(compression.rawValue, endianness: .little)
        writer.writeInteger(UInt8(0), endianness: .little)
        writer.writeInteger(UInt16(name.utf8.count), endianness: .little)
        writer.writeUTF8String(name)
        writer.writeInteger(offset, endianness: .little)
        writer.writeInteger(storedLength, endianness: .little)
        writer.writeInteger(uncompressedLength, endianness: .little)
        writer.writeInteger(checksum, endianness: .little)
    }
}

/// How a section's payload is stored.
public enum SectionCompression: UInt8, Sendable, Hashable {
    /// The payload bytes as they are (used when zstd would not make them smaller).
    case stored = 0
    /// One zstd frame (RFC 8878) holding the payload.
    case zstd = 1
}

/// The section table: `sectionCount` entries, the 32-byte fingerprint, and the CRC-32C of everything
/// before it in the table.
struct SectionTable {
    /// The table's entries in file order (the manifest first).
    var entries: [SectionEntry]
    /// The fingerprint the writer computed.
    var fingerprint: Fingerprint

    /// Bytes after the entries: fingerprint and CRC.
    static let trailerSize = 32 + 4

    /// The table's size in bytes for entries with these names.
    static func length(names: [String]) -> Int {
        names.reduce(trailerSize) { $0 + SectionEntry.fixedSize + $1.utf8.count }
    }

    var encoded: [UInt8] {
        var writer = ByteWriter()
        for entry in entries { entry.write(to: &writer) }
        writer.writeBytes(fingerprint.bytes)
        writer.writeInteger(CRC32C.checksum(writer.bytes), endianness: .little)
        return writer.bytes
    }

    /// Parses and checks the table against the header and the reading limits: CRC, entry fields,
    /// contiguous payloads that end exactly at the end of the file, unique (kind, name) pairs, the manifest
    /// first and only first.
    /// - Parameter onEntry: called with each entry as soon as it has been checked (for reports).
    static func parse(
        _ bytes: [UInt8], header: FileHeader, limits: KnowledgeBase.ReadingLimits, file: String?,
        onEntry: (SectionEntry) -> Void = { _ in }
    ) throws(KnowledgeBaseError) -> SectionTable {
        let tableStart = FileHeader.size
        let tableName = "section table"
        func failure(_ code: KnowledgeBaseError.Code, _ message: String, at offset: Int) -> KnowledgeBaseError {
            KnowledgeBaseError(code: code, message: message, file: file, offset: offset, section: tableName)
        }
        let count = Int(header.sectionCount)
        let tableLength = Int(header.tableLength)
        guard count >= 1, count <= limits.maximumSectionCount else {
            throw failure(
                .lengthOutOfBounds,
                "header declares \(count) sections; expected 1–\(limits.maximumSectionCount)", at: 12)
        }
        let minimumLength = trailerSize + count * (SectionEntry.fixedSize + 1)
        guard tableLength >= minimumLength, tableLength <= bytes.count - tableStart else {
            throw failure(
                .lengthOutOfBounds,
                "header declares a \(tableLength)-byte section table; \(count) sections need at least "
                    + "\(minimumLength) bytes and the file leaves \(bytes.count - tableStart)", at: 24)
        }
        let tableEnd = tableStart + tableLength
        let crcOffset = tableEnd - 4
        var reader = ByteReader(bytes)
        let storedCRC = reader.getInteger(at: crcOffset, endianness: .little, as: UInt32.self) ?? 0
        let computedCRC = CRC32C.checksum(bytes[tableStart..<crcOffset])
        guard storedCRC == computedCRC else {
            throw failure(
                .checksumMismatch,
                "section table CRC-32C is 0x\(hex(computedCRC)); the table stores 0x\(hex(storedCRC))", at: crcOffset)
        }
        reader.moveReaderIndex(forwardBy: tableStart)

        var entries: [SectionEntry] = []
        entries.reserveCapacity(count)
        var seen = Set<SectionKey>()
        var expectedOffset = UInt64(tableEnd)
        var totalUncompressed: UInt64 = 0
        for index in 0..<count {
            let entryOffset = reader.readerIndex
            guard let kindCode = reader.readInteger(endianness: .little, as: UInt16.self),
                let compressionCode = reader.readInteger(endianness: .little, as: UInt8.self),
                let reserved = reader.readInteger(endianness: .little, as: UInt8.self),
                let nameLength = reader.readInteger(endianness: .little, as: UInt16.self)
            else { throw failure(.truncated, "entry \(index) runs past the table", at: entryOffset) }
            guard let compression = SectionCompression(rawValue: compressionCode) else {
                throw failure(
                    .unsupportedFeature,
                    "entry \(index): compression method \(compressionCode); expected 0 (stored) or 1 (zstd)",
                    at: entryOffset + 2)
            }
            guard reserved == 0 else {
                throw failure(
                    .invalidSection, "entry \(index): reserved byte is \(reserved); expected 0", at: entryOffset + 3)
            }
            guard (1...Section.maximumNameLength).contains(Int(nameLength)),
                reader.readerIndex + Int(nameLength) + SectionEntry.fixedSize - 6 <= crcOffset - 32
            else {
                throw failure(
                    .lengthOutOfBounds,
                    "entry \(index): name length \(nameLength); expected 1–\(Section.maximumNameLength) within the table",
                    at: entryOffset + 4)
            }
            guard let name = reader.readUTF8String(length: Int(nameLength)) else {
                throw failure(.invalidSection, "entry \(index): name is not valid UTF-8", at: entryOffset + 6)
            }
            let fieldsOffset = reader.readerIndex
            guard let offset = reader.readInteger(endianness: .little, as: UInt64.self),
                let storedLength = reader.readInteger(endianness: .little, as: UInt64.self),
                let uncompressedLength = reader.readInteger(endianness: .little, as: UInt64.self),
                let checksum = reader.readInteger(endianness: .little, as: UInt32.self)
            else { throw failure(.truncated, "entry \(index) ('\(name)') runs past the table", at: fieldsOffset) }
            let kind = Section.Kind(rawValue: kindCode)
            func entryFailure(_ code: KnowledgeBaseError.Code, _ message: String, at offset: Int) -> KnowledgeBaseError
            {
                KnowledgeBaseError(code: code, message: message, file: file, offset: offset, section: name)
            }
            guard offset == expectedOffset else {
                throw entryFailure(
                    .layoutMismatch,
                    "section table entry \(index): payload offset \(offset); sections are contiguous, expected "
                        + "\(expectedOffset)", at: fieldsOffset)
            }
            guard storedLength <= UInt64(bytes.count) - offset else {
                throw entryFailure(
                    .lengthOutOfBounds,
                    "section table entry \(index): stored length \(storedLength) at offset \(offset) runs past the "
                        + "end of the \(bytes.count)-byte file", at: fieldsOffset + 8)
            }
            guard uncompressedLength <= UInt64(limits.maximumSectionSize) else {
                throw entryFailure(
                    .lengthOutOfBounds,
                    "section table entry \(index): uncompressed length \(uncompressedLength) exceeds the limit of "
                        + "\(limits.maximumSectionSize) bytes", at: fieldsOffset + 16)
            }
            totalUncompressed += uncompressedLength
            guard totalUncompressed <= UInt64(limits.maximumTotalSize) else {
                throw entryFailure(
                    .lengthOutOfBounds,
                    "sections up to entry \(index) total \(totalUncompressed) uncompressed bytes; the limit is "
                        + "\(limits.maximumTotalSize)", at: fieldsOffset + 16)
            }
            guard compression == .zstd || storedLength == uncompressedLength else {
                throw entryFailure(
                    .layoutMismatch,
                    "section table entry \(index): a stored (uncompressed) section has stored length \(storedLength) "
                        + "but uncompressed length \(uncompressedLength)", at: fieldsOffset + 8)
            }
            if index == 0 {
                guard kind == .manifest, name == KnowledgeBase.manifestSectionName else {
                    throw entryFailure(
                        .duplicateSection,
                        "the first section is \(kind) '\(name)'; expected the manifest section 'manifest'",
                        at: entryOffset)
                }
            } else if kind == .manifest {
                throw entryFailure(
                    .duplicateSection, "section table entry \(index) is a second manifest; expected exactly one",
                    at: entryOffset)
            }
            guard seen.insert(SectionKey(kind: kind, name: name)).inserted else {
                throw entryFailure(
                    .duplicateSection,
                    "section table entry \(index) repeats the \(kind) section '\(name)'; (kind, name) pairs are unique",
                    at: entryOffset)
            }
            let entry = SectionEntry(
                kind: kind, compression: compression, name: name, offset: offset, storedLength: storedLength,
                uncompressedLength: uncompressedLength, checksum: checksum)
            entries.append(entry)
            onEntry(entry)
            expectedOffset = offset + storedLength
        }
        guard reader.readerIndex == crcOffset - 32 else {
            throw failure(
                .layoutMismatch,
                "the \(count) entries end at offset \(reader.readerIndex); the declared table length puts the "
                    + "fingerprint at \(crcOffset - 32)", at: reader.readerIndex)
        }
        guard expectedOffset == UInt64(bytes.count) else {
            throw failure(
                .layoutMismatch,
                "the sections end at offset \(expectedOffset); the file has \(bytes.count) bytes",
                at: Int(expectedOffset))
        }
        // The CRC check above guarantees the table's 32 fingerprint bytes are present.
        let fingerprintBytes = Array(reader.readBytes(length: 32) ?? [])
        return SectionTable(entries: entries, fingerprint: Fingerprint(unchecked: fingerprintBytes))
    }
}

/// A (kind, name) pair: the identity of a section.
struct SectionKey: Hashable {
    var kind: Section.Kind
    var name: String
}
