import Channels
import RealModule
import TensorCore

/// Monte-Carlo bit- and frame-error-rate simulation of a (modulation, code, channel) over a list
/// of Eb/N0 values, with Sionna's early-stopping rule (`sionna.phy.utils.sim_ber`): each point
/// sends batches of frames of random information bits until it has seen `targetBitErrors` bit
/// errors or sent `maximumBitCount` bits, whichever comes first.
///
/// ## Energy accounting
/// Eb/N0 is converted to Es/N0 with ``SNR/esNoDecibels(ebNoDecibels:bitsPerSymbol:codeRate:)``
/// using the *effective* rate `k / (symbols · log2 M)` of a frame (information bits per
/// transmitted coded bit): the convolutional code's 6 tail bits and the padding to a whole symbol
/// cost energy too (with the default 1200-bit frames, rate 1/2 becomes 1200/2412, −0.02 dB).
/// Symbols have unit energy, so `N0 = 10^(−EsN0/10)`.
///
/// ## Channels
/// ``BERChannel``: AWGN, Rayleigh fast fading or Rayleigh block fading (one coefficient per
/// frame), both with perfect CSI at the demapper (`y = h·x + n`, LLRs with the known `h`).
///
/// This file lives in `RawTransmission` (not `Channels`) because it reuses the raw link's
/// coherent-receiver plumbing and its typed error; it needs only `Channels` and `TensorCore`.
///
/// ```swift
/// let configuration = BERSimulationConfiguration(
///     modulation: .qpsk, code: .convolutionalK7, channel: .awgn,
///     ebNoDecibels: try BERSimulation.parseEbNoList("0:1:6"))
/// let rows = BERSimulation.run(configuration)   // seeded from configuration.seed
/// ```
public enum BERSimulation {
    /// Runs the simulation with a generator seeded from ``BERSimulationConfiguration/seed``
    /// (`Xoshiro256(seed:)`): the same configuration gives the same rows.
    /// - Returns: one row per Eb/N0 value (fewer if ``BERSimulationConfiguration/stopAfterErrorFreePoint``
    ///   ended the sweep early).
    public static func run(_ configuration: BERSimulationConfiguration) -> [BERRow] {
        var rng = Xoshiro256(seed: configuration.seed)
        return run(configuration, using: &rng)
    }

    /// Runs the simulation with the given generator.
    /// - Parameters:
    ///   - configuration: what to simulate.
    ///   - rng: the generator (bits, padding, fading, noise).
    /// - Returns: one row per Eb/N0 value, in order.
    public static func run<G: RandomNumberGenerator>(_ configuration: BERSimulationConfiguration, using rng: inout G)
        -> [BERRow]
    {
        let simulator = FrameSimulator(
            modulation: configuration.modulation, code: configuration.code, channel: configuration.channel,
            informationBitsPerFrame: configuration.informationBitsPerFrame, demapping: configuration.demapping)
        let k = configuration.informationBitsPerFrame
        var rows = [BERRow]()
        for ebNo in configuration.ebNoDecibels {
            let esNo = SNR.esNoDecibels(
                ebNoDecibels: ebNo, bitsPerSymbol: configuration.modulation.bitsPerSymbol,
                codeRate: simulator.effectiveCodeRate)
            let noiseVariance = Float(SNR.noiseVariance(esNoDecibels: esNo))
            var bits = 0
            var bitErrors = 0
            var frames = 0
            var frameErrors = 0
            while bitErrors < configuration.targetBitErrors && bits < configuration.maximumBitCount {
                let remainingFrames = (configuration.maximumBitCount - bits + k - 1) / k
                let batch = Swift.min(configuration.framesPerBatch, remainingFrames)
                let result = simulator.simulate(frames: batch, noiseVariance: noiseVariance, using: &rng)
                bits += batch * k
                frames += batch
                bitErrors += result.bitErrors
                frameErrors += result.frameErrors
            }
            rows.append(
                BERRow(
                    modulation: configuration.modulation, code: configuration.code, channel: configuration.channel,
                    ebNoDecibels: ebNo, snrDecibels: esNo, bits: bits, bitErrors: bitErrors, frames: frames,
                    frameErrors: frameErrors))
            if configuration.stopAfterErrorFreePoint && bitErrors == 0 { break }
        }
        return rows
    }

