import Channels
import NeuralNet
import RawTransmission
import SemanticCodec
import TensorCore

/// The raw-transmission side of an evaluation: the test records in source units, how they are
/// source coded, the task model trained on clean raw data, and the (modulation, code) candidates.
///
/// Every record is sent as one ``RawTransmission/RawLink`` frame (quantize → optional zstd →
/// CRC-32C → FEC → modulate → channel → soft demodulation → FEC decode → CRC check) and the
/// received record is classified by ``classify``. A frame that fails (CRC, zstd or unpacking) is
/// classified as ``fallbackClass`` — the documented fallback is the training-set majority class —
/// and counts in `decode_failure_rate`.
///
/// ```swift
/// let raw = RawBaseline(
///     records: testRecords,                                        // BCWD grades 1…10
///     source: RawSourceCoding(quantization: .fixed(UniformQuantizer(bitsPerValue: 4, lowerBound: 0.5, upperBound: 16.5))),
///     fallbackClass: 0, classify: { record in svm(record.map { $0 / 10 }) })
/// ```
public struct RawBaseline: Sendable {
    /// One sample per test record, in the order of the semantic test set (values in source units,
    /// or text).
    public var samples: [RawSample]
    /// Quantization (choose a bit depth that represents the records exactly) and compression.
    public var source: RawSourceCoding
    /// The class predicted when a frame fails (the training-set majority class).
    public var fallbackClass: Int
    /// The task model trained on clean raw samples: sample → class.
    public var classifySample: @Sendable (RawSample) -> Int
    /// The (modulation, code) pairs tried at every SNR.
    public var candidates: [DigitalScheme]
    /// Times every record is sent per candidate and SNR (independent channel draws).
    public var passes: Int

    /// Creates a raw baseline of value records.
    /// - Precondition: records non-empty, `candidates` non-empty, `passes ≥ 1`, `fallbackClass ≥ 0`.
    public init(
        records: [[Double]], source: RawSourceCoding, fallbackClass: Int,
        candidates: [DigitalScheme] = DigitalScheme.standardCandidates, passes: Int = 1,
        classify: @escaping @Sendable ([Double]) -> Int
    ) {
        self.init(
            samples: records.map { .values($0) }, source: source, fallbackClass: fallbackClass, candidates: candidates,
            passes: passes,
            classifySample: { sample in
                guard case .values(let values) = sample else { preconditionFailure("a value baseline received text") }
                return classify(values)
            })
    }

    /// Creates a raw baseline of any samples (e.g. clinical notes as `.text`).
    /// - Precondition: samples non-empty, `candidates` non-empty, `passes ≥ 1`, `fallbackClass ≥ 0`.
    public init(
        samples: [RawSample], source: RawSourceCoding, fallbackClass: Int,
        candidates: [DigitalScheme] = DigitalScheme.standardCandidates, passes: Int = 1,
        classifySample: @escaping @Sendable (RawSample) -> Int
    ) {
        precondition(!samples.isEmpty, "RawBaseline needs at least one record")
        precondition(!candidates.isEmpty, "RawBaseline needs at least one (modulation, code) candidate")
        precondition(passes >= 1, "RawBaseline passes must be ≥ 1, got \(passes)")
        precondition(fallbackClass >= 0, "fallbackClass must be ≥ 0, got \(fallbackClass)")
        self.samples = samples
        self.source = source
        self.fallbackClass = fallbackClass
        self.candidates = candidates
        self.passes = passes
        self.classifySample = classifySample
    }

    /// The value records (empty entries for text samples).
    public var records: [[Double]] {
        samples.map { sample in
            if case .values(let values) = sample { return values }
            return []
        }
    }

    /// The payload bits of one record after source coding: `values × bits` for fixed or adaptive
    /// quantization without compression (the information itself, before byte padding), otherwise
    /// the compressed payload's bytes × 8.
    /// - Throws: `RawTransmissionError` for a record the source coder cannot encode.
    public func payloadBits(of record: [Double]) throws -> Int {
        try payloadBits(of: .values(record))
    }

