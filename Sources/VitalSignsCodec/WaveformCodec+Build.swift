import Foundation
import RealModule
import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// Reconstruction quality of the waveform codec at one channel setting.
public struct WaveformEvaluation: Sendable {
    /// Mean over recordings of the percentage root-mean-square difference
    /// `PRD = 100 · √(Σ(x − x̂)² / Σx²)` (x in mV at 250 Hz).
    public var meanPRD: Double
    /// Median over recordings of the PRD.
    public var medianPRD: Double
    /// Root-mean-square over recordings of the PRD (%), `√(mean PRD²)` — the figure
    /// ``WaveformDistortionBounds`` bounds; never below ``meanPRD``.
    public var rmsPRD: Double
    /// R-peak F1 (±50 ms) of the peaks detected in the decoded signal against those detected in the original.
    public var peakF1: Double
    /// R-peak F1 (±50 ms) of the decoded signal's peaks against the ground-truth beats.
    public var peakF1GroundTruth: Double
}

/// What a waveform knowledge-base build measured.
public struct WaveformBuildReport: Sendable {
    /// Training windows.
    public var trainCount: Int
    /// Test recordings.
    public var testRecordings: Int
    /// AWGN metrics per SNR (dB).
    public var evaluations: [(snrDecibels: Float, evaluation: WaveformEvaluation)]
    /// The trained codec.
    public var codec: WaveformCodec
}

extension WaveformCodec {
    /// Splits a signal at the internal rate into consecutive windows of `length`, the last one
    /// padded by holding the final sample. Returns the windows and the original count.
    public static func windows(of signal: [Float], length: Int) -> [[Float]] {
        guard let last = signal.last else { return [] }
        var out: [[Float]] = []
        var start = 0
        while start < signal.count {
            var w = Array(signal[start..<Swift.min(signal.count, start + length)])
            if w.count < length { w += Array(repeating: last, count: length - w.count) }
            out.append(w)
            start += length
        }
        return out
    }

    /// Sends a whole signal (mV, 250 Hz) window by window over `channel` and returns the reconstruction.
    public func transmit<C: ChannelModel, G: RandomNumberGenerator>(
        _ signal: [Float], over channel: C, using rng: inout G
    ) -> [Float] {
        transmit(signal) { pipeline($0, over: channel, using: &rng) }
    }

    /// Sends a whole signal (mV, 250 Hz) over any link — `link` maps encoder inputs `[n, L + 1]` to
    /// decoder outputs `[n, L + 1]`, called on batches of up to 64 consecutive windows — and returns
    /// the reconstruction.
    public func transmit<E: Error>(
        _ signal: [Float], link: (Tensor<Float>) throws(E) -> Tensor<Float>
    ) throws(E) -> [Float] {
        let windows = Self.windows(of: signal, length: windowLength)
        guard !windows.isEmpty else { return [] }
        var out: [Float] = []
        out.reserveCapacity(windows.count * windowLength)
        let batch = 64
        var start = 0
        while start < windows.count {
            let slice = Array(windows[start..<Swift.min(windows.count, start + batch)])
            for w in reconstruct(try link(inputs(forWindows: slice))) { out += w }
            start += batch
        }
        return Array(out.prefix(signal.count))
    }

