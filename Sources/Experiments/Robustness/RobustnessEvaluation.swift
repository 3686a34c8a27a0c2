import Channels
import ClinicalTextCodec
import HealthData
import KnowledgeBase
import NeuralNet
import Robustness
import SemanticCodec
import TabularCodec
import TensorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One row of `semcom attack`: an attack at one budget against one knowledge base.
public struct AttackRow: Sendable, Hashable, Codable {
    /// The knowledge base's manifest name.
    public var knowledgeBase: String
    /// The attack (`fgsm`, `pgd`, `symbol-pgd`, `universal`, `gaussian`, `synonym`, `charedit`).
    public var attack: String
    /// The budget (physical units; SPR dB; fraction of words; edit distance).
    public var budget: Double
    /// Attack iterations.
    public var steps: Int
    /// The channel's Es/N0 in dB.
    public var snrDecibels: Double
    /// Clean accuracy.
    public var cleanAccuracy: Double
    /// Robust accuracy.
    public var robustAccuracy: Double
    /// Fraction of correct examples made wrong.
    public var attackSuccessRate: Double
    /// Mean perturbation size (budget units).
    public var meanPerturbation: Double
    /// Mean queries per example.
    public var queries: Double
    /// Examples × channel realizations.
    public var transmissions: Int
    /// The surrogate knowledge base of a black-box transfer attack (`name@` the first 16 hex digits
    /// of its fingerprint), `nil` for a white-box attack (then the key is absent from the JSON).
    public var surrogate: String?
    /// Rows of `symbol-bounds`: the mean L2 radius of the budget (unit power per complex symbol).
    public var budgetRadius: Double?
    /// Rows of `symbol-bounds`: the median over examples × realizations of the minimal symbol
    /// perturbation's bound — DeepFool's norm (`symbol-deepfool`, an upper bound) or the certified
    /// radius (`symbol-certified`, a lower bound); 0 for examples already wrong.
    public var medianMinimalPerturbation: Double?
    /// Rows of `universal`: the robust accuracy under Gaussian noise of the universal
    /// perturbation's power on the same records and realizations (also the next row, `gaussian`).
    public var gaussianRobustAccuracy: Double?

    /// Creates a row from a measurement.
    public init(knowledgeBase: String, snrDecibels: Double, measurement m: AttackMeasurement, surrogate: String? = nil) {
        self.knowledgeBase = knowledgeBase
        self.surrogate = surrogate
        self.attack = m.attack
        self.budget = m.budget
        self.steps = m.steps
        self.snrDecibels = snrDecibels
        self.cleanAccuracy = m.cleanAccuracy
        self.robustAccuracy = m.robustAccuracy
        self.attackSuccessRate = m.attackSuccessRate
        self.meanPerturbation = m.meanPerturbation
        self.queries = m.queries
        self.transmissions = m.transmissions
    }

    enum CodingKeys: String, CodingKey {
        case knowledgeBase = "kb"
        case attack, budget, steps
        case snrDecibels = "snr_db"
        case cleanAccuracy = "clean_accuracy"
        case robustAccuracy = "robust_accuracy"
        case attackSuccessRate = "attack_success_rate"
        case meanPerturbation = "mean_perturbation"
        case queries, transmissions, surrogate
        case budgetRadius = "budget_radius"
        case medianMinimalPerturbation = "median_minimal_perturbation"
        case gaussianRobustAccuracy = "gaussian_robust_accuracy"
    }
}

/// The attacks `semcom attack` runs.
public enum LinkAttackKind: String, Sendable, Hashable, CaseIterable {
    /// FGSM on the input (physical units).
    case fgsm
    /// PGD on the input (physical units).
    case pgd
    /// Per-input PGD on the channel symbols (budget: SPR in dB).
    case symbolPGD = "symbol-pgd"
    /// A universal symbol perturbation beside Gaussian noise of the same power (budget: SPR in dB).
    case universal
    /// Bounds on any per-input symbol attack (budget: SPR in dB): DeepFool at the channel
    /// realization (rows `symbol-deepfool`) and the CROWN certificate (rows `symbol-certified`).
    case symbolBounds = "symbol-bounds"
    /// Greedy KB-synonym substitution (budget: fraction of words).
    case synonym
    /// Greedy character edits (budget: edit distance).
    case charedit

