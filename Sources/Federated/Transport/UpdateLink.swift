import Channels
import RealModule
import TensorCore

/// How clinic updates cross the air between a clinic and the server.
public enum UpdateLinkConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// A perfect link (updates arrive exactly).
    case ideal
    /// **Digital**: the quantized update (b-bit integers) is packed into frames of at most
    /// `frameBits` payload bits, each with a CRC-32C, encoded with `code`, modulated and sent over
    /// AWGN at Es/N0 = `snrDecibels`; the receiver soft-demaps, decodes and checks every CRC.
    /// A failed frame loses the whole update of that clinic for the round (a dropout).
    case digital(snrDecibels: Double, modulation: ModulationScheme, code: ChannelCode, frameBits: Int)
    /// **Analog**: the real update is power-normalized and sent as real symbols (two per complex
    /// channel use) over AWGN at Es/N0 = `snrDecibels`; the receiver rescales (the scale travels
    /// as side information) and uses the noisy values. Incompatible with secure aggregation.
    case analog(snrDecibels: Double)

    /// The digital default at an SNR: QPSK with the K = 7 rate-1/2 convolutional code, 1,024-bit frames.
    public static func digital(snrDecibels: Double) -> UpdateLinkConfiguration {
        .digital(snrDecibels: snrDecibels, modulation: .qpsk, code: .convolutionalK7, frameBits: 1024)
    }

    /// `ideal`, `digital(qpsk conv-k7 @ 10 dB)` or `analog(@ 10 dB)`.
    public var description: String {
        switch self {
        case .ideal: "ideal"
        case .digital(let snr, let modulation, let code, _): "digital(\(modulation) \(code) @ \(snr) dB)"
        case .analog(let snr): "analog(@ \(snr) dB)"
        }
    }

    /// The channel name for result rows: `none`, `awgn-digital` or `awgn-analog`.
    public var channelName: String {
        switch self {
        case .ideal: "none"
        case .digital: "awgn-digital"
        case .analog: "awgn-analog"
        }
    }

    /// Es/N0 in dB, `nil` for the ideal link.
    public var snrDecibels: Double? {
        switch self {
        case .ideal: nil
        case .digital(let snr, _, _, _), .analog(let snr): snr
        }
    }
}

/// What the links did during a run (summed over clinics and rounds).
public struct LinkStatistics: Sendable, Hashable, Codable {
    /// Updates sent over a link.
    public var updatesSent = 0
    /// Updates lost because a frame failed its CRC (digital only).
    public var updatesLost = 0
    /// Frames sent (digital).
    public var framesSent = 0
    /// Frames whose CRC failed (digital).
    public var frameErrors = 0
    /// Complex channel uses spent.
    public var channelUses = 0
    /// Σ squared error of analog updates, and Σ squared norm of the sent updates (analog).
    public var analogSquaredError = 0.0
    /// Σ ‖update‖² of analog updates.
    public var analogSquaredNorm = 0.0

    /// Creates empty statistics.
    public init() {}

    /// The fraction of updates lost to the channel.
    public var updateLossRate: Double { updatesSent == 0 ? 0 : Double(updatesLost) / Double(updatesSent) }
    /// Frame error rate.
    public var frameErrorRate: Double { framesSent == 0 ? 0 : Double(frameErrors) / Double(framesSent) }
    /// Normalized MSE of analog updates (Σ error² / Σ norm²).
    public var analogNMSE: Double { analogSquaredNorm == 0 ? 0 : analogSquaredError / analogSquaredNorm }

    /// Adds another run's statistics.
    public mutating func add(_ other: LinkStatistics) {
        updatesSent += other.updatesSent
        updatesLost += other.updatesLost
        framesSent += other.framesSent
        frameErrors += other.frameErrors
        channelUses += other.channelUses
        analogSquaredError += other.analogSquaredError
        analogSquaredNorm += other.analogSquaredNorm
    }
}

/// Sends one update over an ``UpdateLinkConfiguration``.
public struct UpdateLink: Sendable {
    /// The link.
    public let configuration: UpdateLinkConfiguration
    let constellation: Constellation?

    /// Creates a link.
    /// - Precondition: a digital link has `frameBits ≥ 8` and a finite SNR.
    public init(_ configuration: UpdateLinkConfiguration) {
        self.configuration = configuration
        switch configuration {
        case .digital(let snr, let modulation, _, let frameBits):
            precondition(frameBits >= 8 && snr.isFinite, "Digital link needs frameBits ≥ 8 and a finite SNR")
            constellation = Constellation(modulation)
        case .analog(let snr):
            precondition(snr.isFinite, "Analog link needs a finite SNR")
            constellation = nil
        case .ideal:
            constellation = nil
        }
    }

