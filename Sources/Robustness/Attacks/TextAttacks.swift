import TensorCore

/// What a text attack sees of a semantic link for notes: class probabilities of texts sent over
/// the link, and the knowledge base's synonym sets (what a substitution may use).
public protocol TextTaskModel: Sendable {
    /// The knowledge base's synonym sets: each a list of interchangeable lowercase phrases.
    var synonymGroups: [[String]] { get }

    /// Class probabilities `[texts, classes]` of texts sent over the link (channel noise from `rng`).
    /// - Throws: when a text cannot be encoded (the adapter's error).
    func probabilities<G: RandomNumberGenerator>(_ texts: [String], using rng: inout G) throws -> Tensor<Float>
}

/// A greedy word-substitution attack limited to the knowledge base's synonym sets (the
/// TextFooler search of Jin, Jin, Zhou & Szolovits, AAAI 2020, with the candidate set restricted
/// to the KB's own synonyms, as in TextAttack's `WordSwapWordNet` recipes): each round tries every
/// remaining substitution of a KB phrase by another member of its set, keeps the one that lowers
/// the true class's probability most, and stops when the prediction flips, nothing lowers it, or
/// the budget — the fraction of the note's words changed — is spent.
public struct SynonymAttack: Sendable, Hashable {
    /// The largest fraction of a note's words that may be changed, in [0, 1].
    public var maximumWordFraction: Double

    /// Creates the attack.
    /// - Throws: ``RobustnessError`` `invalidBudget` unless the fraction is in [0, 1].
    public init(maximumWordFraction: Double) throws(RobustnessError) {
        try checkBudget(maximumWordFraction, name: "synonym budget (fraction of words)")
        guard maximumWordFraction <= 1 else {
            throw RobustnessError(
                code: .invalidBudget, message: "synonym budget is a fraction of words in [0, 1], got \(maximumWordFraction)")
        }
        self.maximumWordFraction = maximumWordFraction
    }

    /// Attacks one note.
    /// - Returns: the adversarial note, the fraction of its words changed and the queries made.
    public func attack<M: TextTaskModel, G: RandomNumberGenerator>(
        _ model: M, text: String, label: Int, using rng: inout G
    ) throws -> (text: String, wordsChangedFraction: Double, queries: Int) {
        var note = TokenizedNote(text)
        let budget = Int((maximumWordFraction * Double(note.tokens.count)).rounded(.down))
        let slots = note.synonymSlots(groups: model.synonymGroups)
        var replaced: [Int: [String]] = [:]
        var changed = 0
        var queries = 1
        var current = try model.probabilities([text], using: &rng).scalars[label]
        while changed < budget {
            var candidates: [(slot: Int, phrase: [String], text: String)] = []
            for (index, slot) in slots.enumerated() where replaced[index] == nil && changed + slot.length <= budget {
                for phrase in slot.alternatives {
                    var trial = replaced
                    trial[index] = phrase
                    candidates.append((index, phrase, note.render(slots: slots, replacements: trial)))
                }
            }
            guard !candidates.isEmpty else { break }
            let probabilities = try model.probabilities(candidates.map(\.text), using: &rng)
            queries += candidates.count
            let classes = probabilities.shape[1]
            let scores = (0..<candidates.count).map { probabilities.scalars[$0 * classes + label] }
            // The first of the lowest (deterministic tie-break).
            guard let best = scores.indices.min(by: { scores[$0] < scores[$1] }), scores[best] < current else { break }
            replaced[candidates[best].slot] = candidates[best].phrase
            changed += slots[candidates[best].slot].length
            current = scores[best]
            let row = probabilities.scalars[(best * classes)..<((best + 1) * classes)]
            if row.indices.max(by: { row[$0] < row[$1] }).map({ $0 - best * classes }) != label { break }
        }
        // An unchanged note is returned byte for byte (rendering normalizes whitespace).
        note.text = replaced.isEmpty ? text : note.render(slots: slots, replacements: replaced)
        return (note.text, note.tokens.isEmpty ? 0 : Double(changed) / Double(note.tokens.count), queries)
    }
}

/// A greedy character-edit attack with an edit-distance budget (DeepWordBug, Gao, Lanchantin,
/// Soffa & Qi, IEEE S&P Workshops 2018): words are ranked by how much deleting them lowers the
/// true class's probability; each round tries, on the ``candidateWords`` most important words, a
/// character deletion, substitution and insertion at a random interior position, keeps the edit
/// that lowers the true class most, and stops when the prediction flips, nothing lowers it, or the
/// budget of ``maximumEdits`` single-character edits (an upper bound on the Levenshtein distance
/// to the original) is spent.
public struct CharacterEditAttack: Sendable, Hashable {
    /// The largest number of single-character edits per note (≥ 0).
    public var maximumEdits: Int
    /// How many of the most important words are edited.
    public var candidateWords: Int

    /// Creates the attack.
    /// - Throws: ``RobustnessError`` `invalidBudget` for a negative budget, `invalidSetting` for
    ///   `candidateWords < 1`.
    public init(maximumEdits: Int, candidateWords: Int = 8) throws(RobustnessError) {
        guard maximumEdits >= 0 else {
            throw RobustnessError(code: .invalidBudget, message: "charedit budget (edit distance) must be ≥ 0, got \(maximumEdits)")
        }
        guard candidateWords >= 1 else {
            throw RobustnessError(code: .invalidSetting, message: "candidate words must be ≥ 1, got \(candidateWords)")
        }
        self.maximumEdits = maximumEdits
        self.candidateWords = candidateWords
    }