    /// Parses a name.
    /// - Throws: `RobustnessError` `unknownAttack` listing the known names.
    public static func parse(_ name: String) throws(RobustnessError) -> LinkAttackKind {
        guard let kind = LinkAttackKind(rawValue: name.lowercased()) else {
            throw RobustnessError(
                code: .unknownAttack,
                message: "unknown attack '\(name)'; known: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// Whether the attack works on a text knowledge base (else on a differentiable tabular one).
    public var isTextAttack: Bool { self == .synonym || self == .charedit }

    /// Whether the budget is a signal-to-perturbation ratio (an attack on the channel symbols).
    public var isSymbolAttack: Bool { self == .symbolPGD || self == .universal || self == .symbolBounds }
}

/// Runs white-box attacks against the semantic link of a knowledge base (`semcom attack`, the
/// demo's robustness section): tabular KBs through `TabularCodec` (input attacks in the schema's
/// physical units and ranges, symbol attacks), clinical-text KBs through `ClinicalTextCodec`
/// (synonym and character attacks), on the test split the KB records.
public enum RobustnessEvaluation {
    /// What to run.
    public struct Options: Sendable {
        /// The attack.
        public var attack: LinkAttackKind
        /// The budgets (see ``LinkAttackKind``).
        public var budgets: [Double]
        /// Iterations (PGD, symbol PGD: default 10; universal: default 50).
        public var steps: Int?
        /// The norm of input attacks.
        public var norm: AttackNorm
        /// The channel.
        public var channel: ChannelSpec
        /// Es/N0 in dB.
        public var snrDecibels: Double
        /// Channel realizations per example (tabular).
        public var repeats: Int
        /// At most this many test examples (all when `nil`).
        public var maximumExamples: Int?
        /// The data file, when not the one named in the KB's provenance.
        public var dataPath: String?
        /// The seed of the attack and evaluation streams.
        public var seed: UInt64
        /// Random starts of PGD and symbol PGD.
        public var restarts: Int
        /// Channel realizations averaged per symbol-PGD gradient (expectation over transformation).
        public var channelSamples: Int
        /// Whether symbol PGD attacks at the evaluation's channel realization (noise oracle).
        public var knowsChannelNoise: Bool
        /// The attacker's surrogate knowledge base (black-box transfer), or `nil` for white-box.
        public var surrogate: KnowledgeBase?

        /// Creates options (defaults: L∞, AWGN 10 dB, 1 repeat, all test examples, 1 restart,
        /// 1 channel sample per gradient, no noise oracle, white-box).
        public init(
            attack: LinkAttackKind, budgets: [Double], steps: Int? = nil, norm: AttackNorm = .linf,
            channel: ChannelSpec = ChannelSpec(kind: .awgn), snrDecibels: Double = 10, repeats: Int = 1,
            maximumExamples: Int? = nil, dataPath: String? = nil, seed: UInt64 = 0, restarts: Int = 1,
            channelSamples: Int = 1, knowsChannelNoise: Bool = false, surrogate: KnowledgeBase? = nil
        ) {
            self.restarts = restarts
            self.channelSamples = channelSamples
            self.knowsChannelNoise = knowsChannelNoise
            self.surrogate = surrogate
            self.attack = attack
            self.budgets = budgets
            self.steps = steps
            self.norm = norm
            self.channel = channel
            self.snrDecibels = snrDecibels
            self.repeats = repeats
            self.maximumExamples = maximumExamples
            self.dataPath = dataPath
            self.seed = seed
        }
    }

    /// Runs the attack at every budget.
    /// - Throws: `RobustnessError` (`invalidBudget`, `invalidSetting`, `unsupportedModel` when the
    ///   KB has no codec the attack can use), or the codec's error for an unreadable KB or data.
    public static func run(knowledgeBase kb: KnowledgeBase, options: Options, progress: (String) -> Void = { _ in })
        throws -> [AttackRow]
    {
        guard options.repeats >= 1 else {
            throw RobustnessError(code: .invalidSetting, message: "repeats must be ≥ 1, got \(options.repeats)")
        }
        guard !options.budgets.isEmpty else { throw RobustnessError(code: .invalidBudget, message: "no budget given") }
        guard options.snrDecibels.isFinite else {
            throw RobustnessError(code: .invalidSetting, message: "SNR must be finite, got \(options.snrDecibels)")
        }
        for budget in options.budgets {
            if options.attack.isSymbolAttack {
                _ = try SymbolBudget(signalToPerturbationDecibels: budget)
            } else {
                guard budget.isFinite && budget >= 0 else {
                    throw RobustnessError(
                        code: .invalidBudget, message: "\(options.attack.rawValue) budget must be finite and ≥ 0, got \(budget)")
                }
            }
        }
        if let surrogate = options.surrogate {
            guard !options.attack.isTextAttack, options.attack != .symbolBounds else {
                throw RobustnessError(
                    code: .invalidSetting,
                    message: "--surrogate-kb: the \(options.attack.rawValue) attack has no transfer version (fgsm, pgd, symbol-pgd and universal have)")
            }
            for (role, base) in [("victim", kb), ("surrogate", surrogate)] where base.manifest.modality != .tabular {
                throw RobustnessError(
                    code: .unsupportedModel,
                    message: "the transfer \(options.attack.rawValue) attack needs tabular knowledge bases (a differentiable codec with a classification head); the \(role) '\(base.manifest.name)' is a \(base.manifest.modality) knowledge base")
            }
        }
        if options.attack.isTextAttack {
            guard kb.manifest.modality == .text else {
                throw RobustnessError(
                    code: .unsupportedModel,
                    message: "the \(options.attack.rawValue) attack needs a clinical-text knowledge base with synonym sets and a triage head; '\(kb.manifest.name)' is a \(kb.manifest.modality) knowledge base")
            }
            return try runText(kb, options, progress)
        }
        guard kb.manifest.modality == .tabular else {
            throw RobustnessError(
                code: .unsupportedModel,
                message: "the \(options.attack.rawValue) attack needs a tabular knowledge base (a differentiable codec over inputs with physical units and ranges); '\(kb.manifest.name)' is a \(kb.manifest.modality) knowledge base\(kb.manifest.modality == .text ? " (use synonym or charedit)" : "")")
        }
        return try runTabular(kb, options, progress)
    }

    /// The tabular link as a differentiable model, with its test (and training) records.
    public struct TabularTarget: Sendable {
        /// The codec.
        public var codec: TabularCodec
        /// The link over the evaluation channel.
        public var model: PipelineTaskModel<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>, EvaluationChannel>
        /// Test inputs `[records, width]` and labels.
        public var testInputs: Tensor<Float>
        /// Test labels.
        public var testLabels: [Int]
        /// Training inputs (fitting set of universal perturbations) and labels.
        public var trainInputs: Tensor<Float>
        /// Training labels.
        public var trainLabels: [Int]
    }

    /// Loads a tabular KB's codec and recorded splits, and the link over `channel` at `snrDecibels`.
    public static func tabularTarget(
        _ kb: KnowledgeBase, channel: ChannelSpec, snrDecibels: Double, dataPath: String? = nil
    ) throws -> TabularTarget {
        let codec = try TabularCodec(knowledgeBase: kb)
        guard let path = dataPath ?? kb.manifest.provenance?.dataSource else {
            throw RobustnessError(code: .invalidData, message: "the manifest names no data source; pass the data path")
        }
        let test = try TabularKnowledgeBase.recordedTestSet(of: kb, dataPath: path)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let all = try TabularDataset.parse(bytes, source: path, schema: codec.schema)
        let split = try TabularKnowledgeBase.recordedSplit(of: kb, recordCount: all.count)
        let model = PipelineTaskModel(
            pipeline: codec.pipeline, channel: ChannelLayer(channel.channel(snrDecibels: snrDecibels)),
            inputDomain: codec.inputDomain)
        return TabularTarget(
            codec: codec, model: model, testInputs: codec.inputs(for: test), testLabels: test.labels,
            trainInputs: codec.inputs(for: all, rows: split.trainIndices), trainLabels: split.trainIndices.map { all.labels[$0] })
    }

    private static func runTabular(_ kb: KnowledgeBase, _ o: Options, _ progress: (String) -> Void) throws -> [AttackRow] {
        var target = try tabularTarget(kb, channel: o.channel, snrDecibels: o.snrDecibels, dataPath: o.dataPath)
        if let limit = o.maximumExamples, limit < target.testLabels.count {
            target.testInputs = target.testInputs.rows(0..<limit)
            target.testLabels = Array(target.testLabels.prefix(limit))
        }
        let surrogate = try o.surrogate.map { try surrogateTarget($0, victim: kb, target: target, options: o) }
        var rows: [AttackRow] = []
        for budget in o.budgets {
            let measurements: [AttackMeasurement]
            switch o.attack {
            case .fgsm, .pgd, .symbolPGD:
                let attack: any PerExampleAttack =
                    o.attack == .symbolPGD
                    ? try SymbolAttack(
                        budget: SymbolBudget(signalToPerturbationDecibels: budget), steps: o.steps ?? 10,
                        restarts: o.restarts, channelSamples: o.channelSamples, knowsChannelNoise: o.knowsChannelNoise)
                    : try InputAttack(
                        method: o.attack == .fgsm ? .fgsm : .pgd, norm: o.norm, budget: Float(budget), steps: o.steps ?? 10,
                        restarts: o.restarts)
                measurements = [
                    try attack.measure(
                        victim: target.model, inputs: target.testInputs, surrogate: surrogate.map { ($0.model, $0.testInputs) },
                        labels: target.testLabels, repeats: o.repeats, seed: o.seed)
                ]
            case .universal:
                let attack = try UniversalSymbolAttack(
                    budget: SymbolBudget(signalToPerturbationDecibels: budget), steps: o.steps ?? 50)
                let pair =
                    if let surrogate {
                        try AttackEvaluation.measureUniversalTransfer(
                            victim: target.model, surrogate: surrogate.model, fitInputs: surrogate.trainInputs,
                            fitLabels: surrogate.trainLabels, victimInputs: target.testInputs,
                            surrogateInputs: surrogate.testInputs, labels: target.testLabels, attack: attack,
                            repeats: o.repeats, seed: o.seed)
                    } else {
                        AttackEvaluation.measureUniversal(
                            target.model, fitInputs: target.trainInputs, fitLabels: target.trainLabels,
                            inputs: target.testInputs, labels: target.testLabels, attack: attack, repeats: o.repeats,
                            seed: o.seed)
                    }
                measurements = [pair.universal, pair.gaussian]
            case .symbolBounds:
                guard o.channel.kind == .awgn else {
                    throw RobustnessError(
                        code: .invalidSetting,
                        message: "symbol-bounds needs an additive channel (awgn), got \(o.channel.kind)")
                }
                let bounds = try AttackEvaluation.measureSymbolBounds(
                    target.model, inputs: target.testInputs, labels: target.testLabels,
                    budget: SymbolBudget(signalToPerturbationDecibels: budget), repeats: o.repeats, seed: o.seed)
                let radius = Double(bounds.budgetRadii.reduce(0, +)) / Double(Swift.max(bounds.budgetRadii.count, 1))
                for (m, norms) in [(bounds.minimal, bounds.minimalNorms), (bounds.certified, bounds.certifiedRadii)] {
                    var row = AttackRow(knowledgeBase: kb.manifest.name, snrDecibels: o.snrDecibels, measurement: m)
                    row.budgetRadius = radius
                    row.medianMinimalPerturbation = norms.isEmpty ? nil : Double(norms.sorted()[norms.count / 2])
                    rows.append(row)
                    progress("\(kb.manifest.name) \(m.attack) SPR \(budget) dB: robust \(m.robustAccuracy)")
                }
                continue
            case .synonym, .charedit:
                preconditionFailure("text attacks are dispatched to runText")
            }
            for m in measurements {
                var row = AttackRow(
                    knowledgeBase: kb.manifest.name, snrDecibels: o.snrDecibels, measurement: m,
                    surrogate: o.surrogate.map(surrogateLabel))
                if m.attack == "universal" { row.gaussianRobustAccuracy = measurements.last?.robustAccuracy }
                rows.append(row)
                progress("\(kb.manifest.name) \(m.attack) budget \(budget): clean \(m.cleanAccuracy), robust \(m.robustAccuracy)")
            }
        }
        return rows
    }

    /// `name@fingerprint-prefix` of a surrogate (two builds of one codec share their manifest name).
    static func surrogateLabel(_ kb: KnowledgeBase) -> String {
        "\(kb.manifest.name)@\(kb.fingerprint.description.prefix(16))"
    }

    /// The surrogate's link with the victim's test records in the surrogate's coding (and the
    /// surrogate's own training records, the fitting set of a universal perturbation).
    private static func surrogateTarget(_ surrogate: KnowledgeBase, victim: KnowledgeBase, target: TabularTarget, options o: Options)
        throws -> TabularTarget
    {
        var other = try tabularTarget(surrogate, channel: o.channel, snrDecibels: o.snrDecibels, dataPath: o.dataPath)
        guard other.codec.labelNames == target.codec.labelNames else {
            throw RobustnessError(
                code: .unsupportedModel,
                message: "--surrogate-kb: '\(surrogate.manifest.name)' has the task head \(other.codec.labelNames), the victim '\(victim.manifest.name)' has \(target.codec.labelNames); a transfer attack needs the same classes")
        }
        guard other.codec.schema == target.codec.schema else {
            throw RobustnessError(
                code: .invalidData,
                message: "--surrogate-kb: '\(surrogate.manifest.name)' describes another table than the victim '\(victim.manifest.name)' (schemas differ)")
        }
        let path = o.dataPath ?? victim.manifest.provenance?.dataSource ?? ""
        let test = try TabularKnowledgeBase.recordedTestSet(of: victim, dataPath: path)
        other.testInputs = other.codec.inputs(for: test).rows(0..<target.testLabels.count)
        other.testLabels = target.testLabels
        return other
    }

    /// The clinical-text link as a ``Robustness/TextTaskModel``: triage probabilities of notes sent
    /// over a channel, and the KB's synonym sets.
    public struct ClinicalTextLink: TextTaskModel {
        /// The codec.
        public var codec: ClinicalTextCodec
        /// The channel.
        public var channel: EvaluationChannel

        /// Wraps a codec and a channel.
        public init(codec: ClinicalTextCodec, channel: EvaluationChannel) {
            self.codec = codec
            self.channel = channel
        }

        /// The KB's synonym sets (with their recorded misspellings).
        public var synonymGroups: [[String]] { codec.lexicon.knowledgeBaseSynonymSets }

        /// Triage probabilities `[texts, 3]`.
        public func probabilities<G: RandomNumberGenerator>(_ texts: [String], using rng: inout G) throws -> Tensor<Float> {
            let encoded = try codec.inputs(for: texts)
            return codec.triagePipeline(encoded.bytes, over: channel, using: &rng).softmax()
        }
    }

    private static func runText(_ kb: KnowledgeBase, _ o: Options, _ progress: (String) -> Void) throws -> [AttackRow] {
        let codec = try ClinicalTextCodec(knowledgeBase: kb)
        var notes = try ClinicalTextKnowledgeBase.recordedNotes(of: kb, dataPath: o.dataPath).test
        if let limit = o.maximumExamples { notes = Array(notes.prefix(limit)) }
        let link = ClinicalTextLink(codec: codec, channel: o.channel.channel(snrDecibels: o.snrDecibels))
        let texts = notes.map(\.text)
        let labels = notes.map(\.triage.index)
        var rows: [AttackRow] = []
        for budget in o.budgets {
            let measurement: AttackMeasurement
            if o.attack == .synonym {
                let attack = try SynonymAttack(maximumWordFraction: budget)
                measurement = try AttackEvaluation.measureText(
                    link, texts: texts, labels: labels, name: "synonym", budget: budget, seed: o.seed
                ) { text, label, rng in
                    let r = try attack.attack(link, text: text, label: label, using: &rng)
                    return (r.text, r.wordsChangedFraction, r.queries)
                }.measurement
            } else {
                guard budget == budget.rounded() else {
                    throw RobustnessError(code: .invalidBudget, message: "charedit budget is a whole edit distance, got \(budget)")
                }
                let attack = try CharacterEditAttack(maximumEdits: Int(budget))
                measurement = try AttackEvaluation.measureText(
                    link, texts: texts, labels: labels, name: "charedit", budget: budget, seed: o.seed
                ) { text, label, rng in
                    let r = try attack.attack(link, text: text, label: label, using: &rng)
                    return (r.text, Double(r.edits), r.queries)
                }.measurement
            }
            rows.append(AttackRow(knowledgeBase: kb.manifest.name, snrDecibels: o.snrDecibels, measurement: measurement))
            progress("\(kb.manifest.name) \(measurement.attack) budget \(budget): robust \(measurement.robustAccuracy)")
        }
        return rows
    }

    /// Robust accuracy against budget, one series per (knowledge base, attack).
    public static func plot(_ rows: [AttackRow], title: String, budgetLabel: String) -> SVGPlot {
        var keys: [String] = []
        for row in rows where !keys.contains("\(row.knowledgeBase) \(row.attack)") { keys.append("\(row.knowledgeBase) \(row.attack)") }
        return SVGPlot(
            title: title, xLabel: budgetLabel, yLabel: "robust accuracy",
            series: keys.map { key in
                SVGPlot.Series(
                    name: key,
                    points: rows.filter { "\($0.knowledgeBase) \($0.attack)" == key }.map {
                        SVGPlot.Point(x: $0.budget, y: $0.robustAccuracy)
                    }, dashed: key.hasSuffix("gaussian"))
            })
    }
}
