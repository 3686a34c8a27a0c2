import Channels
import TensorCore

/// The channel of a BER / FER simulation.
public enum BERChannel: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Additive white Gaussian noise.
    case awgn = "awgn"
    /// Rayleigh fast fading (an independent `h ~ CN(0, 1)` per symbol) with perfect CSI at the
    /// receiver — the channel of the textbook curve `½(1 − √(γ/(1+γ)))`.
    case rayleigh = "rayleigh"
    /// Rayleigh block fading: one coefficient per frame, perfect CSI (what a short packet sees).
    case rayleighBlock = "rayleigh-block"

    /// The command-line spelling.
    public var description: String { rawValue }

    /// Parses `awgn`, `rayleigh` or `rayleigh-block` (case-insensitive).
    /// - Throws: ``RawTransmissionError`` `.invalidSyntax` naming the accepted spellings.
    public init(parsing text: String) throws {
        guard let channel = BERChannel(rawValue: text.lowercased()) else {
            throw RawTransmissionError(
                code: .invalidSyntax, message: "channel '\(text)' is not one of awgn|rayleigh|rayleigh-block")
        }
        self = channel
    }
}

/// Sends batches of frames of random information bits through code, modulation and channel and
/// counts errors (the engine behind ``BERSimulation`` and ``AdaptiveModulationCoding``).
struct FrameSimulator {
    let modulation: ModulationScheme
    let code: ChannelCode
    let channel: BERChannel
    let informationBitsPerFrame: Int
    let demapping: DemappingMethod
    let constellation: Constellation
    let codedBitsPerFrame: Int
    /// Complex symbols per frame (coded bits padded with random bits to a whole symbol).
    let symbolsPerFrame: Int

    init(
        modulation: ModulationScheme, code: ChannelCode, channel: BERChannel, informationBitsPerFrame: Int,
        demapping: DemappingMethod
    ) {
        precondition(
            informationBitsPerFrame >= 1, "informationBitsPerFrame must be ≥ 1, got \(informationBitsPerFrame)")
        self.modulation = modulation
        self.code = code
        self.channel = channel
        self.informationBitsPerFrame = informationBitsPerFrame
        self.demapping = demapping
        self.constellation = modulation.constellation
        self.codedBitsPerFrame = code.encodedLength(informationBitCount: informationBitsPerFrame)
        let m = modulation.bitsPerSymbol
        self.symbolsPerFrame = (codedBitsPerFrame + m - 1) / m
    }

    /// The rate that converts Eb/N0 into Es/N0: information bits per transmitted coded bit,
    /// `k / (symbols · log2 M)` — tail and padding bits cost energy too.
    var effectiveCodeRate: Double {
        Double(informationBitsPerFrame) / Double(symbolsPerFrame * modulation.bitsPerSymbol)
    }

    /// Simulates `frames` frames at noise variance N0 (per complex symbol, Es = 1).
    /// - Returns: information-bit errors and frames with at least one error.
    func simulate<G: RandomNumberGenerator>(frames: Int, noiseVariance: Float, using rng: inout G)
        -> (bitErrors: Int, frameErrors: Int)
    {
        let k = informationBitsPerFrame
        let m = modulation.bitsPerSymbol
        let s = symbolsPerFrame
        var information = [UInt8](repeating: 0, count: frames * k)
        Self.fillRandomBits(&information, using: &rng)
        var transmitted = [UInt8]()
        transmitted.reserveCapacity(frames * s * m)
        var padding = [UInt8](repeating: 0, count: s * m - codedBitsPerFrame)
        do {
            for f in 0..<frames {
                transmitted.append(contentsOf: try code.encode(Array(information[(f * k)..<((f + 1) * k)])))
                Self.fillRandomBits(&padding, using: &rng)
                transmitted.append(contentsOf: padding)
            }
            let x = Tensor<Float>(shape: [frames, 2 * s], scalars: try constellation.map(transmitted))
            let observation: CoherentObservation
            switch channel {
            case .awgn:
                let awgn = AWGN(noise: .noiseVariance(noiseVariance))
                let y = awgn.transmit(x, using: &rng).output
                observation = awgn.coherentObservation(received: y, transmitted: x, state: ())
            case .rayleigh, .rayleighBlock:
                let fading = RayleighFading(
                    coherence: channel == .rayleigh ? .perSymbol : .perExample, equalization: .none,
                    noise: .noiseVariance(noiseVariance))
                let (y, state) = fading.transmit(x, using: &rng)
                observation = fading.coherentObservation(received: y, transmitted: x, state: state)
            }
            var bitErrors = 0
            var frameErrors = 0
            for f in 0..<frames {
                let range = (f * 2 * s)..<((f + 1) * 2 * s)
                var llrs = try constellation.softDemap(
                    Array(observation.symbols[range]), noiseVariance: observation.noiseVariances[f],
                    channelGains: observation.channelGains.map { Array($0[range]) }, method: demapping)
                llrs.removeLast(llrs.count - codedBitsPerFrame)
                let decoded = try code.decode(llrs, informationBitCount: k)
                var errors = 0
                information.withUnsafeBufferPointer { truth in
                    decoded.withUnsafeBufferPointer { bits in
                        for i in 0..<k where bits[i] != truth[f * k + i] { errors += 1 }
                    }
                }
                bitErrors += errors
                if errors > 0 { frameErrors += 1 }
            }
            return (bitErrors, frameErrors)
        } catch {
            // Random bits are 0/1, lengths come from encodedLength, and the channel output is finite.
            preconditionFailure("frame simulator: well-formed frame failed: \(error)")
        }
    }

    /// Fills `bits` with independent fair bits, 64 per generator draw.
    static func fillRandomBits<G: RandomNumberGenerator>(_ bits: inout [UInt8], using rng: inout G) {
        bits.withUnsafeMutableBufferPointer { out in
            var i = 0
            while i < out.count {
                var word = rng.next()
                let n = Swift.min(64, out.count - i)
                for j in 0..<n {
                    out[i + j] = UInt8(truncatingIfNeeded: word & 1)
                    word >>= 1
                }
                i += n
            }
        }
    }
}
