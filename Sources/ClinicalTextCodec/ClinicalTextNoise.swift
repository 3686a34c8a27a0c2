// The semantic-noise injector for clinical text.

import HealthData
import SemanticCodec
import TensorCore

/// How much a perturbation changed a note.
public struct NoiseBudget: Sendable, Hashable {
    /// Words of the (white-space normalized) original note.
    public var originalWords: Int
    /// Word-level Levenshtein distance between the original and the perturbed note.
    public var wordEdits: Int
    /// Character-level Levenshtein distance between the (white-space normalized) original and the
    /// perturbed note.
    public var editDistance: Int

    /// The fraction of words changed: word edits ÷ original words (0 for an empty note).
    public var wordsChangedFraction: Double {
        originalWords == 0 ? 0 : Double(wordEdits) / Double(originalWords)
    }
}

/// The semantic-noise injector for clinical notes (the source paper's "poisoned" text: synonyms
/// substituted, letters reversed), composable from a spec such as `synonym:0.2,reverse:0.1`.
///
/// Kinds (the rate is a per-mention or per-word probability in [0, 1]):
/// - `synonym`: each recognised concept mention is replaced by another form of the same concept
///   from the knowledge base's synonym set (synonyms and misspellings);
/// - `synonym-heldout`: … by a form from the **held-out** list, which no KB and no training note
///   contains (the honest generalization test);
/// - `dropout`: each word is deleted (at least one word is kept);
/// - `shuffle`: each word trades places with its right neighbour (local word-order shuffle);
/// - `reverse`: the letters of a word are written in reverse order (digits and punctuation stay:
///   `pain,` → `niap,`, `SpO2` → `OpS2`);
/// - `swap`: two adjacent letters of a word are exchanged;
/// - `insert`: a random letter a–z is inserted into a word;
/// - `delete`: a letter of a word (with ≥ 2 letters) is deleted.
///
/// They apply in that order: phrase level, word level, then letter level (each letter kind
/// independently per word). Notes are split on white space and re-joined with single spaces;
/// the ``NoiseBudget`` compares against the white-space-normalized original.
public struct ClinicalTextNoise: Sendable {
    /// A kind of text noise.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case synonym
        case synonymHeldOut = "synonym-heldout"
        case dropout, shuffle, reverse, swap, insert, delete
    }

    /// The rate of each kind present (kinds absent have rate 0).
    public let rates: [Kind: Double]
    /// The concept groups: forms the injector recognises, per concept.
    public let synonymGroups: [[String]]
    /// The held-out forms per concept (same order as ``synonymGroups``).
    public let heldOutGroups: [[String]]
    private let phraseIndex: [String: Int]
    private let maximumPhraseWords: Int

    /// Creates an injector.
    /// - Parameters:
    ///   - rates: per kind, in [0, 1].
    ///   - synonymGroups: per concept, the knowledge base's forms (lowercase).
    ///   - heldOutGroups: per concept, the held-out forms (may be empty lists).
    /// - Precondition: rates in [0, 1]; `heldOutGroups` empty or as long as `synonymGroups`.
    public init(rates: [Kind: Double], synonymGroups: [[String]], heldOutGroups: [[String]] = []) {
        precondition(rates.values.allSatisfy { (0...1).contains($0) }, "noise rates must be in [0, 1], got \(rates)")
        precondition(
            heldOutGroups.isEmpty || heldOutGroups.count == synonymGroups.count,
            "\(heldOutGroups.count) held-out groups for \(synonymGroups.count) concepts")
        self.rates = rates.filter { $0.value > 0 }
        self.synonymGroups = synonymGroups
        self.heldOutGroups = heldOutGroups
        var index: [String: Int] = [:]
        for (g, group) in synonymGroups.enumerated() {
            for form in group where index[form] == nil { index[form] = g }
        }
        self.phraseIndex = index
        self.maximumPhraseWords = index.keys.map { $0.split(separator: " ").count }.max() ?? 1
    }

    /// The registry of text noise: parses a spec with the shared ``SemanticNoiseSpec`` grammar and maps each
    /// name to a ``Kind``.
    /// - Parameters:
    ///   - spec: e.g. `synonym:0.2,reverse:0.1`, or `none`.
    ///   - lexicon: the synonym groups (its knowledge-base sets) and held-out lists.
    /// - Throws: ``ClinicalTextCodecError`` `invalidNoiseSpec` for a malformed spec, an unknown name
    ///   (listing the known ones) or a rate above 1.
    public init(spec: String, lexicon: ClinicalLexicon) throws(ClinicalTextCodecError) {
        let parsed: SemanticNoiseSpec
        do {
            parsed = try SemanticNoiseSpec.parse(spec)
        } catch {
            throw ClinicalTextCodecError(code: .invalidNoiseSpec, message: error.message)
        }
        try self.init(spec: parsed, synonymGroups: lexicon.knowledgeBaseSynonymSets, heldOutGroups: lexicon.concepts.map(\.heldOutSynonyms))
    }

    /// The registry over a parsed spec (see ``init(spec:lexicon:)``).
    public init(spec: SemanticNoiseSpec, synonymGroups: [[String]], heldOutGroups: [[String]]) throws(ClinicalTextCodecError) {
        var rates: [Kind: Double] = [:]
        for term in spec.terms {
            guard let kind = Kind(rawValue: term.name) else {
                throw ClinicalTextCodecError(
                    code: .invalidNoiseSpec,
                    message: "unknown text noise '\(term.name)'; known: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard term.rate <= 1 else {
                throw ClinicalTextCodecError(
                    code: .invalidNoiseSpec, message: "rate \(term.rate) of '\(term.name)' must be in [0, 1]")
            }
            rates[kind] = term.rate
        }
        self.init(rates: rates, synonymGroups: synonymGroups, heldOutGroups: heldOutGroups)
    }

    /// Whether the injector changes nothing.
    public var isIdentity: Bool { rates.isEmpty }

    /// Perturbs one note.
    /// - Returns: the perturbed note and its budget.
    public func perturb<G: RandomNumberGenerator>(_ text: String, using rng: inout G) -> (text: String, budget: NoiseBudget) {
        let original = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var words = original
        if let rate = rates[.synonym] { words = substitute(words, rate: rate, heldOut: false, using: &rng) }
        if let rate = rates[.synonymHeldOut] { words = substitute(words, rate: rate, heldOut: true, using: &rng) }
        if let rate = rates[.dropout], words.count > 1 {
            var kept = words.filter { _ in rng.nextUnitDouble() >= rate }
            if kept.isEmpty { kept = [words[uniformIndex(words.count, &rng)]] }
            words = kept
        }
        if let rate = rates[.shuffle] {
            var i = 0
            while i + 1 < words.count {
                if rng.nextUnitDouble() < rate {
                    words.swapAt(i, i + 1)
                    i += 2
                } else {
                    i += 1
                }
            }
        }
        for kind in [Kind.reverse, .swap, .insert, .delete] {
            guard let rate = rates[kind] else { continue }
            for w in words.indices where rng.nextUnitDouble() < rate {
                words[w] = perturbLetters(words[w], kind, using: &rng)
            }
        }
        let result = words.joined(separator: " ")
        let budget = NoiseBudget(
            originalWords: original.count, wordEdits: levenshtein(original, words),
            editDistance: levenshtein(Array(original.joined(separator: " ")), Array(result)))
        return (result, budget)
    }

    /// Replaces recognised concept phrases (longest first) with another form, each with probability `rate`.
    private func substitute<G: RandomNumberGenerator>(
        _ words: [String], rate: Double, heldOut: Bool, using rng: inout G
    ) -> [String] {
        var output: [String] = []
        var i = 0
        while i < words.count {
            var replaced = false
            var length = Swift.min(maximumPhraseWords, words.count - i)
            while length >= 1 && !replaced {
                let span = words[i..<(i + length)]
                let key = span.map(core).joined(separator: " ")
                if let group = phraseIndex[key] {
                    let pool = (heldOut ? (heldOutGroups.indices.contains(group) ? heldOutGroups[group] : []) : synonymGroups[group])
                        .filter { $0 != key }
                    if !pool.isEmpty && rng.nextUnitDouble() < rate {
                        let replacement = pool[uniformIndex(pool.count, &rng)].split(separator: " ").map(String.init)
                        var newWords = replacement
                        newWords[0] = leading(span.first!) + newWords[0]
                        newWords[newWords.count - 1] += trailing(span.last!)
                        output += newWords
                        i += length
                        replaced = true
                    } else {
                        output += span
                        i += length
                        replaced = true
                    }
                }
                length -= 1
            }
            if !replaced {
                output.append(words[i])
                i += 1
            }
        }
        return output
    }

    private func perturbLetters<G: RandomNumberGenerator>(_ word: String, _ kind: Kind, using rng: inout G) -> String {
        var characters = Array(word)
        let letters = characters.indices.filter { characters[$0].isLetter }
        switch kind {
        case .reverse:
            guard letters.count >= 2 else { return word }
            let reversed = letters.map { characters[$0] }.reversed()
            for (position, character) in zip(letters, reversed) { characters[position] = character }
        case .swap:
            let pairs = letters.indices.dropLast().filter { letters[$0 + 1] == letters[$0] + 1 }
            guard !pairs.isEmpty else { return word }
            let p = pairs[uniformIndex(pairs.count, &rng)]
            characters.swapAt(letters[p], letters[p + 1])
        case .insert:
            guard let first = letters.first, let last = letters.last else { return word }
            let position = first + uniformIndex(last - first + 2, &rng)
            let letter = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(uniformIndex(26, &rng))))
            characters.insert(letter, at: position)
        case .delete:
            guard letters.count >= 2 else { return word }
            characters.remove(at: letters[uniformIndex(letters.count, &rng)])
        default:
            return word
        }
        return String(characters)
    }
}

