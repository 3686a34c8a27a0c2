// One-shot zstd compression and bounded decompression.

internal import CZstd

/// One-shot Zstandard (zstd) compression and bounded decompression.
///
/// Produces and reads standard zstd frames as specified by RFC 8878, *Zstandard Compression and
/// the `application/zstd` Media Type* (Collet & Kucherawy, 2021), through the system libzstd.
/// For data that arrives in pieces use ``ZstdCompressor`` and ``ZstdDecompressor``; for small
/// messages of a known kind, a ``ZstdDictionary``.
///
/// Decompression is defensive: the caller states the largest output it accepts, every frame
/// header is checked before any decoding (magic number, header length, reserved bit, declared
/// `Frame_Content_Size` against the bound, `Dictionary_ID` against the supplied dictionary), frames
/// that do not declare their size are decoded in streaming mode under the same bound, and every
/// failure throws a ``CompressionError`` naming the byte offset.
///
/// ```swift
/// let packed = try Zstd.compress(bytes, level: 19)
/// let unpacked = try Zstd.decompress(packed, maximumOutputSize: 1 << 20)
/// ```
public enum Zstd {
    /// The accepted compression levels, `ZSTD_minCLevel()...ZSTD_maxCLevel()` (−131072…22 for
    /// libzstd 1.5). Negative levels trade ratio for speed; 0 selects ``defaultLevel``.
    public static var levels: ClosedRange<Int> { Int(ZSTD_minCLevel())...Int(ZSTD_maxCLevel()) }

    /// zstd's default compression level (`ZSTD_defaultCLevel()`, 3).
    public static var defaultLevel: Int { Int(ZSTD_defaultCLevel()) }

    /// The version of the linked libzstd, e.g. `"1.5.4"`.
    public static var libraryVersion: String { String(cString: ZSTD_versionString()) }

    /// The largest compressed size of `count` input bytes in one frame (`ZSTD_compressBound`).
    /// - Precondition: `count ≥ 0`.
    public static func maximumCompressedSize(forInputCount count: Int) -> Int {
        precondition(count >= 0, "input count \(count) is negative")
        return ZSTD_compressBound(count)
    }

    /// Compresses `data` into one zstd frame whose header records the content size.
    /// - Parameters:
    ///   - data: the bytes to compress (`[UInt8]`, `Data`, an array slice, …); may be empty.
    ///   - level: the compression level, in ``levels``.
    ///   - checksum: whether to append the 32-bit content checksum (RFC 8878 §3.1.1); default on.
    ///   - dictionary: an optional dictionary; decompression needs the same one.
    /// - Returns: the frame, at most ``maximumCompressedSize(forInputCount:)`` bytes.
    /// - Precondition: `level` is in ``levels``.
    /// - Throws: ``CompressionError`` if libzstd cannot allocate its context or rejects the dictionary.
    public static func compress<Bytes: Collection<UInt8>>(
        _ data: Bytes, level: Int = defaultLevel, checksum: Bool = true, dictionary: ZstdDictionary? = nil
    ) throws -> [UInt8] {
        var compressor = try ZstdCompressor(level: level, checksum: checksum, dictionary: dictionary)
        return try compressor.compressFrame(data)
    }

    /// Decompresses one or more concatenated zstd frames, refusing to produce more than
    /// `maximumOutputSize` bytes.
    ///
    /// First walks the frame headers (RFC 8878 §3.1): each frame must start with the zstd or a
    /// skippable magic number, have a complete header without the reserved bit, a complete
    /// sequence of blocks (`ZSTD_findFrameCompressedSize`), a `Dictionary_ID` matching
    /// `dictionary`, and the sum of the declared content sizes (`ZSTD_getFrameContentSize`) must
    /// not exceed the bound. The frames are then decoded in streaming mode under the bound, which
    /// also covers frames that do not declare their size.
    /// - Parameters:
    ///   - data: the compressed bytes.
    ///   - maximumOutputSize: the largest decompressed size accepted, in bytes.
    ///   - dictionary: the dictionary used for compression, if any.
    /// - Returns: the decompressed bytes.
    /// - Precondition: `maximumOutputSize ≥ 0`.
    /// - Throws: ``CompressionError``: `truncatedInput` (empty input, or it ends inside a frame),
    ///   `corruptInput`, `outputTooLarge`, `dictionaryMismatch`, `resourceExhausted`, with the
    ///   offending byte offset.
    public static func decompress<Bytes: Collection<UInt8>>(
        _ data: Bytes, maximumOutputSize: Int, dictionary: ZstdDictionary? = nil
    ) throws -> [UInt8] {
        precondition(maximumOutputSize >= 0, "maximumOutputSize \(maximumOutputSize) is negative")
        return try withContiguousBytes(data) { input in
            let declared = try validateFrames(input, maximumOutputSize: maximumOutputSize, dictionary: dictionary)
            var decompressor = try ZstdDecompressor(maximumOutputSize: maximumOutputSize, dictionary: dictionary)
            var output = [UInt8]()
            output.reserveCapacity(declared)
            try decompressor.decompress(input) { output.append(contentsOf: $0) }
            try decompressor.finish()
            return output
        }
    }

