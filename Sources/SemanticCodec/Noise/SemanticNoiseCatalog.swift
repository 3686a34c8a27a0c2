// The semantic noises each modality understands, keyed by modality, and the spec check against them.

/// One named semantic noise of a ``SemanticNoiseCatalog``: its name in a ``SemanticNoiseSpec``,
/// the pipeline stage it acts on and what its rate means.
public struct SemanticNoiseKind: Sendable, Hashable {
    /// The name in specs, lowercase (e.g. `jitter`).
    public var name: String
    /// The stage it acts on: `input` noise belongs to the transmitter's source records (e.g.
    /// `semcom encode --noise`), `symbols` noise to the air (e.g. `semcom transmit --noise`).
    public var stage: PerturbationStage
    /// What the noise does and what its rate means, one sentence for help texts and docs.
    public var summary: String

    /// Creates a noise kind.
    public init(name: String, stage: PerturbationStage, summary: String) {
        self.name = name
        self.stage = stage
        self.summary = summary
    }
}

/// The semantic noises available for each ``Modality``: the registry a ``SemanticNoiseSpec`` is
/// checked against before a modality codec turns it into perturbations.
///
/// Every modality has its own kinds (tabular: `jitter`, `missing`, `swap`; a text codec:
/// `synonym`, `reverse`, …), registered by the layer that knows all codecs (the `Experiments`
/// module's standard catalog), plus the modality-agnostic **symbol** noises of
/// ``symbolKinds`` (`blank`, `jam`), which act on the channel symbols of any codec. The catalog is
/// a plain value: build it, pass it down; nothing is global.
///
/// ```swift
/// var catalog = SemanticNoiseCatalog()
/// catalog.register([SemanticNoiseKind(name: "jitter", stage: .input, summary: "…")], for: .tabular)
/// let spec = try catalog.parse("jitter:0.1,jam:0.05", for: .tabular)
/// let onAir = try catalog.parse("jam:0.05", for: .tabular, stages: [.symbols])
/// ```
public struct SemanticNoiseCatalog: Sendable {
    private var kindsByModality: [Modality: [SemanticNoiseKind]]

    /// A catalog with the given modality-specific kinds (the symbol kinds are always included).
    /// - Precondition: names are unique within a modality and differ from the symbol kinds'.
    public init(_ kinds: [Modality: [SemanticNoiseKind]] = [:]) {
        kindsByModality = [:]
        for (modality, list) in kinds { register(list, for: modality) }
    }

    /// Adds kinds for a modality (after the ones it has).
    /// - Precondition: no name is already known for `modality` (symbol kinds included).
    public mutating func register(_ kinds: [SemanticNoiseKind], for modality: Modality) {
        var known = Set(self.kinds(for: modality).map(\.name))
        for kind in kinds {
            precondition(known.insert(kind.name).inserted, "Noise '\(kind.name)' is already registered for \(modality)")
        }
        kindsByModality[modality, default: []] += kinds
    }

    /// The kinds a modality understands: its own, then the symbol kinds.
    public func kinds(for modality: Modality) -> [SemanticNoiseKind] {
        (kindsByModality[modality] ?? []) + Self.symbolKinds
    }

    /// Parses a spec and checks every name against the modality's kinds and, when given, the stages.
    /// - Parameters:
    ///   - text: the spec (grammar of ``SemanticNoiseSpec``).
    ///   - modality: the modality of the codec the noise is for.
    ///   - stages: the stages allowed where the spec is used (`nil`: any).
    ///   - hint: a sentence appended to a stage error, e.g. where the other stages' noise belongs.
    /// - Returns: the specification.
    /// - Throws: ``SemanticCodecError`` `invalidNoiseSpec`: a syntax error of
    ///   ``SemanticNoiseSpec/parse(_:)``, "unknown noise 'foo' for tabular; expected one of …", or
    ///   a noise at a stage that does not apply here.
    public func parse(
        _ text: String, for modality: Modality, stages: Set<PerturbationStage>? = nil, hint: String? = nil
    ) throws(SemanticCodecError) -> SemanticNoiseSpec {
        let spec = try SemanticNoiseSpec.parse(text)
        let kinds = self.kinds(for: modality)
        for term in spec.terms {
            guard let kind = kinds.first(where: { $0.name == term.name }) else {
                throw SemanticCodecError(
                    code: .invalidNoiseSpec,
                    message: "noise spec '\(text)': unknown noise '\(term.name)' for \(modality); expected one of "
                        + kinds.map(\.name).joined(separator: ", "))
            }
            if let stages, !stages.contains(kind.stage) {
                let allowed = kinds.filter { stages.contains($0.stage) }.map(\.name)
                var message =
                    "noise spec '\(text)': noise '\(term.name)' acts at stage '\(kind.stage)'; here only "
                    + stages.map(\.description).sorted().joined(separator: "/") + "-stage noise applies ("
                    + (allowed.isEmpty ? "none" : allowed.joined(separator: ", ")) + ")"
                if let hint { message += "; \(hint)" }
                throw SemanticCodecError(code: .invalidNoiseSpec, message: message)
            }
        }
        return spec
    }

    /// A help text listing a modality's kinds: `name (stage): summary`, one per line.
    public func helpText(for modality: Modality) -> String {
        kinds(for: modality).map { "\($0.name) (\($0.stage)): \($0.summary)" }.joined(separator: "\n")
    }

    // MARK: - Modality-agnostic symbol noise

    /// The symbol-stage noises every modality understands:
    /// - `blank:r` — ``SymbolBlankingNoise``: each complex symbol is zeroed with probability `r`,
    ///   unknown to the receiver;
    /// - `jam:r` — ``SymbolJammingNoise``: additive circular Gaussian jamming with power `r` per
    ///   complex symbol relative to the unit average symbol power (jam-to-signal ratio `r`).
    public static let symbolKinds: [SemanticNoiseKind] = [
        SemanticNoiseKind(
            name: "blank", stage: .symbols,
            summary: "each complex channel symbol is zeroed with probability rate (the receiver is not told)"),
        SemanticNoiseKind(
            name: "jam", stage: .symbols,
            summary:
                "additive Gaussian jamming of power rate per complex symbol (jam-to-signal ratio, unit symbol power)"),
    ]

    /// The perturbation of a symbol-noise term, or `nil` if the term is not a symbol kind.
    public static func symbolPerturbation(for term: SemanticNoiseSpec.Term) -> (any SemanticPerturbation)? {
        switch term.name {
        case "blank": SymbolBlankingNoise(probability: term.rate)
        case "jam": SymbolJammingNoise(powerRatio: Float(term.rate))
        default: nil
        }
    }
}
