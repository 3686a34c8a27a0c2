// The pose semantic codec: canonical features → MLP encoder → k channel uses → activity and fall heads.

import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import RealModule
import SemanticCodec
import TensorCore

/// A semantic codec for 3-D pose clips (e.g. 1 s = 30 frames of 17 joints): the encoder
/// (``PoseEncoderNetwork``: body-size-invariant canonical features, then an MLP) maps a clip to `k`
/// complex channel uses; the pipeline power-normalizes them; the decoder MLP outputs 8 activity
/// logits (``HealthData/PoseActivity`` order) and one fall logit. End-to-end learned JSCC (Xie et al.,
/// IEEE TSP 2021) whose training also plays against an adversary that predicts the subject's height
/// and wingspan from the transmitted symbols, through a gradient-reversal layer (Ganin & Lempitsky,
/// "Unsupervised domain adaptation by backpropagation", ICML 2015), so that the symbols carry the
/// activity and hide the body (``PoseKnowledgeBase``).
///
/// ```swift
/// let codec = try PoseCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: "KnowledgeBases/pose-activity.semkb"))
/// var rng = Xoshiro256(seed: 1)
/// let x = try codec.inputs(for: clips)                       // [clips, 30·51], NaN = occluded
/// let symbols = codec.encode(x, using: &rng)                 // [clips, 2·k]
/// let received = AWGN(snrDecibels: 5).transmit(symbols, using: &rng).output
/// let decoded = try codec.decode(received)                   // activity probabilities, fall probability
/// ```
public struct PoseCodec: Sendable {
    /// Encoder (front end + MLP) and decoder MLP (9 outputs: 8 activity logits, 1 fall logit).
    public typealias Pipeline = SemanticPipeline<NetworkEncoder<PoseEncoderNetwork>, NetworkDecoder<Sequential<Float>>>

    /// The link.
    public var pipeline: Pipeline
    /// The fingerprint of the knowledge base the codec was read from, if any.
    public var knowledgeBaseFingerprint: Fingerprint?

    /// The activity names in label order.
    public static let labelNames = PoseActivity.names
    /// Decoder outputs: one logit per activity, then the fall logit.
    public static let decoderOutputs = PoseActivity.allCases.count + 1

    /// Creates a codec.
    /// - Precondition: the decoder outputs ``decoderOutputs`` values (checked on use).
    public init(pipeline: Pipeline) {
        self.pipeline = pipeline
        self.knowledgeBaseFingerprint = nil
    }

    /// `k`, complex channel uses per clip.
    public var channelUsesPerSample: Int { pipeline.channelUsesPerSample }
    /// Frames per clip.
    public var clipFrames: Int { pipeline.encoder.network.features.clipFrames }

    /// The 8-byte identity `.semf` frames carry, or `nil`.
    public var frameFingerprint: KBFingerprint? { knowledgeBaseFingerprint.map { KBFingerprint(digest: $0.bytes) } }

    /// Encoder input rows `[clips, clipFrames·51]` of clips.
    /// - Throws: ``PoseCodecError`` `incompatibleInput` naming the first clip whose frame count differs
    ///   from ``clipFrames`` (cut recordings with ``PoseClipTensor/windows(of:frames:hop:)``).
    public func inputs(for clips: [PoseRecording]) throws(PoseCodecError) -> Tensor<Float> {
        if let index = clips.firstIndex(where: { $0.frames.count != clipFrames }) {
            throw PoseCodecError(
                code: .incompatibleInput,
                message:
                    "clip \(index) has \(clips[index].frames.count) frames; this codec encodes clips of \(clipFrames) frames"
            )
        }
        return PoseClipTensor.rows(clips, frames: clipFrames)
    }

    /// Power-normalized channel symbols `[clips, 2·k]` of input rows (the pipeline's perturbations
    /// drawn from `rng`).
    public func encode<G: RandomNumberGenerator>(_ inputs: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        pipeline.symbols(for: inputs, using: &rng)
    }

    /// What the receiver decodes from a batch of clips.
    public struct Decoded: Sendable {
        /// Activity probabilities `[clips, 8]` (softmax).
        public var activityProbabilities: Tensor<Float>
        /// The probability of a fall per clip (sigmoid of the fall logit).
        public var fallProbabilities: [Float]
        /// The most probable activity per clip.
        public var activities: [PoseActivity] {
            activityProbabilities.argmaxAlongLastAxis().map { PoseActivity(rawValue: $0)! }  // index < 8
        }
        /// Fall detected (probability ≥ 0.5) per clip.
        public var falls: [Bool] { fallProbabilities.map { $0 >= 0.5 } }
    }

    /// Decodes received symbols `[clips, 2·k]`.
    /// - Throws: ``PoseCodecError`` `incompatibleSymbols` for another shape or non-finite symbols.
    public func decode(_ received: Tensor<Float>) throws(PoseCodecError) -> Decoded {
        let width = 2 * channelUsesPerSample
        guard received.rank == 2, received.shape[1] == width else {
            throw PoseCodecError(
                code: .incompatibleSymbols,
                message:
                    "received symbols have shape \(received.shape); this knowledge base decodes [clips, \(width)] (k = \(channelUsesPerSample))"
            )
        }
        guard received.isFinite else {
            throw PoseCodecError(code: .incompatibleSymbols, message: "received symbols contain non-finite values")
        }
        return Self.split(pipeline.decode(received))
    }

