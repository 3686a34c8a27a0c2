// Building, reading, inspecting and verifying clinical-text knowledge bases.

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

/// What a clinical-text build measured.
public struct ClinicalTextBuildReport: Sendable {
    /// Notes loaded, training and test notes.
    public var noteCount: Int
    /// Training notes.
    public var trainCount: Int
    /// Test notes.
    public var testCount: Int
    /// Notes truncated to the model's limit.
    public var truncatedCount: Int
    /// Training loss per epoch.
    public var losses: [Float]
    /// Test metrics: (channel, SNR dB, noise spec, evaluation).
    public var evaluations: [(channel: String, snrDecibels: Float, noise: String, evaluation: ClinicalTextEvaluation)]
    /// The knowledge base's fingerprint.
    public var fingerprint: Fingerprint
    /// The trained codec (its fingerprint set).
    public var codec: ClinicalTextCodec
}

/// Builds, reads back, inspects and verifies clinical-text knowledge bases — the library side of
/// `semcom kb build --modality text`.
///
/// The build is a pure function of the notes file and the ``ClinicalTextCodecConfiguration``:
/// 1. load the JSONL notes (HealthData `ClinicalNote`), hash the file (SHA-256); the split is the
///    notes' own `split` field (`test` notes use held-out sentence templates); the test indices are
///    stored in `split.test_indices`;
/// 2. build the featurizer from the lexicon's knowledge-base part (never the held-out synonyms);
/// 3. initialize the MLPs (`Xoshiro256(seed, stream 2)`) and train end to end over AWGN with a
///    per-note Es/N0 uniform in the training range (stream 3), Adam, the multi-task loss (triage +
///    concept states); with `trainingNoise`, each note of each batch is perturbed by the injector
///    with `trainingNoiseProbability` (noise-aware training);
/// 4. measure the test notes over AWGN at each evaluation SNR, and with each evaluation noise spec
///    at 10 dB (stream 4);
/// 5. store the manifest, weights, vocabulary, synonym sets and split.
public enum ClinicalTextKnowledgeBase {
    /// The `created_by` string written into manifests.
    public static let createdBy = "semcom 0.1 ClinicalTextCodec"

    /// Section names.
    public enum SectionName {
        /// Vocabulary: concept identifiers in label order.
        public static let concepts = "text.concepts"
        /// Synonym sets: one group per concept, `[category]`.
        public static let categories = "text.concept_categories"
        /// Synonym sets: per concept, its synonyms and misspellings.
        public static let synonyms = "text.synonyms"
        /// Vocabulary: negation cues.
        public static let negationCues = "text.negation_cues"
        /// Vocabulary: negation-scope terminators.
        public static let scopeTerminators = "text.scope_terminators"
        /// Vocabulary: severity words, mildest first.
        public static let severityWords = "text.severity_words"
        /// Vocabulary: body sites.
        public static let bodySites = "text.body_sites"
        /// Synonym sets: per vital sign (in `VitalSign.allCases` order), its mentions.
        public static let vitalMentions = "text.vital_mentions"
        /// Tensor prefix of the vital-sign grids: `text.grid.<sign>`.
        public static let gridPrefix = "text.grid."
        /// Tensor: test note indices.
        public static let testIndices = "split.test_indices"
        /// Tensor: validation note indices (held out from training; chooses the rate head per SNR).
        public static let validationIndices = "split.validation_indices"
        /// Raw JSON: the rate heads (`[{channel_uses_per_sample, encoder, decoder}]`, layers as in
        /// the manifest's architecture; weights in `rate.<k>.encoder|decoder.<i>.weight|bias`).
        public static let rateHeads = "text.rate_heads"
    }

    /// How a rate head is stored in `text.rate_heads`: its `k` and its layers after the feature layer.
    struct RateHeadDescription: Codable, Hashable {
        var channelUsesPerSample: Int
        var encoder: [CodecArchitecture.Layer]
        var decoder: [CodecArchitecture.Layer]

        enum CodingKeys: String, CodingKey {
            case channelUsesPerSample = "channel_uses_per_sample"
            case encoder, decoder
        }
    }

