// Corrupting one modality of multi-modal feature rows: for modality-dropout training and evaluation.

import HealthData
import SemanticCodec
import TensorCore

/// A corruption of one modality of a record, applied to its feature row.
public enum ModalityCorruptionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The note is replaced by random text of 15–45 words (``HealthData/CytologyReportGenerator/noiseNote(words:using:)``).
    case noteNoise = "note-noise"
    /// The note is absent (all-zero note block).
    case noteMissing = "note-missing"
    /// Every table field is missing.
    case tableMissing = "table-missing"
    /// One random table field is missing.
    case fieldMissing = "field-missing"
}

/// Input-stage semantic noise on ``HealthRecordFeaturizer`` rows: each row independently gets at
/// most one corruption, kind `i` with probability `pᵢ` (exclusive; `Σ pᵢ ≤ 1`). With probabilities
/// below 1 it is **modality dropout** for training — the fused network learns to decode from
/// whichever modality is intact (ModDrop: Neverova et al., IEEE TPAMI 2016); with probability 1 it
/// is an evaluation condition ("the note replaced by noise", "the table fields missing").
public struct ModalityCorruption: SemanticPerturbation {
    /// The kinds and their probabilities.
    public let kinds: [(kind: ModalityCorruptionKind, probability: Double)]
    /// The featurizer of the rows (layout, and the note block of noise notes).
    public let featurizer: HealthRecordFeaturizer

    /// Input stage.
    public var stage: PerturbationStage { .input }

    /// Creates the corruption.
    /// - Precondition: probabilities in [0, 1] with sum ≤ 1.
    public init(_ kinds: [(kind: ModalityCorruptionKind, probability: Double)], featurizer: HealthRecordFeaturizer) {
        precondition(kinds.allSatisfy { (0...1).contains($0.probability) }, "probabilities must be in [0, 1]")
        precondition(kinds.reduce(0) { $0 + $1.probability } <= 1 + 1e-12, "probabilities must sum to ≤ 1")
        self.kinds = kinds
        self.featurizer = featurizer
    }

    /// One kind with probability 1 (an evaluation condition).
    public init(_ kind: ModalityCorruptionKind, featurizer: HealthRecordFeaturizer) {
        self.init([(kind, 1)], featurizer: featurizer)
    }

    /// The corrupted rows `[records, width]`.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        let width = featurizer.width
        precondition(x.rank == 2 && x.shape[1] == width, "ModalityCorruption expects [records, \(width)], got \(x.shape)")
        var scalars = x.scalars
        for r in 0..<x.shape[0] {
            let u = rng.nextUnitDouble()
            var cumulative = 0.0
            guard let chosen = kinds.first(where: { cumulative += $0.probability; return u < cumulative })?.kind else {
                continue
            }
            var row = scalars[(r * width)..<((r + 1) * width)]
            apply(chosen, to: &row, using: &rng)
            scalars.replaceSubrange((r * width)..<((r + 1) * width), with: row)
        }
        return Tensor(shape: x.shape, scalars: scalars)
    }

    func apply<G: RandomNumberGenerator>(_ kind: ModalityCorruptionKind, to row: inout ArraySlice<Float>, using rng: inout G) {
        let base = row.startIndex
        let note = featurizer.noteColumns
        switch kind {
        case .noteNoise:
            let block = featurizer.noteBlock(CytologyReportGenerator.noiseNote(words: 15 + Int(rng.next() % 31), using: &rng))
            for (j, v) in block.enumerated() { row[base + note.lowerBound + j] = v }
        case .noteMissing:
            for j in note { row[base + j] = 0 }
        case .tableMissing:
            featurizer.blankTable(&row)
        case .fieldMissing:
            let f = Int(rng.next() % UInt64(featurizer.fieldCount))
            row[base + f] = 0
            row[base + featurizer.fieldCount + f] = 1
        }
    }
}
