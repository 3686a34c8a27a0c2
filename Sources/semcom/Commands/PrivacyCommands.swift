import ArgumentParser
import Experiments
import Foundation
import HealthData
import Privacy
import TensorCore

extension AccountantKind: ExpressibleByArgument {}

/// The schedule options shared by `privacy epsilon` and `privacy noise`.
struct PrivacyScheduleOptions: ParsableArguments {
    @Option(name: .customLong("sampling-rate"), help: "q ∈ (0, 1], the Poisson sampling rate of each record.")
    var samplingRate: Double

    @Option(help: "T ≥ 1, the number of steps.")
    var steps: Int

    @Option(help: "δ ∈ (0, 1).")
    var delta: Double = 1e-5

    @Option(help: "Accountant: rdp or pld.")
    var accountant: AccountantKind = .rdp

    @Option(name: .customLong("pld-interval"), help: "PLD loss-grid spacing h in nats (smaller: tighter, slower).")
    var pldInterval: Double = 2e-5
}

extension SemCom {
    /// `semcom privacy`: privacy accounting, noise calibration and empirical audits.
    struct PrivacyTools: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "privacy",
            abstract: "Privacy accounting (ε of a DP-SGD schedule), noise calibration and empirical audits.",
            subcommands: [Epsilon.self, Noise.self, Audit.self])
    }
}

extension SemCom.PrivacyTools {
    /// `semcom privacy epsilon`: the ε a DP-SGD schedule spends.
    struct Epsilon: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ε spent by T steps of the Poisson-subsampled Gaussian mechanism (DP-SGD).",
            discussion: """
                Add/remove neighbours; σ is the noise standard deviation divided by the clipping norm. \
                rdp: Rényi DP at dp-accounting's orders with the improved conversion (Mironov 2017; \
                Mironov, Talwar & Zhang 2019; Balle et al. 2020). pld: privacy loss distributions composed \
                by FFT (Koskela et al. 2020), pessimistic by about T·h/2 nats (h = --pld-interval); exact \
                for q = 1. Example: semcom privacy epsilon --sampling-rate 0.01 --noise-multiplier 1.1 \
                --steps 1000 --delta 1e-5 --accountant rdp --json eps.json
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("noise-multiplier"), help: "σ > 0, noise std / clipping norm.")
        var noiseMultiplier: Double

        @OptionGroup var schedule: PrivacyScheduleOptions

        @Option(help: "Write the result document (JSON) to this path.")
        var json: String?

        func run() throws {
            global.apply()
            let report = try PrivacyEpsilonReport.compute(
                samplingRate: schedule.samplingRate, noiseMultiplier: noiseMultiplier, steps: schedule.steps,
                delta: schedule.delta, accountant: schedule.accountant,
                pldValueDiscretizationInterval: schedule.pldInterval)
            print(report.summaryLine)
            if let json {
                try SummaryResultDocument(command: "privacy epsilon", seed: global.seed, summary: report)
                    .writeJSON(to: json)
            }
        }
    }

    /// `semcom privacy noise`: the noise multiplier for a target (ε, δ).
    struct Noise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The smallest noise multiplier σ whose ε after T steps is at most the target.",
            discussion: """
                Bisection on log σ over [0.05, --max-noise-multiplier]; a target below the ε of the largest σ \
                is rejected with the reachable range. Example: semcom privacy noise --epsilon 2 --delta 1e-5 \
                --sampling-rate 0.01 --steps 1000
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The target ε > 0.")
        var epsilon: Double

        @OptionGroup var schedule: PrivacyScheduleOptions

        @Option(name: .customLong("max-noise-multiplier"), help: "The largest σ tried.")
        var maxNoiseMultiplier: Double = 500

        @Option(help: "Relative width of the final bisection bracket.")
        var tolerance: Double = 1e-4

        @Option(help: "Write the result document (JSON) to this path.")
        var json: String?

        func run() throws {
            global.apply()
            let report = try PrivacyNoiseReport.compute(
                targetEpsilon: epsilon, delta: schedule.delta, samplingRate: schedule.samplingRate,
                steps: schedule.steps, accountant: schedule.accountant, maximumNoiseMultiplier: maxNoiseMultiplier,
                relativeTolerance: tolerance, pldValueDiscretizationInterval: schedule.pldInterval)
            print(report.summaryLine)
            if let json {
                try SummaryResultDocument(command: "privacy noise", seed: global.seed, summary: report)
                    .writeJSON(to: json)
            }
        }
    }
}

