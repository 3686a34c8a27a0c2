// The tabular semantic codec: schema + preprocessing + encoder/decoder MLPs, rebuilt from a knowledge base.

import Channels
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// A semantic codec for tabular health records: records are preprocessed (``TabularPreprocessor``),
/// an MLP encoder maps each record to `k` complex channel symbols, the pipeline power-normalizes
/// them, and an MLP decoder maps the received symbols to class logits (DeepSC-style end-to-end
/// learned JSCC for a classification task: Xie et al., IEEE TSP 2021; O'Shea & Hoydis, IEEE TCCN 2017).
///
/// Built by ``TabularKnowledgeBase/build(dataPath:schema:configuration:progress:)`` and rebuilt,
/// at either end of a link, from the resulting knowledge base with ``init(knowledgeBase:)``.
///
/// ```swift
/// let codec = try TabularCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: "KnowledgeBases/bcwd-tabular.semkb"))
/// var rng = Xoshiro256(seed: 1)
/// let symbols = codec.encode(codec.inputs(for: table), using: &rng)         // [records, 2·k]
/// let received = AWGN(snrDecibels: 5).transmit(symbols, using: &rng).output
/// let probabilities = try codec.probabilities(received: received)           // [records, classes]
/// ```
public struct TabularCodec: Sendable {
    /// The pipeline type: MLP encoder and MLP decoder.
    public typealias Pipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

    /// The table schema.
    public var schema: TableSchema
    /// The fitted preprocessing.
    public var preprocessor: TabularPreprocessor
    /// Encoder, power normalization, perturbations and decoder.
    public var pipeline: Pipeline
    /// The fingerprint of the knowledge base the codec was read from (`nil` for a codec not yet stored).
    public var knowledgeBaseFingerprint: Fingerprint?
    /// Further encoder/decoder pairs sharing the preprocessing: other bandwidths `k` for rate
    /// adaptation and a non-coherent head for fading without CSI (see ``TabularCodecHead``).
    public var heads: [TabularCodecHead] = []
    /// The transmitter's rule for picking `k` per channel and SNR, measured on the validation split.
    public var rateTable: TabularRateTable?

    /// Creates a codec from its parts.
    /// - Precondition: the encoder reads `preprocessor.width` features (checked on first use) and the
    ///   decoder outputs one logit per label of `schema`.
    public init(schema: TableSchema, preprocessor: TabularPreprocessor, pipeline: Pipeline) {
        self.schema = schema
        self.preprocessor = preprocessor
        self.pipeline = pipeline
        self.knowledgeBaseFingerprint = nil
    }

    /// `k`, complex channel uses per record.
    public var channelUsesPerSample: Int { pipeline.channelUsesPerSample }
    /// The class names, in label-index order.
    public var labelNames: [String] { schema.labelNames }

    /// The 8-byte identity `.semf` frames carry (the first bytes of ``knowledgeBaseFingerprint``),
    /// or `nil` for a codec not read from a knowledge base.
    public var frameFingerprint: KBFingerprint? {
        knowledgeBaseFingerprint.map { KBFingerprint(digest: $0.bytes) }
    }

    // MARK: - Coding

    /// The encoder inputs of a dataset's records (all by default): `[records, width]`.
    public func inputs(for dataset: TabularDataset, rows: [Int]? = nil) -> Tensor<Float> {
        preprocessor.transform(dataset, rows: rows)
    }

    /// Encodes preprocessed records to power-normalized channel symbols `[records, 2·k]` (the
    /// pipeline's input perturbations, if any, are drawn from `rng`).
    public func encode<G: RandomNumberGenerator>(_ inputs: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        precondition(
            inputs.rank == 2 && inputs.shape[1] == preprocessor.width,
            "Tabular encoder expects [records, \(preprocessor.width)], got \(inputs.shape)")
        return pipeline.symbols(for: inputs, using: &rng)
    }

