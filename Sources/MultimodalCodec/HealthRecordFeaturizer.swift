// Multi-modal records → one feature row: a table block and a note block.

import HealthData
import KnowledgeBase
import TensorCore

/// Turns ``HealthData/HealthRecord``s into feature rows `[records, width]` with two blocks, the
/// input of every head of a ``MultimodalCodec``:
///
/// ```
/// table block (2·F):  per field (value − mean) / sd  (0 when missing) | per field missing flag
/// note block (B + 2): hashed word / char-3-gram / anagram / bigram buckets (HealthData's
///                     HashedTextFeatures) | note present | vocabulary coverage
/// ```
///
/// *Vocabulary coverage* is the fraction of the note's word tokens that belong to the knowledge
/// base's report vocabulary (the words of the training notes): near 1 for a genuine report, near 0
/// for random text — a reliability cue the fusion network learns to use. Normalizers are fitted on
/// the training records (missing values skipped). A record with an empty note has an all-zero note
/// block (note absent); notes have no length limit (a bag of n-grams).
public struct HealthRecordFeaturizer: Sendable {
    /// One standardizing normalizer per field, in field order.
    public var normalizers: [Normalizer]
    /// The report vocabulary (lowercased words).
    public var vocabulary: Set<String>
    /// Hash buckets of the note block.
    public var hashBuckets: Int
    /// The hash seed.
    public var hashSeed: UInt64

    /// Creates a featurizer.
    /// - Precondition: at least one normalizer, `hashBuckets ≥ 1`.
    public init(normalizers: [Normalizer], vocabulary: Set<String>, hashBuckets: Int, hashSeed: UInt64) {
        precondition(!normalizers.isEmpty && hashBuckets >= 1, "need ≥ 1 field and ≥ 1 hash bucket")
        self.normalizers = normalizers
        self.vocabulary = vocabulary
        self.hashBuckets = hashBuckets
        self.hashSeed = hashSeed
    }

    /// Fits the normalizers (mean and standard deviation of the observed values) and the vocabulary
    /// (every word token of the notes) on training records.
    /// - Throws: ``MultimodalCodecError`` `invalidRecord` for a record with another field count or a
    ///   non-finite value.
    public static func fit(
        _ records: [HealthRecord], fieldNames: [String], hashBuckets: Int, hashSeed: UInt64
    ) throws(MultimodalCodecError) -> HealthRecordFeaturizer {
        for (index, record) in records.enumerated() { try check(record, index: index, fieldCount: fieldNames.count) }
        let normalizers = fieldNames.enumerated().map { f, name in
            let values = records.compactMap { $0.fields[f] }
            let mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            let variance = values.isEmpty ? 1 : values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            return Normalizer(field: name, method: .standardize(mean: mean, standardDeviation: variance.squareRoot()))
        }
        var vocabulary = Set<String>()
        for record in records {
            for token in ClinicalTokenizer.tokenize(record.note) where token.kind == .word { vocabulary.insert(token.text) }
        }
        return HealthRecordFeaturizer(
            normalizers: normalizers, vocabulary: vocabulary, hashBuckets: hashBuckets, hashSeed: hashSeed)
    }

    /// Table fields `F`.
    public var fieldCount: Int { normalizers.count }
    /// The table block's columns.
    public var tableColumns: Range<Int> { 0..<(2 * fieldCount) }
    /// The note block's columns.
    public var noteColumns: Range<Int> { (2 * fieldCount)..<width }
    /// The feature width `2·F + B + 2`.
    public var width: Int { 2 * fieldCount + hashBuckets + 2 }

    /// The feature rows of records.
    /// - Throws: ``MultimodalCodecError`` `invalidRecord` naming the record and field for a wrong
    ///   field count or a non-finite value.
    public func features(of records: [HealthRecord]) throws(MultimodalCodecError) -> Tensor<Float> {
        var scalars = [Float](repeating: 0, count: records.count * width)
        for (n, record) in records.enumerated() {
            try Self.check(record, index: n, fieldCount: fieldCount)
            let base = n * width
            for (f, value) in record.fields.enumerated() {
                if let value {
                    scalars[base + f] = Float(normalizers[f].normalize(value))
                } else {
                    scalars[base + fieldCount + f] = 1
                }
            }
            let note = noteBlock(record.note)
            for (j, v) in note.enumerated() where v != 0 { scalars[base + noteColumns.lowerBound + j] = v }
        }
        return Tensor(shape: [records.count, width], scalars: scalars)
    }

    /// The note block (`B + 2` values) of one note; all zeros for an empty note.
    public func noteBlock(_ note: String) -> [Float] {
        var block = [Float](repeating: 0, count: hashBuckets + 2)
        let tokens = ClinicalTokenizer.tokenize(note)
        guard !tokens.isEmpty else { return block }
        for bucket in HashedTextFeatures.buckets(tokens: tokens, canonical: tokens.map(\.text), buckets: hashBuckets, seed: hashSeed) {
            block[bucket] = 1
        }
        block[hashBuckets] = 1
        let words = tokens.filter { $0.kind == .word }
        block[hashBuckets + 1] = words.isEmpty ? 0 : Float(words.filter { vocabulary.contains($0.text) }.count) / Float(words.count)
        return block
    }

    /// Sets the table block of `row` (a feature row of ``width`` values) to "all fields missing".
    func blankTable(_ row: inout ArraySlice<Float>) {
        let base = row.startIndex
        for f in 0..<fieldCount {
            row[base + f] = 0
            row[base + fieldCount + f] = 1
        }
    }

    static func check(_ record: HealthRecord, index: Int, fieldCount: Int) throws(MultimodalCodecError) {
        guard record.fields.count == fieldCount else {
            throw MultimodalCodecError(
                code: .invalidRecord, message: "record '\(record.id)' has \(record.fields.count) fields, expected \(fieldCount)",
                record: index)
        }
        if let f = record.fields.firstIndex(where: { $0.map { !$0.isFinite } ?? false }) {
            throw MultimodalCodecError(
                code: .invalidRecord, message: "record '\(record.id)' field \(f) is not finite; use nil for a missing value",
                record: index, field: f)
        }
    }
}