extension SemCom.PrivacyTools {
    /// `semcom privacy audit`: an empirical lower bound on ε from canary runs.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Empirical lower bound on ε of a mechanism or a DP-SGD training run (canary membership test).",
            discussion: """
                Runs the mechanism --trials times without and with a canary, picks the best threshold test on \
                half of the runs and bounds its false-positive and false-negative rates on the other half with \
                Clopper–Pearson intervals (joint confidence --confidence): ε_lower = max(log((1−δ−FNR⁺)/FPR⁺), \
                log((1−δ−FPR⁺)/FNR⁺)) (Jagielski, Ullman & Oprea 2020). Mechanisms: gaussian, laplace, \
                discrete-gaussian (sensitivity 1), dpsgd (one clipped, noised DP-SGD step), dpsgd-training \
                (logistic regression trained with DP-SGD on the Breast Cancer Wisconsin table, canary = a \
                mislabelled extreme record; --trials training runs per world). passed = ε_lower ≤ ε_claimed. \
                --noise-factor is a DEBUGGING option that multiplies the calibrated noise (0.5 halves it) to show \
                that the audit catches a broken mechanism; never use it for real releases. Example: \
                semcom privacy audit --mechanism gaussian --epsilon 1 --delta 1e-5 --trials 200000 --json audit.json
                """)

        enum Target: String, ExpressibleByArgument, CaseIterable {
            case gaussian, laplace
            case discreteGaussian = "discrete-gaussian"
            case dpsgd
            case dpsgdTraining = "dpsgd-training"
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "gaussian, laplace, discrete-gaussian, dpsgd or dpsgd-training.")
        var mechanism: Target

        @Option(help: "The claimed ε > 0 (the calibration target).")
        var epsilon: Double

        @Option(help: "δ ∈ (0, 1).")
        var delta: Double = 1e-5

        @Option(help: "Runs per world (with and without the canary), ≥ 100.")
        var trials: Int = 100_000

        @Option(help: "Joint confidence of the Clopper–Pearson bounds, in (0, 1).")
        var confidence: Double = 0.95

        @Option(
            name: .customLong("noise-factor"), help: "DEBUGGING ONLY: multiply the calibrated noise (0.5 = broken).")
        var noiseFactor: Double = 1

        @Option(help: "dpsgd-training: DP-SGD steps per run.")
        var steps: Int = 20

        @Option(name: .customLong("sampling-rate"), help: "dpsgd-training: Poisson sampling rate q ∈ (0, 1].")
        var samplingRate: Double = 1

        @Option(help: "dpsgd-training: training records drawn from the table (0 = all 683).")
        var records: Int = 0

        @Option(name: .customLong("learning-rate"), help: "dpsgd-training: SGD learning rate.")
        var learningRate: Double = 0.5

        @Option(name: .customLong("clipping-norm"), help: "dpsgd-training: per-example clipping norm C.")
        var clippingNorm: Double = 1

        @Option(help: "dpsgd-training: the accountant that states the claimed ε (rdp or pld).")
        var accountant: AccountantKind = .rdp

        @Option(help: "dpsgd-training: a Breast Cancer Wisconsin file in the UCI format (default: the embedded copy).")
        var data: String?

        @Option(help: "Write the result document (JSON) to this path.")
        var json: String?

        func run() throws {
            global.apply()
            var rng = Xoshiro256(seed: global.seed)
            let report: PrivacyAuditReport
            if let kind = MechanismAudit.Mechanism(rawValue: mechanism.rawValue) {
                let configuration = MechanismAudit.Configuration(
                    mechanism: kind, epsilon: epsilon, delta: delta, trials: trials, confidence: confidence,
                    noiseFactor: noiseFactor)
                report = PrivacyAuditReport(try MechanismAudit.run(configuration, using: &rng))
            } else {
                let table =
                    try data.map { try BreastCancerWisconsin.load(contentsOfFile: $0, scale: .dividedByTen) }
                    ?? BreastCancerWisconsin.embedded(scale: .dividedByTen)
                let configuration = TrainingAudit.Configuration(
                    epsilon: epsilon, delta: delta, runs: trials, confidence: confidence, noiseFactor: noiseFactor,
                    steps: steps, samplingRate: samplingRate, clippingNorm: clippingNorm, learningRate: learningRate,
                    records: records, accountant: accountant)
                report = PrivacyAuditReport(
                    try TrainingAudit.run(
                        data: table, configuration: configuration, using: &rng, progress: { global.progress($0) }))
            }
            print(report.summaryLine)
            if let json {
                try SummaryResultDocument(command: "privacy audit", seed: global.seed, summary: report)
                    .writeJSON(to: json)
            }
        }
    }
}
