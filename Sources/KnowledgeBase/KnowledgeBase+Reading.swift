// Reading and checking a `.semkb` file.

import Channels
import Compression
import Foundation

extension KnowledgeBase {
    /// Bounds a reader enforces before allocating, so that a hostile or corrupted length field cannot
    /// exhaust memory.
    public struct ReadingLimits: Sendable, Hashable {
        /// The largest file accepted, in bytes (checked before the file is read). Default 1 GiB.
        public var maximumFileSize: Int
        /// The most sections (manifest included). Default 65 536.
        public var maximumSectionCount: Int
        /// The largest uncompressed section payload, in bytes. Default 1 GiB.
        public var maximumSectionSize: Int
        /// The largest sum of uncompressed payloads, in bytes. Default 2 GiB.
        public var maximumTotalSize: Int

        /// Creates limits.
        /// - Precondition: every limit is positive.
        public init(
            maximumFileSize: Int = 1 << 30, maximumSectionCount: Int = 1 << 16, maximumSectionSize: Int = 1 << 30,
            maximumTotalSize: Int = 2 << 30
        ) {
            precondition(
                maximumFileSize > 0 && maximumSectionCount > 0 && maximumSectionSize > 0 && maximumTotalSize > 0,
                "reading limits must be positive: file \(maximumFileSize), sections \(maximumSectionCount), "
                    + "section \(maximumSectionSize), total \(maximumTotalSize)")
            self.maximumFileSize = maximumFileSize
            self.maximumSectionCount = maximumSectionCount
            self.maximumSectionSize = maximumSectionSize
            self.maximumTotalSize = maximumTotalSize
        }
    }

    /// Reads and checks a `.semkb` file.
    /// - Parameters:
    ///   - path: the file's path.
    ///   - limits: size limits enforced before allocating.
    /// - Throws: ``KnowledgeBaseError`` naming the file, the offset and the section: `unreadableFile`,
    ///   `lengthOutOfBounds` (file larger than the limit), or any error of ``init(bytes:source:limits:)``.
    public init(contentsOfFile path: String, limits: ReadingLimits = ReadingLimits()) throws {
        let bytes = try Self.readFile(path, limits: limits)
        try self.init(bytes: bytes, source: path, limits: limits)
    }

    /// Reads and checks `.semkb` bytes.
    ///
    /// Checks, in this order, stopping at the first failure: magic; format version; header flags; header
    /// CRC-32C; declared file length (truncation, trailing bytes); section count and table length against
    /// the file and `limits`; table CRC-32C; each table entry (compression method, name, contiguous
    /// offsets, lengths, uniqueness, manifest first); then for each section its payload CRC-32C, zstd
    /// decompression to exactly the declared length, and its encoding; the manifest JSON; and finally the
    /// recomputed fingerprint against the stored one.
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - source: a name for errors (a path, a URL), if any.
    ///   - limits: size limits enforced before allocating.
    /// - Throws: ``KnowledgeBaseError`` with the code, offset and section of the first problem found.
    public init(bytes: some Collection<UInt8>, source: String? = nil, limits: ReadingLimits = ReadingLimits()) throws {
        var parser = FileParser(bytes: Array(bytes), file: source, limits: limits)
        self = try parser.parse()
    }

    /// Reads a whole file, refusing files larger than `limits.maximumFileSize` before reading.
    static func readFile(_ path: String, limits: ReadingLimits) throws(KnowledgeBaseError) -> [UInt8] {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw KnowledgeBaseError(
                code: .unreadableFile, message: "cannot open the file: \(error.localizedDescription)", file: path,
                cause: error)
        }
        guard size <= limits.maximumFileSize else {
            throw KnowledgeBaseError(
                code: .lengthOutOfBounds,
                message: "the file has \(size) bytes; the limit is \(limits.maximumFileSize)", file: path)
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= limits.maximumFileSize else {
                throw KnowledgeBaseError(
                    code: .lengthOutOfBounds,
                    message: "the file has \(data.count) bytes; the limit is \(limits.maximumFileSize)", file: path)
            }
            return Array(data)
        } catch let error as KnowledgeBaseError {
            throw error
        } catch {
            throw KnowledgeBaseError(
                code: .unreadableFile, message: "cannot read the file: \(error.localizedDescription)", file: path,
                cause: error)
        }
    }
}

