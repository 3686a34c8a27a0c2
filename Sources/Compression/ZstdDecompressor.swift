// Streaming zstd decompression over chunks with an output bound and bounded memory.

internal import CZstd

/// A streaming zstd decompressor: feed compressed chunks of any size, receive decompressed
/// bytes, call ``finish()`` at the end of the input to detect truncation.
///
/// Wraps `ZSTD_decompressStream`. Accepts one or more concatenated zstd frames and skippable
/// frames (RFC 8878 §3.1). The total output is bounded by `maximumOutputSize`: the decoder never
/// writes more than one byte past the bound before throwing
/// ``CompressionError/Code/outputTooLarge``, whatever the frame headers claim. Memory is bounded
/// by the frame's window (at most 2^27 bytes, zstd's default decoder limit; larger windows throw
/// `resourceExhausted`) plus one output buffer of `ZSTD_DStreamOutSize()` (≈ 128 KiB).
///
/// ```swift
/// var decompressor = try ZstdDecompressor(maximumOutputSize: 1 << 20)
/// var output = [UInt8]()
/// for chunk in compressedChunks { output += try decompressor.decompress(chunk) }
/// try decompressor.finish()   // throws truncatedInput if the last frame is incomplete
/// ```
///
/// After an error the decompressor is unusable: every later call rethrows the same error.
public struct ZstdDecompressor: ~Copyable, @unchecked Sendable {
    // @unchecked Sendable: the ZSTD_DCtx is owned uniquely by this non-copyable value and only
    // touched from its `mutating` methods, so it can move between tasks but never be shared.

    private let context: OpaquePointer
    private var outputBuffer: [UInt8]
    private let usesRawDictionary: Bool
    /// The largest total number of decompressed bytes this decompressor will produce.
    public let maximumOutputSize: Int
    /// Compressed bytes consumed so far.
    public private(set) var inputByteCount: Int = 0
    /// Decompressed bytes produced so far.
    public private(set) var outputByteCount: Int = 0
    /// Whether the input so far ends exactly at a frame boundary (no frame partly decoded).
    public private(set) var isAtFrameBoundary = true
    private var failure: CompressionError? = nil

    /// Creates a decompressor.
    /// - Parameters:
    ///   - maximumOutputSize: bound on the total decompressed size, in bytes (≥ 0).
    ///   - dictionary: the dictionary the frames were compressed with, if any.
    /// - Precondition: `maximumOutputSize ≥ 0`.
    /// - Throws: ``CompressionError`` if libzstd cannot allocate the context.
    public init(maximumOutputSize: Int = Int.max, dictionary: ZstdDictionary? = nil) throws {
        precondition(maximumOutputSize >= 0, "maximumOutputSize \(maximumOutputSize) is negative")
        guard let context = ZSTD_createDCtx() else {
            throw CompressionError(code: .resourceExhausted, message: "ZSTD_createDCtx failed: out of memory")
        }
        if let dictionary {
            do { try dictionary.reference(fromDecompressionContext: context) } catch {
                ZSTD_freeDCtx(context)
                throw error
            }
        }
        self.context = context
        self.usesRawDictionary = dictionary?.isRawContent ?? false
        self.maximumOutputSize = maximumOutputSize
        self.outputBuffer = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses one chunk of compressed input, passing decompressed pieces (each at most
    /// `ZSTD_DStreamOutSize()` bytes) to `emit` as they are produced.
    /// - Parameters:
    ///   - chunk: compressed bytes (any length; frames may span chunks).
    ///   - emit: receives decompressed bytes; the buffer is only valid during the call.
    /// - Throws: ``CompressionError`` — `corruptInput`, `outputTooLarge`, `dictionaryMismatch`,
    ///   `resourceExhausted` — with the input offset reached; or what `emit` throws.
    public mutating func decompress<Bytes: Collection<UInt8>>(
        _ chunk: Bytes, emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        if let failure { throw failure }
        do {
            try withContiguousBytes(chunk) { input in try pump(input, emit: emit) }
        } catch let error as CompressionError {
            failure = error
            throw error
        }
    }

    /// Decompresses one chunk and returns the decompressed bytes it produced.
    /// - Parameter chunk: compressed bytes.
    /// - Returns: the decompressed bytes (possibly none).
    /// - Throws: ``CompressionError`` as for ``decompress(_:emit:)``.
    public mutating func decompress<Bytes: Collection<UInt8>>(_ chunk: Bytes) throws -> [UInt8] {
        var output = [UInt8]()
        try decompress(chunk) { output.append(contentsOf: $0) }
        return output
    }

    /// Declares the end of the input.
    /// - Throws: ``CompressionError`` with code `truncatedInput` if no input was given at all or
    ///   the input ends inside a frame; or the error of an earlier failed call.
    public func finish() throws {
        if let failure { throw failure }
        if inputByteCount == 0 {
            throw CompressionError(
                code: .truncatedInput, message: "empty input: expected at least one zstd frame (RFC 8878 §3.1)",
                offset: 0)
        }
        if !isAtFrameBoundary {
            throw CompressionError(
                code: .truncatedInput,
                message: "the input ends inside a frame at offset \(inputByteCount): more compressed bytes expected",
                offset: inputByteCount)
        }
    }

    private mutating func pump(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        // Every call drains zstd's output completely, so empty input has nothing to do (and would
        // only make zstd report the size of the next frame header).
        guard input.count > 0 else { return }
        let context = self.context
        let startOffset = inputByteCount
        let rawDictionary = usesRawDictionary
        let bound = maximumOutputSize
        var produced = outputByteCount
        var hint = 0
        var consumed = 0
        defer {
            inputByteCount = startOffset + consumed
            outputByteCount = produced
        }
        try outputBuffer.withUnsafeMutableBytes { outputBytes in
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            while true {
                // Never let zstd write more than one byte beyond the bound.
                let allowance = bound - produced
                let window = allowance >= outputBytes.count ? outputBytes.count : allowance + 1
                var outBuffer = ZSTD_outBuffer(dst: outputBytes.baseAddress, size: window, pos: 0)
                let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                if isZstdError(result) {
                    throw compressionError(
                        zstdResult: result, context: "decompressing", offset: startOffset + inBuffer.pos,
                        decompressing: true, rawDictionary: rawDictionary)
                }
                // A call that moved nothing (made only to check that zstd had no more output) must
                // not overwrite the hint: at a frame end zstd would report the next header's size.
                if inBuffer.pos > consumed || outBuffer.pos > 0 { hint = result }
                consumed = inBuffer.pos
                if outBuffer.pos > allowance {
                    throw CompressionError(
                        code: .outputTooLarge,
                        message: "decompressed output exceeds the maximum of \(bound) bytes "
                            + "(after consuming \(startOffset + consumed) input bytes)",
                        offset: startOffset + consumed)
                }
                if outBuffer.pos > 0 {
                    produced += outBuffer.pos
                    try emit(UnsafeRawBufferPointer(rebasing: outputBytes[0..<outBuffer.pos]))
                }
                if inBuffer.pos == inBuffer.size && outBuffer.pos < outBuffer.size { break }
            }
        }
        isAtFrameBoundary = hint == 0
    }
}
