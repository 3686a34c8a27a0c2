// The clinical-text semantic codec: note → features → MLP encoder → k channel uses → MLP decoder →
// triage class and concept set.

import Channels
import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import RealModule
import TensorCore

/// A task-oriented semantic codec for clinical notes (DeepSC-style joint source–channel coding for
/// text, Xie et al., IEEE TSP 2021, with task heads instead of sentence reconstruction):
///
/// ```
/// note (UTF-8 bytes, ≤ L) → ClinicalTextFeatureLayer (KB vocabulary, synonyms, hashing)
///   → Dense → ReLU → Dense → 2·k reals → unit average power → channel
///   → Dense → ReLU → Dense → [3 triage logits | 3 logits per concept: absent, affirmed, negated]
/// ```
///
/// Why a bag of n-grams and an MLP rather than a transformer or BiGRU: on two shared CPU cores the
/// hashed n-gram encoder trains in about a minute and meets the accuracy targets; its sub-word and
/// anagram features make it robust to typos and letter reversals by construction, and the KB's
/// synonym sets give the concept features (see ``ClinicalTextFeaturizer``). Word order only
/// matters through bigrams and the negation scopes — a transformer would be the next step for
/// order-heavy tasks.
///
/// ```swift
/// let codec = try ClinicalTextCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: "KnowledgeBases/clinical-triage.semkb"))
/// let encoded = try codec.inputs(for: ["58 y/o M with chest pain. SpO2 87 %."])
/// var rng = Xoshiro256(seed: 1)
/// let symbols = codec.pipeline.symbols(for: encoded.bytes, using: &rng)          // [1, 2·k]
/// let received = AWGN(snrDecibels: 10).transmit(symbols, using: &rng).output
/// let decoded = codec.decode(received)                                         // triage + concepts
/// ```
public struct ClinicalTextCodec: Sendable {
    /// The pipeline type: feature layer + MLP encoder, MLP decoder.
    public typealias Pipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

    /// The vocabulary the codec knows (from its knowledge base: no held-out synonyms).
    public var lexicon: ClinicalLexicon
    /// The featurizer.
    public var featurizer: ClinicalTextFeaturizer
    /// The model's limit in UTF-8 bytes per note (longer notes are truncated).
    public var maximumBytes: Int
    /// Encoder, power normalization, perturbations and the two-task decoder.
    public var pipeline: Pipeline
    /// The fingerprint of the knowledge base the codec was read from (`nil` before it is stored).
    public var knowledgeBaseFingerprint: Fingerprint?
    /// The **rate heads**: further encoder/decoder pairs on the same features, each to its own `k`
    /// (none for a single-rate codec). ``atChannelUses(_:)`` makes one of them the link's
    /// ``pipeline``; ``selectChannelUses(validationInputs:notes:over:repeats:using:)`` picks one per SNR.
    public var rateHeads: [Pipeline]

    /// Creates a codec from its parts.
    /// - Precondition: the rate heads' `k` are distinct and differ from the main pipeline's.
    public init(
        lexicon: ClinicalLexicon, featurizer: ClinicalTextFeaturizer, maximumBytes: Int, pipeline: Pipeline,
        rateHeads: [Pipeline] = []
    ) {
        let ks = [pipeline.channelUsesPerSample] + rateHeads.map(\.channelUsesPerSample)
        precondition(Set(ks).count == ks.count, "the heads' channel uses must be distinct, got \(ks)")
        self.lexicon = lexicon
        self.featurizer = featurizer
        self.maximumBytes = maximumBytes
        self.pipeline = pipeline
        self.rateHeads = rateHeads
        self.knowledgeBaseFingerprint = nil
    }

    /// Every `k` the codec can send with (the main head's and the rate heads'), ascending.
    public var availableChannelUses: [Int] { ([pipeline.channelUsesPerSample] + rateHeads.map(\.channelUsesPerSample)).sorted() }

    /// The same codec sending with the head of `k` channel uses (the current main head becomes a
    /// rate head), or `nil` if it has no such head.
    public func atChannelUses(_ k: Int) -> ClinicalTextCodec? {
        if k == channelUsesPerSample { return self }
        guard let index = rateHeads.firstIndex(where: { $0.channelUsesPerSample == k }) else { return nil }
        var copy = self
        copy.pipeline = rateHeads[index]
        copy.rateHeads[index] = pipeline
        return copy
    }