    /// The content size declared in the header of the first frame of `data`, or `nil` if the
    /// frame does not declare it (`ZSTD_getFrameContentSize`; RFC 8878 §3.1.1.1.4).
    /// - Throws: ``CompressionError`` (`truncatedInput` or `corruptInput`) if `data` does not start
    ///   with a complete zstd frame header.
    public static func declaredContentSize<Bytes: Collection<UInt8>>(of data: Bytes) throws -> Int? {
        try withContiguousBytes(data) { input in
            try checkHeader(input, at: 0)
            let size = ZSTD_getFrameContentSize(input.baseAddress, input.count)
            if size == ZSTD_CONTENTSIZE_UNKNOWN { return nil }
            guard size != ZSTD_CONTENTSIZE_ERROR, size <= UInt64(Int.max) else {
                throw CompressionError(
                    code: .corruptInput, message: "frame header at offset 0 does not parse", offset: 0)
            }
            return Int(size)
        }
    }

    /// Checks that a complete, well-formed zstd or skippable frame header starts at `offset`.
    /// - Returns: whether the frame is skippable.
    @discardableResult
    static func checkHeader(_ input: UnsafeRawBufferPointer, at offset: Int) throws -> Bool {
        let remaining = input.count - offset
        if input.isEmpty {
            throw CompressionError(
                code: .truncatedInput, message: "empty input: expected at least one zstd frame (RFC 8878 §3.1)",
                offset: 0)
        }
        guard remaining >= 4 else {
            throw CompressionError(
                code: .truncatedInput,
                message:
                    "input ends at offset \(input.count) inside the 4-byte magic number of a frame at offset \(offset)",
                offset: offset)
        }
        let magic = ZstdFormat.readUInt32(input, at: offset)
        if magic & ZstdFormat.skippableMagicMask == ZstdFormat.skippableMagic {
            guard remaining >= 8 else {
                throw CompressionError(
                    code: .truncatedInput,
                    message: "skippable frame at offset \(offset) needs an 8-byte header, input ends at \(input.count)",
                    offset: offset)
            }
            return true
        }
        guard magic == ZstdFormat.frameMagic else {
            throw CompressionError(
                code: .corruptInput,
                message: "offset \(offset): expected the zstd frame magic number 0xFD2FB528 or a skippable "
                    + "frame magic number 0x184D2A5? (RFC 8878 §3.1)",
                offset: offset)
        }
        guard remaining >= 5 else {
            throw CompressionError(
                code: .truncatedInput,
                message:
                    "input ends at offset \(input.count) before the frame header descriptor of the frame at offset \(offset)",
                offset: offset + 4)
        }
        let descriptor = input[offset + 4]
        if ZstdFormat.hasReservedBit(descriptor: descriptor) {
            throw CompressionError(
                code: .corruptInput,
                message: "offset \(offset + 4): frame header descriptor has the reserved bit 3 set; expected 0 "
                    + "(RFC 8878 §3.1.1.1.1)",
                offset: offset + 4)
        }
        let headerSize = ZstdFormat.headerSize(descriptor: descriptor)
        guard remaining >= headerSize else {
            throw CompressionError(
                code: .truncatedInput,
                message:
                    "frame at offset \(offset) has a \(headerSize)-byte header, but the input ends at \(input.count)",
                offset: offset)
        }
        return false
    }

