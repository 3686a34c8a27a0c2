// Building, reading, inspecting and verifying multi-modal knowledge bases.

import Channels
import Crypto
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

/// What a multi-modal build measured.
public struct MultimodalBuildReport: Sendable {
    /// Records, training and test records.
    public var recordCount: Int
    /// Training records.
    public var trainCount: Int
    /// Test records.
    public var testCount: Int
    /// Final training loss per head (name → loss).
    public var finalLosses: [String: Float]
    /// Test accuracies: (head, condition, SNR dB, accuracy).
    public var evaluations: [(head: String, condition: String, snrDecibels: Float, accuracy: Double)]
    /// The knowledge base's fingerprint.
    public var fingerprint: Fingerprint
    /// The trained codec (its fingerprint set).
    public var codec: MultimodalCodec
}

/// Builds, reads back, inspects and verifies multi-modal knowledge bases — the library side of
/// `semcom kb build --modality multimodal`.
///
/// The build is a pure function of the records and the ``MultimodalCodecConfiguration``:
/// 1. the records: the 683 complete BCWD rows with generated cytology reports
///    (``HealthData/BCWDMultimodal``, reports from the seed); their SHA-256 (of the serialized
///    records) is the provenance hash, checked when the KB's records are regenerated;
/// 2. a stratified hold-out split (`testFraction`, `Xoshiro256(seed, stream 1)`), test indices in
///    `split.test_indices`;
/// 3. the featurizer fitted on the training records (normalizers, report vocabulary);
/// 4. three heads with the same `k` and training — `fused` (both modalities, with modality dropout),
///    `table-only`, `note-only` — each trained end to end over AWGN with Es/N0 uniform in the
///    training range per record and step (Adam, softmax cross-entropy; weights stream 2 + 16·head,
///    training stream 3 + 16·head); with `pretrainedBranches` (the default) the single-modality
///    heads train first and the fused head's table and note branches start from theirs (ModDrop,
///    Neverova et al., IEEE TPAMI 2016: pretrain each modality's path, then fuse with modality
///    dropout);
/// 5. test metrics per head at each evaluation SNR, and the fused head with the note replaced by
///    noise and with the table missing (stream 4);
/// 6. the manifest (the fused head's architecture), `multimodal.heads` (every head's layers as JSON),
///    the weights, normalizers and vocabulary.
public enum MultimodalKnowledgeBase {
    /// The `created_by` string written into manifests.
    public static let createdBy = "semcom 0.1 MultimodalCodec"

    /// Section names.
    public enum SectionName {
        /// Normalizers: one per table field.
        public static let normalizers = "multimodal.normalizers"
        /// Vocabulary: the report vocabulary.
        public static let vocabulary = "multimodal.note_vocabulary"
        /// Raw JSON: the heads' descriptions.
        public static let heads = "multimodal.heads"
        /// Tensor: test record indices.
        public static let testIndices = "split.test_indices"
    }

    /// How a head is stored in `multimodal.heads`.
    struct HeadDescription: Codable, Hashable {
        struct Branch: Codable, Hashable {
            var modality: String
            var columns: [Int]
            var layers: [CodecArchitecture.Layer]
        }

        var name: String
        var inputs: MultimodalInputs
        var channelUsesPerSample: Int
        var branches: [Branch]
        var fusion: [CodecArchitecture.Layer]
        var decoder: [CodecArchitecture.Layer]

        enum CodingKeys: String, CodingKey {
            case name, inputs
            case channelUsesPerSample = "channel_uses_per_sample"
            case branches, fusion, decoder
        }
    }

    /// The records of a build: BCWD rows with reports from `seed`, and their SHA-256.
    public static func records(seed: UInt64) throws -> (records: [HealthRecord], sha256: String) {
        let records = try BCWDMultimodal.records(seed: seed)
        return (records, sha256Hex(Array(records.map(\.serialized).joined(separator: "\u{1e}").utf8)))
    }

