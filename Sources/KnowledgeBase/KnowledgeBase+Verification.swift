// A non-throwing check of a `.semkb` file with a per-section report.

extension KnowledgeBase {
    /// The outcome of checking a `.semkb` file: what was found and the first problem, if any.
    public struct VerificationReport: Sendable {
        /// The file path or source name.
        public var file: String?
        /// The file's size in bytes.
        public var fileLength: Int
        /// The format version from the header, if the header was readable.
        public var formatVersion: UInt16?
        /// The sections listed in the section table, as far as the table could be read.
        public var sections: [SectionSummary]
        /// How many sections (in table order, the manifest first) passed every check.
        public var checkedSectionCount: Int
        /// The fingerprint stored in the section table, if the table was readable.
        public var storedFingerprint: Fingerprint?
        /// The knowledge base's manifest name, if the whole file checked out.
        public var manifestName: String?
        /// The first problem found, or `nil` if the file is valid.
        public var error: KnowledgeBaseError?

        /// Whether every check passed.
        public var isValid: Bool { error == nil }
    }

    /// One section as listed in the section table.
    public struct SectionSummary: Sendable, Hashable {
        /// The section's kind.
        public var kind: Section.Kind
        /// The section's name.
        public var name: String
        /// The file offset of its stored payload.
        public var offset: Int
        /// Stored (possibly compressed) bytes.
        public var storedLength: Int
        /// Uncompressed payload bytes.
        public var uncompressedLength: Int
        /// How the payload is stored.
        public var compression: SectionCompression
        /// The CRC-32C of the stored bytes, from the table.
        public var checksum: UInt32
    }

    /// Checks `.semkb` bytes without throwing, running every check of ``init(bytes:source:limits:)``.
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - source: a name for the report and errors.
    ///   - limits: size limits enforced before allocating.
    /// - Returns: the report; ``VerificationReport/error`` is the first problem found.
    public static func verify(
        bytes: some Collection<UInt8>, source: String? = nil, limits: ReadingLimits = ReadingLimits()
    ) -> VerificationReport {
        var parser = FileParser(bytes: Array(bytes), file: source, limits: limits)
        var report = VerificationReport(
            file: source, fileLength: parser.bytes.count, formatVersion: nil, sections: [], checkedSectionCount: 0,
            storedFingerprint: nil, manifestName: nil, error: nil)
        do {
            let knowledgeBase = try parser.parse()
            report.manifestName = knowledgeBase.manifest.name
        } catch {
            report.error = error
        }
        report.formatVersion = parser.header?.version
        report.sections = parser.entries.map {
            SectionSummary(
                kind: $0.kind, name: $0.name, offset: Int($0.offset), storedLength: Int($0.storedLength),
                uncompressedLength: Int($0.uncompressedLength), compression: $0.compression, checksum: $0.checksum)
        }
        report.checkedSectionCount = parser.checkedSections
        report.storedFingerprint = parser.storedFingerprint
        return report
    }

    /// Checks a `.semkb` file without throwing (see ``verify(bytes:source:limits:)``).
    /// - Parameters:
    ///   - path: the file's path.
    ///   - limits: size limits enforced before allocating.
    /// - Returns: the report; an unreadable or oversized file is reported as its error.
    public static func verify(contentsOfFile path: String, limits: ReadingLimits = ReadingLimits())
        -> VerificationReport
    {
        do {
            return verify(bytes: try readFile(path, limits: limits), source: path, limits: limits)
        } catch {
            return VerificationReport(
                file: path, fileLength: 0, formatVersion: nil, sections: [], checkedSectionCount: 0,
                storedFingerprint: nil, manifestName: nil, error: error)
        }
    }

    /// Serializes this knowledge base and checks the bytes, as a reader at the other end would.
    /// - Returns: the report of ``verify(bytes:source:limits:)`` on ``serializedBytes(compressionLevel:)``.
    /// - Throws: ``KnowledgeBaseError`` if serialization fails.
    public func verify() throws -> VerificationReport {
        Self.verify(bytes: try serializedBytes(), source: manifest.name)
    }
}
