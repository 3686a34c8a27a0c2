import Foundation

/// A source of bytes that a ``SemanticFrameReader`` pulls frames from.
///
/// Conformers return the requested number of bytes, fewer only at the end of the stream, and throw
/// on I/O failure. ``FileHandleByteSource`` reads a file in fixed-size chunks; ``InMemoryByteSource``
/// reads a byte collection.
public protocol FrameByteSource {
    /// Reads up to `count` bytes; returns fewer only at the end of the stream (empty at the end).
    /// - Throws: on I/O failure.
    mutating func read(upToCount count: Int) throws -> [UInt8]
}

/// A destination of bytes that a ``SemanticFrameWriter`` appends frames to.
public protocol FrameByteSink {
    /// Appends `bytes`.
    /// - Throws: on I/O failure.
    mutating func write(_ bytes: [UInt8]) throws
}

/// A ``FrameByteSource`` over bytes in memory (any collection of `UInt8`, e.g. `[UInt8]` or `Data`).
public struct InMemoryByteSource<Bytes: Collection<UInt8>>: FrameByteSource {
    private let bytes: Bytes
    private var position: Bytes.Index

    /// Reads `bytes` from the start.
    public init(_ bytes: Bytes) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    /// The next `count` bytes, or fewer at the end.
    public mutating func read(upToCount count: Int) throws -> [UInt8] {
        let end = bytes.index(position, offsetBy: count, limitedBy: bytes.endIndex) ?? bytes.endIndex
        defer { position = end }
        return Array(bytes[position..<end])
    }
}

/// A ``FrameByteSink`` that collects bytes in memory.
public struct InMemoryByteSink: FrameByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// Appends `bytes` to ``bytes``.
    public mutating func write(_ bytes: [UInt8]) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// A ``FrameByteSource`` that reads a `FileHandle` through a bounded buffer (one chunk at a time),
/// so memory stays bounded however long the file.
public struct FileHandleByteSource: FrameByteSource {
    private let handle: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// Reads `handle` from its current position.
    /// - Parameters:
    ///   - handle: an open, readable file handle (the caller keeps ownership and closes it).
    ///   - chunkSize: bytes per `read` system call (default 64 KiB, ≥ 1).
    public init(_ handle: FileHandle, chunkSize: Int = 1 << 16) {
        precondition(chunkSize >= 1, "Chunk size must be ≥ 1, got \(chunkSize)")
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// The next `count` bytes, or fewer at the end of the file.
    /// - Throws: the `FileHandle` read error.
    public mutating func read(upToCount count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Swift.min(count, chunkSize))
        while out.count < count {
            if start == buffer.count {
                if atEnd { break }
                let data = try handle.read(upToCount: chunkSize) ?? Data()
                buffer = [UInt8](data)
                start = 0
                if buffer.isEmpty {
                    atEnd = true
                    break
                }
            }
            let take = Swift.min(count - out.count, buffer.count - start)
            out.append(contentsOf: buffer[start..<(start + take)])
            start += take
        }
        return out
    }
}

/// A ``FrameByteSink`` that writes to a `FileHandle`.
public struct FileHandleByteSink: FrameByteSink {
    private let handle: FileHandle

    /// Writes to `handle` at its current position (the caller keeps ownership and closes it).
    public init(_ handle: FileHandle) {
        self.handle = handle
    }

    /// Writes `bytes` to the file.
    /// - Throws: the `FileHandle` write error.
    public mutating func write(_ bytes: [UInt8]) throws {
        try handle.write(contentsOf: bytes)
    }
}
