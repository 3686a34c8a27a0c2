// Notes → fixed-width feature vectors: hashed word / character n-gram / anagram features,
// knowledge-base concept features with negation, severity and vital signs with their values.

import HealthData
import NeuralNet
import TensorCore

/// The grid of a vital sign's thermometer code: the feature `value ≥ threshold` for each threshold.
public struct VitalGrid: Sendable, Hashable {
    /// The vital sign.
    public var sign: VitalSign
    /// The thresholds, ascending.
    public var thresholds: [Double]

    /// Round-number grids: SpO2 70…100 % step 2, HR 40…200 bpm step 10, SBP 60…200 mmHg step 10,
    /// temperature 35…41 °C step 0.5, RR 8…40 /min step 2.
    public static let standard: [VitalGrid] = [
        VitalGrid(sign: .spo2, thresholds: stride(from: 70.0, through: 100, by: 2).map { $0 }),
        VitalGrid(sign: .heartRate, thresholds: stride(from: 40.0, through: 200, by: 10).map { $0 }),
        VitalGrid(sign: .systolicBP, thresholds: stride(from: 60.0, through: 200, by: 10).map { $0 }),
        VitalGrid(sign: .temperature, thresholds: stride(from: 35.0, through: 41, by: 0.5).map { $0 }),
        VitalGrid(sign: .respiratoryRate, thresholds: stride(from: 8.0, through: 40, by: 2).map { $0 }),
    ]
}

/// Turns a note into a fixed-width feature vector, robust to unknown words and typos:
///
/// - **hashed block** (`hashBuckets` binary features, HealthData's `HashedTextFeatures`): per
///   token its canonical word (after spelling correction), its raw form, its character 3-grams, its
///   anagram key and canonical bigrams;
/// - **concepts** (2 per concept): affirmed / negated, from ``ClinicalTermMatcher``;
/// - **severity** (one per severity word);
/// - **vital signs** (per sign: mentioned, scaled value in its plausible range, and the
///   thermometer code of ``VitalGrid``): the first number within 4 tokens after a vital-sign
///   mention; temperatures above 45 are read as °F and converted; values outside half the lower
///   to 1.5 × the upper plausible bound are ignored.
///
/// Never fails: an unknown word only adds hashed features.
public struct ClinicalTextFeaturizer: Sendable {
    /// The matcher (the knowledge base's vocabulary).
    public let matcher: ClinicalTermMatcher
    /// The number of concepts.
    public let conceptCount: Int
    /// The number of severity words.
    public let severityCount: Int
    /// Hash buckets.
    public let hashBuckets: Int
    /// The hash seed.
    public let hashSeed: UInt64
    /// The vital-sign grids.
    public let grids: [VitalGrid]

    /// Creates a featurizer.
    /// - Precondition: `hashBuckets ≥ 1`.
    public init(matcher: ClinicalTermMatcher, conceptCount: Int, severityCount: Int, hashBuckets: Int, hashSeed: UInt64,
        grids: [VitalGrid] = VitalGrid.standard)
    {
        precondition(hashBuckets >= 1, "hashBuckets must be ≥ 1, got \(hashBuckets)")
        self.matcher = matcher
        self.conceptCount = conceptCount
        self.severityCount = severityCount
        self.hashBuckets = hashBuckets
        self.hashSeed = hashSeed
        self.grids = grids
    }

    /// The feature width.
    public var width: Int { hashBuckets + 2 * conceptCount + severityCount + grids.reduce(0) { $0 + 2 + $1.thresholds.count } }

    /// What the featurizer reads in a note (for inspection and tests).
    public struct Reading: Sendable, Hashable {
        /// The tokens.
        public var tokens: [ClinicalToken]
        /// The vocabulary matches.
        public var matches: [ClinicalTermMatch]
        /// The vital-sign values found (°C for temperature).
        public var vitals: [VitalSign: Double]
    }

    /// Tokenizes, corrects and matches a note and extracts its vital signs.
    public func read(_ text: String) -> Reading {
        let tokens = ClinicalTokenizer.tokenize(text)
        let canonical = matcher.canonicalForms(tokens)
        let matches = matcher.match(tokens, canonical: canonical)
        var vitals: [VitalSign: Double] = [:]
        for (index, match) in matches.enumerated() {
            guard case .vital(let sign) = match.term, vitals[sign] == nil else { continue }
            let nextMatchStart = index + 1 < matches.count ? matches[index + 1].start : tokens.count
            let end = Swift.min(match.start + match.length + 4, tokens.count, nextMatchStart)
            var j = match.start + match.length
            while j < end {
                if var value = tokens[j].value {
                    if sign == .temperature && value > 45 { value = (value - 32) * 5 / 9 }
                    let range = sign.plausibleRange
                    if value >= range.lowerBound * 0.5 && value <= range.upperBound * 1.5 { vitals[sign] = value }
                    break
                }
                j += 1
            }
        }
        return Reading(tokens: tokens, matches: matches, vitals: vitals)
    }

    /// Writes the features of one note into `row` (length ``width``, zero on entry).
    public func features(of text: String, into row: inout ArraySlice<Float>) {
        let base = row.startIndex
        let reading = read(text)
        let canonical = matcher.canonicalForms(reading.tokens)
        for bucket in HashedTextFeatures.buckets(
            tokens: reading.tokens, canonical: canonical, buckets: hashBuckets, seed: hashSeed)
        {
            row[base + bucket] = 1
        }
        var offset = base + hashBuckets
        for match in reading.matches {
            switch match.term {
            case .concept(let c) where c < conceptCount:
                row[offset + 2 * c + (match.negated ? 1 : 0)] = 1
            default: break
            }
        }
        offset += 2 * conceptCount
        for match in reading.matches {
            if case .severity(let s) = match.term, s < severityCount { row[offset + s] = 1 }
        }
        offset += severityCount
        for grid in grids {
            if let value = reading.vitals[grid.sign] {
                let range = grid.sign.plausibleRange
                row[offset] = 1
                row[offset + 1] = Float((value - range.lowerBound) / (range.upperBound - range.lowerBound))
                for (t, threshold) in grid.thresholds.enumerated() where value >= threshold { row[offset + 2 + t] = 1 }
            }
            offset += 2 + grid.thresholds.count
        }
    }