    /// Parses an Eb/N0 list in dB: a range `start:step:stop` (inclusive of `stop` when it lies on
    /// the grid, e.g. `0:1:10` → 0, 1, …, 10; `10:-2:0` counts down), a comma list (`0,2.5,5`) or a
    /// single value. Spaces are ignored.
    /// - Returns: the values, in the given order (range values are `start + i·step`, rounded to
    ///   10⁻⁹ dB to hide binary rounding).
    /// - Throws: ``RawTransmissionError`` `.invalidSyntax` for an empty list, an empty or
    ///   non-numeric or non-finite entry, a range without exactly three parts, a zero step, a step
    ///   pointing away from `stop`, or more than 10 000 points.
    public static func parseEbNoList(_ text: String) throws -> [Double] {
        let compact = String(text.filter { !$0.isWhitespace })
        if compact.isEmpty {
            throw RawTransmissionError(
                code: .invalidSyntax, message: "Eb/N0 list is empty; expected start:step:stop or a,b,c")
        }
        func number(_ part: Substring, _ role: String) throws -> Double {
            guard let value = Double(part), value.isFinite else {
                throw RawTransmissionError(
                    code: .invalidSyntax,
                    message: "Eb/N0 list '\(text)': \(role) '\(part)' is not a finite number in dB")
            }
            return value
        }
        if compact.contains(":") {
            let parts = compact.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw RawTransmissionError(
                    code: .invalidSyntax,
                    message: "Eb/N0 range '\(text)' has \(parts.count) parts; expected start:step:stop")
            }
            let start = try number(parts[0], "start")
            let step = try number(parts[1], "step")
            let stop = try number(parts[2], "stop")
            guard step != 0 else {
                throw RawTransmissionError(code: .invalidSyntax, message: "Eb/N0 range '\(text)' has step 0")
            }
            let span = (stop - start) / step
            guard span >= -1e-9 else {
                throw RawTransmissionError(
                    code: .invalidSyntax,
                    message: "Eb/N0 range '\(text)': step \(step) does not lead from \(start) to \(stop)")
            }
            guard span <= 9_999 + 1e-9 else {
                throw RawTransmissionError(
                    code: .invalidSyntax, message: "Eb/N0 range '\(text)' has more than 10000 points")
            }
            let count = Int((span + 1e-9).rounded(.down)) + 1
            return (0..<count).map { ((start + Double($0) * step) * 1e9).rounded() / 1e9 }
        }
        let parts = compact.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 10_000 else {
            throw RawTransmissionError(code: .invalidSyntax, message: "Eb/N0 list has more than 10000 points")
        }
        return try parts.enumerated().map { offset, part in
            if part.isEmpty {
                throw RawTransmissionError(
                    code: .invalidSyntax, message: "Eb/N0 list '\(text)': entry \(offset) is empty")
            }
            return try number(part, "entry \(offset)")
        }
    }
}

/// What ``BERSimulation`` simulates.
public struct BERSimulationConfiguration: Sendable, Hashable {
    /// The modulation.
    public var modulation: ModulationScheme
    /// The channel code.
    public var code: ChannelCode
    /// The channel.
    public var channel: BERChannel
    /// The Eb/N0 points, dB (see ``BERSimulation/parseEbNoList(_:)``).
    public var ebNoDecibels: [Double]
    /// Information bits per frame (one code word), default 1200 (a multiple of 4 and of every
    /// bits-per-symbol, so uncoded frames need no padding).
    public var informationBitsPerFrame: Int
    /// Stop a point after this many information bits (rounded up to whole frames), default 10⁶.
    public var maximumBitCount: Int
    /// Stop a point once this many bit errors were counted (checked after each batch), default 1000.
    public var targetBitErrors: Int
    /// Frames simulated between two checks of the stopping rule, default 50.
    public var framesPerBatch: Int
    /// The soft demapper, default exact LLRs.
    public var demapping: DemappingMethod
    /// Stop the sweep after the first point without any bit error (Sionna's `early_stop`),
    /// default `false`.
    public var stopAfterErrorFreePoint: Bool
    /// The seed used by ``BERSimulation/run(_:)``.
    public var seed: UInt64

    /// Creates a configuration.
    /// - Precondition: all counts ≥ 1, every Eb/N0 finite.
    public init(
        modulation: ModulationScheme, code: ChannelCode, channel: BERChannel, ebNoDecibels: [Double],
        informationBitsPerFrame: Int = 1200, maximumBitCount: Int = 1_000_000, targetBitErrors: Int = 1000,
        framesPerBatch: Int = 50, demapping: DemappingMethod = .exact, stopAfterErrorFreePoint: Bool = false,
        seed: UInt64 = 1
    ) {
        precondition(
            informationBitsPerFrame >= 1, "informationBitsPerFrame must be ≥ 1, got \(informationBitsPerFrame)")
        precondition(maximumBitCount >= 1, "maximumBitCount must be ≥ 1, got \(maximumBitCount)")
        precondition(targetBitErrors >= 1, "targetBitErrors must be ≥ 1, got \(targetBitErrors)")
        precondition(framesPerBatch >= 1, "framesPerBatch must be ≥ 1, got \(framesPerBatch)")
        precondition(ebNoDecibels.allSatisfy(\.isFinite), "Eb/N0 values must be finite, got \(ebNoDecibels)")
        self.modulation = modulation
        self.code = code
        self.channel = channel
        self.ebNoDecibels = ebNoDecibels
        self.informationBitsPerFrame = informationBitsPerFrame
        self.maximumBitCount = maximumBitCount
        self.targetBitErrors = targetBitErrors
        self.framesPerBatch = framesPerBatch
        self.demapping = demapping
        self.stopAfterErrorFreePoint = stopAfterErrorFreePoint
        self.seed = seed
    }
}