    /// The payload bits of one sample after source coding (text: its UTF-8 bytes × 8, or the
    /// compressed payload's bytes × 8).
    /// - Throws: `RawTransmissionError` for a sample the source coder cannot encode.
    public func payloadBits(of sample: RawSample) throws -> Int {
        if case .none = source.compression, case .values(let record) = sample {
            switch source.quantization {
            case .fixed(let quantizer): return record.count * quantizer.bitsPerValue
            case .adaptive(let bits): return 128 + record.count * bits
            }
        }
        return try source.encode(sample).count * 8
    }
}

/// A semantic-noise condition of an evaluation: a name for the rows' `noise` column (the CLI's
/// `--noise` spec) and the perturbations it adds to the pipeline.
public struct SemanticNoiseCondition: Sendable {
    /// The spec string recorded in the rows, e.g. `none` or `jitter:0.1`.
    public var name: String
    /// The perturbations added after the pipeline's own (each at its own stage).
    public var perturbations: [any SemanticPerturbation]

    /// Creates a condition.
    public init(name: String, perturbations: [any SemanticPerturbation]) {
        self.name = name
        self.perturbations = perturbations
    }

    /// No added semantic noise, named `none`.
    public static let none = SemanticNoiseCondition(name: "none", perturbations: [])
}

/// The adaptive eavesdropper's learning setup.
///
/// It knows the labels of a fraction of the test records (stratified, at least one per class),
/// intercepts their symbols, fits a small MLP `2·k → hidden (ReLU) → classes` on them by full-batch
/// Adam (Kingma & Ba, ICLR 2015) with softmax cross-entropy, and classifies the other records.
public struct AdaptiveEavesdropperConfiguration: Sendable, Hashable {
    /// The fraction of test records whose labels the eavesdropper knows (default 0.05).
    public var knownFraction: Double
    /// Hidden units of its MLP (default 16).
    public var hiddenUnits: Int
    /// Full-batch Adam steps (default 200).
    public var steps: Int
    /// Adam learning rate (default 0.01).
    public var learningRate: Double

    /// Creates a configuration.
    /// - Precondition: `0 < knownFraction < 1`, `hiddenUnits ≥ 1`, `steps ≥ 1`, `learningRate > 0`.
    public init(knownFraction: Double = 0.05, hiddenUnits: Int = 16, steps: Int = 200, learningRate: Double = 0.01) {
        precondition(knownFraction > 0 && knownFraction < 1, "knownFraction must be in (0, 1), got \(knownFraction)")
        precondition(hiddenUnits >= 1 && steps >= 1, "hiddenUnits and steps must be ≥ 1, got \(hiddenUnits), \(steps)")
        precondition(learningRate > 0, "learningRate must be > 0, got \(learningRate)")
        self.knownFraction = knownFraction
        self.hiddenUnits = hiddenUnits
        self.steps = steps
        self.learningRate = learningRate
    }
}

/// How close raw accuracy must come to the semantic accuracy to count as "the same accuracy".
public enum AccuracyTolerance: Sendable, Hashable {
    /// A fixed margin: raw accuracy ≥ semantic accuracy − `margin`.
    case fixed(Double)
    /// `m` binomial standard errors of the test set: raw accuracy ≥ `a − m·√(a(1 − a)/n)`, with `a`
    /// the semantic accuracy and `n` the **test records** (not records × passes: the records are
    /// the sample, channel passes only average the noise).
    case standardErrors(Double)

    /// The margin for semantic accuracy `accuracy` on `records` test records.
    public func margin(accuracy: Double, records: Int) -> Double {
        switch self {
        case .fixed(let margin): return margin
        case .standardErrors(let m):
            let a = Swift.min(Swift.max(accuracy, 0), 1)
            return m * (a * (1 - a) / Double(Swift.max(records, 1))).squareRoot()
        }
    }

