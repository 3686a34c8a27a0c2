import Foundation

/// Reads a `.semf` stream frame by frame with memory bounded by one frame.
///
/// Each call to ``next()`` reads one 32-byte header, checks magic, version, symbol encoding and the
/// symbol count (refusing counts above ``maximumSymbolCount`` *before* allocating the payload),
/// reads payload and CRC-32C, verifies the checksum, then the remaining fields, and — when
/// ``expectedKnowledgeBase`` is set — that the frame comes from the receiver's knowledge base.
/// The byte layout is <doc:SemFFormat>.
///
/// A stream that ends exactly after a frame ends cleanly (`next()` returns `nil`); a stream that
/// ends inside a frame throws ``SemanticCodecError/Code/truncatedFrame`` naming the frame's offset.
/// After an error the reader stops (further calls return `nil`).
///
/// ```swift
/// let handle = try FileHandle(forReadingFrom: url)
/// var reader = SemanticFrameReader(fileHandle: handle, file: url.path, expectedKnowledgeBase: kb)
/// while let frame = try reader.next() {
///     let symbols = frame.symbols                  // [2·k] Float
/// }
/// ```
public struct SemanticFrameReader<Source: FrameByteSource> {
    private var source: Source
    /// The file name used in errors, if any.
    public let file: String?
    /// The largest symbol count accepted per frame.
    public let maximumSymbolCount: Int
    /// The receiver's KB fingerprint; frames from another KB are refused. `nil` accepts any KB.
    public let expectedKnowledgeBase: KBFingerprint?
    /// The byte offset of the next frame in the stream.
    public private(set) var offset = 0
    /// The number of frames read so far (the index of the next frame).
    public private(set) var frameCount = 0
    private var finished = false

    /// The default limit on symbols per frame: 2²⁰ complex symbols (8 MiB of float32 payload).
    public static var defaultMaximumSymbolCount: Int { 1 << 20 }

    /// Reads frames from a byte source.
    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - file: a name for errors (e.g. the path).
    ///   - maximumSymbolCount: the largest symbol count accepted (≥ 0).
    ///   - expectedKnowledgeBase: the receiver's KB fingerprint, or `nil` to accept any.
    public init(
        source: Source, file: String? = nil, maximumSymbolCount: Int = defaultMaximumSymbolCount,
        expectedKnowledgeBase: KBFingerprint? = nil
    ) {
        precondition(maximumSymbolCount >= 0, "maximumSymbolCount must be ≥ 0, got \(maximumSymbolCount)")
        self.source = source
        self.file = file
        self.maximumSymbolCount = maximumSymbolCount
        self.expectedKnowledgeBase = expectedKnowledgeBase
    }

    /// The next frame, or `nil` at the end of the stream.
    /// - Throws: ``SemanticCodecError``: `truncatedFrame`, `badMagic`, `unsupportedVersion`,
    ///   `unsupportedEncoding`, `oversizedFrame`, `checksumMismatch`, `unsupportedModality`,
    ///   `invalidField`, `knowledgeBaseMismatch` or `ioFailure`, with the frame index and offset.
    public mutating func next() throws -> SemanticFrame? {
        guard !finished else { return nil }
        do {
            let frame = try readFrame()
            if frame == nil { finished = true }
            return frame
        } catch {
            finished = true
            throw error
        }
    }

    /// Reads every remaining frame.
    /// - Throws: the first error of ``next()``.
    public mutating func readAll() throws -> [SemanticFrame] {
        var frames: [SemanticFrame] = []
        while let frame = try next() { frames.append(frame) }
        return frames
    }

    private mutating func readFrame() throws(SemanticCodecError) -> SemanticFrame? {
        let start = offset
        let index = frameCount
        var bytes = try read(SemanticFrame.headerByteCount)
        if bytes.isEmpty { return nil }
        if bytes.count < SemanticFrame.headerByteCount {
            throw truncated(index, start, have: bytes.count, need: SemanticFrame.headerByteCount, part: "header")
        }
        let header = try SemanticFrameHeader.parse(
            bytes, maximumSymbolCount: maximumSymbolCount, frameIndex: index, offset: start, file: file)
        let rest = header.payloadByteCount + SemanticFrame.checksumByteCount
        let tail = try read(rest)
        bytes.append(contentsOf: tail)
        if tail.count < rest {
            throw truncated(
                index, start, have: bytes.count, need: SemanticFrame.headerByteCount + rest,
                part: "payload of \(header.symbolCount) \(header.encoding) symbols and CRC-32C")
        }
        let frame = try SemanticFrameHeader.frame(
            from: bytes, header: header, frameIndex: index, offset: start, file: file)
        if let expectedKnowledgeBase {
            do {
                try frame.checkKnowledgeBase(expectedKnowledgeBase, frameIndex: index, offset: start, file: file)
            } catch let error as SemanticCodecError {
                throw error
            } catch {
                preconditionFailure("checkKnowledgeBase throws only SemanticCodecError")
            }
        }
        frameCount += 1
        return frame
    }

