// The fused multi-modal record codec: table + note → one symbol block → malignancy.

import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// What a head of a ``MultimodalCodec`` reads.
public enum MultimodalInputs: String, Sendable, Hashable, Codable, CaseIterable {
    /// Both modalities (the fused codec).
    case fused
    /// The table block only (the table-only comparison codec).
    case table
    /// The note block only (the note-only comparison codec).
    case note
}

/// One encoder/decoder pair of a multi-modal knowledge base.
public struct MultimodalHead: Sendable {
    /// The head's name: `fused`, `table-only` or `note-only`.
    public var name: String
    /// What it reads.
    public var inputs: MultimodalInputs
    /// Encoder (`ColumnBranches` of one `Dense` per modality, `ReLU`, then the fusion MLP), power
    /// normalization, decoder.
    public var pipeline: MultimodalCodec.Pipeline

    /// Creates a head.
    public init(name: String, inputs: MultimodalInputs, pipeline: MultimodalCodec.Pipeline) {
        self.name = name
        self.inputs = inputs
        self.pipeline = pipeline
    }
}

/// A semantic codec for multi-modal health records (``HealthData/HealthRecord``: tabular fields +
/// a note), sent as **one** message of `k` complex channel uses:
///
/// ```
/// record → HealthRecordFeaturizer → [table block | note block]
///   → ColumnBranches: table block → Dense             (per-modality encoders)
///                     note block  → Dense
///   → concatenation → ReLU → Dense → ReLU → Dense → 2·k reals  (fusion layer)
///   → unit average power → channel → Dense → ReLU → Dense → class logits
/// ```
///
/// Intermediate fusion of per-modality encoders (Ngiam et al., ICML 2011), trained end to end with
/// the channel in the loop (DeepSC-style JSCC: Xie et al., IEEE TSP 2021) and with modality
/// dropout (``ModalityCorruption``; Neverova et al., IEEE TPAMI 2016), so that the fused codec
/// keeps working when one modality is missing or replaced by noise. The knowledge base also holds
/// the **table-only** and **note-only** codecs, same `k`, same training, for the comparison.
///
/// ```swift
/// let codec = try MultimodalCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: "KnowledgeBases/bcwd-multimodal.semkb"))
/// let x = try codec.featurizer.features(of: records)                   // [records, width]
/// var rng = Xoshiro256(seed: 1)
/// let symbols = codec.fused.pipeline.symbols(for: x, using: &rng)      // [records, 2·k]
/// let probabilities = try codec.probabilities(received: AWGN(snrDecibels: 5).transmit(symbols, using: &rng).output)
/// ```
public struct MultimodalCodec: Sendable {
    /// The pipeline type of every head.
    public typealias Pipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

    /// Field names, in the table block's order.
    public var fieldNames: [String]
    /// Class names, in label order.
    public var labelNames: [String]
    /// The featurizer.
    public var featurizer: HealthRecordFeaturizer
    /// The heads: `fused` first, then `table-only` and `note-only`.
    public var heads: [MultimodalHead]
    /// The fingerprint of the knowledge base the codec was read from (`nil` before it is stored).
    public var knowledgeBaseFingerprint: Fingerprint?

    /// Creates a codec from its parts.
    /// - Precondition: a head with inputs `.fused` exists.
    public init(fieldNames: [String], labelNames: [String], featurizer: HealthRecordFeaturizer, heads: [MultimodalHead]) {
        precondition(heads.contains { $0.inputs == .fused }, "a multi-modal codec needs a fused head")
        self.fieldNames = fieldNames
        self.labelNames = labelNames
        self.featurizer = featurizer
        self.heads = heads
        self.knowledgeBaseFingerprint = nil
    }

    /// The fused head.
    public var fused: MultimodalHead { heads.first { $0.inputs == .fused }! }

    /// The first head reading `inputs`, if any.
    public func head(_ inputs: MultimodalInputs) -> MultimodalHead? { heads.first { $0.inputs == inputs } }

    /// `k` of the fused head.
    public var channelUsesPerSample: Int { fused.pipeline.channelUsesPerSample }

    /// The 8-byte identity `.semf` frames carry, or `nil` for a codec not read from a KB.
    public var frameFingerprint: KBFingerprint? { knowledgeBaseFingerprint.map { KBFingerprint(digest: $0.bytes) } }