    /// A sentence for reports and the JSON `tolerance_rule`.
    public func rule(records: Int) -> String {
        switch self {
        case .fixed(let margin): return "fixed margin \(margin)"
        case .standardErrors(let m):
            return "\(m == m.rounded() ? String(Int(m)) : String(m)) binomial standard error(s) of the \(records) test records, sqrt(a(1-a)/n) at the semantic accuracy a"
        }
    }
}

/// What to sweep and how.
public struct EvaluationConfiguration: Sendable {
    /// The channels.
    public var channels: [ChannelSpec]
    /// Es/N0 values, dB.
    public var snrDecibels: [Double]
    /// Passes over the test set for the semantic link and the eavesdroppers (fresh channel draws
    /// each; default 5).
    public var semanticPasses: Int
    /// The semantic-noise conditions: each adds its perturbations to the pipeline's own and gives
    /// its own semantic, eavesdropper and comparison rows (default: one condition `none`).
    public var noiseConditions: [SemanticNoiseCondition]
    /// The adaptive eavesdropper, or `nil` to skip it.
    public var adaptiveEavesdropper: AdaptiveEavesdropperConfiguration?
    /// The accuracy tolerance of the comparison summary (default: one binomial standard error of
    /// the test set).
    public var accuracyTolerance: AccuracyTolerance
    /// Samples per forward pass of the semantic pipeline (default 256).
    public var batchSize: Int
    /// When set, every point also measures the link with keyed per-frame scrambling
    /// (``SealedLink``): rows `sealed-semantic`, `sealed-eve-naive`, `sealed-eve-adaptive`.
    public var sealing: SealedLink? = nil

    /// Creates a configuration.
    /// - Precondition: channels, SNRs and noise conditions non-empty, SNRs finite, `semanticPasses ≥ 1`,
    ///   a tolerance ≥ 0, `batchSize ≥ 1`.
    public init(
        channels: [ChannelSpec], snrDecibels: [Double], semanticPasses: Int = 5,
        noiseConditions: [SemanticNoiseCondition] = [.none],
        adaptiveEavesdropper: AdaptiveEavesdropperConfiguration? = AdaptiveEavesdropperConfiguration(),
        accuracyTolerance: AccuracyTolerance = .standardErrors(1), batchSize: Int = 256
    ) {
        precondition(!channels.isEmpty, "An evaluation needs at least one channel")
        precondition(!snrDecibels.isEmpty && snrDecibels.allSatisfy(\.isFinite), "SNRs must be finite and non-empty")
        precondition(!noiseConditions.isEmpty, "An evaluation needs at least one noise condition (e.g. .none)")
        precondition(semanticPasses >= 1, "semanticPasses must be ≥ 1, got \(semanticPasses)")
        switch accuracyTolerance {
        case .fixed(let t), .standardErrors(let t):
            precondition(t.isFinite && t >= 0, "accuracyTolerance must be finite and ≥ 0, got \(accuracyTolerance)")
        }
        precondition(batchSize >= 1, "batchSize must be ≥ 1, got \(batchSize)")
        self.channels = channels
        self.snrDecibels = snrDecibels
        self.semanticPasses = semanticPasses
        self.noiseConditions = noiseConditions
        self.adaptiveEavesdropper = adaptiveEavesdropper
        self.accuracyTolerance = accuracyTolerance
        self.batchSize = batchSize
    }
}

/// Everything an evaluation measured.
public struct EvaluationResult: Sendable {
    /// One row per (channel, SNR, scheme): semantic, raw (best candidate), raw-ideal and the
    /// eavesdroppers, in channel, then SNR, then scheme order.
    public var rows: [EvaluationRow]
    /// Every raw candidate at every (channel, SNR) (scheme `raw`), for the accuracy-vs-channel-uses plot.
    public var rawCandidates: [EvaluationRow]
    /// For each (channel, SNR): raw channel uses needed to match the semantic accuracy.
    public var comparisons: [EvaluationComparison]
    /// The raw task model's accuracy on the clean test records (the raw-ideal accuracy), if raw ran.
    public var rawCleanAccuracy: Double?
    /// The channels, in sweep order.
    public var channels: [ChannelSpec]
    /// The SNRs (dB), in sweep order.
    public var snrDecibels: [Double]
}

