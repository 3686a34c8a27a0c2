import Foundation

/// A result document for commands that measure a single point (e.g. `semcom privacy epsilon`):
/// the summary's keys at the top level beside `"command"` and `"seed"`, so that
/// `{"command", "seed", "epsilon", "delta", …}` reads directly, and the same summary again as
/// the only element of `"rows"` so the document also follows the CLI contract of
/// ``ResultDocument`` (ARCHITECTURE.md, "The CLI contract").
///
/// `Summary` must encode itself with a keyed container (any struct with `CodingKeys` does) and
/// must not use the keys `command`, `seed` or `rows`.
public struct SummaryResultDocument<Summary: Encodable & Sendable>: Encodable, Sendable {
    /// The command, e.g. `"privacy epsilon"`.
    public var command: String
    /// The seed the command ran with.
    public var seed: UInt64
    /// The measured point (its keys are written at the top level and as the single row).
    public var summary: Summary

    /// Creates a document.
    public init(command: String, seed: UInt64, summary: Summary) {
        self.command = command
        self.seed = seed
        self.summary = summary
    }

    private enum Key: String, CodingKey { case command, seed, rows }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(command, forKey: .command)
        try container.encode(seed, forKey: .seed)
        try container.encode([summary], forKey: .rows)
    }

    /// The document as pretty-printed JSON with sorted keys (the encoder of ``ResultDocument``).
    public func jsonData() throws -> Data {
        try ResultDocument<Summary>.encoder().encode(self)
    }

    /// Writes the JSON document to `path` (replacing the file; the directory must exist).
    /// - Throws: the file system's error when the file cannot be written.
    public func writeJSON(to path: String) throws {
        try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
