import Foundation
import TensorCore

/// Saving and loading a parameter list in a small binary format.
///
/// ## Format (version 1), all integers little-endian
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `"SCNP"` (`53 43 4E 50`) |
/// | 4 | 2 | format version, `1` |
/// | 6 | 1 | scalar encoding: `1` = float32, `2` = float64 (IEEE 754, little-endian) |
/// | 7 | 1 | reserved, `0` |
/// | 8 | 4 | tensor count `n` |
/// | 12 | … | `n` tensor records |
/// | end − 4 | 4 | CRC-32 (IEEE 802.3 / zlib polynomial `0xEDB88320`, reflected) of every preceding byte |
///
/// A tensor record is: rank `r` (1 byte, ≤ 8), `r` extents (4 bytes each), then the
/// `∏ extents` scalars in row-major order (4 or 8 bytes each).
///
/// Decoding never traps on bad bytes: truncated, corrupted, unsupported or mismatched data
/// throws ``NeuralNetError`` naming the byte offset and field.
public enum Checkpoint {
    /// How scalars are stored in the file.
    public enum Precision: UInt8, Sendable {
        /// IEEE 754 binary32.
        case float32 = 1
        /// IEEE 754 binary64.
        case float64 = 2

        /// Bytes per scalar.
        public var byteCount: Int { self == .float32 ? 4 : 8 }
    }

    /// The magic bytes `"SCNP"`.
    public static let magic: [UInt8] = [0x53, 0x43, 0x4E, 0x50]
    /// The format version written by this build.
    public static let version: UInt16 = 1
    /// The largest tensor rank the format allows.
    public static let maximumRank = 8

    /// Encodes parameters to bytes.
    /// - Parameters:
    ///   - parameters: the tensors, in order (any shapes; extents must fit in 32 bits).
    ///   - precision: how scalars are stored (`Double` parameters lose precision as float32).
    /// - Returns: the encoded bytes.
    public static func encode<Scalar: TensorScalar>(
        _ parameters: [Tensor<Scalar>], precision: Precision = .float32
    ) -> [UInt8] {
        var out: [UInt8] = []
        let payload = parameters.reduce(0) { $0 + 1 + 4 * $1.rank + $1.count * precision.byteCount }
        out.reserveCapacity(16 + payload)
        out.append(contentsOf: magic)
        appendInteger(version, to: &out)
        out.append(precision.rawValue)
        out.append(0)
        precondition(parameters.count <= Int(UInt32.max), "Too many tensors: \(parameters.count)")
        appendInteger(UInt32(parameters.count), to: &out)
        for (index, tensor) in parameters.enumerated() {
            precondition(tensor.rank <= maximumRank, "Tensor \(index) has rank \(tensor.rank) > \(maximumRank)")
            out.append(UInt8(tensor.rank))
            for extent in tensor.shape {
                precondition(extent <= Int(UInt32.max), "Tensor \(index) extent \(extent) exceeds 32 bits")
                appendInteger(UInt32(extent), to: &out)
            }
            switch precision {
            case .float32:
                for s in tensor.scalars { appendInteger(Float(s).bitPattern, to: &out) }
            case .float64:
                for s in tensor.scalars { appendInteger(Double(s).bitPattern, to: &out) }
            }
        }
        appendInteger(crc32(out[...]), to: &out)
        return out
    }

