// Building, inspecting and verifying tabular knowledge bases.

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

/// What a ``TabularKnowledgeBase/build(dataPath:schema:configuration:progress:)`` run measured.
public struct TabularBuildReport: Sendable {
    /// Records loaded (after the schema's drop policy), training and test records.
    public var recordCount: Int
    /// Training records fitted on (the training split without the validation records).
    public var trainCount: Int
    /// Test records.
    public var testCount: Int
    /// The training history (one report per epoch).
    public var history: TrainingHistory
    /// Test metrics per channel setting, e.g. `("awgn", -5, …)`, in measurement order.
    public var evaluations: [(channel: String, snrDecibels: Float, evaluation: TabularEvaluation)]
    /// The knowledge base's fingerprint.
    public var fingerprint: Fingerprint
    /// The trained codec, as it was when stored (its ``TabularCodec/knowledgeBaseFingerprint`` set).
    public var codec: TabularCodec
}

/// Builds, reads back, inspects and verifies knowledge bases of the tabular codec — the library side
/// of `semcom kb build --modality tabular`, `semcom kb inspect` and `semcom kb verify`.
///
/// The build is a pure function of the data bytes, the schema and the ``TabularCodecConfiguration``:
///
/// 1. load the CSV through the schema (``TabularDataset``) and hash the file (SHA-256, FIPS 180-4);
/// 2. split it by `DataSplit.stratifiedHoldOut` (HealthData) with `Xoshiro256(seed: seed, stream: 1)`;
///    the test indices are stored in the `split.test_indices` section; then hold out a stratified
///    ``TabularCodecConfiguration/validationFraction`` of the training records (stream 6, section
///    `split.validation_indices`), which nothing is fitted on;
/// 3. fit the preprocessing on the remaining training rows only;
/// 4. initialize the MLPs (stream 2) and train encoder + channel + decoder end to end over AWGN with
///    a per-record Es/N0 drawn uniformly from the training range (SemanticCodec's `ChannelLayer`,
///    `ClassificationTrainer`, Adam; stream 3), with one BLAS thread so the weights are bit-reproducible;
///    then each head the same way (forks `1, 2, …` of streams 2 and 3): coherent heads with other
///    bandwidths `k` over AWGN, and a non-coherent head over Rayleigh block fading without CSI
///    (``TabularCodecHead``);
/// 5. measure the ``TabularRateTable`` on the **validation** records: every coherent `k` over
///    `awgn` and `rayleigh` (MMSE, CSI) at each evaluation SNR, channel `c`, SNR `s`, bandwidth `u`
///    drawing from `Xoshiro256(seed: seed, stream: 7).fork(stream: c << 32 | s << 16 | u)`;
/// 6. measure the test split (stream 4) over AWGN at each evaluation SNR, over Rayleigh block
///    fading (one coefficient per record) with MMSE equalization (CSI) and without CSI, the
///    non-coherent head without CSI, and the rate-adaptive link (`adaptive_*` metrics);
/// 7. store manifest (schema, architecture of the main codec, provenance, metrics), weights,
///    normalizers, imputation values, the table schema, the splits, the heads and the rate table.
///
/// ```swift
/// let schema = try TableSchema(contentsOfFile: "Samples/bcwd/bcwd.schema.json")
/// let (kb, report) = try TabularKnowledgeBase.build(
///     dataPath: "Samples/bcwd/breast-cancer-wisconsin.data", schema: schema, configuration: .default)
/// try kb.write(to: "KnowledgeBases/bcwd-tabular.semkb")
/// print(TabularKnowledgeBase.inspect(kb))
/// ```
public enum TabularKnowledgeBase {
    /// The `created_by` string written into manifests.
    public static let createdBy = "semcom 0.1 TabularCodec"

