// Appends and patches little- or big-endian values in a growing byte array (swift-nio write*/set* style).

/// A growable byte array with `write*` (append, move ``writerIndex``) and `set*` (overwrite at an index)
/// families, mirroring ``ByteReader``'s `read*`/`get*`.
package struct ByteWriter {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8] = []

    /// Creates an empty writer with room for `capacity` bytes.
    package init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written (the index the next `write*` appends at).
    package var writerIndex: Int { bytes.count }

    /// Appends `value` in the given byte order.
    package mutating func writeInteger<T: FixedWidthInteger>(_ value: T, endianness: Endianness) {
        let size = MemoryLayout<T>.size
        for i in 0..<size {
            let shift = endianness == .little ? 8 * i : 8 * (size - 1 - i)
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    /// Overwrites the `MemoryLayout<T>.size` bytes at `index` with `value` in the given byte order.
    /// - Precondition: the bytes at `index` have already been written.
    package mutating func setInteger<T: FixedWidthInteger>(_ value: T, at index: Int, endianness: Endianness) {
        let size = MemoryLayout<T>.size
        precondition(
            index >= 0 && index + size <= bytes.count,
            "setInteger at \(index) of \(size) bytes is outside the \(bytes.count) bytes written")
        for i in 0..<size {
            let shift = endianness == .little ? 8 * i : 8 * (size - 1 - i)
            bytes[index + i] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }

    /// Appends raw bytes.
    package mutating func writeBytes<Bytes: Sequence<UInt8>>(_ data: Bytes) {
        bytes.append(contentsOf: data)
    }

    /// Appends the UTF-8 bytes of `string` (no length prefix, no terminator).
    package mutating func writeUTF8String(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    /// Appends an IEEE 754 binary32 value as its bit pattern.
    package mutating func writeFloat32(_ value: Float, endianness: Endianness) {
        writeInteger(value.bitPattern, endianness: endianness)
    }

    /// Appends an IEEE 754 binary64 value as its bit pattern.
    package mutating func writeFloat64(_ value: Double, endianness: Endianness) {
        writeInteger(value.bitPattern, endianness: endianness)
    }
}
