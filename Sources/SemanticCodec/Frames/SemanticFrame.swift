import TensorCore

/// The health-data modality a frame's symbols encode (one byte on the wire).
public enum Modality: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A tabular health record (e.g. a row of the Breast Cancer Wisconsin table).
    case tabular = 1
    /// A clinical note or other text.
    case text = 2
    /// A vital-sign window (ECG, PPG, blood pressure, …).
    case vitals = 3
    /// A pose clip (skeleton key points over time).
    case pose = 4
    /// Several modalities fused into one embedding.
    case multimodal = 5

    /// The lowercase name, e.g. `"tabular"`.
    public var description: String {
        switch self {
        case .tabular: "tabular"
        case .text: "text"
        case .vitals: "vitals"
        case .pose: "pose"
        case .multimodal: "multimodal"
        }
    }
}

/// The identity of a knowledge base as frames carry it: the first 8 bytes of the KB's SHA-256
/// fingerprint.
///
/// Both ends of a semantic link must hold the same KB; a receiver compares the frame's value with
/// its own KB's and refuses frames from another KB (``SemanticCodecError/Code/knowledgeBaseMismatch``).
/// 8 bytes make an accidental collision between two KBs negligible (2⁻⁶⁴) — it is an identifier,
/// not an authenticator.
///
/// ```swift
/// let tag = KBFingerprint(digest: kbSHA256)        // any ≥ 8 bytes; the first 8 are kept
/// tag.description                                  // "3fa1c2…" (16 hex digits)
/// ```
public struct KBFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The 8 bytes, in wire order.
    public let bytes: [UInt8]

    /// Creates a fingerprint from exactly 8 bytes.
    /// - Precondition: `bytes.count == 8`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 8, "A frame's KB fingerprint has 8 bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    /// Keeps the first 8 bytes of a digest (the KB's 32-byte SHA-256).
    /// - Precondition: `digest` has at least 8 bytes.
    public init(digest: some Collection<UInt8>) {
        precondition(digest.count >= 8, "A KB digest needs at least 8 bytes, got \(digest.count)")
        self.init(bytes: Array(digest.prefix(8)))
    }

    /// The 16 lowercase hexadecimal digits of the bytes in wire order.
    public var description: String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }
}

/// One frame of the `.semf` stream: the channel symbols of one sample (a record, a window) with
/// what a receiver needs to decode them — modality, task, the knowledge base they were encoded
/// with, a sequence number — in a chosen ``SymbolEncoding``.
///
/// The byte layout is defined in the <doc:SemFFormat> article. A frame holds its payload already
/// encoded (quantized for float16 and int8), so ``symbols`` returns exactly what a receiver of the
/// serialized frame reads.
///
/// ```swift
/// let fingerprint = KBFingerprint(digest: kbSHA256)
/// let frames = SemanticFrame.frames(
///     symbols: pipeline.symbols(for: x, using: &rng), modality: .tabular, taskID: 1,
///     knowledgeBase: fingerprint, firstSequenceNumber: 0, encoding: .int8)
/// let bytes = frames.flatMap { $0.serialized() }
/// var reader = SemanticFrameReader(bytes: bytes, expectedKnowledgeBase: fingerprint)
/// while let frame = try reader.next() { … frame.symbols … }
/// ```
public struct SemanticFrame: Sendable, Hashable {
    /// The modality of the encoded sample.
    public var modality: Modality
    /// The task the symbols were encoded for (an identifier defined by the knowledge base).
    public var taskID: UInt32
    /// The knowledge base the symbols were encoded with.
    public var knowledgeBase: KBFingerprint
    /// The frame's position in its stream (the transmitter counts from any start value).
    public var sequenceNumber: UInt64
    /// The number of complex symbols `k` (the payload holds `2·k` reals).
    public let symbolCount: Int
    /// How the payload encodes the symbols.
    public let encoding: SymbolEncoding
    /// The encoded payload, as on the wire (see <doc:SemFFormat>).
    public let payload: [UInt8]

    /// Creates a frame, encoding `symbols` with `encoding` (quantizing for float16 and int8).
    /// - Parameters:
    ///   - symbols: `2·k` reals, interleaved (real, imaginary) pairs.
    ///   - encoding: the payload encoding.
    ///   - modality: the modality.
    ///   - taskID: the task identifier.
    ///   - knowledgeBase: the KB the symbols were encoded with.
    ///   - sequenceNumber: the position in the stream.
    /// - Precondition: `symbols.count` is even, every symbol is finite, and `k` fits ``SemanticFrame/maximumSymbolCountField``.
    public init(
        symbols: [Float], encoding: SymbolEncoding = .float32, modality: Modality, taskID: UInt32,
        knowledgeBase: KBFingerprint, sequenceNumber: UInt64
    ) {
        precondition(
            symbols.count % 2 == 0, "Frame symbols are (real, imag) pairs: need an even count, got \(symbols.count)")
        precondition(
            symbols.count / 2 <= Self.maximumSymbolCountField,
            "A frame holds at most \(Self.maximumSymbolCountField) symbols, got \(symbols.count / 2)")
        self.modality = modality
        self.taskID = taskID
        self.knowledgeBase = knowledgeBase
        self.sequenceNumber = sequenceNumber
        self.symbolCount = symbols.count / 2
        self.encoding = encoding
        self.payload = encoding.encode(symbols)
    }

