import Foundation

/// The JSON document every result command writes (ARCHITECTURE.md, "The CLI contract"):
/// one object with `"command"`, `"seed"`, the inputs it used, and `"rows"`, one object per
/// measured point with snake_case keys.
public struct ResultDocument<Row: Encodable & Sendable>: Encodable, Sendable {
    /// The command that produced the rows, e.g. `"demo"`.
    public var command: String
    /// The seed the command ran with.
    public var seed: UInt64
    /// The inputs the command used (option names in snake_case → values as text).
    public var inputs: [String: String]
    /// The measured points.
    public var rows: [Row]

    public init(command: String, seed: UInt64, inputs: [String: String], rows: [Row]) {
        self.command = command
        self.seed = seed
        self.inputs = inputs
        self.rows = rows
    }

    /// The document as pretty-printed JSON with sorted keys (stable across runs).
    public func jsonData() throws -> Data {
        try Self.encoder().encode(self)
    }

    /// The encoder of every result document: pretty-printed, sorted keys, non-finite numbers as
    /// the strings `"inf"`, `"-inf"`, `"nan"`.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// Writes the JSON document to `path` (replacing the file; the directory must exist).
    /// - Throws: the file system's error when the file cannot be written.
    public func writeJSON(to path: String) throws {
        try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