    /// The features of notes: `[notes, width]`.
    public func features(of texts: [String]) -> Tensor<Float> {
        var scalars = [Float](repeating: 0, count: texts.count * width)
        for (n, text) in texts.enumerated() {
            var row = scalars[(n * width)..<((n + 1) * width)]
            features(of: text, into: &row)
            scalars.replaceSubrange((n * width)..<((n + 1) * width), with: row)
        }
        return Tensor(shape: [texts.count, width], scalars: scalars)
    }
}

/// The featurizer as a parameter-free NeuralNet layer over UTF-8 byte rows: input `[notes, L]`
/// (``NoteEncoding``: one byte per scalar, zero-padded), output `[notes, width]`. The pullback
/// passes no gradient to the bytes (text is discrete); the layers after it are trained.
public struct ClinicalTextFeatureLayer: Layer {
    /// Float layer.
    public typealias Scalar = Float
    /// The featurizer.
    public let featurizer: ClinicalTextFeaturizer

    /// The probability, in training only, that each active hashed n-gram feature is zeroed (the
    /// survivors are scaled by `1 / (1 − p)`, inverted dropout: Srivastava et al., JMLR 2014). The
    /// hashed block is where template-specific phrasing lives; dropping it forces the network onto
    /// the lexicon features (concepts, negation, severity, vital signs) that carry over to unseen
    /// sentence templates. The concept, severity and vital-sign features are never dropped.
    public let hashedDropout: Float

    /// Wraps a featurizer.
    /// - Precondition: `0 ≤ hashedDropout < 1`.
    public init(featurizer: ClinicalTextFeaturizer, hashedDropout: Float = 0) {
        precondition(hashedDropout >= 0 && hashedDropout < 1, "hashedDropout must be in [0, 1), got \(hashedDropout)")
        self.featurizer = featurizer
        self.hashedDropout = hashedDropout
    }

    /// No parameters.
    public var parameters: [Tensor<Float>] {
        get { [] }
        set { precondition(newValue.isEmpty, "ClinicalTextFeatureLayer has no parameters, got \(newValue.count)") }
    }

    /// Features with a pullback that returns a zero input gradient and no parameter gradients.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])) {
        let shape = input.shape
        var output = callAsFunction(input)
        if training { output = featurizer.droppingHashed(output, rate: hashedDropout, using: &rng) }
        return (output, { _ in (Tensor(zeros: shape), []) })
    }

    /// Features of byte rows `[notes, L]` → `[notes, width]`.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        featurizer.features(of: NoteEncoding.decode(input))
    }
}

extension ClinicalTextFeaturizer {
    /// Inverted dropout on the hashed block of feature rows `[notes, width]`: each active hashed
    /// feature is zeroed with probability `rate`, the survivors scaled by `1 / (1 − rate)`; the
    /// concept, severity and vital-sign features are returned unchanged. For training only.
    /// - Precondition: `0 ≤ rate < 1` and `features.shape == [n, width]`.
    public func droppingHashed<G: RandomNumberGenerator>(_ features: Tensor<Float>, rate: Float, using rng: inout G) -> Tensor<Float> {
        precondition(rate >= 0 && rate < 1, "rate must be in [0, 1), got \(rate)")
        precondition(features.rank == 2 && features.shape[1] == width, "features must be [n, \(width)], got \(features.shape)")
        guard rate > 0 else { return features }
        let scale = 1 / (1 - rate)
        var scalars = features.scalars
        for row in 0..<features.shape[0] {
            for column in (row * width)..<(row * width + hashBuckets) where scalars[column] != 0 {
                scalars[column] = Float(rng.nextUnitDouble()) < rate ? 0 : scalars[column] * scale
            }
        }
        return Tensor(shape: features.shape, scalars: scalars)
    }

    /// The clinical facts the featurizer reads in a note — affirmed / negated concepts, the vital
    /// signs it parsed, and the severity word (when a pain concept is affirmed) — in the terms of
    /// the documented triage rules, so `TriageRules.triage(facts(of:conceptIDs:))` is the rule-based
    /// triage of what the featurizer sees. Used to audit the extraction (`semcom notes audit`).
    /// - Parameters:
    ///   - text: the note.
    ///   - conceptIDs: the concept identifiers in label order (``conceptCount`` of them).
    ///   - severityWords: the severity words in feature order.
    public func facts(of text: String, conceptIDs: [String], severityWords: [String]) -> ClinicalFacts {
        let reading = read(text)
        var mentions: [ConceptMention] = []
        var seen = Set<Int>()
        var severity: String?
        for match in reading.matches {
            switch match.term {
            case .concept(let c) where c < conceptIDs.count && !seen.contains(c):
                seen.insert(c)
                mentions.append(ConceptMention(concept: conceptIDs[c], negated: match.negated))
            case .severity(let s) where s < severityWords.count && severity == nil:
                severity = severityWords[s]
            default: break
            }
        }
        return ClinicalFacts(mentions: mentions, vitals: reading.vitals, painSeverity: severity)
    }
}
