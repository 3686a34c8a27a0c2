// Writing and reading back knowledge bases with every section kind (SemKBFormat.md, "Section payloads").

import Foundation
import TensorCore
import Testing

@testable import KnowledgeBase

@Suite struct RoundTripTests {
    @Test func everySectionKindRoundTripsThroughBytes() throws {
        let kb = Fixtures.small()
        let bytes = try kb.serializedBytes()
        let read = try KnowledgeBase(bytes: bytes, source: "memory")
        #expect(read == kb)
        #expect(read.manifest == Fixtures.manifest)
        #expect(read.sections.map(\.name) == kb.sections.map(\.name))

        let vocabulary = try #require(read.vocabulary(named: "tokens"))
        #expect(vocabulary.tokens == ["<pad>", "benign", "malignant", "tumour", "cell"])
        #expect(vocabulary.id(of: "malignant") == 2)
        #expect(vocabulary.id(of: "absent") == nil)
        #expect(vocabulary.token(at: 4) == "cell")
        #expect(
            read.synonymSets(named: "clinical") == [["tumour", "tumor", "neoplasm"], ["benign", "non-cancerous"]])
        let normalizers = try #require(read.normalizers(named: "inputs"))
        #expect(normalizers.map(\.field) == ["clump_thickness", "bare_nuclei"])
        #expect(normalizers[1].normalize(5.5) == 0.5)
        #expect(abs(normalizers[0].denormalize(normalizers[0].normalize(7.25)) - 7.25) < 1e-12)
        #expect(read.tensor(named: "encoder.0.weight") == kb.tensor(named: "encoder.0.weight"))
        #expect(read.tensor(named: "encoder.0.weight")?.shape == [3, 4])
        #expect(read.tensor(named: "encoder.0.bias")?.scalars == [0, -0.5, .infinity, 2])
        #expect(read.tensor(named: "temperature")?.shape == [])
        #expect(read.tensor(named: "empty")?.shape == [0, 3])
        #expect(read.rawBytes(named: "notes-blob") == Array("free-form bytes \u{1F9EC}".utf8) + [0, 255, 1])
        #expect(read.rawBytes(named: "zero-bytes") == [])
        #expect(read.tensor(named: "d\u{E9}codeur \u{03B1}") != nil)
        // Accessors are kind-specific.
        #expect(read.tensor(named: "tokens") == nil)
        #expect(read.vocabulary(named: "missing") == nil)
    }

    @Test func nanBitPatternsSurviveExactly() throws {
        let quiet = Float(bitPattern: 0x7FC0_0001)
        var kb = KnowledgeBase(manifest: Fixtures.manifest)
        kb.insert(
            Section(name: "w", content: .tensor(Tensor(shape: [3], scalars: [quiet, -0.0, .leastNonzeroMagnitude]))))
        let read = try KnowledgeBase(bytes: try kb.serializedBytes())
        let scalars = try #require(read.tensor(named: "w")).scalars
        #expect(scalars.map(\.bitPattern) == [0x7FC0_0001, 0x8000_0000, 1])
    }

    @Test func fileRoundTripLeavesTheFileUntouched() throws {
        let kb = Fixtures.large()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID().uuidString).semkb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try kb.write(to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let read = try KnowledgeBase(contentsOfFile: path)
        #expect(read == kb)
        let report = KnowledgeBase.verify(contentsOfFile: path)
        #expect(report.isValid)
        #expect(report.formatVersion == 1)
        #expect(report.sections.count == kb.sections.count + 1)
        #expect(report.checkedSectionCount == kb.sections.count + 1)
        #expect(report.storedFingerprint == kb.fingerprint)
        #expect(report.manifestName == "bcwd-tabular-test")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try kb.verify().isValid)
    }

    @Test func compressibleSectionsAreCompressedAndIncompressibleOnesStored() throws {
        let report = KnowledgeBase.verify(bytes: try Fixtures.large().serializedBytes())
        let embedding = try #require(report.sections.first { $0.name == "embedding" })
        #expect(embedding.compression == .zstd)
        #expect(embedding.storedLength < embedding.uncompressedLength / 2)
        let empty = try #require(report.sections.first { $0.name == "zero-bytes" })
        #expect(empty.compression == .stored && empty.storedLength == 0)
    }

    @Test func unknownManifestKeysAreToleratedAndPreserved() throws {
        // A manifest from a "newer writer": extra keys at the top level and inside nested objects.
        var json = String(decoding: Fixtures.manifest.canonicalJSON, as: UTF8.self)
        json.removeLast()
        json += ",\"zz_future_key\":{\"nested\":[1,2,3]}}"
        json = json.replacingOccurrences(of: "\"epochs\":40", with: "\"epochs\":40,\"optimizer\":\"adamw\"")
        let bytes = try Fixtures.assemble(
            [RawSection(kind: .raw, name: "blob", payload: [1, 2, 3])], manifestJSON: Array(json.utf8))
        let read = try KnowledgeBase(bytes: bytes)
        #expect(read.manifest == Fixtures.manifest)
        #expect(read.manifestJSON == Array(json.utf8))
        // Rewriting an unmodified KB keeps the unknown keys and the fingerprint.
        let rewritten = try KnowledgeBase(bytes: try read.serializedBytes())
        #expect(rewritten.manifestJSON == Array(json.utf8))
        #expect(rewritten.fingerprint == read.fingerprint)
        // Assigning the manifest re-encodes it canonically (unknown keys dropped).
        var edited = read
        edited.manifest = read.manifest
        #expect(edited.manifestJSON == Fixtures.manifest.canonicalJSON)
    }

    @Test func unrecognizedSectionKindsAreKeptVerbatim() throws {
        let bytes = try Fixtures.assemble([
            RawSection(kind: Section.Kind(rawValue: 900), name: "future", payload: [9, 8, 7])
        ])
        let read = try KnowledgeBase(bytes: bytes)
        #expect(read.sections.first?.content == .unrecognized(kind: Section.Kind(rawValue: 900), payload: [9, 8, 7]))
        #expect(try read.serializedBytes(compressionLevel: 3) == bytes)
    }

    @Test func manifestJSONIsCanonicalSnakeCaseWithSortedKeys() throws {
        let json = String(decoding: Fixtures.manifest.canonicalJSON, as: UTF8.self)
        #expect(json.hasPrefix("{\"architecture\":{\"channel_uses_per_sample\":4,"))
        for key in [
            "\"label_names\"", "\"created_by\"", "\"data_sha256\"", "\"snr_training_range_db\":{\"max\":20,\"min\":-5}",
            "\"missing_values\":\"impute_constant\"", "\"fill_value\":1", "\"power_normalization\"", "\"label_field\"",
            "\"modality\":\"tabular\"", "\"input_size\":3",
        ] {
            #expect(json.contains(key), "canonical manifest lacks \(key)")
        }
        #expect(!json.contains("\": "), "no whitespace after keys")
        #expect(json.contains("Samples/bcwd/breast-cancer-wisconsin.data"), "slashes are not escaped")
        #expect(!json.contains("\n"))
        // Non-finite metrics are encoded as strings and decode back.
        var manifest = Fixtures.manifest
        manifest.metrics["unbounded"] = .infinity
        let read = try KnowledgeBase(bytes: try KnowledgeBase(manifest: manifest).serializedBytes())
        #expect(read.manifest.metrics["unbounded"] == .infinity)
    }

    @Test func insertReplacesAndRemoveDeletes() {
        var kb = Fixtures.small()
        let count = kb.sections.count
        kb.insert(Section(name: "temperature", content: .tensor(Tensor(Float(2)))))
        #expect(kb.sections.count == count)
        #expect(kb.tensor(named: "temperature")?.scalars == [2])
        #expect(kb.removeSection(.tensorFloat32, named: "temperature") != nil)
        #expect(kb.tensor(named: "temperature") == nil)
        // Same name, different kind: a separate section.
        kb.insert(Section(name: "tokens", content: .raw([1])))
        #expect(kb.sections.count == count)
        #expect(kb.vocabulary(named: "tokens") != nil && kb.rawBytes(named: "tokens") == [1])
    }

    @Test func unknownModalitiesDecode() throws {
        var manifest = Fixtures.manifest
        manifest.modality = Modality(rawValue: "genomics")
        let read = try KnowledgeBase(bytes: try KnowledgeBase(manifest: manifest).serializedBytes())
        #expect(read.manifest.modality.rawValue == "genomics")
        #expect(Fixtures.manifest.modality == .tabular)
    }
}
