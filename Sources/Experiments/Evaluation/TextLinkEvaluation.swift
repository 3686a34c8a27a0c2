import Channels
import ClinicalTextCodec
import Compression
import HealthData
import KnowledgeBase
import RawTransmission
import SemanticCodec
import TensorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The clinical-text semantic link of a knowledge base, evaluated against raw transmission of the
/// notes, the ideal digital bound and eavesdroppers, with and without semantic noise: what
/// `semcom eval --kb <text KB>` and the demo's text section run.
///
/// From a text `.semkb` it rebuilds the codec, loads the notes file the KB was trained on and takes
/// the **test notes recorded in the KB** (held-out sentence templates), then:
/// - **semantic** rows: triage accuracy of the codec for each noise spec (the injector perturbs each
///   note before the encoder, fresh draws per pass);
/// - **raw** rows: each note's UTF-8 text → zstd (level 19) **with a shared dictionary** trained on
///   the training notes (4 KiB, the digital analogue of the KB) → CRC-32C → FEC → modulation, best
///   (modulation, code) per SNR; the received text is classified by ``ClinicalTextCodec/ClinicalTextTaskModel``
///   trained on clean training notes; a failed frame predicts the majority class. The same without
///   the dictionary is in ``Output/rawWithoutDictionary``;
/// - **eavesdroppers**: the naive one decodes with another KB (default: the same architecture
///   trained on the same notes with seed + 1 for 10 epochs, to keep the evaluation short), the
///   adaptive one learns a decoder from 5 % known labels;
/// - **concept rows**: concept-set micro-F1 per (channel, SNR, noise), and the noise budget (fraction
///   of words changed, character edit distance) of each spec on the test notes; at a point where a
///   rate-adaptive KB sends with a smaller head, also for the main head (its own rows, `k` given).
///
/// A **rate-adaptive** KB (rate heads and a validation split) sends with the head its validation
/// notes choose at each (channel, SNR) (``ClinicalTextCodec/selectChannelUses(validationInputs:notes:over:repeats:using:)``;
/// never the test notes), as raw picks its modulation and code per SNR: the semantic, eavesdropper
/// and concept rows of that point use that head and its `k`; the comparison with raw is unchanged
/// (the same accuracy criterion, the same channel).
public enum TextLinkEvaluation {
    /// Concept-set scores at one point.
    public struct ConceptRow: Sendable, Hashable, Codable {
        /// Channel name.
        public var channel: String
        /// Es/N0, dB.
        public var snrDecibels: Double
        /// Noise spec.
        public var noise: String
        /// Channel uses per note of the head that sent (the rate chosen at this point).
        public var channelUsesPerSample: Int
        /// Triage accuracy (same link as the semantic row, its own draws).
        public var triageAccuracy: Double
        /// Concept-set micro-F1.
        public var conceptF1: Double
        /// Fraction of notes with the exact concept set.
        public var conceptExactMatch: Double

        enum CodingKeys: String, CodingKey {
            case channel
            case snrDecibels = "snr_db"
            case noise
            case channelUsesPerSample = "channel_uses_per_sample"
            case triageAccuracy = "triage_accuracy"
            case conceptF1 = "concept_f1"
            case conceptExactMatch = "concept_exact_match"
        }
    }

    /// The measured budget of a noise spec over the test notes.
    public struct BudgetRow: Sendable, Hashable, Codable {
        /// Noise spec.
        public var noise: String
        /// Mean fraction of words changed.
        public var wordsChangedFraction: Double
        /// Mean character edit distance.
        public var editDistance: Double

        enum CodingKeys: String, CodingKey {
            case noise
            case wordsChangedFraction = "words_changed_fraction"
            case editDistance = "edit_distance"
        }
    }

