import Compression

/// One sample handed to the raw-transmission baseline: a vector of real values (the fields of a
/// tabular record such as a Breast Cancer Wisconsin row, or a window of a signal such as 10 s of
/// ECG at 250 Hz) or a text (sent as its UTF-8 bytes).
///
/// ```swift
/// let record = RawSample.values([5, 1, 1, 1, 2, 1, 3, 1, 1])   // a BCWD record, 9 fields
/// let note = RawSample.text("Patient reports chest pain.")
/// ```
public enum RawSample: Sendable, Hashable {
    /// Real values (fields or time samples), in the units of the source.
    case values([Double])
    /// A text, transmitted as its UTF-8 bytes.
    case text(String)

    /// What a receiver must know about this sample in advance (the shared schema): the number of
    /// values, or the largest text it accepts.
    /// - Parameter maximumTextByteCount: the text bound to use for a text sample.
    public func layout(maximumTextByteCount: Int = RawSampleLayout.defaultMaximumTextByteCount) -> RawSampleLayout {
        switch self {
        case .values(let values): .values(count: values.count)
        case .text: .text(maximumByteCount: maximumTextByteCount)
        }
    }
}

/// What the receiver knows about a sample before decoding it — the schema that a deployed
/// digital link fixes in advance (the number of fields of a record, the window length of a
/// signal), never the values themselves.
public enum RawSampleLayout: Sendable, Hashable {
    /// `count` real values.
    case values(count: Int)
    /// A UTF-8 text of at most `maximumByteCount` bytes (bounds decompression).
    case text(maximumByteCount: Int)

    /// The default text bound, 64 KiB.
    public static let defaultMaximumTextByteCount = 1 << 16
}

/// How real values are quantized before compression.
public enum RawQuantization: Sendable, Hashable {
    /// A fixed quantizer whose range both ends know in advance (e.g. 1…10 for BCWD fields,
    /// ±5 mV for an ECG lead). Values outside the range are clipped; NaN and infinities are
    /// refused with ``RawTransmissionError/Code/nonFiniteValue``.
    case fixed(UniformQuantizer)
    /// A quantizer of `bitsPerValue` bits over the sample's own `[min, max]` range; the range is
    /// sent in a 16-byte header (two IEEE-754 binary64 numbers, big-endian) so both ends build
    /// the identical quantizer. A constant sample uses `[v − ½, v + ½]`.
    case adaptive(bitsPerValue: Int)
}

/// How the serialized sample is compressed before the CRC.
public enum RawCompression: Sendable {
    /// No compression: the quantized, bit-packed values (or the UTF-8 bytes) are the payload.
    case none
    /// One zstd frame (RFC 8878) at `level`, optionally with a shared dictionary — the fair
    /// digital analogue of a semantic knowledge base. The frame is written without zstd's own
    /// content checksum (the CRC-32C protects the payload) and without its constant 4-byte magic
    /// number, which the receiver re-inserts (the link carries nothing but zstd frames).
    case zstd(level: Int = 19, dictionary: ZstdDictionary? = nil)
}

/// Why a received frame could not be turned back into a sample.
public enum RawDecodeFailure: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The CRC-32C over the decoded payload bits did not match.
    case checksumMismatch = "checksum_mismatch"
    /// The payload passed the CRC but is not a valid zstd frame for the expected size/dictionary.
    case decompressionFailed = "decompression_failed"
    /// The decompressed payload has the wrong size, an invalid range header or invalid UTF-8.
    case unpackFailed = "unpack_failed"

    /// The snake_case name.
    public var description: String { rawValue }
}

/// The outcome of source decoding: a sample, or why there is none.
public enum RawSourceDecoding: Sendable, Hashable {
    /// The decoded sample.
    case sample(RawSample)
    /// The payload could not be decoded.
    case failure(RawDecodeFailure)
}