    /// Builds a knowledge base from a JSONL notes file (see the type's documentation).
    /// - Throws: ``ClinicalTextCodecError`` for an unreadable or unusable file.
    public static func build(
        dataPath: String, configuration: ClinicalTextCodecConfiguration = .default,
        lexicon: ClinicalLexicon = .standard, progress: (String) -> Void = { _ in }
    ) throws(ClinicalTextCodecError) -> (knowledgeBase: KnowledgeBase, report: ClinicalTextBuildReport) {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dataPath)))
        } catch {
            throw ClinicalTextCodecError(code: .unreadableFile, message: "cannot read the notes file", file: dataPath, cause: error)
        }
        let notes: [ClinicalNote]
        do {
            notes = try ClinicalNote.parseJSONLines(bytes, source: dataPath)
        } catch {
            throw ClinicalTextCodecError(
                code: .invalidData, message: error.message, file: dataPath, line: error.line, cause: error)
        }
        return try build(
            notes: notes, dataSHA256: sha256Hex(bytes), dataSource: dataPath, configuration: configuration,
            lexicon: lexicon, progress: progress)
    }

    /// Builds from loaded notes (`dataSHA256`: the lowercase hex SHA-256 of the source bytes).
    public static func build(
        notes: [ClinicalNote], dataSHA256: String, dataSource: String?,
        configuration: ClinicalTextCodecConfiguration = .default, lexicon: ClinicalLexicon = .standard,
        progress: (String) -> Void = { _ in }
    ) throws(ClinicalTextCodecError) -> (knowledgeBase: KnowledgeBase, report: ClinicalTextBuildReport) {
        var trainIndices = notes.indices.filter { notes[$0].split != "test" }
        let testIndices = notes.indices.filter { notes[$0].split == "test" }
        guard !trainIndices.isEmpty, !testIndices.isEmpty else {
            throw ClinicalTextCodecError(
                code: .invalidData,
                message: "need notes with split 'train' and 'test'; got \(trainIndices.count) train and \(testIndices.count) test",
                file: dataSource)
        }
        let classes = Set(trainIndices.map { notes[$0].triage })
        guard classes.count == TriageClass.allCases.count else {
            throw ClinicalTextCodecError(
                code: .invalidData, message: "training notes cover triage classes \(classes.map(\.rawValue).sorted()); need all three",
                file: dataSource)
        }
        let ids = Set(lexicon.conceptIDs)
        for (n, note) in notes.enumerated() {
            if let unknown = note.concepts.first(where: { !ids.contains($0.concept) }) {
                throw ClinicalTextCodecError(
                    code: .invalidData, message: "note '\(note.id)' names unknown concept '\(unknown.concept)'",
                    file: dataSource, line: n + 1)
            }
        }

        // One BLAS thread for bit-reproducible training; concurrent builds share the section.
        BLAS.beginSingleThreadSection()
        defer { BLAS.endSingleThreadSection() }

        // 1. Inputs.
        let known = knowledgeBaseLexicon(of: lexicon)
        let featurizer = ClinicalTextFeaturizer(
            matcher: ClinicalTermMatcher(lexicon: known), conceptCount: known.concepts.count,
            severityCount: known.severityWords.count, hashBuckets: configuration.hashBuckets,
            hashSeed: configuration.hashSeed)
        let encoded = try NoteEncoding.encode(notes.map(\.text), maximumBytes: configuration.maximumBytes)
        if !encoded.truncatedNotes.isEmpty {
            progress("warning: \(encoded.truncatedNotes.count) notes longer than \(configuration.maximumBytes) bytes truncated")
        }
        // The validation split (rate selection): a random part of the training notes, never trained on.
        var validationIndices: [Int] = []
        if configuration.validationFraction > 0 {
            var splitRNG = Xoshiro256(seed: configuration.seed, stream: 5)
            let count = Int((configuration.validationFraction * Double(trainIndices.count)).rounded())
            guard count >= 1, count < trainIndices.count else {
                throw ClinicalTextCodecError(
                    code: .invalidData,
                    message: "a validation fraction of \(configuration.validationFraction) of \(trainIndices.count) training notes leaves no validation or no training notes",
                    file: dataSource)
            }
            validationIndices = Array(trainIndices.shuffled(using: &splitRNG).prefix(count)).sorted()
            let held = Set(validationIndices)
            trainIndices.removeAll { held.contains($0) }
        }
        let trainInputs = encoded.bytes.gatherRows(trainIndices)
        let testInputs = encoded.bytes.gatherRows(testIndices)
        let trainNotes = trainIndices.map { notes[$0] }
        let testNotes = testIndices.map { notes[$0] }
        let conceptCount = known.concepts.count
        let conceptIndex = Dictionary(uniqueKeysWithValues: known.conceptIDs.enumerated().map { ($1, $0) })
        var conceptStates = [Int](repeating: 0, count: trainNotes.count * conceptCount)
        for (n, note) in trainNotes.enumerated() {
            for mention in note.concepts { conceptStates[n * conceptCount + conceptIndex[mention.concept]!] = mention.negated ? 2 : 1 }
        }
        var trainingNoise: ClinicalTextNoise?
        if let spec = configuration.trainingNoise { trainingNoise = try ClinicalTextNoise(spec: spec, lexicon: known) }

        // 2–3. Networks and training: the main head (weights stream 2, training stream 3), then each
        // rate head (streams 2 + 16·h, 3 + 16·h).
        let outputWidth = ClinicalTextCodec.outputWidth(conceptCount: conceptCount)
        func trainHead(k: Int, streams h: Int, log: Bool) -> (pipeline: ClinicalTextCodec.Pipeline, losses: [Float]) {
            var initRNG = Xoshiro256(seed: configuration.seed, stream: 2 + 16 * h)
            let encoderMLP = mlp(featurizer.width, configuration.encoderHiddenSizes, 2 * k, using: &initRNG)
            let decoderMLP = mlp(2 * k, configuration.decoderHiddenSizes, outputWidth, using: &initRNG)
            var pipeline = ClinicalTextCodec.Pipeline(
                encoder: NetworkEncoder(
                    network: Sequential(
                        [ClinicalTextFeatureLayer(featurizer: featurizer, hashedDropout: configuration.hashedDropout)] + encoderMLP),
                    channelUsesPerSample: k),
                decoder: NetworkDecoder(network: Sequential(decoderMLP), channelUsesPerSample: k))
            if let trainingNoise {
                pipeline.perturbations = [
                    ClinicalTextNoisePerturbation(noise: trainingNoise, probability: configuration.trainingNoiseProbability)
                ]
            }
            let channel = ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: configuration.trainingSNRDecibels)
            var optimizer = Adam<Float>(learningRate: configuration.learningRate)
            var trainRNG = Xoshiro256(seed: configuration.seed, stream: 3 + 16 * h)
            var losses: [Float] = []
            var order = Array(trainNotes.indices)
            for epoch in 1...configuration.epochs {
                order.shuffle(using: &trainRNG)
                var total: Float = 0
                var batches = 0
                var start = 0
                while start < order.count {
                    let batch = Array(order[start..<Swift.min(start + configuration.batchSize, order.count)])
                    start += configuration.batchSize
                    let (logits, pullback) = pipeline.forward(
                        trainInputs.gatherRows(batch), through: channel, training: true, using: &trainRNG)
                    var states: [Int] = []
                    states.reserveCapacity(batch.count * conceptCount)
                    for n in batch { states += conceptStates[(n * conceptCount)..<((n + 1) * conceptCount)] }
                    let (loss, gradient) = multiTaskLoss(
                        logits: logits, triage: batch.map { trainNotes[$0].triage.index }, conceptStates: states,
                        conceptCount: conceptCount, conceptWeight: configuration.conceptLossWeight)
                    var parameters = pipeline.parameters
                    optimizer.update(&parameters, along: pullback(gradient))
                    pipeline.parameters = parameters
                    total += loss
                    batches += 1
                }
                losses.append(total / Float(batches))
                if log || epoch == configuration.epochs {
                    progress("\(h == 0 ? "" : "rate head k = \(k): ")epoch \(epoch)/\(configuration.epochs): loss \(formatNumber(Double(total / Float(batches))))")
                }
            }
            pipeline.perturbations = []
            return (pipeline, losses)
        }
        let k = configuration.channelUsesPerSample
        let (pipeline, losses) = trainHead(k: k, streams: 0, log: true)
        var rateHeads: [ClinicalTextCodec.Pipeline] = []
        for (h, headK) in configuration.rateHeadChannelUses.enumerated() {
            rateHeads.append(trainHead(k: headK, streams: h + 1, log: false).pipeline)
        }
        var codec = ClinicalTextCodec(
            lexicon: known, featurizer: featurizer, maximumBytes: configuration.maximumBytes, pipeline: pipeline,
            rateHeads: rateHeads)

        // 4. Test metrics.
        var metrics: [String: Double] = [:]
        var evaluations: [(channel: String, snrDecibels: Float, noise: String, evaluation: ClinicalTextEvaluation)] = []
        var settings: [(snr: Float, noise: String)] = configuration.evaluationSNRDecibels.map { ($0, "none") }
        settings += configuration.evaluationNoise.map { (10, $0) }
        for (index, setting) in settings.enumerated() {
            var evalRNG = Xoshiro256(seed: configuration.seed, stream: 4).fork(stream: UInt64(index))
            var perturbations: [any SemanticPerturbation] = []
            if setting.noise != "none" {
                perturbations = [ClinicalTextNoisePerturbation(noise: try ClinicalTextNoise(spec: setting.noise, lexicon: lexicon))]
            }
            let evaluation = codec.evaluate(
                testInputs, notes: testNotes, over: AWGN(snrDecibels: setting.snr),
                repeats: configuration.evaluationRepeats, perturbations: perturbations, using: &evalRNG)
            evaluations.append(("awgn", setting.snr, setting.noise, evaluation))
            var key = "awgn_\(snrKey(setting.snr))db"
            if setting.noise != "none" { key += "_" + metricKey(setting.noise) }
            metrics[key + "_triage_accuracy"] = evaluation.triageAccuracy
            metrics[key + "_concept_f1"] = evaluation.conceptF1
            progress(
                "awgn \(snrKey(setting.snr)) dB, noise \(setting.noise): triage accuracy \(formatNumber(evaluation.triageAccuracy)), concept F1 \(formatNumber(evaluation.conceptF1))"
            )
        }
        // Rate heads: clean test accuracy at each evaluation SNR (stream 6), and the head the
        // validation notes choose there (stream 7).
        for head in rateHeads {
            let headK = head.channelUsesPerSample
            let variant = codec.atChannelUses(headK)!
            for (s, snr) in configuration.evaluationSNRDecibels.enumerated() {
                var evalRNG = Xoshiro256(seed: configuration.seed, stream: 6).fork(stream: UInt64(headK) << 16 | UInt64(s))
                let evaluation = variant.evaluate(
                    testInputs, notes: testNotes, over: AWGN(snrDecibels: snr), repeats: configuration.evaluationRepeats,
                    using: &evalRNG)
                metrics["rate_\(headK)_awgn_\(snrKey(snr))db_triage_accuracy"] = evaluation.triageAccuracy
                metrics["rate_\(headK)_awgn_\(snrKey(snr))db_concept_f1"] = evaluation.conceptF1
                progress(
                    "rate head k = \(headK), awgn \(snrKey(snr)) dB: triage accuracy \(formatNumber(evaluation.triageAccuracy)), concept F1 \(formatNumber(evaluation.conceptF1))")
            }
        }
        if !rateHeads.isEmpty && !validationIndices.isEmpty {
            let validationInputs = encoded.bytes.gatherRows(validationIndices)
            let validationNotes = validationIndices.map { notes[$0] }
            for (s, snr) in configuration.evaluationSNRDecibels.enumerated() {
                var selectRNG = Xoshiro256(seed: configuration.seed, stream: 7).fork(stream: UInt64(s))
                let selection = codec.selectChannelUses(
                    validationInputs: validationInputs, notes: validationNotes, over: AWGN(snrDecibels: snr),
                    repeats: configuration.evaluationRepeats, using: &selectRNG)
                metrics["rate_selected_awgn_\(snrKey(snr))db_channel_uses"] = Double(selection.channelUses)
                progress(
                    "awgn \(snrKey(snr)) dB: the validation notes choose k = \(selection.channelUses) (validation accuracy "
                        + selection.validationAccuracies.keys.sorted().map { "k \($0): \(formatNumber(selection.validationAccuracies[$0]!))" }
                        .joined(separator: ", ") + ")")
            }
        }
        metrics["channel_uses_per_sample"] = Double(k)
        if !validationIndices.isEmpty { metrics["validation_notes"] = Double(validationIndices.count) }
        metrics["test_notes"] = Double(testNotes.count)
        metrics["train_notes"] = Double(trainNotes.count)
        metrics["truncated_notes"] = Double(encoded.truncatedNotes.count)
        metrics["evaluation_repeats"] = Double(configuration.evaluationRepeats)
        metrics["final_training_loss"] = Double(losses.last ?? .nan)

        // 5. The knowledge base.
        var sections = lexiconSections(known)
        for grid in featurizer.grids {
            sections.append(
                Section(
                    name: SectionName.gridPrefix + grid.sign.rawValue,
                    content: .tensor(Tensor(shape: [grid.thresholds.count], scalars: grid.thresholds.map(Float.init)))))
        }
        sections.append(
            Section(
                name: SectionName.testIndices,
                content: .tensor(Tensor(shape: [testIndices.count], scalars: testIndices.map(Float.init)))))
        if !validationIndices.isEmpty {
            sections.append(
                Section(
                    name: SectionName.validationIndices,
                    content: .tensor(Tensor(shape: [validationIndices.count], scalars: validationIndices.map(Float.init)))))
        }
        if !rateHeads.isEmpty {
            let descriptions = rateHeads.map { head in
                RateHeadDescription(
                    channelUsesPerSample: head.channelUsesPerSample,
                    encoder: describe(
                        Array(head.encoder.network.layers.dropFirst()), prefix: "rate.\(head.channelUsesPerSample).encoder",
                        firstIndex: 1, sections: &sections),
                    decoder: describe(
                        head.decoder.network.layers, prefix: "rate.\(head.channelUsesPerSample).decoder", firstIndex: 0,
                        sections: &sections))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            do {
                sections.append(Section(name: SectionName.rateHeads, content: .raw(Array(try encoder.encode(descriptions)))))
            } catch {
                throw ClinicalTextCodecError(code: .sectionMismatch, message: "cannot encode the rate heads: \(error)", section: SectionName.rateHeads)
            }
        }
        var encoderLayers = [
            CodecArchitecture.Layer(
                kind: "clinical_text_features", inputSize: configuration.maximumBytes, outputSize: featurizer.width,
                options: [
                    "hash_buckets": String(configuration.hashBuckets), "hash_seed": String(configuration.hashSeed),
                    "hashed_dropout": String(configuration.hashedDropout),
                    "maximum_bytes": String(configuration.maximumBytes),
                ])
        ]
        encoderLayers += describe(
            Array(pipeline.encoder.network.layers.dropFirst()), prefix: "encoder", firstIndex: 1, sections: &sections)
        let decoderLayers = describe(pipeline.decoder.network.layers, prefix: "decoder", firstIndex: 0, sections: &sections)
        let range = configuration.trainingSNRDecibels
        let provenance = TrainingProvenance(
            dataSHA256: dataSHA256, dataSource: dataSource,
            split: "the notes' own split field: \(trainIndices.count) train notes (training sentence templates) / \(testIndices.count) test notes (each with at least one held-out template); test note indices in section '\(SectionName.testIndices)'"
                + (validationIndices.isEmpty ? "" : "; \(validationIndices.count) further training-template notes held out as the validation split (Xoshiro256(seed \(configuration.seed), stream 5)) that chooses the rate head per SNR, indices in '\(SectionName.validationIndices)'"),
            seed: configuration.seed,
            snrTrainingRangeDecibels: ValueRange(minimum: Double(range.lowerBound), maximum: Double(range.upperBound)),
            adversarial: trainingNoise.map { _ in
                TrainingProvenance.AdversarialSettings(
                    method: "semantic_noise:" + configuration.trainingNoise!, epsilon: 0, steps: nil,
                    fraction: configuration.trainingNoiseProbability, target: "input")
            },
            threads: 1, epochs: configuration.epochs)
        let manifest = Manifest(
            name: configuration.name, modality: .text, task: "triage", labelNames: codec.labelNames, schema: nil,
            architecture: CodecArchitecture(
                encoder: encoderLayers, decoder: decoderLayers, channelUsesPerSample: k, powerNormalization: "average_power"),
            provenance: provenance, metrics: metrics, createdBy: createdBy,
            notes: "Clinical-text semantic codec: note (UTF-8, ≤ \(configuration.maximumBytes) bytes, longer notes truncated) → features (\(configuration.hashBuckets) hashed word/char-3-gram/anagram/bigram buckets with training dropout \(configuration.hashedDropout), \(conceptCount)×2 concept affirmed/negated, severity, vital signs with thermometer codes) → MLP encoder → \(k) complex channel uses per note → unit average power → MLP decoder → 3 triage logits (\(codec.labelNames.joined(separator: ", "))) + 3 logits per concept (absent, affirmed, negated; concepts in section '\(SectionName.concepts)'). Trained end to end over AWGN, Es/N0 uniform in \(range.lowerBound)…\(range.upperBound) dB per note, Adam lr \(configuration.learningRate), batch \(configuration.batchSize), concept loss weight \(configuration.conceptLossWeight), training noise \(configuration.trainingNoise ?? "none") with probability \(configuration.trainingNoiseProbability). Metrics: test notes, \(configuration.evaluationRepeats) channel realizations per note; noise metrics at 10 dB."
                + (rateHeads.isEmpty ? "" : " Rate heads (same layers and training, section '\(SectionName.rateHeads)'): k = \(rateHeads.map { String($0.channelUsesPerSample) }.joined(separator: ", ")); metrics rate_<k>_* are their test figures, rate_selected_* the k the validation notes choose per SNR (fewest channel uses within one binomial standard error of the best head).")
        )
        let kb = KnowledgeBase(manifest: manifest, sections: sections)
        codec.knowledgeBaseFingerprint = kb.fingerprint
        return (
            kb,
            ClinicalTextBuildReport(
                noteCount: notes.count, trainCount: trainNotes.count, testCount: testNotes.count,
                truncatedCount: encoded.truncatedNotes.count, losses: losses, evaluations: evaluations,
                fingerprint: kb.fingerprint, codec: codec)
        )
    }

    /// The part of a lexicon a knowledge base holds: everything but the held-out synonyms
    /// (synonyms and misspellings merged into one set per concept).
    public static func knowledgeBaseLexicon(of lexicon: ClinicalLexicon) -> ClinicalLexicon {
        var known = lexicon
        known.concepts = lexicon.concepts.map {
            ClinicalConcept(id: $0.id, category: $0.category, synonyms: $0.synonyms + $0.misspellings, heldOutSynonyms: [])
        }
        return known
    }

    static func lexiconSections(_ lexicon: ClinicalLexicon) -> [Section] {
        [
            Section(name: SectionName.concepts, content: .vocabulary(Vocabulary(lexicon.conceptIDs))),
            Section(name: SectionName.categories, content: .synonymSets(lexicon.concepts.map { [$0.category.rawValue] })),
            Section(name: SectionName.synonyms, content: .synonymSets(lexicon.knowledgeBaseSynonymSets)),
            Section(name: SectionName.negationCues, content: .vocabulary(Vocabulary(lexicon.negationCues))),
            Section(name: SectionName.scopeTerminators, content: .vocabulary(Vocabulary(lexicon.scopeTerminators))),
            Section(name: SectionName.severityWords, content: .vocabulary(Vocabulary(lexicon.severityWords))),
            Section(name: SectionName.bodySites, content: .vocabulary(Vocabulary(lexicon.bodySites))),
            Section(
                name: SectionName.vitalMentions,
                content: .synonymSets(VitalSign.allCases.map { lexicon.vitalMentions[$0] ?? [$0.rawValue] })),
        ]
    }

    /// `Dense → ReLU` per hidden size, then a linear `Dense`.
    static func mlp<G: RandomNumberGenerator>(_ input: Int, _ hidden: [Int], _ output: Int, using rng: inout G) -> [any Layer<Float>] {
        var layers: [any Layer<Float>] = []
        var width = input
        for h in hidden {
            layers.append(Dense<Float>(inputSize: width, outputSize: h, initializer: .heUniform, using: &rng))
            layers.append(ReLU<Float>())
            width = h
        }
        layers.append(Dense<Float>(inputSize: width, outputSize: output, using: &rng))
        return layers
    }

    /// Describes `Dense`/`ReLU` layers and appends the dense parameters as sections
    /// `<prefix>.<layer index>.weight|bias`.
    static func describe(
        _ layers: [any Layer<Float>], prefix: String, firstIndex: Int, sections: inout [Section]
    ) -> [CodecArchitecture.Layer] {
        var described: [CodecArchitecture.Layer] = []
        for (offset, layer) in layers.enumerated() {
            let index = firstIndex + offset
            if let dense = layer as? Dense<Float> {
                let weight = "\(prefix).\(index).weight"
                let bias = "\(prefix).\(index).bias"
                sections.append(Section(name: weight, content: .tensor(dense.parameters[0])))
                sections.append(Section(name: bias, content: .tensor(dense.parameters[1])))
                described.append(
                    CodecArchitecture.Layer(
                        kind: "dense", inputSize: dense.parameters[0].shape[0], outputSize: dense.parameters[0].shape[1],
                        tensors: [weight, bias]))
            } else {
                precondition(layer is ReLU<Float>, "only Dense and ReLU layers are stored, got \(type(of: layer))")
                described.append(CodecArchitecture.Layer(kind: "relu"))
            }
        }
        return described
    }

    // MARK: - Reading back

    /// The recorded test notes of a clinical-text KB: the notes file named in its provenance (or
    /// `dataPath`), checked against the recorded SHA-256, restricted to the recorded test indices.
    /// Also returns the training notes (all the others, validation notes included).
    /// - Throws: ``ClinicalTextCodecError``.
    public static func recordedNotes(of kb: KnowledgeBase, dataPath: String? = nil) throws(ClinicalTextCodecError)
        -> (train: [ClinicalNote], test: [ClinicalNote], path: String)
    {
        let split = try recordedSplit(of: kb, dataPath: dataPath)
        return (split.train, split.test, split.path)
    }

    /// The recorded split of a clinical-text KB, as ``recordedNotes(of:dataPath:)``, with the
    /// validation notes (section `split.validation_indices`, empty when the KB has none) also
    /// returned on their own. `train` holds every note that is not a test note.
    /// - Throws: ``ClinicalTextCodecError``.
    public static func recordedSplit(of kb: KnowledgeBase, dataPath: String? = nil) throws(ClinicalTextCodecError)
        -> (train: [ClinicalNote], validation: [ClinicalNote], test: [ClinicalNote], path: String)
    {
        guard let path = dataPath ?? kb.manifest.provenance?.dataSource else {
            throw ClinicalTextCodecError(
                code: .missingSection, message: "the manifest names no data source; pass the notes file",
                section: KnowledgeBase.manifestSectionName)
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ClinicalTextCodecError(code: .unreadableFile, message: "cannot read the notes file", file: path, cause: error)
        }
        let recorded = kb.manifest.provenance?.dataSHA256
        guard sha256Hex(bytes) == recorded else {
            throw ClinicalTextCodecError(
                code: .sectionMismatch,
                message: "the notes file's SHA-256 \(sha256Hex(bytes)) differs from the training data's \(recorded ?? "(none)")",
                file: path, section: KnowledgeBase.manifestSectionName)
        }
        let notes: [ClinicalNote]
        do {
            notes = try ClinicalNote.parseJSONLines(bytes, source: path)
        } catch {
            throw ClinicalTextCodecError(code: .invalidData, message: error.message, file: path, line: error.line, cause: error)
        }
        guard let tensor = kb.tensor(named: SectionName.testIndices) else {
            throw ClinicalTextCodecError(code: .missingSection, message: "no recorded test split", section: SectionName.testIndices)
        }
        func indices(_ tensor: Tensor<Float>, _ section: String, _ what: String) throws(ClinicalTextCodecError) -> Set<Int> {
            var set = Set<Int>()
            for value in tensor.scalars {
                guard value.isFinite, value == value.rounded(), value >= 0, Int(value) < notes.count, set.insert(Int(value)).inserted
                else {
                    throw ClinicalTextCodecError(
                        code: .sectionMismatch, message: "\(what) index \(value) is not a distinct note index in 0..<\(notes.count)",
                        section: section)
                }
            }
            return set
        }
        let test = try indices(tensor, SectionName.testIndices, "test")
        var validation = Set<Int>()
        if let tensor = kb.tensor(named: SectionName.validationIndices) {
            validation = try indices(tensor, SectionName.validationIndices, "validation")
            guard validation.isDisjoint(with: test) else {
                throw ClinicalTextCodecError(
                    code: .sectionMismatch, message: "validation and test indices overlap", section: SectionName.validationIndices)
            }
        }
        return (
            notes.indices.filter { !test.contains($0) }.map { notes[$0] }, validation.sorted().map { notes[$0] },
            test.sorted().map { notes[$0] }, path
        )
    }

    /// A human-readable summary (what `semcom kb inspect` prints for a text KB).
    public static func inspect(_ kb: KnowledgeBase) -> String {
        let m = kb.manifest
        var lines = [
            "name:         \(m.name)", "fingerprint:  \(kb.fingerprint.hexString)",
            "modality:     \(m.modality)   task: \(m.task)   labels: \(m.labelNames.joined(separator: ", "))",
            "created by:   \(m.createdBy)",
        ]
        if let concepts = kb.vocabulary(named: SectionName.concepts) {
            lines.append("concepts:     \(concepts.count): \(concepts.tokens.joined(separator: ", "))")
        }
        if let synonyms = kb.synonymSets(named: SectionName.synonyms) {
            lines.append("synonyms:     \(synonyms.reduce(0) { $0 + $1.count }) forms in \(synonyms.count) sets")
        }
        if let a = m.architecture {
            let chain = a.encoder.map { $0.kind == "relu" ? "relu" : "\($0.kind) \($0.inputSize ?? 0)→\($0.outputSize ?? 0)" }
            lines.append("encoder:      \(chain.joined(separator: " → "))")
            lines.append("decoder:      \(a.decoder.map { $0.kind == "relu" ? "relu" : "dense \($0.inputSize ?? 0)→\($0.outputSize ?? 0)" }.joined(separator: " → "))")
            lines.append("channel uses: \(a.channelUsesPerSample) complex symbols per note")
            if let codec = try? ClinicalTextCodec(knowledgeBase: kb), !codec.rateHeads.isEmpty {
                lines.append("rate heads:   k = \(codec.availableChannelUses.map(String.init).joined(separator: ", ")) (chosen per SNR on the validation notes)")
            }
        }
        if let p = m.provenance {
            lines.append("data sha256:  \(p.dataSHA256)\(p.dataSource.map { " (\($0))" } ?? "")")
            lines.append("split:        \(p.split)")
            lines.append("training:     seed \(p.seed), \(p.epochs ?? 0) epochs, noise \(p.adversarial?.method ?? "none")")
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
        let codec = try ClinicalTextCodec(knowledgeBase: kb)
        return [
            "\(path): OK",
            "format version \(report.formatVersion.map(String.init) ?? "?"), \(report.fileLength) bytes, \(report.checkedSectionCount) sections checked",
            "fingerprint \(kb.fingerprint.hexString) (frames carry \(codec.frameFingerprint?.description ?? "-"))",
            "clinical-text codec: notes ≤ \(codec.maximumBytes) bytes → \(codec.featurizer.width) features → \(codec.channelUsesPerSample) complex channel uses → 3 triage classes + \(codec.conceptIDs.count) concepts"
                + (codec.rateHeads.isEmpty ? "" : "; rate heads k = \(codec.rateHeads.map { String($0.channelUsesPerSample) }.joined(separator: ", "))"),
        ].joined(separator: "\n")
    }
}

/// The lowercase hexadecimal SHA-256 (FIPS 180-4) of `bytes`.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
}

/// An SNR as used in metric names.
func snrKey(_ snr: Float) -> String {
    snr == snr.rounded() ? String(Int(snr)) : String((Double(snr) * 10).rounded() / 10)
}

/// A noise spec as a metric-name fragment: `synonym:0.2,reverse:0.1` → `synonym_0.2_reverse_0.1`.
func metricKey(_ spec: String) -> String {
    String(spec.map { $0 == ":" || $0 == "," || $0 == "-" ? "_" : $0 })
}

/// A number with up to 4 decimals.
func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String((value * 10_000).rounded() / 10_000)
}