    /// The rate chosen for one channel state on the validation notes.
    public struct RateSelection: Sendable, Hashable {
        /// The chosen `k`.
        public var channelUses: Int
        /// Validation triage accuracy of every head, by `k`.
        public var validationAccuracies: [Int: Double]
        /// The margin below the best validation accuracy that a smaller head may lose.
        public var margin: Double
        /// Validation notes.
        public var validationNotes: Int
    }

    /// Chooses the head to send with over `channel`, on validation notes (never the test notes): each
    /// head's triage accuracy is measured over the channel; with `a*` the best of them and `n` the
    /// validation notes, the chosen head is the one with the **fewest channel uses whose accuracy is
    /// ≥ a* − √(a*(1 − a*)/n)** (one binomial standard error — the tolerance the raw comparison uses
    /// for "the same accuracy"). A link adapting its rate to the SNR this way is what a raw link does
    /// when it picks its modulation and code per SNR.
    /// - Parameters:
    ///   - validationInputs: byte rows `[notes, L]` of the validation notes.
    ///   - notes: their labels.
    ///   - channel: the channel at the SNR to serve.
    ///   - repeats: channel realizations per note.
    ///   - rng: channel draws (one fork per head, so a head's figure does not depend on the others).
    /// - Precondition: at least one validation note.
    public func selectChannelUses<C: ChannelModel, G: RandomNumberGenerator>(
        validationInputs: Tensor<Float>, notes: [ClinicalNote], over channel: C, repeats: Int = 1, using rng: inout G
    ) -> RateSelection {
        precondition(!notes.isEmpty, "rate selection needs validation notes")
        let base = Xoshiro256(seed: rng.next())
        var accuracies: [Int: Double] = [:]
        for k in availableChannelUses {
            var headRNG = base.fork(stream: UInt64(k))
            accuracies[k] = atChannelUses(k)!.evaluate(
                validationInputs, notes: notes, over: channel, repeats: repeats, using: &headRNG
            ).triageAccuracy
        }
        let best = accuracies.values.max()!
        let margin = (best * (1 - best) / Double(notes.count)).squareRoot()
        let chosen = availableChannelUses.first { accuracies[$0]! >= best - margin - 1e-12 }!
        return RateSelection(channelUses: chosen, validationAccuracies: accuracies, margin: margin, validationNotes: notes.count)
    }

    /// `k`, complex channel uses per note.
    public var channelUsesPerSample: Int { pipeline.channelUsesPerSample }
    /// The triage class names, in label order.
    public var labelNames: [String] { TriageClass.allCases.map(\.rawValue) }
    /// The concept identifiers, in label order.
    public var conceptIDs: [String] { lexicon.conceptIDs }
    /// The decoder's output width: 3 triage logits + 3 per concept.
    public var outputWidth: Int { Self.outputWidth(conceptCount: lexicon.concepts.count) }

    /// 3 + 3 · concepts.
    static func outputWidth(conceptCount: Int) -> Int { 3 + 3 * conceptCount }

    /// The 8-byte identity `.semf` frames carry, or `nil` for a codec not read from a KB.
    public var frameFingerprint: KBFingerprint? { knowledgeBaseFingerprint.map { KBFingerprint(digest: $0.bytes) } }

    /// The same link with a decoder that outputs only the triage logits `[batch, 3]` (what the
    /// classification evaluation and eavesdroppers use).
    public var triagePipeline: Pipeline {
        var copy = pipeline
        copy.decoder = NetworkDecoder(
            network: Sequential(pipeline.decoder.network.layers + [ColumnSlice(columns: 0..<3, width: outputWidth)]),
            channelUsesPerSample: channelUsesPerSample)
        return copy
    }

    /// Encodes notes as byte rows (see ``NoteEncoding`` for empty, invalid and over-long notes).
    public func inputs(for texts: [String]) throws(ClinicalTextCodecError) -> NoteEncoding.Encoded {
        try NoteEncoding.encode(texts, maximumBytes: maximumBytes)
    }

    /// A decoded note: triage class and concept set.
    public struct Decoded: Sendable, Hashable {
        /// The triage class.
        public var triage: TriageClass
        /// The class probabilities (emergent, urgent, routine).
        public var triageProbabilities: [Float]
        /// The concepts decoded as mentioned, affirmed or negated, in label order.
        public var concepts: [ConceptMention]
    }