    /// Class probabilities `[records, classes]` (softmax of the decoder's logits) for received
    /// symbols `[records, 2·k]`.
    /// - Throws: ``TabularCodecError`` `incompatibleSymbols` if the shape is not `[records, 2·k]`
    ///   or a symbol is not finite.
    public func probabilities(received: Tensor<Float>) throws(TabularCodecError) -> Tensor<Float> {
        let width = 2 * channelUsesPerSample
        guard received.rank == 2, received.shape[1] == width else {
            throw TabularCodecError(
                code: .incompatibleSymbols,
                message: "received symbols have shape \(received.shape); this knowledge base decodes [records, \(width)] (k = \(channelUsesPerSample) complex symbols)")
        }
        guard received.scalars.allSatisfy(\.isFinite) else {
            throw TabularCodecError(code: .incompatibleSymbols, message: "received symbols contain non-finite values")
        }
        return pipeline.decode(received).softmax()
    }

    // MARK: - Evaluation

    /// Sends preprocessed records over `channel` `repeats` times (independent perturbations, channel
    /// states and noise each time) and measures the decoded classes.
    /// - Parameters:
    ///   - inputs: `[records, width]`.
    ///   - labels: the true label per record.
    ///   - channel: the channel.
    ///   - repeats: channel realizations per record (≥ 1).
    ///   - rng: perturbations, channel states and noise, repeat by repeat.
    /// - Returns: accuracy, balanced accuracy and (for two classes) the ROC AUC of the class-1
    ///   probability, pooled over all `records × repeats` transmissions.
    public func evaluate<C: ChannelModel, G: RandomNumberGenerator>(
        _ inputs: Tensor<Float>, labels: [Int], over channel: C, repeats: Int = 1, using rng: inout G
    ) -> TabularEvaluation {
        Self.evaluate(
            pipeline, inputs, labels: labels, classes: labelNames.count, over: channel, repeats: repeats, using: &rng)
    }

    /// ``evaluate(_:labels:over:repeats:using:)`` for any pipeline of the codec's shape (a head's).
    public static func evaluate<C: ChannelModel, G: RandomNumberGenerator>(
        _ pipeline: Pipeline, _ inputs: Tensor<Float>, labels: [Int], classes: Int, over channel: C, repeats: Int = 1,
        using rng: inout G
    ) -> TabularEvaluation {
        precondition(repeats >= 1, "repeats must be ≥ 1, got \(repeats)")
        precondition(inputs.shape.first == labels.count, "\(inputs.shape.first ?? 0) records but \(labels.count) labels")
        var predictions: [Int] = []
        var scores: [Float] = []
        var allLabels: [Int] = []
        for _ in 0..<repeats {
            let logits = pipeline(inputs, over: channel, using: &rng)
            predictions += logits.argmaxAlongLastAxis()
            if classes == 2 {
                let p = logits.softmax().scalars
                scores += stride(from: 1, to: p.count, by: 2).map { p[$0] }
            }
            allLabels += labels
        }
        return TabularEvaluation(
            accuracy: Metrics.accuracy(predictions: predictions, labels: allLabels),
            balancedAccuracy: Metrics.balancedAccuracy(predictions: predictions, labels: allLabels),
            auc: classes == 2 ? Metrics.rocAUC(scores: scores, labels: allLabels, positiveClass: 1) : nil,
            transmissions: predictions.count)
    }
}

/// Classification metrics of a codec over one channel setting.
public struct TabularEvaluation: Sendable, Hashable {
    /// The fraction of correctly decoded records.
    public var accuracy: Double
    /// The mean per-class recall.
    public var balancedAccuracy: Double
    /// The ROC AUC of the class-1 probability (two classes only; `nil` if undefined).
    public var auc: Double?
    /// The number of transmissions measured (records × repeats).
    public var transmissions: Int
}

// MARK: - Reading a knowledge base

extension TabularCodec {
    /// The knowledge-base section names the tabular codec uses.
    public enum SectionName {
        /// Raw section: the ``TableSchema`` as compact sorted-key JSON.
        public static let schema = "tabular.schema"
        /// Normalizer section: one normalizer per numeric feature, in feature order.
        public static let normalizers = "tabular.normalizers"
        /// Tensor section `[features]`: the imputed value of each feature (unit value or category index).
        public static let imputation = "tabular.imputation"
        /// Tensor section `[test records]`: the record indices of the held-out test split.
        public static let testIndices = "split.test_indices"
    }