    /// The rate a rate-adaptive KB chose at one point, on its validation notes.
    public struct RateSelectionRow: Sendable, Hashable, Codable {
        /// Channel name.
        public var channel: String
        /// Es/N0, dB.
        public var snrDecibels: Double
        /// The chosen `k`.
        public var channelUsesPerSample: Int
        /// Validation triage accuracy of each head, by `k` (as strings for JSON keys).
        public var validationAccuracies: [String: Double]
        /// The margin a smaller head may lose against the best one.
        public var margin: Double
        /// Validation notes.
        public var validationNotes: Int

        init(channel: String, snrDecibels: Double, selection: ClinicalTextCodec.RateSelection) {
            self.channel = channel
            self.snrDecibels = snrDecibels
            self.channelUsesPerSample = selection.channelUses
            self.validationAccuracies = Dictionary(
                uniqueKeysWithValues: selection.validationAccuracies.map { (String($0.key), $0.value) })
            self.margin = selection.margin
            self.validationNotes = selection.validationNotes
        }

        enum CodingKeys: String, CodingKey {
            case channel
            case snrDecibels = "snr_db"
            case channelUsesPerSample = "channel_uses_per_sample"
            case validationAccuracies = "validation_accuracies"
            case margin
            case validationNotes = "validation_notes"
        }
    }

    /// What the evaluation used and measured besides the rows.
    public struct Setup: Sendable {
        /// The notes file.
        public var dataPath: String
        /// Test notes.
        public var testCount: Int
        /// Training notes.
        public var trainCount: Int
        /// Channel uses per note of the semantic codec's main head.
        public var channelUsesPerSample: Int
        /// Every `k` the codec can send with (one value for a single-rate KB).
        public var availableChannelUses: [Int]
        /// The rate chosen per point on the validation notes (empty for a single-rate KB).
        public var rateSelections: [RateSelectionRow]
        /// Where the naive eavesdropper's decoder came from.
        public var eavesdropper: String
        /// The raw task model's triage accuracy on the clean test notes.
        public var rawTaskModelCleanAccuracy: Double?
        /// Mean UTF-8 bytes per test note.
        public var meanNoteBytes: Double
        /// Mean zstd payload bytes per note without / with the shared dictionary.
        public var meanCompressedBytes: (plain: Double, dictionary: Double)?
        /// Test notes truncated to the codec's limit.
        public var truncatedCount: Int
    }

    /// Everything the evaluation produced.
    public struct Output: Sendable {
        /// Semantic, eavesdropper, raw (zstd with dictionary) and raw-ideal rows, comparisons.
        public var result: EvaluationResult
        /// The raw baseline without the dictionary (raw and raw-ideal rows only), if raw ran.
        public var rawWithoutDictionary: EvaluationResult?
        /// Concept-set scores.
        public var conceptRows: [ConceptRow]
        /// Noise budgets.
        public var budgets: [BudgetRow]
        /// The setup.
        public var setup: Setup
    }