/// The source coder of the raw baseline: serialize → quantize → (zstd) on the way out, and the
/// inverse on the way in.
///
/// Values are quantized by a ``UniformQuantizer`` and bit-packed MSB first (``BitPacking``);
/// text is its UTF-8 bytes. The resulting bytes are optionally compressed by zstd.
///
/// ```swift
/// let coder = RawSourceCoding(
///     quantization: .fixed(UniformQuantizer(bitsPerValue: 4, lowerBound: 0.5, upperBound: 16.5)),
///     compression: .none)
/// let payload = try coder.encode(.values([5, 1, 1, 1, 2, 1, 3, 1, 1]))   // 5 bytes
/// let back = coder.decode(payload, layout: .values(count: 9))            // .sample(the record)
/// ```
public struct RawSourceCoding: Sendable {
    /// How values are quantized (ignored for text).
    public var quantization: RawQuantization
    /// How the serialized bytes are compressed.
    public var compression: RawCompression

    /// Creates a source coder.
    /// - Precondition: an adaptive quantizer has 1…32 bits per value; a zstd level is in
    ///   `Zstd.levels`.
    public init(quantization: RawQuantization, compression: RawCompression = .none) {
        if case .adaptive(let bits) = quantization {
            precondition((1...32).contains(bits), "bitsPerValue must be in 1…32, got \(bits)")
        }
        if case .zstd(let level, _) = compression {
            precondition(Zstd.levels.contains(level), "zstd level \(level) is outside \(Zstd.levels)")
        }
        self.quantization = quantization
        self.compression = compression
    }

    /// Serializes, quantizes and compresses a sample into the payload bytes.
    /// - Parameter sample: the sample.
    /// - Returns: the payload bytes that the CRC will protect.
    /// - Throws: ``RawTransmissionError`` `.emptyPayload` for an empty sample, `.nonFiniteValue`
    ///   naming the offset of a NaN or infinite value, `.compressionFailed` if zstd fails.
    public func encode(_ sample: RawSample) throws -> [UInt8] {
        let serialized: [UInt8]
        switch sample {
        case .text(let text):
            serialized = Array(text.utf8)
            if serialized.isEmpty {
                throw RawTransmissionError(code: .emptyPayload, message: "text sample has 0 UTF-8 bytes, expected ≥ 1")
            }
        case .values(let values):
            if values.isEmpty {
                throw RawTransmissionError(code: .emptyPayload, message: "values sample has 0 values, expected ≥ 1")
            }
            if let offset = values.firstIndex(where: { !$0.isFinite }) {
                throw RawTransmissionError(
                    code: .nonFiniteValue,
                    message: "values[\(offset)] is not finite; the uniform quantizer needs finite values")
            }
            serialized = quantizeAndPack(values)
        }
        switch compression {
        case .none:
            return serialized
        case .zstd(let level, let dictionary):
            do {
                let frame = try Zstd.compress(serialized, level: level, checksum: false, dictionary: dictionary)
                return Array(frame.dropFirst(rawZstdMagic.count))
            } catch let error as CompressionError {
                throw RawTransmissionError(
                    code: .compressionFailed, message: "zstd compression of \(serialized.count) bytes failed",
                    cause: error)
            }
        }
    }

    /// Decompresses, unpacks and dequantizes a received payload.
    /// - Parameters:
    ///   - payload: the payload bytes after the CRC check.
    ///   - layout: what the receiver expects (value count or text bound).
    /// - Returns: the sample, or why it could not be decoded (never traps on bad bytes).
    public func decode(_ payload: [UInt8], layout: RawSampleLayout) -> RawSourceDecoding {
        let bound = serializedByteBound(layout)
        let serialized: [UInt8]
        switch compression {
        case .none:
            serialized = payload
        case .zstd(_, let dictionary):
            do {
                serialized = try Zstd.decompress(
                    rawZstdMagic + payload, maximumOutputSize: bound, dictionary: dictionary)
            } catch {
                return .failure(.decompressionFailed)
            }
        }
        switch layout {
        case .text:
            guard !serialized.isEmpty, serialized.count <= bound,
                let text = String(validating: serialized, as: UTF8.self)
            else { return .failure(.unpackFailed) }
            return .sample(.text(text))
        case .values(let count):
            guard let values = unpackAndDequantize(serialized, count: count) else { return .failure(.unpackFailed) }
            return .sample(.values(values))
        }
    }