    static func split(_ output: Tensor<Float>) -> Decoded {
        let n = output.shape[0]
        let classes = PoseActivity.allCases.count
        precondition(
            output.shape == [n, classes + 1], "Pose decoder outputs [clips, \(classes + 1)], got \(output.shape)")
        var logits: [Float] = []
        logits.reserveCapacity(n * classes)
        var fall: [Float] = []
        for i in 0..<n {
            logits += output.scalars[(i * (classes + 1))..<(i * (classes + 1) + classes)]
            fall.append(1 / (1 + Float.exp(-output.scalars[i * (classes + 1) + classes])))
        }
        return Decoded(
            activityProbabilities: Tensor(shape: [n, classes], scalars: logits).softmax(), fallProbabilities: fall)
    }

    /// The same link with a decoder that outputs only the 8 activity logits (the fall column of the
    /// last layer removed): a classifier pipeline for the modality-independent link evaluation.
    public var activityPipeline: Pipeline {
        var layers = pipeline.decoder.network.layers
        guard let last = layers.last as? Dense<Float> else { return pipeline }
        let classes = PoseActivity.allCases.count
        let inputs = last.weight.shape[0]
        let outputs = last.weight.shape[1]
        var weight: [Float] = []
        for r in 0..<inputs { weight += last.weight.scalars[(r * outputs)..<(r * outputs + classes)] }
        layers[layers.count - 1] = Dense<Float>(
            weight: Tensor(shape: [inputs, classes], scalars: weight),
            bias: Tensor(shape: [classes], scalars: Array(last.bias.scalars[0..<classes])))
        var copy = pipeline
        copy.decoder = NetworkDecoder(network: Sequential(layers), channelUsesPerSample: channelUsesPerSample)
        return copy
    }

    /// Sends input rows over `channel` `repeats` times and measures both tasks.
    /// - Parameters:
    ///   - inputs: `[clips, clipFrames·51]`.
    ///   - activities: the true activity per clip.
    ///   - falls: the true fall flag per clip.
    ///   - channel: the channel.
    ///   - repeats: channel realizations per clip (≥ 1).
    ///   - rng: perturbations, channel states and noise.
    public func evaluate<C: ChannelModel, G: RandomNumberGenerator>(
        _ inputs: Tensor<Float>, activities: [PoseActivity], falls: [Bool], over channel: C, repeats: Int = 1,
        using rng: inout G
    ) -> PoseEvaluation {
        precondition(repeats >= 1, "repeats must be ≥ 1, got \(repeats)")
        precondition(
            inputs.shape.first == activities.count && activities.count == falls.count,
            "One activity and fall flag per clip")
        var predicted: [Int] = []
        var truth: [Int] = []
        var fallPredicted: [Bool] = []
        var fallTruth: [Bool] = []
        for _ in 0..<repeats {
            let decoded = Self.split(pipeline(inputs, over: channel, using: &rng))
            predicted += decoded.activityProbabilities.argmaxAlongLastAxis()
            truth += activities.map(\.rawValue)
            fallPredicted += decoded.falls
            fallTruth += falls
        }
        return PoseEvaluation(predicted: predicted, truth: truth, fallPredicted: fallPredicted, fallTruth: fallTruth)
    }
}

/// Task metrics of the pose codec at one channel setting.
public struct PoseEvaluation: Sendable, Hashable {
    /// Fraction of clips whose activity is decoded correctly.
    public var accuracy: Double
    /// Mean per-activity recall.
    public var balancedAccuracy: Double
    /// Fraction of fall clips flagged as falls (`nil` without fall clips).
    public var fallRecall: Double?
    /// Fraction of flagged clips that are falls (`nil` if nothing was flagged).
    public var fallPrecision: Double?
    /// Fraction of non-fall clips flagged as falls (`nil` without such clips).
    public var fallFalseAlarmRate: Double?
    /// Transmissions measured (clips × repeats).
    public var transmissions: Int

    /// Computes the metrics from predictions.
    public init(predicted: [Int], truth: [Int], fallPredicted: [Bool], fallTruth: [Bool]) {
        accuracy = Metrics.accuracy(predictions: predicted, labels: truth)
        balancedAccuracy = Metrics.balancedAccuracy(predictions: predicted, labels: truth)
        let pairs = zip(fallPredicted, fallTruth)
        let positives = fallTruth.filter { $0 }.count
        let flagged = fallPredicted.filter { $0 }.count
        let hits = pairs.filter { $0 && $1 }.count
        let negatives = fallTruth.count - positives
        fallRecall = positives > 0 ? Double(hits) / Double(positives) : nil
        fallPrecision = flagged > 0 ? Double(hits) / Double(flagged) : nil
        fallFalseAlarmRate = negatives > 0 ? Double(flagged - hits) / Double(negatives) : nil
        transmissions = truth.count
    }
}
