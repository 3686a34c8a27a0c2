import RealModule
import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hyperparameters of a rhythm knowledge-base build.
public struct RhythmCodecConfiguration: Sendable, Equatable {
    /// Seed of every draw (data: streams of `seed`; initialization, training, evaluation: derived streams).
    public var seed: UInt64 = 0
    /// Complex channel uses per 10 s window.
    public var channelUsesPerWindow = 16
    /// Synthetic training recordings (each cut into ``windowsPerRecording`` windows).
    public var trainingRecordings = 1500
    /// Synthetic test recordings.
    public var testRecordings = 300
    /// Windows per recording.
    public var windowsPerRecording = 2
    /// Hidden widths of the encoder and decoder MLPs.
    public var hiddenSizes = [96, 96]
    /// Training epochs.
    public var epochs = 120
    /// Minibatch size.
    public var batchSize = 64
    /// Adam learning rate.
    public var learningRate = 2e-3
    /// Es/N0 range (dB) drawn per window in training.
    public var trainingSNRDecibels: ClosedRange<Float> = -4...20
    /// Weight of the heart-rate squared error (normalized units) against the cross-entropy.
    public var heartRateLossWeight: Float = 10
    /// SNRs (dB) measured on the test windows and stored in the manifest.
    public var evaluationSNRDecibels: [Float] = [-5, 0, 5, 10, 20]

    /// The configuration `semcom kb build --modality vitals-rhythm` uses.
    public static let `default` = RhythmCodecConfiguration()

    /// Creates the default configuration.
    public init() {}
}

/// Test metrics of the rhythm codec at one channel setting.
public struct RhythmEvaluation: Sendable {
    /// Rhythm accuracy over the windows.
    public var accuracy: Double
    /// Mean absolute heart-rate error (bpm).
    public var heartRateMAE: Double
    /// Confusion matrix `[true][predicted]`.
    public var confusion: [[Int]]
}

/// The rhythm semantic codec: a 10 s single-lead ECG window → rhythm class (5) and heart rate.
///
/// Transmitter: resample to 250 Hz → robust normalization → ``RhythmFeatureExtractor`` (24
/// scale-free features, Pan–Tompkins R peaks) → standardization (KB normalizers) → MLP encoder →
/// `k` complex symbols at unit average power. Receiver (same KB): MLP decoder → 5 rhythm logits and
/// a normalized heart rate `(HR − 90) / 40`. Trained end to end through SemanticCodec's
/// `ChannelLayer` (AWGN, Es/N0 uniform per window over the training range) with cross-entropy plus
/// a weighted squared heart-rate error (Adam), on synthetic windows with artefacts, resampling and
/// dropped samples (``VitalSignsTrainingData``).
public struct RhythmCodec: Sendable {
    /// The encoder–channel–decoder link.
    public typealias Pipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

    /// Section names in the knowledge base.
    public enum SectionName {
        /// Feature normalizers.
        public static let normalizers = "rhythm.feature_normalizers"
    }

    /// Window length (s).
    public static let windowSeconds = 10.0
    /// Heart-rate output normalization: `HR = centre + scale · output`.
    public static let heartRateCentre: Float = 90
    /// See ``heartRateCentre``.
    public static let heartRateScale: Float = 40
    /// The KB manifest's task string.
    public static let task = "rhythm_classification+heart_rate"

    /// The link.
    public var pipeline: Pipeline
    /// Feature means (training set).
    public let featureMean: [Float]
    /// Feature standard deviations (training set).
    public let featureScale: [Float]
    /// The fingerprint of the KB it was loaded from or built into.
    public var knowledgeBaseFingerprint: Fingerprint?
    private let extractor = RhythmFeatureExtractor(sampleRateHertz: ECGPreprocessing.internalRateHertz)

    /// Complex channel uses per window.
    public var channelUsesPerWindow: Int { pipeline.channelUsesPerSample }

    init(pipeline: Pipeline, featureMean: [Float], featureScale: [Float]) {
        self.pipeline = pipeline
        self.featureMean = featureMean
        self.featureScale = featureScale
    }