    /// Builds a tabular knowledge base (see the type's documentation for the steps).
    /// - Parameters:
    ///   - dataPath: the CSV file to read.
    ///   - dataSource: the name recorded as the data source (`provenance.data_source`), which
    ///     evaluations later resolve against their current directory; `nil` records `dataPath` as
    ///     given. Pass the repository-relative name when reading the file through another path.
    ///   - schema: its schema.
    ///   - configuration: hyperparameters and seed (``TabularCodecConfiguration/default`` is what
    ///     `semcom kb build` uses).
    ///   - objective: a training objective replacing plain cross-entropy for the codec and every
    ///     head (adversarial or noise-aware training from the `Robustness` module; its adversary
    ///     works in the fields' physical units inside the schema's ranges, ``TabularCodec/inputDomain``),
    ///     recorded as `provenance.adversarial`; `nil` for standard training.
    ///   - progress: called with one line per epoch and per measurement.
    /// - Returns: the knowledge base and a report of the run.
    /// - Throws: ``TabularCodecError`` for unreadable or invalid data (a class with fewer than 2
    ///   records, too few records for the split).
    public static func build(
        dataPath: String, recordedAs dataSource: String? = nil, schema: TableSchema,
        configuration: TabularCodecConfiguration = .default,
        objective: (any ClassificationTrainingObjective)? = nil, progress: (String) -> Void = { _ in }
    ) throws(TabularCodecError) -> (knowledgeBase: KnowledgeBase, report: TabularBuildReport) {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dataPath)))
        } catch {
            throw TabularCodecError(code: .unreadableFile, message: "cannot read the data file", file: dataPath, cause: error)
        }
        let dataset = try TabularDataset.parse(bytes, source: dataPath, schema: schema)
        return try build(
            dataset: dataset, dataSHA256: sha256Hex(bytes), dataSource: dataSource ?? dataPath,
            configuration: configuration, objective: objective, progress: progress)
    }

    /// Builds from an already loaded dataset (``build(dataPath:schema:configuration:progress:)``
    /// without the file): `dataSHA256` is the lowercase hex SHA-256 of the source bytes.
    public static func build(
        dataset: TabularDataset, dataSHA256: String, dataSource: String?,
        configuration: TabularCodecConfiguration = .default, objective: (any ClassificationTrainingObjective)? = nil,
        progress: (String) -> Void = { _ in }
    ) throws(TabularCodecError) -> (knowledgeBase: KnowledgeBase, report: TabularBuildReport) {
        let schema = dataset.schema
        let counts = dataset.classCounts
        guard counts.allSatisfy({ $0 >= 2 }) else {
            throw TabularCodecError(
                code: .emptyData,
                message: "every class needs ≥ 2 records for a stratified split; class counts are \(counts) for \(schema.labelNames)",
                file: dataSource)
        }
        let testCount = Int((configuration.testFraction * Double(dataset.count)).rounded(.up))
        guard testCount >= 1, dataset.count - testCount >= 1 else {
            throw TabularCodecError(
                code: .emptyData, message: "\(dataset.count) records are too few for a \(configuration.testFraction) test split",
                file: dataSource)
        }

        // One BLAS thread for bit-reproducible training; concurrent builds share the section.
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }

        // 1. Split: test (stream 1), then validation out of the training rows (stream 6).
        var splitRNG = Xoshiro256(seed: configuration.seed, stream: 1)
        let split = DataSplit.stratifiedHoldOut(
            labels: dataset.labels, testFraction: configuration.testFraction, using: &splitRNG)
        var fitRows = split.trainIndices
        var validationRows: [Int] = []
        if configuration.validationFraction > 0 {
            let validationCount = Int((configuration.validationFraction * Double(fitRows.count)).rounded(.up))
            guard validationCount < fitRows.count else {
                throw TabularCodecError(
                    code: .emptyData,
                    message: "\(fitRows.count) training records are too few for a \(configuration.validationFraction) validation split",
                    file: dataSource)
            }
            var validationRNG = Xoshiro256(seed: configuration.seed, stream: 6)
            let inner = DataSplit.stratifiedHoldOut(
                labels: split.trainIndices.map { dataset.labels[$0] }, testFraction: configuration.validationFraction,
                using: &validationRNG)
            fitRows = inner.trainIndices.map { split.trainIndices[$0] }
            validationRows = inner.testIndices.map { split.trainIndices[$0] }.sorted()
        }

        // 2. Preprocessing (fitting rows only).
        let preprocessor = TabularPreprocessor.fit(dataset, trainingRows: fitRows, scaling: configuration.scaling)
        let train = LabeledBatch(
            inputs: preprocessor.transform(dataset, rows: fitRows), labels: fitRows.map { dataset.labels[$0] })
        let validation = LabeledBatch(
            inputs: preprocessor.transform(dataset, rows: validationRows),
            labels: validationRows.map { dataset.labels[$0] })
        let testInputs = preprocessor.transform(dataset, rows: split.testIndices)
        let testLabels = split.testIndices.map { dataset.labels[$0] }
        var perturbations: [any SemanticPerturbation] = []
        if let noise = configuration.semanticNoise {
            perturbations = [
                TabularValueJitter(
                    preprocessor: preprocessor, fraction: noise.jitterFraction, probability: noise.probability),
                TabularMissingFields(
                    preprocessor: preprocessor,
                    fieldsPerRecord: min(noise.missingFieldsPerRecord, preprocessor.fields.count),
                    probability: noise.probability),
            ]
            if preprocessor.fields.filter({ $0.kind == .numeric }).count >= 2 {
                perturbations.append(TabularFieldSwap(preprocessor: preprocessor, probability: noise.probability))
            }
        }

        // 3–4. Networks and training: the main codec (streams 2, 3), then each head (forks of them).
        let k = configuration.channelUsesPerSample
        let trainer = HeadTrainer(
            configuration: configuration, inputSize: preprocessor.width, classes: schema.labels.count,
            perturbations: perturbations, train: train, objective: objective,
            inputDomain: TabularCodec.inputDomain(preprocessor: preprocessor, schema: schema))
        let (pipeline, history) = trainer.train(k: k, receiver: .coherent, fork: nil) { line in
            progress("epoch \(line)")
        }
        var codec = TabularCodec(schema: schema, preprocessor: preprocessor, pipeline: pipeline)
        var headSpecs: [(name: String, receiver: TabularCodecHead.Receiver, k: Int)] =
            configuration.adaptiveChannelUses.filter { $0 != k }.map { ("k\($0)", .coherent, $0) }
        if let noCSI = configuration.noncoherentChannelUses { headSpecs.append(("nocsi-k\(noCSI)", .noncoherent, noCSI)) }
        for (index, spec) in headSpecs.enumerated() {
            let (headPipeline, _) = trainer.train(k: spec.k, receiver: spec.receiver, fork: UInt64(index + 1)) { line in
                progress("head \(spec.name) epoch \(line)")
            }
            codec.heads.append(TabularCodecHead(name: spec.name, receiver: spec.receiver, pipeline: headPipeline))
        }

        // 5. The rate table on the validation split (stream 7).
        let candidateUses = Array(Set(codec.heads.filter { $0.receiver == .coherent }.map(\.channelUsesPerSample) + [k]))
            .sorted()
        if !validationRows.isEmpty && candidateUses.count > 1 {
            var channels: [TabularRateTable.Channel] = []
            for (c, name) in ["awgn", "rayleigh"].enumerated() {
                var points: [TabularRateTable.Point] = []
                for (s, snr) in configuration.evaluationSNRDecibels.enumerated() {
                    var accuracies: [Double] = []
                    for (u, uses) in candidateUses.enumerated() {
                        var rng = Xoshiro256(seed: configuration.seed, stream: 7)
                            .fork(stream: UInt64(c) << 32 | UInt64(s) << 16 | UInt64(u))
                        let channel = Self.coherentChannel(name, snrDecibels: snr)
                        accuracies.append(
                            evaluateAny(
                                codec.coherentPipeline(channelUses: uses)!, validation.inputs, validation.labels,
                                channel, repeats: configuration.evaluationRepeats, classes: schema.labels.count, &rng
                            ).accuracy)
                    }
                    let selected = TabularRateTable.select(
                        accuracies: accuracies, channelUses: candidateUses, validationRecords: validationRows.count,
                        standardErrors: configuration.rateSelectionStandardErrors)
                    points.append(.init(snrDecibels: Double(snr), accuracies: accuracies, selected: selected))
                    progress(
                        "rate table \(name) \(snrKey(snr)) dB: validation accuracy \(zip(candidateUses, accuracies).map { "k=\($0) \(format($1))" }.joined(separator: ", ")) → k = \(selected)"
                    )
                }
                channels.append(.init(name: name, points: points))
            }
            codec.rateTable = TabularRateTable(
                channelUses: candidateUses, validationRecords: validationRows.count,
                repeats: configuration.evaluationRepeats, standardErrors: configuration.rateSelectionStandardErrors,
                channels: channels)
        }

        // 6. Test metrics (stream 4, one fork per setting; stream 5 for the noiseless check).
        var metrics: [String: Double] = [:]
        var evaluations: [(channel: String, snrDecibels: Float, evaluation: TabularEvaluation)] = []
        let snrs = configuration.evaluationSNRDecibels
        var settings: [(name: String, snr: Float, pipeline: TabularCodec.Pipeline, channel: any ChannelModel)] =
            snrs.map { ("awgn", $0, pipeline, AWGN(snrDecibels: $0)) }
            + snrs.map { ("rayleigh_csi", $0, pipeline, Self.coherentChannel("rayleigh", snrDecibels: $0)) }
            + snrs.map { ("rayleigh_no_csi", $0, pipeline, Self.noncoherentChannel(snrDecibels: $0)) }
        if let head = codec.noncoherentHead {
            settings += snrs.map {
                ("\(head.name)_rayleigh_no_csi", $0, head.pipeline, Self.noncoherentChannel(snrDecibels: $0))
            }
        }
        var adaptiveUses: [String: Double] = [:]
        if let table = codec.rateTable {
            for (channel, metric) in [("awgn", "adaptive_awgn"), ("rayleigh", "adaptive_rayleigh_csi")] {
                for snr in snrs {
                    guard let uses = table.channelUses(channel: channel, snrDecibels: Double(snr)),
                        let chosen = codec.coherentPipeline(channelUses: uses)
                    else { continue }
                    settings.append((metric, snr, chosen, Self.coherentChannel(channel, snrDecibels: snr)))
                    adaptiveUses["\(metric)_\(snrKey(snr))db"] = Double(uses)
                }
            }
        }
        for (index, setting) in settings.enumerated() {
            var evalRNG = Xoshiro256(seed: configuration.seed, stream: 4).fork(stream: UInt64(index))
            let evaluation = evaluateAny(
                setting.pipeline, testInputs, testLabels, setting.channel, repeats: configuration.evaluationRepeats,
                classes: schema.labels.count, &evalRNG)
            evaluations.append((setting.name, setting.snr, evaluation))
            let key = "\(setting.name)_\(snrKey(setting.snr))db"
            metrics[key + "_accuracy"] = evaluation.accuracy
            metrics[key + "_balanced_accuracy"] = evaluation.balancedAccuracy
            if let auc = evaluation.auc { metrics[key + "_auc"] = auc }
            if let uses = adaptiveUses[key] { metrics[key + "_channel_uses"] = uses }
            progress(
                "\(setting.name) \(snrKey(setting.snr)) dB: accuracy \(format(evaluation.accuracy)), balanced \(format(evaluation.balancedAccuracy))\(evaluation.auc.map { ", AUC \(format($0))" } ?? "")"
            )
        }
        var noiselessRNG = Xoshiro256(seed: configuration.seed, stream: 5)
        let noiseless = codec.evaluate(testInputs, labels: testLabels, over: IdentityChannel(), using: &noiselessRNG)
        metrics["noiseless_accuracy"] = noiseless.accuracy
        metrics["channel_uses_per_sample"] = Double(k)
        metrics["evaluation_repeats"] = Double(configuration.evaluationRepeats)
        metrics["test_records"] = Double(split.testIndices.count)
        metrics["train_records"] = Double(fitRows.count)
        metrics["validation_records"] = Double(validationRows.count)
        metrics["final_training_loss"] = history.epochs.last?.trainingLoss ?? .nan

        // 7. The knowledge base.
        var sections: [Section] = [
            Section(name: TabularCodec.SectionName.schema, content: .raw(schema.jsonBytes())),
            Section(name: TabularCodec.SectionName.normalizers, content: .normalizers(preprocessor.normalizers)),
            Section(
                name: TabularCodec.SectionName.imputation,
                content: .tensor(
                    Tensor(shape: [preprocessor.fields.count], scalars: preprocessor.fields.map { Float($0.imputedValue) }))),
            Section(
                name: TabularCodec.SectionName.testIndices,
                content: .tensor(Tensor(shape: [split.testIndices.count], scalars: split.testIndices.map(Float.init)))),
        ]
        if !validationRows.isEmpty {
            sections.append(
                Section(
                    name: TabularCodec.validationIndicesSectionName,
                    content: .tensor(Tensor(shape: [validationRows.count], scalars: validationRows.map(Float.init)))))
        }
        let encoderLayers = describe(
            pipeline.encoder.network, prefix: "encoder", inputSize: preprocessor.width, sections: &sections)
        let decoderLayers = describe(pipeline.decoder.network, prefix: "decoder", inputSize: 2 * k, sections: &sections)
        if !codec.heads.isEmpty {
            var descriptions: [TabularCodecHead.Description] = []
            for head in codec.heads {
                let uses = head.channelUsesPerSample
                descriptions.append(
                    .init(
                        name: head.name, receiver: head.receiver, channelUsesPerSample: uses,
                        encoder: describe(
                            head.pipeline.encoder.network, prefix: "head.\(head.name).encoder",
                            inputSize: preprocessor.width, sections: &sections),
                        decoder: describe(
                            head.pipeline.decoder.network, prefix: "head.\(head.name).decoder", inputSize: 2 * uses,
                            sections: &sections)))
            }
            sections.append(Section(name: TabularCodec.headsSectionName, content: .raw(try sortedJSON(descriptions))))
        }
        if let table = codec.rateTable {
            sections.append(Section(name: TabularCodec.rateTableSectionName, content: .raw(try sortedJSON(table))))
        }
        let range = configuration.trainingSNRDecibels
        let validationText =
            validationRows.isEmpty
            ? ""
            : "; validation: \(validationRows.count) of those training records (stratified, fraction \(configuration.validationFraction), Xoshiro256 seed \(configuration.seed) stream 6; indices in section '\(TabularCodec.validationIndicesSectionName)'), not used for fitting"
        let provenance = TrainingProvenance(
            dataSHA256: dataSHA256, dataSource: dataSource,
            split: "stratified hold-out by class, test fraction \(configuration.testFraction) (HealthData DataSplit.stratifiedHoldOut, Xoshiro256 seed \(configuration.seed) stream 1): \(split.trainIndices.count) train / \(split.testIndices.count) test records; test record indices in section '\(TabularCodec.SectionName.testIndices)'\(validationText)",
            seed: configuration.seed,
            snrTrainingRangeDecibels: ValueRange(minimum: Double(range.lowerBound), maximum: Double(range.upperBound)),
            adversarial: objective?.settings
                ?? configuration.semanticNoise.map {
                    TrainingProvenance.AdversarialSettings(
                        method: "semantic_noise", epsilon: Double($0.jitterFraction), steps: $0.missingFieldsPerRecord,
                        fraction: $0.probability, target: "input")
                },
            threads: 1, epochs: history.epochs.count)
        let headText =
            codec.heads.isEmpty
            ? ""
            : " Heads (section '\(TabularCodec.headsSectionName)', same preprocessing and training): \(codec.heads.map { "\($0.name) (k = \($0.channelUsesPerSample), \($0.receiver.rawValue))" }.joined(separator: ", ")); coherent heads train over AWGN like the main codec, the noncoherent head over Rayleigh block fading without CSI (one CN(0,1) coefficient per record) with phase-invariant features (energies, relative phases) before its decoder MLP."
        let rateText =
            codec.rateTable == nil
            ? ""
            : " Rate table (section '\(TabularCodec.rateTableSectionName)'): per channel and SNR, the smallest k whose validation accuracy is within \(format(configuration.rateSelectionStandardErrors)) binomial standard error(s) of k = \(candidateUses.last ?? k)'s; adaptive_* metrics use it on the test split."
        let objectiveText =
            objective.map {
                " Objective: \($0.settings.method) (ε = \(format($0.settings.epsilon)) \($0.settings.units ?? "normalized units")\($0.settings.norm.map { " \($0)" } ?? ""), target \($0.settings.target)) with the channel in the loop\(configuration.semanticNoise.map { n in ", on top of the semantic-noise augmentation (jitter \(n.jitterFraction), \(n.missingFieldsPerRecord) missing field, swap; probability \(n.probability))" } ?? "")."
            } ?? ""
        let manifest = Manifest(
            name: configuration.name ?? "\(schema.name)-tabular", modality: .tabular, task: schema.task,
            labelNames: schema.labelNames, schema: schema.manifestSchema,
            architecture: CodecArchitecture(
                encoder: encoderLayers, decoder: decoderLayers, channelUsesPerSample: k,
                powerNormalization: "average_power"),
            provenance: provenance, metrics: metrics, createdBy: createdBy,
            notes: "Tabular semantic codec: \(preprocessor.width) preprocessed inputs → MLP encoder → \(k) complex channel uses per record (channel_uses_per_sample counts complex symbols; the encoder outputs 2·k reals) → unit average power → MLP decoder → \(schema.labels.count) class logits. Trained end to end over AWGN, Es/N0 uniform in \(range.lowerBound)…\(range.upperBound) dB per record, Adam lr \(configuration.learningRate), batch \(configuration.batchSize), scaling \(configuration.scaling.rawValue).\(headText)\(rateText) Metrics: test split, \(configuration.evaluationRepeats) channel realizations per record; rayleigh = block fading, one CN(0,1) coefficient per record; csi = MMSE equalization; no_csi = no equalization.\(objectiveText)"
        )
        let kb = KnowledgeBase(manifest: manifest, sections: sections)
        codec.knowledgeBaseFingerprint = kb.fingerprint
        let report = TabularBuildReport(
            recordCount: dataset.count, trainCount: fitRows.count, testCount: split.testIndices.count,
            history: history, evaluations: evaluations, fingerprint: kb.fingerprint, codec: codec)
        return (kb, report)
    }

    /// The coherent evaluation channel `awgn`, or `rayleigh` (block fading, one coefficient per
    /// record, MMSE equalization: the receiver has CSI) at Es/N0 `snrDecibels`.
    static func coherentChannel(_ name: String, snrDecibels: Float) -> any ChannelModel {
        name == "awgn"
            ? AWGN(snrDecibels: snrDecibels)
            : RayleighFading(coherence: .perExample, equalization: .mmse, noise: .snr(decibels: snrDecibels))
    }

    /// Rayleigh block fading without CSI (one coefficient per record, no equalization).
    static func noncoherentChannel(snrDecibels: Float) -> RayleighFading {
        RayleighFading(coherence: .perExample, equalization: .none, noise: .snr(decibels: snrDecibels))
    }

    /// Describes a `Dense`/`ReLU`/`PhaseInvariantFeatures` chain and appends its parameters as
    /// tensor sections `<prefix>.<layer index>.weight|bias`.
    private static func describe(
        _ network: Sequential<Float>, prefix: String, inputSize: Int, sections: inout [Section]
    ) -> [CodecArchitecture.Layer] {
        var layers: [CodecArchitecture.Layer] = []
        var width = inputSize
        for (index, layer) in network.layers.enumerated() {
            if let dense = layer as? Dense<Float> {
                let weight = "\(prefix).\(index).weight"
                let bias = "\(prefix).\(index).bias"
                sections.append(Section(name: weight, content: .tensor(dense.parameters[0])))
                sections.append(Section(name: bias, content: .tensor(dense.parameters[1])))
                layers.append(
                    CodecArchitecture.Layer(
                        kind: "dense", inputSize: dense.inputSize, outputSize: dense.outputSize, tensors: [weight, bias]))
                width = dense.outputSize
            } else if layer is ReLU<Float> {
                layers.append(CodecArchitecture.Layer(kind: "relu", inputSize: width, outputSize: width))
            } else if let features = layer as? PhaseInvariantFeatures {
                layers.append(
                    CodecArchitecture.Layer(
                        kind: "phase_invariant", inputSize: width, outputSize: features.outputSize,
                        options: ["symbols": String(features.symbolCount)]))
                width = features.outputSize
            } else {
                preconditionFailure("Cannot describe layer \(type(of: layer)) of a tabular codec network")
            }
        }
        return layers
    }

    private static func evaluateAny<G: RandomNumberGenerator>(
        _ pipeline: TabularCodec.Pipeline, _ inputs: Tensor<Float>, _ labels: [Int], _ channel: any ChannelModel,
        repeats: Int, classes: Int, _ rng: inout G
    ) -> TabularEvaluation {
        func run<C: ChannelModel>(_ c: C) -> TabularEvaluation {
            TabularCodec.evaluate(
                pipeline, inputs, labels: labels, classes: classes, over: c, repeats: repeats, using: &rng)
        }
        return run(channel)
    }

    // MARK: - Reading back the split and the data

    /// The split recorded in a tabular knowledge base, for a dataset of `recordCount` records
    /// (the training rows are all the others).
    /// - Throws: ``TabularCodecError`` `missingSection`, or `sectionMismatch` if an index is not an
    ///   integer in `0..<recordCount` or repeats.
    public static func recordedSplit(of kb: KnowledgeBase, recordCount: Int) throws(TabularCodecError) -> DataSplit {
        let name = TabularCodec.SectionName.testIndices
        guard let tensor = kb.tensor(named: name) else {
            throw TabularCodecError(code: .missingSection, message: "the knowledge base records no test split", section: name)
        }
        var test: [Int] = []
        var seen = Set<Int>()
        for value in tensor.scalars {
            guard value.isFinite, value == value.rounded(), value >= 0, Int(value) < recordCount,
                seen.insert(Int(value)).inserted
            else {
                throw TabularCodecError(
                    code: .sectionMismatch,
                    message: "test index \(value) is not a distinct record index in 0..<\(recordCount)", section: name)
            }
            test.append(Int(value))
        }
        guard !test.isEmpty, test.count < recordCount else {
            throw TabularCodecError(
                code: .sectionMismatch, message: "\(test.count) test indices for \(recordCount) records", section: name)
        }
        let train = (0..<recordCount).filter { !seen.contains($0) }
        return DataSplit(trainIndices: train, testIndices: test.sorted())
    }

    /// The validation records recorded in a tabular knowledge base (section
    /// `split.validation_indices`; empty for a knowledge base built without validation). They lie
    /// in the training split and were not fitted on.
    /// - Throws: ``TabularCodecError`` `sectionMismatch` if an index is not an integer in
    ///   `0..<recordCount`, repeats, or belongs to the test split.
    public static func recordedValidationIndices(of kb: KnowledgeBase, recordCount: Int) throws(TabularCodecError)
        -> [Int]
    {
        let name = TabularCodec.validationIndicesSectionName
        guard let tensor = kb.tensor(named: name) else { return [] }
        let test = Set(try recordedSplit(of: kb, recordCount: recordCount).testIndices)
        var seen = Set<Int>()
        var indices: [Int] = []
        for value in tensor.scalars {
            guard value.isFinite, value == value.rounded(), value >= 0, Int(value) < recordCount,
                !test.contains(Int(value)), seen.insert(Int(value)).inserted
            else {
                throw TabularCodecError(
                    code: .sectionMismatch,
                    message: "validation index \(value) is not a distinct training-record index in 0..<\(recordCount)",
                    section: name)
            }
            indices.append(Int(value))
        }
        return indices.sorted()
    }

    /// The recorded test split of a tabular knowledge base's own training data.
    /// - Parameters:
    ///   - kb: the knowledge base.
    ///   - dataPath: the CSV file; default: the provenance's data source.
    /// - Returns: the test records (through the stored schema).
    /// - Throws: ``TabularCodecError``: unreadable data, `sectionMismatch` if the file's SHA-256 is
    ///   not the one recorded (another file than the KB was trained on), or a split problem.
    public static func recordedTestSet(of kb: KnowledgeBase, dataPath: String? = nil) throws(TabularCodecError)
        -> TabularDataset
    {
        let codec = try TabularCodec(knowledgeBase: kb)
        guard let path = dataPath ?? kb.manifest.provenance?.dataSource else {
            throw TabularCodecError(
                code: .missingSection, message: "the manifest names no data source; pass the data path",
                section: KnowledgeBase.manifestSectionName)
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw TabularCodecError(code: .unreadableFile, message: "cannot read the data file", file: path, cause: error)
        }
        let recorded = kb.manifest.provenance?.dataSHA256
        guard sha256Hex(bytes) == recorded else {
            throw TabularCodecError(
                code: .sectionMismatch,
                message: "the data file's SHA-256 \(sha256Hex(bytes)) differs from the training data's \(recorded ?? "(none)"); the recorded split applies only to that file",
                file: path, section: KnowledgeBase.manifestSectionName)
        }
        let dataset = try TabularDataset.parse(bytes, source: path, schema: codec.schema)
        return dataset.subset(try recordedSplit(of: kb, recordCount: dataset.count).testIndices)
    }

    // MARK: - Inspect and verify

    /// A human-readable summary of a tabular knowledge base: identity, schema, architecture,
    /// provenance, metrics and sections (what `semcom kb inspect` prints).
    public static func inspect(_ kb: KnowledgeBase) -> String {
        let m = kb.manifest
        var lines: [String] = []
        lines.append("name:         \(m.name)")
        lines.append("fingerprint:  \(kb.fingerprint.hexString)")
        lines.append("modality:     \(m.modality)   task: \(m.task)   labels: \(m.labelNames.joined(separator: ", "))")
        lines.append("created by:   \(m.createdBy)")
        if let schema = m.schema {
            lines.append("schema:       \(schema.fields.count) features, label field \(schema.labelField ?? "-")")
            for field in schema.fields {
                var text = "  - \(field.name): \(field.kind.rawValue)"
                if let unit = field.unit { text += " [\(unit)]" }
                if let range = field.range { text += " \(format(range.minimum))…\(format(range.maximum))" }
                if let categories = field.categories { text += " {\(categories.joined(separator: ", "))}" }
                text += ", missing: \(field.missingValues.rawValue)"
                lines.append(text)
            }
        }
        if let a = m.architecture {
            func chain(_ layers: [CodecArchitecture.Layer]) -> String {
                layers.map { $0.kind == "dense" ? "dense \($0.inputSize ?? 0)→\($0.outputSize ?? 0)" : $0.kind }
                    .joined(separator: " → ")
            }
            lines.append("encoder:      \(chain(a.encoder))")
            lines.append("decoder:      \(chain(a.decoder))")
            lines.append("channel uses: \(a.channelUsesPerSample) complex symbols per record, power \(a.powerNormalization)")
        }
        if let p = m.provenance {
            lines.append("data sha256:  \(p.dataSHA256)\(p.dataSource.map { " (\($0))" } ?? "")")
            lines.append("split:        \(p.split)")
            var training = "seed \(p.seed), threads \(p.threads)"
            if let epochs = p.epochs { training += ", \(epochs) epochs" }
            if let r = p.snrTrainingRangeDecibels { training += ", SNR \(format(r.minimum))…\(format(r.maximum)) dB" }
            if let adv = p.adversarial {
                training += ", augmentation \(adv.method) ε=\(format(adv.epsilon))\(adv.units.map { " (\($0)\(adv.norm.map { ", \($0)" } ?? ""))" } ?? "") p=\(format(adv.fraction))"
                if adv.units != nil { training += ", steps \(adv.steps.map(String.init) ?? "-"), target \(adv.target)" }
                if let parameters = adv.parameters, !parameters.isEmpty {
                    training += ", " + parameters.keys.sorted().map { "\($0) \(format(parameters[$0] ?? 0))" }.joined(separator: ", ")
                }
            }
            lines.append("training:     \(training)")
        }
        if let codec = try? TabularCodec(knowledgeBase: kb) {
            for head in codec.heads {
                lines.append(
                    "head:         \(head.name): k = \(head.channelUsesPerSample), \(head.receiver.rawValue) receiver")
            }
            if let table = codec.rateTable {
                lines.append(
                    "rate table:   validation split (\(table.validationRecords) records × \(table.repeats) channel draws), smallest k within \(format(table.standardErrors)) standard error(s) of k = \(table.channelUses.last ?? 0)"
                )
                for channel in table.channels {
                    for point in channel.points {
                        let accuracies = zip(table.channelUses, point.accuracies).map { "k=\($0) \(format($1))" }
                        lines.append(
                            "  \(channel.name) \(format(point.snrDecibels)) dB: \(accuracies.joined(separator: ", ")) → k = \(point.selected)")
                    }
                }
            }
        }
        if !m.metrics.isEmpty {
            lines.append("metrics:")
            for key in m.metrics.keys.sorted() { lines.append("  \(key): \(format(m.metrics[key]!))") }
        }
        lines.append("sections:     \(kb.sections.count)")
        for section in kb.sections {
            var text = "  - \(section.kind) \(section.name)"
            switch section.content {
            case .tensor(let t): text += " \(t.shape)"
            case .normalizers(let n): text += " (\(n.count) normalizers)"
            case .raw(let bytes): text += " (\(bytes.count) bytes)"
            default: break
            }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }

    /// Verifies a `.semkb` file completely: every byte of the format (`KnowledgeBase.verify`:
    /// magic, CRCs, decompression, manifest, fingerprint), then that the tabular codec can be
    /// rebuilt from it (schema, normalizers, shapes). Returns the lines `semcom kb verify` prints.
    /// - Throws: the `KnowledgeBaseError` naming the damaged section or offset, or a
    ///   ``TabularCodecError`` naming the section the codec cannot use.
    public static func verify(contentsOfFile path: String) throws -> String {
        let report = KnowledgeBase.verify(contentsOfFile: path)
        if let error = report.error { throw error }
        let kb = try KnowledgeBase(contentsOfFile: path)
        let codec = try TabularCodec(knowledgeBase: kb)
        return [
            "\(path): OK",
            "format version \(report.formatVersion.map(String.init) ?? "?"), \(report.fileLength) bytes, \(report.checkedSectionCount) sections checked",
            "fingerprint \(kb.fingerprint.hexString) (frames carry \(codec.frameFingerprint?.description ?? "-"))",
            "tabular codec: \(codec.preprocessor.width) inputs → \(codec.channelUsesPerSample) complex channel uses → \(codec.labelNames.count) classes",
            "heads: \(codec.heads.isEmpty ? "none" : codec.heads.map { "\($0.name) (k = \($0.channelUsesPerSample), \($0.receiver.rawValue))" }.joined(separator: ", ")); rate table: \(codec.rateTable == nil ? "none" : "\(codec.rateTable!.channels.count) channels")",
        ].joined(separator: "\n")
    }
}

/// The channel that delivers symbols unchanged (noiseless reference measurement).
struct IdentityChannel: ChannelModel {
    func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) {}
    func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: Void, using rng: inout G) -> Tensor<Float> { x }
    func pullback(_ dy: Tensor<Float>, state: Void) -> Tensor<Float> { dy }
}

/// The lowercase hexadecimal SHA-256 (FIPS 180-4) of `bytes`.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { byte in
        let digits = String(byte, radix: 16)
        return byte < 16 ? "0" + digits : digits
    }.joined()
}

/// An SNR as used in metric names: an integer without decimals (`-5`), otherwise one decimal.
func snrKey(_ snr: Float) -> String {
    snr == snr.rounded() ? String(Int(snr)) : String((Double(snr) * 10).rounded() / 10)
}

/// A number with up to 4 decimals, for human-readable text.
func format(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String((value * 10_000).rounded() / 10_000)
}
