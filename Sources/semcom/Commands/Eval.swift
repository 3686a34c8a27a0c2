import ArgumentParser
import ClinicalTextCodec
import HealthData
import Experiments
import Foundation
import KnowledgeBase
import PoseCodec
import SemanticCodec
import TensorCore
import VitalSignsCodec

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
                Semantic noise: each --noise SPEC is one condition with its own rows (noise = the spec); SPEC is \
                name:rate[,name:rate…] (noises applied together) or none. Tabular: jitter, missing, swap (input); \
                every modality: blank, jam (symbols). Without --noise: one clean condition, none. \
                E.g. --noise none --noise jitter:0.1 --noise missing:0.2,swap:0.1.
                Example: semcom eval --kb KnowledgeBases/bcwd-tabular.semkb --channel awgn \
                --snr-db -10,-5,0,5,10,20 --compare raw --json out.json
                Pose knowledge bases (semcom eval --kb KnowledgeBases/pose-activity.semkb): rows \
                add fall_recall and fall_false_alarm_rate, and privacy-attacker rows (view symbols|raw-pose, \
                target height|wingspan, mae_m, mean_predictor_mae_m, mae_ratio); their --noise conditions use \
                pose-jitter:σ_m, pose-occlusion:fraction, pose-drop:fraction; --data takes labelled JSONL files; \
                --compare raw sends 128 clips (8-bit joints, zstd, CRC, FEC) and adds raw, raw-ideal rows and a comparison.
                Text KBs (clinical notes): --noise adds a semantic-noise condition (repeatable; the clean \
                condition is always measured), e.g. semcom eval --kb KnowledgeBases/clinical-triage.semkb \
                --channel awgn --snr-db 5,10,20 --noise synonym:0.2,reverse:0.1 --noise synonym-heldout:0.2 \
                --compare raw. Text noise: synonym, synonym-heldout, dropout, shuffle, reverse, swap, insert, delete.
                Vitals KBs (vitals-rhythm, vitals-waveform; synthetic ECG test recordings, no --data): rows add \
                heart_rate_mae_bpm, mean_prd_percent, median_prd_percent, rms_prd_percent and r_peak_f1; waveform \
                over AWGN adds bound-gaussian and bound-linear rows (the RMS PRD the test windows' covariance allows \
                at the same channel uses: Gaussian OPTA, best linear code); --noise adds conditions of \
                sensor artefacts on the ECG sent (wander:mV, emg:mV, powerline:mV, motion:mV, drop:runs/s; scored \
                against the clean ECG) and symbol noise (blank, jam); the clean condition is always measured; \
                --seal adds sealed-semantic and sealed-eve-naive rows. E.g. semcom eval --kb \
                KnowledgeBases/vitals-waveform.semkb --snr-db 10,20 --noise emg:0.05,drop:0.2 --seal --csv out.csv --svg out.svg.
                Multi-modal KBs (semcom eval --kb KnowledgeBases/bcwd-multimodal.semkb --snr-db 0,5,10,20): the fused \
                codec with noise none, note-noise, table-missing, note-missing; head_rows for the table-only and \
                note-only codecs; acceptance rows (fused under corruption vs the single-modality codec − 0.01).
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

        @Option(help: "A semantic-noise condition name:rate[,name:rate…] or none (repeatable; default: none only; text KBs always add none).")
        var noise: [String] = []

        @Option(help: "Semantic passes over the test set per point.")
        var passes: Int = 5

        @Flag(help: "Also measure the link with keyed per-frame scrambling (key from a keygen session): sealed-* rows.")
        var seal = false

        @Option(name: .customLong("seal-key"), help: "With --seal: a key file from `semcom keygen --key-out` (default: run a keygen session with --seed).")
        var sealKey: String?

        @Option(help: "Write the result document (JSON).")
        var json: String?

        @Option(help: "Write the rows (CSV).")
        var csv: String?

        @Option(help: "Write accuracy against SNR (SVG).")
        var svg: String?

        @Flag(inversion: .prefixedNo, help: "Pose: run the privacy attacks (height and wingspan from symbols and raw pose).")
        var privacy = true

        func validate() throws {
            guard passes >= 1 else { throw ValidationError("--passes must be at least 1, got \(passes)") }
            do {
                _ = try ChannelSpec.parseList(channel)
                _ = try SNRList.parse(snrDB)
                // The grammar here; the names are checked against the KB's modality in run().
                let canonical = try noise.map { try SemanticNoiseSpec.parse($0).description }
                guard Set(canonical).count == canonical.count else {
                    throw ValidationError("--noise lists the same condition twice: \(noise.joined(separator: " "))")
                }
            } catch {
                throw ValidationError("\(error)")
            }
        }

        /// The `--noise` conditions (`none` when none is given).
        func noiseSpecs() throws -> [SemanticNoiseSpec] {
            let specs = try noise.map { try SemanticNoiseCatalog.standard.parse($0, for: .tabular) }
            guard Set(specs).count == specs.count else {
                throw ValidationError("--noise lists the same condition twice: \(noise.joined(separator: " "))")
            }
            return specs.isEmpty ? [.none] : specs
        }

        func run() throws {
            global.apply()
            let knowledgeBase = try KnowledgeBase(contentsOfFile: kb)
            if knowledgeBase.manifest.modality == .pose { return try runPose(knowledgeBase) }
            if knowledgeBase.manifest.modality == .vitals { return try runVitals(knowledgeBase) }
            if knowledgeBase.manifest.modality == .multimodal { return try runMultimodal(knowledgeBase) }
            let eavesdropper = try eavesdropperKB.map { try KnowledgeBase(contentsOfFile: $0) }
            var rng = Xoshiro256(seed: global.seed)
            if knowledgeBase.manifest.modality == .text {
                // Text noise conditions are applied by the text evaluation itself (budgets per note).
                let configuration = EvaluationConfiguration(
                    channels: try ChannelSpec.parseList(channel), snrDecibels: try SNRList.parse(snrDB),
                    semanticPasses: passes)
                return try runText(knowledgeBase, eavesdropper: eavesdropper, configuration: configuration, rng: &rng)
            }
            let specs = try noiseSpecs()
            var configuration = EvaluationConfiguration(
                channels: try ChannelSpec.parseList(channel), snrDecibels: try SNRList.parse(snrDB),
                semanticPasses: passes,
                noiseConditions: try TabularLinkEvaluation.noiseConditions(for: specs, knowledgeBase: knowledgeBase))
            if seal { configuration.sealing = try SealedLink(keyBits: try SealedLinkKey.load(sealKey, seed: global.seed)) }
            let (result, setup) = try TabularLinkEvaluation.run(
                knowledgeBase: knowledgeBase, dataPath: data, eavesdropperKnowledgeBase: eavesdropper,
                compareRaw: compare == .raw, configuration: configuration, using: &rng,
                progress: { global.progress($0) })
            print(EvaluationTable.render(result, setup: setup))
            let inputs = [
                "kb": kb, "data": setup.dataPath, "channel": channel, "snr_db": snrDB, "compare": compare.rawValue,
                "eavesdropper": setup.eavesdropper, "passes": "\(passes)", "threads": "\(global.threads)",
                "noise": specs.map(\.description).joined(separator: " "),
                "seal": seal ? (sealKey ?? "keygen session") : "off",
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
            guard eavesdropperKB == nil else {
                throw ValidationError("--eavesdropper-kb is not supported for vitals knowledge bases (--seal adds sealed-eve-naive rows)")
            }
            // The clean condition is always measured (the raw comparison's target), then each --noise.
            let specs = ["none"] + noise.filter { $0 != "none" }
            var noises: [VitalsNoise] = []
            for spec in specs {
                let parsed = try SemanticNoiseCatalog.standard.parse(spec, for: .vitals)
                guard !noises.contains(where: { $0.name == parsed.description }) else {
                    throw ValidationError("--noise lists the same condition twice: \(parsed)")
                }
                noises.append(try VitalsNoise(spec: parsed))
            }
            var configuration = VitalsLinkEvaluation.Configuration()
            configuration.channels = try ChannelSpec.parseList(channel)
            configuration.snrDecibels = try SNRList.parse(snrDB)
            configuration.passes = passes
            configuration.compareRaw = compare == .raw
            configuration.noises = noises
            if seal { configuration.sealing = try SealedLink(keyBits: try SealedLinkKey.load(sealKey, seed: global.seed)) }
            var rng = Xoshiro256(seed: global.seed)
            let rows = try VitalsLinkEvaluation.run(
                knowledgeBase: knowledgeBase, configuration: configuration, using: &rng, progress: { global.progress($0) })
            print(VitalsLinkEvaluation.table(rows))
            if let json {
                let inputs = [
                    "kb": kb, "channel": channel, "snr_db": snrDB, "compare": compare.rawValue, "passes": "\(passes)",
                    "threads": "\(global.threads)", "noise": noises.map(\.name).joined(separator: " "),
                    "seal": seal ? (sealKey ?? "keygen session") : "off",
                ]
                try ResultDocument(command: "eval", seed: global.seed, inputs: inputs, rows: rows).writeJSON(to: json)
            }
            if let csv { try VitalsLinkEvaluation.writeCSV(rows, to: csv) }
            if let svg { try VitalsLinkEvaluation.writeSVG(rows, to: svg) }
        }

        private func runPose(_ knowledgeBase: KnowledgeBase) throws {
            guard eavesdropperKB == nil else { throw ValidationError("--eavesdropper-kb is not supported for pose") }
            let clipFrames = try PoseCodec(knowledgeBase: knowledgeBase).clipFrames
            var conditions: [SemanticNoiseCondition] = []
            // Each --noise is one condition; commas combine noises within it (as for tabular records).
            for condition in noise.isEmpty ? ["none"] : noise {
                if condition == "none" {
                    conditions.append(.none)
                    continue
                }
                _ = try SemanticNoiseCatalog.standard.parse(condition, for: .pose)
                var perturbations: [PoseTrackingPerturbation] = []
                for spec in condition.split(separator: ",").map(String.init) {
                    guard let perturbation = try PoseTrackingPerturbation.parse(spec, clipFrames: clipFrames) else {
                        throw ValidationError(
                            "unknown pose noise '\(spec)'; expected none, pose-jitter:σ, pose-occlusion:f, pose-drop:f")
                    }
                    perturbations.append(perturbation)
                }
                conditions.append(SemanticNoiseCondition(name: condition, perturbations: perturbations))
            }
            let configuration = EvaluationConfiguration(
                channels: try ChannelSpec.parseList(channel), snrDecibels: try SNRList.parse(snrDB),
                semanticPasses: passes, noiseConditions: conditions)
            var rng = Xoshiro256(seed: global.seed)
            let (result, setup) = try PoseLinkEvaluation.run(
                knowledgeBase: knowledgeBase, dataPaths: data.map { [$0] } ?? [], privacy: privacy,
                rawClips: compare == .raw ? 128 : nil, configuration: configuration, using: &rng,
                progress: { global.progress($0) })
            print(PoseLinkEvaluation.render(result, setup: setup))
            let inputs = [
                "kb": kb, "data": setup.data, "channel": channel, "snr_db": snrDB, "noise": noise.joined(separator: " "),
                "compare": compare.rawValue,
                "passes": "\(passes)", "privacy": "\(privacy)", "threads": "\(global.threads)",
            ]
            if let json {
                try PoseLinkEvaluation.writeJSON(result, to: json, command: "eval", seed: global.seed, inputs: inputs)
            }
            if let csv { try EvaluationOutputs.writeCSV(result.link, to: csv) }
            if let svg { try EvaluationOutputs.writeSVG(result.link, to: svg) }
        }

        /// A multi-modal knowledge base: the fused codec under modality corruptions against its
        /// table-only and note-only codecs and raw transmission.
        private func runMultimodal(_ knowledgeBase: KnowledgeBase) throws {
            guard data == nil, noise.allSatisfy({ $0 == "none" }), !seal else {
                throw ValidationError(
                    "--data, --noise and --seal are not supported for multi-modal knowledge bases (the conditions are fixed: none, note-noise, table-missing, note-missing)")
            }
            let configuration = EvaluationConfiguration(
                channels: try ChannelSpec.parseList(channel), snrDecibels: try SNRList.parse(snrDB), semanticPasses: passes)
            var rng = Xoshiro256(seed: global.seed)
            let output = try MultimodalLinkEvaluation.run(
                knowledgeBase: knowledgeBase, eavesdropperKnowledgeBase: try eavesdropperKB.map { try KnowledgeBase(contentsOfFile: $0) },
                compareRaw: compare == .raw, configuration: configuration, using: &rng, progress: { global.progress($0) })
            print(MultimodalLinkEvaluation.render(output))
            let inputs = [
                "kb": kb, "channel": channel, "snr_db": snrDB, "compare": compare.rawValue, "passes": "\(passes)",
                "threads": "\(global.threads)", "eavesdropper": output.setup.eavesdropper ?? "none",
            ]
            if let json { try MultimodalLinkEvaluation.writeJSON(output, to: json, seed: global.seed, inputs: inputs) }
            if let csv { try EvaluationOutputs.writeCSV(output.result, to: csv) }
            if let svg { try EvaluationOutputs.writeSVG(output.result, to: svg) }
        }

        /// A clinical-text knowledge base: noise conditions, concept sets, raw with and without a dictionary.
        private func runText(
            _ knowledgeBase: KnowledgeBase, eavesdropper: KnowledgeBase?, configuration: EvaluationConfiguration,
            rng: inout Xoshiro256
        ) throws {
            guard data == nil else { throw ValidationError("--data is not used with text knowledge bases (the KB records its notes file)") }
            let output = try TextLinkEvaluation.run(
                knowledgeBase: knowledgeBase, noiseSpecs: ["none"] + noise.filter { $0 != "none" }, eavesdropperKnowledgeBase: eavesdropper,
                compareRaw: compare == .raw, configuration: configuration, using: &rng, progress: { global.progress($0) })
            print(TextLinkEvaluation.render(output))
            let inputs = [
                "kb": kb, "data": output.setup.dataPath, "channel": channel, "snr_db": snrDB, "compare": compare.rawValue,
                "noise": (["none"] + noise).joined(separator: ";"), "eavesdropper": output.setup.eavesdropper,
                "passes": "\(passes)", "threads": "\(global.threads)",
            ]
            if let json { try TextLinkEvaluation.writeJSON(output, to: json, seed: global.seed, inputs: inputs) }
            if let csv { try EvaluationOutputs.writeCSV(output.result, to: csv) }
            if let svg { try EvaluationOutputs.writeSVG(output.result, to: svg) }
        }
    }
}
