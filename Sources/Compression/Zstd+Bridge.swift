// Internal helpers between Swift and libzstd: error mapping and contiguous-byte access.
// No C type leaves this module.

internal import CZstd

/// Runs `body` over the contiguous bytes of `bytes`, copying into an array only when the
/// collection has no contiguous storage.
func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) throws -> Result
) rethrows -> Result {
    if let result = try bytes.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return try Array(bytes).withUnsafeBytes(body)
}

/// Whether a libzstd `size_t` result is an error code.
@inline(__always)
func isZstdError(_ result: Int) -> Bool { ZSTD_isError(result) != 0 }

/// Maps a libzstd error result to a ``CompressionError``.
/// - Parameters:
///   - result: the `size_t` returned by libzstd (must satisfy `isZstdError`).
///   - context: what the module was doing ("decompressing", "loading the dictionary", …).
///   - offset: input byte offset reached when the error was detected, if known.
///   - decompressing: whether the error came from the decoder (changes how size errors read).
///   - rawDictionary: whether a raw-content dictionary (no dictionary ID) was in use, in which
///     case a checksum or corruption failure most likely means a different dictionary.
func compressionError(
    zstdResult result: Int, context: String, offset: Int? = nil, decompressing: Bool = false,
    rawDictionary: Bool = false
) -> CompressionError {
    let errorCode = ZSTD_getErrorCode(result)
    let name = String(cString: ZSTD_getErrorName(result))
    let at = offset.map { " after consuming \($0) input bytes" } ?? ""
    func make(_ code: CompressionError.Code, _ explanation: String) -> CompressionError {
        CompressionError(code: code, message: "\(context)\(at): \(explanation) (zstd: \(name))", offset: offset)
    }
    switch errorCode {
    case ZSTD_error_prefix_unknown:
        return make(.corruptInput, "unknown frame magic number; expected 0xFD2FB528 (RFC 8878 §3.1.1)")
    case ZSTD_error_version_unsupported, ZSTD_error_frameParameter_unsupported:
        return make(.corruptInput, "unsupported frame header parameters (RFC 8878 §3.1.1.1)")
    case ZSTD_error_corruption_detected, ZSTD_error_checksum_wrong, ZSTD_error_literals_headerWrong,
        ZSTD_error_tableLog_tooLarge, ZSTD_error_maxSymbolValue_tooLarge, ZSTD_error_maxSymbolValue_tooSmall:
        if rawDictionary {
            return make(
                .dictionaryMismatch,
                "the frame does not decode with the supplied raw-content dictionary: it was compressed "
                    + "with a different dictionary, or it is corrupt")
        }
        if errorCode == ZSTD_error_checksum_wrong {
            return make(.corruptInput, "content checksum mismatch (RFC 8878 §3.1.1, Content_Checksum)")
        }
        return make(.corruptInput, "malformed block or entropy table (RFC 8878 §3.1.1.2–3)")
    case ZSTD_error_dictionary_wrong:
        return make(.dictionaryMismatch, "the frame needs a different dictionary than the one supplied")
    case ZSTD_error_dictionary_corrupted:
        return make(.corruptDictionary, "the dictionary does not parse (RFC 8878 §5)")
    case ZSTD_error_dictionaryCreation_failed:
        return make(.dictionaryTrainingFailed, "dictionary creation failed")
    case ZSTD_error_frameParameter_windowTooLarge:
        return make(.resourceExhausted, "the frame's window is larger than the decoder's limit of 2^27 bytes")
    case ZSTD_error_memory_allocation, ZSTD_error_workSpace_tooSmall:
        return make(.resourceExhausted, "out of memory")
    case ZSTD_error_srcSize_wrong:
        return decompressing
            ? make(.truncatedInput, "the input ends inside a frame")
            : make(.invalidParameter, "the number of bytes compressed differs from the pledged size")
    case ZSTD_error_dstSize_tooSmall:
        return make(.outputTooLarge, "the output does not fit the destination")
    case ZSTD_error_parameter_unsupported, ZSTD_error_parameter_combination_unsupported,
        ZSTD_error_parameter_outOfBound, ZSTD_error_stage_wrong, ZSTD_error_init_missing,
        ZSTD_error_stabilityCondition_notRespected:
        return make(.invalidParameter, "zstd rejected a parameter or call sequence")
    default:
        return make(.unknown, "unexpected zstd error")
    }
}

/// Frame magic numbers and header layout from RFC 8878.
enum ZstdFormat {
    /// `Magic_Number` of a zstd frame (RFC 8878 §3.1.1), little-endian.
    static let frameMagic: UInt32 = 0xFD2F_B528
    /// Skippable frames use magic numbers 0x184D2A50…0x184D2A5F (RFC 8878 §3.1.2).
    static let skippableMagicMask: UInt32 = 0xFFFF_FFF0
    /// `Block_Maximum_Size` upper limit: no block decodes to more than 128 KiB (RFC 8878 §3.1.1.2.3).
    /// A block that produces output takes at least 4 bytes (3-byte header + 1), so a frame of
    /// `n` bytes decodes to at most `(n / 4) · 128 KiB`.
    static let maximumBlockSize = 128 * 1024
    /// The base skippable magic number.
    static let skippableMagic: UInt32 = 0x184D_2A50

    /// Reads a little-endian `UInt32` at `offset` (caller guarantees 4 bytes are available).
    static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// The size of a zstd frame header (magic number included) from its `Frame_Header_Descriptor`
    /// (RFC 8878 §3.1.1.1): 4 (magic) + 1 (descriptor) + window descriptor (absent in single-segment
    /// frames) + dictionary ID (0/1/2/4 bytes) + frame content size (0/1, 2, 4 or 8 bytes).
    static func headerSize(descriptor: UInt8) -> Int {
        let contentSizeFlag = Int(descriptor >> 6)
        let singleSegment = descriptor & 0x20 != 0
        let dictionaryIDFlag = Int(descriptor & 0x03)
        let dictionaryIDBytes = [0, 1, 2, 4][dictionaryIDFlag]
        let contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]
        return 5 + (singleSegment ? 0 : 1) + dictionaryIDBytes + contentSizeBytes
    }

    /// Whether the descriptor's reserved bit (bit 3) is set, which makes the frame invalid.
    static func hasReservedBit(descriptor: UInt8) -> Bool { descriptor & 0x08 != 0 }
}