    /// Decodes received symbols `[notes, 2·k]` into triage classes and concept sets.
    /// - Throws: ``ClinicalTextCodecError`` `incompatibleSymbols` for a wrong shape or non-finite values.
    public func decode(received: Tensor<Float>) throws(ClinicalTextCodecError) -> [Decoded] {
        let width = 2 * channelUsesPerSample
        guard received.rank == 2, received.shape[1] == width else {
            throw ClinicalTextCodecError(
                code: .incompatibleSymbols,
                message: "received symbols have shape \(received.shape); this knowledge base decodes [notes, \(width)]")
        }
        guard received.scalars.allSatisfy(\.isFinite) else {
            throw ClinicalTextCodecError(code: .incompatibleSymbols, message: "received symbols contain non-finite values")
        }
        return interpret(pipeline.decode(received))
    }

    /// Interprets decoder outputs `[notes, 3 + 3·concepts]`.
    func interpret(_ logits: Tensor<Float>) -> [Decoded] {
        let width = outputWidth
        let ids = conceptIDs
        return (0..<logits.shape[0]).map { n in
            let row = Array(logits.scalars[(n * width)..<((n + 1) * width)])
            let triage = softmax(Array(row[0..<3]))
            var concepts: [ConceptMention] = []
            for c in ids.indices {
                let group = row[(3 + 3 * c)..<(6 + 3 * c)]
                let state = argmax(Array(group))
                if state > 0 { concepts.append(ConceptMention(concept: ids[c], negated: state == 2)) }
            }
            return Decoded(triage: TriageClass.allCases[argmax(triage)], triageProbabilities: triage, concepts: concepts)
        }
    }

    // MARK: - Evaluation

    /// Sends encoded notes over `channel` `repeats` times and scores both tasks.
    /// - Parameters:
    ///   - inputs: byte rows `[notes, L]`.
    ///   - notes: the notes' labels (same order).
    ///   - channel: the channel.
    ///   - repeats: channel realizations per note (≥ 1).
    ///   - perturbations: extra input perturbations (e.g. ``ClinicalTextNoisePerturbation``).
    ///   - rng: perturbations, channel states and noise.
    public func evaluate<C: ChannelModel, G: RandomNumberGenerator>(
        _ inputs: Tensor<Float>, notes: [ClinicalNote], over channel: C, repeats: Int = 1,
        perturbations: [any SemanticPerturbation] = [], using rng: inout G
    ) -> ClinicalTextEvaluation {
        precondition(repeats >= 1, "repeats must be ≥ 1, got \(repeats)")
        precondition(inputs.shape.first == notes.count, "\(inputs.shape.first ?? 0) inputs but \(notes.count) notes")
        var link = pipeline
        link.perturbations += perturbations
        var predictions: [Int] = []
        var labels: [Int] = []
        var counts = SetCounts()
        for _ in 0..<repeats {
            var start = 0
            while start < notes.count {
                let end = Swift.min(start + 256, notes.count)
                let decoded = interpret(link(inputs.rows(start..<end), over: channel, using: &rng))
                for (d, note) in zip(decoded, notes[start..<end]) {
                    predictions.append(d.triage.index)
                    labels.append(note.triage.index)
                    counts.add(predicted: d.concepts, truth: note.concepts)
                }
                start = end
            }
        }
        return ClinicalTextEvaluation(
            triageAccuracy: Metrics.accuracy(predictions: predictions, labels: labels),
            triageBalancedAccuracy: Metrics.balancedAccuracy(predictions: predictions, labels: labels),
            conceptF1: counts.f1, conceptExactMatch: counts.exactMatchRate, transmissions: predictions.count)
    }
}

/// The scores of the clinical-text codec at one channel setting.
public struct ClinicalTextEvaluation: Sendable, Hashable {
    /// Triage accuracy.
    public var triageAccuracy: Double
    /// Triage balanced accuracy (mean per-class recall).
    public var triageBalancedAccuracy: Double
    /// Micro-averaged F1 of the concept set, over (concept, negated) pairs.
    public var conceptF1: Double
    /// The fraction of notes whose whole concept set was decoded exactly.
    public var conceptExactMatch: Double
    /// Transmissions measured (notes × repeats).
    public var transmissions: Int
}