/// The evaluation engine of `semcom eval` and `semcom demo`: a semantic link against raw
/// transmission, the ideal digital bound and two eavesdroppers, over channels × SNRs.
///
/// For every channel and SNR (Es/N0 per complex channel use; all schemes see the same channel
/// statistics at the same SNR):
/// - **semantic**: the pipeline (encoder → power normalization → channel → decoder) classifies the
///   test set `semanticPasses` times with fresh channel draws; accuracy and balanced accuracy are
///   over all passes.
/// - **eavesdropper-naive**: the transmitted symbols pass through an independent realization of the
///   same channel to a decoder of the eavesdropper's own KB (e.g. the same architecture trained on
///   the same data with another seed).
/// - **eavesdropper-adaptive**: on those intercepted symbols, fits its own MLP on the records whose
///   labels it knows (``AdaptiveEavesdropperConfiguration``) and classifies the rest.
/// - **raw**: every candidate of ``RawBaseline`` sends every record (see there); the row is the
///   candidate with the highest accuracy, ties going to the fewest channel uses.
/// - **raw-ideal**: `⌈payload bits / C⌉` channel uses per record (``ChannelSpec/idealCapacity(snrDecibels:)``,
///   `IdealDigitalBound`) with the task model's clean accuracy (error-free delivery at capacity).
///
/// Randomness: one seed is drawn from `rng`; every (channel, SNR, scheme) point forks its own
/// stream from it, so a point's numbers do not depend on which other points or schemes ran.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let result = LinkEvaluation.run(
///     pipeline: pipeline, test: test, raw: raw, naiveEavesdropper: LinkEvaluation.receiver(of: evePipeline),
///     configuration: EvaluationConfiguration(channels: [try ChannelSpec.parse("awgn")], snrDecibels: [0, 10]),
///     using: &rng)
/// try EvaluationOutputs.writeJSON(result, to: "out.json", seed: 0, inputs: ["channel": "awgn"])
/// ```
public enum LinkEvaluation {
    /// The receiving half of a pipeline as an eavesdropper's decoder: received symbols
    /// `[batch, 2·k]` → logits `[batch, classes]`.
    public static func receiver<E: SemanticEncoder, D: SemanticDecoder>(
        of pipeline: SemanticPipeline<E, D>
    ) -> @Sendable (Tensor<Float>) -> Tensor<Float> {
        { pipeline.decode($0) }
    }

