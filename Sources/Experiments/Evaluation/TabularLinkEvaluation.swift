import HealthData
import KnowledgeBase
import NeuralNet
import RawTransmission
import SemanticCodec
import TabularCodec
import TensorCore

/// The tabular semantic link of a knowledge base, evaluated against raw transmission, the ideal
/// digital bound and eavesdroppers: what `semcom eval --kb …` and the demo run.
///
/// From a tabular `.semkb` it rebuilds the codec, loads the data the KB was trained on (or the
/// file given instead), takes the **test split recorded in the KB** (or every record of a file
/// given with `dataPath`), and assembles:
/// - the **raw baseline**: every record quantized exactly (integer-valued fields spanning at most
///   16 values use 4-bit cells centred on the integers; otherwise 8 bits over the schema's range),
///   CRC-32C, FEC and modulation from `DigitalScheme.standardCandidates`; received records are
///   classified by the task model that ``RawTaskModelSelection`` picks on the KB's **validation
///   split** among classifiers of clean records — the semantic codec's own networks without a
///   channel, an MLP and a logistic regression fitted on the clean training records — so raw is
///   as strong as the semantic decoder on clean data; a failed frame predicts the training
///   majority class;
/// - the **naive eavesdropper**: the decoder of another KB (`eavesdropperKnowledgeBase`), or, by
///   default, of a KB trained on the same data and split with seed + 1;
/// - the **adaptive eavesdropper** of ``EvaluationConfiguration`` (5 % known labels).
public enum TabularLinkEvaluation {
    /// What the evaluation used, for the result document and the report.
    public struct Setup: Sendable {
        /// The data file the records came from.
        public var dataPath: String
        /// Test records.
        public var testCount: Int
        /// Training records the raw task models were fitted on (the KB's training split without its
        /// validation records).
        public var trainCount: Int
        /// Channel uses per record of the semantic codec.
        public var channelUsesPerSample: Int
        /// Where the naive eavesdropper's decoder came from.
        public var eavesdropper: String
        /// The raw task model's accuracy on the clean test records.
        public var rawTaskModelCleanAccuracy: Double?
        /// Which raw task model was chosen and why (validation accuracies of the candidates).
        public var rawTaskModel: String?
        /// The semantic link's accuracy on the clean test records (no channel): what the raw task
        /// model is matched against.
        public var semanticCleanAccuracy: Double
        /// The rate table's rule and choices, if the KB has one.
        public var rateTable: TabularRateTable?
    }

