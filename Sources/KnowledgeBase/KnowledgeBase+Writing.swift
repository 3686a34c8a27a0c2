// Serializing a knowledge base to the `.semkb` byte layout.

import Channels
import Compression
import Foundation

extension KnowledgeBase {
    /// The `.semkb` bytes of this knowledge base (layout in <doc:SemKBFormat>).
    ///
    /// Each payload is compressed into one zstd frame at `compressionLevel`, or stored as it is when zstd
    /// would not make it smaller. The fingerprint does not depend on that choice.
    /// - Parameter compressionLevel: the zstd level, in `Zstd.levels` (default 19: files are written once
    ///   and read often).
    /// - Returns: the file's bytes.
    /// - Precondition: `compressionLevel` is in `Zstd.levels`.
    /// - Throws: ``KnowledgeBaseError`` (`unwritableFile`) if libzstd cannot allocate its context.
    public func serializedBytes(compressionLevel: Int = 19) throws -> [UInt8] {
        precondition(Zstd.levels.contains(compressionLevel), "zstd level \(compressionLevel) outside \(Zstd.levels)")
        let manifestSection = RawSection(kind: .manifest, name: Self.manifestSectionName, payload: manifestJSON)
        return try Self.assemble(
            [manifestSection] + rawSections, compressionLevel: compressionLevel,
            fingerprint: Fingerprint.compute(manifestJSON: manifestJSON, sections: rawSections))
    }

    /// Writes the `.semkb` file atomically (to a temporary file in the same folder, then renamed).
    /// - Parameters:
    ///   - path: the destination path.
    ///   - compressionLevel: the zstd level (see ``serializedBytes(compressionLevel:)``).
    /// - Throws: ``KnowledgeBaseError`` `unwritableFile` naming the path.
    public func write(to path: String, compressionLevel: Int = 19) throws {
        let bytes = try serializedBytes(compressionLevel: compressionLevel)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw KnowledgeBaseError(
                code: .unwritableFile, message: "cannot write \(bytes.count) bytes: \(error.localizedDescription)",
                file: path, cause: error)
        }
    }

    /// Lays out a file from sections as stored (the first must be the manifest) and a fingerprint.
    ///
    /// Internal so that tests can build files with crafted payloads; it does not validate the payloads.
    static func assemble(
        _ sections: [RawSection], compressionLevel: Int, fingerprint: Fingerprint
    ) throws(KnowledgeBaseError) -> [UInt8] {
        var stored: [(compression: SectionCompression, bytes: [UInt8])] = []
        stored.reserveCapacity(sections.count)
        for section in sections {
            let packed: [UInt8]
            do {
                packed = try Zstd.compress(section.payload, level: compressionLevel)
            } catch {
                throw KnowledgeBaseError(
                    code: .unwritableFile, message: "zstd could not compress the section: \(error)",
                    section: section.name, cause: error)
            }
            stored.append(packed.count < section.payload.count ? (.zstd, packed) : (.stored, section.payload))
        }
        let tableLength = SectionTable.length(names: sections.map(\.name))
        var offset = UInt64(FileHeader.size + tableLength)
        var entries: [SectionEntry] = []
        for (section, payload) in zip(sections, stored) {
            entries.append(
                SectionEntry(
                    kind: section.kind, compression: payload.compression, name: section.name, offset: offset,
                    storedLength: UInt64(payload.bytes.count), uncompressedLength: UInt64(section.payload.count),
                    checksum: CRC32C.checksum(payload.bytes)))
            offset += UInt64(payload.bytes.count)
        }
        let header = FileHeader(
            sectionCount: UInt32(sections.count), fileLength: offset, tableLength: UInt32(tableLength))
        var writer = ByteWriter(capacity: Int(offset))
        writer.writeBytes(header.encoded)
        writer.writeBytes(SectionTable(entries: entries, fingerprint: fingerprint).encoded)
        for payload in stored { writer.writeBytes(payload.bytes) }
        return writer.bytes
    }
}