/// The lowercased word without leading and trailing punctuation.
private func core(_ word: String) -> String {
    let characters = Array(word.lowercased())
    guard let start = characters.firstIndex(where: { $0.isLetter || $0.isNumber }),
        let end = characters.lastIndex(where: { $0.isLetter || $0.isNumber })
    else { return "" }
    return String(characters[start...end])
}

private func leading(_ word: String) -> String { String(word.prefix { !($0.isLetter || $0.isNumber) }) }

private func trailing(_ word: String) -> String {
    String(String(word.reversed().prefix { !($0.isLetter || $0.isNumber) }).reversed())
}

/// A uniform index in `0..<n`.
func uniformIndex<G: RandomNumberGenerator>(_ n: Int, _ rng: inout G) -> Int {
    Int(rng.next(upperBound: UInt64(n)))
}

/// The Levenshtein distance (unit-cost insertions, deletions, substitutions) between two sequences.
/// - Complexity: O(m·n) time, O(n) memory.
public func levenshtein<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// Text noise as a ``SemanticCodec/SemanticPerturbation`` at stage `input` on byte rows
/// (``NoteEncoding``): each row is decoded, perturbed with probability ``probability`` and
/// re-encoded (cut to the row width if it grew). This is how noise-aware training draws from the
/// injector, and how `semcom eval --noise` perturbs notes before the encoder.
public struct ClinicalTextNoisePerturbation: SemanticPerturbation {
    /// The injector.
    public let noise: ClinicalTextNoise
    /// The probability that a note is perturbed at all, in [0, 1].
    public let probability: Double

    /// Creates the perturbation.
    public init(noise: ClinicalTextNoise, probability: Double = 1) {
        precondition((0...1).contains(probability), "probability must be in [0, 1], got \(probability)")
        self.noise = noise
        self.probability = probability
    }

    /// Stage `input`.
    public var stage: PerturbationStage { .input }

    /// Perturbs byte rows `[notes, L]`.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        let texts = NoteEncoding.decode(x).map { text in
            probability >= 1 || rng.nextUnitDouble() < probability ? noise.perturb(text, using: &rng).text : text
        }
        return NoteEncoding.rows(texts, maximumBytes: x.shape[1])
    }
}
