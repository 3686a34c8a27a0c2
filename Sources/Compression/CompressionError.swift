// The single error type thrown by the Compression module.

/// An error thrown when compressed data, a dictionary or a zstd parameter is rejected.
///
/// Shaped like swift-nio's `FileSystemError`: an extensible ``Code``, a human-readable
/// ``message`` that says what was expected, and — where it is known — the byte ``offset``
/// in the input at which the problem was detected. Messages never contain payload bytes,
/// only sizes, offsets and field names.
///
/// Corrupted, truncated, empty or random input always throws one of these; it never traps.
public struct CompressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    ///
    /// `Code` wraps a private enum so new codes can be added without breaking `switch`
    /// statements in client code (compare codes with `==`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case corruptInput
            case truncatedInput
            case outputTooLarge
            case dictionaryMismatch
            case corruptDictionary
            case invalidParameter
            case dictionaryTrainingFailed
            case resourceExhausted
            case unknown
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The input is not a valid zstd stream: wrong magic number, malformed frame header,
        /// block or entropy table, or a failed content checksum (RFC 8878 §3.1.1).
        public static let corruptInput = Code(.corruptInput)
        /// The input ends before the last frame is complete (this includes empty input).
        public static let truncatedInput = Code(.truncatedInput)
        /// The decompressed size exceeds the caller's `maximumOutputSize`, either as declared in a
        /// frame header (`Frame_Content_Size`) or as actually produced.
        public static let outputTooLarge = Code(.outputTooLarge)
        /// The frame was compressed with a different dictionary than the one supplied
        /// (or needs a dictionary and none was supplied).
        public static let dictionaryMismatch = Code(.dictionaryMismatch)
        /// Bytes that start with the zstd dictionary magic number do not parse as a dictionary.
        public static let corruptDictionary = Code(.corruptDictionary)
        /// zstd rejected a parameter or an API sequence (e.g. a pledged size that was not honoured).
        public static let invalidParameter = Code(.invalidParameter)
        /// `ZDICT_trainFromBuffer` could not build a dictionary (typically too few or too small samples).
        public static let dictionaryTrainingFailed = Code(.dictionaryTrainingFailed)
        /// zstd could not allocate memory, or the frame's window is larger than the decoder allows.
        public static let resourceExhausted = Code(.resourceExhausted)
        /// Any other zstd error; the message carries zstd's own error name.
        public static let unknown = Code(.unknown)

        /// The code's name, e.g. `corruptInput`.
        public var description: String {
            switch value {
            case .corruptInput: "corruptInput"
            case .truncatedInput: "truncatedInput"
            case .outputTooLarge: "outputTooLarge"
            case .dictionaryMismatch: "dictionaryMismatch"
            case .corruptDictionary: "corruptDictionary"
            case .invalidParameter: "invalidParameter"
            case .dictionaryTrainingFailed: "dictionaryTrainingFailed"
            case .resourceExhausted: "resourceExhausted"
            case .unknown: "unknown"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// What was expected and what was found (sizes, offsets and field names only).
    public var message: String
    /// The byte offset in the compressed input at (or just before) which the problem was detected,
    /// when known. zstd detects errors block by block, so the offset is the number of input bytes
    /// the decoder had consumed, not necessarily the first bad byte.
    public var offset: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what was expected and what was found.
    ///   - offset: the input byte offset, if known.
    public init(code: Code, message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// `"CompressionError.<code>: <message>"`.
    public var description: String { "CompressionError.\(code): \(message)" }
}
