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
///   classified by a task model (``RawTaskModel``, a small MLP) trained on the **clean training
///   split**; a failed frame predicts the training majority class;
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
        /// Training records (for the raw task model).
        public var trainCount: Int
        /// Channel uses per record of the semantic codec.
        public var channelUsesPerSample: Int
        /// Where the naive eavesdropper's decoder came from.
        public var eavesdropper: String
        /// The raw task model's accuracy on the clean test records.
        public var rawTaskModelCleanAccuracy: Double?
    }

    /// Runs the evaluation.
    /// - Parameters:
    ///   - knowledgeBase: a tabular knowledge base.
    ///   - dataPath: a CSV in the KB's schema to test on (all its records); `nil` uses the data
    ///     file recorded in the KB and its recorded test split.
    ///   - eavesdropperKnowledgeBase: the naive eavesdropper's KB; `nil` trains one with seed + 1.
    ///   - compareRaw: whether to run the raw baseline and the ideal bound.
    ///   - configuration: channels, SNRs, passes, eavesdropper settings.
    ///   - rng: the generator.
    ///   - progress: progress lines.
    /// - Throws: `TabularCodecError` for unreadable data or an unusable KB, `RawTransmissionError`
    ///   for a record the raw path cannot encode.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase: KnowledgeBase, dataPath: String? = nil, eavesdropperKnowledgeBase: KnowledgeBase? = nil,
        compareRaw: Bool = true, configuration: EvaluationConfiguration, using rng: inout G,
        progress: (String) -> Void = { _ in }
    ) throws -> (result: EvaluationResult, setup: Setup) {
        let codec = try TabularCodec(knowledgeBase: knowledgeBase)
        guard let trainingPath = knowledgeBase.manifest.provenance?.dataSource else {
            throw TabularCodecError(
                code: .missingSection, message: "the knowledge base records no data source (provenance.data_source)",
                section: "manifest")
        }
        let trainingData = try TabularDataset.load(contentsOfFile: trainingPath, schema: codec.schema)
        let split = try TabularKnowledgeBase.recordedSplit(of: knowledgeBase, recordCount: trainingData.count)
        let testData: TabularDataset
        let testPath: String
        if let dataPath {
            testData = try TabularDataset.load(contentsOfFile: dataPath, schema: codec.schema)
            testPath = dataPath
        } else {
            testData = try TabularKnowledgeBase.recordedTestSet(of: knowledgeBase)
            testPath = trainingPath
        }
        let test = LabeledBatch(inputs: codec.inputs(for: testData), labels: testData.labels)

        var raw: RawBaseline?
        var cleanAccuracy: Double?
        if compareRaw {
            let trainRecords = split.trainIndices.map { record(trainingData, $0) }
            let trainLabels = split.trainIndices.map { trainingData.labels[$0] }
            let (quantizer, scale) = rawQuantizer(codec.schema, records: trainRecords)
            var modelRNG = Xoshiro256(seed: rng.next())
            let model = RawTaskModel.train(
                records: trainRecords, labels: trainLabels, inputScale: scale, using: &modelRNG)
            let testRecords = (0..<testData.count).map { record(testData, $0) }
            let correct = zip(testRecords, testData.labels).filter { model.predict($0) == $1 }.count
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
            eveConfiguration.evaluationSNRDecibels = [10]
            eveConfiguration.evaluationRepeats = 1
            progress("training the naive eavesdropper's own codec (seed \(eveConfiguration.seed)) …")
            eavesdropperCodec = try TabularKnowledgeBase.build(
                dataset: trainingData, dataSHA256: "eavesdropper", dataSource: nil, configuration: eveConfiguration
            ).report.codec
            eavesdropperSource = "own codec trained on the same data with seed \(eveConfiguration.seed)"
        }
        let naive: (@Sendable (Tensor<Float>) -> Tensor<Float>)? =
            eavesdropperCodec.channelUsesPerSample == codec.channelUsesPerSample
            ? LinkEvaluation.receiver(of: eavesdropperCodec.pipeline) : nil

        let result = try LinkEvaluation.run(
            pipeline: codec.pipeline, test: test, raw: raw, naiveEavesdropper: naive, configuration: configuration,
            using: &rng, progress: progress)
        return (
            result,
            Setup(
                dataPath: testPath, testCount: testData.count, trainCount: split.trainIndices.count,
                channelUsesPerSample: codec.channelUsesPerSample, eavesdropper: eavesdropperSource,
                rawTaskModelCleanAccuracy: cleanAccuracy)
        )
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
