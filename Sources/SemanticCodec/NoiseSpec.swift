// The shared grammar of semantic-noise specs: `name:rate[,name:rate…]` (or `none`).

/// A parsed semantic-noise spec, as given to `semcom eval --noise` and `semcom kb build`:
/// `name:rate[,name:rate…]`, e.g. `synonym:0.2,reverse:0.1`, or `none` for no noise.
///
/// This type only parses the grammar; each modality keeps a registry that maps the names to its
/// perturbations and checks each rate's range (the clinical-text registry is
/// `ClinicalTextNoise.init(spec:lexicon:)`).
///
/// - Names: 1–32 characters of `a–z`, `0–9` and `-`, each at most once.
/// - Rates: finite decimal numbers ≥ 0 (`0.2`, `1`, `.5`, `1e-2`).
/// - White space around names and rates is ignored.
///
/// ```swift
/// let spec = try NoiseSpec(parsing: "synonym:0.2,reverse:0.1")
/// spec.terms   // [("synonym", 0.2), ("reverse", 0.1)]
/// ```
public struct NoiseSpec: Sendable, Hashable, CustomStringConvertible {
    /// One `name:rate` term.
    public struct Term: Sendable, Hashable {
        /// The noise's name.
        public var name: String
        /// Its rate (≥ 0; the registry checks the upper bound).
        public var rate: Double

        /// Creates a term.
        public init(name: String, rate: Double) {
            self.name = name
            self.rate = rate
        }
    }

    /// The terms, in the order given (empty for `none`).
    public var terms: [Term]

    /// Creates a spec from terms.
    public init(terms: [Term]) { self.terms = terms }

    /// No noise.
    public static let none = NoiseSpec(terms: [])

    /// The errors of ``init(parsing:)``: the spec, the character offset and what was expected.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The spec as given.
        public var spec: String
        /// The character offset of the offending term (0-based).
        public var offset: Int
        /// What was expected.
        public var message: String

        /// `invalid noise spec '…' at offset n: message`.
        public var description: String { "invalid noise spec '\(spec)' at offset \(offset): \(message)" }
    }

    /// Parses `name:rate[,name:rate…]` or `none` (see the type's documentation).
    /// - Throws: ``ParseError`` for an empty spec or term, a missing `:`, an invalid name, a rate that
    ///   is not a finite number ≥ 0, or a repeated name.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingWhiteSpace()
        if trimmed == "none" {
            self = .none
            return
        }
        guard !trimmed.isEmpty else {
            throw ParseError(spec: text, offset: 0, message: "empty; expected name:rate[,name:rate…] or none")
        }
        var terms: [Term] = []
        var offset = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            defer { offset += part.count + 1 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2 else {
                throw ParseError(
                    spec: text, offset: offset,
                    message: "term '\(part)' is not name:rate (e.g. synonym:0.2)")
            }
            let name = String(pieces[0]).trimmingWhiteSpace()
            let rateText = String(pieces[1]).trimmingWhiteSpace()
            guard (1...32).contains(name.count),
                name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            else {
                throw ParseError(
                    spec: text, offset: offset, message: "name '\(name)' must be 1–32 characters of a–z, 0–9 and -")
            }
            guard let rate = Double(rateText), rate.isFinite, rate >= 0 else {
                throw ParseError(
                    spec: text, offset: offset, message: "rate '\(rateText)' of '\(name)' must be a finite number ≥ 0")
            }
            guard !terms.contains(where: { $0.name == name }) else {
                throw ParseError(spec: text, offset: offset, message: "'\(name)' appears more than once")
            }
            terms.append(Term(name: name, rate: rate))
        }
        self.terms = terms
    }

    /// The canonical spelling: `none`, or `name:rate` terms joined by commas.
    public var description: String {
        terms.isEmpty ? "none" : terms.map { "\($0.name):\(formatRate($0.rate))" }.joined(separator: ",")
    }
}

private func formatRate(_ rate: Double) -> String {
    rate == rate.rounded() && rate < 1e15 ? String(Int(rate)) : String(rate)
}

extension String {
    fileprivate func trimmingWhiteSpace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