    /// Creates a frame from an already encoded payload (used by the reader, which has verified it).
    init(
        modality: Modality, taskID: UInt32, knowledgeBase: KBFingerprint, sequenceNumber: UInt64,
        symbolCount: Int, encoding: SymbolEncoding, payload: [UInt8]
    ) {
        self.modality = modality
        self.taskID = taskID
        self.knowledgeBase = knowledgeBase
        self.sequenceNumber = sequenceNumber
        self.symbolCount = symbolCount
        self.encoding = encoding
        self.payload = payload
    }

    /// The largest symbol count the 32-bit header field can state.
    public static let maximumSymbolCountField = Int(UInt32.max)

    /// The decoded symbols: `2·k` reals, interleaved (real, imaginary) pairs. For float16 and int8
    /// these are the dequantized values, within ``SymbolEncoding/maximumError(for:)`` of the originals.
    public var symbols: [Float] { encoding.decode(payload, symbolCount: symbolCount) }

    /// Splits a batch of channel symbols into one frame per sample, numbered consecutively.
    /// - Parameters:
    ///   - symbols: `[batch, 2·k]` (e.g. ``SemanticPipeline/symbols(for:using:)``).
    ///   - modality: the modality of every frame.
    ///   - taskID: the task identifier.
    ///   - knowledgeBase: the KB the symbols were encoded with.
    ///   - firstSequenceNumber: the first frame's sequence number.
    ///   - encoding: the payload encoding.
    /// - Returns: `batch` frames with sequence numbers `firstSequenceNumber, firstSequenceNumber + 1, …`.
    public static func frames(
        symbols: Tensor<Float>, modality: Modality, taskID: UInt32, knowledgeBase: KBFingerprint,
        firstSequenceNumber: UInt64, encoding: SymbolEncoding = .float32
    ) -> [SemanticFrame] {
        precondition(
            symbols.rank == 2 && symbols.shape[1] % 2 == 0, "Frame symbols must be [batch, 2·k], got \(symbols.shape)")
        let (batch, width) = (symbols.shape[0], symbols.shape[1])
        return (0..<batch).map { b in
            SemanticFrame(
                symbols: Array(symbols.scalars[(b * width)..<((b + 1) * width)]), encoding: encoding,
                modality: modality,
                taskID: taskID, knowledgeBase: knowledgeBase, sequenceNumber: firstSequenceNumber &+ UInt64(b))
        }
    }

    /// Stacks the symbols of received frames into a decoder input `[frames.count, 2·k]`, after
    /// checking that every frame comes from the receiver's knowledge base and fits the decoder.
    /// - Parameters:
    ///   - frames: the frames, in the order to decode.
    ///   - knowledgeBase: the receiver's KB fingerprint.
    ///   - symbolCount: the `k` the decoder reads.
    ///   - modality: the modality the decoder expects, or `nil` to accept any.
    ///   - taskID: the task the decoder solves, or `nil` to accept any.
    /// - Throws: ``SemanticCodecError`` with ``SemanticCodecError/Code/knowledgeBaseMismatch`` naming
    ///   both fingerprints, or ``SemanticCodecError/Code/incompatibleFrame`` naming the field, for the
    ///   first frame that does not fit (its index in `frames` is the error's `frameIndex`).
    public static func symbolBatch(
        _ frames: [SemanticFrame], knowledgeBase: KBFingerprint, symbolCount: Int, modality: Modality? = nil,
        taskID: UInt32? = nil
    ) throws -> Tensor<Float> {
        var scalars: [Float] = []
        scalars.reserveCapacity(frames.count * 2 * symbolCount)
        for (i, frame) in frames.enumerated() {
            try frame.checkKnowledgeBase(knowledgeBase, frameIndex: i)
            if frame.symbolCount != symbolCount {
                throw SemanticCodecError(
                    code: .incompatibleFrame,
                    message: "frame #\(i) (sequence \(frame.sequenceNumber)) carries \(frame.symbolCount) symbols, "
                        + "the decoder expects \(symbolCount)", frameIndex: i)
            }
            if let modality, frame.modality != modality {
                throw SemanticCodecError(
                    code: .incompatibleFrame,
                    message: "frame #\(i) (sequence \(frame.sequenceNumber)) has modality \(frame.modality), "
                        + "the decoder expects \(modality)", frameIndex: i)
            }
            if let taskID, frame.taskID != taskID {
                throw SemanticCodecError(
                    code: .incompatibleFrame,
                    message: "frame #\(i) (sequence \(frame.sequenceNumber)) has task id \(frame.taskID), "
                        + "the decoder expects \(taskID)", frameIndex: i)
            }
            scalars.append(contentsOf: frame.symbols)
        }
        return Tensor(shape: [frames.count, 2 * symbolCount], scalars: scalars)
    }

    /// Throws unless the frame was encoded with the knowledge base `expected`.
    /// - Throws: ``SemanticCodecError/Code/knowledgeBaseMismatch``: "expected fingerprint X, frame carries Y".
    public func checkKnowledgeBase(
        _ expected: KBFingerprint, frameIndex: Int? = nil, offset: Int? = nil, file: String? = nil
    )
        throws
    {
        guard knowledgeBase != expected else { return }
        let which = frameIndex.map { "frame #\($0)" } ?? "frame"
        throw SemanticCodecError(
            code: .knowledgeBaseMismatch,
            message: "\(which) (sequence \(sequenceNumber)) was encoded with another knowledge base: "
                + "expected KB fingerprint \(expected), frame carries \(knowledgeBase)",
            file: file, offset: offset, frameIndex: frameIndex)
    }
}
