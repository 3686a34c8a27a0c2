// The incognito presets: high, medium and low privacy.

/// A user-adjustable privacy level: the ε each privatized attribute is released with.
///
/// The presets are MetaGuard's (Nair, Garrido & Song, "Going Incognito in the Metaverse", 2022):
/// high = ε 1, medium = ε 3, low = ε 5 per attribute; ``custom(epsilon:)`` takes any ε > 0.
public enum PrivacyLevel: Sendable, Hashable, CustomStringConvertible {
    /// ε = 1 per attribute.
    case high
    /// ε = 3 per attribute.
    case medium
    /// ε = 5 per attribute.
    case low
    /// A custom ε per attribute (validated by ``init(parsing:)`` and the mechanisms).
    case custom(epsilon: Double)

    /// ε per attribute.
    public var epsilon: Double {
        switch self {
        case .high: 1
        case .medium: 3
        case .low: 5
        case .custom(let epsilon): epsilon
        }
    }

    /// Parses `high`, `medium`, `low` (any case) or a number (ε).
    /// - Throws: ``PrivacyError`` `.unknownPreset` for another word, `.invalidEpsilon` for a
    ///   number that is not finite and > 0.
    public init(parsing text: String) throws(PrivacyError) {
        let word = String(text.filter { !$0.isWhitespace }).lowercased()
        switch word {
        case "high": self = .high
        case "medium": self = .medium
        case "low": self = .low
        default:
            guard let epsilon = Double(word) else {
                throw PrivacyError(
                    code: .unknownPreset,
                    message: "unknown privacy level '\(text)'; expected high, medium, low or a number ε > 0")
            }
            try PrivacyValidation.epsilon(epsilon)
            self = .custom(epsilon: epsilon)
        }
    }

    /// `high (ε = 1)`, … or `ε = 2.5`.
    public var description: String {
        switch self {
        case .high: "high (ε = 1)"
        case .medium: "medium (ε = 3)"
        case .low: "low (ε = 5)"
        case .custom(let epsilon): "ε = \(epsilon)"
        }
    }
}
