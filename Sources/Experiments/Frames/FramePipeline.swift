// The file-based semantic link, step by step: records → frames → channel → frames → decisions.

import Channels
import RealModule
import SemanticCodec
import TabularCodec
import TensorCore

/// The semantic link as three separate steps over `.semf` frame streams, so that each step's output
/// can be inspected — what `semcom encode`, `semcom transmit` and `semcom decode` run:
///
/// 1. ``encode(_:codec:noise:encoding:firstSequenceNumber:to:windowSize:using:)``: records →
///    (input semantic noise) → encoder → power normalization → one frame per record
///    (<doc:SemFFormat>: KB fingerprint, sequence number, symbol encoding, CRC-32C).
/// 2. ``transmit(from:to:channel:snrDecibels:noise:windowSize:using:)``: frames → (symbol semantic
///    noise) → channel at an SNR → new frames. **The channel acts on the analog symbols; the frame
///    container models the link-layer framing around them**: the transmitter frames the symbols,
///    the physical layer perturbs the symbols themselves, and the receiver re-frames what it
///    received (with the input frame's header fields and encoding), so every output frame has a
///    valid CRC-32C. A CRC error on a `.semf` file therefore means the *file* was damaged, not
///    that the channel was noisy.
/// 3. ``decode(from:codec:labels:windowSize:emit:)``: frames → decoder → class probabilities, one
///    ``DecodedRecord`` per frame; frames from another knowledge base are refused.
///
/// Every step streams in windows of `windowSize` frames, so memory is bounded however long the
/// stream. Randomness comes only from the generator passed in, so a seed reproduces a step. Over
/// the same records and channel the three steps are statistically the same link as
/// ``LinkEvaluation``'s semantic rows (`SemanticPipeline.transmit`), with float32 frames exactly so.
///
/// ```swift
/// var writer = SemanticFrameWriter()
/// var rng = Xoshiro256(seed: 0)
/// _ = try FramePipeline.encode(records, codec: codec, noise: .none, encoding: .float32, to: &writer, using: &rng)
/// var reader = SemanticFrameReader(bytes: writer.sink.bytes)
/// var received = SemanticFrameWriter()
/// _ = try FramePipeline.transmit(from: &reader, to: &received, channel: try ChannelSpec.parse("awgn"),
///     snrDecibels: 20, noise: .none, using: &rng)
/// var frames = SemanticFrameReader(bytes: received.sink.bytes, expectedKnowledgeBase: codec.frameFingerprint)
/// let summary = try FramePipeline.decode(from: &frames, codec: codec, labels: nil) { print($0) }
/// ```
public enum FramePipeline {
    /// The default number of frames processed together.
    public static let defaultWindowSize = 256

    // MARK: - Encode

    /// What ``encode(_:codec:noise:encoding:firstSequenceNumber:to:windowSize:using:)`` wrote.
    public struct EncodeSummary: Sendable, Hashable {
        /// Records encoded (= frames written).
        public var records: Int
        /// Data lines dropped by the schema's `drop_record` policy.
        public var droppedRows: Int
        /// Complex symbols per frame.
        public var symbolsPerFrame: Int
        /// The payload encoding.
        public var encoding: SymbolEncoding
        /// Bytes written.
        public var bytes: Int
        /// The first and last sequence numbers.
        public var sequenceNumbers: ClosedRange<UInt64>
        /// Whether the records carried labels.
        public var labelled: Bool
    }

    /// Encodes records to frames, one per record, numbered from `firstSequenceNumber`.
    /// - Parameters:
    ///   - records: the records (labelled or not) in the codec's schema.
    ///   - codec: a codec read from a knowledge base.
    ///   - noise: input-stage semantic noise (`TabularNoise`), `none` for clean records.
    ///   - encoding: the frames' symbol encoding.
    ///   - firstSequenceNumber: the first frame's sequence number.
    ///   - writer: where the frames go.
    ///   - windowSize: records encoded together (≥ 1).
    ///   - rng: the noise's randomness (nothing is drawn for `none`).
    /// - Returns: what was written.
    /// - Throws: `TabularCodecError` `unsupportedNoise`, `SemanticCodecError` `ioFailure`.
    public static func encode<Sink: FrameByteSink, G: RandomNumberGenerator>(
        _ records: TabularRecords, codec: TabularCodec, noise: SemanticNoiseSpec, encoding: SymbolEncoding,
        firstSequenceNumber: UInt64 = 0, to writer: inout SemanticFrameWriter<Sink>,
        windowSize: Int = defaultWindowSize, using rng: inout G
    ) throws -> EncodeSummary {
        precondition(windowSize >= 1, "windowSize must be ≥ 1, got \(windowSize)")
        precondition(records.count >= 1, "No records to encode")
        var noisy = codec
        noisy.pipeline.perturbations = try TabularNoise.perturbations(for: noise, preprocessor: codec.preprocessor)
        let startBytes = writer.offset
        var start = 0
        while start < records.count {
            let end = Swift.min(start + windowSize, records.count)
            let inputs = codec.preprocessor.transform(Array(records.values[start..<end]))
            let frames = noisy.frames(
                for: inputs, firstSequenceNumber: firstSequenceNumber &+ UInt64(start), encoding: encoding, using: &rng)
            for frame in frames { try writer.write(frame) }
            start = end
        }
        return EncodeSummary(
            records: records.count, droppedRows: records.droppedRowCount, symbolsPerFrame: codec.channelUsesPerSample,
            encoding: encoding, bytes: writer.offset - startBytes,
            sequenceNumbers: firstSequenceNumber...(firstSequenceNumber &+ UInt64(records.count - 1)),
            labelled: records.labels != nil)
    }

