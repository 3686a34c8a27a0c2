// Streaming zstd compression over chunks with bounded memory.

internal import CZstd

/// A streaming zstd compressor: feed chunks, receive compressed bytes, end each frame with
/// ``finish()``.
///
/// Wraps `ZSTD_compressStream2` (libzstd ≥ 1.4). The output is a standard zstd frame
/// (RFC 8878 §3.1.1), readable by ``ZstdDecompressor``, ``Zstd/decompress(_:maximumOutputSize:dictionary:)``
/// or the `zstd` command-line tool. Memory is bounded by the zstd window of the chosen level
/// plus one output block buffer of `ZSTD_CStreamOutSize()` (≈ 128 KiB), whatever the total
/// input size.
///
/// ```swift
/// var compressor = try ZstdCompressor(level: 3)
/// var frame = [UInt8]()
/// for chunk in chunks { frame += try compressor.compress(chunk) }
/// frame += try compressor.finish()
/// ```
///
/// After ``finish()`` the compressor starts a new frame with the next chunk, keeping its level,
/// checksum setting and dictionary. The type is non-copyable because it owns a `ZSTD_CCtx`.
public struct ZstdCompressor: ~Copyable, @unchecked Sendable {
    // @unchecked Sendable: the ZSTD_CCtx is owned uniquely by this non-copyable value and only
    // touched from its `mutating` methods, so it can move between tasks but never be shared.

    private let context: OpaquePointer
    private var outputBuffer: [UInt8]
    /// Uncompressed bytes accepted so far (all frames).
    public private(set) var inputByteCount: Int = 0
    /// Compressed bytes produced so far (all frames).
    public private(set) var outputByteCount: Int = 0
    /// Completed frames.
    public private(set) var frameCount: Int = 0
    private var frameIsOpen = false

    /// Creates a compressor.
    /// - Parameters:
    ///   - level: the zstd compression level, in ``Zstd/levels`` (negative levels are the fast
    ///     modes; 0 means zstd's default, ``Zstd/defaultLevel``).
    ///   - checksum: whether each frame ends with a 32-bit XXH64-based content checksum
    ///     (RFC 8878 §3.1.1, `Content_Checksum`); on by default so corruption is detected.
    ///   - dictionary: an optional dictionary; the decompressor must be given the same one.
    /// - Precondition: `level` is in ``Zstd/levels``.
    /// - Throws: ``CompressionError`` if libzstd cannot allocate the context or rejects the dictionary.
    public init(level: Int = Zstd.defaultLevel, checksum: Bool = true, dictionary: ZstdDictionary? = nil) throws {
        precondition(Zstd.levels.contains(level), "zstd level \(level) outside \(Zstd.levels)")
        guard let context = ZSTD_createCCtx() else {
            throw CompressionError(code: .resourceExhausted, message: "ZSTD_createCCtx failed: out of memory")
        }
        do {
            try Self.configure(context, level: level, checksum: checksum, dictionary: dictionary)
        } catch {
            ZSTD_freeCCtx(context)
            throw error
        }
        self.context = context
        self.outputBuffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    }

    deinit { ZSTD_freeCCtx(context) }

    static func configure(_ context: OpaquePointer, level: Int, checksum: Bool, dictionary: ZstdDictionary?) throws {
        for (parameter, value) in [(ZSTD_c_compressionLevel, Int32(level)), (ZSTD_c_checksumFlag, checksum ? 1 : 0)] {
            let result = ZSTD_CCtx_setParameter(context, parameter, value)
            if isZstdError(result) {
                throw compressionError(
                    zstdResult: result, context: "setting compression parameter \(parameter.rawValue)")
            }
        }
        if let dictionary { try dictionary.load(intoCompressionContext: context) }
    }

    /// Declares the exact size of the next frame's content, so the frame header records it
    /// (`Frame_Content_Size`) and decoders can check it against their bound up front.
    ///
    /// Call before the first chunk of a frame. If the frame then receives a different number of
    /// bytes, ``finish()`` throws `invalidParameter`.
    /// - Precondition: no frame is in progress and `size ≥ 0`.
    /// - Throws: ``CompressionError`` if libzstd rejects the call.
    public mutating func pledgeContentSize(_ size: Int) throws {
        precondition(!frameIsOpen, "pledgeContentSize must be called before the first chunk of a frame")
        precondition(size >= 0, "pledged size \(size) is negative")
        let result = ZSTD_CCtx_setPledgedSrcSize(context, UInt64(size))
        if isZstdError(result) { throw compressionError(zstdResult: result, context: "pledging the content size") }
    }

