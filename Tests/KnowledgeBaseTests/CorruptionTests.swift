// Damaged, truncated, hostile and foreign files are refused with errors naming the section or offset
// (SemKBFormat.md, "Reading and errors").

import Channels
import Foundation
import TensorCore
import Testing

@testable import KnowledgeBase

@Suite struct CorruptionTests {
    /// Reading and verifying must both fail, with a located error (offset or section), never succeed.
    static func expectRefused(_ bytes: [UInt8], _ comment: Comment) -> KnowledgeBaseError? {
        let report = KnowledgeBase.verify(bytes: bytes, source: "damaged.semkb")
        guard let error = report.error else {
            Issue.record("verify() accepted a damaged file: \(comment)")
            return nil
        }
        #expect(error.offset != nil || error.section != nil, "error is not located: \(error) — \(comment)")
        #expect(error.file == "damaged.semkb")
        do {
            _ = try KnowledgeBase(bytes: bytes, source: "damaged.semkb")
            Issue.record("init(bytes:) accepted a damaged file: \(comment)")
        } catch let thrown as KnowledgeBaseError {
            #expect(thrown.code == error.code, "\(comment)")
        } catch {
            Issue.record("unexpected error type \(type(of: error))")
        }
        return error
    }

    @Test func flippingAnySingleByteOfASmallFileIsDetected() throws {
        let bytes = try Fixtures.small().serializedBytes()
        #expect(bytes.count < 4096)
        var codes: [String: Int] = [:]
        for position in bytes.indices {
            for mask: UInt8 in [0x01, 0xFF] {
                var damaged = bytes
                damaged[position] ^= mask
                if let error = Self.expectRefused(damaged, "byte \(position) ^ \(mask)") {
                    codes[error.code.description, default: 0] += 1
                }
            }
        }
        // The damage is caught by the documented mechanisms (header, table and payload CRCs, magic, version).
        #expect(codes["checksumMismatch", default: 0] > bytes.count)
        #expect(codes["badMagic"] == 16)
        #expect(codes["unsupportedVersion"] == 4)
    }

    @Test func payloadDamageNamesTheSection() throws {
        let kb = Fixtures.small()
        let bytes = try kb.serializedBytes()
        let report = KnowledgeBase.verify(bytes: bytes)
        for section in report.sections where section.storedLength > 0 {
            var damaged = bytes
            damaged[section.offset + section.storedLength / 2] ^= 0x10
            let error = try #require(Self.expectRefused(damaged, "section \(section.name)"))
            #expect(error.code == .checksumMismatch)
            #expect(error.section == section.name)
            #expect(error.offset == section.offset)
            #expect(error.description.contains(section.name))
        }
    }

    @Test func flippingSampledBytesOfALargerFileIsDetected() throws {
        let bytes = try Fixtures.large().serializedBytes()
        var rng = Xoshiro256(seed: 42)
        for _ in 0..<400 {
            let position = Int(rng.next() % UInt64(bytes.count))
            let mask = UInt8(truncatingIfNeeded: rng.next() % 255 + 1)
            var damaged = bytes
            damaged[position] ^= mask
            _ = Self.expectRefused(damaged, "byte \(position) ^ \(mask)")
        }
    }

    @Test func truncationAtEveryLengthFails() throws {
        let bytes = try Fixtures.small().serializedBytes()
        for length in 0..<bytes.count {
            let error = Self.expectRefused(Array(bytes.prefix(length)), "truncated to \(length)")
            #expect(error?.code == .truncated, "length \(length): \(String(describing: error))")
            if length >= 32 {
                #expect(error?.message.contains("truncated at offset \(length)") == true)
                #expect(error?.message.contains("\(bytes.count) bytes") == true)
            }
        }
    }

    @Test func trailingBytesAreRefused() throws {
        let error = Self.expectRefused(try Fixtures.small().serializedBytes() + [0], "one trailing byte")
        #expect(error?.code == .layoutMismatch)
    }

    @Test func badMagicIsDiagnosed() throws {
        let bytes = try Fixtures.small().serializedBytes()
        let cases: [([UInt8], String)] = [
            (Array("{\"name\": \"not a kb\"}".utf8), "not a .semkb"),
            ([0x09] + bytes.dropFirst(), "7-bit"),
            ([0xEF, 0xBF, 0xBD] + bytes.dropFirst(), "UTF-8 text"),
            (Array(bytes[0..<6]) + [0x0A] + bytes.dropFirst(8), "CR LF became LF"),
            (Array(bytes[0..<6]) + [0x0D, 0x0D, 0x0A] + bytes.dropFirst(8), "LF became CR LF"),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a .semkb"),
        ]
        for (damaged, diagnosis) in cases {
            let error = Self.expectRefused(damaged, "magic \(diagnosis)")
            #expect(error?.code == .badMagic)
            #expect(error?.offset == 0)
            #expect(error?.message.contains(diagnosis) == true, "\(String(describing: error))")
        }
    }

