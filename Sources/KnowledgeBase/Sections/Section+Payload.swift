// The binary encodings of section payloads (before compression), as defined in <doc:SemKBFormat>.

import TensorCore

extension Section.Content {
    /// The uncompressed payload bytes of this content.
    var payload: [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .vocabulary(let vocabulary):
            writer.writeStringList(vocabulary.tokens)
        case .synonymSets(let groups):
            writer.writeInteger(UInt32(groups.count), endianness: .little)
            for group in groups { writer.writeStringList(group) }
        case .normalizers(let normalizers):
            writer.writeInteger(UInt32(normalizers.count), endianness: .little)
            for normalizer in normalizers {
                writer.writeLengthPrefixedString(normalizer.field)
                switch normalizer.method {
                case .standardize(let mean, let deviation):
                    writer.writeInteger(UInt8(0), endianness: .little)
                    writer.writeFloat64(mean, endianness: .little)
                    writer.writeFloat64(deviation, endianness: .little)
                case .minMax(let minimum, let maximum):
                    writer.writeInteger(UInt8(1), endianness: .little)
                    writer.writeFloat64(minimum, endianness: .little)
                    writer.writeFloat64(maximum, endianness: .little)
                }
            }
        case .tensor(let tensor):
            writer = ByteWriter(capacity: 4 + 8 * tensor.rank + 4 * tensor.count)
            writer.writeInteger(TensorPayload.float32Code, endianness: .little)
            writer.writeInteger(UInt8(tensor.rank), endianness: .little)
            writer.writeInteger(UInt16(0), endianness: .little)
            for extent in tensor.shape { writer.writeInteger(UInt64(extent), endianness: .little) }
            for scalar in tensor.scalars { writer.writeFloat32(scalar, endianness: .little) }
        case .raw(let bytes), .unrecognized(_, let bytes):
            return bytes
        }
        return writer.bytes
    }

    /// Decodes and validates a payload of the given kind.
    /// - Parameter location: names the file, section and offset in errors.
    /// - Throws: ``KnowledgeBaseError`` `invalidSection` naming the payload byte that is wrong.
    static func decode(
        kind: Section.Kind, payload: [UInt8], location: ErrorLocation
    ) throws(KnowledgeBaseError) -> Section.Content {
        var parser = PayloadParser(reader: ByteReader(payload), location: location, kind: kind)
        let content: Section.Content
        switch kind {
        case .vocabulary:
            let tokens = try parser.readStringList(what: "token")
            guard let vocabulary = Vocabulary(validating: tokens) else {
                throw parser.error("vocabulary has a repeated token; expected \(tokens.count) distinct tokens")
            }
            content = .vocabulary(vocabulary)
        case .synonymSets:
            let count = try parser.readCount(what: "synonym set", minimumBytesEach: 4)
            var groups: [[String]] = []
            groups.reserveCapacity(count)
            for index in 0..<count {
                let group = try parser.readStringList(what: "member of synonym set \(index)")
                guard !group.isEmpty else { throw parser.error("synonym set \(index) is empty; expected ≥ 1 member") }
                groups.append(group)
            }
            content = .synonymSets(groups)
        case .normalizers:
            let count = try parser.readCount(what: "normalizer", minimumBytesEach: 21)
            var normalizers: [Normalizer] = []
            normalizers.reserveCapacity(count)
            for index in 0..<count {
                let field = try parser.readString(what: "field name of normalizer \(index)")
                let methodOffset = parser.reader.readerIndex
                guard let code = parser.reader.readInteger(endianness: .little, as: UInt8.self),
                    let first = parser.reader.readFloat64(endianness: .little),
                    let second = parser.reader.readFloat64(endianness: .little)
                else { throw parser.shortRead("normalizer \(index) ('\(field)')", bytes: 17) }
                let method: Normalizer.Method
                switch code {
                case 0: method = .standardize(mean: first, standardDeviation: second)
                case 1: method = .minMax(minimum: first, maximum: second)
                default:
                    throw parser.error(
                        "payload byte \(methodOffset): normalizer \(index) ('\(field)') has method \(code); "
                            + "expected 0 (standardize) or 1 (min-max)")
                }
                guard method.isValid else {
                    throw parser.error(
                        "normalizer \(index) ('\(field)') has non-finite parameters, a negative standard deviation "
                            + "or minimum > maximum")
                }
                normalizers.append(Normalizer(unchecked: field, method: method))
            }
            content = .normalizers(normalizers)
        case .tensorFloat32:
            content = .tensor(try parser.readTensor())
        case .raw:
            return .raw(payload)
        case .manifest:
            throw parser.error("only the first section may be a manifest")
        default:
            return .unrecognized(kind: kind, payload: payload)
        }
        guard parser.reader.readableBytes == 0 else {
            throw parser.error(
                "payload has \(parser.reader.readableBytes) bytes after the \(kind) content ends at payload byte "
                    + "\(parser.reader.readerIndex); expected none")
        }
        return content
    }
}

/// Constants of the tensor payload encoding.
enum TensorPayload {
    /// The scalar-type code of IEEE 754 binary32, little-endian.
    static let float32Code: UInt8 = 1
    /// The largest tensor rank accepted.
    static let maximumRank = 8
    /// The largest product of the non-zero extents of a tensor accepted (2^31).
    static let maximumExtentProduct: UInt64 = 1 << 31
}

/// Where a payload sits, for error messages.
struct ErrorLocation {
    var file: String?
    var section: String
    var offset: Int
}

/// A ``ByteReader`` over a section payload that turns short reads into `invalidSection` errors.
private struct PayloadParser {
    var reader: ByteReader
    let location: ErrorLocation
    let kind: Section.Kind