    /// Runs the evaluation.
    /// - Parameters:
    ///   - pipeline: the legitimate semantic link (its decoder outputs logits `[batch, classes]`).
    ///   - test: the test set in the pipeline's input format (e.g. `[samples, 9]` BCWD features ÷ 10).
    ///   - raw: the raw baseline on the same records, or `nil` to skip raw and raw-ideal.
    ///   - naiveEavesdropper: the naive eavesdropper's decoder (``receiver(of:)``), or `nil` to skip it;
    ///     it must read `[batch, 2·k]` with the pipeline's `k` (check a foreign KB's `k` before).
    ///   - configuration: channels, SNRs and settings.
    ///   - rng: the generator (one draw).
    ///   - progress: called with a line after each (channel, SNR) point.
    /// - Returns: the rows, all raw candidates and the comparison summary.
    /// - Throws: `RawTransmissionError` if the raw source coder cannot encode a record (e.g. a
    ///   non-finite value).
    /// - Precondition: `raw.records.count == test.count`.
    public static func run<E: SemanticEncoder, D: SemanticDecoder, G: RandomNumberGenerator>(
        pipeline: SemanticPipeline<E, D>, test: LabeledBatch, raw: RawBaseline?,
        naiveEavesdropper: (@Sendable (Tensor<Float>) -> Tensor<Float>)?, configuration: EvaluationConfiguration,
        using rng: inout G, progress: (String) -> Void = { _ in }
    ) throws -> EvaluationResult {
        precondition(test.count > 0, "The test set is empty")
        if let raw {
            precondition(
                raw.samples.count == test.count,
                "RawBaseline has \(raw.samples.count) records for \(test.count) test samples")
        }
        let base = Xoshiro256(seed: rng.next())
        let k = Double(pipeline.channelUsesPerSample)
        let classCount = (test.labels.max() ?? 0) + 1
        var rows: [EvaluationRow] = []
        var candidates: [EvaluationRow] = []
        var comparisons: [EvaluationComparison] = []
        var cleanAccuracy: Double?
        var cleanBalanced: Double?
        var payloadBits: [Int] = []
        if let raw {
            let predictions = raw.samples.map(raw.classifySample)
            cleanAccuracy = Metrics.accuracy(predictions: predictions, labels: test.labels)
            cleanBalanced = Metrics.balancedAccuracy(predictions: predictions, labels: test.labels)
            payloadBits = try raw.samples.map { try raw.payloadBits(of: $0) }
        }
        for (c, spec) in configuration.channels.enumerated() {
            for (s, snr) in configuration.snrDecibels.enumerated() {
                let channel = spec.channel(snrDecibels: snr)
                let point = UInt64(c) << 32 | UInt64(s) << 8
                var line = "\(spec) \(snr) dB:"
                var semanticAccuracies: [(noise: String, accuracy: Double)] = []
                for (n, condition) in configuration.noiseConditions.enumerated() {
                    var semanticRNG = base.fork(stream: point | UInt64(n) << 16 | 1)
                    var perturbed = pipeline
                    perturbed.perturbations += condition.perturbations
                    let semantic = try runSemantic(
                        pipeline: perturbed, test: test, channel: channel, naive: naiveEavesdropper,
                        adaptive: configuration.adaptiveEavesdropper, passes: configuration.semanticPasses,
                        batchSize: configuration.batchSize, classCount: classCount, using: &semanticRNG)
                    func row(_ scheme: EvaluationScheme, _ m: Measured) -> EvaluationRow {
                        EvaluationRow(
                            scheme: scheme, channel: spec.description, snrDecibels: snr, noise: condition.name,
                            channelUsesPerSample: k, accuracy: m.accuracy, balancedAccuracy: m.balancedAccuracy,
                            samples: m.samples)
                    }
                    rows.append(row(.semantic, semantic.legitimate))
                    if let naive = semantic.naive { rows.append(row(.eavesdropperNaive, naive)) }
                    if let adaptive = semantic.adaptive { rows.append(row(.eavesdropperAdaptive, adaptive)) }
                    if let sealing = configuration.sealing {
                        var sealedRNG = base.fork(stream: point | UInt64(n) << 16 | 2)
                        let sealed = try runSemantic(
                            pipeline: perturbed, test: test, channel: channel, naive: naiveEavesdropper,
                            adaptive: configuration.adaptiveEavesdropper, passes: configuration.semanticPasses,
                            batchSize: configuration.batchSize, classCount: classCount, sealing: sealing,
                            firstFrame: UInt64(c) << 48 | UInt64(s) << 36 | UInt64(n) << 28, using: &sealedRNG)
                        rows.append(row(.sealedSemantic, sealed.legitimate))
                        if let naive = sealed.naive { rows.append(row(.sealedEavesdropperNaive, naive)) }
                        if let adaptive = sealed.adaptive { rows.append(row(.sealedEavesdropperAdaptive, adaptive)) }
                    }
                    semanticAccuracies.append((condition.name, semantic.legitimate.accuracy))
                    line += " semantic[\(condition.name)] \(format(semantic.legitimate.accuracy))"
                }
                if let raw, let cleanAccuracy, let cleanBalanced {
                    var pointCandidates: [EvaluationRow] = []
                    for (index, scheme) in raw.candidates.enumerated() {
                        var rawRNG = base.fork(stream: point | UInt64(16 + index))
                        pointCandidates.append(
                            try runRaw(
                                raw, scheme: scheme, labels: test.labels, channel: channel, spec: spec, snr: snr,
                                using: &rawRNG))
                    }
                    candidates += pointCandidates
                    // Highest accuracy, ties → fewest channel uses, then listed order.
                    let best = pointCandidates.enumerated().min {
                        if $0.element.accuracy != $1.element.accuracy {
                            return $0.element.accuracy > $1.element.accuracy
                        }
                        if $0.element.channelUsesPerSample != $1.element.channelUsesPerSample {
                            return $0.element.channelUsesPerSample < $1.element.channelUsesPerSample
                        }
                        return $0.offset < $1.offset
                    }!.element  // non-empty: RawBaseline requires candidates
                    rows.append(best)
                    let capacity = spec.idealCapacity(snrDecibels: snr)
                    let idealUses = payloadBits.map { ceilDivide(bits: $0, capacity: capacity) }
                    rows.append(
                        EvaluationRow(
                            scheme: .rawIdeal, channel: spec.description, snrDecibels: snr, noise: "none",
                            channelUsesPerSample: idealUses.reduce(0, +) / Double(idealUses.count),
                            accuracy: cleanAccuracy, balancedAccuracy: cleanBalanced, decodeFailureRate: 0,
                            payloadBits: Double(payloadBits.reduce(0, +)) / Double(payloadBits.count),
                            samples: test.count))
                    for (noise, accuracy) in semanticAccuracies {
                        comparisons.append(
                            compare(
                                semantic: accuracy, channelUses: k, candidates: pointCandidates,
                                tolerance: configuration.accuracyTolerance, records: test.count, spec: spec, snr: snr,
                                noise: noise, rawCleanAccuracy: cleanAccuracy))
                    }
                    line += ", raw \(format(best.accuracy)) (\(best.modulation ?? "")/\(best.code ?? ""))"
                }
                progress(line)
            }
        }
        return EvaluationResult(
            rows: rows, rawCandidates: candidates, comparisons: comparisons, rawCleanAccuracy: cleanAccuracy,
            channels: configuration.channels, snrDecibels: configuration.snrDecibels)
    }

