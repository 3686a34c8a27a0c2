// The canonical JSON form of a manifest.

import Foundation

extension Manifest {
    /// The manifest's canonical JSON: UTF-8, keys sorted by their UTF-8 bytes at every level, no
    /// insignificant whitespace, `/` not escaped, numbers in Swift's shortest round-trip form, and
    /// non-finite numbers as the strings `"nan"`, `"inf"` and `"-inf"`. Absent optional values are
    /// omitted. These bytes are what a `.semkb` file stores and what the fingerprint hashes.
    public var canonicalJSON: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return Array(try encoder.encode(self))
        } catch {
            // Every value in a Manifest is a string, an integer, a Double (non-finite ones become strings)
            // or a container of these, so encoding cannot fail.
            preconditionFailure("encoding a Manifest to JSON failed: \(error)")
        }
    }

    /// Decodes a manifest from JSON bytes, tolerating unknown keys.
    /// - Throws: ``KnowledgeBaseError`` `invalidManifest` with the decoder's reason and coding path.
    static func decode(json: [UInt8], file: String?, offset: Int) throws(KnowledgeBaseError) -> Manifest {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(Manifest.self, from: Data(json))
        } catch {
            throw KnowledgeBaseError(
                code: .invalidManifest, message: "manifest JSON does not decode: \(Self.reason(error))",
                file: file, offset: offset, section: "manifest", cause: error)
        }
    }

    /// A short explanation of a decoding error: the coding path and the decoder's debug description.
    private static func reason(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "expected \(type) at \(path(context.codingPath)), found null"
        case .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        default:
            return String(describing: error)
        }
    }
}
