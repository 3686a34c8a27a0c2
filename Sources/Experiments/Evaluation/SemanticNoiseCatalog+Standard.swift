// The semantic noises of every codec SemCom ships, and `--noise` specs as evaluation conditions.

import ClinicalTextCodec
import KnowledgeBase
import SemanticCodec
import TabularCodec

extension SemanticNoiseCatalog {
    /// The noises of every shipped codec, keyed by modality (`tabular`: `TabularNoise`'s
    /// `jitter`, `missing`, `swap`; `text`: `ClinicalTextNoise`'s `synonym`, `synonym-heldout`,
    /// `dropout`, `shuffle`, `reverse`, `swap`, `insert`, `delete`), plus the symbol noises
    /// (`blank`, `jam`) of every modality. A new modality registers its kinds here.
    public static let standard = SemanticNoiseCatalog([.tabular: TabularNoise.kinds, .text: ClinicalTextNoise.kinds])
}

extension TabularLinkEvaluation {
    /// The evaluation conditions of `--noise` specs for a tabular knowledge base: one
    /// ``SemanticNoiseCondition`` per spec (its perturbations built for the KB's preprocessing,
    /// named by the spec's canonical spelling, `none` for the clean link).
    /// - Parameters:
    ///   - specs: the specs, e.g. parsed from `--noise jitter:0.1 --noise missing:0.2,swap:0.1`.
    ///   - knowledgeBase: the tabular knowledge base of the evaluated link.
    /// - Returns: the conditions, in the order given.
    /// - Throws: `TabularCodecError` for an unusable KB or a noise the table cannot have.
    public static func noiseConditions(
        for specs: [SemanticNoiseSpec], knowledgeBase: KnowledgeBase
    ) throws -> [SemanticNoiseCondition] {
        let codec = try TabularCodec(knowledgeBase: knowledgeBase)
        return try specs.map { spec in
            SemanticNoiseCondition(
                name: spec.description,
                perturbations: try TabularNoise.perturbations(for: spec, preprocessor: codec.preprocessor))
        }
    }
}