    // MARK: - Transmit

    /// What ``transmit(from:to:channel:snrDecibels:noise:windowSize:using:)`` did.
    public struct TransmitSummary: Sendable, Hashable {
        /// Frames sent through the channel.
        public var frames: Int
        /// Complex symbols sent.
        public var symbols: Int
        /// Mean power per complex symbol sent, `E|x|²`.
        public var transmittedPower: Double
        /// Mean power per complex symbol of what the receiver got minus what was sent, `E|y − x|²`
        /// (noise, fading after equalization, erasures and symbol noise together).
        public var distortionPower: Double

        /// `10·log10(E|x|² / E|y − x|²)`: the measured signal-to-distortion ratio in dB (∞ when
        /// nothing changed).
        public var measuredSNRDecibels: Double {
            distortionPower > 0 ? 10 * Double.log10(transmittedPower / distortionPower) : .infinity
        }
    }

    /// Reads frames, applies symbol-stage semantic noise and the channel to their symbols, and
    /// writes the received symbols as new frames with the same header fields and encoding.
    /// - Parameters:
    ///   - reader: the transmitted frames (any KB; the channel does not need one).
    ///   - writer: where the received frames go.
    ///   - channel: the channel (the ``ChannelSpec`` of `semcom eval`).
    ///   - snrDecibels: Es/N0 per complex channel use, dB, relative to unit symbol power.
    ///   - noise: symbol-stage noise (`blank`, `jam`), `none` for a clean transmitter.
    ///   - windowSize: frames sent together (≥ 1); frames with different symbol counts go in
    ///     separate windows.
    ///   - rng: noise, channel states and channel noise.
    /// - Returns: counts and the measured signal-to-distortion ratio.
    /// - Throws: the reader's `SemanticCodecError` (truncated, corrupted frames), `ioFailure`, or
    ///   `invalidNoiseSpec` for a spec naming a noise that does not act on symbols.
    public static func transmit<Source: FrameByteSource, Sink: FrameByteSink, G: RandomNumberGenerator>(
        from reader: inout SemanticFrameReader<Source>, to writer: inout SemanticFrameWriter<Sink>,
        channel: ChannelSpec,
        snrDecibels: Double, noise: SemanticNoiseSpec, windowSize: Int = defaultWindowSize, using rng: inout G
    ) throws -> TransmitSummary {
        precondition(windowSize >= 1, "windowSize must be ≥ 1, got \(windowSize)")
        precondition(snrDecibels.isFinite, "SNR must be finite, got \(snrDecibels)")
        let perturbations = try noise.terms.map { term in
            guard let perturbation = SemanticNoiseCatalog.symbolPerturbation(for: term) else {
                throw SemanticCodecError(
                    code: .invalidNoiseSpec,
                    message: "noise '\(term.name)' does not act on channel symbols; expected one of "
                        + SemanticNoiseCatalog.symbolKinds.map(\.name).joined(separator: ", "))
            }
            return perturbation
        }
        let link = channel.channel(snrDecibels: snrDecibels)
        var summary = TransmitSummary(frames: 0, symbols: 0, transmittedPower: 0, distortionPower: 0)
        var signalEnergy = 0.0
        var distortionEnergy = 0.0
        var window: [SemanticFrame] = []
        func flush() throws {
            guard let first = window.first else { return }
            let width = 2 * first.symbolCount
            var sent = Tensor<Float>(
                shape: [window.count, width], scalars: window.flatMap(\.symbols))
            for perturbation in perturbations { sent = perturbation.perturb(sent, using: &rng) }
            let received = link.transmit(sent, using: &rng).output
            let original = window.flatMap(\.symbols)
            for (i, x) in original.enumerated() {
                signalEnergy += Double(x) * Double(x)
                let d = Double(received.scalars[i]) - Double(x)
                distortionEnergy += d * d
            }
            for (row, frame) in window.enumerated() {
                try writer.write(
                    SemanticFrame(
                        symbols: Array(received.scalars[(row * width)..<((row + 1) * width)]), encoding: frame.encoding,
                        modality: frame.modality, taskID: frame.taskID, knowledgeBase: frame.knowledgeBase,
                        sequenceNumber: frame.sequenceNumber))
            }
            summary.frames += window.count
            summary.symbols += window.count * first.symbolCount
            window.removeAll(keepingCapacity: true)
        }
        while let frame = try reader.next() {
            if let first = window.first, first.symbolCount != frame.symbolCount || window.count == windowSize {
                try flush()
            }
            window.append(frame)
        }
        try flush()
        if summary.symbols > 0 {
            summary.transmittedPower = signalEnergy / Double(summary.symbols)
            summary.distortionPower = distortionEnergy / Double(summary.symbols)
        }
        return summary
    }