    /// `⌈B / C⌉` channel uses as in `IdealDigitalBound.channelUses` (∞ when C = 0).
    static func ceilDivide(bits: Int, capacity: Double) -> Double {
        guard bits > 0 else { return 0 }
        guard capacity > 0 else { return .infinity }
        let quotient = Double(bits) / capacity
        let nearest = quotient.rounded()
        return abs(quotient - nearest) <= 1e-9 * Swift.max(1, nearest) ? nearest : quotient.rounded(.up)
    }

    struct Measured {
        var accuracy: Double
        var balancedAccuracy: Double
        var samples: Int
    }

    /// The semantic link and the eavesdroppers at one point.
    static func runSemantic<E: SemanticEncoder, D: SemanticDecoder, G: RandomNumberGenerator>(
        pipeline: SemanticPipeline<E, D>, test: LabeledBatch, channel: EvaluationChannel,
        naive: (@Sendable (Tensor<Float>) -> Tensor<Float>)?, adaptive: AdaptiveEavesdropperConfiguration?,
        passes: Int, batchSize: Int, classCount: Int, sealing: SealedLink? = nil, firstFrame: UInt64 = 0,
        using rng: inout G
    ) throws -> (legitimate: Measured, naive: Measured?, adaptive: Measured?) {
        var legitimate: [Int] = []
        var naivePredictions: [Int] = []
        var adaptivePredictions: [Int] = []
        var adaptiveLabels: [Int] = []
        var labels: [Int] = []
        let twoK = 2 * pipeline.channelUsesPerSample
        for pass in 0..<passes {
            var intercepted: [Float] = []
            intercepted.reserveCapacity(test.count * twoK)
            var start = 0
            while start < test.count {
                let end = Swift.min(start + batchSize, test.count)
                let transmission: (symbols: Tensor<Float>, output: Tensor<Float>)
                if let sealing {  // scrambled symbols on the air, unscrambled after equalization
                    transmission = try sealing.transmit(
                        pipeline, test.inputs.rows(start..<end), over: channel,
                        firstSequence: firstFrame + UInt64(pass * test.count + start), using: &rng)
                } else {
                    let clear = pipeline.transmit(test.inputs.rows(start..<end), over: channel, using: &rng)
                    transmission = (clear.symbols, clear.output)
                }
                precondition(
                    transmission.output.rank == 2,
                    "A classifier's decoder outputs [batch, classes], got \(transmission.output.shape)")
                legitimate += transmission.output.argmaxAlongLastAxis()
                if naive != nil || adaptive != nil {
                    // The eavesdropper's own, independent realization of the same channel.
                    let eve = channel.transmit(transmission.symbols, using: &rng).output
                    intercepted += eve.scalars
                    if let naive {
                        let logits = naive(eve)
                        precondition(
                            logits.rank == 2 && logits.shape[0] == end - start,
                            "The naive eavesdropper must output logits [\(end - start), classes], got \(logits.shape)")
                        naivePredictions += logits.argmaxAlongLastAxis()
                    }
                }
                start = end
            }
            labels += test.labels
            if let adaptive {
                let symbols = Tensor<Float>(shape: [test.count, twoK], scalars: intercepted)
                let (predicted, truth) = adaptiveEavesdropper(
                    symbols: symbols, labels: test.labels, classCount: classCount, configuration: adaptive, using: &rng)
                adaptivePredictions += predicted
                adaptiveLabels += truth
            }
        }
        func measured(_ predictions: [Int], _ truth: [Int]) -> Measured {
            Measured(
                accuracy: Metrics.accuracy(predictions: predictions, labels: truth),
                balancedAccuracy: Metrics.balancedAccuracy(predictions: predictions, labels: truth),
                samples: truth.count)
        }
        return (
            measured(legitimate, labels),
            naive == nil ? nil : measured(naivePredictions, labels),
            adaptive == nil || adaptiveLabels.isEmpty ? nil : measured(adaptivePredictions, adaptiveLabels)
        )
    }

