import Channels
import TensorCore

/// The digital half of the raw baseline: channel code, optional interleaver, modulation and
/// demapping, shared by every transmitted sample.
///
/// ```swift
/// let configuration = RawLinkConfiguration(
///     source: RawSourceCoding(quantization: .adaptive(bitsPerValue: 12), compression: .zstd()),
///     modulation: .qpsk, code: .convolutionalK7)
/// ```
public struct RawLinkConfiguration: Sendable {
    /// The source coder (quantization and compression).
    public var source: RawSourceCoding
    /// The modulation.
    public var modulation: ModulationScheme
    /// The forward error-correcting code.
    public var code: ChannelCode
    /// An optional block interleaver over the coded bits (spreads fading bursts).
    public var interleaver: BlockInterleaver?
    /// How the soft demapper computes LLRs.
    public var demapping: DemappingMethod
    /// The largest text the receiver accepts, in UTF-8 bytes (bounds zstd decompression).
    public var maximumTextByteCount: Int

    /// Creates a link configuration.
    /// - Precondition: `maximumTextByteCount ≥ 1`.
    public init(
        source: RawSourceCoding, modulation: ModulationScheme, code: ChannelCode,
        interleaver: BlockInterleaver? = nil, demapping: DemappingMethod = .exact,
        maximumTextByteCount: Int = RawSampleLayout.defaultMaximumTextByteCount
    ) {
        precondition(maximumTextByteCount >= 1, "maximumTextByteCount must be ≥ 1, got \(maximumTextByteCount)")
        self.source = source
        self.modulation = modulation
        self.code = code
        self.interleaver = interleaver
        self.demapping = demapping
        self.maximumTextByteCount = maximumTextByteCount
    }
}

extension RawLinkConfiguration {
    /// The (modulation, code) pair, e.g. to apply an ``AdaptiveSelection``:
    /// `configuration.scheme = selection.scheme`.
    public var scheme: DigitalScheme {
        get { DigitalScheme(modulation: modulation, code: code) }
        set {
            modulation = newValue.modulation
            code = newValue.code
        }
    }
}

/// What the receiver returns when a frame cannot be decoded (CRC failure, corrupt zstd frame, bad
/// unpacking): the raw baseline never crashes and never returns garbage.
public enum RawFallback: Sendable, Hashable {
    /// Always this sample — e.g. the training-set field means, or the majority class's typical
    /// record, or an empty note.
    case fixed(RawSample)
    /// The last sample this link decoded successfully; `initial` until the first success.
    case lastGood(initial: RawSample)
}

/// The outcome of sending one sample over the raw path.
public struct RawTransmissionReport: Sendable {
    /// What the receiver hands to the task: the decoded sample, or the fallback on failure.
    public var output: RawSample
    /// Whether the frame passed the CRC and decoded (`failure == nil`).
    public var frameSucceeded: Bool { failure == nil }
    /// Why the frame fell back, or `nil` on success.
    public var failure: RawDecodeFailure?
    /// Complex channel uses (symbols) spent on the sample.
    public var channelUses: Int
    /// Payload bits after source coding (quantization, packing, compression).
    public var payloadBits: Int
    /// Information bits entering the FEC: payload plus the 32 CRC-32C bits.
    public var informationBits: Int
    /// Coded bits leaving the FEC (tail included; modulation padding excluded).
    public var codedBits: Int
    /// Errors among the `informationBits` after FEC decoding, before the CRC check (the
    /// transmitter's bits are the truth).
    public var bitErrors: Int
}

/// A summary of many transmissions.
public struct RawBatchSummary: Sendable, Hashable, Codable {
    /// Samples sent (one frame each).
    public var samples: Int
    /// Mean complex channel uses per sample.
    public var channelUsesPerSample: Double
    /// Information bits sent in total (payload + CRC).
    public var informationBits: Int
    /// Information-bit errors after FEC decoding.
    public var bitErrors: Int
    /// `bitErrors / informationBits`.
    public var ber: Double
    /// Frames with at least one information-bit error after FEC decoding.
    public var frameErrors: Int
    /// `frameErrors / samples`.
    public var fer: Double
    /// Frames that fell back (CRC failure, decompression or unpacking failure).
    public var decodeFailures: Int
    /// Frames with bit errors that nevertheless passed the CRC (expected ≈ 2⁻³² of the errored ones).
    public var undetectedErrors: Int

    enum CodingKeys: String, CodingKey {
        case samples
        case channelUsesPerSample = "channel_uses_per_sample"
        case informationBits = "information_bits"
        case bitErrors = "bit_errors"
        case ber
        case frameErrors = "frame_errors"
        case fer
        case decodeFailures = "decode_failures"
        case undetectedErrors = "undetected_errors"
    }