    /// Loads the codec from a `vitals` knowledge base whose task is ``task``.
    /// - Throws: ``VitalSignsCodecError`` `wrongKnowledgeBase`, `missingSection`, `sectionMismatch`.
    public init(knowledgeBase kb: KnowledgeBase) throws(VitalSignsCodecError) {
        let m = kb.manifest
        guard m.modality == .vitals, m.task == Self.task else {
            throw VitalSignsCodecError(
                code: .wrongKnowledgeBase,
                message: "knowledge base '\(m.name)' is \(m.modality)/\(m.task), expected vitals/\(Self.task)",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let architecture = m.architecture, architecture.channelUsesPerSample >= 1 else {
            throw VitalSignsCodecError(
                code: .missingSection, message: "the manifest has no codec architecture", section: KnowledgeBase.manifestSectionName)
        }
        guard let normalizers = kb.normalizers(named: SectionName.normalizers),
            normalizers.count == RhythmFeatureExtractor.featureCount
        else {
            throw VitalSignsCodecError(
                code: .missingSection, message: "need \(RhythmFeatureExtractor.featureCount) feature normalizers",
                section: SectionName.normalizers)
        }
        var mean: [Float] = []
        var scale: [Float] = []
        for n in normalizers {
            guard case .standardize(let mu, let sigma) = n.method else {
                throw VitalSignsCodecError(
                    code: .sectionMismatch, message: "feature '\(n.field)' must be standardized", section: SectionName.normalizers)
            }
            mean.append(Float(mu))
            scale.append(Float(sigma > 0 ? sigma : 1))
        }
        let k = architecture.channelUsesPerSample
        let encoder = try MLPSections.network(
            architecture.encoder, in: kb, inputSize: RhythmFeatureExtractor.featureCount, outputSize: 2 * k, role: "encoder")
        let decoder = try MLPSections.network(
            architecture.decoder, in: kb, inputSize: 2 * k, outputSize: CardiacRhythm.allCases.count + 1, role: "decoder")
        self.init(
            pipeline: Pipeline(
                encoder: NetworkEncoder(network: encoder, channelUsesPerSample: k),
                decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k)),
            featureMean: mean, featureScale: scale)
        self.knowledgeBaseFingerprint = kb.fingerprint
    }

    /// The standardized features of windows at the internal rate (mV, 10 s each): `[windows, 24]`.
    public func inputs(forWindows windows: [[Float]]) -> Tensor<Float> {
        var scalars: [Float] = []
        scalars.reserveCapacity(windows.count * featureMean.count)
        for w in windows {
            let f = extractor.features(of: ECGPreprocessing.robustNormalized(w).values).features
            for j in f.indices { scalars.append((f[j] - featureMean[j]) / featureScale[j]) }
        }
        return Tensor(shape: [windows.count, featureMean.count], scalars: scalars)
    }

    /// Decoder outputs `[windows, 6]` → rhythm, class probabilities and heart rate (bpm) per window.
    public static func interpret(_ output: Tensor<Float>) -> [(rhythm: CardiacRhythm, probabilities: [Float], heartRate: Double)] {
        let classes = CardiacRhythm.allCases.count
        let width = classes + 1
        precondition(output.rank == 2 && output.shape[1] == width, "Rhythm decoder output must be [n, \(width)], got \(output.shape)")
        return (0..<output.shape[0]).map { i in
            let row = Array(output.scalars[(i * width)..<(i * width + width)])
            let logits = row[0..<classes]
            let top = logits.max() ?? 0
            let exps = logits.map { Float.exp($0 - top) }
            let total = exps.reduce(0, +)
            let probabilities = exps.map { $0 / total }
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            let heartRate = Double(heartRateCentre + heartRateScale * row[classes])
            return (CardiacRhythm(rawValue: best) ?? .normalSinus, probabilities, heartRate)
        }
    }

    /// Evaluates standardized inputs over a channel: accuracy, HR MAE and confusion.
    public func evaluate<C: ChannelModel, G: RandomNumberGenerator>(
        inputs: Tensor<Float>, labels: [Int], heartRates: [Double], over channel: C, repeats: Int = 1, using rng: inout G
    ) -> RhythmEvaluation {
        evaluate(inputs: inputs, labels: labels, heartRates: heartRates, repeats: repeats) { pipeline($0, over: channel, using: &rng) }
    }

    /// Evaluates standardized inputs over any link — `link` maps encoder inputs `[n, 24]` to decoder
    /// outputs `[n, 6]` (e.g. a channel with semantic noise, or a sealed link) — called `repeats` times.
    public func evaluate<E: Error>(
        inputs: Tensor<Float>, labels: [Int], heartRates: [Double], repeats: Int = 1,
        link: (Tensor<Float>) throws(E) -> Tensor<Float>
    ) throws(E) -> RhythmEvaluation {
        var correct = 0
        var absError = 0.0
        var confusion = Array(repeating: Array(repeating: 0, count: CardiacRhythm.allCases.count), count: CardiacRhythm.allCases.count)
        for _ in 0..<repeats {
            let results = Self.interpret(try link(inputs))
            for (i, r) in results.enumerated() {
                if r.rhythm.rawValue == labels[i] { correct += 1 }
                confusion[labels[i]][r.rhythm.rawValue] += 1
                absError += Swift.abs(r.heartRate - heartRates[i])
            }
        }
        let n = Double(labels.count * repeats)
        return RhythmEvaluation(accuracy: Double(correct) / n, heartRateMAE: absError / n, confusion: confusion)
    }
}
