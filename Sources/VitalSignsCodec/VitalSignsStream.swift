import Channels
import HealthData
import SemanticCodec
import TensorCore

/// One encoded window of a vital-sign stream: the channel symbols of a rhythm or waveform window.
public struct VitalSignsStreamBlock: Sendable {
    /// Which codec produced it.
    public enum Kind: Sendable, Hashable { case rhythm, waveform }
    /// The codec.
    public var kind: Kind
    /// Window index within its kind (0, 1, …).
    public var index: Int
    /// First sample of the window at the internal 250 Hz rate.
    public var startSample: Int
    /// Channel symbols `[2·k]` (interleaved real, imaginary; unit average power).
    public var symbols: [Float]
}

/// What the receiver reconstructs from one block.
public enum VitalSignsStreamOutput: Sendable {
    /// A rhythm window's class, class probabilities and heart rate (bpm).
    case rhythm(index: Int, startSample: Int, rhythm: CardiacRhythm, probabilities: [Float], heartRate: Double)
    /// A waveform window's samples (mV at 250 Hz).
    case waveform(index: Int, startSample: Int, samples: [Float])
}

/// The transmitter of a long ECG stream: push samples at any rate in 125–1000 Hz as they arrive;
/// complete windows come out as channel-symbol blocks. Memory is bounded by the longest window
/// plus the resampler's filter, whatever the stream's length.
///
/// Rhythm windows are ``RhythmCodec/windowSeconds`` long and start every `rhythmHopSeconds`
/// (default: the window, i.e. no overlap); waveform windows are the waveform KB's length, back to
/// back. Windows completed by one ``push(_:)`` are encoded as one batch.
///
/// ```swift
/// var tx = try VitalSignsStreamEncoder(rhythm: rhythmCodec, waveform: waveformCodec, inputRateHertz: 360)
/// var rx = VitalSignsStreamDecoder(rhythm: rhythmCodec, waveform: waveformCodec)
/// for chunk in recording {
///     for block in try tx.push(chunk) {
///         let received = channel.transmit(Tensor(shape: [1, block.symbols.count], scalars: block.symbols), using: &rng)
///         let output = rx.decode(block, received: received.output.scalars)
///     }
/// }
/// ```
public struct VitalSignsStreamEncoder: Sendable {
    /// The rhythm codec, if rhythm windows are sent.
    public let rhythm: RhythmCodec?
    /// The waveform codec, if waveform windows are sent.
    public let waveform: WaveformCodec?
    /// Input sample rate (Hz).
    public let inputRateHertz: Double
    /// Rhythm hop (internal samples).
    public let rhythmHop: Int
    private let rhythmLength: Int
    private var resampler: StreamingResampler
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var received = 0
    private var nextRhythmStart = 0
    private var nextWaveformStart = 0
    private var rhythmIndex = 0
    private var waveformIndex = 0
    private var noiseRNG: Xoshiro256

    /// Creates an encoder.
    /// - Parameters:
    ///   - rhythm: the rhythm codec (or `nil`).
    ///   - waveform: the waveform codec (or `nil`).
    ///   - inputRateHertz: the stream's sample rate.
    ///   - rhythmHopSeconds: seconds between rhythm window starts (default 10; 1…60).
    /// - Throws: ``VitalSignsCodecError`` `unsupportedSampleRate`, `invalidParameter` (no codec, bad hop).
    public init(
        rhythm: RhythmCodec?, waveform: WaveformCodec?, inputRateHertz: Double, rhythmHopSeconds: Double = RhythmCodec.windowSeconds
    ) throws(VitalSignsCodecError) {
        try ECGPreprocessing.checkSampleRate(inputRateHertz)
        guard rhythm != nil || waveform != nil else {
            throw VitalSignsCodecError(code: .invalidParameter, message: "a stream needs a rhythm or a waveform codec")
        }
        guard rhythmHopSeconds.isFinite, rhythmHopSeconds >= 1, rhythmHopSeconds <= 60 else {
            throw VitalSignsCodecError(code: .invalidParameter, message: "rhythm hop must be in 1…60 s, got \(rhythmHopSeconds)")
        }
        self.rhythm = rhythm
        self.waveform = waveform
        self.inputRateHertz = inputRateHertz
        self.rhythmHop = Int(rhythmHopSeconds * ECGPreprocessing.internalRateHertz)
        self.rhythmLength = Int(RhythmCodec.windowSeconds * ECGPreprocessing.internalRateHertz)
        self.resampler = StreamingResampler(inputRateHertz: inputRateHertz, outputRateHertz: ECGPreprocessing.internalRateHertz)
        self.noiseRNG = Xoshiro256(seed: 0)
    }

    /// Samples received so far (input rate).
    public var inputSampleCount: Int { received }

    /// Samples held in memory now (internal rate) — bounded by the longest window.
    public var bufferedSampleCount: Int { buffer.count }