    /// Summarizes reports.
    public init(_ reports: [RawTransmissionReport]) {
        samples = reports.count
        let uses = reports.reduce(0) { $0 + $1.channelUses }
        channelUsesPerSample = reports.isEmpty ? 0 : Double(uses) / Double(reports.count)
        informationBits = reports.reduce(0) { $0 + $1.informationBits }
        bitErrors = reports.reduce(0) { $0 + $1.bitErrors }
        ber = informationBits > 0 ? Double(bitErrors) / Double(informationBits) : 0
        frameErrors = reports.count { $0.bitErrors > 0 }
        fer = reports.isEmpty ? 0 : Double(frameErrors) / Double(reports.count)
        decodeFailures = reports.count { !$0.frameSucceeded }
        undetectedErrors = reports.count { $0.bitErrors > 0 && $0.frameSucceeded }
    }
}

/// One point of ``RawLink/sweep(_:snrDecibels:channel:using:)``.
public struct RawSweepPoint: Sendable, Hashable, Codable {
    /// The channel's SNR (Es/N0, dB) at this point.
    public var snrDecibels: Double
    /// The batch statistics at this SNR.
    public var summary: RawBatchSummary

    enum CodingKeys: String, CodingKey {
        case snrDecibels = "snr_db"
        case summary
    }
}

/// The raw-transmission baseline of ARCHITECTURE.md, end to end, one frame per sample:
///
/// serialize → quantize → zstd (optional dictionary) → CRC-32C → FEC → interleave (optional) →
/// modulate → channel → soft demodulate (LLRs, perfect CSI) → deinterleave → FEC decode →
/// CRC check → zstd decode → dequantize.
///
/// - The frame is `payload bits ‖ CRC-32C` (``CRC32C/appendingChecksum(toBits:)``), encoded by
///   the ``ChannelCode`` and padded with zero bits to a whole number of symbols.
/// - The receiver is assumed to know the frame length (the payload size is signalled out of band,
///   like the SIGNAL field of an IEEE 802.11 PPDU; its cost is not counted) and the sample's
///   ``RawSampleLayout`` (the shared schema).
/// - A frame that fails the CRC, zstd or unpacking is a **decode failure**: the receiver returns
///   the ``RawFallback`` and the report says why — never a trap.
///
/// ```swift
/// var link = RawLink(configuration: configuration, fallback: .fixed(.values(fieldMeans)))
/// var rng = Xoshiro256(seed: 1)
/// let channel = RayleighFading(coherence: .perSymbol, noise: .snr(decibels: 10))
/// let report = try link.transmit(.values(record), over: channel, using: &rng)
/// report.channelUses; report.frameSucceeded; report.output
/// ```
public struct RawLink: Sendable {
    /// The link parameters.
    public var configuration: RawLinkConfiguration
    /// What the receiver returns on a decode failure.
    public var fallback: RawFallback
    /// The last successfully decoded sample (used by ``RawFallback/lastGood(initial:)``).
    public private(set) var lastGood: RawSample?

    /// Creates a link.
    public init(configuration: RawLinkConfiguration, fallback: RawFallback) {
        self.configuration = configuration
        self.fallback = fallback
    }

    /// The receiver's current fallback sample.
    public var currentFallback: RawSample {
        switch fallback {
        case .fixed(let sample): sample
        case .lastGood(let initial): lastGood ?? initial
        }
    }

    /// Sends one sample over `channel` and decodes it.
    /// - Parameters:
    ///   - sample: the sample (its layout is the receiver's schema).
    ///   - channel: a complex-symbol channel; the receiver uses its state as perfect CSI.
    ///   - rng: the generator for the channel (state, then noise).
    /// - Returns: the output (decoded or fallback) and the frame's statistics.
    /// - Throws: ``RawTransmissionError`` for a sample the transmitter cannot encode (empty,
    ///   non-finite values, zstd failure). Channel errors never throw.
    public mutating func transmit<C: CoherentReceiverChannel, G: RandomNumberGenerator>(
        _ sample: RawSample, over channel: C, using rng: inout G
    ) throws -> RawTransmissionReport {
        let frame = try encodeFrame(sample)
        let x = Tensor<Float>(shape: [1, frame.symbols.count], scalars: frame.symbols)
        let (y, state) = channel.transmit(x, using: &rng)
        let observation = channel.coherentObservation(received: y, transmitted: x, state: state)
        return receive(
            observation, frame: frame, layout: sample.layout(maximumTextByteCount: configuration.maximumTextByteCount))
    }