    @Test func newerVersionsAndUnknownFlagsAreRefused() throws {
        var bytes = try Fixtures.small().serializedBytes()
        bytes[8] = 2
        var error = Self.expectRefused(Fixtures.reseal(bytes), "version 2")
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.offset == 8)
        #expect(error?.message.contains("format version 2") == true)

        bytes[8] = 1
        bytes[10] = 0x01
        error = Self.expectRefused(Fixtures.reseal(bytes), "flag bit 0")
        #expect(error?.code == .unsupportedFeature)
        #expect(error?.offset == 10)
    }

    @Test func oversizedLengthFieldsAreRefusedBeforeAllocating() throws {
        let bytes = try Fixtures.small().serializedBytes()
        // Manifest entry: uncompressed length (offset 62) claims 2^62 bytes; the CRCs are made to match.
        var huge = bytes
        Fixtures.store(UInt64(1) << 62, in: &huge, at: 62)
        var error = Self.expectRefused(Fixtures.reseal(huge), "uncompressed length 2^62")
        #expect(error?.code == .lengthOutOfBounds)
        #expect(error?.offset == 62)
        #expect(error?.section == "manifest")

        // Stored length beyond the end of the file.
        huge = bytes
        Fixtures.store(UInt64.max, in: &huge, at: 54)
        error = Self.expectRefused(Fixtures.reseal(huge), "stored length 2^64 - 1")
        #expect(error?.code == .lengthOutOfBounds)
        #expect(error?.offset == 54)

        // Section count and table length beyond the file.
        huge = bytes
        Fixtures.store(UInt32.max, in: &huge, at: 12)
        error = Self.expectRefused(Fixtures.reseal(huge), "section count 2^32 - 1")
        #expect(error?.code == .lengthOutOfBounds)
        huge = bytes
        Fixtures.store(UInt32.max, in: &huge, at: 24)
        error = Self.expectRefused(Fixtures.reseal(huge), "table length 2^32 - 1")
        #expect(error?.code == .lengthOutOfBounds)
        #expect(error?.offset == 24)

        // The file length field claims more than there is: truncation.
        huge = bytes
        Fixtures.store(UInt64.max, in: &huge, at: 16)
        error = Self.expectRefused(Fixtures.reseal(huge), "file length 2^64 - 1")
        #expect(error?.code == .truncated)
    }

    @Test func hostileCountsInsidePayloadsAreRefused() throws {
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let hostile: [(RawSection, KnowledgeBaseError.Code)] = [
            (RawSection(kind: .vocabulary, name: "v", payload: le32(.max)), .lengthOutOfBounds),
            (RawSection(kind: .synonymSets, name: "s", payload: le32(.max) + le32(1)), .lengthOutOfBounds),
            (RawSection(kind: .normalizers, name: "n", payload: le32(1 << 30)), .lengthOutOfBounds),
            (
                RawSection(
                    kind: .tensorFloat32, name: "t", payload: [1, 2, 0, 0] + [UInt8](repeating: 0xFF, count: 16)),
                .lengthOutOfBounds
            ),
            (
                RawSection(
                    kind: .tensorFloat32, name: "t",
                    payload: [1, 2, 0, 0] + [0, 0, 0, 0, 1, 0, 0, 0] + [0, 0, 0, 0, 1, 0, 0, 0]),
                .lengthOutOfBounds
            ),
            (
                RawSection(
                    kind: .tensorFloat32, name: "t",
                    payload: [1, 3, 0, 0] + [UInt8](repeating: 0, count: 8) + [0, 0, 0, 0, 0, 1, 0, 0]
                        + [0, 0, 0, 0, 0, 1, 0, 0]),
                .lengthOutOfBounds
            ),
            (
                RawSection(kind: .tensorFloat32, name: "t", payload: [2, 1, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0]),
                .invalidSection
            ),
            (RawSection(kind: .tensorFloat32, name: "t", payload: [1, 9, 0, 0]), .invalidSection),
            (
                RawSection(
                    kind: .tensorFloat32, name: "t", payload: [1, 1, 0, 0] + [2, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0]),
                .invalidSection
            ),
            (RawSection(kind: .vocabulary, name: "v", payload: le32(1) + le32(2) + [0xC3, 0x28]), .invalidSection),
            (
                RawSection(kind: .vocabulary, name: "v", payload: le32(2) + le32(1) + [65] + le32(1) + [65]),
                .invalidSection
            ),
            (RawSection(kind: .vocabulary, name: "v", payload: le32(0) + [0]), .invalidSection),
            (RawSection(kind: .synonymSets, name: "s", payload: le32(1) + le32(0)), .invalidSection),
            (
                RawSection(
                    kind: .normalizers, name: "n",
                    payload: le32(1) + le32(1) + [65] + [0] + Array(repeating: 0, count: 8) + [
                        0, 0, 0, 0, 0, 0, 0xF0, 0xBF,
                    ]),
                .invalidSection
            ),
            (
                RawSection(
                    kind: .normalizers, name: "n",
                    payload: le32(1) + le32(1) + [65] + [7] + Array(repeating: 0, count: 16)), .invalidSection
            ),
        ]
        for (section, code) in hostile {
            let error = Self.expectRefused(try Fixtures.assemble([section]), "hostile \(section.kind) payload")
            #expect(error?.code == code, "\(section.kind): \(String(describing: error))")
            #expect(error?.section == section.name)
        }
    }

    @Test func readingLimitsAreEnforced() throws {
        let bytes = try Fixtures.large().serializedBytes()
        let small = KnowledgeBase.ReadingLimits(maximumSectionSize: 1024)
        let error = try #require(KnowledgeBase.verify(bytes: bytes, limits: small).error)
        #expect(error.code == .lengthOutOfBounds)
        let few = KnowledgeBase.ReadingLimits(maximumSectionCount: 3)
        #expect(KnowledgeBase.verify(bytes: bytes, limits: few).error?.code == .lengthOutOfBounds)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID().uuidString).semkb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: KnowledgeBaseError.self) {
            try KnowledgeBase(contentsOfFile: path, limits: .init(maximumFileSize: bytes.count - 1))
        }
        let missing = KnowledgeBase.verify(contentsOfFile: path + ".missing")
        #expect(missing.error?.code == .unreadableFile)
        #expect(missing.error?.file == path + ".missing")
    }

    @Test func structuralViolationsAreRefused() throws {
        // Duplicate (kind, name).
        var error = Self.expectRefused(
            try Fixtures.assemble([
                RawSection(kind: .raw, name: "x", payload: [1]), RawSection(kind: .raw, name: "x", payload: [2]),
            ]), "duplicate section")
        #expect(error?.code == .duplicateSection)
        #expect(error?.section == "x")
        // A second manifest.
        error = Self.expectRefused(
            try Fixtures.assemble([
                RawSection(kind: .manifest, name: "manifest2", payload: Fixtures.manifest.canonicalJSON)
            ]),
            "second manifest")
        #expect(error?.code == .duplicateSection)
        // Manifest JSON that does not decode: the decoder's reason is in the message.
        error = Self.expectRefused(
            try Fixtures.assemble([], manifestJSON: Array("{\"name\":\"x\",\"modality\":\"text\"}".utf8)),
            "manifest without task")
        #expect(error?.code == .invalidManifest)
        #expect(error?.section == "manifest")
        #expect(error?.message.contains("task") == true)
        error = Self.expectRefused(try Fixtures.assemble([], manifestJSON: Array("not json".utf8)), "not JSON")
        #expect(error?.code == .invalidManifest)
        // A stale fingerprint.
        var bytes = try Fixtures.small().serializedBytes()
        let tableLength = Int(ByteReader(bytes).getInteger(at: 24, endianness: .little, as: UInt32.self) ?? 0)
        bytes[32 + tableLength - 36] ^= 1
        error = Self.expectRefused(Fixtures.reseal(bytes), "stale fingerprint")
        #expect(error?.code == .fingerprintMismatch)
    }

    @Test func corruptZstdWithAMatchingCRCIsADecompressionFailure() throws {
        let bytes = try Fixtures.large().serializedBytes()
        let report = KnowledgeBase.verify(bytes: bytes)
        let embedding = try #require(report.sections.firstIndex { $0.name == "embedding" })
        let section = report.sections[embedding]
        #expect(section.compression == .zstd)
        var damaged = bytes
        damaged[section.offset + section.storedLength / 2] ^= 0x5A
        // Patch this entry's payload CRC so that only zstd can notice. Find the entry by its name.
        let name = Array("embedding".utf8)
        let nameOffset = try #require((32..<bytes.count).first { Array(bytes[$0..<($0 + name.count)]) == name })
        let crcOffset = nameOffset + name.count + 24
        Fixtures.store(
            CRC32C.checksum(damaged[section.offset..<(section.offset + section.storedLength)]), in: &damaged,
            at: crcOffset)
        let error = Self.expectRefused(Fixtures.reseal(damaged), "zstd damage behind a matching CRC")
        #expect(error?.code == .decompressionFailed || error?.code == .fingerprintMismatch)
        if error?.code == .decompressionFailed { #expect(error?.section == "embedding") }
    }
}