    /// A zstd dictionary for ``RawCompression/zstd(level:dictionary:)`` from bytes — raw content
    /// (e.g. typical serialized samples: the digital analogue of a shared knowledge base) or a
    /// zstd-format dictionary (`Zstd.trainDictionary(samples:capacity:)`).
    /// - Throws: ``RawTransmissionError`` `.invalidParameter` for empty or corrupt dictionary bytes
    ///   (the cause is the `CompressionError`).
    public static func dictionary(_ bytes: [UInt8]) throws -> ZstdDictionary {
        do {
            return try ZstdDictionary(bytes)
        } catch let error as CompressionError {
            throw RawTransmissionError(
                code: .invalidParameter, message: "zstd dictionary of \(bytes.count) bytes rejected", cause: error)
        }
    }

    /// The largest serialized (uncompressed) size for `layout`, in bytes.
    func serializedByteBound(_ layout: RawSampleLayout) -> Int {
        switch layout {
        case .text(let maximum): return maximum
        case .values(let count):
            switch quantization {
            case .fixed(let q): return (count * q.bitsPerValue + 7) / 8
            case .adaptive(let bits): return 16 + (count * bits + 7) / 8
            }
        }
    }

    private func quantizeAndPack(_ values: [Double]) -> [UInt8] {
        switch quantization {
        case .fixed(let quantizer):
            return BitPacking.pack(quantizer.quantize(values), bitsPerValue: quantizer.bitsPerValue)
        case .adaptive(let bits):
            let quantizer = Self.adaptiveQuantizer(values, bitsPerValue: bits)
            var header = [UInt8]()
            for bound in [quantizer.lowerBound, quantizer.upperBound] {
                let pattern = bound.bitPattern
                for shift in stride(from: 56, through: 0, by: -8) {
                    header.append(UInt8((pattern >> UInt64(shift)) & 0xFF))
                }
            }
            return header + BitPacking.pack(quantizer.quantize(values), bitsPerValue: bits)
        }
    }

    private func unpackAndDequantize(_ bytes: [UInt8], count: Int) -> [Double]? {
        let quantizer: UniformQuantizer
        let body: [UInt8]
        switch quantization {
        case .fixed(let q):
            quantizer = q
            body = bytes
        case .adaptive(let bits):
            guard bytes.count >= 16 else { return nil }
            var bounds = [Double]()
            for part in 0..<2 {
                var pattern: UInt64 = 0
                for i in 0..<8 { pattern = (pattern << 8) | UInt64(bytes[8 * part + i]) }
                bounds.append(Double(bitPattern: pattern))
            }
            guard bounds[0].isFinite, bounds[1].isFinite, bounds[0] < bounds[1] else { return nil }
            quantizer = UniformQuantizer(bitsPerValue: bits, lowerBound: bounds[0], upperBound: bounds[1])
            body = Array(bytes[16...])
        }
        guard body.count == (count * quantizer.bitsPerValue + 7) / 8,
            let indices = BitPacking.unpack(body, count: count, bitsPerValue: quantizer.bitsPerValue),
            indices.allSatisfy({ UInt64($0) < quantizer.levels })
        else { return nil }
        return quantizer.dequantize(indices)
    }

    /// The quantizer an ``RawQuantization/adaptive(bitsPerValue:)`` coder uses for `values`:
    /// `[min, max]`, or `[v − ½, v + ½]` for a constant sample.
    /// - Precondition: `values` is non-empty and finite.
    public static func adaptiveQuantizer(_ values: [Double], bitsPerValue: Int) -> UniformQuantizer {
        precondition(!values.isEmpty && values.allSatisfy(\.isFinite), "adaptive range needs finite, non-empty values")
        let low = values.min()!  // non-empty: checked above
        let high = values.max()!
        if low < high { return UniformQuantizer(bitsPerValue: bitsPerValue, lowerBound: low, upperBound: high) }
        return UniformQuantizer(bitsPerValue: bitsPerValue, lowerBound: low - 0.5, upperBound: low + 0.5)
    }
}

/// The zstd frame magic number 0xFD2FB528, little-endian (RFC 8878 §3.1.1), implied on the link.
private let rawZstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