    /// Class probabilities `[records, classes]` of the fused head for received symbols `[records, 2·k]`.
    /// - Throws: ``MultimodalCodecError`` `incompatibleSymbols` for a wrong shape or non-finite values.
    public func probabilities(received: Tensor<Float>) throws(MultimodalCodecError) -> Tensor<Float> {
        let width = 2 * channelUsesPerSample
        guard received.rank == 2, received.shape[1] == width else {
            throw MultimodalCodecError(
                code: .incompatibleSymbols, message: "received symbols have shape \(received.shape); this knowledge base decodes [records, \(width)]")
        }
        guard received.scalars.allSatisfy(\.isFinite) else {
            throw MultimodalCodecError(code: .incompatibleSymbols, message: "received symbols contain non-finite values")
        }
        return fused.pipeline.decode(received).softmax()
    }

    /// Classes of clean feature rows through `head` without a channel (noiseless symbols): the raw
    /// path's task model, as strong as the semantic decoder on clean data.
    public func classifyNoiseless(_ inputs: Tensor<Float>, head: MultimodalHead? = nil) -> [Int] {
        let pipeline = (head ?? fused).pipeline
        var unused = SplitMix64(seed: 0)  // no perturbations: the generator is not drawn from
        return pipeline.decode(pipeline.symbols(for: inputs, using: &unused)).argmaxAlongLastAxis()
    }

    /// Accuracy of `head` over `channel`, `repeats` realizations per record, with an optional
    /// modality corruption.
    /// - Precondition: `inputs.shape[0] == labels.count`, `repeats ≥ 1`.
    public func accuracy<C: ChannelModel, G: RandomNumberGenerator>(
        of head: MultimodalHead, _ inputs: Tensor<Float>, labels: [Int], over channel: C, repeats: Int = 1,
        corruption: ModalityCorruptionKind? = nil, using rng: inout G
    ) -> (accuracy: Double, balancedAccuracy: Double) {
        precondition(repeats >= 1 && inputs.shape.first == labels.count, "\(inputs.shape) inputs for \(labels.count) labels")
        var link = head.pipeline
        if let corruption { link.perturbations.append(ModalityCorruption(corruption, featurizer: featurizer)) }
        var predictions: [Int] = []
        var truth: [Int] = []
        for _ in 0..<repeats {
            predictions += link(inputs, over: channel, using: &rng).argmaxAlongLastAxis()
            truth += labels
        }
        return (
            Metrics.accuracy(predictions: predictions, labels: truth),
            Metrics.balancedAccuracy(predictions: predictions, labels: truth)
        )
    }

    // MARK: - Building heads

    /// A freshly initialized head: per-modality branches (one `Dense` each), `ReLU` on their
    /// concatenation, fusion MLP, decoder MLP.
    static func makeHead<G: RandomNumberGenerator>(
        _ inputs: MultimodalInputs, featurizer: HealthRecordFeaturizer, classes: Int,
        configuration c: MultimodalCodecConfiguration, using rng: inout G
    ) -> MultimodalHead {
        var branches: [(columns: Range<Int>, network: Sequential<Float>)] = []
        if inputs != .note {
            branches.append((featurizer.tableColumns, branch(featurizer.tableColumns.count, c.tableHidden, using: &rng)))
        }
        if inputs != .table {
            branches.append((featurizer.noteColumns, branch(featurizer.noteColumns.count, c.noteHidden, using: &rng)))
        }
        let k = c.channelUsesPerSample
        let concatenated = (inputs != .note ? c.tableHidden : 0) + (inputs != .table ? c.noteHidden : 0)
        let fusion = multilayerPerceptron(
            inputSize: concatenated, hiddenSizes: c.fusionHiddenSizes, outputSize: 2 * k, using: &rng)
        let decoder = multilayerPerceptron(
            inputSize: 2 * k, hiddenSizes: c.decoderHiddenSizes, outputSize: classes, using: &rng)
        let encoder = Sequential<Float>(
            [ColumnBranches(inputWidth: featurizer.width, branches: branches), ReLU<Float>()] + fusion.layers)
        return MultimodalHead(
            name: headName(inputs), inputs: inputs,
            pipeline: Pipeline(
                encoder: NetworkEncoder(network: encoder, channelUsesPerSample: k),
                decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k)))
    }

    /// `fused`, `table-only`, `note-only`.
    static func headName(_ inputs: MultimodalInputs) -> String {
        switch inputs {
        case .fused: "fused"
        case .table: "table-only"
        case .note: "note-only"
        }
    }

    static func branch<G: RandomNumberGenerator>(_ input: Int, _ hidden: Int, using rng: inout G) -> Sequential<Float> {
        Sequential<Float>(Dense<Float>(inputSize: input, outputSize: hidden, initializer: .heUniform, using: &rng))
    }
}
