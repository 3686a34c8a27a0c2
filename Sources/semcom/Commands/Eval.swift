import ArgumentParser
import Experiments
import Foundation
import KnowledgeBase
import TensorCore

extension SemCom {
    /// `semcom eval`: a knowledge base's semantic link against raw transmission and eavesdroppers.
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a semantic link over channels and SNRs against raw transmission and eavesdroppers.",
            discussion: """
                Rows: scheme (semantic, raw, raw-ideal, eavesdropper-naive, eavesdropper-adaptive), channel, \
                snr_db, noise, channel_uses_per_sample, accuracy, balanced_accuracy, and for raw \
                decode_failure_rate. The test split is the one recorded in the KB unless --data gives a file. \
                Channels: awgn, rayleigh (block fading, CSI), rayleigh-nocsi, rician[:K], erasure[:p], burst.
                Example: semcom eval --kb KnowledgeBases/bcwd-tabular.semkb --channel awgn \
                --snr-db -10,-5,0,5,10,20 --compare raw --json out.json
                """)

        enum Comparison: String, ExpressibleByArgument, CaseIterable { case raw, none }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The knowledge base (.semkb) of the legitimate link.")
        var kb: String

        @Option(help: "A CSV in the KB's schema to test on (default: the KB's recorded test split).")
        var data: String?

        @Option(help: "Channels, comma-separated (awgn, rayleigh, rayleigh-nocsi, rician[:K], erasure[:p], burst).")
        var channel: String = "awgn"

        @Option(name: .customLong("snr-db"), parsing: .unconditional, help: "SNRs in dB: a comma list or start:step:stop.")
        var snrDB: String = "-10,-5,0,5,10,20"

        @Option(help: "Compare with raw transmission (raw) or not (none).")
        var compare: Comparison = .raw

        @Option(help: "The naive eavesdropper's knowledge base (default: one trained with seed + 1).")
        var eavesdropperKB: String?

        @Option(help: "Semantic passes over the test set per point.")
        var passes: Int = 5

        @Option(help: "Write the result document (JSON).")
        var json: String?

        @Option(help: "Write the rows (CSV).")
        var csv: String?

        @Option(help: "Write accuracy against SNR (SVG).")
        var svg: String?

        func validate() throws {
            guard passes >= 1 else { throw ValidationError("--passes must be at least 1, got \(passes)") }
            do {
                _ = try ChannelSpec.parseList(channel)
                _ = try SNRList.parse(snrDB)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func run() throws {
            global.apply()
            let knowledgeBase = try KnowledgeBase(contentsOfFile: kb)
            if knowledgeBase.manifest.modality == .vitals { return try runVitals(knowledgeBase) }
            let eavesdropper = try eavesdropperKB.map { try KnowledgeBase(contentsOfFile: $0) }
            let configuration = EvaluationConfiguration(
                channels: try ChannelSpec.parseList(channel), snrDecibels: try SNRList.parse(snrDB),
                semanticPasses: passes)
            var rng = Xoshiro256(seed: global.seed)
            let (result, setup) = try TabularLinkEvaluation.run(
                knowledgeBase: knowledgeBase, dataPath: data, eavesdropperKnowledgeBase: eavesdropper,
                compareRaw: compare == .raw, configuration: configuration, using: &rng,
                progress: { global.progress($0) })
            print(EvaluationTable.render(result, setup: setup))
            let inputs = [
                "kb": kb, "data": setup.dataPath, "channel": channel, "snr_db": snrDB, "compare": compare.rawValue,
                "eavesdropper": setup.eavesdropper, "passes": "\(passes)", "threads": "\(global.threads)",
            ]
            if let json {
                try EvaluationOutputs.writeJSON(result, to: json, command: "eval", seed: global.seed, inputs: inputs)
            }
            if let csv { try EvaluationOutputs.writeCSV(result, to: csv) }
            if let svg { try EvaluationOutputs.writeSVG(result, to: svg) }
        }

        /// A vitals-rhythm or vitals-waveform knowledge base (synthetic test data; --data is not used).
        private func runVitals(_ knowledgeBase: KnowledgeBase) throws {
            guard data == nil else { throw ValidationError("--data is not supported for vitals knowledge bases (synthetic test data)") }
            var configuration = VitalsLinkEvaluation.Configuration()
            configuration.channels = try ChannelSpec.parseList(channel)
            configuration.snrDecibels = try SNRList.parse(snrDB)
            configuration.passes = passes
            configuration.compareRaw = compare == .raw
            var rng = Xoshiro256(seed: global.seed)
            let rows = try VitalsLinkEvaluation.run(
                knowledgeBase: knowledgeBase, configuration: configuration, using: &rng, progress: { global.progress($0) })
            print(VitalsLinkEvaluation.table(rows))
            if let json {
                let inputs = [
                    "kb": kb, "channel": channel, "snr_db": snrDB, "compare": compare.rawValue, "passes": "\(passes)",
                    "threads": "\(global.threads)",
                ]
                try ResultDocument(command: "eval", seed: global.seed, inputs: inputs, rows: rows).writeJSON(to: json)
            }
        }
    }
}
