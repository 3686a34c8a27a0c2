// The fingerprint definition of SemKBFormat.md ("Fingerprint"), checked independently.

import Compression
import Crypto
import TensorCore
import Testing

@testable import KnowledgeBase

@Suite struct FingerprintTests {
    /// Recomputes the fingerprint from the article's definition with swift-crypto directly.
    static func fingerprintPerArticle(_ kb: KnowledgeBase) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        var message = Array("semkb fingerprint v1\n".utf8)
        message += le(UInt64(kb.manifestJSON.count)) + kb.manifestJSON
        message += le(UInt32(kb.sections.count))
        for section in kb.sections {
            let payload = section.content.payload
            message += le(section.kind.rawValue) + le(UInt16(section.name.utf8.count)) + Array(section.name.utf8)
            message += le(UInt64(payload.count)) + payload
        }
        return Array(SHA256.hash(data: message))
    }

    @Test func fingerprintFollowsTheArticleDefinition() {
        let kb = Fixtures.small()
        #expect(kb.fingerprint.bytes == Self.fingerprintPerArticle(kb))
        #expect(kb.fingerprint.bytes.count == 32)
    }

    @Test func tensorPayloadFollowsTheArticleEncoding() {
        let payload = Section.Content.tensor(Tensor(shape: [1, 2], scalars: [1, -2])).payload
        // type 1, rank 2, reserved 0, extents 1 and 2 (UInt64 LE), then 1.0f and -2.0f little-endian.
        #expect(
            payload == [1, 2, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0] + [2, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0x80, 0x3F]
                + [0, 0, 0, 0xC0])
    }

    @Test(arguments: [1, 3, 19, -5])
    func fingerprintIsIndependentOfTheCompressionLevel(level: Int) throws {
        let kb = Fixtures.large()
        let bytes = try kb.serializedBytes(compressionLevel: level)
        let read = try KnowledgeBase(bytes: bytes)
        #expect(read.fingerprint == kb.fingerprint)
        #expect(KnowledgeBase.verify(bytes: bytes).storedFingerprint == kb.fingerprint)
    }

    @Test func differentLevelsGiveDifferentBytesButOneFingerprint() throws {
        let kb = Fixtures.large()
        let fast = try kb.serializedBytes(compressionLevel: 1)
        let best = try kb.serializedBytes(compressionLevel: 19)
        #expect(fast != best)
        #expect(try KnowledgeBase(bytes: fast).fingerprint == KnowledgeBase(bytes: best).fingerprint)
    }

    @Test func fingerprintChangesWithAnyContentChange() {
        let base = Fixtures.small()
        var fingerprints = [base.fingerprint]

        var tensorChanged = base
        var weights = base.tensor(named: "encoder.0.weight")!  // the fixture has this tensor
        weights.scalars[5] = weights.scalars[5].nextUp
        tensorChanged.insert(Section(name: "encoder.0.weight", content: .tensor(weights)))
        fingerprints.append(tensorChanged.fingerprint)

        var reshaped = base
        reshaped.insert(
            Section(
                name: "encoder.0.weight", content: .tensor(base.tensor(named: "encoder.0.weight")!.reshaped([4, 3]))))
        fingerprints.append(reshaped.fingerprint)

        var metricChanged = base
        metricChanged.manifest.metrics["test_accuracy"] = 0.9715
        fingerprints.append(metricChanged.fingerprint)

        var seedChanged = base
        seedChanged.manifest.provenance?.seed = 8
        fingerprints.append(seedChanged.fingerprint)

        var renamed = base
        let removed = renamed.removeSection(.raw, named: "notes-blob")!
        renamed.insert(Section(name: "notes-blob2", content: removed.content))
        fingerprints.append(renamed.fingerprint)

        var reordered = base
        let first = reordered.removeSection(.vocabulary, named: "tokens")!
        reordered.insert(first)
        fingerprints.append(reordered.fingerprint)

        var tokenChanged = base
        tokenChanged.insert(
            Section(
                name: "tokens", content: .vocabulary(Vocabulary(["<pad>", "benign", "malignant", "tumor", "cell"]))))
        fingerprints.append(tokenChanged.fingerprint)

        var kindChanged = base
        kindChanged.insert(Section(name: "zero-bytes", content: .unrecognized(kind: .init(rawValue: 77), payload: [])))
        _ = kindChanged.removeSection(.raw, named: "zero-bytes")
        fingerprints.append(kindChanged.fingerprint)

        #expect(Set(fingerprints).count == fingerprints.count, "every change gives a new fingerprint")
    }

    @Test func shortFormAndHex() throws {
        let fingerprint = Fixtures.small().fingerprint
        #expect(fingerprint.shortBytes == Array(fingerprint.bytes.prefix(8)))
        let hex = fingerprint.hexString
        #expect(hex.count == 64)
        #expect(String(fingerprint.shortForm, radix: 16).leftPadded(to: 16) == String(hex.prefix(16)))
        #expect(Fingerprint(hexString: hex) == fingerprint)
        #expect(Fingerprint(hexString: hex.uppercased()) == fingerprint)
        #expect(Fingerprint(hexString: String(hex.dropLast())) == nil)
        #expect(Fingerprint(hexString: String(hex.dropLast()) + "g") == nil)
    }

    @Test func sha256KnownAnswer() {
        // FIPS 180-2 appendix B.1: SHA-256("abc").
        let digest = Fingerprint(bytes: Array(SHA256.hash(data: Array("abc".utf8))))
        #expect(digest.hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
