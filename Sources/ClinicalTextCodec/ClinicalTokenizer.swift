// Tokenizing clinical notes and matching them against the knowledge base's vocabulary, with
// spelling tolerance (anagram keys and one-edit deletion neighbourhoods) and NegEx-style negation.

import HealthData

/// What a matched phrase of the vocabulary means.
public enum ClinicalTerm: Sendable, Hashable {
    /// A labelled concept (its index in label order).
    case concept(Int)
    /// A negation cue.
    case negation
    /// A negation-scope terminator.
    case terminator
    /// A severity word (its index, mildest first).
    case severity(Int)
    /// A body site.
    case bodySite
    /// A vital-sign mention.
    case vital(VitalSign)
}

/// A phrase of the vocabulary found in a note.
public struct ClinicalTermMatch: Sendable, Hashable {
    /// The first token of the phrase.
    public var start: Int
    /// The number of tokens.
    public var length: Int
    /// What the phrase means.
    public var term: ClinicalTerm
    /// For concepts: whether a negation cue's scope covers it.
    public var negated: Bool
}

/// Matches notes against a clinical vocabulary: every token is first corrected to a vocabulary
/// word when it is one edit or one permutation away, then the longest vocabulary phrase is taken
/// at each position, and negation cues open a scope that covers the concepts after them until a
/// sentence end (`.` or `;`) or a scope terminator ("but", "reports", …) — the NegEx scheme
/// (Chapman et al., J Biomed Inform 2001) without a fixed window.
///
/// Spelling tolerance (for typos, letter reversals and swaps of the semantic-noise injector):
/// - a word whose letters are a permutation of a vocabulary word (the *anagram key*, its sorted
///   letters) maps to that word, the first in sorted order when several share the key (`pain`
///   before its misspelling `pian`) — this undoes letter reversal and adjacent swaps (words of
///   ≥ 3 letters);
/// - a word of ≥ 4 letters one insertion, deletion or substitution away from a vocabulary word
///   maps to it, through the deletion neighbourhoods of SymSpell (Garbe 2012); ties go to the
///   first in sorted order.
public struct ClinicalTermMatcher: Sendable {
    /// The phrases (tokens joined by single spaces) and their meaning.
    public let phrases: [String: ClinicalTerm]
    /// The longest phrase, in tokens.
    public let maximumPhraseLength: Int
    /// Every word of every phrase.
    public let vocabulary: Set<String>
    private let anagrams: [String: String]
    private let deletions: [String: [String]]

    /// Builds a matcher for a vocabulary.
    /// - Parameters:
    ///   - conceptSynonyms: one group of surface forms per labelled concept, in label order.
    ///   - negationCues, scopeTerminators, severityWords, bodySites: word lists.
    ///   - vitalMentions: the mentions of each vital sign.
    public init(
        conceptSynonyms: [[String]], negationCues: [String], scopeTerminators: [String], severityWords: [String],
        bodySites: [String], vitalMentions: [VitalSign: [String]]
    ) {
        var phrases: [String: ClinicalTerm] = [:]
        func add(_ phrase: String, _ term: ClinicalTerm) {
            let key = ClinicalTokenizer.tokenize(phrase).map(\.text).joined(separator: " ")
            guard !key.isEmpty, phrases[key] == nil else { return }
            phrases[key] = term
        }
        for (index, group) in conceptSynonyms.enumerated() { group.forEach { add($0, .concept(index)) } }
        negationCues.forEach { add($0, .negation) }
        scopeTerminators.forEach { add($0, .terminator) }
        for (index, word) in severityWords.enumerated() { add(word, .severity(index)) }
        for sign in VitalSign.allCases { vitalMentions[sign, default: []].forEach { add($0, .vital(sign)) } }
        bodySites.forEach { add($0, .bodySite) }
        self.phrases = phrases
        self.maximumPhraseLength = phrases.keys.map { $0.split(separator: " ").count }.max() ?? 1
        let words = Set(phrases.keys.flatMap { $0.split(separator: " ").map(String.init) })
        self.vocabulary = words
        var anagrams: [String: String] = [:]
        var deletions: [String: [String]] = [:]
        for word in words.sorted() where word.count >= 3 {
            let key = String(word.sorted())
            if anagrams[key] == nil { anagrams[key] = word }  // ties: the first in sorted order
            if word.count >= 4 {
                for variant in singleDeletions(of: word) { deletions[variant, default: []].append(word) }
            }
        }
        self.anagrams = anagrams
        self.deletions = deletions
    }

    /// A matcher for a lexicon (its knowledge-base synonym sets: never the held-out synonyms).
    public init(lexicon: ClinicalLexicon) {
        self.init(
            conceptSynonyms: lexicon.knowledgeBaseSynonymSets, negationCues: lexicon.negationCues,
            scopeTerminators: lexicon.scopeTerminators, severityWords: lexicon.severityWords,
            bodySites: lexicon.bodySites, vitalMentions: lexicon.vitalMentions)
    }

    /// The vocabulary word a token stands for (itself when known), or `nil` for an unknown word.
    public func correct(_ word: String) -> String? {
        if vocabulary.contains(word) { return word }
        let letters = word.count
        if letters >= 3, let match = anagrams[String(word.sorted())] { return match }
        guard letters >= 4 else { return nil }
        var candidates: [String] = deletions[word] ?? []  // one letter inserted into a vocabulary word… removed
        for variant in singleDeletions(of: word) {
            if vocabulary.contains(variant) { candidates.append(variant) }  // one letter too many
            candidates += deletions[variant] ?? []  // one substitution
        }
        return candidates.filter { $0.count >= 4 }.min()
    }

    /// The canonical form of each token: the corrected vocabulary word, or the token's own text.
    public func canonicalForms(_ tokens: [ClinicalToken]) -> [String] {
        tokens.map { $0.kind == .word ? (correct($0.text) ?? $0.text) : $0.text }
    }

    /// The vocabulary phrases in a note (longest match first, left to right) with negation scopes.
    public func match(_ tokens: [ClinicalToken], canonical: [String]? = nil) -> [ClinicalTermMatch] {
        let forms = canonical ?? canonicalForms(tokens)
        var matches: [ClinicalTermMatch] = []
        var negating = false
        var i = 0
        while i < forms.count {
            if tokens[i].kind == .punctuation, tokens[i].text == "." || tokens[i].text == ";" {
                negating = false
                i += 1
                continue
            }
            var found: (Int, ClinicalTerm)?
            var length = Swift.min(maximumPhraseLength, forms.count - i)
            while length >= 1 {
                if let term = phrases[forms[i..<(i + length)].joined(separator: " ")] {
                    found = (length, term)
                    break
                }
                length -= 1
            }
            guard let (length, term) = found else {
                i += 1
                continue
            }
            switch term {
            case .negation: negating = true
            case .terminator: negating = false
            default: break
            }
            let isConcept = if case .concept = term { true } else { false }
            matches.append(ClinicalTermMatch(start: i, length: length, term: term, negated: isConcept && negating))
            i += length
        }
        return matches
    }
}

/// Every string obtained by deleting one character of `word`.
func singleDeletions(of word: String) -> [String] {
    let characters = Array(word)
    return characters.indices.map { index in
        var copy = characters
        copy.remove(at: index)
        return String(copy)
    }
}
