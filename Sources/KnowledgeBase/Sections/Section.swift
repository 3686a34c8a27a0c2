// A data section of a knowledge base: a named vocabulary, synonym table, normalizer set, tensor or blob.

import TensorCore

/// One named data section of a ``KnowledgeBase``.
///
/// A section is identified by its ``kind`` and ``name``; within one knowledge base no two sections share
/// both. Sections keep the order in which they were added, and that order is part of the file and of the
/// fingerprint.
public struct Section: Sendable, Equatable {
    /// The section's name: 1–255 bytes of UTF-8, e.g. `"encoder.0.weight"`.
    public var name: String
    /// The decoded content.
    public var content: Content

    /// Creates a section.
    /// - Precondition: `name` is 1–255 UTF-8 bytes.
    public init(name: String, content: Content) {
        precondition(
            (1...Section.maximumNameLength).contains(name.utf8.count),
            "section name of \(name.utf8.count) UTF-8 bytes; expected 1–\(Section.maximumNameLength)")
        self.name = name
        self.content = content
    }

    /// The longest section name, in UTF-8 bytes.
    public static let maximumNameLength = 255

    /// The section's kind, derived from ``content``.
    public var kind: Kind { content.kind }

    /// What a section holds.
    public enum Content: Sendable, Equatable {
        /// An ordered token list; a token's id is its index.
        case vocabulary(Vocabulary)
        /// Groups of interchangeable strings (e.g. clinical synonyms), each group non-empty.
        case synonymSets([[String]])
        /// Per-field normalizers.
        case normalizers([Normalizer])
        /// A float32 tensor (weights, embeddings, codebooks), stored little-endian.
        case tensor(Tensor<Float>)
        /// Opaque bytes.
        case raw([UInt8])
        /// A section of a kind this version does not know (written by a newer SemCom), kept verbatim so
        /// that it survives a read → write round trip and still counts in the fingerprint.
        case unrecognized(kind: Kind, payload: [UInt8])

        /// The section kind this content is stored as.
        public var kind: Kind {
            switch self {
            case .vocabulary: .vocabulary
            case .synonymSets: .synonymSets
            case .normalizers: .normalizers
            case .tensor: .tensorFloat32
            case .raw: .raw
            case .unrecognized(let kind, _): kind
            }
        }
    }

    /// The kind of a section, stored as a little-endian `UInt16` in the section table.
    ///
    /// An open set: kinds this version does not know are read as ``Content/unrecognized(kind:payload:)``.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The stored code.
        public var rawValue: UInt16
        /// Creates a kind from its stored code.
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        /// The JSON manifest (always the first section, named `"manifest"`).
        public static let manifest = Kind(rawValue: 1)
        /// An ordered list of UTF-8 tokens.
        public static let vocabulary = Kind(rawValue: 2)
        /// Groups of UTF-8 strings.
        public static let synonymSets = Kind(rawValue: 3)
        /// Per-field normalizers (binary64 parameters).
        public static let normalizers = Kind(rawValue: 4)
        /// A float32 little-endian tensor with its shape.
        public static let tensorFloat32 = Kind(rawValue: 5)
        /// Opaque bytes.
        public static let raw = Kind(rawValue: 6)

        /// The kind's name (`"vocabulary"`, …) or `"kind <n>"` for unknown codes.
        public var description: String {
            switch rawValue {
            case 1: "manifest"
            case 2: "vocabulary"
            case 3: "synonym_sets"
            case 4: "normalizers"
            case 5: "tensor_float32"
            case 6: "raw"
            default: "kind \(rawValue)"
            }
        }
    }
}