    /// Sends every sample (one frame each) over the same channel.
    /// - Returns: one report per sample (in order) and their summary.
    /// - Throws: as ``transmit(_:over:using:)``.
    public mutating func run<C: CoherentReceiverChannel, G: RandomNumberGenerator>(
        _ samples: [RawSample], over channel: C, using rng: inout G
    ) throws -> (reports: [RawTransmissionReport], summary: RawBatchSummary) {
        var reports = [RawTransmissionReport]()
        reports.reserveCapacity(samples.count)
        for sample in samples { reports.append(try transmit(sample, over: channel, using: &rng)) }
        return (reports, RawBatchSummary(reports))
    }

    /// Sends every sample at each SNR, over `channel(snrDecibels)`, starting each SNR from this
    /// link's current fallback state.
    /// - Parameters:
    ///   - samples: the samples.
    ///   - snrDecibels: channel SNRs (Es/N0, dB).
    ///   - channel: builds the channel for an SNR, e.g. `{ AWGN(snrDecibels: Float($0)) }`.
    ///   - rng: the generator.
    /// - Returns: one summary per SNR, in order.
    /// - Throws: as ``transmit(_:over:using:)``.
    public func sweep<C: CoherentReceiverChannel, G: RandomNumberGenerator>(
        _ samples: [RawSample], snrDecibels: [Double], channel: (Double) -> C, using rng: inout G
    ) throws -> [RawSweepPoint] {
        try snrDecibels.map { snr in
            var link = self
            return RawSweepPoint(
                snrDecibels: snr, summary: try link.run(samples, over: channel(snr), using: &rng).summary)
        }
    }

    // MARK: - Frame

    /// A frame ready for the channel.
    struct Frame {
        var informationBits: [UInt8]
        var payloadBitCount: Int
        var codedBitCount: Int
        var symbols: [Float]
    }

    /// Source coding, CRC, FEC, interleaving, padding and mapping.
    func encodeFrame(_ sample: RawSample) throws -> Frame {
        let payload = try configuration.source.encode(sample)
        let payloadBits = BitPacking.bits(of: payload)
        let information = CRC32C.appendingChecksum(toBits: payloadBits)
        let constellation = configuration.modulation.constellation
        do {
            var coded = try configuration.code.encode(information)
            let codedCount = coded.count
            if let interleaver = configuration.interleaver { coded = interleaver.interleave(coded) }
            let m = constellation.bitsPerSymbol
            coded.append(contentsOf: repeatElement(0, count: (m - coded.count % m) % m))
            return Frame(
                informationBits: information, payloadBitCount: payloadBits.count, codedBitCount: codedCount,
                symbols: try constellation.map(coded))
        } catch {
            // Bits from BitPacking/CRC32C are 0/1 and padded to whole symbols by construction.
            preconditionFailure("raw link: encoding well-formed bits failed: \(error)")
        }
    }

    /// Demapping, deinterleaving, FEC decoding, CRC check and source decoding of example 0 of
    /// `observation`; updates the last good sample.
    mutating func receive(_ observation: CoherentObservation, frame: Frame, layout: RawSampleLayout)
        -> RawTransmissionReport
    {
        var report = RawTransmissionReport(
            output: currentFallback, failure: nil, channelUses: frame.symbols.count / 2,
            payloadBits: frame.payloadBitCount, informationBits: frame.informationBits.count,
            codedBits: frame.codedBitCount, bitErrors: 0)
        let constellation = configuration.modulation.constellation
        guard
            var llrs = try? constellation.softDemap(
                observation.symbols, noiseVariance: observation.noiseVariances[0],
                channelGains: observation.channelGains, method: configuration.demapping)
        else {
            // Non-finite channel output: nothing trustworthy was received.
            report.failure = .checksumMismatch
            report.bitErrors = frame.informationBits.count
            return report
        }
        llrs.removeLast(llrs.count - frame.codedBitCount)
        if let interleaver = configuration.interleaver { llrs = interleaver.deinterleave(llrs) }
        guard
            let decoded = try? configuration.code.decode(llrs, informationBitCount: frame.informationBits.count)
        else {
            report.failure = .checksumMismatch
            report.bitErrors = frame.informationBits.count
            return report
        }
        report.bitErrors = zip(decoded, frame.informationBits).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) }
        guard CRC32C.hasValidChecksum(bits: decoded) else {
            report.failure = .checksumMismatch
            return report
        }
        let payload = BitPacking.bytes(fromBits: Array(decoded[0..<frame.payloadBitCount]))
        switch configuration.source.decode(payload, layout: layout) {
        case .sample(let sample):
            report.output = sample
            lastGood = sample
        case .failure(let reason):
            report.failure = reason
        }
        return report
    }
}