    /// The root-mean-square of PRDs (%), `√(mean PRD²)` (0 for none).
    public static func rootMeanSquare(_ prds: [Double]) -> Double {
        (prds.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(1, prds.count))).squareRoot()
    }

    /// PRD (%) of a reconstruction.
    public static func prd(original: [Float], reconstruction: [Float]) -> Double {
        var err = 0.0
        var energy = 0.0
        for (x, y) in zip(original, reconstruction) {
            err += Double(x - y) * Double(x - y)
            energy += Double(x) * Double(x)
        }
        return energy > 0 ? 100 * (err / energy).squareRoot() : (err > 0 ? .infinity : 0)
    }

    /// Evaluates recordings (mV at 250 Hz, with ground-truth peaks) over a channel.
    public func evaluate<C: ChannelModel, G: RandomNumberGenerator>(
        recordings: [VitalSignsTrainingData.Window], over channel: C, using rng: inout G
    ) -> WaveformEvaluation {
        evaluate(recordings: recordings) { pipeline($0, over: channel, using: &rng) }
    }

    /// Evaluates recordings over any link (see ``transmit(_:link:)``). With `sent` (one signal per
    /// recording, e.g. the recordings with sensor artefacts added), `sent[i]` is transmitted and the
    /// reconstruction is still scored against the clean `recordings[i].ecg` and its R peaks.
    public func evaluate<E: Error>(
        recordings: [VitalSignsTrainingData.Window], sent: [[Float]]? = nil,
        link: (Tensor<Float>) throws(E) -> Tensor<Float>
    ) throws(E) -> WaveformEvaluation {
        precondition(sent == nil || sent!.count == recordings.count, "one sent signal per recording")
        let detector = RPeakDetector(sampleRateHertz: ECGPreprocessing.internalRateHertz)
        let tolerance = Int(0.05 * ECGPreprocessing.internalRateHertz)
        var prds: [Double] = []
        var tp = 0, fp = 0, fn = 0
        var tpG = 0, fpG = 0, fnG = 0
        for (index, r) in recordings.enumerated() {
            let decoded = try transmit(sent?[index] ?? r.ecg, link: link)
            prds.append(Self.prd(original: r.ecg, reconstruction: decoded))
            let peaks = detector.detect(decoded)
            let m = RPeakDetector.match(detected: peaks, reference: detector.detect(r.ecg), toleranceSamples: tolerance)
            tp += m.truePositives
            fp += m.falsePositives
            fn += m.falseNegatives
            let g = RPeakDetector.match(detected: peaks, reference: r.peaks, toleranceSamples: tolerance)
            tpG += g.truePositives
            fpG += g.falsePositives
            fnG += g.falseNegatives
        }
        let sorted = prds.sorted()
        func f1(_ tp: Int, _ fp: Int, _ fn: Int) -> Double { tp + fp + fn == 0 ? 1 : Double(2 * tp) / Double(2 * tp + fp + fn) }
        return WaveformEvaluation(
            meanPRD: prds.reduce(0, +) / Double(Swift.max(1, prds.count)), medianPRD: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
            rmsPRD: Self.rootMeanSquare(prds),
            peakF1: f1(tp, fp, fn), peakF1GroundTruth: f1(tpG, fpG, fnG))
    }

    /// Starts a one-hidden-layer ReLU encoder `n → h → m` (parameters 0–3 of `parameters`) as a
    /// linear code plus a non-linear part: for `h ≥ 2n` the first `2n` hidden units pass the input
    /// through as `relu(x)` and `relu(−x)`, and the output layer reads them with `+W₀` and `−W₀`, so
    /// the network starts as the linear map `W₀` (its Glorot draw) since `relu(x) − relu(−x) = x`;
    /// the other `h − 2n` units (their output weights scaled by 0.1) add the non-linearity that
    /// training grows. A plain ReLU encoder from a random start trained worse than a linear one.
    static func initializeLinearPath(_ parameters: inout [Tensor<Float>], inputs n: Int, hidden h: Int, outputs m: Int) {
        guard h >= 2 * n, parameters.count >= 4, parameters[0].shape == [n, h], parameters[2].shape == [h, m] else { return }
        for i in 0..<n {
            for j in 0..<(2 * n) { parameters[0].scalars[i * h + j] = 0 }
            parameters[0].scalars[i * h + i] = 1
            parameters[0].scalars[i * h + n + i] = -1
        }
        for j in 0..<(2 * n) { parameters[1].scalars[j] = 0 }
        for i in 0..<n {
            for o in 0..<m { parameters[2].scalars[(n + i) * m + o] = -parameters[2].scalars[i * m + o] }
        }
        for r in (2 * n)..<h {
            for o in 0..<m { parameters[2].scalars[r * m + o] *= 0.1 }
        }
    }

    /// Builds the `vitals-waveform` knowledge base (synthetic 20 s recordings with artefacts of
    /// severity ≤ ``WaveformCodecConfiguration/noiseSeverity``; training as in the type's
    /// documentation; test recordings measured over AWGN at each evaluation SNR). One BLAS thread.
    public static func build(
        configuration c: WaveformCodecConfiguration = .default, progress: (String) -> Void = { _ in }
    ) -> (knowledgeBase: KnowledgeBase, report: WaveformBuildReport) {
        // One BLAS thread for bit-reproducible training; concurrent builds share the section.
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }
        progress("synthesizing \(c.trainingRecordings) training and \(c.testRecordings) test recordings …")
        let trainRecordings = VitalSignsTrainingData.windows(
            recordings: c.trainingRecordings, windowsPerRecording: 1, windowSeconds: 20, seed: c.seed &+ 7,
            noiseSeverity: c.noiseSeverity)
        let test = VitalSignsTrainingData.windows(
            recordings: c.testRecordings, windowsPerRecording: 1, windowSeconds: 20, seed: c.seed &+ 1_000_007,
            noiseSeverity: c.noiseSeverity)
        let L = c.windowLength
        let train = trainRecordings.flatMap { r in
            stride(from: 0, through: r.ecg.count - L, by: c.trainingHop).map { Array(r.ecg[$0..<($0 + L)]) }
        }
        let k = c.channelUsesPerWindow
        var initRNG = Xoshiro256(seed: c.seed, stream: 3_000_001)
        var codec = WaveformCodec(
            pipeline: Pipeline(
                encoder: NetworkEncoder(
                    inputSize: L + 1, hiddenSizes: c.encoderHiddenSizes, channelUsesPerSample: k, using: &initRNG),
                decoder: NetworkDecoder(
                    channelUsesPerSample: k, hiddenSizes: c.decoderHiddenSizes, outputSize: L + 1, using: &initRNG)),
            windowLength: L)
        let channel = ChannelLayer(AWGN(snrDecibels: 15), trainingSNRDecibels: c.trainingSNRDecibels)
        // The decoder's log-scale output starts at 0 (gain 8 · 0.05 mV): a random start can push it
        // to its clamp in the first steps, where the gain — and every gradient — vanishes. One epoch
        // of linear warm-up (Goyal et al. 2017), then a cosine decay (Loshchilov & Hutter 2017).
        var parameters = codec.pipeline.parameters
        if c.encoderHiddenSizes.count == 1 { initializeLinearPath(&parameters, inputs: L + 1, hidden: c.encoderHiddenSizes[0], outputs: 2 * k) }
        let lastWeight = parameters.count - 2
        for r in 0..<parameters[lastWeight].shape[0] { parameters[lastWeight].scalars[r * (L + 1) + L] = 0 }
        parameters[lastWeight + 1].scalars[L] = 0
        codec.pipeline.parameters = parameters
        let stepsPerEpoch = (train.count + c.batchSize - 1) / c.batchSize
        var adam = Adam<Float>(
            schedule: LinearWarmup(
                warmupSteps: stepsPerEpoch,
                then: CosineDecay(
                    initial: c.learningRate, minimum: c.finalLearningRate, steps: Swift.max(1, (c.epochs - 1) * stepsPerEpoch))))
        var trainRNG = Xoshiro256(seed: c.seed, stream: 3_000_002)
        let inputs = codec.inputs(forWindows: train)
        let width = L + 1
        for epoch in 1...c.epochs {
            var order = Array(train.indices)
            order.shuffle(using: &trainRNG)
            var lossSum = 0.0
            var start = 0
            while start < order.count {
                let batch = Array(order[start..<Swift.min(order.count, start + c.batchSize)])
                start += c.batchSize
                let x = Tensor(
                    shape: [batch.count, width], scalars: batch.flatMap { inputs.scalars[($0 * width)..<($0 * width + width)] })
                let (output, pullback) = codec.pipeline.forward(x, through: channel, training: true, using: &trainRNG)
                let (value, gradient) = loss(output: output, targets: batch.map { train[$0] }, windowLength: L)
                var parameters = codec.pipeline.parameters
                adam.update(&parameters, along: pullback(gradient))
                codec.pipeline.parameters = parameters
                lossSum += Double(value) * Double(batch.count)
            }
            if epoch % 5 == 0 || epoch == c.epochs || epoch == 1 {
                let nmse = lossSum / Double(order.count)
                progress("epoch \(epoch)/\(c.epochs): normalized MSE \(String(format: "%.5f", nmse)) (PRD ≈ \(String(format: "%.1f", 100 * nmse.squareRoot())) %)")
            }
        }
        var metrics: [String: Double] = [
            "window_length": Double(L), "channel_uses_per_window": Double(k),
            "channel_uses_per_sample": Double(k) / Double(L),
            "channel_uses_per_second": Double(k) / Double(L) * ECGPreprocessing.internalRateHertz,
            "train_windows": Double(train.count), "test_recordings": Double(test.count),
        ]
        var evaluations: [(Float, WaveformEvaluation)] = []
        for (index, snr) in c.evaluationSNRDecibels.enumerated() {
            var rng = Xoshiro256(seed: c.seed, stream: 3_000_100 + index)
            let e = codec.evaluate(recordings: test, over: AWGN(snrDecibels: snr), using: &rng)
            evaluations.append((snr, e))
            let key = "awgn_\(Int(snr))db"
            metrics[key + "_mean_prd_percent"] = e.meanPRD
            metrics[key + "_median_prd_percent"] = e.medianPRD
            metrics[key + "_r_peak_f1"] = e.peakF1
            progress("AWGN \(Int(snr)) dB: PRD mean \(String(format: "%.2f", e.meanPRD)) %, median \(String(format: "%.2f", e.medianPRD)) %, R-peak F1 \(String(format: "%.4f", e.peakF1)) (vs truth \(String(format: "%.4f", e.peakF1GroundTruth)))")
        }
        var sections: [Section] = []
        let encoderLayers = MLPSections.describe(
            codec.pipeline.encoder.network, prefix: "encoder", sizes: [L + 1] + c.encoderHiddenSizes + [2 * k],
            sections: &sections)
        let decoderLayers = MLPSections.describe(
            codec.pipeline.decoder.network, prefix: "decoder", sizes: [2 * k] + c.decoderHiddenSizes + [L + 1],
            sections: &sections)
        let manifest = Manifest(
            name: "vitals-waveform", modality: .vitals, task: task,
            architecture: CodecArchitecture(
                encoder: encoderLayers, decoder: decoderLayers, channelUsesPerSample: k, powerNormalization: "average_power"),
            provenance: TrainingProvenance(
                dataSHA256: "synthetic:VitalSignsGenerator", dataSource: nil,
                split: "synthetic: \(c.trainingRecordings) training recordings of 20 s (seed \(c.seed &+ 7)), \(c.testRecordings) test recordings (seed \(c.seed &+ 1_000_007)), artefact severity ≤ \(c.noiseSeverity)",
                seed: c.seed,
                snrTrainingRangeDecibels: ValueRange(
                    minimum: Double(c.trainingSNRDecibels.lowerBound), maximum: Double(c.trainingSNRDecibels.upperBound)),
                threads: 1, epochs: c.epochs),
            metrics: metrics, createdBy: RhythmCodec.createdBy,
            notes: "Waveform codec: ECG resampled to 250 Hz, windows of \(L) samples, inputs x/(8s) and log s (s = window RMS) → encoder \(c.encoderHiddenSizes) → \(k) complex channel uses per window (\(Double(k) / Double(L)) per sample, unit average power per window) → MLP \(c.decoderHiddenSizes) → normalized waveform and log scale. Loss: per-window ‖x − x̂‖²/‖x‖² (PRD²). Trained over AWGN with Es/N0 uniform in \(c.trainingSNRDecibels) dB, Adam lr \(c.learningRate) (1 epoch warm-up, cosine to \(c.finalLearningRate)), batch \(c.batchSize), \(c.epochs) epochs. Metrics: mean/median PRD over test recordings; R-peak F1 within ±50 ms, Pan–Tompkins on decoded vs original.")
        let kb = KnowledgeBase(manifest: manifest, sections: sections)
        codec.knowledgeBaseFingerprint = kb.fingerprint
        return (kb, WaveformBuildReport(trainCount: train.count, testRecordings: test.count, evaluations: evaluations, codec: codec))
    }
}
