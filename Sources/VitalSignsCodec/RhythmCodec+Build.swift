import Foundation
import RealModule
import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// What a rhythm knowledge-base build measured.
public struct RhythmBuildReport: Sendable {
    /// Training and test windows.
    public var trainCount: Int
    /// Test windows.
    public var testCount: Int
    /// AWGN test metrics per SNR (dB).
    public var evaluations: [(snrDecibels: Float, evaluation: RhythmEvaluation)]
    /// The trained codec.
    public var codec: RhythmCodec
}

extension RhythmCodec {
    /// The `created_by` string of the manifests.
    public static let createdBy = "semcom 0.1 VitalSignsCodec"

    /// Builds the `vitals-rhythm` knowledge base: synthesizes training windows (streams `seed`),
    /// test windows (`seed + 1_000_003`), fits the feature normalizers, trains the link end to end
    /// (Adam, `ChannelLayer` over AWGN with a per-window Es/N0 range) and measures the test windows
    /// over AWGN at ``RhythmCodecConfiguration/evaluationSNRDecibels`` (3 channel realizations each).
    /// One BLAS thread, so the weights are a function of the configuration only.
    public static func build(
        configuration c: RhythmCodecConfiguration = .default, progress: (String) -> Void = { _ in }
    ) -> (knowledgeBase: KnowledgeBase, report: RhythmBuildReport) {
        // One BLAS thread for bit-reproducible training; concurrent builds share the section.
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }
        progress("synthesizing \(c.trainingRecordings) training and \(c.testRecordings) test recordings …")
        let train = VitalSignsTrainingData.windows(
            recordings: c.trainingRecordings, windowsPerRecording: c.windowsPerRecording, windowSeconds: windowSeconds,
            seed: c.seed)
        let test = VitalSignsTrainingData.windows(
            recordings: c.testRecordings, windowsPerRecording: c.windowsPerRecording, windowSeconds: windowSeconds,
            seed: c.seed &+ 1_000_003)
        let extractor = RhythmFeatureExtractor(sampleRateHertz: ECGPreprocessing.internalRateHertz)
        func rawFeatures(_ windows: [VitalSignsTrainingData.Window]) -> [[Float]] {
            windows.map { extractor.features(of: ECGPreprocessing.robustNormalized($0.ecg).values).features }
        }
        progress("extracting features …")
        let trainFeatures = rawFeatures(train)
        let width = RhythmFeatureExtractor.featureCount
        var mean = [Float](repeating: 0, count: width)
        var scale = [Float](repeating: 0, count: width)
        for f in trainFeatures { for j in 0..<width { mean[j] += f[j] / Float(trainFeatures.count) } }
        for f in trainFeatures { for j in 0..<width { scale[j] += (f[j] - mean[j]) * (f[j] - mean[j]) / Float(trainFeatures.count) } }
        scale = scale.map { $0 > 1e-12 ? $0.squareRoot() : 1 }
        func standardized(_ features: [[Float]]) -> Tensor<Float> {
            Tensor(
                shape: [features.count, width],
                scalars: features.flatMap { f in (0..<width).map { (f[$0] - mean[$0]) / scale[$0] } })
        }
        let trainX = standardized(trainFeatures)
        let trainLabels = train.map(\.rhythm.rawValue)
        let trainHR = train.map { Float(($0.heartRate - Double(heartRateCentre)) / Double(heartRateScale)) }
        let testX = standardized(rawFeatures(test))
        let testLabels = test.map(\.rhythm.rawValue)
        let testHR = test.map(\.heartRate)

