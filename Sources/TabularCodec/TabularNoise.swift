// The tabular semantic noises by name: what `--noise jitter:0.1,missing:0.2,swap:0.1` means.

import KnowledgeBase
import SemanticCodec

/// The tabular entries of the semantic-noise registry (`SemanticNoiseCatalog`) and the
/// perturbations a `SemanticNoiseSpec` stands for, built for one table's preprocessing.
///
/// | spec | perturbation | rate |
/// |---|---|---|
/// | `jitter:r` | ``TabularValueJitter`` on every record | σ = `r` × each numeric field's scale (its training standard deviation or range) |
/// | `missing:r` | ``TabularMissingFields``, one field per affected record | the probability that a record loses one field (chosen uniformly), replaced by its imputed value |
/// | `swap:r` | ``TabularFieldSwap`` | the probability that a record has two numeric fields swapped (in the fields' units) |
///
/// All three act on the encoder input (stage `input`); the modality-agnostic symbol noises
/// (`blank`, `jam`) are built by `SemanticNoiseCatalog.symbolPerturbation(for:)`.
///
/// ```swift
/// var catalog = SemanticNoiseCatalog()
/// catalog.register(TabularNoise.kinds, for: .tabular)
/// let spec = try catalog.parse("missing:0.2,swap:0.1", for: .tabular)
/// let noise = try TabularNoise.perturbations(for: spec, preprocessor: codec.preprocessor)
/// ```
public enum TabularNoise {
    /// The tabular noises: `jitter`, `missing`, `swap` (stage `input`).
    public static let kinds: [SemanticNoiseKind] = [
        SemanticNoiseKind(
            name: "jitter", stage: .input,
            summary: "Gaussian value jitter on every numeric field, sigma = rate x the field's scale"),
        SemanticNoiseKind(
            name: "missing", stage: .input,
            summary: "with probability rate a record loses one field (uniform), replaced by its imputed value"),
        SemanticNoiseKind(
            name: "swap", stage: .input,
            summary: "with probability rate two numeric fields of a record exchange their values"),
    ]

    /// The perturbations of `spec`, in the spec's order, for records coded by `preprocessor`.
    /// - Parameters:
    ///   - spec: a spec checked against a catalog with ``kinds`` (tabular and symbol noises).
    ///   - preprocessor: the table's preprocessing (from its codec).
    /// - Returns: one perturbation per term (none for `none`).
    /// - Throws: ``TabularCodecError`` `unsupportedNoise` for `swap` on a table with fewer than two
    ///   numeric features, or a name that is neither tabular nor a symbol noise.
    public static func perturbations(
        for spec: SemanticNoiseSpec, preprocessor: TabularPreprocessor
    ) throws(TabularCodecError) -> [any SemanticPerturbation] {
        try spec.terms.map { (term) throws(TabularCodecError) -> any SemanticPerturbation in
            switch term.name {
            case "jitter":
                return TabularValueJitter(preprocessor: preprocessor, fraction: Float(term.rate))
            case "missing":
                return TabularMissingFields(preprocessor: preprocessor, fieldsPerRecord: 1, probability: term.rate)
            case "swap":
                let numeric = preprocessor.fields.filter { $0.kind == .numeric }.count
                guard numeric >= 2 else {
                    throw TabularCodecError(
                        code: .unsupportedNoise,
                        message:
                            "noise 'swap' exchanges two numeric fields; this table has \(numeric) numeric feature(s)")
                }
                return TabularFieldSwap(preprocessor: preprocessor, probability: term.rate)
            default:
                guard let symbolNoise = SemanticNoiseCatalog.symbolPerturbation(for: term) else {
                    throw TabularCodecError(
                        code: .unsupportedNoise,
                        message: "noise '\(term.name)' is not a tabular noise; expected one of "
                            + (kinds + SemanticNoiseCatalog.symbolKinds).map(\.name).joined(separator: ", "))
                }
                return symbolNoise
            }
        }
    }
}