    // MARK: - Decode

    /// One decoded record: a `semcom decode` JSON line.
    public struct DecodedRecord: Sendable, Hashable, Codable {
        /// The frame's sequence number.
        public var sequence: UInt64
        /// The most probable class's name.
        public var predicted: String
        /// Class name → probability (softmax of the decoder's logits).
        public var probabilities: [String: Double]
        /// The true class's name, when a labels file gave it.
        public var label: String?
    }

    /// What ``decode(from:codec:labels:windowSize:emit:)`` measured.
    public struct DecodeSummary: Sendable, Hashable {
        /// Frames decoded.
        public var records: Int
        /// Decoded records whose true label was known.
        public var labelled: Int
        /// Of those, the correctly classified ones.
        public var correct: Int
        /// Predictions per class name, in label-index order.
        public var predictedCounts: [Int]

        /// `correct / labelled`, or `nil` when no label was known.
        public var accuracy: Double? { labelled > 0 ? Double(correct) / Double(labelled) : nil }
    }

    /// Decodes frames to class probabilities, one ``DecodedRecord`` per frame, in stream order.
    /// - Parameters:
    ///   - reader: the received frames; give it the codec's `frameFingerprint` as
    ///     `expectedKnowledgeBase` to refuse frames of another KB at the offset they start.
    ///   - codec: a codec read from the receiver's knowledge base.
    ///   - labels: sequence number → true label index (``FrameLabels``), or `nil`.
    ///   - windowSize: frames decoded together (≥ 1).
    ///   - emit: called with each decoded record, in order.
    /// - Returns: counts and, with labels, the accuracy.
    /// - Throws: `SemanticCodecError` (`knowledgeBaseMismatch` naming both fingerprints, corrupted or
    ///   truncated frames, `incompatibleFrame`), ``ExperimentsError`` `invalidFrameLabels` when
    ///   `labels` lacks a frame's sequence number, or what `emit` throws.
    public static func decode<Source: FrameByteSource>(
        from reader: inout SemanticFrameReader<Source>, codec: TabularCodec, labels: [UInt64: Int]?,
        windowSize: Int = defaultWindowSize, emit: (DecodedRecord) throws -> Void
    ) throws -> DecodeSummary {
        precondition(windowSize >= 1, "windowSize must be ≥ 1, got \(windowSize)")
        let names = codec.labelNames
        var summary = DecodeSummary(
            records: 0, labelled: 0, correct: 0, predictedCounts: [Int](repeating: 0, count: names.count))
        var window: [SemanticFrame] = []
        func flush() throws {
            guard !window.isEmpty else { return }
            let probabilities = try codec.probabilities(for: window)
            let predictions = probabilities.argmaxAlongLastAxis()
            for (row, frame) in window.enumerated() {
                var truth: Int?
                if let labels {
                    guard let label = labels[frame.sequenceNumber] else {
                        throw ExperimentsError(
                            code: .invalidFrameLabels,
                            message: "the labels file has no label for frame sequence \(frame.sequenceNumber) "
                                + "(frame #\(summary.records + row)); it must come from the encode run that wrote these frames"
                        )
                    }
                    truth = label
                }
                let p = (0..<names.count).map { probabilities.scalars[row * names.count + $0] }
                summary.predictedCounts[predictions[row]] += 1
                if let truth {
                    summary.labelled += 1
                    if truth == predictions[row] { summary.correct += 1 }
                }
                try emit(
                    DecodedRecord(
                        sequence: frame.sequenceNumber, predicted: names[predictions[row]],
                        // The Float's shortest decimal form, so the JSON shows 0.97, not 0.9700000286102295.
                        probabilities: Dictionary(
                            uniqueKeysWithValues: zip(names, p.map { Double("\($0)") ?? Double($0) })),
                        label: truth.map { names[$0] }))
            }
            summary.records += window.count
            window.removeAll(keepingCapacity: true)
        }
        while let frame = try reader.next() {
            window.append(frame)
            if window.count == windowSize { try flush() }
        }
        try flush()
        return summary
    }
}