    /// The adaptive eavesdropper on one pass of intercepted symbols `[samples, 2·k]`: picks the
    /// known records (stratified), fits its MLP on them, and classifies the others.
    /// - Returns: predictions and true labels of the unknown records.
    static func adaptiveEavesdropper<G: RandomNumberGenerator>(
        symbols: Tensor<Float>, labels: [Int], classCount: Int, configuration: AdaptiveEavesdropperConfiguration,
        using rng: inout G
    ) -> (predictions: [Int], labels: [Int]) {
        var known: [Int] = []
        for label in 0..<classCount {
            var rows = labels.indices.filter { labels[$0] == label }
            guard !rows.isEmpty else { continue }
            rows.shuffle(using: &rng)
            let count = Swift.max(1, Int((configuration.knownFraction * Double(rows.count)).rounded()))
            known += rows.prefix(rows.count > 1 ? Swift.min(count, rows.count - 1) : rows.count)
        }
        known.sort()
        let knownSet = Set(known)
        let unknown = labels.indices.filter { !knownSet.contains($0) }
        guard !unknown.isEmpty, !known.isEmpty else { return ([], []) }
        var model = Sequential<Float>(
            Dense<Float>(
                inputSize: symbols.shape[1], outputSize: configuration.hiddenUnits, initializer: .heUniform, using: &rng
            ),
            ReLU<Float>(),
            Dense<Float>(inputSize: configuration.hiddenUnits, outputSize: classCount, using: &rng))
        var optimizer = Adam<Float>(learningRate: configuration.learningRate)
        let x = symbols.gatherRows(known)
        let y = known.map { labels[$0] }
        for _ in 0..<configuration.steps {
            let gradients: [Tensor<Float>] = {
                let (logits, pullback) = model.forward(x, training: true, using: &rng)
                return pullback(Losses.softmaxCrossEntropy(logits: logits, labels: y).gradient).parameters
            }()
            optimizer.update(&model.parameters, along: gradients)
        }
        return (model(symbols.gatherRows(unknown)).argmaxAlongLastAxis(), unknown.map { labels[$0] })
    }

