// The one grammar of semantic-noise specifications: `name:rate[,name:rate…]` or `none`.

/// A semantic-noise specification as written on the command line: a list of named noises, each
/// with a rate in [0, 1], applied in the order written — or `none`.
///
/// **Grammar** (whitespace around tokens is ignored; names are case-insensitive and stored in
/// lowercase):
///
/// ```text
/// spec  := "none" | term ("," term)*
/// term  := name ":" rate
/// name  := letter (letter | digit | "-" | "_")*
/// rate  := a decimal number in [0, 1]
/// ```
///
/// Examples: `jitter:0.1`, `missing:0.2,swap:0.1`, `synonym:0.2,reverse:0.1`, `none`. A name may
/// appear once per spec. What a rate means is each noise's own definition (a fraction of the
/// field's scale, the probability that a record or a symbol is affected, a power ratio); the
/// ``SemanticNoiseCatalog`` lists the noises of each modality with their meaning, and
/// ``SemanticNoiseCatalog/parse(_:for:stages:hint:)`` checks the names.
///
/// ```swift
/// let spec = try SemanticNoiseSpec.parse("missing:0.2, swap:0.1")
/// spec.terms.map(\.name)          // ["missing", "swap"]
/// spec.description                // "missing:0.2,swap:0.1"
/// try SemanticNoiseSpec.parse("none").isNone    // true
/// ```
public struct SemanticNoiseSpec: Sendable, Hashable, CustomStringConvertible {
    /// One named noise and its rate.
    public struct Term: Sendable, Hashable, CustomStringConvertible {
        /// The noise's name, lowercase (e.g. `jitter`).
        public var name: String
        /// The rate, in [0, 1].
        public var rate: Double

        /// Creates a term.
        /// - Precondition: `rate` is in [0, 1] and `name` is not empty.
        public init(name: String, rate: Double) {
            precondition(!name.isEmpty, "A noise term needs a name")
            precondition(rate >= 0 && rate <= 1, "Noise rate must be in [0, 1], got \(rate)")
            self.name = name
            self.rate = rate
        }

        /// `name:rate`, the rate in its shortest form (`jitter:0.1`, `missing:1`).
        public var description: String { "\(name):\(formatRate(rate))" }
    }

    /// The noises in the order they are applied; empty for `none`.
    public var terms: [Term]

    /// Creates a specification from terms.
    /// - Precondition: no name appears twice.
    public init(terms: [Term]) {
        precondition(Set(terms.map(\.name)).count == terms.count, "A noise spec names each noise once: \(terms)")
        self.terms = terms
    }

    /// No semantic noise (`none`).
    public static let none = SemanticNoiseSpec(terms: [])

    /// Whether the spec adds no noise.
    public var isNone: Bool { terms.isEmpty }

    /// The canonical spelling, which parses back to `self`: `none`, or the terms joined by commas
    /// (`missing:0.2,swap:0.1`). This is what result rows record in their `noise` column.
    public var description: String { isNone ? "none" : terms.map(\.description).joined(separator: ",") }

    /// Parses a specification (see the type's grammar). Checks the syntax only; use
    /// ``SemanticNoiseCatalog/parse(_:for:stages:hint:)`` to check the names against a modality.
    /// - Parameter text: e.g. `jitter:0.1` or `missing:0.2,swap:0.1` or `none`.
    /// - Returns: the specification.
    /// - Throws: ``SemanticCodecError`` `invalidNoiseSpec` naming the term and what was expected:
    ///   an empty spec or term, a term without `:rate`, a bad name, a rate that is not a number,
    ///   a rate outside [0, 1], a name given twice.
    public static func parse(_ text: String) throws(SemanticCodecError) -> SemanticNoiseSpec {
        func fail(_ message: String) -> SemanticCodecError {
            SemanticCodecError(code: .invalidNoiseSpec, message: "noise spec '\(text)': \(message)")
        }
        let trimmed = trimmed(text[...])
        guard !trimmed.isEmpty else {
            throw fail("is empty; expected name:rate[,name:rate…] (e.g. jitter:0.1) or none")
        }
        if trimmed.lowercased() == "none" { return .none }
        var terms: [Term] = []
        for rawTerm in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let term = Self.trimmed(rawTerm)
            guard !term.isEmpty else { throw fail("has an empty term; expected name:rate between the commas") }
            let parts = term.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw fail(
                    parts.count == 1
                        ? "term '\(term)' needs a rate: name:rate, e.g. \(term):0.1"
                        : "term '\(term)' has \(parts.count - 1) colons; expected exactly one, name:rate")
            }
            let name = Self.trimmed(parts[0]).lowercased()
            let rateText = Self.trimmed(parts[1])
            guard let first = name.unicodeScalars.first, isLetter(first),
                name.unicodeScalars.allSatisfy({ isLetter($0) || isDigit($0) || $0 == "-" || $0 == "_" })
            else {
                throw fail(
                    "term '\(term)' has the name '\(name)'; a name starts with a letter and has letters, digits, - or _"
                )
            }
            guard let rate = Double(rateText), !rateText.isEmpty, rate.isFinite else {
                throw fail("noise '\(name)': rate '\(rateText)' is not a number; expected a rate in [0,1]")
            }
            guard rate >= 0 && rate <= 1 else {
                throw fail("noise '\(name)': rate must be in [0,1], got \(rateText)")
            }
            guard !terms.contains(where: { $0.name == name }) else {
                throw fail("noise '\(name)' is given twice; name each noise once")
            }
            terms.append(Term(name: name, rate: rate))
        }
        return SemanticNoiseSpec(terms: terms)
    }

    private static func trimmed(_ text: Substring) -> String {
        var slice = text
        while let c = slice.first, c.isWhitespace { slice = slice.dropFirst() }
        while let c = slice.last, c.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}

private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
}

private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

/// A rate in its shortest round-trip form without a trailing `.0` (`0.1`, `1`, `0`).
func formatRate(_ rate: Double) -> String {
    rate == rate.rounded() ? String(Int(rate)) : "\(rate)"
}