    /// Runs the evaluation.
    /// - Parameters:
    ///   - knowledgeBase: a tabular knowledge base.
    ///   - dataPath: a CSV in the KB's schema to test on (all its records); `nil` uses the data
    ///     file recorded in the KB and its recorded test split.
    ///   - trainingDataPath: the CSV the KB was trained on (its recorded split and the raw task
    ///     model come from it); `nil` reads the data source its provenance records, relative to the
    ///     current directory.
    ///   - eavesdropperKnowledgeBase: the naive eavesdropper's KB; `nil` trains one with seed + 1.
    ///   - compareRaw: whether to run the raw baseline and the ideal bound.
    ///   - configuration: channels, SNRs, passes, eavesdropper settings.
    ///   - rng: the generator.
    ///   - progress: progress lines.
    /// - Returns: the result — per channel, the `semantic` rows of the KB's fixed-`k` codec (over
    ///   `rayleigh-nocsi`, its non-coherent head), `semantic-adaptive` rows (the `k` the KB's rate
    ///   table picks for `awgn` and `rayleigh` at each SNR), eavesdroppers (against the fixed-`k`
    ///   link), raw and raw-ideal, and the comparisons of both semantic schemes with raw.
    /// - Throws: `TabularCodecError` for unreadable data or an unusable KB, `RawTransmissionError`
    ///   for a record the raw path cannot encode.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase: KnowledgeBase, dataPath: String? = nil, trainingDataPath: String? = nil,
        eavesdropperKnowledgeBase: KnowledgeBase? = nil,
        compareRaw: Bool = true, configuration: EvaluationConfiguration, using rng: inout G,
        progress: (String) -> Void = { _ in }
    ) throws -> (result: EvaluationResult, setup: Setup) {
        let codec = try TabularCodec(knowledgeBase: knowledgeBase)
        guard let trainingPath = trainingDataPath ?? knowledgeBase.manifest.provenance?.dataSource else {
            throw TabularCodecError(
                code: .missingSection, message: "the knowledge base records no data source (provenance.data_source)",
                section: "manifest")
        }
        let trainingData = try TabularDataset.load(contentsOfFile: trainingPath, schema: codec.schema)
        let split = try TabularKnowledgeBase.recordedSplit(of: knowledgeBase, recordCount: trainingData.count)
        let validationRows = try TabularKnowledgeBase.recordedValidationIndices(
            of: knowledgeBase, recordCount: trainingData.count)
        let validationSet = Set(validationRows)
        let fitRows = split.trainIndices.filter { !validationSet.contains($0) }
        let testData: TabularDataset
        let testPath: String
        if let dataPath {
            testData = try TabularDataset.load(contentsOfFile: dataPath, schema: codec.schema)
            testPath = dataPath
        } else {
            testData = try TabularKnowledgeBase.recordedTestSet(of: knowledgeBase, dataPath: trainingPath)
            testPath = trainingPath
        }
        let test = LabeledBatch(inputs: codec.inputs(for: testData), labels: testData.labels)
        let semanticClean = Metrics.accuracy(
            predictions: SemanticNetworkClassifier(codec: codec).predict(test.inputs), labels: test.labels)

        var raw: RawBaseline?
        var cleanAccuracy: Double?
        var rawChoice: String?
        if compareRaw {
            let (quantizer, scale) = rawQuantizer(
                codec.schema, records: split.trainIndices.map { record(trainingData, $0) })
            var modelRNG = Xoshiro256(seed: rng.next())
            let model = RawTaskModelSelection.choose(
                codec: codec, trainingData: trainingData, fitRows: fitRows, validationRows: validationRows,
                inputScale: scale, using: &modelRNG)
            rawChoice = model.description
            let testRecords = (0..<testData.count).map { record(testData, $0) }
            let correct = zip(testRecords, testData.labels).filter { model.classify($0) == $1 }.count
            cleanAccuracy = Double(correct) / Double(testData.count)
            raw = RawBaseline(
                records: testRecords, source: RawSourceCoding(quantization: .fixed(quantizer)),
                fallbackClass: model.majorityClass, classify: model.classify)
        }

        let eavesdropperCodec: TabularCodec
        let eavesdropperSource: String
        if let eavesdropperKnowledgeBase {
            eavesdropperCodec = try TabularCodec(knowledgeBase: eavesdropperKnowledgeBase)
            eavesdropperSource = "knowledge base \(eavesdropperKnowledgeBase.fingerprint.hexString.prefix(16))"
        } else {
            var eveConfiguration = TabularCodecConfiguration.default
            eveConfiguration.seed = (knowledgeBase.manifest.provenance?.seed ?? 0) &+ 1
            eveConfiguration.channelUsesPerSample = codec.channelUsesPerSample
            eveConfiguration.adaptiveChannelUses = []
            eveConfiguration.noncoherentChannelUses = codec.noncoherentHead?.channelUsesPerSample
            eveConfiguration.evaluationSNRDecibels = [10]
            eveConfiguration.evaluationRepeats = 1
            progress("training the naive eavesdropper's own codec (seed \(eveConfiguration.seed)) …")
            eavesdropperCodec = try TabularKnowledgeBase.build(
                dataset: trainingData, dataSHA256: "eavesdropper", dataSource: nil, configuration: eveConfiguration
            ).report.codec
            eavesdropperSource = "own codec trained on the same data with seed \(eveConfiguration.seed)"
        }

        let base = Xoshiro256(seed: rng.next())
        var rows: [EvaluationRow] = []
        var candidates: [EvaluationRow] = []
        var comparisons: [EvaluationComparison] = []
        for (c, spec) in configuration.channels.enumerated() {
            var single = configuration
            single.channels = [spec]
            let noncoherent = spec.kind == .rayleighNoCSI
            let pipeline = noncoherent ? (codec.noncoherentHead?.pipeline ?? codec.pipeline) : codec.pipeline
            let evePipeline =
                noncoherent ? (eavesdropperCodec.noncoherentHead?.pipeline ?? eavesdropperCodec.pipeline)
                : eavesdropperCodec.pipeline
            let naive: (@Sendable (Tensor<Float>) -> Tensor<Float>)? =
                evePipeline.channelUsesPerSample == pipeline.channelUsesPerSample
                ? LinkEvaluation.receiver(of: evePipeline) : nil
            var channelRNG = base.fork(stream: UInt64(c))
            let fixed = try LinkEvaluation.run(
                pipeline: pipeline, test: test, raw: raw, naiveEavesdropper: naive, configuration: single,
                using: &channelRNG, progress: progress)
            candidates += fixed.rawCandidates
            comparisons += fixed.comparisons
            let tableChannel: String? = spec.kind == .awgn ? "awgn" : spec.kind == .rayleigh ? "rayleigh" : nil
            for (s, snr) in configuration.snrDecibels.enumerated() {
                let here = fixed.rows.filter { $0.snrDecibels == snr }
                let semanticRows = here.filter { $0.scheme != .raw && $0.scheme != .rawIdeal }
                rows += semanticRows
                guard let tableChannel, coherentSpec(spec),
                    let k = codec.rateTable?.channelUses(channel: tableChannel, snrDecibels: snr),
                    let adaptivePipeline = codec.coherentPipeline(channelUses: k)
                else {
                    rows += here.filter { $0.scheme == .raw || $0.scheme == .rawIdeal }
                    continue
                }
                let channel = spec.channel(snrDecibels: snr)
                for (n, condition) in configuration.noiseConditions.enumerated() {
                    var adaptiveRNG = base.fork(stream: UInt64(c) << 32 | UInt64(s) << 8 | UInt64(n) << 20 | 0xA)
                    var perturbed = adaptivePipeline
                    perturbed.perturbations += condition.perturbations
                    let measured = try LinkEvaluation.runSemantic(
                        pipeline: perturbed, test: test, channel: channel, naive: nil, adaptive: nil,
                        passes: configuration.semanticPasses, batchSize: configuration.batchSize,
                        classCount: codec.labelNames.count, using: &adaptiveRNG
                    ).legitimate
                    rows.append(
                        EvaluationRow(
                            scheme: .semanticAdaptive, channel: spec.description, snrDecibels: snr,
                            noise: condition.name, channelUsesPerSample: Double(k), accuracy: measured.accuracy,
                            balancedAccuracy: measured.balancedAccuracy, samples: measured.samples))
                    progress(
                        "\(spec) \(snr) dB: semantic-adaptive[\(condition.name)] k = \(k) "
                            + formatFixed(measured.accuracy, decimals: 3))
                    if let cleanAccuracy {
                        comparisons.append(
                            LinkEvaluation.compare(
                                semantic: measured.accuracy, channelUses: Double(k),
                                candidates: fixed.rawCandidates.filter { $0.snrDecibels == snr },
                                tolerance: configuration.accuracyTolerance, records: test.count, spec: spec, snr: snr,
                                noise: condition.name, rawCleanAccuracy: cleanAccuracy, scheme: .semanticAdaptive))
                    }
                }
                rows += here.filter { $0.scheme == .raw || $0.scheme == .rawIdeal }
            }
        }
        let result = EvaluationResult(
            rows: rows, rawCandidates: candidates, comparisons: comparisons, rawCleanAccuracy: cleanAccuracy,
            channels: configuration.channels, snrDecibels: configuration.snrDecibels)
        return (
            result,
            Setup(
                dataPath: testPath, testCount: testData.count, trainCount: fitRows.count,
                channelUsesPerSample: codec.channelUsesPerSample, eavesdropper: eavesdropperSource,
                rawTaskModelCleanAccuracy: cleanAccuracy, rawTaskModel: rawChoice,
                semanticCleanAccuracy: semanticClean, rateTable: codec.rateTable)
        )
    }

    /// Whether the KB's coherent heads apply: AWGN and fading with CSI (the rate table covers
    /// `awgn` and `rayleigh` with one coefficient per record).
    static func coherentSpec(_ spec: ChannelSpec) -> Bool {
        spec.kind == .awgn || (spec.kind == .rayleigh && spec.coherenceSymbols == nil)
    }

    /// One record's feature values in source units (a missing value is sent as NaN, which the
    /// quantizer maps to its lowest cell).
    static func record(_ data: TabularDataset, _ row: Int) -> [Double] {
        data.values[row].map { $0 ?? .nan }
    }

    /// The raw path's quantizer and the task model's input scale for a schema.
    static func rawQuantizer(_ schema: TableSchema, records: [[Double]]) -> (UniformQuantizer, Double) {
        let finite = records.flatMap { $0 }.filter(\.isFinite)
        let low = finite.min() ?? 0
        let high = finite.max() ?? 1
        let scale = 1 / Swift.max(Swift.abs(low), Swift.abs(high), 1e-12)
        if finite.allSatisfy({ $0 == $0.rounded() }) && high - low < 16 {
            return (UniformQuantizer(bitsPerValue: 4, lowerBound: low - 0.5, upperBound: low - 0.5 + 16), scale)
        }
        return (UniformQuantizer(bitsPerValue: 8, lowerBound: low, upperBound: high > low ? high : low + 1), scale)
    }
}