    /// Attacks one note.
    /// - Returns: the adversarial note, the edits made (≥ its Levenshtein distance to `text`) and
    ///   the queries made.
    public func attack<M: TextTaskModel, G: RandomNumberGenerator>(
        _ model: M, text: String, label: Int, using rng: inout G
    ) throws -> (text: String, edits: Int, queries: Int) {
        guard maximumEdits > 0 else { return (text, 0, 0) }
        var words = TokenizedNote(text).tokens.map { Array($0) }
        guard !words.isEmpty else { return (text, 0, 0) }
        func render(_ w: [[Character]]) -> String { w.map { String($0) }.joined(separator: " ") }
        let editable = words.indices.filter { words[$0].filter(\.isLetter).count >= 2 }
        var queries = 1
        var current = try model.probabilities([render(words)], using: &rng).scalars[label]
        // Importance: the drop of the true class's probability when the word is deleted.
        let deleted = editable.map { i in render(words.enumerated().filter { $0.offset != i }.map(\.element)) }
        var ranked = editable
        if !deleted.isEmpty {
            let p = try model.probabilities(deleted, using: &rng)
            queries += deleted.count
            let classes = p.shape[1]
            let importance = (0..<editable.count).map { current - p.scalars[$0 * classes + label] }
            ranked = editable.indices.sorted { importance[$0] > importance[$1] }.map { editable[$0] }
        }
        ranked = Array(ranked.prefix(candidateWords))
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var edits = 0
        while edits < maximumEdits && !ranked.isEmpty {
            var candidates: [[[Character]]] = []
            for i in ranked {
                let word = words[i]
                let position = 1 + Int(rng.next(upperBound: UInt64(Swift.max(word.count - 1, 1))))
                let at = Swift.min(position, word.count - 1)
                let letterIndex = Int(rng.next(upperBound: UInt64(letters.count)))
                let letter = letters[letterIndex]
                var deletion = words
                deletion[i].remove(at: at)
                var substitution = words
                substitution[i][at] = substitution[i][at] == letter ? letters[(letterIndex + 1) % letters.count] : letter
                var insertion = words
                insertion[i].insert(letter, at: at)
                candidates += [deletion, substitution, insertion]
            }
            let p = try model.probabilities(candidates.map(render), using: &rng)
            queries += candidates.count
            let classes = p.shape[1]
            let scores = (0..<candidates.count).map { p.scalars[$0 * classes + label] }
            guard let best = scores.indices.min(by: { scores[$0] < scores[$1] }), scores[best] < current else { break }
            words = candidates[best]
            current = scores[best]
            edits += 1
            let row = p.scalars[(best * classes)..<((best + 1) * classes)]
            if row.indices.max(by: { row[$0] < row[$1] }).map({ $0 - best * classes }) != label { break }
        }
        return (edits == 0 ? text : render(words), edits, queries)
    }
}

/// A note split on whitespace, with the phrases of synonym sets located in it.
struct TokenizedNote {
    var text: String
    var tokens: [String]

    /// A located KB phrase: tokens `start..<start+length`, and the other members of its set.
    struct Slot {
        var start: Int
        var length: Int
        var alternatives: [[String]]
        var trailing: String
    }

    init(_ text: String) {
        self.text = text
        self.tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// A token lowercased, without leading and trailing punctuation.
    static func normalized(_ token: String) -> String {
        String(token.lowercased().drop(while: { !$0.isLetter && !$0.isNumber }).reversed().drop(while: { !$0.isLetter && !$0.isNumber }).reversed())
    }

    /// The non-overlapping occurrences of synonym-set phrases (longest match first, left to right).
    func synonymSlots(groups: [[String]]) -> [Slot] {
        let words = tokens.map(Self.normalized)
        var phrases: [(words: [String], group: Int)] = []
        for (g, group) in groups.enumerated() {
            for phrase in group {
                let split = phrase.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
                if !split.isEmpty { phrases.append((split, g)) }
            }
        }
        phrases.sort { $0.words.count > $1.words.count }
        var slots: [Slot] = []
        var i = 0
        while i < words.count {
            var matched = false
            for phrase in phrases where i + phrase.words.count <= words.count {
                guard Array(words[i..<(i + phrase.words.count)]) == phrase.words else { continue }
                let alternatives = groups[phrase.group]
                    .map { $0.lowercased().split(whereSeparator: \.isWhitespace).map(String.init) }
                    .filter { !$0.isEmpty && $0 != phrase.words }
                if !alternatives.isEmpty {
                    let last = tokens[i + phrase.words.count - 1]
                    let trailing = String(last.reversed().prefix(while: { !$0.isLetter && !$0.isNumber }).reversed())
                    slots.append(Slot(start: i, length: phrase.words.count, alternatives: alternatives, trailing: trailing))
                }
                i += phrase.words.count
                matched = true
                break
            }
            if !matched { i += 1 }
        }
        return slots
    }

    /// The note with the slots in `replacements` replaced by their phrases.
    func render(slots: [Slot], replacements: [Int: [String]]) -> String {
        var out: [String] = []
        var i = 0
        var slotAt: [Int: Int] = [:]
        for (index, slot) in slots.enumerated() { slotAt[slot.start] = index }
        while i < tokens.count {
            if let index = slotAt[i], let phrase = replacements[index] {
                var words = phrase
                words[words.count - 1] += slots[index].trailing
                out += words
                i += slots[index].length
            } else {
                out.append(tokens[i])
                i += 1
            }
        }
        return out.joined(separator: " ")
    }
}
