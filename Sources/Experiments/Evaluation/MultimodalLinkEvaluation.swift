import Channels
import Compression
import HealthData
import KnowledgeBase
import MultimodalCodec
import RawTransmission
import SemanticCodec
import TensorCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The multi-modal record link of a knowledge base (``MultimodalCodec``): the fused codec under
/// modality corruptions, against its table-only and note-only codecs, raw transmission and
/// eavesdroppers — what `semcom eval --kb <multimodal KB>` runs.
///
/// From a multi-modal `.semkb` it rebuilds the codec, regenerates the records the KB was trained on
/// (checked against the recorded hash) and takes the **recorded test split**, then:
/// - **fused** rows (scheme `semantic`, one per condition): `none`; `note-noise` — every note
///   replaced by random text; `table-missing` — every table field missing; `note-missing`;
/// - **head** rows: the table-only and note-only codecs (same `k`, same training) on clean records;
/// - **acceptance** rows: fused with the note replaced by noise against the table-only codec, and
///   fused with the table missing against the note-only codec (the issue's margin 0.01);
/// - **raw** rows: each record's text form (``HealthData/HealthRecord/serialized``: fields, then the
///   note) → zstd (level 19) with a 4 KiB dictionary trained on the training records → CRC-32C →
///   FEC → modulation, best per SNR; the received record is classified by the fused networks
///   without a channel (as strong as the semantic decoder on clean data); a failed frame predicts
///   the training majority class;
/// - **eavesdroppers**: the adaptive one (5 % known labels) always; the naive one when another KB
///   is given.
public enum MultimodalLinkEvaluation {
    /// One head at one point.
    public struct HeadRow: Sendable, Hashable, Codable {
        /// `fused`, `table-only` or `note-only`.
        public var head: String
        /// `none` or a ``MultimodalCodec/ModalityCorruptionKind``.
        public var condition: String
        /// Channel name.
        public var channel: String
        /// Es/N0, dB.
        public var snrDecibels: Double
        /// Complex channel uses per record.
        public var channelUsesPerSample: Double
        /// Accuracy over records × passes.
        public var accuracy: Double
        /// Balanced accuracy.
        public var balancedAccuracy: Double
        /// Transmissions measured.
        public var samples: Int

        enum CodingKeys: String, CodingKey {
            case head, condition, channel
            case snrDecibels = "snr_db"
            case channelUsesPerSample = "channel_uses_per_sample"
            case accuracy
            case balancedAccuracy = "balanced_accuracy"
            case samples
        }
    }

    /// One acceptance check at one point: `fused ≥ reference − margin`.
    public struct AcceptanceRow: Sendable, Hashable, Codable {
        /// What is compared, e.g. `fused[note-noise] vs table-only`.
        public var check: String
        /// Channel name.
        public var channel: String
        /// Es/N0, dB.
        public var snrDecibels: Double
        /// The fused codec's accuracy under the corruption.
        public var fusedAccuracy: Double
        /// The single-modality codec's accuracy on clean records.
        public var referenceAccuracy: Double
        /// The allowed shortfall (0.01).
        public var margin: Double
        /// Whether `fused ≥ reference − margin`.
        public var met: Bool

        enum CodingKeys: String, CodingKey {
            case check, channel
            case snrDecibels = "snr_db"
            case fusedAccuracy = "fused_accuracy"
            case referenceAccuracy = "reference_accuracy"
            case margin, met
        }
    }

    /// What the evaluation used besides the rows.
    public struct Setup: Sendable {
        /// Test records.
        public var testCount: Int
        /// Training records.
        public var trainCount: Int
        /// `k` of the heads.
        public var channelUsesPerSample: Int
        /// The raw task model's accuracy on the clean test records.
        public var rawCleanAccuracy: Double?
        /// Mean bytes of a record's text form, and its zstd payload with the shared dictionary.
        public var meanRecordBytes: Double
        /// Mean zstd-with-dictionary payload bytes per record.
        public var meanCompressedBytes: Double?
        /// Where the naive eavesdropper's decoder came from (`nil`: not run).
        public var eavesdropper: String?
    }

    /// Everything the evaluation produced.
    public struct Output: Sendable {
        /// The fused link (conditions), raw, raw-ideal and eavesdropper rows, and comparisons.
        public var result: EvaluationResult
        /// Per-head rows (fused per condition, table-only, note-only).
        public var headRows: [HeadRow]
        /// The acceptance checks.
        public var acceptance: [AcceptanceRow]
        /// The setup.
        public var setup: Setup
    }

    /// The corruptions measured on the fused codec besides `none`.
    public static let conditions: [ModalityCorruptionKind] = [.noteNoise, .tableMissing, .noteMissing]