        let k = c.channelUsesPerWindow
        let classes = CardiacRhythm.allCases.count
        var initRNG = Xoshiro256(seed: c.seed, stream: 2_000_001)
        var pipeline = Pipeline(
            encoder: NetworkEncoder(inputSize: width, hiddenSizes: c.hiddenSizes, channelUsesPerSample: k, using: &initRNG),
            decoder: NetworkDecoder(
                channelUsesPerSample: k, hiddenSizes: c.hiddenSizes, outputSize: classes + 1, using: &initRNG))
        let channel = ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: c.trainingSNRDecibels)
        var adam = Adam<Float>(learningRate: c.learningRate)
        var trainRNG = Xoshiro256(seed: c.seed, stream: 2_000_002)
        let n = trainLabels.count
        for epoch in 1...c.epochs {
            var order = Array(0..<n)
            order.shuffle(using: &trainRNG)
            var lossSum = 0.0
            var correct = 0
            var start = 0
            while start < n {
                let batch = Array(order[start..<Swift.min(n, start + c.batchSize)])
                start += c.batchSize
                let x = Tensor(shape: [batch.count, width], scalars: batch.flatMap { i in trainX.scalars[(i * width)..<(i * width + width)] })
                let (output, pullback) = pipeline.forward(x, through: channel, training: true, using: &trainRNG)
                var logits: [Float] = []
                var hr: [Float] = []
                for r in 0..<batch.count {
                    logits += output.scalars[(r * (classes + 1))..<(r * (classes + 1) + classes)]
                    hr.append(output.scalars[r * (classes + 1) + classes])
                }
                let labels = batch.map { trainLabels[$0] }
                let (ce, dLogits) = Losses.softmaxCrossEntropy(
                    logits: Tensor(shape: [batch.count, classes], scalars: logits), labels: labels)
                let (mse, dHR) = Losses.meanSquaredError(
                    predictions: Tensor(shape: [batch.count], scalars: hr),
                    targets: Tensor(shape: [batch.count], scalars: batch.map { trainHR[$0] }))
                var gradient: [Float] = []
                gradient.reserveCapacity(output.count)
                for r in 0..<batch.count {
                    gradient += dLogits.scalars[(r * classes)..<(r * classes + classes)]
                    gradient.append(c.heartRateLossWeight * dHR.scalars[r])
                }
                let grads = pullback(Tensor(shape: output.shape, scalars: gradient))
                var parameters = pipeline.parameters
                adam.update(&parameters, along: grads)
                pipeline.parameters = parameters
                lossSum += Double(ce + c.heartRateLossWeight * mse) * Double(batch.count)
                for r in 0..<batch.count {
                    let row = logits[(r * classes)..<(r * classes + classes)]
                    if let best = row.indices.max(by: { row[$0] < row[$1] }), best - r * classes == labels[r] { correct += 1 }
                }
            }
            if epoch % 5 == 0 || epoch == c.epochs {
                progress("epoch \(epoch)/\(c.epochs): loss \(String(format: "%.4f", lossSum / Double(n))), accuracy \(String(format: "%.3f", Double(correct) / Double(n)))")
            }
        }
        var codec = RhythmCodec(pipeline: pipeline, featureMean: mean, featureScale: scale)
        var metrics: [String: Double] = [
            "channel_uses_per_window": Double(k), "window_seconds": windowSeconds,
            "channel_uses_per_second": Double(k) / windowSeconds, "train_windows": Double(n),
            "test_windows": Double(testLabels.count),
        ]
        var evaluations: [(Float, RhythmEvaluation)] = []
        for (index, snr) in c.evaluationSNRDecibels.enumerated() {
            var rng = Xoshiro256(seed: c.seed, stream: 2_000_100 + index)
            let e = codec.evaluate(
                inputs: testX, labels: testLabels, heartRates: testHR, over: AWGN(snrDecibels: snr), repeats: 3, using: &rng)
            evaluations.append((snr, e))
            let key = "awgn_\(Int(snr))db"
            metrics[key + "_accuracy"] = e.accuracy
            metrics[key + "_heart_rate_mae_bpm"] = e.heartRateMAE
            progress("AWGN \(Int(snr)) dB: accuracy \(String(format: "%.3f", e.accuracy)), HR MAE \(String(format: "%.2f", e.heartRateMAE)) bpm")
        }
        var sections: [Section] = [
            Section(
                name: SectionName.normalizers,
                content: .normalizers(
                    (0..<width).map {
                        Normalizer(
                            field: RhythmFeatureExtractor.featureNames[$0],
                            method: .standardize(mean: Double(mean[$0]), standardDeviation: Double(scale[$0])))
                    }))
        ]
        let encoderLayers = MLPSections.describe(
            pipeline.encoder.network, prefix: "encoder", sizes: [width] + c.hiddenSizes + [2 * k], sections: &sections)
        let decoderLayers = MLPSections.describe(
            pipeline.decoder.network, prefix: "decoder", sizes: [2 * k] + c.hiddenSizes + [classes + 1], sections: &sections)
        let manifest = Manifest(
            name: "vitals-rhythm", modality: .vitals, task: task, labelNames: CardiacRhythm.allCases.map(\.name),
            architecture: CodecArchitecture(
                encoder: encoderLayers, decoder: decoderLayers, channelUsesPerSample: k, powerNormalization: "average_power"),
            provenance: TrainingProvenance(
                dataSHA256: "synthetic:VitalSignsGenerator", dataSource: nil,
                split: "synthetic: \(c.trainingRecordings) training recordings (Xoshiro256 seed \(c.seed), streams 0..<\(c.trainingRecordings)), \(c.testRecordings) test recordings (seed \(c.seed &+ 1_000_003)), \(c.windowsPerRecording) windows of \(windowSeconds) s each",
                seed: c.seed,
                snrTrainingRangeDecibels: ValueRange(
                    minimum: Double(c.trainingSNRDecibels.lowerBound), maximum: Double(c.trainingSNRDecibels.upperBound)),
                threads: 1, epochs: c.epochs),
            metrics: metrics, createdBy: createdBy,
            notes: "Rhythm codec: 10 s single-lead ECG resampled to 250 Hz, median/MAD normalized → 24 Pan–Tompkins RR and morphology features (standardized) → MLP \(c.hiddenSizes) → \(k) complex channel uses per window (unit average power) → MLP → 5 rhythm logits (\(CardiacRhythm.allCases.map(\.name).joined(separator: ", "))) + heart rate (bpm = 90 + 40·output). Trained end to end over AWGN, Es/N0 uniform in \(c.trainingSNRDecibels) dB per window, Adam lr \(c.learningRate), batch \(c.batchSize), \(c.epochs) epochs, cross-entropy + \(c.heartRateLossWeight)·MSE(HR). Metrics: synthetic test windows, 3 channel realizations each.")
        let kb = KnowledgeBase(manifest: manifest, sections: sections)
        codec.knowledgeBaseFingerprint = kb.fingerprint
        return (
            kb,
            RhythmBuildReport(trainCount: n, testCount: testLabels.count, evaluations: evaluations, codec: codec)
        )
    }
}
