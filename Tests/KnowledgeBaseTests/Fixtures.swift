// Knowledge bases used by the tests, built deterministically from fixed seeds.

import Channels
import Compression
import TensorCore

@testable import KnowledgeBase

enum Fixtures {
    static let manifest = Manifest(
        name: "bcwd-tabular-test", modality: .tabular, task: "diagnosis", labelNames: ["benign", "malignant"],
        schema: Schema(
            fields: [
                Schema.Field(
                    name: "clump_thickness", kind: .numeric, unit: "1-10 score",
                    range: ValueRange(minimum: 1, maximum: 10), missingValues: .imputeMedian),
                Schema.Field(
                    name: "bare_nuclei", kind: .numeric, unit: "1-10 score", range: ValueRange(minimum: 1, maximum: 10),
                    missingValues: .imputeConstant, fillValue: 1),
                Schema.Field(
                    name: "site", kind: .categorical, categories: ["left", "right"], missingValues: .dropRecord),
            ],
            labelField: "class"),
        architecture: CodecArchitecture(
            encoder: [
                .init(kind: "dense", inputSize: 3, outputSize: 4, tensors: ["encoder.0.weight", "encoder.0.bias"]),
                .init(kind: "relu"),
            ],
            decoder: [.init(kind: "dense", inputSize: 4, outputSize: 2, options: ["activation": "softmax"])],
            channelUsesPerSample: 4, powerNormalization: "average_power"),
        provenance: TrainingProvenance(
            dataSHA256: String(repeating: "ab", count: 32), dataSource: "Samples/bcwd/breast-cancer-wisconsin.data",
            split: "stratified 70/15/15, seed 7", seed: 7,
            snrTrainingRangeDecibels: ValueRange(minimum: -5, maximum: 20),
            adversarial: .init(method: "pgd", epsilon: 0.1, steps: 5, fraction: 0.5, target: "latent"), threads: 1,
            epochs: 40),
        metrics: ["test_accuracy": 0.9714, "test_auc": 0.993, "validation_loss": 0.087],
        createdBy: "semcom-tests", notes: "fixture / not a trained model")

    /// A small knowledge base with one section of every kind (≈ 1.3 KB on disk).
    static func small(seed: UInt64 = 1) -> KnowledgeBase {
        var rng = Xoshiro256(seed: seed)
        return KnowledgeBase(
            manifest: manifest,
            sections: [
                Section(
                    name: "tokens",
                    content: .vocabulary(Vocabulary(["<pad>", "benign", "malignant", "tumour", "cell"]))),
                Section(
                    name: "clinical",
                    content: .synonymSets([["tumour", "tumor", "neoplasm"], ["benign", "non-cancerous"]])),
                Section(
                    name: "inputs",
                    content: .normalizers([
                        Normalizer(field: "clump_thickness", method: .standardize(mean: 4.42, standardDeviation: 2.82)),
                        Normalizer(field: "bare_nuclei", method: .minMax(minimum: 1, maximum: 10)),
                    ])),
                Section(name: "encoder.0.weight", content: .tensor(Tensor.gaussian(shape: [3, 4], using: &rng))),
                Section(
                    name: "encoder.0.bias", content: .tensor(Tensor(shape: [4], scalars: [0, -0.5, .infinity, 2]))),
                Section(name: "temperature", content: .tensor(Tensor(Float(1.5)))),
                Section(name: "empty", content: .tensor(Tensor(shape: [0, 3], scalars: []))),
                Section(name: "notes-blob", content: .raw(Array("free-form bytes \u{1F9EC}".utf8) + [0, 255, 1])),
                Section(name: "zero-bytes", content: .raw([])),
                Section(
                    name: "d\u{E9}codeur \u{03B1}", content: .tensor(Tensor(shape: [2, 2], scalars: [1, 1, 1, 1]))),
            ])
    }

    /// A bigger knowledge base: a compressible [64, 64] tensor, a 500-token vocabulary.
    static func large(seed: UInt64 = 2) -> KnowledgeBase {
        var rng = Xoshiro256(seed: seed)
        var kb = small(seed: seed)
        let scalars = (0..<4096).map { _ in Float(Int(rng.next() % 16)) / 8 }
        kb.insert(Section(name: "embedding", content: .tensor(Tensor(shape: [64, 64], scalars: scalars))))
        kb.insert(Section(name: "words", content: .vocabulary(Vocabulary((0..<500).map { "token-\($0)" }))))
        return kb
    }

    /// Recomputes the header CRC and the section-table CRC of a file whose table was patched by a test.
    static func reseal(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let tableLength = Int(ByteReader(bytes).getInteger(at: 24, endianness: .little, as: UInt32.self) ?? 0)
        let crcOffset = 32 + tableLength - 4
        if crcOffset + 4 <= bytes.count && crcOffset >= 32 {
            store(CRC32C.checksum(bytes[32..<crcOffset]), in: &bytes, at: crcOffset)
        }
        store(CRC32C.checksum(bytes[0..<28]), in: &bytes, at: 28)
        return bytes
    }

    static func store<T: FixedWidthInteger>(_ value: T, in bytes: inout [UInt8], at offset: Int) {
        for i in 0..<MemoryLayout<T>.size { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    /// A file assembled from crafted sections (payloads are not validated), with a correct fingerprint.
    static func assemble(_ sections: [RawSection], manifestJSON: [UInt8] = manifest.canonicalJSON) throws -> [UInt8] {
        let all = [RawSection(kind: .manifest, name: "manifest", payload: manifestJSON)] + sections
        return try KnowledgeBase.assemble(
            all, compressionLevel: 3, fingerprint: Fingerprint.compute(manifestJSON: manifestJSON, sections: sections))
    }
}
