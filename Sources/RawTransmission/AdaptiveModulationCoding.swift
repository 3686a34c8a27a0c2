import Channels
import TensorCore

/// A (modulation, code) pair of the digital baseline.
public struct DigitalScheme: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The modulation.
    public var modulation: ModulationScheme
    /// The channel code.
    public var code: ChannelCode

    /// Creates a pair.
    public init(modulation: ModulationScheme, code: ChannelCode) {
        self.modulation = modulation
        self.code = code
    }

    /// Complex channel uses for one frame of `informationBits` bits: `⌈n / log2 M⌉` with `n`
    /// the coded length (tail included).
    public func channelUses(informationBits: Int) -> Int {
        let m = modulation.bitsPerSymbol
        return (code.encodedLength(informationBitCount: informationBits) + m - 1) / m
    }

    /// `modulation/code`, e.g. `16qam/conv-k7-3/4`.
    public var description: String { "\(modulation)/\(code)" }

    /// A ladder of the usual candidates, from robust to dense: BPSK, QPSK, 16-QAM and 64-QAM,
    /// each with K = 7 convolutional coding at rates 1/2, 2/3 and 3/4, plus uncoded 64-QAM.
    public static let standardCandidates: [DigitalScheme] =
        [ModulationScheme.bpsk, .qpsk, .qam16, .qam64].flatMap { modulation in
            [ChannelCode.convolutionalK7, .convolutionalK7TwoThirds, .convolutionalK7ThreeQuarters].map {
                DigitalScheme(modulation: modulation, code: $0)
            }
        } + [DigitalScheme(modulation: .qam64, code: .none)]
}

/// The scheme chosen by ``AdaptiveModulationCoding`` at one SNR.
public struct AdaptiveSelection: Sendable, Hashable, Codable {
    /// The chosen pair.
    public var scheme: DigitalScheme
    /// Its complex channel uses per frame.
    public var channelUses: Int
    /// Frames simulated for it.
    public var frames: Int
    /// Frame errors among them.
    public var frameErrors: Int
    /// `frameErrors / frames`.
    public var frameErrorRate: Double { Double(frameErrors) / Double(frames) }
}

/// One line of ``AdaptiveModulationCoding/thresholdTable(candidates:snrDecibels:informationBits:channel:targetFrameErrorRate:frames:demapping:using:)``.
public struct AdaptiveTableEntry: Sendable, Hashable, Codable {
    /// The channel SNR (Es/N0 per channel use), dB.
    public var snrDecibels: Double
    /// The chosen scheme, or `nil` if no candidate met the target.
    public var selection: AdaptiveSelection?
}

