import Channels

extension SemanticFrame {
    /// The four magic bytes that start every frame: ASCII `SEMF`.
    public static let magic: [UInt8] = [0x53, 0x45, 0x4D, 0x46]
    /// The format version this module writes and reads.
    public static let formatVersion: UInt8 = 1
    /// The size of the fixed header in bytes (see <doc:SemFFormat>).
    public static let headerByteCount = 32
    /// The size of the trailing CRC-32C in bytes.
    public static let checksumByteCount = 4

    /// The serialized size of this frame in bytes: header, payload and CRC-32C.
    public var serializedByteCount: Int { Self.headerByteCount + payload.count + Self.checksumByteCount }

    /// The frame's bytes as defined by <doc:SemFFormat>: header, payload, CRC-32C of both.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(serializedByteCount)
        bytes.append(contentsOf: Self.magic)
        bytes.append(Self.formatVersion)
        bytes.append(modality.rawValue)
        bytes.append(encoding.rawValue)
        bytes.append(0)  // reserved
        appendLittleEndian(taskID, to: &bytes)
        bytes.append(contentsOf: knowledgeBase.bytes)
        appendLittleEndian(sequenceNumber, to: &bytes)
        appendLittleEndian(UInt32(symbolCount), to: &bytes)
        bytes.append(contentsOf: payload)
        appendLittleEndian(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Serializes several frames back to back (a complete `.semf` stream).
    public static func serialized(_ frames: [SemanticFrame]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frames.reduce(0) { $0 + $1.serializedByteCount })
        for frame in frames { bytes.append(contentsOf: frame.serialized()) }
        return bytes
    }
}

/// The fields of a frame header that fix the frame's length, checked before the payload is read.
struct SemanticFrameHeader {
    var encoding: SymbolEncoding
    var symbolCount: Int
    var payloadByteCount: Int

    /// Validates magic, version, encoding and symbol count of a 32-byte header.
    /// - Parameters:
    ///   - header: the 32 header bytes.
    ///   - maximumSymbolCount: the reader's limit (refuse before allocating).
    ///   - at: the frame's offset in the stream, for errors.
    static func parse(
        _ header: [UInt8], maximumSymbolCount: Int, frameIndex: Int, offset: Int, file: String?
    ) throws(SemanticCodecError) -> SemanticFrameHeader {
        func failure(_ code: SemanticCodecError.Code, _ field: Int, _ message: String) -> SemanticCodecError {
            SemanticCodecError(code: code, message: message, file: file, offset: offset + field, frameIndex: frameIndex)
        }
        if Array(header[0..<4]) != SemanticFrame.magic {
            throw failure(
                .badMagic, 0,
                "frame #\(frameIndex) starting at offset \(offset) does not begin with the .semf magic \"SEMF\" "
                    + "(53 45 4d 46), found \(hex(header[0..<4]))")
        }
        if header[4] != SemanticFrame.formatVersion {
            throw failure(
                .unsupportedVersion, 4,
                "frame #\(frameIndex) has format version \(header[4]); this reader supports version \(SemanticFrame.formatVersion)"
            )
        }
        guard let encoding = SymbolEncoding(rawValue: header[6]) else {
            throw failure(
                .unsupportedEncoding, 6,
                "frame #\(frameIndex) has symbol encoding byte \(header[6]); expected 1 (float32), 2 (float16) or 3 (int8)"
            )
        }
        let count = header.withUnsafeBufferPointer { Int(readLittleEndian($0, at: 28, as: UInt32.self)) }
        if count > maximumSymbolCount {
            throw failure(
                .oversizedFrame, 28,
                "frame #\(frameIndex) declares \(count) symbols, more than the reader's limit of \(maximumSymbolCount); "
                    + "refused before allocating")
        }
        return SemanticFrameHeader(
            encoding: encoding, symbolCount: count, payloadByteCount: encoding.payloadByteCount(symbolCount: count))
    }

    /// Verifies the CRC and the fields that do not affect the length, and builds the frame.
    /// - Parameters:
    ///   - bytes: the whole frame (header, payload, CRC).
    static func frame(
        from bytes: [UInt8], header: SemanticFrameHeader, frameIndex: Int, offset: Int, file: String?
    ) throws(SemanticCodecError) -> SemanticFrame {
        func failure(_ code: SemanticCodecError.Code, _ field: Int, _ message: String) -> SemanticCodecError {
            SemanticCodecError(code: code, message: message, file: file, offset: offset + field, frameIndex: frameIndex)
        }
        let body = bytes.count - SemanticFrame.checksumByteCount
        let stored = bytes.withUnsafeBufferPointer { readLittleEndian($0, at: body, as: UInt32.self) }
        let computed = CRC32C.checksum(bytes[0..<body])
        if stored != computed {
            throw SemanticCodecError(
                code: .checksumMismatch,
                message: "CRC-32C mismatch in frame #\(frameIndex) (bytes \(offset)..<\(offset + bytes.count)): "
                    + "stored \(hex32(stored)), computed \(hex32(computed)); the frame is corrupted",
                file: file, offset: offset, frameIndex: frameIndex)
        }
        guard let modality = Modality(rawValue: bytes[5]) else {
            throw failure(
                .unsupportedModality, 5,
                "frame #\(frameIndex) has modality byte \(bytes[5]); expected 1…5 "
                    + "(tabular, text, vitals, pose, multimodal)")
        }
        if bytes[7] != 0 {
            throw failure(.invalidField, 7, "frame #\(frameIndex) has reserved byte 7 = \(bytes[7]); expected 0")
        }
        let payload = Array(bytes[SemanticFrame.headerByteCount..<body])
        try payload.withUnsafeBufferPointer { (p) throws(SemanticCodecError) in
            switch header.encoding {
            case .int8:
                let scale = Float(bitPattern: readLittleEndian(p, at: 0, as: UInt32.self))
                if !(scale.isFinite && scale >= 0) {
                    throw failure(
                        .invalidField, SemanticFrame.headerByteCount,
                        "frame #\(frameIndex) has int8 scale \(scale); expected a finite value ≥ 0")
                }
            case .float32, .float16:
                let width = header.encoding == .float32 ? 4 : 2
                for i in 0..<(2 * header.symbolCount) {
                    let value =
                        width == 4
                        ? Float(bitPattern: readLittleEndian(p, at: 4 * i, as: UInt32.self))
                        : float(fromFloat16Bits: readLittleEndian(p, at: 2 * i, as: UInt16.self))
                    if !value.isFinite {
                        throw failure(
                            .invalidField, SemanticFrame.headerByteCount + width * i,
                            "frame #\(frameIndex) has a non-finite \(header.encoding) value at real index \(i); "
                                + "symbols must be finite")
                    }
                }
            }
        }
        let (taskID, sequence) = bytes.withUnsafeBufferPointer {
            (readLittleEndian($0, at: 8, as: UInt32.self), readLittleEndian($0, at: 20, as: UInt64.self))
        }
        return SemanticFrame(
            modality: modality, taskID: taskID, knowledgeBase: KBFingerprint(bytes: Array(bytes[12..<20])),
            sequenceNumber: sequence, symbolCount: header.symbolCount, encoding: header.encoding, payload: payload)
    }
}

func hex(_ bytes: ArraySlice<UInt8>) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        .joined(separator: " ")
}

func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
