// Tokenizing clinical text and hashing its n-grams: the text front end shared by the clinical-text
// codec and the multi-modal record codec.

/// One token of a note: a word (letters, possibly with digits: `spo2`, `dm2`), a number (`87`,
/// `38.9`) or a punctuation mark (`.`, `,`, `;`, `:`, `/`, `%`, `°`, `(`, `)`).
public struct ClinicalToken: Sendable, Hashable {
    /// The token's kind.
    public enum Kind: Sendable, Hashable {
        /// Letters (and digits after the first letter), lowercased.
        case word
        /// A decimal number.
        case number
        /// A punctuation mark.
        case punctuation
    }

    /// The lowercased text.
    public var text: String
    /// The kind.
    public var kind: Kind

    /// Creates a token.
    public init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    /// The number's value (numbers only).
    public var value: Double? { kind == .number ? Double(text) : nil }
}

/// Splits text into ``ClinicalToken``s. Unicode letters count as letters (lowercased); white space,
/// hyphens and other symbols separate tokens and are dropped. Never fails: any string, including
/// unknown words and typos, gives tokens (possibly none).
public enum ClinicalTokenizer {
    /// The punctuation marks kept as tokens.
    public static let punctuation: Set<Character> = [".", ",", ";", ":", "/", "%", "°", "(", ")"]

    /// The tokens of `text`, in order.
    /// - Complexity: O(n) in the number of characters.
    public static func tokenize(_ text: String) -> [ClinicalToken] {
        var tokens: [ClinicalToken] = []
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c.isLetter {
                var word = ""
                while i < characters.count,
                    characters[i].isLetter || characters[i].isASCIIDigit || characters[i] == "'"
                {
                    word += characters[i].lowercased()
                    i += 1
                }
                tokens.append(ClinicalToken(text: word, kind: .word))
            } else if c.isASCIIDigit {
                var number = ""
                while i < characters.count, characters[i].isASCIIDigit {
                    number.append(characters[i])
                    i += 1
                }
                if i + 1 < characters.count, characters[i] == ".", characters[i + 1].isASCIIDigit {
                    number.append(".")
                    i += 1
                    while i < characters.count, characters[i].isASCIIDigit {
                        number.append(characters[i])
                        i += 1
                    }
                }
                tokens.append(ClinicalToken(text: number, kind: .number))
            } else {
                if punctuation.contains(c) { tokens.append(ClinicalToken(text: String(c), kind: .punctuation)) }
                i += 1
            }
        }
        return tokens
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The hashed n-gram features of tokenized text (the hashing trick: Weinberger et al., ICML 2009):
/// per token its canonical word, its raw form when it differs, its character 3-grams with word
/// boundaries (fastText-style sub-words: Bojanowski et al., TACL 2017), its anagram key (sorted
/// letters: unchanged by letter reversal and swaps), and the bigram of canonical forms with the
/// next token; numbers hash as `<num>`. Keys are hashed with 64-bit FNV-1a and a seed, modulo the
/// bucket count. Never fails: unknown words and typos only add buckets.
public enum HashedTextFeatures {
    /// The buckets (in `0..<buckets`, possibly repeated) of `tokens`.
    /// - Parameters:
    ///   - tokens: the tokens (``ClinicalTokenizer``).
    ///   - canonical: one canonical form per token (e.g. after spelling correction; the token's text
    ///     when there is none).
    ///   - buckets: the bucket count (≥ 1).
    ///   - seed: the hash seed.
    /// - Precondition: `canonical.count == tokens.count`, `buckets ≥ 1`.
    public static func buckets(tokens: [ClinicalToken], canonical: [String], buckets: Int, seed: UInt64) -> [Int] {
        precondition(canonical.count == tokens.count, "\(canonical.count) canonical forms for \(tokens.count) tokens")
        precondition(buckets >= 1, "buckets must be ≥ 1, got \(buckets)")
        var result: [Int] = []
        func hashed(_ key: String) { result.append(Int(fnv1a(key, seed: seed) % UInt64(buckets))) }
        for (i, token) in tokens.enumerated() {
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
        return result
    }

    /// 64-bit FNV-1a of the UTF-8 bytes of `key`, with `seed` mixed into the offset basis.
    public static func fnv1a(_ key: String, seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (seed &* 0x9e37_79b9_7f4a_7c15)
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