    /// Sends `values` (each < 2^bits) digitally; returns them as received, or `nil` if a frame failed.
    /// On the ideal or analog link the integers arrive intact (an analog link cannot carry them;
    /// the caller rejects that combination).
    /// - Parameters:
    ///   - values: the integers, `[count]`.
    ///   - bits: bits per value, 1…64.
    ///   - statistics: updated with what was sent.
    ///   - rng: the channel noise.
    public func send<G: RandomNumberGenerator>(
        integers values: [UInt64], bits: Int, statistics: inout LinkStatistics, using rng: inout G
    ) -> [UInt64]? {
        guard case .digital(let snr, _, let code, let frameBits) = configuration, let constellation else {
            return values
        }
        statistics.updatesSent += 1
        var payload: [UInt8] = []
        payload.reserveCapacity(values.count * bits)
        for value in values {
            for b in 0..<bits { payload.append(UInt8(truncatingIfNeeded: (value >> UInt64(b)) & 1)) }
        }
        var received: [UInt8] = []
        received.reserveCapacity(payload.count)
        let noiseVariance = Float(Double.pow(10, -snr / 10))
        var lost = false
        var start = 0
        while start < payload.count {
            let end = Swift.min(payload.count, start + frameBits)
            let frame = CRC32C.appendingChecksum(toBits: Array(payload[start..<end]))
            statistics.framesSent += 1
            do {
                let coded = try code.encode(frame)
                let m = constellation.bitsPerSymbol
                let padded = coded + [UInt8](repeating: 0, count: (m - coded.count % m) % m)
                let x = Tensor<Float>(shape: [1, padded.count / m * 2], scalars: try constellation.map(padded))
                statistics.channelUses += padded.count / m
                let y = AWGN(noise: .noiseVariance(noiseVariance)).apply(x, state: (), using: &rng)
                var llrs = try constellation.softDemap(y.scalars, noiseVariance: noiseVariance)
                llrs.removeLast(llrs.count - coded.count)
                let decoded = try code.decode(llrs, informationBitCount: frame.count)
                if CRC32C.hasValidChecksum(bits: decoded) {
                    received.append(contentsOf: decoded.dropLast(32))
                } else {
                    statistics.frameErrors += 1
                    lost = true
                }
            } catch {
                // Bits are 0/1, lengths come from the code, and the channel output is finite.
                preconditionFailure("update link: a well-formed frame failed to encode or decode: \(error)")
            }
            start = end
        }
        if lost {
            statistics.updatesLost += 1
            return nil
        }
        var output = [UInt64](repeating: 0, count: values.count)
        for i in 0..<values.count {
            var value: UInt64 = 0
            for b in 0..<bits where received[i * bits + b] == 1 { value |= UInt64(1) << UInt64(b) }
            output[i] = value
        }
        return output
    }

    /// Sends real values over the analog link (unit average symbol power, the scale as error-free
    /// side information); other links return them unchanged.
    /// - Parameters:
    ///   - values: `[count]` finite reals.
    ///   - statistics: updated with the channel uses and the squared error.
    ///   - rng: the channel noise.
    public func send<G: RandomNumberGenerator>(
        reals values: [Double], statistics: inout LinkStatistics, using rng: inout G
    ) -> [Double] {
        guard case .analog(let snr) = configuration, !values.isEmpty else { return values }
        statistics.updatesSent += 1
        let padded = values.count % 2 == 0 ? values : values + [0]
        let power = padded.reduce(0) { $0 + $1 * $1 } / Double(padded.count / 2)  // per complex symbol
        let scale = power > 0 ? power.squareRoot() : 1
        let x = Tensor<Float>(shape: [1, padded.count], scalars: padded.map { Float($0 / scale) })
        let y = AWGN(snrDecibels: Float(snr)).apply(x, state: (), using: &rng)
        statistics.channelUses += padded.count / 2
        var output = [Double](repeating: 0, count: values.count)
        for i in 0..<values.count {
            output[i] = Double(y.scalars[i]) * scale
            let error = output[i] - values[i]
            statistics.analogSquaredError += error * error
            statistics.analogSquaredNorm += values[i] * values[i]
        }
        return output
    }
}