    /// Runs the evaluation.
    /// - Parameters:
    ///   - knowledgeBase: a text knowledge base.
    ///   - noiseSpecs: the noise conditions (`none` or `name:rate,…` specs of ``ClinicalTextNoise``);
    ///     replaces `configuration.noiseConditions`.
    ///   - eavesdropperKnowledgeBase: the naive eavesdropper's KB; `nil` trains one with seed + 1.
    ///   - compareRaw: whether to run the raw baselines.
    ///   - configuration: channels, SNRs, passes, eavesdropper settings.
    ///   - rng: the generator.
    ///   - progress: progress lines.
    /// - Throws: ``ClinicalTextCodec/ClinicalTextCodecError`` for an unusable KB, notes or noise spec.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase: KnowledgeBase, noiseSpecs: [String] = ["none"], eavesdropperKnowledgeBase: KnowledgeBase? = nil,
        compareRaw: Bool = true, configuration: EvaluationConfiguration, using rng: inout G,
        progress: (String) -> Void = { _ in }
    ) throws -> Output {
        let codec = try ClinicalTextCodec(knowledgeBase: knowledgeBase)
        let split = try ClinicalTextKnowledgeBase.recordedSplit(of: knowledgeBase)
        let (trainNotes, testNotes, path) = (split.train, split.test, split.path)
        let rateAdaptive = !codec.rateHeads.isEmpty && !split.validation.isEmpty
        let encoded = try codec.inputs(for: testNotes.map(\.text))
        if !encoded.truncatedNotes.isEmpty {
            progress("warning: \(encoded.truncatedNotes.count) test notes longer than \(codec.maximumBytes) bytes truncated")
        }
        let labels = testNotes.map(\.triage.index)
        let test = LabeledBatch(inputs: encoded.bytes, labels: labels)
        var conditions: [SemanticNoiseCondition] = []
        var injectors: [(String, ClinicalTextNoise?)] = []
        for spec in noiseSpecs {
            let noise = try ClinicalTextNoise(spec: spec, lexicon: .standard)
            let name = noise.isIdentity ? "none" : spec
            injectors.append((name, noise.isIdentity ? nil : noise))
            conditions.append(
                SemanticNoiseCondition(
                    name: name, perturbations: noise.isIdentity ? [] : [ClinicalTextNoisePerturbation(noise: noise)]))
        }
        var configuration = configuration
        configuration.noiseConditions = conditions

        // Raw baselines.
        var raw: RawBaseline?
        var plainRaw: RawBaseline?
        var cleanAccuracy: Double?
        var compressed: (Double, Double)?
        if compareRaw {
            var modelRNG = Xoshiro256(seed: rng.next())
            let model = ClinicalTextTaskModel.train(notes: trainNotes, featurizer: codec.featurizer, using: &modelRNG)
            let predictions = model.classify(testNotes.map(\.text))
            cleanAccuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
            let dictionary = try Zstd.trainDictionary(samples: trainNotes.map { Array($0.text.utf8) }, capacity: 4096)
            let samples = testNotes.map { RawSample.text($0.text) }
            let classify: @Sendable (RawSample) -> Int = { sample in
                guard case .text(let text) = sample else { return model.majorityClass }
                return model.classify(text)
            }
            let withDictionary = RawSourceCoding(quantization: .adaptive(bitsPerValue: 8), compression: .zstd(level: 19, dictionary: dictionary))
            let plain = RawSourceCoding(quantization: .adaptive(bitsPerValue: 8), compression: .zstd(level: 19))
            raw = RawBaseline(samples: samples, source: withDictionary, fallbackClass: model.majorityClass, classifySample: classify)
            plainRaw = RawBaseline(samples: samples, source: plain, fallbackClass: model.majorityClass, classifySample: classify)
            let bytesWith = try samples.map { try withDictionary.encode($0).count }
            let bytesPlain = try samples.map { try plain.encode($0).count }
            compressed = (mean(bytesPlain.map(Double.init)), mean(bytesWith.map(Double.init)))
        }

        // The naive eavesdropper.
        let eavesdropper: ClinicalTextCodec
        let eavesdropperSource: String
        if let eavesdropperKnowledgeBase {
            eavesdropper = try ClinicalTextCodec(knowledgeBase: eavesdropperKnowledgeBase)
            eavesdropperSource = "knowledge base \(eavesdropperKnowledgeBase.fingerprint.hexString.prefix(16))"
        } else {
            var eve = ClinicalTextCodecConfiguration.default
            eve.seed = (knowledgeBase.manifest.provenance?.seed ?? 0) &+ 1
            eve.channelUsesPerSample = codec.channelUsesPerSample
            eve.rateHeadChannelUses = rateAdaptive ? codec.rateHeads.map(\.channelUsesPerSample) : []
            eve.evaluationSNRDecibels = [10]
            eve.evaluationNoise = []
            eve.evaluationRepeats = 1
            eve.epochs = 10
            progress("training the naive eavesdropper's own codec (seed \(eve.seed)) …")
            eavesdropper = try ClinicalTextKnowledgeBase.build(
                notes: trainNotes + testNotes, dataSHA256: "eavesdropper",
                dataSource: nil, configuration: eve
            ).report.codec
            eavesdropperSource =
                "own codec trained on the same notes with seed \(eve.seed) (10 epochs\(rateAdaptive ? " per rate head" : ""))"
        }
        func naive(_ k: Int) -> (@Sendable (Tensor<Float>) -> Tensor<Float>)? {
            eavesdropper.atChannelUses(k).map { LinkEvaluation.receiver(of: $0.triagePipeline) }
        }

        // The rate per point: the main head, or (rate-adaptive KB) the head the validation notes choose.
        var selections: [RateSelectionRow] = []
        var result: EvaluationResult
        var pointCodecs: [[ClinicalTextCodec]] = configuration.channels.map { _ in configuration.snrDecibels.map { _ in codec } }
        if rateAdaptive {
            let validation = try codec.inputs(for: split.validation.map(\.text)).bytes
            let selectionBase = Xoshiro256(seed: rng.next())
            result = EvaluationResult(
                rows: [], rawCandidates: [], comparisons: [], rawCleanAccuracy: nil, channels: configuration.channels,
                snrDecibels: configuration.snrDecibels)
            for (c, spec) in configuration.channels.enumerated() {
                for (s, snr) in configuration.snrDecibels.enumerated() {
                    var selectionRNG = selectionBase.fork(stream: UInt64(c) << 32 | UInt64(s))
                    let selection = codec.selectChannelUses(
                        validationInputs: validation, notes: split.validation, over: spec.channel(snrDecibels: snr),
                        repeats: configuration.semanticPasses, using: &selectionRNG)
                    selections.append(RateSelectionRow(channel: spec.description, snrDecibels: snr, selection: selection))
                    let chosen = codec.atChannelUses(selection.channelUses)!
                    pointCodecs[c][s] = chosen
                    progress("\(spec) \(snr) dB: the validation notes choose k = \(selection.channelUses)")
                    var point = configuration
                    point.channels = [spec]
                    point.snrDecibels = [snr]
                    let measured = try LinkEvaluation.run(
                        pipeline: chosen.triagePipeline, test: test, raw: raw, naiveEavesdropper: naive(selection.channelUses),
                        configuration: point, using: &rng, progress: progress)
                    result.rows += measured.rows
                    result.rawCandidates += measured.rawCandidates
                    result.comparisons += measured.comparisons
                    result.rawCleanAccuracy = measured.rawCleanAccuracy
                }
            }
        } else {
            result = try LinkEvaluation.run(
                pipeline: codec.triagePipeline, test: test, raw: raw, naiveEavesdropper: naive(codec.channelUsesPerSample),
                configuration: configuration, using: &rng, progress: progress)
        }
        var rawWithoutDictionary: EvaluationResult?
        if let plainRaw {
            var plainConfiguration = configuration
            plainConfiguration.noiseConditions = [.none]
            plainConfiguration.semanticPasses = 1
            plainConfiguration.adaptiveEavesdropper = nil
            progress("raw without a dictionary …")
            var plain = try LinkEvaluation.run(
                pipeline: codec.triagePipeline, test: test, raw: plainRaw, naiveEavesdropper: nil,
                configuration: plainConfiguration, using: &rng, progress: progress)
            plain.rows = plain.rows.filter { $0.scheme == .raw || $0.scheme == .rawIdeal }
            rawWithoutDictionary = plain
        }

        // Concept sets and budgets.
        var conceptRows: [ConceptRow] = []
        let base = Xoshiro256(seed: rng.next())
        for (c, spec) in configuration.channels.enumerated() {
            for (s, snr) in configuration.snrDecibels.enumerated() {
                // The head chosen for triage, and (rate-adaptive KB choosing a smaller k) the main
                // head too: the rate is chosen on triage, and the concept set may need more uses.
                var heads = [pointCodecs[c][s]]
                if pointCodecs[c][s].channelUsesPerSample != codec.channelUsesPerSample { heads.append(codec) }
                for (h, head) in heads.enumerated() {
                    for (n, (name, noise)) in injectors.enumerated() {
                        var pointRNG = base.fork(stream: UInt64(c) << 32 | UInt64(s) << 16 | UInt64(h) << 8 | UInt64(n))
                        let evaluation = head.evaluate(
                            encoded.bytes, notes: testNotes, over: spec.channel(snrDecibels: snr),
                            repeats: configuration.semanticPasses,
                            perturbations: noise.map { [ClinicalTextNoisePerturbation(noise: $0)] } ?? [], using: &pointRNG)
                        conceptRows.append(
                            ConceptRow(
                                channel: spec.description, snrDecibels: snr, noise: name,
                                channelUsesPerSample: head.channelUsesPerSample,
                                triageAccuracy: evaluation.triageAccuracy, conceptF1: evaluation.conceptF1,
                                conceptExactMatch: evaluation.conceptExactMatch))
                    }
                }
            }
        }
        var budgets: [BudgetRow] = []
        for (n, (name, noise)) in injectors.enumerated() {
            guard let noise else { continue }
            var budgetRNG = base.fork(stream: 1 << 48 | UInt64(n))
            let measured = testNotes.map { noise.perturb($0.text, using: &budgetRNG).budget }
            budgets.append(
                BudgetRow(
                    noise: name, wordsChangedFraction: mean(measured.map(\.wordsChangedFraction)),
                    editDistance: mean(measured.map { Double($0.editDistance) })))
        }
        return Output(
            result: result, rawWithoutDictionary: rawWithoutDictionary, conceptRows: conceptRows, budgets: budgets,
            setup: Setup(
                dataPath: path, testCount: testNotes.count, trainCount: trainNotes.count,
                channelUsesPerSample: codec.channelUsesPerSample,
                availableChannelUses: rateAdaptive ? codec.availableChannelUses : [codec.channelUsesPerSample],
                rateSelections: selections, eavesdropper: eavesdropperSource,
                rawTaskModelCleanAccuracy: cleanAccuracy,
                meanNoteBytes: mean(testNotes.map { Double($0.text.utf8.count) }),
                meanCompressedBytes: compressed.map { (plain: $0.0, dictionary: $0.1) },
                truncatedCount: encoded.truncatedNotes.count))
    }

    /// The text of the evaluation: the link table, raw without dictionary, concept F1 and budgets.
    public static func render(_ output: Output) -> String {
        let s = output.setup
        var lines: [String] = []
        if s.rateSelections.isEmpty {
            lines.append(
                "data: \(s.dataPath) — \(s.testCount) test notes (held-out templates); semantic codec: \(s.channelUsesPerSample) channel uses per note")
        } else {
            lines.append(
                "data: \(s.dataPath) — \(s.testCount) test notes (held-out templates); rate-adaptive semantic codec: k = \(s.availableChannelUses.map(String.init).joined(separator: ", ")) channel uses per note, chosen per point on \(s.rateSelections[0].validationNotes) validation notes (fewest uses within one binomial standard error of the best head; never the test notes)")
            for r in s.rateSelections {
                let accuracies = r.validationAccuracies.keys.compactMap(Int.init).sorted()
                    .map { "k \($0) \(fixed(r.validationAccuracies[String($0)]!))" }.joined(separator: ", ")
                lines.append(
                    "  \(r.channel) \(fixed(r.snrDecibels, 1)) dB: k = \(r.channelUsesPerSample) (validation accuracy \(accuracies); margin \(fixed(r.margin)))")
            }
        }
        if let clean = s.rawTaskModelCleanAccuracy {
            lines.append("raw task model (trained on \(s.trainCount) clean notes): triage accuracy \(fixed(clean)) on clean test notes")
        }
        if let c = s.meanCompressedBytes {
            lines.append(
                "raw payload per note: \(fixed(s.meanNoteBytes, 1)) UTF-8 bytes → zstd \(fixed(c.plain, 1)) bytes, with the shared 4 KiB dictionary \(fixed(c.dictionary, 1)) bytes")
        }
        lines.append("naive eavesdropper: \(s.eavesdropper)")
        if s.truncatedCount > 0 { lines.append("warning: \(s.truncatedCount) notes truncated to the codec's limit") }
        lines.append("")
        lines.append("triage (raw = zstd with dictionary)")
        lines.append(EvaluationTable.render(output.result))
        if let plain = output.rawWithoutDictionary {
            lines.append("")
            lines.append("raw without dictionary")
            lines.append("scheme      channel  SNR dB  uses/note  accuracy  modulation/code")
            for row in plain.rows {
                lines.append(
                    "\(row.scheme.rawValue.rightPadded(10))  \(row.channel.rightPadded(7))  \(fixed(row.snrDecibels, 1).leftPadded(6))  \(fixed(row.channelUsesPerSample, 1).leftPadded(9))  \(fixed(row.accuracy))     \(row.modulation ?? "")/\(row.code ?? "")"
                )
            }
        }
        lines.append("")
        lines.append("concept set (semantic link)")
        lines.append("channel  SNR dB   k  noise                        triage  concept F1  exact set")
        for row in output.conceptRows {
            lines.append(
                "\(row.channel.rightPadded(7))  \(fixed(row.snrDecibels, 1).leftPadded(6))  \(String(row.channelUsesPerSample).leftPadded(2))  \(row.noise.rightPadded(27))  \(fixed(row.triageAccuracy))   \(fixed(row.conceptF1))       \(fixed(row.conceptExactMatch))"
            )
        }
        if !output.budgets.isEmpty {
            lines.append("")
            lines.append("noise budget on the test notes")
            for b in output.budgets {
                lines.append(
                    "  \(b.noise): \(fixed(b.wordsChangedFraction)) of words changed, \(fixed(b.editDistance, 1)) character edits per note")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON document: `command`, `seed`, `inputs`, `rows` (semantic, eavesdroppers, raw with
    /// dictionary, raw-ideal), `raw_without_dictionary`, `comparison`, `concept_rows`, `noise_budgets`.
    public static func writeJSON(_ output: Output, to path: String, seed: UInt64, inputs: [String: String]) throws {
        struct Document: Encodable {
            var command = "eval"
            var seed: UInt64
            var inputs: [String: String]
            var rows: [EvaluationRow]
            var rawWithoutDictionary: [EvaluationRow]
            var comparison: [EvaluationComparison]
            var conceptRows: [ConceptRow]
            var noiseBudgets: [BudgetRow]
            var rateSelections: [RateSelectionRow]

            enum CodingKeys: String, CodingKey {
                case command, seed, inputs, rows, comparison
                case rawWithoutDictionary = "raw_without_dictionary"
                case conceptRows = "concept_rows"
                case noiseBudgets = "noise_budgets"
                case rateSelections = "rate_selections"
            }
        }
        let document = Document(
            seed: seed, inputs: inputs, rows: output.result.rows,
            rawWithoutDictionary: output.rawWithoutDictionary?.rows ?? [], comparison: output.result.comparisons,
            conceptRows: output.conceptRows, noiseBudgets: output.budgets, rateSelections: output.setup.rateSelections)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(document).write(to: URL(fileURLWithPath: path))
    }
}

private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

private func fixed(_ value: Double, _ decimals: Int = 3) -> String { formatFixed(value, decimals: decimals) }

extension String {
    /// The string followed by spaces up to `width` characters.
    func rightPadded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Spaces followed by the string up to `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