/// The `.semkb` reader: parses and checks a file step by step, recording what it has seen so far for
/// ``KnowledgeBase/VerificationReport``.
struct FileParser {
    let bytes: [UInt8]
    let file: String?
    let limits: KnowledgeBase.ReadingLimits

    private(set) var header: FileHeader?
    private(set) var entries: [SectionEntry] = []
    private(set) var storedFingerprint: Fingerprint?
    private(set) var checkedSections = 0

    init(bytes: [UInt8], file: String?, limits: KnowledgeBase.ReadingLimits) {
        self.bytes = bytes
        self.file = file
        self.limits = limits
    }

    mutating func parse() throws(KnowledgeBaseError) -> KnowledgeBase {
        let header = try FileHeader.parse(bytes, file: file)
        self.header = header
        var seenEntries: [SectionEntry] = []
        let table: SectionTable
        do {
            table = try SectionTable.parse(bytes, header: header, limits: limits, file: file) {
                seenEntries.append($0)
            }
        } catch {
            entries = seenEntries
            throw error
        }
        entries = table.entries
        storedFingerprint = table.fingerprint

        var manifestJSON: [UInt8] = []
        var manifest: Manifest?
        var raw: [RawSection] = []
        var sections: [Section] = []
        raw.reserveCapacity(table.entries.count)
        sections.reserveCapacity(table.entries.count)
        for entry in table.entries {
            let payload = try payload(of: entry)
            let offset = Int(entry.offset)
            if entry.kind == .manifest {
                manifestJSON = payload
                manifest = try Manifest.decode(json: payload, file: file, offset: offset)
            } else {
                let location = ErrorLocation(file: file, section: entry.name, offset: offset)
                let content = try Section.Content.decode(kind: entry.kind, payload: payload, location: location)
                sections.append(Section(name: entry.name, content: content))
                raw.append(RawSection(kind: entry.kind, name: entry.name, payload: payload))
            }
            checkedSections += 1
        }
        // The table parser guarantees entry 0 is the manifest, so `manifest` is set.
        guard let manifest else {
            throw KnowledgeBaseError(
                code: .duplicateSection, message: "no manifest section", file: file, section: "manifest")
        }
        let computed = Fingerprint.compute(manifestJSON: manifestJSON, sections: raw)
        guard computed == table.fingerprint else {
            throw KnowledgeBaseError(
                code: .fingerprintMismatch,
                message: "the content hashes to \(computed); the section table stores \(table.fingerprint)",
                file: file, offset: FileHeader.size + Int(header.tableLength) - SectionTable.trailerSize,
                section: "section table")
        }
        return KnowledgeBase(manifest: manifest, manifestJSON: manifestJSON, sections: sections)
    }

    /// Checks a section's CRC-32C and decompresses it to exactly its declared length.
    private func payload(of entry: SectionEntry) throws(KnowledgeBaseError) -> [UInt8] {
        let start = Int(entry.offset)
        let stored = bytes[start..<(start + Int(entry.storedLength))]
        let checksum = CRC32C.checksum(stored)
        guard checksum == entry.checksum else {
            throw KnowledgeBaseError(
                code: .checksumMismatch,
                message: "\(entry.kind) section payload CRC-32C is 0x\(hex(checksum)); the table stores "
                    + "0x\(hex(entry.checksum))",
                file: file, offset: start, section: entry.name)
        }
        switch entry.compression {
        case .stored:
            return Array(stored)
        case .zstd:
            let expected = Int(entry.uncompressedLength)
            let output: [UInt8]
            do {
                output = try Zstd.decompress(stored, maximumOutputSize: expected)
            } catch {
                throw KnowledgeBaseError(
                    code: .decompressionFailed,
                    message: "\(entry.kind) section does not decompress to \(expected) bytes: \(error)", file: file,
                    offset: start + ((error as? CompressionError)?.offset ?? 0), section: entry.name, cause: error)
            }
            guard output.count == expected else {
                throw KnowledgeBaseError(
                    code: .decompressionFailed,
                    message:
                        "\(entry.kind) section decompresses to \(output.count) bytes; the table declares \(expected)",
                    file: file, offset: start, section: entry.name)
            }
            return output
        }
    }
}