    /// Walks all frames of `input`, checking headers, completeness, dictionary IDs and declared
    /// sizes. Returns the total declared content size (a capacity hint; frames without a declared
    /// size count as 0).
    static func validateFrames(
        _ input: UnsafeRawBufferPointer, maximumOutputSize: Int, dictionary: ZstdDictionary?
    ) throws -> Int {
        var offset = 0
        var declaredTotal = 0
        repeat {
            var frameDeclared = 0
            let skippable = try checkHeader(input, at: offset)
            let frameStart = input.baseAddress! + offset  // non-nil: checkHeader saw ≥ 4 bytes
            let remaining = input.count - offset
            if !skippable {
                let frameDictionaryID = ZSTD_getDictID_fromFrame(frameStart, remaining)
                if frameDictionaryID != 0 && frameDictionaryID != dictionary?.id {
                    let supplied =
                        dictionary.map { $0.id.map { "dictionary ID \($0)" } ?? "a raw-content dictionary" } ?? "none"
                    throw CompressionError(
                        code: .dictionaryMismatch,
                        message: "frame at offset \(offset) was compressed with dictionary ID \(frameDictionaryID); "
                            + "supplied: \(supplied)",
                        offset: offset)
                }
                let size = ZSTD_getFrameContentSize(frameStart, remaining)
                if size == ZSTD_CONTENTSIZE_ERROR {
                    throw CompressionError(
                        code: .corruptInput, message: "frame header at offset \(offset) does not parse", offset: offset)
                }
                if size != ZSTD_CONTENTSIZE_UNKNOWN {
                    let (sum, overflow) = UInt64(declaredTotal).addingReportingOverflow(size)
                    if overflow || sum > UInt64(maximumOutputSize) {
                        throw CompressionError(
                            code: .outputTooLarge,
                            message: "frame at offset \(offset) declares \(size) content bytes (Frame_Content_Size), "
                                + "\(overflow ? "overflowing" : "\(sum)") in total; the maximum is \(maximumOutputSize)",
                            offset: offset)
                    }
                    declaredTotal = Int(sum)
                    frameDeclared = Int(size)
                }
            }
            let frameSize = ZSTD_findFrameCompressedSize(frameStart, remaining)
            if isZstdError(frameSize) {
                if ZSTD_getErrorCode(frameSize) == ZSTD_error_srcSize_wrong {
                    throw CompressionError(
                        code: .truncatedInput,
                        message: "frame at offset \(offset) is incomplete: its blocks extend past the end of the "
                            + "input at \(input.count)",
                        offset: input.count)
                }
                throw compressionError(zstdResult: frameSize, context: "frame at offset \(offset)", decompressing: true)
            }
            if !skippable && frameDeclared > (frameSize / 4) * ZstdFormat.maximumBlockSize {
                throw CompressionError(
                    code: .corruptInput,
                    message: "frame at offset \(offset) declares \(frameDeclared) content bytes (Frame_Content_Size), "
                        + "but its \(frameSize) bytes can hold at most \((frameSize / 4) * ZstdFormat.maximumBlockSize) "
                        + "(blocks of ≥ 4 bytes, ≤ 128 KiB each; RFC 8878 §3.1.1.2)",
                    offset: offset)
            }
            offset += frameSize
        } while offset < input.count
        return declaredTotal
    }

    /// Trains a zstd-format dictionary from sample messages (`ZDICT_trainFromBuffer`, the COVER
    /// algorithm of Liao, Petri, Moffat & Wirth, "Effective Construction of Relative Lempel-Ziv
    /// Dictionaries", WWW 2016, in zstd's fast variant).
    ///
    /// The result has a dictionary ID and entropy tables (RFC 8878 §5), so frames compressed
    /// with it name it and a mismatch is detected exactly. zstd recommends a few thousand samples
    /// totalling about 100× the dictionary capacity; with too little data training fails.
    /// - Parameters:
    ///   - samples: typical messages (at least 8 bytes each for most of them).
    ///   - capacity: the largest dictionary size in bytes (zstd suggests ~100 KiB; ≥ 256).
    /// - Returns: the trained dictionary (at most `capacity` bytes).
    /// - Precondition: `capacity ≥ 256` and `samples` is not empty.
    /// - Throws: ``CompressionError`` with code `dictionaryTrainingFailed` if zstd cannot build a
    ///   dictionary from these samples.
    public static func trainDictionary(samples: [[UInt8]], capacity: Int) throws -> ZstdDictionary {
        precondition(capacity >= 256, "dictionary capacity \(capacity) is below zstd's minimum of 256 bytes")
        precondition(!samples.isEmpty, "trainDictionary needs at least one sample")
        precondition(samples.count <= Int(UInt32.max), "too many samples: \(samples.count)")
        let concatenated = samples.flatMap { $0 }
        let sizes = samples.map(\.count)
        var dictionary = [UInt8](repeating: 0, count: capacity)
        let result = dictionary.withUnsafeMutableBytes { dictionaryBytes in
            concatenated.withUnsafeBytes { sampleBytes in
                sizes.withUnsafeBufferPointer { sizeBuffer in
                    ZDICT_trainFromBuffer(
                        dictionaryBytes.baseAddress, capacity, sampleBytes.baseAddress, sizeBuffer.baseAddress,
                        UInt32(samples.count))
                }
            }
        }
        if ZDICT_isError(result) != 0 {
            throw CompressionError(
                code: .dictionaryTrainingFailed,
                message:
                    "ZDICT_trainFromBuffer failed on \(samples.count) samples totalling \(concatenated.count) bytes "
                    + "for capacity \(capacity) (zstd: \(String(cString: ZDICT_getErrorName(result)))); "
                    + "supply more or larger samples")
        }
        dictionary.removeSubrange(result...)
        return try ZstdDictionary(dictionary)
    }
}
