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
/// - **hashed block** (`hashBuckets` binary features, the hashing trick: Weinberger et al., ICML
///   2009): per token its canonical word (after spelling correction), its raw form, its character
///   3-grams with word boundaries (fastText-style sub-words: Bojanowski et al., TACL 2017), its
///   anagram key (sorted letters: unchanged by letter reversal and swaps) and canonical bigrams;
///   64-bit FNV-1a with a seed, modulo the bucket count;
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
        func hashed(_ key: String) { row[base + Int(fnv1a(key, seed: hashSeed) % UInt64(hashBuckets))] = 1 }
        for (i, token) in reading.tokens.enumerated() {
            switch token.kind {
            case .number:
                hashed("w|<num>")
            case .punctuation:
                hashed("w|" + token.text)
            case .word:
                hashed("w|" + canonical[i])
                if canonical[i] != token.text { hashed("r|" + token.text) }
                let padded = Array("<" + token.text + ">")
                if padded.count >= 3 {
                    for s in 0...(padded.count - 3) { hashed("c|" + String(padded[s..<(s + 3)])) }
                }
                hashed("a|" + String(token.text.sorted()))
            }
            if i + 1 < canonical.count { hashed("b|" + canonical[i] + " " + canonical[i + 1]) }
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

/// 64-bit FNV-1a of the UTF-8 bytes of `key`, with `seed` mixed into the offset basis.
func fnv1a(_ key: String, seed: UInt64) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (seed &* 0x9e37_79b9_7f4a_7c15)
    for byte in key.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}

/// The featurizer as a parameter-free NeuralNet layer over UTF-8 byte rows: input `[notes, L]`
/// (``NoteEncoding``: one byte per scalar, zero-padded), output `[notes, width]`. The pullback
/// passes no gradient to the bytes (text is discrete); the layers after it are trained.
public struct ClinicalTextFeatureLayer: Layer {
    /// Float layer.
    public typealias Scalar = Float
    /// The featurizer.
    public let featurizer: ClinicalTextFeaturizer

    /// Wraps a featurizer.
    public init(featurizer: ClinicalTextFeaturizer) { self.featurizer = featurizer }

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
        return (callAsFunction(input), { _ in (Tensor(zeros: shape), []) })
    }

    /// Features of byte rows `[notes, L]` → `[notes, width]`.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        featurizer.features(of: NoteEncoding.decode(input))
    }
}
