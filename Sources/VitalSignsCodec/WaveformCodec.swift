import RealModule
import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// Hyperparameters of a waveform knowledge-base build.
public struct WaveformCodecConfiguration: Sendable, Equatable {
    /// Seed of every draw.
    public var seed: UInt64 = 0
    /// Samples per window at the internal 250 Hz.
    public var windowLength = 256
    /// Complex channel uses per window (`windowLength / 8` is 1/8 channel use per sample).
    public var channelUsesPerWindow = 32
    /// Synthetic training recordings (20 s each, cut into windows).
    public var trainingRecordings = 600
    /// Hop (samples) between consecutive training windows of a recording: below ``windowLength``
    /// the windows overlap, so the beats fall at more positions within a window.
    public var trainingHop = 256
    /// Synthetic test recordings.
    public var testRecordings = 100
    /// Hidden widths of the encoder MLP (empty: a linear encoder). With one hidden layer of at least
    /// `2 · (windowLength + 1)` units the encoder starts as a linear code plus a non-linear part
    /// (``WaveformCodec/initializeLinearPath(_:inputs:hidden:outputs:)``).
    public var encoderHiddenSizes: [Int] = []
    /// Hidden widths of the decoder MLP.
    public var decoderHiddenSizes = [1024]
    /// Training epochs.
    public var epochs = 100
    /// Minibatch size.
    public var batchSize = 64
    /// Adam's initial learning rate; it decays along a cosine to ``finalLearningRate``.
    public var learningRate = 3e-3
    /// The learning rate at the last step.
    public var finalLearningRate = 5e-5
    /// Es/N0 range (dB) drawn per window in training.
    public var trainingSNRDecibels: ClosedRange<Float> = 10...25
    /// Artefact severity of the training data (0 = clean).
    public var noiseSeverity = 0.5
    /// SNRs (dB) measured and stored in the manifest.
    public var evaluationSNRDecibels: [Float] = [0, 5, 10, 15, 20, 25]

    /// The configuration `semcom kb build --modality vitals-waveform` uses.
    public static let `default` = WaveformCodecConfiguration()

    /// Creates the default configuration.
    public init() {}
}

/// The ECG waveform semantic codec: reconstructs the signal from `windowLength / 8` complex channel
/// uses per window (1/8 channel use per sample at 250 Hz, 31.25 channel uses per second).
///
/// Transmitter: resample to 250 Hz → per window of 256 samples, its RMS `s` (mV) → inputs
/// `x / (8s)` and `(ln s − ln 0.05) / 2` → an encoder (``WaveformCodecConfiguration/encoderHiddenSizes``;
/// linear by default, a learned analog transform as in linear joint source–channel coding) → unit
/// average power per window. Every window enters with the same energy, so the norm of the encoder
/// output — which the per-window power normalization hides from the receiver — varies little, and
/// the amplitude travels explicitly as `ln s`. Receiver: an MLP decoder outputs the normalized
/// waveform and the log scale, and the reconstruction is `x̂ = 8 ŝ · output`. The loss is the
/// window's normalized squared error `‖x − x̂‖² / ‖x‖²` (its percentage root is the PRD), so training
/// spends channel energy between the waveform and the scale where it lowers the PRD most —
/// DeepJSCC-style end-to-end training (Bourtsoulatze, Kurka & Gündüz 2019) through SemanticCodec's
/// `ChannelLayer` with an Es/N0 range; Adam with one epoch of warm-up and a cosine decay.
///
/// A linear code cannot beat `PRD ≈ 100/√(1 + SNR)` by much on the components it sends (power
/// allocation across components helps a little): about 22 % at 10 dB. The shipped knowledge base
/// uses a one-hidden-layer ReLU encoder started on the linear code
/// (``WaveformCodecConfiguration/encoderHiddenSizes`` `[768]`, decoder `[2048]`): 20.5 % at 10 dB and
/// 9.1 % at 20 dB (measurements in `KnowledgeBases/README.md`). ``WaveformDistortionBounds`` gives
/// the reference: a Gaussian source with the ECG windows' covariance allows about 18.6 % at 10 dB
/// at this budget, so 15 % needs a code that uses the signal's non-Gaussian structure.
public struct WaveformCodec: Sendable {
    /// The encoder–channel–decoder link.
    public typealias Pipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>
    /// The KB manifest's task string.
    public static let task = "waveform_reconstruction"
    /// Input and output divisor of the normalized waveform.
    static let amplitudeDivisor: Float = 8
    static let logScaleCentre = Float.log(0.05)
    static let logScaleSpread: Float = 2

    /// The link.
    public var pipeline: Pipeline
    /// Samples per window (250 Hz).
    public let windowLength: Int
    /// The fingerprint of the KB it came from.
    public var knowledgeBaseFingerprint: Fingerprint?

    /// Complex channel uses per window.
    public var channelUsesPerWindow: Int { pipeline.channelUsesPerSample }
    /// Complex channel uses per ECG sample at 250 Hz.
    public var channelUsesPerSample: Double { Double(channelUsesPerWindow) / Double(windowLength) }