    /// Pushes input samples (mV) and returns the blocks of every window they complete.
    /// - Throws: `nonFiniteSample` naming the stream offset of the first NaN/infinite sample
    ///   (nothing of this push is consumed then).
    public mutating func push(_ samples: [Float]) throws(VitalSignsCodecError) -> [VitalSignsStreamBlock] {
        try ECGPreprocessing.checkFinite(samples, baseOffset: received)
        received += samples.count
        buffer += resampler.process(samples)
        return encodeReady(final: false)
    }

    /// Flushes the stream: the last partial waveform window (padded) is sent; a partial rhythm
    /// window is dropped (a rhythm label needs the full 10 s).
    public mutating func finish() -> [VitalSignsStreamBlock] {
        buffer += resampler.finish()
        return encodeReady(final: true)
    }

    private mutating func encodeReady(final: Bool) -> [VitalSignsStreamBlock] {
        var blocks: [VitalSignsStreamBlock] = []
        let end = bufferStart + buffer.count
        if let rhythm {
            var windows: [[Float]] = []
            var starts: [Int] = []
            while nextRhythmStart + rhythmLength <= end {
                let from = nextRhythmStart - bufferStart
                windows.append(Array(buffer[from..<(from + rhythmLength)]))
                starts.append(nextRhythmStart)
                nextRhythmStart += rhythmHop
            }
            if !windows.isEmpty {
                let symbols = rhythm.pipeline.symbols(for: rhythm.inputs(forWindows: windows), using: &noiseRNG)
                let width = 2 * rhythm.channelUsesPerWindow
                for (i, start) in starts.enumerated() {
                    blocks.append(
                        VitalSignsStreamBlock(
                            kind: .rhythm, index: rhythmIndex, startSample: start,
                            symbols: Array(symbols.scalars[(i * width)..<(i * width + width)])))
                    rhythmIndex += 1
                }
            }
        }
        if let waveform {
            let length = waveform.windowLength
            var windows: [[Float]] = []
            var starts: [Int] = []
            while nextWaveformStart + length <= end || (final && nextWaveformStart < end) {
                let from = nextWaveformStart - bufferStart
                var w = Array(buffer[from..<Swift.min(buffer.count, from + length)])
                if w.count < length, let last = w.last { w += Array(repeating: last, count: length - w.count) }
                windows.append(w)
                starts.append(nextWaveformStart)
                nextWaveformStart += length
            }
            if !windows.isEmpty {
                let symbols = waveform.pipeline.symbols(for: waveform.inputs(forWindows: windows), using: &noiseRNG)
                let width = 2 * waveform.channelUsesPerWindow
                for (i, start) in starts.enumerated() {
                    blocks.append(
                        VitalSignsStreamBlock(
                            kind: .waveform, index: waveformIndex, startSample: start,
                            symbols: Array(symbols.scalars[(i * width)..<(i * width + width)])))
                    waveformIndex += 1
                }
            }
        }
        // Drop what no future window needs.
        var keepFrom = end
        if rhythm != nil { keepFrom = Swift.min(keepFrom, nextRhythmStart) }
        if waveform != nil { keepFrom = Swift.min(keepFrom, nextWaveformStart) }
        let drop = Swift.min(buffer.count, Swift.max(0, keepFrom - bufferStart))
        if drop > 0 {
            buffer.removeFirst(drop)
            bufferStart += drop
        }
        return blocks
    }
}

/// The receiver of a vital-sign stream: decodes received blocks with the same KBs.
public struct VitalSignsStreamDecoder: Sendable {
    /// The rhythm codec.
    public let rhythm: RhythmCodec?
    /// The waveform codec.
    public let waveform: WaveformCodec?

    /// Creates a decoder.
    public init(rhythm: RhythmCodec?, waveform: WaveformCodec?) {
        self.rhythm = rhythm
        self.waveform = waveform
    }

    /// Decodes a batch of received blocks of one kind (`received[i]` are block `i`'s received symbols).
    /// - Precondition: the decoder holds the block kind's codec and every received vector has `2·k` values.
    public func decode(_ blocks: [VitalSignsStreamBlock], received: [[Float]]) -> [VitalSignsStreamOutput] {
        guard let first = blocks.first else { return [] }
        precondition(blocks.allSatisfy { $0.kind == first.kind }, "decode a batch of one block kind at a time")
        let flat = received.flatMap { $0 }
        switch first.kind {
        case .rhythm:
            guard let rhythm else { preconditionFailure("received a rhythm block without a rhythm codec") }
            let width = 2 * rhythm.channelUsesPerWindow
            let outputs = RhythmCodec.interpret(rhythm.pipeline.decode(Tensor(shape: [blocks.count, width], scalars: flat)))
            return zip(blocks, outputs).map {
                .rhythm(index: $0.index, startSample: $0.startSample, rhythm: $1.rhythm, probabilities: $1.probabilities, heartRate: $1.heartRate)
            }
        case .waveform:
            guard let waveform else { preconditionFailure("received a waveform block without a waveform codec") }
            let width = 2 * waveform.channelUsesPerWindow
            let windows = waveform.reconstruct(waveform.pipeline.decode(Tensor(shape: [blocks.count, width], scalars: flat)))
            return zip(blocks, windows).map { .waveform(index: $0.index, startSample: $0.startSample, samples: $1) }
        }
    }
}
