// The clinical-text entries of the semantic-noise registry.

import SemanticCodec

extension ClinicalTextNoise {
    /// The text noises of `SemanticNoiseCatalog` (stage `input`, rates as in the type's
    /// documentation), one per ``Kind``.
    public static let kinds: [SemanticNoiseKind] = Kind.allCases.map { kind in
        let summary =
            switch kind {
            case .synonym: "each concept mention replaced by a knowledge-base synonym with probability rate"
            case .synonymHeldOut: "each concept mention replaced by a held-out synonym (in no KB) with probability rate"
            case .dropout: "each word deleted with probability rate"
            case .shuffle: "each word swapped with its right neighbour with probability rate"
            case .reverse: "the letters of each word reversed with probability rate"
            case .swap: "two adjacent letters of each word exchanged with probability rate"
            case .insert: "a random letter inserted into each word with probability rate"
            case .delete: "a letter of each word deleted with probability rate"
            }
        return SemanticNoiseKind(name: kind.rawValue, stage: .input, summary: summary)
    }
}
