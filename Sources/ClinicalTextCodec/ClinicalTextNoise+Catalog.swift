// The text noises as entries of the modality-keyed semantic-noise catalog.

import SemanticCodec

extension ClinicalTextNoise {
    /// The text noise kinds for a ``SemanticCodec/SemanticNoiseCatalog`` (input stage; the rate is
    /// a per-mention or per-word probability), in ``Kind`` order:
    ///
    /// ```swift
    /// var catalog = SemanticNoiseCatalog()
    /// catalog.register(ClinicalTextNoise.kinds, for: .text)
    /// ```
    public static let kinds: [SemanticNoiseKind] = Kind.allCases.map { kind in
        SemanticNoiseKind(name: kind.rawValue, stage: .input, summary: summary(of: kind))
    }

    static func summary(of kind: Kind) -> String {
        switch kind {
        case .synonym: "each concept mention replaced by another form of its KB synonym set, with this probability"
        case .synonymHeldOut: "each concept mention replaced by a held-out synonym no KB contains, with this probability"
        case .dropout: "each word deleted with this probability"
        case .shuffle: "each word swapped with its right neighbour with this probability"
        case .reverse: "the letters of each word reversed with this probability"
        case .swap: "two adjacent letters of each word exchanged with this probability"
        case .insert: "a random letter inserted into each word with this probability"
        case .delete: "a letter of each word deleted with this probability"
        }
    }
}