    /// Rebuilds the codec — schema, preprocessing, encoder and decoder — from a knowledge base.
    /// - Throws: ``TabularCodecError`` naming the section: `missingSection` when a needed section
    ///   or manifest entry is absent, `sectionMismatch` when the modality is not tabular, the
    ///   schema JSON is invalid, the normalizers do not match the schema's numeric features, a
    ///   layer kind is unknown, or tensor shapes do not chain (input width → hidden → 2·k → classes).
    public init(knowledgeBase kb: KnowledgeBase) throws(TabularCodecError) {
        guard kb.manifest.modality == .tabular else {
            throw TabularCodecError(
                code: .sectionMismatch, message: "modality is '\(kb.manifest.modality)', expected 'tabular'",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let schemaBytes = kb.rawBytes(named: SectionName.schema) else {
            throw missing(SectionName.schema, "the raw table-schema section")
        }
        let schema: TableSchema
        do {
            schema = try TableSchema(jsonBytes: schemaBytes, source: SectionName.schema)
        } catch {
            throw TabularCodecError(
                code: .sectionMismatch, message: "invalid table schema: \(error.message)", section: SectionName.schema,
                cause: error)
        }
        guard kb.manifest.labelNames == schema.labelNames else {
            throw TabularCodecError(
                code: .sectionMismatch,
                message: "manifest label_names \(kb.manifest.labelNames) differ from the schema's \(schema.labelNames)",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let normalizers = kb.normalizers(named: SectionName.normalizers) else {
            throw missing(SectionName.normalizers, "the normalizer section")
        }
        guard let imputation = kb.tensor(named: SectionName.imputation) else {
            throw missing(SectionName.imputation, "the imputation tensor")
        }
        guard
            let preprocessor = TabularPreprocessor.restore(
                schema: schema, normalizers: normalizers, imputedValues: imputation.scalars.map(Double.init))
        else {
            throw TabularCodecError(
                code: .sectionMismatch,
                message: "normalizers (\(normalizers.map(\.field))) and imputation values (\(imputation.shape)) do not match the schema's features \(schema.featureColumns.map(\.name))",
                section: SectionName.normalizers)
        }
        guard let architecture = kb.manifest.architecture else {
            throw missing(KnowledgeBase.manifestSectionName, "the manifest's architecture")
        }
        let k = architecture.channelUsesPerSample
        guard k >= 1 else {
            throw TabularCodecError(
                code: .sectionMismatch, message: "channel_uses_per_sample is \(k), expected ≥ 1",
                section: KnowledgeBase.manifestSectionName)
        }
        let encoder = try Self.network(
            architecture.encoder, in: kb, inputSize: preprocessor.width, outputSize: 2 * k, role: "encoder")
        let decoder = try Self.network(
            architecture.decoder, in: kb, inputSize: 2 * k, outputSize: schema.labels.count, role: "decoder")
        self.init(
            schema: schema, preprocessor: preprocessor,
            pipeline: Pipeline(
                encoder: NetworkEncoder(network: encoder, channelUsesPerSample: k),
                decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k)))
        self.heads = try Self.heads(in: kb, inputSize: preprocessor.width, classes: schema.labels.count)
        self.rateTable = try Self.rateTable(in: kb)
        self.knowledgeBaseFingerprint = kb.fingerprint
    }

    /// Builds a `Dense`/`ReLU`/`phase_invariant` chain from its description, checking every shape
    /// first (``KnowledgeBaseNetwork``).
    static func network(
        _ layers: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(TabularCodecError) -> Sequential<Float> {
        do {
            return try KnowledgeBaseNetwork.network(layers, in: kb, inputSize: inputSize, outputSize: outputSize, role: role)
        } catch {
            throw TabularCodecError(
                code: error.code == .missingSection ? .missingSection : .sectionMismatch, message: error.message,
                section: error.section)
        }
    }
}

func missing(_ section: String, _ what: String) -> TabularCodecError {
    TabularCodecError(code: .missingSection, message: "the knowledge base lacks \(what) '\(section)'", section: section)
}