    /// Builds the knowledge base (see the type's documentation).
    /// - Throws: ``MultimodalCodecError`` for unusable records.
    public static func build(
        configuration: MultimodalCodecConfiguration = .default, progress: (String) -> Void = { _ in }
    ) throws -> (knowledgeBase: KnowledgeBase, report: MultimodalBuildReport) {
        let (records, hash) = try records(seed: configuration.seed)
        return try build(
            records: records, dataSHA256: hash, fieldNames: BCWDMultimodal.fieldNames, labelNames: BCWDMultimodal.labelNames,
            configuration: configuration, progress: progress)
    }

    /// Builds from labelled records.
    /// - Throws: ``MultimodalCodecError`` `invalidRecord` for a record without a label in
    ///   `0..<labelNames.count`, a wrong field count or a non-finite value.
    public static func build(
        records: [HealthRecord], dataSHA256: String, fieldNames: [String], labelNames: [String],
        configuration c: MultimodalCodecConfiguration, progress: (String) -> Void = { _ in }
    ) throws(MultimodalCodecError) -> (knowledgeBase: KnowledgeBase, report: MultimodalBuildReport) {
        var labels: [Int] = []
        for (n, record) in records.enumerated() {
            guard let label = record.label, (0..<labelNames.count).contains(label) else {
                throw MultimodalCodecError(
                    code: .invalidRecord, message: "record '\(record.id)' has label \(record.label.map(String.init) ?? "none"), expected 0..<\(labelNames.count)",
                    record: n)
            }
            labels.append(label)
        }
        guard Set(labels).count == labelNames.count, records.count >= 10 else {
            throw MultimodalCodecError(
                code: .invalidRecord, message: "need ≥ 10 records covering every class, got \(records.count) covering \(Set(labels).count)")
        }
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }

        var splitRNG = Xoshiro256(seed: c.seed, stream: 1)
        let split = DataSplit.stratifiedHoldOut(labels: labels, testFraction: c.testFraction, using: &splitRNG)
        let trainRecords = split.trainIndices.map { records[$0] }
        let featurizer = try HealthRecordFeaturizer.fit(
            trainRecords, fieldNames: fieldNames, hashBuckets: c.hashBuckets, hashSeed: c.hashSeed)
        let trainX = try featurizer.features(of: trainRecords)
        let trainY = split.trainIndices.map { labels[$0] }
        let testX = try featurizer.features(of: split.testIndices.map { records[$0] })
        let testY = split.testIndices.map { labels[$0] }

        // With `pretrainedBranches` the single-modality heads train first and the fused head starts
        // from their branch layers (ModDrop's recipe: modality paths pretrained alone, then fused
        // with modality dropout); each head keeps its own streams either way.
        var trained: [MultimodalInputs: MultimodalHead] = [:]
        var finalLosses: [String: Float] = [:]
        let trainingOrder: [MultimodalInputs] = c.pretrainedBranches ? [.table, .note, .fused] : MultimodalInputs.allCases
        for inputs in trainingOrder {
            let h = MultimodalInputs.allCases.firstIndex(of: inputs)!
            var initRNG = Xoshiro256(seed: c.seed, stream: 2 + 16 * h)
            var head = MultimodalCodec.makeHead(
                inputs, featurizer: featurizer, classes: labelNames.count, configuration: c, using: &initRNG)
            if inputs == .fused, c.pretrainedBranches, let table = trained[.table], let note = trained[.note] {
                initializeBranches(of: &head, from: table, and: note)
            }
            if inputs == .fused && !c.orderedDropout.isEmpty {
                head.pipeline.perturbations = [ModalityCorruption(c.orderedDropout, featurizer: featurizer)]
            }
            var trainRNG = Xoshiro256(seed: c.seed, stream: 3 + 16 * h)
            finalLosses[head.name] = train(&head.pipeline, trainX, trainY, configuration: c, using: &trainRNG) { epoch, loss in
                if epoch % 25 == 0 || epoch == c.epochs { progress("\(head.name) epoch \(epoch)/\(c.epochs): loss \(formatNumber(Double(loss)))") }
            }
            head.pipeline.perturbations = []
            trained[inputs] = head
        }
        let heads = MultimodalInputs.allCases.map { trained[$0]! }
        var codec = MultimodalCodec(fieldNames: fieldNames, labelNames: labelNames, featurizer: featurizer, heads: heads)