    /// Runs the evaluation.
    /// - Parameters:
    ///   - knowledgeBase: a multi-modal knowledge base.
    ///   - eavesdropperKnowledgeBase: the naive eavesdropper's KB (another multi-modal KB), or `nil`
    ///     to skip the naive eavesdropper.
    ///   - compareRaw: whether to run the raw baseline.
    ///   - configuration: channels, SNRs, passes (its noise conditions are replaced by ``conditions``).
    ///   - rng: the generator.
    ///   - progress: progress lines.
    /// - Throws: `MultimodalCodecError` for an unusable KB, `RawTransmissionError` for a record the
    ///   raw path cannot encode.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase: KnowledgeBase, eavesdropperKnowledgeBase: KnowledgeBase? = nil, compareRaw: Bool = true,
        configuration: EvaluationConfiguration, using rng: inout G, progress: (String) -> Void = { _ in }
    ) throws -> Output {
        let codec = try MultimodalCodec(knowledgeBase: knowledgeBase)
        let (trainRecords, testRecords) = try MultimodalKnowledgeBase.recordedRecords(of: knowledgeBase)
        let labels = testRecords.map { $0.label ?? 0 }
        let test = LabeledBatch(inputs: try codec.featurizer.features(of: testRecords), labels: labels)
        var configuration = configuration
        configuration.noiseConditions =
            [.none]
            + conditions.map {
                SemanticNoiseCondition(name: $0.rawValue, perturbations: [ModalityCorruption($0, featurizer: codec.featurizer)])
            }

        var raw: RawBaseline?
        var rawClean: Double?
        var compressedBytes: Double?
        if compareRaw {
            let trainLabels = trainRecords.map { $0.label ?? 0 }
            let majority = trainLabels.filter { $0 == 1 }.count * 2 > trainLabels.count ? 1 : 0
            let dictionary = try Zstd.trainDictionary(samples: trainRecords.map { Array($0.serialized.utf8) }, capacity: 4096)
            let source = RawSourceCoding(
                quantization: .adaptive(bitsPerValue: 8), compression: .zstd(level: 19, dictionary: dictionary))
            let fieldCount = codec.fieldNames.count
            let classify: @Sendable (RawSample) -> Int = { sample in
                guard case .text(let text) = sample, let record = try? HealthRecord(serialized: text, fieldCount: fieldCount),
                    let x = try? codec.featurizer.features(of: [record])
                else { return majority }
                return codec.classifyNoiseless(x)[0]
            }
            let samples = testRecords.map { RawSample.text($0.serialized) }
            raw = RawBaseline(samples: samples, source: source, fallbackClass: majority, classifySample: classify)
            let predictions = codec.classifyNoiseless(test.inputs)
            rawClean = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
            compressedBytes = mean(try samples.map { Double(try source.encode($0).count) })
        }

        var naive: (@Sendable (Tensor<Float>) -> Tensor<Float>)?
        var eavesdropperSource: String?
        if let eavesdropperKnowledgeBase {
            let eve = try MultimodalCodec(knowledgeBase: eavesdropperKnowledgeBase)
            if eve.channelUsesPerSample == codec.channelUsesPerSample {
                naive = LinkEvaluation.receiver(of: eve.fused.pipeline)
                eavesdropperSource = "knowledge base \(eavesdropperKnowledgeBase.fingerprint.hexString.prefix(16))"
            }
        }
        let result = try LinkEvaluation.run(
            pipeline: codec.fused.pipeline, test: test, raw: raw, naiveEavesdropper: naive, configuration: configuration,
            using: &rng, progress: progress)

        var headRows = result.rows.filter { $0.scheme == .semantic }.map {
            HeadRow(
                head: "fused", condition: $0.noise, channel: $0.channel, snrDecibels: $0.snrDecibels,
                channelUsesPerSample: $0.channelUsesPerSample, accuracy: $0.accuracy, balancedAccuracy: $0.balancedAccuracy,
                samples: $0.samples)
        }
        var acceptance: [AcceptanceRow] = []
        let base = Xoshiro256(seed: rng.next())
        for (c, spec) in configuration.channels.enumerated() {
            for (s, snr) in configuration.snrDecibels.enumerated() {
                var single: [String: Double] = [:]
                for (h, inputs) in [MultimodalInputs.table, .note].enumerated() {
                    guard let head = codec.head(inputs) else { continue }
                    var headRNG = base.fork(stream: UInt64(c) << 32 | UInt64(s) << 8 | UInt64(h))
                    let measured = try LinkEvaluation.runSemantic(
                        pipeline: head.pipeline, test: test, channel: spec.channel(snrDecibels: snr), naive: nil, adaptive: nil,
                        passes: configuration.semanticPasses, batchSize: configuration.batchSize,
                        classCount: codec.labelNames.count, using: &headRNG
                    ).legitimate
                    single[head.name] = measured.accuracy
                    headRows.append(
                        HeadRow(
                            head: head.name, condition: "none", channel: spec.description, snrDecibels: snr,
                            channelUsesPerSample: Double(head.pipeline.channelUsesPerSample), accuracy: measured.accuracy,
                            balancedAccuracy: measured.balancedAccuracy, samples: measured.samples))
                }
                func fused(_ condition: ModalityCorruptionKind) -> Double? {
                    headRows.first { $0.head == "fused" && $0.condition == condition.rawValue && $0.channel == spec.description && $0.snrDecibels == snr }?.accuracy
                }
                for (condition, reference) in [(ModalityCorruptionKind.noteNoise, "table-only"), (.tableMissing, "note-only")] {
                    guard let f = fused(condition), let r = single[reference] else { continue }
                    acceptance.append(
                        AcceptanceRow(
                            check: "fused[\(condition.rawValue)] vs \(reference)", channel: spec.description, snrDecibels: snr,
                            fusedAccuracy: f, referenceAccuracy: r, margin: 0.01, met: f >= r - 0.01 - 1e-12))
                }
            }
        }
        return Output(
            result: result, headRows: headRows, acceptance: acceptance,
            setup: Setup(
                testCount: testRecords.count, trainCount: trainRecords.count, channelUsesPerSample: codec.channelUsesPerSample,
                rawCleanAccuracy: rawClean, meanRecordBytes: mean(testRecords.map { Double($0.serialized.utf8.count) }),
                meanCompressedBytes: compressedBytes, eavesdropper: eavesdropperSource))
    }

    /// The text of the evaluation: the link table, the heads and the acceptance checks.
    public static func render(_ output: Output) -> String {
        let s = output.setup
        var lines = [
            "data: embedded BCWD with generated cytology reports — \(s.testCount) test records (\(s.trainCount) train); every head: \(s.channelUsesPerSample) channel uses per record"
        ]
        if let clean = s.rawCleanAccuracy, let bytes = s.meanCompressedBytes {
            lines.append(
                "raw: \(formatFixed(s.meanRecordBytes, decimals: 1)) bytes per record (fields + note) → zstd with the shared 4 KiB dictionary \(formatFixed(bytes, decimals: 1)) bytes; task model (fused networks, no channel) \(formatFixed(clean, decimals: 3)) on clean test records")
        }
        if s.eavesdropper == nil { lines.append("naive eavesdropper: not run (pass --eavesdropper-kb)") }
        lines.append("")
        lines.append("fused link (noise = modality corruption)")
        lines.append(EvaluationTable.render(output.result))
        lines.append("")
        lines.append("heads")
        lines.append("head        condition      channel  SNR dB  uses  accuracy  balanced")
        for r in output.headRows {
            lines.append(
                "\(r.head.rightPadded(10))  \(r.condition.rightPadded(13))  \(r.channel.rightPadded(7))  \(formatFixed(r.snrDecibels, decimals: 1).leftPadded(6))  \(formatFixed(r.channelUsesPerSample, decimals: 0).leftPadded(4))  \(formatFixed(r.accuracy, decimals: 3))     \(formatFixed(r.balancedAccuracy, decimals: 3))")
        }
        lines.append("")
        lines.append("acceptance: fused under corruption ≥ single-modality codec − 0.01")
        for a in output.acceptance {
            lines.append(
                "  \(a.check.rightPadded(36)) \(a.channel) \(formatFixed(a.snrDecibels, decimals: 1).leftPadded(5)) dB: \(formatFixed(a.fusedAccuracy, decimals: 3)) vs \(formatFixed(a.referenceAccuracy, decimals: 3)) → \(a.met ? "met" : "NOT met")")
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON document: `command`, `seed`, `inputs`, `rows`, `comparison`, `head_rows`, `acceptance`.
    public static func writeJSON(_ output: Output, to path: String, seed: UInt64, inputs: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Document(output: output, seed: seed, inputs: inputs)).write(to: URL(fileURLWithPath: path))
    }

    /// The result document, encoded key by key.
    private struct Document: Encodable {
        let output: Output
        let seed: UInt64
        let inputs: [String: String]

        private enum Key: String, CodingKey {
            case command, seed, inputs, rows, comparison, acceptance
            case headRows = "head_rows"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode("eval", forKey: .command)
            try container.encode(seed, forKey: .seed)
            try container.encode(inputs, forKey: .inputs)
            try container.encode(output.result.rows, forKey: .rows)
            try container.encode(output.result.comparisons, forKey: .comparison)
            try container.encode(output.headRows, forKey: .headRows)
            try container.encode(output.acceptance, forKey: .acceptance)
        }
    }
}

private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
