// An ordered token list with a reverse index.

/// An ordered list of distinct tokens; a token's id is its position.
///
/// Used for clinical-text tokenizers and categorical codes. Lookup by token is O(1) through a
/// dictionary built at initialization.
public struct Vocabulary: Sendable, Equatable {
    /// The tokens in id order.
    public let tokens: [String]
    private let ids: [String: Int]

    /// Creates a vocabulary.
    /// - Precondition: the tokens are distinct.
    public init(_ tokens: [String]) {
        guard let vocabulary = Vocabulary(validating: tokens) else {
            preconditionFailure("Vocabulary tokens must be distinct; \(tokens.count) tokens contain a duplicate")
        }
        self = vocabulary
    }

    /// Creates a vocabulary, or returns `nil` if a token repeats.
    init?(validating tokens: [String]) {
        var ids = [String: Int](minimumCapacity: tokens.count)
        for (id, token) in tokens.enumerated() where ids.updateValue(id, forKey: token) != nil {
            return nil
        }
        self.tokens = tokens
        self.ids = ids
    }

    /// The number of tokens.
    public var count: Int { tokens.count }

    /// The id of `token`, or `nil` if it is not in the vocabulary. - Complexity: O(1) on average.
    public func id(of token: String) -> Int? { ids[token] }

    /// The token with id `id`.
    /// - Precondition: `0 ≤ id < count`.
    public func token(at id: Int) -> String {
        precondition(tokens.indices.contains(id), "token id \(id) outside vocabulary of \(tokens.count) tokens")
        return tokens[id]
    }

    /// Vocabularies are equal when their token lists are.
    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.tokens == rhs.tokens }
}