    init(pipeline: Pipeline, windowLength: Int) {
        self.pipeline = pipeline
        self.windowLength = windowLength
    }

    /// Loads the codec from a `vitals` knowledge base whose task is ``task``.
    /// - Throws: ``VitalSignsCodecError``.
    public init(knowledgeBase kb: KnowledgeBase) throws(VitalSignsCodecError) {
        let m = kb.manifest
        guard m.modality == .vitals, m.task == Self.task else {
            throw VitalSignsCodecError(
                code: .wrongKnowledgeBase,
                message: "knowledge base '\(m.name)' is \(m.modality)/\(m.task), expected vitals/\(Self.task)",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let architecture = m.architecture, let lengthValue = m.metrics["window_length"], lengthValue >= 16,
            lengthValue <= 4096, lengthValue == lengthValue.rounded()
        else {
            throw VitalSignsCodecError(
                code: .missingSection, message: "the manifest needs an architecture and metrics.window_length in 16…4096",
                section: KnowledgeBase.manifestSectionName)
        }
        let length = Int(lengthValue)
        let k = architecture.channelUsesPerSample
        let encoder = try MLPSections.network(architecture.encoder, in: kb, inputSize: length + 1, outputSize: 2 * k, role: "encoder")
        let decoder = try MLPSections.network(architecture.decoder, in: kb, inputSize: 2 * k, outputSize: length + 1, role: "decoder")
        self.init(
            pipeline: Pipeline(
                encoder: NetworkEncoder(network: encoder, channelUsesPerSample: k),
                decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k)),
            windowLength: length)
        self.knowledgeBaseFingerprint = kb.fingerprint
    }

    /// Encoder inputs for windows of ``windowLength`` samples (mV, 250 Hz): `[windows, L + 1]`.
    public func inputs(forWindows windows: [[Float]]) -> Tensor<Float> {
        var scalars: [Float] = []
        scalars.reserveCapacity(windows.count * (windowLength + 1))
        for w in windows {
            precondition(w.count == windowLength, "Waveform window must have \(windowLength) samples, got \(w.count)")
            let s = Self.scale(of: w)
            let g = 1 / (Self.amplitudeDivisor * s)
            for v in w { scalars.append(v * g) }
            scalars.append((Float.log(s) - Self.logScaleCentre) / Self.logScaleSpread)
        }
        return Tensor(shape: [windows.count, windowLength + 1], scalars: scalars)
    }

    /// The window's root-mean-square value (mV, at least 0.01): the input is divided by it, so every
    /// window enters the encoder with the same energy. The per-window power normalization after the
    /// encoder hides the encoder output's norm from the receiver; with equal-energy inputs that norm
    /// varies little, and the amplitude travels explicitly as `ln s`.
    static func scale(of window: [Float]) -> Float {
        var energy: Float = 0
        for v in window { energy += v * v }
        return Swift.max((energy / Float(Swift.max(1, window.count))).squareRoot(), 0.01)
    }

    /// Decoder outputs `[windows, L + 1]` → reconstructed windows (mV).
    public func reconstruct(_ output: Tensor<Float>) -> [[Float]] {
        let width = windowLength + 1
        return (0..<output.shape[0]).map { i in
            let row = output.scalars[(i * width)..<(i * width + width)]
            let logScale = Swift.min(Swift.max(row[i * width + windowLength], -6), 6)
            let gain = Self.amplitudeDivisor * Float.exp(logScale * Self.logScaleSpread + Self.logScaleCentre)
            return row.prefix(windowLength).map { $0 * gain }
        }
    }

    /// The loss of a batch: mean over windows of `‖x − x̂‖² / ‖x‖²` and its gradient w.r.t. the
    /// decoder outputs. `targets` are the windows in mV.
    static func loss(output: Tensor<Float>, targets: [[Float]], windowLength: Int) -> (value: Float, gradient: Tensor<Float>) {
        let width = windowLength + 1
        var gradient = [Float](repeating: 0, count: output.count)
        var total: Float = 0
        let batch = Float(targets.count)
        for (i, x) in targets.enumerated() {
            let base = i * width
            let u = Swift.min(Swift.max(output.scalars[base + windowLength], -6), 6)
            let gain = amplitudeDivisor * Float.exp(u * logScaleSpread + logScaleCentre)
            var energy: Float = 1e-6
            for v in x { energy += v * v }
            var err: Float = 0
            var dGain: Float = 0
            for j in 0..<windowLength {
                let y = output.scalars[base + j]
                let d = gain * y - x[j]
                err += d * d
                gradient[base + j] = 2 * d * gain / energy / batch
                dGain += 2 * d * y
            }
            total += err / energy
            gradient[base + windowLength] = dGain / energy / batch * gain * logScaleSpread
        }
        return (total / batch, Tensor(shape: output.shape, scalars: gradient))
    }
}
