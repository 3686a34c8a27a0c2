// A zstd dictionary shared by compressor and decompressor.

internal import CZstd

/// A zstd dictionary: either raw content or a trained dictionary in the zstd dictionary format
/// (RFC 8878 §5), used identically by compression and decompression.
///
/// Small messages compress poorly on their own because zstd has nothing to refer back to; a
/// dictionary primes the encoder with typical content (raw content) or with typical content plus
/// entropy tables (trained, see ``Zstd/trainDictionary(samples:capacity:)``).
///
/// The bytes are auto-detected as zstd does: if they start with the dictionary magic number
/// `0xEC30A437` they are parsed as a zstd-format dictionary and carry a ``id``, otherwise they
/// are raw content (``id`` is `nil`).
///
/// **Mismatch detection.** A frame compressed with a formatted dictionary records its
/// `Dictionary_ID` in the frame header (RFC 8878 §3.1.1.1.3), so decompressing it with a different
/// dictionary, or with none, throws ``CompressionError/Code/dictionaryMismatch`` before any
/// decoding. Raw-content dictionaries have no ID; a wrong one is detected by the content checksum
/// (on by default in this module) and is also reported as `dictionaryMismatch`.
///
/// Instances are immutable and may be shared between threads (libzstd documents a `ZSTD_DDict`
/// as read-only once created).
public final class ZstdDictionary: @unchecked Sendable {
    // @unchecked Sendable: all stored properties are `let`; the ZSTD_DDict is never mutated after
    // creation and libzstd allows it to be referenced by several decompression contexts at once.

    /// The dictionary bytes, exactly as given or trained.
    public let bytes: [UInt8]
    /// The dictionary ID of a zstd-format dictionary, `nil` for raw content.
    public let id: UInt32?
    /// The digested decompression dictionary (`ZSTD_DDict *`).
    let decompressionDictionary: OpaquePointer

    /// Creates a dictionary from raw content or from a zstd-format dictionary.
    /// - Parameter bytes: the dictionary; must not be empty.
    /// - Throws: ``CompressionError`` with code `invalidParameter` for empty bytes, or
    ///   `corruptDictionary` if the bytes start with the dictionary magic number but do not parse.
    public init(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else {
            throw CompressionError(code: .invalidParameter, message: "a dictionary needs at least 1 byte, got 0")
        }
        let (pointer, dictionaryID) = bytes.withUnsafeBytes { buffer in
            (
                ZSTD_createDDict(buffer.baseAddress, buffer.count),
                ZSTD_getDictID_fromDict(buffer.baseAddress, buffer.count)
            )
        }
        guard let pointer else {
            throw CompressionError(
                code: .corruptDictionary,
                message: "dictionary of \(bytes.count) bytes starts with the magic number 0xEC30A437 but its "
                    + "header or entropy tables do not parse (RFC 8878 §5)")
        }
        self.bytes = bytes
        self.id = dictionaryID == 0 ? nil : dictionaryID
        self.decompressionDictionary = pointer
    }

    deinit { ZSTD_freeDDict(decompressionDictionary) }

    /// Whether this is raw content (no dictionary ID).
    public var isRawContent: Bool { id == nil }

    /// Loads this dictionary into a compression context (`ZSTD_CCtx_loadDictionary`).
    func load(intoCompressionContext context: OpaquePointer) throws {
        let result = bytes.withUnsafeBytes { ZSTD_CCtx_loadDictionary(context, $0.baseAddress, $0.count) }
        if isZstdError(result) {
            throw compressionError(zstdResult: result, context: "loading the dictionary for compression")
        }
    }

    /// References this dictionary from a decompression context (`ZSTD_DCtx_refDDict`).
    func reference(fromDecompressionContext context: OpaquePointer) throws {
        let result = ZSTD_DCtx_refDDict(context, decompressionDictionary)
        if isZstdError(result) {
            throw compressionError(zstdResult: result, context: "loading the dictionary for decompression")
        }
    }
}