        // Test metrics.
        var metrics: [String: Double] = [:]
        var evaluations: [(head: String, condition: String, snrDecibels: Float, accuracy: Double)] = []
        var settings: [(MultimodalHead, ModalityCorruptionKind?)] = heads.map { ($0, nil) }
        settings += [(codec.fused, .noteNoise), (codec.fused, .tableMissing)]
        for (s, snr) in c.evaluationSNRDecibels.enumerated() {
            for (i, (head, corruption)) in settings.enumerated() {
                var evalRNG = Xoshiro256(seed: c.seed, stream: 4).fork(stream: UInt64(s) << 8 | UInt64(i))
                let measured = codec.accuracy(
                    of: head, testX, labels: testY, over: AWGN(snrDecibels: snr), repeats: c.evaluationRepeats,
                    corruption: corruption, using: &evalRNG)
                let condition = corruption?.rawValue ?? "none"
                evaluations.append((head.name, condition, snr, measured.accuracy))
                var key = "awgn_\(snrKey(snr))db_\(snake(head.name))"
                if let corruption { key += "_" + snake(corruption.rawValue) }
                metrics[key + "_accuracy"] = measured.accuracy
            }
            progress(
                "awgn \(snrKey(snr)) dB: "
                    + evaluations.suffix(settings.count).map { "\($0.head)[\($0.condition)] \(formatNumber($0.accuracy))" }
                    .joined(separator: ", "))
        }
        metrics["channel_uses_per_sample"] = Double(c.channelUsesPerSample)
        metrics["test_records"] = Double(testY.count)
        metrics["train_records"] = Double(trainY.count)
        metrics["evaluation_repeats"] = Double(c.evaluationRepeats)