/// Adaptive modulation and coding — the strongest practical digital baseline: at each SNR, the
/// candidate (modulation, code) with the **fewest channel uses** for the frame whose **measured
/// frame error rate** meets the target (the link-adaptation rule of IEEE 802.11 rate control and
/// LTE CQI tables, here with the FER measured rather than tabulated).
///
/// The FER of a candidate is measured by a short seeded simulation of `frames` frames of the
/// actual frame length (``FrameSimulator``, the engine of ``BERSimulation``) at Es/N0 =
/// `snrDecibels` — a fixed *channel* SNR, so denser schemes get less energy per bit. Candidates are
/// tried in order of channel uses (ties: listed order) and the first with
/// `frameErrors ≤ targetFrameErrorRate · frames` wins; a candidate is abandoned as soon as it
/// exceeds that budget. ``thresholdTable(candidates:snrDecibels:informationBits:channel:targetFrameErrorRate:frames:demapping:using:)``
/// tabulates the choice over an SNR grid, to be computed once and looked up.
///
/// ```swift
/// var rng = Xoshiro256(seed: 1)
/// let choice = AdaptiveModulationCoding.select(
///     candidates: DigitalScheme.standardCandidates, snrDecibels: 12, informationBits: report.informationBits,
///     channel: .awgn, targetFrameErrorRate: 0.01, using: &rng)
/// ```
public enum AdaptiveModulationCoding {
    /// Picks the candidate with the fewest channel uses whose measured FER meets the target.
    /// - Parameters:
    ///   - candidates: the (modulation, code) pairs allowed.
    ///   - snrDecibels: the channel's Es/N0 per complex channel use, dB.
    ///   - informationBits: the frame's information bits (payload + CRC, e.g.
    ///     ``RawTransmissionReport/informationBits``).
    ///   - channel: the channel to measure on.
    ///   - targetFrameErrorRate: the largest acceptable FER, in (0, 1).
    ///   - frames: frames simulated per candidate (default 200; the FER resolution is `1/frames`).
    ///   - demapping: the soft demapper.
    ///   - rng: the generator.
    /// - Returns: the selection, or `nil` if no candidate meets the target.
    /// - Precondition: candidates non-empty, `informationBits ≥ 1`, `frames ≥ 1`, target in (0, 1).
    public static func select<G: RandomNumberGenerator>(
        candidates: [DigitalScheme], snrDecibels: Double, informationBits: Int, channel: BERChannel,
        targetFrameErrorRate: Double, frames: Int = 200, demapping: DemappingMethod = .exact, using rng: inout G
    ) -> AdaptiveSelection? {
        precondition(!candidates.isEmpty, "adaptive selection needs at least one candidate")
        precondition(informationBits >= 1, "informationBits must be ≥ 1, got \(informationBits)")
        precondition(frames >= 1, "frames must be ≥ 1, got \(frames)")
        precondition(
            targetFrameErrorRate > 0 && targetFrameErrorRate < 1,
            "targetFrameErrorRate must be in (0, 1), got \(targetFrameErrorRate)")
        precondition(snrDecibels.isFinite, "SNR must be finite, got \(snrDecibels)")
        let noiseVariance = Float(SNR.noiseVariance(esNoDecibels: snrDecibels))
        let budget = Int((targetFrameErrorRate * Double(frames)).rounded(.down))
        let ordered = candidates.enumerated().sorted {
            let (a, b) = (
                $0.element.channelUses(informationBits: informationBits),
                $1.element.channelUses(informationBits: informationBits)
            )
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
        for scheme in ordered {
            let simulator = FrameSimulator(
                modulation: scheme.modulation, code: scheme.code, channel: channel,
                informationBitsPerFrame: informationBits, demapping: demapping)
            var sent = 0
            var frameErrors = 0
            let batchSize = Swift.max(1, Swift.min(25, frames))
            while sent < frames && frameErrors <= budget {
                let batch = Swift.min(batchSize, frames - sent)
                frameErrors += simulator.simulate(frames: batch, noiseVariance: noiseVariance, using: &rng).frameErrors
                sent += batch
            }
            if frameErrors <= budget {
                return AdaptiveSelection(
                    scheme: scheme, channelUses: scheme.channelUses(informationBits: informationBits), frames: sent,
                    frameErrors: frameErrors)
            }
        }
        return nil
    }

    /// The selection at every SNR of a grid: a threshold table computed by seeded simulation.
    /// Parameters as in ``select(candidates:snrDecibels:informationBits:channel:targetFrameErrorRate:frames:demapping:using:)``.
    public static func thresholdTable<G: RandomNumberGenerator>(
        candidates: [DigitalScheme], snrDecibels: [Double], informationBits: Int, channel: BERChannel,
        targetFrameErrorRate: Double, frames: Int = 200, demapping: DemappingMethod = .exact, using rng: inout G
    ) -> [AdaptiveTableEntry] {
        snrDecibels.map { snr in
            AdaptiveTableEntry(
                snrDecibels: snr,
                selection: select(
                    candidates: candidates, snrDecibels: snr, informationBits: informationBits, channel: channel,
                    targetFrameErrorRate: targetFrameErrorRate, frames: frames, demapping: demapping, using: &rng))
        }
    }
}