/// One point of a BER simulation; JSON keys are snake_case
/// (`modulation, code, channel, ebn0_db, snr_db, bits, bit_errors, ber, frames, frame_errors`).
public struct BERRow: Sendable, Hashable, Codable {
    /// The modulation (`bpsk`, `qpsk`, `16qam`, `64qam`).
    public var modulation: ModulationScheme
    /// The code (`none`, `hamming74`, `conv-k7`, …).
    public var code: ChannelCode
    /// The channel (`awgn`, `rayleigh`, `rayleigh-block`).
    public var channel: BERChannel
    /// Eb/N0, dB.
    public var ebNoDecibels: Double
    /// The corresponding Es/N0 per complex channel use, dB.
    public var snrDecibels: Double
    /// Information bits simulated.
    public var bits: Int
    /// Information-bit errors after decoding.
    public var bitErrors: Int
    /// `bitErrors / bits`.
    public var ber: Double
    /// Frames simulated.
    public var frames: Int
    /// Frames with at least one bit error.
    public var frameErrors: Int

    /// The frame error rate `frameErrors / frames`.
    public var fer: Double { frames > 0 ? Double(frameErrors) / Double(frames) : 0 }

    enum CodingKeys: String, CodingKey {
        case modulation, code, channel
        case ebNoDecibels = "ebn0_db"
        case snrDecibels = "snr_db"
        case bits
        case bitErrors = "bit_errors"
        case ber, frames
        case frameErrors = "frame_errors"
    }

    /// Creates a row; ``ber`` is computed from the counts.
    public init(
        modulation: ModulationScheme, code: ChannelCode, channel: BERChannel, ebNoDecibels: Double,
        snrDecibels: Double, bits: Int, bitErrors: Int, frames: Int, frameErrors: Int
    ) {
        self.modulation = modulation
        self.code = code
        self.channel = channel
        self.ebNoDecibels = ebNoDecibels
        self.snrDecibels = snrDecibels
        self.bits = bits
        self.bitErrors = bitErrors
        self.ber = bits > 0 ? Double(bitErrors) / Double(bits) : 0
        self.frames = frames
        self.frameErrors = frameErrors
    }
}

/// Closed-form bit error probabilities to check simulations against (Proakis & Salehi,
/// *Digital Communications*, 5th ed., §4.3 and §13.3; the formulas of REFERENCE-NUMBERS.md).
public enum BERTheory {
    /// The Gaussian tail `Q(x) = ½·erfc(x/√2)`.
    public static func q(_ x: Double) -> Double { 0.5 * Double.erfc(x / 2.0.squareRoot()) }

    /// BPSK, and Gray QPSK per bit, over AWGN: `Q(√(2·Eb/N0))`.
    public static func bpskAWGN(ebNoDecibels: Double) -> Double {
        q((2 * SNR.linear(fromDecibels: ebNoDecibels)).squareRoot())
    }

    /// Gray square M-QAM over AWGN per bit, nearest-neighbour approximation
    /// `(4/m)(1 − 1/√M)·Q(√(3m/(M−1)·Eb/N0))`, `m = log2 M`; for 16-QAM `(3/4)·Q(√(4/5·Eb/N0))`.
    /// BPSK and QPSK get the exact `Q(√(2·Eb/N0))`.
    public static func grayQAMAWGN(_ modulation: ModulationScheme, ebNoDecibels: Double) -> Double {
        let m = Double(modulation.bitsPerSymbol)
        if modulation.bitsPerSymbol <= 2 { return bpskAWGN(ebNoDecibels: ebNoDecibels) }
        let points = Double(modulation.pointCount)
        let ebNo = SNR.linear(fromDecibels: ebNoDecibels)
        return 4 / m * (1 - 1 / points.squareRoot()) * q((3 * m / (points - 1) * ebNo).squareRoot())
    }

    /// Coherent BPSK (and Gray QPSK per bit) over Rayleigh fading with mean Eb/N0 `γ`:
    /// `½(1 − √(γ/(1+γ)))`.
    public static func bpskRayleigh(ebNoDecibels: Double) -> Double {
        let gamma = SNR.linear(fromDecibels: ebNoDecibels)
        return 0.5 * (1 - (gamma / (1 + gamma)).squareRoot())
    }
}
