import ArgumentParser
import Foundation
import KnowledgeBase
import Robustness
import SemanticCodec
import TabularCodec

extension SemCom {
    /// `semcom train`: builds a knowledge base with adversarial or noise-aware training.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a codec adversarially (FGSM-AT, PGD-AT, TRADES) or noise-aware, and write its knowledge base.",
            discussion: """
                Same data and options as `semcom kb build`; the adversary attacks through the training \
                channel (Es/N0 uniform in the training range per record) in the input's physical units \
                inside the schema's ranges, and the settings are recorded in the manifest \
                (provenance.adversarial). The shipped KnowledgeBases/bcwd-tabular-pgd-at.semkb is rebuilt by: \
                semcom train --modality tabular --data Samples/bcwd/breast-cancer-wisconsin.data \
                --schema Samples/bcwd/bcwd.schema.json --adversarial pgd --budget 2 --seed 0 \
                --out KnowledgeBases/bcwd-tabular-pgd-at.semkb. Text codecs support --adversarial noise \
                (the semantic-noise injector's spec in --noise), as `kb build --training-noise`.
                """)

        enum Modality: String, ExpressibleByArgument, CaseIterable { case tabular, text }

        @OptionGroup var global: GlobalOptions

        @Option(help: "tabular or text.")
        var modality: Modality

        @Option(help: "The data file (tabular: CSV described by --schema; text: JSONL notes).")
        var data: String

        @Option(help: "The table schema (JSON; tabular only).")
        var schema: String?

        @Option(help: "Where to write the knowledge base (.semkb).")
        var out: String

        @Option(help: "The training method: fgsm, pgd, trades (tabular) or noise.")
        var adversarial: String

        @Option(help: "ε of fgsm/pgd/trades, in the input's physical units (BCWD: grades).")
        var budget: Double?

        @Option(help: "The norm of the budget: linf or l2.")
        var norm: String = "linf"

        @Option(help: "PGD/TRADES iterations of the adversary.")
        var steps: Int = 7

        @Option(help: "Weight of the adversarial loss (fgsm, pgd): (1 − f)·CE(clean) + f·CE(adversarial).")
        var fraction: Double = 1

        @Option(help: "TRADES β.")
        var beta: Double = 6

        @Option(help: "Also perturb the channel symbols with this signal-to-perturbation ratio (dB) during training.")
        var symbolSprDb: Double?

        @Option(help: "The semantic-noise spec of --adversarial noise (tabular: jitter:σ,missing:p,swap:p; text: the notes noise grammar).")
        var noise: String?

        @Option(help: "Complex channel uses per record.")
        var channelUses: Int?

        @Option(help: "Training epochs (default: the modality's kb build default).")
        var epochs: Int?

        func validate() throws {
            if let budget, !(budget.isFinite && budget >= 0) {
                throw ValidationError("--budget must be finite and ≥ 0, got \(budget)")
            }
            if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
            if modality == .tabular && schema == nil { throw ValidationError("--modality tabular needs --schema") }
        }

        func run() throws {
            global.apply()
            let method = adversarial.lowercased()
            if method == "noise" { return try runNoise() }
            guard let trainingMethod = AdversarialTraining.Method(rawValue: method) else {
                throw RobustnessError(
                    code: .unknownAttack,
                    message: "unknown --adversarial '\(adversarial)'; known: fgsm, pgd, trades, noise")
            }
            guard modality == .tabular else {
                throw RobustnessError(
                    code: .unsupportedModel,
                    message: "--adversarial \(method) needs a differentiable input with physical units (tabular); the text codec's input is discrete — use --adversarial noise")
            }
            guard let budget else { throw ValidationError("--adversarial \(method) needs --budget") }
            guard let attackNorm = AttackNorm(rawValue: norm.lowercased()) else {
                throw RobustnessError(code: .invalidSetting, message: "--norm must be linf or l2, got '\(norm)'")
            }
            let objective = try AdversarialTraining(
                method: trainingMethod, norm: attackNorm, budget: Float(budget), steps: steps, fraction: Float(fraction),
                beta: Float(beta), symbolSignalToPerturbationDecibels: symbolSprDb)
            try buildTabular(objective: objective, suffix: "\(method)-at")
        }

        private func buildTabular(objective: (any ClassificationTrainingObjective)?, suffix: String, noise: TabularSemanticNoise? = nil)
            throws
        {
            let tableSchema = try TableSchema(contentsOfFile: schema!)  // checked in validate()
            var configuration = TabularCodecConfiguration.default
            configuration.seed = global.seed
            configuration.name = "\(tableSchema.name)-tabular-\(suffix)"
            configuration.channelUsesPerSample = channelUses ?? configuration.channelUsesPerSample
            configuration.epochs = epochs ?? configuration.epochs
            if let noise { configuration.semanticNoise = noise }
            let (kb, report) = try TabularKnowledgeBase.build(
                dataPath: data, schema: tableSchema, configuration: configuration, objective: objective,
                progress: { global.progress($0) })
            try kb.write(to: out)
            print("wrote \(out): \(report.recordCount) records (\(report.trainCount) train / \(report.testCount) test)")
            print("fingerprint \(report.fingerprint.hexString)")
            if let a = kb.manifest.provenance?.adversarial {
                print("training: \(a.method), ε = \(a.epsilon) \(a.units ?? "") \(a.norm ?? ""), steps \(a.steps.map(String.init) ?? "-"), target \(a.target)")
            }
            for (channel, snr, evaluation) in report.evaluations where channel == "awgn" {
                print("  \(channel) \(snr) dB: accuracy \(String(format: "%.3f", evaluation.accuracy))")
            }
        }

        /// Noise-aware training through each modality's semantic-noise injector.
        private func runNoise() throws {
            let spec = try SemanticNoiseSpec.parse(noise ?? (modality == .text ? "synonym:0.3,reverse:0.15" : "jitter:0.3,missing:0.5,swap:0.5"))
            switch modality {
            case .text:
                var arguments = [
                    "--modality", "text", "--data", data, "--out", out, "--seed", "\(global.seed)", "--training-noise",
                    spec.description, "--threads", "\(global.threads)",
                ]
                if let channelUses { arguments += ["--channel-uses", "\(channelUses)"] }
                if let epochs { arguments += ["--epochs", "\(epochs)"] }
                if global.quiet { arguments.append("--quiet") }
                let build = try SemCom.KB.Build.parse(arguments)
                try build.run()
            case .tabular:
                // The tabular build's injector: jitter σ (fraction of each field's scale), one missing
                // field and a swap, each with the probability given by `missing`/`swap` (their maximum).
                var jitter: Float = 0
                var probability = 0.0
                for term in spec.terms {
                    switch term.name {
                    case "jitter": jitter = Float(term.rate)
                    case "missing", "swap": probability = max(probability, term.rate)
                    default:
                        throw RobustnessError(
                            code: .invalidSetting,
                            message: "tabular noise-aware training takes jitter, missing and swap; got '\(term.name)'")
                    }
                }
                try buildTabular(
                    objective: nil, suffix: "noise",
                    noise: TabularSemanticNoise(
                        jitterFraction: jitter, missingFieldsPerRecord: 1, probability: probability > 0 ? probability : 1))
            }
        }
    }
}
