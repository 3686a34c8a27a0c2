import Channels
import HealthData
import NeuralNet
import RawTransmission
import SemanticCodec
import TensorCore

@testable import Experiments

/// A tiny BCWD semantic link, a naive eavesdropper, a raw task model and one shared evaluation.
enum EvaluationFixtures {
    typealias Pipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

    struct BCWD {
        var train: LabeledBatch
        var test: LabeledBatch
        /// Test records in the file's grades 1…10 (what the raw link sends).
        var testRecords: [[Double]]
        var majorityClass: Int
    }

    /// The 683 complete rows, features ÷ 10, stratified 80/20 hold-out (seed 11).
    static let bcwd: BCWD = {
        // The embedded table ships with the module; excluding the 16 incomplete rows cannot throw.
        let data = try! BreastCancerWisconsin.embedded(scale: .dividedByTen)
        var rng = Xoshiro256(seed: 11)
        let split = DataSplit.stratifiedHoldOut(labels: data.labels, testFraction: 0.2, using: &rng)
        let x = data.features.converted(to: Float.self)
        let train = LabeledBatch(
            inputs: x.gatherRows(split.trainIndices), labels: split.trainIndices.map { data.labels[$0] })
        let test = LabeledBatch(
            inputs: x.gatherRows(split.testIndices), labels: split.testIndices.map { data.labels[$0] })
        let grades = data.features.gatherRows(split.testIndices).scalars.map { ($0 * 10).rounded() }
        let records = (0..<test.count).map { Array(grades[($0 * 9)..<($0 * 9 + 9)]) }
        let benign = train.labels.count { $0 == 0 }
        return BCWD(train: train, test: test, testRecords: records, majorityClass: benign * 2 >= train.count ? 0 : 1)
    }()

    /// A codec `9 → 16 → 2·4` / `2·4 → 16 → 2` trained a few epochs over AWGN, SNRs 0…20 dB.
    static func trainedCodec(seed: UInt64, epochs: Int = 8) -> Pipeline {
        BLAS.setThreadCount(1)
        var rng = Xoshiro256(seed: seed)
        var pipeline = Pipeline(
            encoder: NetworkEncoder(inputSize: 9, hiddenSizes: [16], channelUsesPerSample: 4, using: &rng),
            decoder: NetworkDecoder(channelUsesPerSample: 4, hiddenSizes: [16], outputSize: 2, using: &rng))
        var trainer = ClassificationTrainer(
            configuration: TrainingConfiguration(epochs: epochs, batchSize: 32),
            channel: ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: 0...20),
            optimizer: Adam<Float>(learningRate: 1e-2))
        trainer.fit(&pipeline, on: bcwd.train, using: &rng)
        return pipeline
    }

    static let legitimate = trainedCodec(seed: 1)
    static let eavesdropper = trainedCodec(seed: 2)

    /// Training records in grades 1…10.
    static let trainRecords: [[Double]] = {
        let grades = bcwd.train.inputs.scalars.map { (Double($0) * 10).rounded() }
        return (0..<bcwd.train.count).map { Array(grades[($0 * 9)..<($0 * 9 + 9)]) }
    }()

    /// An MLP 9 → 16 → 2 trained on clean training records (grades ÷ 10): the raw path's task model.
    static let rawModel: RawTaskModel = {
        var rng = Xoshiro256(seed: 5)
        return RawTaskModel.train(
            records: trainRecords, labels: bcwd.train.labels, inputScale: 0.1,
            configuration: .init(hiddenUnits: 16, epochs: 30), using: &rng)
    }()

    static let taskModel: @Sendable ([Double]) -> Int = rawModel.classify

    /// BCWD grades 1…10 in 4 bits each, exactly.
    static let source = RawSourceCoding(
        quantization: .fixed(UniformQuantizer(bitsPerValue: 4, lowerBound: 0.5, upperBound: 16.5)))

    static let candidates = [
        DigitalScheme(modulation: .bpsk, code: .convolutionalK7),
        DigitalScheme(modulation: .qam64, code: .none),
    ]

    static let snrs: [Double] = [-20, 20]

    /// AWGN at −20 and 20 dB: semantic (2 passes), two raw candidates, raw-ideal, both eavesdroppers.
    static let awgnResult: EvaluationResult = {
        var rng = Xoshiro256(seed: 3)
        let raw = RawBaseline(
            records: bcwd.testRecords, source: source, fallbackClass: bcwd.majorityClass, candidates: candidates,
            classify: taskModel)
        // Tests may not fail on the fixture: the records are finite by construction.
        return try! LinkEvaluation.run(
            pipeline: legitimate, test: bcwd.test, raw: raw,
            naiveEavesdropper: LinkEvaluation.receiver(of: eavesdropper),
            configuration: EvaluationConfiguration(
                channels: [ChannelSpec(kind: .awgn)], snrDecibels: snrs, semanticPasses: 2),
            using: &rng)
    }()

    static func row(_ result: EvaluationResult, _ scheme: EvaluationScheme, snr: Double) -> EvaluationRow? {
        result.rows.first { $0.scheme == scheme && $0.snrDecibels == snr }
    }
}
