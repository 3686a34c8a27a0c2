import ArgumentParser
import Experiments
import Foundation
import KnowledgeBase
import Robustness

extension SemCom {
    /// `semcom attack`: white-box attacks on a knowledge base's semantic link.
    struct Attack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attack a knowledge base's semantic link: FGSM/PGD on the input, PGD/universal on the symbols, synonym and character attacks on notes.",
            discussion: """
                Budgets: fgsm, pgd — the input's physical units (BCWD: grades on the 1–10 scale; L∞ by default); \
                symbol-pgd, universal, symbol-bounds — the signal-to-perturbation ratio in dB (inf = none); \
                synonym — the fraction of words changed; charedit — the character edit distance. Clean and \
                adversarial predictions share each channel realization, so a zero budget gives the clean \
                accuracy exactly. symbol-bounds brackets every per-input symbol attack at each channel \
                realization: DeepFool (an attack that knows the noise; rows symbol-deepfool) and a CROWN \
                certificate (rows symbol-certified: a lower bound of the robust accuracy). With \
                --surrogate-kb the attack is crafted white-box on that knowledge base and transferred to \
                --kb, which is never queried (black-box; rows carry the surrogate and 0 queries). \
                Example: semcom attack --kb KnowledgeBases/bcwd-tabular.semkb --attack pgd --budget 0,1,2,3 \
                --snr-db 10 --json attack.json --svg attack.svg
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The knowledge base(s) to attack, comma-separated (each gets its rows).")
        var kb: String

        @Option(help: "The attack: \(LinkAttackKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var attack: String

        @Option(help: "Budgets, comma-separated (see the discussion for their units).")
        var budget: String

        @Option(help: "Attack iterations (PGD and symbol PGD: 10; universal: 50).")
        var steps: Int?

        @Option(help: "Random starts of pgd and symbol-pgd (the strongest per example is kept).")
        var restarts: Int = 1

        @Option(help: "Channel realizations averaged per symbol-pgd gradient (expectation over transformation).")
        var eotSamples: Int = 1

        @Flag(help: "symbol-pgd attacks at the evaluation's own channel realization (a noise oracle).")
        var knownNoise = false

        @Option(help: "Black-box transfer: craft the attack on this knowledge base (fgsm, pgd, symbol-pgd, universal).")
        var surrogateKb: String?

        @Option(help: "The norm of fgsm/pgd budgets: linf or l2.")
        var norm: String = "linf"

        @Option(help: "The channel (awgn, rayleigh, rayleigh-nocsi, rician, …).")
        var channel: String = "awgn"

        @Option(help: "Es/N0 of the channel, dB.")
        var snrDb: Double = 10

        @Option(help: "Channel realizations per example (tabular attacks).")
        var repeats: Int = 1

        @Option(help: "At most this many test examples (default: all).")
        var limit: Int?

        @Option(help: "The data file when not the one recorded in the knowledge base.")
        var data: String?

        @Option(help: "Write the result document (JSON) to this path.")
        var json: String?

        @Option(help: "Write robust accuracy against budget (SVG) to this path.")
        var svg: String?

        func run() throws {
            global.apply()
            let kind = try LinkAttackKind.parse(attack)
            guard let attackNorm = AttackNorm(rawValue: norm.lowercased()) else {
                throw RobustnessError(code: .invalidSetting, message: "--norm must be linf or l2, got '\(norm)'")
            }
            let budgets = try budget.split(separator: ",").map { text -> Double in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed) ?? (trimmed.lowercased() == "inf" ? .infinity : nil) else {
                    throw RobustnessError(code: .invalidBudget, message: "--budget: '\(trimmed)' is not a number")
                }
                return value
            }
            if let steps, !(1...100_000).contains(steps) {
                throw RobustnessError(code: .invalidSetting, message: "--steps must be in 1…100000, got \(steps)")
            }
            guard (1...1000).contains(restarts) else {
                throw RobustnessError(code: .invalidSetting, message: "--restarts must be in 1…1000, got \(restarts)")
            }
            guard (1...1000).contains(eotSamples) else {
                throw RobustnessError(code: .invalidSetting, message: "--eot-samples must be in 1…1000, got \(eotSamples)")
            }
            if let limit, limit < 1 { throw RobustnessError(code: .invalidSetting, message: "--limit must be ≥ 1, got \(limit)") }
            let options = RobustnessEvaluation.Options(
                attack: kind, budgets: budgets, steps: steps, norm: attackNorm, channel: try ChannelSpec.parse(channel),
                snrDecibels: snrDb, repeats: repeats, maximumExamples: limit, dataPath: data, seed: global.seed,
                restarts: restarts, channelSamples: eotSamples, knowsChannelNoise: knownNoise,
                surrogate: try surrogateKb.map { try KnowledgeBase(contentsOfFile: $0) })
            var rows: [AttackRow] = []
            for path in kb.split(separator: ",").map(String.init) {
                let knowledgeBase = try KnowledgeBase(contentsOfFile: path)
                rows += try RobustnessEvaluation.run(
                    knowledgeBase: knowledgeBase, options: options, progress: { global.progress($0) })
            }
            print("kb                          attack            budget  steps  clean  robust  success  perturbation  queries")
            for row in rows {
                print(
                    row.knowledgeBase.padding(toLength: 28, withPad: " ", startingAt: 0)
                        + row.attack.padding(toLength: 18, withPad: " ", startingAt: 0)
                        + String(format: "%6.2f  %5d  %.3f  %.3f   %.3f    %10.3f  %7.1f", row.budget, row.steps,
                            row.cleanAccuracy, row.robustAccuracy, row.attackSuccessRate, row.meanPerturbation, row.queries)
                        + (row.surrogate.map { "  (transfer from \($0))" } ?? "")
                        + (row.budgetRadius.map { r in
                            String(format: "  budget radius %.3f, median minimal perturbation %.3f", r, row.medianMinimalPerturbation ?? .nan)
                        } ?? ""))
            }
            if let json {
                try ResultDocument(
                    command: "attack", seed: global.seed,
                    inputs: [
                        "kb": kb, "attack": kind.rawValue, "budget": budget, "steps": steps.map(String.init) ?? "default",
                        "norm": attackNorm.rawValue, "channel": channel, "snr_db": "\(snrDb)", "repeats": "\(repeats)",
                        "limit": limit.map(String.init) ?? "all", "restarts": "\(restarts)",
                        "eot_samples": "\(eotSamples)", "known_noise": "\(knownNoise)", "surrogate_kb": surrogateKb ?? "none",
                    ],
                    rows: rows
                ).writeJSON(to: json)
            }
            if let svg {
                let units: String
                switch kind {
                case .fgsm, .pgd: units = "budget ε (\(attackNorm.rawValue), physical units)"
                case .symbolPGD, .universal, .symbolBounds: units = "signal-to-perturbation ratio (dB)"
                case .synonym: units = "fraction of words changed"
                case .charedit: units = "edit distance"
                }
                try RobustnessEvaluation.plot(rows, title: "Robust accuracy — \(kind.rawValue), \(channel) \(snrDb) dB", budgetLabel: units)
                    .render().write(toFile: svg, atomically: true, encoding: .utf8)
            }
        }
    }
}