    /// One raw candidate at one point.
    static func runRaw<G: RandomNumberGenerator>(
        _ raw: RawBaseline, scheme: DigitalScheme, labels: [Int], channel: EvaluationChannel, spec: ChannelSpec,
        snr: Double, using rng: inout G
    ) throws -> EvaluationRow {
        let configuration = RawLinkConfiguration(source: raw.source, modulation: scheme.modulation, code: scheme.code)
        // The fallback sample is never classified: a failed frame predicts `fallbackClass`.
        let fallback: RawSample
        switch raw.samples.first {
        case .values(let values)?: fallback = .values([Double](repeating: 0, count: values.count))
        default: fallback = .text(" ")
        }
        var link = RawLink(configuration: configuration, fallback: .fixed(fallback))
        var predictions: [Int] = []
        var truth: [Int] = []
        var failures = 0
        var uses = 0
        var payload = 0
        for _ in 0..<raw.passes {
            for (sample, label) in zip(raw.samples, labels) {
                let report = try link.transmit(sample, over: channel, using: &rng)
                uses += report.channelUses
                payload += report.payloadBits
                if report.frameSucceeded {
                    predictions.append(raw.classifySample(report.output))
                } else {
                    failures += 1
                    predictions.append(raw.fallbackClass)
                }
                truth.append(label)
            }
        }
        let n = Double(truth.count)
        return EvaluationRow(
            scheme: .raw, channel: spec.description, snrDecibels: snr, noise: "none",
            channelUsesPerSample: Double(uses) / n, accuracy: Metrics.accuracy(predictions: predictions, labels: truth),
            balancedAccuracy: Metrics.balancedAccuracy(predictions: predictions, labels: truth),
            decodeFailureRate: Double(failures) / n, modulation: scheme.modulation.rawValue, code: scheme.code.rawValue,
            payloadBits: Double(payload) / n, samples: truth.count)
    }

    /// The comparison summary at one point.
    static func compare(
        semantic accuracy: Double, channelUses: Double, candidates: [EvaluationRow], tolerance rule: AccuracyTolerance,
        records: Int, spec: ChannelSpec, snr: Double, noise: String, rawCleanAccuracy: Double,
        scheme: EvaluationScheme = .semantic
    ) -> EvaluationComparison {
        let tolerance = rule.margin(accuracy: accuracy, records: records)
        let reaching = candidates.filter { $0.accuracy >= accuracy - tolerance - 1e-12 }
        let cheapest = reaching.min { $0.channelUsesPerSample < $1.channelUsesPerSample }
        return EvaluationComparison(
            scheme: scheme, channel: spec.description, snrDecibels: snr, noise: noise, semanticAccuracy: accuracy,
            semanticChannelUses: channelUses, tolerance: tolerance, toleranceRule: rule.rule(records: records),
            status: cheapest == nil ? "unreached" : "reached",
            rawChannelUses: cheapest?.channelUsesPerSample, rawAccuracy: cheapest?.accuracy,
            rawModulation: cheapest?.modulation, rawCode: cheapest?.code,
            ratio: cheapest.map { $0.channelUsesPerSample / channelUses }, rawCleanAccuracy: rawCleanAccuracy)
    }

    static func format(_ value: Double) -> String { formatFixed(value, decimals: 3) }
}