        // The knowledge base.
        var sections: [Section] = [
            Section(name: SectionName.normalizers, content: .normalizers(featurizer.normalizers)),
            Section(name: SectionName.vocabulary, content: .vocabulary(Vocabulary(featurizer.vocabulary.sorted()))),
            Section(
                name: SectionName.testIndices,
                content: .tensor(Tensor(shape: [split.testIndices.count], scalars: split.testIndices.map(Float.init)))),
        ]
        var descriptions: [HeadDescription] = []
        for head in heads { descriptions.append(describe(head, sections: &sections)) }
        sections.append(Section(name: SectionName.heads, content: .raw(try sortedJSON(descriptions))))
        let fusedDescription = descriptions[0]
        let featureLayer = CodecArchitecture.Layer(
            kind: "health_record_features", inputSize: nil, outputSize: featurizer.width,
            options: [
                "fields": String(featurizer.fieldCount), "hash_buckets": String(c.hashBuckets),
                "hash_seed": String(c.hashSeed),
            ])
        let branchesLayer = CodecArchitecture.Layer(
            kind: "column_branches", inputSize: featurizer.width,
            outputSize: fusedDescription.fusion.first?.inputSize,
            tensors: fusedDescription.branches.flatMap { $0.layers.flatMap(\.tensors) },
            options: Dictionary(uniqueKeysWithValues: fusedDescription.branches.map { ($0.modality, "\($0.columns[0])..<\($0.columns[1])") }))
        let range = c.trainingSNRDecibels
        let dropout = c.orderedDropout.map { "\($0.kind.rawValue):\($0.probability)" }.joined(separator: ",")
        let manifest = Manifest(
            name: c.name, modality: .multimodal, task: "diagnosis", labelNames: labelNames, schema: nil,
            architecture: CodecArchitecture(
                encoder: [featureLayer, branchesLayer, CodecArchitecture.Layer(kind: "relu")] + fusedDescription.fusion,
                decoder: fusedDescription.decoder,
                channelUsesPerSample: c.channelUsesPerSample, powerNormalization: "average_power"),
            provenance: TrainingProvenance(
                dataSHA256: dataSHA256, dataSource: "embedded BCWD (683 complete rows) + CytologyReportGenerator reports, seed \(c.seed)",
                split: "stratified hold-out, test fraction \(c.testFraction), Xoshiro256(seed \(c.seed), stream 1): \(trainY.count) train / \(testY.count) test; test indices in '\(SectionName.testIndices)'",
                seed: c.seed,
                snrTrainingRangeDecibels: ValueRange(minimum: Double(range.lowerBound), maximum: Double(range.upperBound)),
                adversarial: dropout.isEmpty ? nil : TrainingProvenance.AdversarialSettings(
                    method: "modality_dropout:" + dropout, epsilon: 0, fraction: c.orderedDropout.reduce(0) { $0 + $1.probability },
                    target: "input"),
                threads: 1, epochs: c.epochs),
            metrics: metrics, createdBy: createdBy,
            notes: "Fused multi-modal codec: record = \(featurizer.fieldCount) table fields + a cytology-report note → [table block: standardized values | missing flags] and [note block: \(c.hashBuckets) hashed word/char-3-gram/anagram/bigram buckets | note present | vocabulary coverage] → per-modality Dense+ReLU branches (\(c.tableHidden), \(c.noteHidden)) → fusion MLP → \(c.channelUsesPerSample) complex channel uses → unit average power → decoder MLP → \(labelNames.count) class logits. Trained end to end over AWGN, Es/N0 uniform in \(range.lowerBound)…\(range.upperBound) dB, \(c.epochs) epochs, Adam lr \(c.learningRate), batch \(c.batchSize), modality dropout \(dropout)\(c.pretrainedBranches ? ", branches initialized from the single-modality heads (ModDrop pretraining)" : ""). Section '\(SectionName.heads)' also holds the table-only and note-only codecs (same k and training, no dropout). Metrics: test records, \(c.evaluationRepeats) channel realizations each.")
        let kb = KnowledgeBase(manifest: manifest, sections: sections)
        codec.knowledgeBaseFingerprint = kb.fingerprint
        return (
            kb,
            MultimodalBuildReport(
                recordCount: records.count, trainCount: trainY.count, testCount: testY.count, finalLosses: finalLosses,
                evaluations: evaluations, fingerprint: kb.fingerprint, codec: codec)
        )
    }

    /// Sets the fused head's table and note branches to those of the trained single-modality heads
    /// (ModDrop pretraining); the fusion MLP and the decoder keep their own weights.
    /// - Precondition: the branch layers have the same shapes (same hidden widths).
    static func initializeBranches(of fused: inout MultimodalHead, from table: MultimodalHead, and note: MultimodalHead) {
        // ColumnBranches parameters: table branch (weight, bias), then note branch (weight, bias).
        var parameters = fused.pipeline.parameters
        let tableBranch = table.pipeline.encoder.network.layers[0].parameters
        let noteBranch = note.pipeline.encoder.network.layers[0].parameters
        let count = tableBranch.count + noteBranch.count
        precondition(
            zip(parameters[0..<count], tableBranch + noteBranch).allSatisfy { $0.shape == $1.shape },
            "the single-modality branches do not match the fused head's")
        parameters.replaceSubrange(0..<count, with: tableBranch + noteBranch)
        fused.pipeline.parameters = parameters
    }

    /// Trains a head end to end over AWGN with the configured SNR range; returns the last epoch's mean loss.
    static func train<G: RandomNumberGenerator>(
        _ pipeline: inout MultimodalCodec.Pipeline, _ x: Tensor<Float>, _ y: [Int], configuration c: MultimodalCodecConfiguration,
        using rng: inout G, epochDone: (Int, Float) -> Void
    ) -> Float {
        let channel = ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: c.trainingSNRDecibels)
        var optimizer = Adam<Float>(learningRate: c.learningRate)
        var order = Array(y.indices)
        var last: Float = .nan
        for epoch in 1...c.epochs {
            order.shuffle(using: &rng)
            var total: Float = 0
            var batches = 0
            var start = 0
            while start < order.count {
                let batch = Array(order[start..<Swift.min(start + c.batchSize, order.count)])
                start += c.batchSize
                total += pipeline.trainingStep(
                    inputs: x.gatherRows(batch), labels: batch.map { y[$0] }, through: channel, optimizer: &optimizer,
                    using: &rng
                ).loss
                batches += 1
            }
            last = total / Float(batches)
            epochDone(epoch, last)
        }
        return last
    }

    /// Appends a head's weights as sections and returns its description.
    static func describe(_ head: MultimodalHead, sections: inout [Section]) -> HeadDescription {
        let layers = head.pipeline.encoder.network.layers
        let branches = layers[0] as! ColumnBranches<Float>
        let prefix = "head.\(head.name)"
        var described: [HeadDescription.Branch] = []
        var concatenated = 0
        for (range, network) in zip(branches.columns, branches.networks) {
            let modality = range.lowerBound == 0 ? "table" : "note"
            let hidden = network.parameters[0].shape[1]
            concatenated += hidden
            described.append(
                HeadDescription.Branch(
                    modality: modality, columns: [range.lowerBound, range.upperBound],
                    layers: KnowledgeBaseNetwork.describe(
                        network, prefix: "\(prefix).\(modality)", sizes: [range.count, hidden], sections: &sections)))
        }
        // layers[1] is the ReLU on the concatenation; the fusion MLP follows.
        let fusion = Sequential<Float>(Array(layers.dropFirst(2)))
        let decoder = head.pipeline.decoder.network
        return HeadDescription(
            name: head.name, inputs: head.inputs, channelUsesPerSample: head.pipeline.channelUsesPerSample,
            branches: described,
            fusion: KnowledgeBaseNetwork.describe(
                fusion, prefix: "\(prefix).fusion", sizes: mlpSizes(fusion, input: concatenated), sections: &sections),
            decoder: KnowledgeBaseNetwork.describe(
                decoder, prefix: "\(prefix).decoder", sizes: mlpSizes(decoder, input: 2 * head.pipeline.channelUsesPerSample),
                sections: &sections))
    }

    /// The layer sizes `[input, hidden…, output]` of a `Dense → ReLU → … → Dense` chain.
    static func mlpSizes(_ network: Sequential<Float>, input: Int) -> [Int] {
        [input] + network.parameters.enumerated().filter { $0.offset % 2 == 1 }.map { $0.element.shape[0] }
    }

    // MARK: - Reading back

    /// The recorded records of a KB built from generated data: regenerated from the seed, checked
    /// against the recorded SHA-256, split into training and test records.
    /// - Throws: ``MultimodalCodecError`` `sectionMismatch` if the hash or indices do not match.
    public static func recordedRecords(of kb: KnowledgeBase) throws -> (train: [HealthRecord], test: [HealthRecord]) {
        guard let provenance = kb.manifest.provenance else {
            throw MultimodalCodecError(code: .missingSection, message: "the manifest has no provenance", section: KnowledgeBase.manifestSectionName)
        }
        let (records, hash) = try records(seed: provenance.seed)
        guard hash == provenance.dataSHA256 else {
            throw MultimodalCodecError(
                code: .sectionMismatch,
                message: "the regenerated records hash to \(hash), the knowledge base recorded \(provenance.dataSHA256)",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let tensor = kb.tensor(named: SectionName.testIndices) else {
            throw MultimodalCodecError(code: .missingSection, message: "no recorded test split", section: SectionName.testIndices)
        }
        var test = Set<Int>()
        for value in tensor.scalars {
            guard value.isFinite, value == value.rounded(), value >= 0, Int(value) < records.count, test.insert(Int(value)).inserted
            else {
                throw MultimodalCodecError(
                    code: .sectionMismatch, message: "test index \(value) is not a distinct record index in 0..<\(records.count)",
                    section: SectionName.testIndices)
            }
        }
        return (records.indices.filter { !test.contains($0) }.map { records[$0] }, test.sorted().map { records[$0] })
    }

    /// A human-readable summary (what `semcom kb inspect` prints for a multi-modal KB).
    public static func inspect(_ kb: KnowledgeBase) -> String {
        let m = kb.manifest
        var lines = [
            "name:         \(m.name)", "fingerprint:  \(kb.fingerprint.hexString)",
            "modality:     \(m.modality)   task: \(m.task)   labels: \(m.labelNames.joined(separator: ", "))",
            "created by:   \(m.createdBy)",
        ]
        if let codec = try? MultimodalCodec(knowledgeBase: kb) {
            lines.append("fields:       \(codec.fieldNames.joined(separator: ", "))")
            lines.append("note block:   \(codec.featurizer.hashBuckets) hash buckets, vocabulary of \(codec.featurizer.vocabulary.count) words")
            for head in codec.heads {
                lines.append("head \(head.name) reads \(head.inputs.rawValue), \(head.pipeline.channelUsesPerSample) complex channel uses, \(head.pipeline.parameters.reduce(0) { $0 + $1.scalars.count }) parameters")
            }
        }
        if let p = m.provenance {
            lines.append("data sha256:  \(p.dataSHA256) (\(p.dataSource ?? "-"))")
            lines.append("split:        \(p.split)")
            lines.append("training:     seed \(p.seed), \(p.epochs ?? 0) epochs, \(p.adversarial?.method ?? "no modality dropout")")
        }
        if !m.metrics.isEmpty {
            lines.append("metrics:")
            for key in m.metrics.keys.sorted() { lines.append("  \(key): \(formatNumber(m.metrics[key]!))") }
        }
        lines.append("sections:     \(kb.sections.count)")
        return lines.joined(separator: "\n")
    }

    /// Verifies a `.semkb` file completely (format, then that the codec can be rebuilt).
    public static func verify(contentsOfFile path: String) throws -> String {
        let report = KnowledgeBase.verify(contentsOfFile: path)
        if let error = report.error { throw error }
        let kb = try KnowledgeBase(contentsOfFile: path)
        let codec = try MultimodalCodec(knowledgeBase: kb)
        return [
            "\(path): OK",
            "format version \(report.formatVersion.map(String.init) ?? "?"), \(report.fileLength) bytes, \(report.checkedSectionCount) sections checked",
            "fingerprint \(kb.fingerprint.hexString) (frames carry \(codec.frameFingerprint?.description ?? "-"))",
            "multi-modal codec: \(codec.fieldNames.count) fields + note → \(codec.featurizer.width) features → heads \(codec.heads.map(\.name).joined(separator: ", ")), \(codec.channelUsesPerSample) complex channel uses → \(codec.labelNames.count) classes",
        ].joined(separator: "\n")
    }
}

extension MultimodalCodec {
    /// Rebuilds the codec — normalizers, vocabulary, every head — from a knowledge base written by
    /// ``MultimodalKnowledgeBase``.
    /// - Throws: ``MultimodalCodecError`` naming the section: `missingSection`, or
    ///   `sectionMismatch` for another modality, undecodable head JSON, or tensors that do not chain.
    public init(knowledgeBase kb: KnowledgeBase) throws(MultimodalCodecError) {
        typealias Names = MultimodalKnowledgeBase.SectionName
        guard kb.manifest.modality == .multimodal else {
            throw MultimodalCodecError(
                code: .sectionMismatch, message: "modality is '\(kb.manifest.modality)', expected 'multimodal'",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let normalizers = kb.normalizers(named: Names.normalizers), !normalizers.isEmpty else {
            throw MultimodalCodecError(code: .missingSection, message: "the knowledge base lacks the field normalizers", section: Names.normalizers)
        }
        guard let vocabulary = kb.vocabulary(named: Names.vocabulary) else {
            throw MultimodalCodecError(code: .missingSection, message: "the knowledge base lacks the note vocabulary", section: Names.vocabulary)
        }
        guard let architecture = kb.manifest.architecture, let features = architecture.encoder.first,
            features.kind == "health_record_features", let buckets = features.options["hash_buckets"].flatMap(Int.init),
            buckets >= 1, let seed = features.options["hash_seed"].flatMap(UInt64.init)
        else {
            throw MultimodalCodecError(
                code: .sectionMismatch, message: "the encoder must start with a health_record_features layer with hash_buckets and hash_seed options",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let bytes = kb.rawBytes(named: Names.heads) else {
            throw MultimodalCodecError(code: .missingSection, message: "the knowledge base lacks the head list", section: Names.heads)
        }
        let descriptions: [MultimodalKnowledgeBase.HeadDescription]
        do {
            descriptions = try JSONDecoder().decode([MultimodalKnowledgeBase.HeadDescription].self, from: Data(bytes))
        } catch {
            throw MultimodalCodecError(code: .sectionMismatch, message: "the head list does not decode: \(error)", section: Names.heads)
        }
        let featurizer = HealthRecordFeaturizer(
            normalizers: normalizers, vocabulary: Set(vocabulary.tokens), hashBuckets: buckets, hashSeed: seed)
        let classes = kb.manifest.labelNames.count
        var heads: [MultimodalHead] = []
        do {
            for d in descriptions {
                let k = d.channelUsesPerSample
                guard k >= 1, !d.branches.isEmpty else {
                    throw MultimodalCodecError(code: .sectionMismatch, message: "head '\(d.name)' has k = \(k) and \(d.branches.count) branches", section: Names.heads)
                }
                var branches: [(columns: Range<Int>, network: Sequential<Float>)] = []
                var width = 0
                for b in d.branches {
                    guard b.columns.count == 2, b.columns[0] >= 0, b.columns[0] < b.columns[1], b.columns[1] <= featurizer.width,
                        let hidden = b.layers.first(where: { $0.kind == "dense" })?.outputSize
                    else {
                        throw MultimodalCodecError(
                            code: .sectionMismatch, message: "head '\(d.name)' branch \(b.modality) has columns \(b.columns) outside 0..<\(featurizer.width)",
                            section: Names.heads)
                    }
                    let columns = b.columns[0]..<b.columns[1]
                    branches.append(
                        (columns, try KnowledgeBaseNetwork.network(b.layers, in: kb, inputSize: columns.count, outputSize: hidden, role: "head \(d.name) \(b.modality) branch")))
                    width += hidden
                }
                let fusion = try KnowledgeBaseNetwork.network(d.fusion, in: kb, inputSize: width, outputSize: 2 * k, role: "head \(d.name) fusion")
                let decoder = try KnowledgeBaseNetwork.network(d.decoder, in: kb, inputSize: 2 * k, outputSize: classes, role: "head \(d.name) decoder")
                heads.append(
                    MultimodalHead(
                        name: d.name, inputs: d.inputs,
                        pipeline: Pipeline(
                            encoder: NetworkEncoder(
                                network: Sequential(
                                    [ColumnBranches(inputWidth: featurizer.width, branches: branches), ReLU<Float>()] + fusion.layers),
                                channelUsesPerSample: k),
                            decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k))))
            }
        } catch let error as KnowledgeBaseNetwork.Failure {
            throw MultimodalCodecError(
                code: error.code == .missingSection ? .missingSection : .sectionMismatch, message: error.message,
                section: error.section, cause: error)
        } catch let error as MultimodalCodecError {
            throw error
        } catch {
            throw MultimodalCodecError(code: .sectionMismatch, message: "\(error)", section: Names.heads)
        }
        guard heads.contains(where: { $0.inputs == .fused }) else {
            throw MultimodalCodecError(code: .sectionMismatch, message: "no fused head", section: Names.heads)
        }
        self.init(
            fieldNames: normalizers.map(\.field), labelNames: kb.manifest.labelNames, featurizer: featurizer, heads: heads)
        self.knowledgeBaseFingerprint = kb.fingerprint
    }
}

/// The lowercase hexadecimal SHA-256 (FIPS 180-4) of `bytes`.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
}

/// `table-only` → `table_only`.
func snake(_ name: String) -> String { String(name.map { $0 == "-" ? "_" : $0 }) }

/// An SNR as used in metric names.
func snrKey(_ snr: Float) -> String {
    snr == snr.rounded() ? String(Int(snr)) : String((Double(snr) * 10).rounded() / 10)
}

/// A number with up to 4 decimals.
func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String((value * 10_000).rounded() / 10_000)
}

/// Deterministic JSON (sorted keys) for raw sections.
func sortedJSON<T: Encodable>(_ value: T) throws(MultimodalCodecError) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
        return Array(try encoder.encode(value))
    } catch {
        throw MultimodalCodecError(code: .sectionMismatch, message: "cannot encode \(T.self) as JSON: \(error)")
    }
}