    /// Compresses one chunk, passing every compressed piece to `emit` as it is produced.
    ///
    /// zstd buffers input internally, so a small chunk may produce no output until later.
    /// - Parameters:
    ///   - chunk: uncompressed bytes (any length, including 0).
    ///   - emit: receives compressed bytes; the buffer is only valid during the call.
    /// - Throws: ``CompressionError`` from libzstd, or what `emit` throws.
    public mutating func compress<Bytes: Collection<UInt8>>(
        _ chunk: Bytes, emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        frameIsOpen = true
        try withContiguousBytes(chunk) { input in
            try drive(input: input, directive: ZSTD_e_continue, emit: emit)
        }
        inputByteCount += chunk.count
    }

    /// Compresses one chunk and returns the compressed bytes produced so far (possibly none).
    /// - Parameter chunk: uncompressed bytes.
    /// - Returns: compressed bytes to append to the frame.
    /// - Throws: ``CompressionError`` from libzstd.
    public mutating func compress<Bytes: Collection<UInt8>>(_ chunk: Bytes) throws -> [UInt8] {
        var output = [UInt8]()
        try compress(chunk) { output.append(contentsOf: $0) }
        return output
    }

    /// Flushes all buffered input as complete blocks without ending the frame, so a receiver can
    /// decode everything sent so far (`ZSTD_e_flush`).
    /// - Returns: the compressed bytes.
    /// - Throws: ``CompressionError`` from libzstd.
    public mutating func flush() throws -> [UInt8] {
        var output = [UInt8]()
        frameIsOpen = true
        try drive(input: UnsafeRawBufferPointer(start: nil, count: 0), directive: ZSTD_e_flush) {
            output.append(contentsOf: $0)
        }
        return output
    }

    /// Ends the current frame (writing the last block and the checksum) and returns the remaining
    /// compressed bytes (`ZSTD_e_end`). The next chunk starts a new frame.
    /// - Returns: the compressed bytes that complete the frame.
    /// - Throws: ``CompressionError`` (`invalidParameter` if a pledged size was not honoured).
    public mutating func finish() throws -> [UInt8] {
        var output = [UInt8]()
        try finish { output.append(contentsOf: $0) }
        return output
    }

    /// Ends the current frame, passing the remaining compressed bytes to `emit`.
    /// - Parameter emit: receives compressed bytes; the buffer is only valid during the call.
    /// - Throws: ``CompressionError``, or what `emit` throws.
    public mutating func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try drive(input: UnsafeRawBufferPointer(start: nil, count: 0), directive: ZSTD_e_end, emit: emit)
        frameIsOpen = false
        frameCount += 1
    }

    /// Compresses `data` as one complete frame (with its content size in the header) using this
    /// compressor's settings; reuses the context, so it is cheaper than ``Zstd/compress(_:level:checksum:dictionary:)``
    /// for many small messages.
    /// - Precondition: no streamed frame is in progress.
    /// - Throws: ``CompressionError`` from libzstd.
    public mutating func compressFrame<Bytes: Collection<UInt8>>(_ data: Bytes) throws -> [UInt8] {
        precondition(!frameIsOpen, "compressFrame called while a streamed frame is in progress")
        let context = self.context
        let output = try withContiguousBytes(data) { input -> [UInt8] in
            let capacity = ZSTD_compressBound(input.count)
            var failure: Int? = nil
            let result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                let written = ZSTD_compress2(context, buffer.baseAddress, capacity, input.baseAddress, input.count)
                if isZstdError(written) { failure = written; initialized = 0 } else { initialized = written }
            }
            if let failure { throw compressionError(zstdResult: failure, context: "compressing a frame") }
            return result
        }
        inputByteCount += data.count
        outputByteCount += output.count
        frameCount += 1
        return output
    }

    /// Runs `ZSTD_compressStream2` until the input is consumed and, for flush/end, until zstd
    /// reports nothing left to write.
    private mutating func drive(
        input: UnsafeRawBufferPointer, directive: ZSTD_EndDirective, emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let context = self.context
        var produced = 0
        defer { outputByteCount += produced }
        do {
            try pump(context: context, input: input, directive: directive, produced: &produced, emit: emit)
        } catch {
            // A failed frame cannot be continued: drop it so the next chunk starts a fresh frame.
            ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
            frameIsOpen = false
            throw error
        }
    }

    private mutating func pump(
        context: OpaquePointer, input: UnsafeRawBufferPointer, directive: ZSTD_EndDirective, produced: inout Int,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try outputBuffer.withUnsafeMutableBytes { outputBytes in
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            while true {
                var outBuffer = ZSTD_outBuffer(dst: outputBytes.baseAddress, size: outputBytes.count, pos: 0)
                let remaining = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
                if isZstdError(remaining) {
                    throw compressionError(zstdResult: remaining, context: "compressing a stream")
                }
                if outBuffer.pos > 0 {
                    produced += outBuffer.pos
                    try emit(UnsafeRawBufferPointer(rebasing: outputBytes[0..<outBuffer.pos]))
                }
                let inputDone = inBuffer.pos == inBuffer.size
                if directive == ZSTD_e_continue ? inputDone : (inputDone && remaining == 0) { break }
            }
        }
    }
}