/// Micro-F1 counts of concept sets: a predicted pair (concept, negated) is a true positive when the
/// note has exactly that pair.
struct SetCounts {
    var truePositives = 0
    var falsePositives = 0
    var falseNegatives = 0
    var exact = 0
    var notes = 0

    mutating func add(predicted: [ConceptMention], truth: [ConceptMention]) {
        let p = Set(predicted)
        let t = Set(truth)
        truePositives += p.intersection(t).count
        falsePositives += p.subtracting(t).count
        falseNegatives += t.subtracting(p).count
        exact += p == t ? 1 : 0
        notes += 1
    }

    /// 2·TP / (2·TP + FP + FN); 1 when both sets are always empty.
    var f1: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 1 : Double(2 * truePositives) / Double(denominator)
    }

    var exactMatchRate: Double { notes == 0 ? 0 : Double(exact) / Double(notes) }
}

/// A parameter-free layer that keeps the columns `columns` of `[batch, width]`.
public struct ColumnSlice: Layer {
    /// Float layer.
    public typealias Scalar = Float
    /// The kept columns.
    public let columns: Range<Int>
    /// The input width.
    public let width: Int

    /// Creates the slice.
    /// - Precondition: `columns` non-empty and within `0..<width`.
    public init(columns: Range<Int>, width: Int) {
        precondition(!columns.isEmpty && columns.lowerBound >= 0 && columns.upperBound <= width, "columns \(columns) outside 0..<\(width)")
        self.columns = columns
        self.width = width
    }

    /// No parameters.
    public var parameters: [Tensor<Float>] {
        get { [] }
        set { precondition(newValue.isEmpty, "ColumnSlice has no parameters") }
    }

    /// The slice, with a pullback that scatters the gradient back into zeros.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])) {
        let rows = input.shape[0]
        let columns = self.columns
        let width = self.width
        return (
            callAsFunction(input),
            { gradient in
                var dx = [Float](repeating: 0, count: rows * width)
                for r in 0..<rows {
                    for (j, c) in columns.enumerated() { dx[r * width + c] = gradient.scalars[r * columns.count + j] }
                }
                return (Tensor(shape: [rows, width], scalars: dx), [])
            }
        )
    }

    /// `[batch, width]` → `[batch, columns.count]`.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        precondition(input.rank == 2 && input.shape[1] == width, "ColumnSlice expects [batch, \(width)], got \(input.shape)")
        let rows = input.shape[0]
        var out: [Float] = []
        out.reserveCapacity(rows * columns.count)
        for r in 0..<rows { out += input.scalars[(r * width + columns.lowerBound)..<(r * width + columns.upperBound)] }
        return Tensor(shape: [rows, columns.count], scalars: out)
    }
}

func softmax(_ logits: [Float]) -> [Float] {
    let m = logits.max() ?? 0
    let e = logits.map { Float.exp($0 - m) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
}

func argmax(_ values: [Float]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
}

/// The multi-task loss of the codec: softmax cross-entropy of the triage logits plus
/// `conceptWeight` × the sum over concepts of the 3-way (absent, affirmed, negated) cross-entropy,
/// averaged over the batch.
/// - Returns: the loss and its gradient with respect to the logits `[batch, 3 + 3·C]`.
func multiTaskLoss(
    logits: Tensor<Float>, triage: [Int], conceptStates: [Int], conceptCount: Int, conceptWeight: Float
) -> (loss: Float, gradient: Tensor<Float>) {
    let batch = logits.shape[0]
    let width = logits.shape[1]
    var gradient = [Float](repeating: 0, count: batch * width)
    var loss: Float = 0
    let scale = 1 / Float(batch)
    func group(_ row: Int, _ offset: Int, _ target: Int, _ weight: Float) {
        let base = row * width + offset
        let z = Array(logits.scalars[base..<(base + 3)])
        let p = softmax(z)
        loss -= weight * Float.log(Swift.max(p[target], 1e-12)) * scale
        for j in 0..<3 { gradient[base + j] = weight * scale * (p[j] - (j == target ? 1 : 0)) }
    }
    for r in 0..<batch {
        group(r, 0, triage[r], 1)
        for c in 0..<conceptCount { group(r, 3 + 3 * c, conceptStates[r * conceptCount + c], conceptWeight) }
    }
    return (loss, Tensor(shape: [batch, width], scalars: gradient))
}