    func error(_ message: String) -> KnowledgeBaseError {
        KnowledgeBaseError(
            code: .invalidSection, message: "\(kind) section: \(message)", file: location.file,
            offset: location.offset, section: location.section)
    }

    func shortRead(_ what: String, bytes: Int) -> KnowledgeBaseError {
        error(
            "payload ends at byte \(reader.bytes.count) inside \(what) at payload byte \(reader.readerIndex); "
                + "expected \(bytes) more bytes")
    }

    /// Reads a `UInt32` count and checks, before anything is allocated, that the remaining payload can hold
    /// `count` items of at least `minimumBytesEach` bytes.
    mutating func readCount(what: String, minimumBytesEach: Int) throws(KnowledgeBaseError) -> Int {
        guard let raw = reader.readInteger(endianness: .little, as: UInt32.self) else {
            throw shortRead("the \(what) count", bytes: 4)
        }
        let count = Int(raw)
        guard count <= reader.readableBytes / minimumBytesEach else {
            throw KnowledgeBaseError(
                code: .lengthOutOfBounds,
                message: "\(kind) section: \(count) \(what)s need at least \(count * minimumBytesEach) bytes; "
                    + "the payload has \(reader.readableBytes) left",
                file: location.file, offset: location.offset, section: location.section)
        }
        return count
    }

    /// Reads a `UInt32` byte length and that many bytes of UTF-8.
    mutating func readString(what: String) throws(KnowledgeBaseError) -> String {
        let start = reader.readerIndex
        guard let length = reader.readInteger(endianness: .little, as: UInt32.self) else {
            throw shortRead("the length of \(what)", bytes: 4)
        }
        guard Int(length) <= reader.readableBytes else { throw shortRead(what, bytes: Int(length)) }
        guard let string = reader.readUTF8String(length: Int(length)) else {
            throw error("payload byte \(start + 4): \(what) is not valid UTF-8")
        }
        return string
    }

    /// Reads a `UInt32` count followed by that many length-prefixed strings.
    mutating func readStringList(what: String) throws(KnowledgeBaseError) -> [String] {
        let count = try readCount(what: what, minimumBytesEach: 4)
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count { strings.append(try readString(what: "\(what) \(index)")) }
        return strings
    }

    /// Reads a float32 tensor: scalar type, rank, reserved, extents, scalars.
    mutating func readTensor() throws(KnowledgeBaseError) -> Tensor<Float> {
        guard let type = reader.readInteger(endianness: .little, as: UInt8.self),
            let rank = reader.readInteger(endianness: .little, as: UInt8.self),
            let reserved = reader.readInteger(endianness: .little, as: UInt16.self)
        else { throw shortRead("the tensor header", bytes: 4) }
        guard type == TensorPayload.float32Code else {
            throw error("payload byte 0: scalar type \(type); expected \(TensorPayload.float32Code) (float32)")
        }
        guard Int(rank) <= TensorPayload.maximumRank else {
            throw error("payload byte 1: rank \(rank); expected at most \(TensorPayload.maximumRank)")
        }
        guard reserved == 0 else { throw error("payload bytes 2–3: reserved field is \(reserved); expected 0") }
        var shape: [Int] = []
        var count = 1
        // The product of the non-zero extents is bounded too, so that an empty tensor cannot carry extents
        // whose partial products overflow in code that later reads its shape.
        var nonzeroProduct: UInt64 = 1
        for axis in 0..<Int(rank) {
            guard let extent = reader.readInteger(endianness: .little, as: UInt64.self) else {
                throw shortRead("extent \(axis)", bytes: 8)
            }
            let (bounded, overflow) = nonzeroProduct.multipliedReportingOverflow(by: max(extent, 1))
            guard !overflow, bounded <= TensorPayload.maximumExtentProduct else {
                throw KnowledgeBaseError(
                    code: .lengthOutOfBounds,
                    message: "tensor_float32 section: shape extent \(axis) is \(extent); the product of the non-zero "
                        + "extents may not exceed \(TensorPayload.maximumExtentProduct)",
                    file: location.file, offset: location.offset, section: location.section)
            }
            nonzeroProduct = bounded
            count *= Int(extent)  // ≤ nonzeroProduct ≤ 2^31: cannot overflow
            guard count <= reader.bytes.count / 4 else {
                throw KnowledgeBaseError(
                    code: .lengthOutOfBounds,
                    message: "tensor_float32 section: shape extent \(axis) is \(extent); the tensor would not fit in "
                        + "the \(reader.bytes.count)-byte payload",
                    file: location.file, offset: location.offset, section: location.section)
            }
            shape.append(Int(extent))
        }
        guard reader.readableBytes == 4 * count else {
            throw error(
                "shape \(shape) needs \(4 * count) bytes of float32 data; the payload has \(reader.readableBytes)")
        }
        var scalars = [Float]()
        scalars.reserveCapacity(count)
        for _ in 0..<count {
            // The length check above guarantees 4 bytes per scalar.
            guard let scalar = reader.readFloat32(endianness: .little) else { throw shortRead("a scalar", bytes: 4) }
            scalars.append(scalar)
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension ByteWriter {
    /// Appends a `UInt32` byte length and the UTF-8 bytes of `string`.
    mutating func writeLengthPrefixedString(_ string: String) {
        writeInteger(UInt32(string.utf8.count), endianness: .little)
        writeUTF8String(string)
    }

    /// Appends a `UInt32` count and each string length-prefixed.
    mutating func writeStringList(_ strings: [String]) {
        writeInteger(UInt32(strings.count), endianness: .little)
        for string in strings { writeLengthPrefixedString(string) }
    }
}