    /// Decodes parameters from bytes.
    /// - Parameters:
    ///   - bytes: an encoded checkpoint.
    ///   - scalarType: the element type to return (converted from the stored precision).
    ///   - expectedShapes: if given, the tensor count and every shape must match (e.g. a model's
    ///     `parameters.map(\.shape)`).
    /// - Returns: the tensors in stored order.
    /// - Throws: ``NeuralNetError`` with code `truncated`, `corrupted`, `unsupportedVersion` or
    ///   `mismatch`, naming the byte offset or tensor index.
    public static func decode<Scalar: TensorScalar>(
        _ bytes: [UInt8], as scalarType: Scalar.Type = Scalar.self, expectedShapes: [[Int]]? = nil
    ) throws -> [Tensor<Scalar>] {
        var reader = ByteReader(bytes: bytes)
        let headerMagic = try reader.take(4, field: "magic")
        guard Array(headerMagic) == magic else {
            throw NeuralNetError(code: .corrupted, message: "checkpoint: bad magic at offset 0 (expected \"SCNP\")")
        }
        let fileVersion: UInt16 = try reader.integer(field: "version")
        guard fileVersion == version else {
            throw NeuralNetError(
                code: .unsupportedVersion, message: "checkpoint: version \(fileVersion) at offset 4 (this build reads \(version))")
        }
        let precisionByte: UInt8 = try reader.integer(field: "scalar encoding")
        guard let precision = Precision(rawValue: precisionByte) else {
            throw NeuralNetError(
                code: .corrupted, message: "checkpoint: scalar encoding \(precisionByte) at offset 6 (expected 1 or 2)")
        }
        let reserved: UInt8 = try reader.integer(field: "reserved")
        guard reserved == 0 else {
            throw NeuralNetError(code: .corrupted, message: "checkpoint: reserved byte at offset 7 is \(reserved) (expected 0)")
        }
        let countOffset = reader.offset
        let count = Int(try reader.integer(field: "tensor count") as UInt32)
        // Every record takes at least 1 byte, and the CRC 4 more.
        guard count <= reader.remaining else {
            throw NeuralNetError(
                code: .truncated,
                message: "checkpoint: tensor count \(count) at offset \(countOffset) exceeds the \(reader.remaining) remaining bytes")
        }
        if let expectedShapes, expectedShapes.count != count {
            throw NeuralNetError(
                code: .mismatch, message: "checkpoint: holds \(count) tensors, expected \(expectedShapes.count)")
        }
        var tensors: [Tensor<Scalar>] = []
        tensors.reserveCapacity(count)
        for index in 0..<count {
            let rankOffset = reader.offset
            let rank = Int(try reader.integer(field: "rank of tensor \(index)") as UInt8)
            guard rank <= maximumRank else {
                throw NeuralNetError(
                    code: .corrupted,
                    message: "checkpoint: rank \(rank) of tensor \(index) at offset \(rankOffset) exceeds \(maximumRank)")
            }
            var shape: [Int] = []
            var elements = 1
            for axis in 0..<rank {
                let extent = Int(try reader.integer(field: "extent \(axis) of tensor \(index)") as UInt32)
                shape.append(extent)
                let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
                guard !overflow, product <= reader.remaining else {
                    throw NeuralNetError(
                        code: .truncated,
                        message: "checkpoint: tensor \(index) of shape \(shape)… at offset \(rankOffset) needs more than the \(reader.remaining) remaining bytes")
                }
                elements = product
            }
            if let expectedShapes, expectedShapes[index] != shape {
                throw NeuralNetError(
                    code: .mismatch,
                    message: "checkpoint: tensor \(index) at offset \(rankOffset) has shape \(shape), expected \(expectedShapes[index])")
            }
            let payloadOffset = reader.offset
            guard elements <= reader.remaining / precision.byteCount else {
                throw NeuralNetError(
                    code: .truncated,
                    message: "checkpoint: payload of tensor \(index) at offset \(payloadOffset) needs \(elements * precision.byteCount) bytes, \(reader.remaining) remain")
            }
            var scalars = [Scalar](repeating: 0, count: elements)
            switch precision {
            case .float32:
                for i in 0..<elements { scalars[i] = Scalar(Float(bitPattern: try reader.integer(field: "payload"))) }
            case .float64:
                for i in 0..<elements { scalars[i] = Scalar(Double(bitPattern: try reader.integer(field: "payload"))) }
            }
            tensors.append(Tensor(shape: shape, scalars: scalars))
        }
        let crcOffset = reader.offset
        let storedCRC: UInt32 = try reader.integer(field: "CRC-32")
        let computed = crc32(bytes[..<crcOffset])
        guard storedCRC == computed else {
            throw NeuralNetError(
                code: .corrupted,
                message: "checkpoint: CRC-32 at offset \(crcOffset) is \(hex(storedCRC)), the data hashes to \(hex(computed))")
        }
        guard reader.remaining == 0 else {
            throw NeuralNetError(
                code: .corrupted,
                message: "checkpoint: \(reader.remaining) unexpected bytes after the CRC at offset \(reader.offset)")
        }
        return tensors
    }

    /// Writes parameters to a file (see ``encode(_:precision:)``).
    /// - Throws: ``NeuralNetError`` with code `io` if the file cannot be written.
    public static func write<Scalar: TensorScalar>(
        _ parameters: [Tensor<Scalar>], to path: String, precision: Precision = .float32
    ) throws {
        let bytes = encode(parameters, precision: precision)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NeuralNetError(code: .io, message: "checkpoint: cannot write \(path)", cause: error)
        }
    }

    /// Reads parameters from a file (see ``decode(_:as:expectedShapes:)``).
    /// - Throws: ``NeuralNetError``: `io` if the file cannot be read, otherwise as `decode`.
    public static func read<Scalar: TensorScalar>(
        from path: String, as scalarType: Scalar.Type = Scalar.self, expectedShapes: [[Int]]? = nil
    ) throws -> [Tensor<Scalar>] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NeuralNetError(code: .io, message: "checkpoint: cannot read \(path)", cause: error)
        }
        do {
            return try decode([UInt8](data), as: scalarType, expectedShapes: expectedShapes)
        } catch var error as NeuralNetError {
            error.message = "\(path): " + error.message
            throw error
        }
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial `0xEDB88320`, initial and final XOR `0xFFFFFFFF`),
    /// the checksum of zlib, PNG and Ethernet. `crc32("123456789") == 0xCBF43926`.
    public static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }

    private static func hex(_ value: UInt32) -> String {
        "0x" + String(value, radix: 16, uppercase: true)
    }
}

/// A bounds-checked little-endian reader.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0
    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int, field: String) throws(NeuralNetError) -> ArraySlice<UInt8> {
        guard count <= remaining else {
            throw NeuralNetError(
                code: .truncated,
                message: "checkpoint: \(field) at offset \(offset) needs \(count) bytes, \(remaining) remain")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func integer<T: FixedWidthInteger>(field: String) throws(NeuralNetError) -> T {
        let size = MemoryLayout<T>.size
        let slice = try take(size, field: field)
        var value: T = 0
        for (i, byte) in slice.enumerated() { value |= T(byte) << (8 * i) }
        return value
    }
}
