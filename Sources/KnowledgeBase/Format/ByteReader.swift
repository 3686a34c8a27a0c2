// Sequential and random-access reads from a byte array, in the style of swift-nio's ByteBuffer.

/// The byte order of a multi-byte integer in a file.
///
/// `.semkb` files are little-endian throughout (see <doc:SemKBFormat>); the parameter is explicit at
/// every call site anyway, as in swift-nio's `ByteBuffer.readInteger(endianness:as:)`.
package enum Endianness: Sendable {
    /// Least significant byte first (the `.semkb` and `.semf` order).
    case little
    /// Most significant byte first (network order).
    case big
}

/// A cursor over immutable bytes: `read*` consumes bytes and moves ``readerIndex``, `get*` reads at an
/// absolute index and leaves it alone.
///
/// Modelled on swift-nio's `ByteBuffer` (`ByteBuffer-int.swift`): a short read returns `nil` and never
/// moves the index, so a parser turns every `nil` into a typed error that names the offset. Indices are
/// offsets from the start of the underlying bytes (``baseOffset`` is added when reporting file offsets).
///
/// `package` so that other SemCom binary formats (the `.semf` frame reader) share it.
package struct ByteReader {
    /// The bytes being read.
    package let bytes: [UInt8]
    /// The file offset of `bytes[0]`, added to indices when errors report a position in the file.
    package let baseOffset: Int
    /// The index of the next byte a `read*` call consumes.
    package private(set) var readerIndex: Int = 0

    /// Creates a reader at index 0.
    /// - Parameters:
    ///   - bytes: the bytes to read.
    ///   - baseOffset: the file offset of `bytes[0]`, for error messages.
    package init(_ bytes: [UInt8], baseOffset: Int = 0) {
        self.bytes = bytes
        self.baseOffset = baseOffset
    }

    /// Bytes left between ``readerIndex`` and the end.
    package var readableBytes: Int { bytes.count - readerIndex }

    /// The file offset of the next byte to read.
    package var fileOffset: Int { baseOffset + readerIndex }

    /// Whether `length` bytes starting at `index` lie inside the bytes (overflow-safe).
    package func isReadable(at index: Int, length: Int) -> Bool {
        index >= 0 && length >= 0 && index <= bytes.count && length <= bytes.count - index
    }

    /// The integer of type `T` stored at `index` in the given byte order, or `nil` if it does not fit.
    package func getInteger<T: FixedWidthInteger>(at index: Int, endianness: Endianness, as: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard isReadable(at: index, length: size) else { return nil }
        var value: T = 0
        for i in 0..<size {
            let byte = T(truncatingIfNeeded: bytes[index + i])
            switch endianness {
            case .little: value |= byte << (8 * i)
            case .big: value |= byte << (8 * (size - 1 - i))
            }
        }
        return value
    }

    /// Reads an integer of type `T` and moves past it, or returns `nil` (index unchanged) on a short read.
    package mutating func readInteger<T: FixedWidthInteger>(endianness: Endianness, as: T.Type = T.self) -> T? {
        guard let value = getInteger(at: readerIndex, endianness: endianness, as: T.self) else { return nil }
        readerIndex += MemoryLayout<T>.size
        return value
    }

    /// `length` bytes at `index`, or `nil` if they do not all exist.
    package func getBytes(at index: Int, length: Int) -> ArraySlice<UInt8>? {
        guard isReadable(at: index, length: length) else { return nil }
        return bytes[index..<(index + length)]
    }

    /// Reads `length` bytes and moves past them, or returns `nil` (index unchanged) on a short read.
    package mutating func readBytes(length: Int) -> ArraySlice<UInt8>? {
        guard let slice = getBytes(at: readerIndex, length: length) else { return nil }
        readerIndex += length
        return slice
    }

    /// The UTF-8 string of `length` bytes at `index`, or `nil` on a short read or invalid UTF-8.
    package func getUTF8String(at index: Int, length: Int) -> String? {
        guard let slice = getBytes(at: index, length: length) else { return nil }
        return String(validating: slice, as: UTF8.self)
    }

    /// Reads a UTF-8 string of `length` bytes and moves past it; `nil` (index unchanged) on a short read
    /// or invalid UTF-8.
    package mutating func readUTF8String(length: Int) -> String? {
        guard let string = getUTF8String(at: readerIndex, length: length) else { return nil }
        readerIndex += length
        return string
    }

    /// Reads an IEEE 754 binary32 value stored as a `UInt32` bit pattern.
    package mutating func readFloat32(endianness: Endianness) -> Float? {
        readInteger(endianness: endianness, as: UInt32.self).map(Float.init(bitPattern:))
    }

    /// Reads an IEEE 754 binary64 value stored as a `UInt64` bit pattern.
    package mutating func readFloat64(endianness: Endianness) -> Double? {
        readInteger(endianness: endianness, as: UInt64.self).map(Double.init(bitPattern:))
    }

    /// Moves ``readerIndex`` forward by `count` bytes; returns `false` (index unchanged) if fewer remain.
    @discardableResult
    package mutating func moveReaderIndex(forwardBy count: Int) -> Bool {
        guard isReadable(at: readerIndex, length: count) else { return false }
        readerIndex += count
        return true
    }
}
