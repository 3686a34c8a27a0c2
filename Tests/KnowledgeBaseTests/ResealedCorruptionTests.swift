// Damage that an attacker or a buggy tool hides behind recomputed CRCs is still refused: the structure
// checks and the fingerprint (SemKBFormat.md, "Fingerprint") catch it, and the parser never traps.

import Channels
import TensorCore
import Testing

@testable import KnowledgeBase

@Suite struct ResealedCorruptionTests {
    /// The file offset of each section's payload-CRC field in the table (SemKBFormat.md, "Section table").
    static func payloadCRCOffsets(_ report: KnowledgeBase.VerificationReport) -> [Int] {
        var entry = 32
        var offsets: [Int] = []
        for section in report.sections {
            let nameLength = section.name.utf8.count
            offsets.append(entry + 30 + nameLength)
            entry += 34 + nameLength
        }
        return offsets
    }

    @Test func tableDamageBehindARecomputedCRCIsRefused() throws {
        let bytes = try Fixtures.small().serializedBytes()
        let tableLength = Int(ByteReader(bytes).getInteger(at: 24, endianness: .little, as: UInt32.self) ?? 0)
        // Every table byte except the table CRC itself (which `reseal` recomputes).
        for position in 32..<(32 + tableLength - 4) {
            for mask: UInt8 in [0x01, 0x80] {
                var damaged = bytes
                damaged[position] ^= mask
                _ = CorruptionTests.expectRefused(
                    Fixtures.reseal(damaged), "table byte \(position) ^ \(mask), resealed")
            }
        }
    }

    @Test func payloadDamageBehindARecomputedCRCIsRefused() throws {
        // The small file's sections, and the two sections the large file adds.
        let cases: [(KnowledgeBase, Set<String>?)] = [
            (Fixtures.small(), nil), (Fixtures.large(), ["embedding", "words"]),
        ]
        for (kb, only) in cases {
            let bytes = try kb.serializedBytes()
            let report = KnowledgeBase.verify(bytes: bytes)
            let crcOffsets = Self.payloadCRCOffsets(report)
            var rng = Xoshiro256(seed: 9)
            for (section, crcOffset) in zip(report.sections, crcOffsets)
            where section.storedLength > 0 && only.map({ $0.contains(section.name) }) ?? true {
                // Every byte of small payloads, a seeded sample of 16 positions of larger ones.
                let positions =
                    section.storedLength <= 128
                    ? Array(0..<section.storedLength)
                    : (0..<16).map { _ in Int(rng.next() % UInt64(section.storedLength)) }
                for position in positions {
                    var damaged = bytes
                    damaged[section.offset + position] ^= 0x04
                    let stored = damaged[section.offset..<(section.offset + section.storedLength)]
                    Fixtures.store(CRC32C.checksum(stored), in: &damaged, at: crcOffset)
                    let error = CorruptionTests.expectRefused(
                        Fixtures.reseal(damaged), "\(section.name) payload byte \(position), CRC recomputed")
                    if let error, error.code != .fingerprintMismatch {
                        #expect(error.section == section.name, "\(error)")
                    }
                }
            }
        }
    }

    @Test func randomBytesBehindAValidMagicNeverTrap() {
        var rng = Xoshiro256(seed: 3)
        for trial in 0..<300 {
            let count = Int(rng.next() % 400)
            var bytes = FileHeader.magic + (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if trial % 2 == 0 && bytes.count >= 32 {
                // Plausible header fields, so the parser gets past the first checks.
                Fixtures.store(UInt16(1), in: &bytes, at: 8)
                Fixtures.store(UInt16(0), in: &bytes, at: 10)
                Fixtures.store(UInt32(1 + rng.next() % 4), in: &bytes, at: 12)
                Fixtures.store(UInt64(bytes.count), in: &bytes, at: 16)
                Fixtures.store(UInt32(rng.next() % UInt64(bytes.count - 31)), in: &bytes, at: 24)
                bytes = Fixtures.reseal(bytes)
            }
            _ = CorruptionTests.expectRefused(bytes, "random trial \(trial)")
        }
    }
}