    private mutating func read(_ count: Int) throws(SemanticCodecError) -> [UInt8] {
        do {
            let bytes = try source.read(upToCount: count)
            offset += bytes.count
            return bytes
        } catch {
            throw SemanticCodecError(
                code: .ioFailure, message: "reading \(count) bytes of frame #\(frameCount) failed", file: file,
                offset: offset, frameIndex: frameCount, cause: error)
        }
    }

    private func truncated(_ index: Int, _ start: Int, have: Int, need: Int, part: String) -> SemanticCodecError {
        SemanticCodecError(
            code: .truncatedFrame,
            message: "truncated frame #\(index) at offset \(start): the stream ends at offset \(start + have), "
                + "inside the \(part); the frame needs \(need) bytes, got \(have)",
            file: file, offset: start, frameIndex: index)
    }
}

extension SemanticFrameReader {
    /// Reads frames from bytes in memory (`[UInt8]`, `Data`, a slice, …).
    /// - Parameters:
    ///   - bytes: the `.semf` stream.
    ///   - file: a name for errors.
    ///   - maximumSymbolCount: the largest symbol count accepted.
    ///   - expectedKnowledgeBase: the receiver's KB fingerprint, or `nil` to accept any.
    public init<Bytes: Collection<UInt8>>(
        bytes: Bytes, file: String? = nil, maximumSymbolCount: Int = defaultMaximumSymbolCount,
        expectedKnowledgeBase: KBFingerprint? = nil
    ) where Source == InMemoryByteSource<Bytes> {
        self.init(
            source: InMemoryByteSource(bytes), file: file, maximumSymbolCount: maximumSymbolCount,
            expectedKnowledgeBase: expectedKnowledgeBase)
    }

    /// Reads frames from an open file handle, through a bounded buffer.
    /// - Parameters:
    ///   - fileHandle: a readable handle (the caller closes it).
    ///   - file: the path, for errors.
    ///   - maximumSymbolCount: the largest symbol count accepted.
    ///   - expectedKnowledgeBase: the receiver's KB fingerprint, or `nil` to accept any.
    public init(
        fileHandle: FileHandle, file: String? = nil, maximumSymbolCount: Int = defaultMaximumSymbolCount,
        expectedKnowledgeBase: KBFingerprint? = nil
    ) where Source == FileHandleByteSource {
        self.init(
            source: FileHandleByteSource(fileHandle), file: file, maximumSymbolCount: maximumSymbolCount,
            expectedKnowledgeBase: expectedKnowledgeBase)
    }
}

/// Writes `.semf` frames to a byte sink, one after another.
///
/// ```swift
/// let handle = try FileHandle(forWritingTo: url)
/// var writer = SemanticFrameWriter(fileHandle: handle, file: url.path)
/// for frame in frames { try writer.write(frame) }
/// ```
public struct SemanticFrameWriter<Sink: FrameByteSink> {
    /// The destination.
    public private(set) var sink: Sink
    /// The file name used in errors, if any.
    public let file: String?
    /// Bytes written so far.
    public private(set) var offset = 0
    /// Frames written so far.
    public private(set) var frameCount = 0

    /// Writes frames to `sink`.
    public init(sink: Sink, file: String? = nil) {
        self.sink = sink
        self.file = file
    }

    /// Appends one frame.
    /// - Throws: ``SemanticCodecError/Code/ioFailure`` naming the frame and offset.
    public mutating func write(_ frame: SemanticFrame) throws {
        let bytes = frame.serialized()
        do {
            try sink.write(bytes)
        } catch {
            throw SemanticCodecError(
                code: .ioFailure, message: "writing frame #\(frameCount) (\(bytes.count) bytes) failed", file: file,
                offset: offset, frameIndex: frameCount, cause: error)
        }
        offset += bytes.count
        frameCount += 1
    }
}

extension SemanticFrameWriter where Sink == InMemoryByteSink {
    /// Writes frames to memory; read them back from ``sink``'s `bytes`.
    public init() {
        self.init(sink: InMemoryByteSink())
    }
}

extension SemanticFrameWriter where Sink == FileHandleByteSink {
    /// Writes frames to an open file handle (the caller closes it).
    /// - Parameters:
    ///   - fileHandle: a writable handle.
    ///   - file: the path, for errors.
    public init(fileHandle: FileHandle, file: String? = nil) {
        self.init(sink: FileHandleByteSink(fileHandle), file: file)
    }
}
