/// The scheme a row of an evaluation measures.
public enum EvaluationScheme: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The semantic link: encoder → power normalization → channel → decoder (shared KB), with the
    /// knowledge base's fixed bandwidth `k` (its non-coherent head over fading without CSI).
    case semantic = "semantic"
    /// The rate-adaptive semantic link: the transmitter picks `k` per channel and SNR from the
    /// knowledge base's rate table (measured on its validation split) and sends with that head.
    case semanticAdaptive = "semantic-adaptive"
    /// The best practical raw configuration at this SNR (quantize → CRC → FEC → modulate).
    case raw = "raw"
    /// The Shannon-ideal digital bound: error-free delivery of the raw payload at capacity.
    case rawIdeal = "raw-ideal"
    /// An eavesdropper decoding the intercepted symbols with its own KB (another training seed).
    case eavesdropperNaive = "eavesdropper-naive"
    /// An eavesdropper that fits its own decoder on intercepted symbols of records whose labels it knows.
    case eavesdropperAdaptive = "eavesdropper-adaptive"
    /// The semantic link with keyed per-frame scrambling of its symbols (`semcom eval --seal`).
    case sealedSemantic = "sealed-semantic"
    /// The naive eavesdropper on the scrambled symbols (no key).
    case sealedEavesdropperNaive = "sealed-eve-naive"
    /// The adaptive eavesdropper on the scrambled symbols (no key, known labels).
    case sealedEavesdropperAdaptive = "sealed-eve-adaptive"

    /// The row spelling, e.g. `raw-ideal`.
    public var description: String { rawValue }
}

/// One measured point of an evaluation: a scheme over a channel at one SNR (JSON and CSV row,
/// snake_case keys).
public struct EvaluationRow: Sendable, Hashable, Codable {
    /// The scheme.
    public var scheme: EvaluationScheme
    /// The channel's canonical spec (``ChannelSpec/description``), e.g. `rician:3`.
    public var channel: String
    /// Es/N0 per complex channel use, dB.
    public var snrDecibels: Double
    /// The semantic-noise spec in force (`none` by default; raw rows always `none`).
    public var noise: String
    /// Complex channel uses per sample (mean over samples for variable-length raw frames).
    public var channelUsesPerSample: Double
    /// Fraction of correctly classified samples.
    public var accuracy: Double
    /// Mean per-class recall (Brodersen et al., ICPR 2010).
    public var balancedAccuracy: Double
    /// Raw rows: the fraction of frames that fell back (CRC, decompression or unpacking failure).
    public var decodeFailureRate: Double?
    /// Raw rows: the modulation (`bpsk`, `qpsk`, `16qam`, `64qam`).
    public var modulation: String?
    /// Raw rows: the channel code (`conv-k7`, `conv-k7-2/3`, …, `none`).
    public var code: String?
    /// Raw and raw-ideal rows: mean payload bits per sample after source coding (before the CRC).
    public var payloadBits: Double?
    /// Samples classified for this row (test records × passes; for the adaptive eavesdropper, the
    /// records whose labels it did not know × passes).
    public var samples: Int

    /// Creates a row.
    public init(
        scheme: EvaluationScheme, channel: String, snrDecibels: Double, noise: String, channelUsesPerSample: Double,
        accuracy: Double, balancedAccuracy: Double, decodeFailureRate: Double? = nil, modulation: String? = nil,
        code: String? = nil, payloadBits: Double? = nil, samples: Int
    ) {
        self.scheme = scheme
        self.channel = channel
        self.snrDecibels = snrDecibels
        self.noise = noise
        self.channelUsesPerSample = channelUsesPerSample
        self.accuracy = accuracy
        self.balancedAccuracy = balancedAccuracy
        self.decodeFailureRate = decodeFailureRate
        self.modulation = modulation
        self.code = code
        self.payloadBits = payloadBits
        self.samples = samples
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scheme, channel
        case snrDecibels = "snr_db"
        case noise
        case channelUsesPerSample = "channel_uses_per_sample"
        case accuracy
        case balancedAccuracy = "balanced_accuracy"
        case decodeFailureRate = "decode_failure_rate"
        case modulation, code
        case payloadBits = "payload_bits"
        case samples
    }

    /// The CSV header: the JSON keys in a fixed order.
    public static let csvHeader = CodingKeys.allCases.map(\.rawValue)

    /// The row's CSV fields, in ``csvHeader`` order (absent optional values are empty; fields with
    /// a comma or quote are quoted as RFC 4180 says).
    public var csvFields: [String] {
        [
            scheme.rawValue, channel, csvNumber(snrDecibels), noise, csvNumber(channelUsesPerSample),
            csvNumber(accuracy), csvNumber(balancedAccuracy), decodeFailureRate.map(csvNumber) ?? "", modulation ?? "",
            code ?? "", payloadBits.map(csvNumber) ?? "", String(samples),
        ].map(csvEscape)
    }
}

/// For one channel, SNR and noise: how many channel uses the raw baseline needs to match the
/// semantic link's accuracy.
///
/// `raw_channel_uses` is the fewest channel uses per sample among the raw candidates whose accuracy
/// is at least `semantic_accuracy − tolerance`; `ratio` is that over the semantic link's channel
/// uses. `status` is `reached`, or `unreached` when no candidate got there (then the raw fields are
/// absent). The tolerance follows ``AccuracyTolerance`` (by default one binomial standard error
/// of the test set, `tolerance_rule` says which).
public struct EvaluationComparison: Sendable, Hashable, Codable {
    /// The semantic scheme compared (`semantic` or `semantic-adaptive`).
    public var scheme: EvaluationScheme = .semantic
    /// The channel's canonical spec.
    public var channel: String
    /// Es/N0, dB.
    public var snrDecibels: Double
    /// The semantic noise of the semantic row compared.
    public var noise: String
    /// The semantic link's accuracy.
    public var semanticAccuracy: Double
    /// The semantic link's channel uses per sample.
    public var semanticChannelUses: Double
    /// The accuracy tolerance used.
    public var tolerance: Double
    /// How the tolerance was set, e.g. `1 binomial standard error of 137 test records`.
    public var toleranceRule: String = ""
    /// `reached` or `unreached`.
    public var status: String
    /// The fewest raw channel uses per sample reaching the semantic accuracy.
    public var rawChannelUses: Double?
    /// That candidate's accuracy.
    public var rawAccuracy: Double?
    /// That candidate's modulation.
    public var rawModulation: String?
    /// That candidate's code.
    public var rawCode: String?
    /// `rawChannelUses / semanticChannelUses`.
    public var ratio: Double?
    /// The raw task model's accuracy on clean records: raw can never do better, so when it is
    /// below `semantic_accuracy − tolerance` the status is `unreached` at every SNR.
    public var rawCleanAccuracy: Double

    enum CodingKeys: String, CodingKey {
        case scheme, channel
        case snrDecibels = "snr_db"
        case noise
        case semanticAccuracy = "semantic_accuracy"
        case semanticChannelUses = "semantic_channel_uses"
        case tolerance
        case toleranceRule = "tolerance_rule"
        case status
        case rawChannelUses = "raw_channel_uses"
        case rawAccuracy = "raw_accuracy"
        case rawModulation = "raw_modulation"
        case rawCode = "raw_code"
        case ratio
        case rawCleanAccuracy = "raw_clean_accuracy"
    }
}

/// A number for CSV: integral values without a fraction, others in Swift's shortest round-trip form.
func csvNumber(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}

/// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
func csvEscape(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    var quoted = "\""
    for character in field {
        if character == "\"" { quoted += "\"" }
        quoted.append(character)
    }
    return quoted + "\""
}
