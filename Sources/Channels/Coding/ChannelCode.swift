/// The channel codes available to the digital transmission path, selectable from the CLI.
///
/// | case | CLI spelling | rate | code |
/// |---|---|---|---|
/// | ``none`` | `none` | 1 | uncoded |
/// | ``hamming74`` | `hamming74` | 4/7 | ``Hamming74``, soft ML decoding |
/// | ``convolutionalK7`` | `conv-k7` | 1/2 | ``ConvolutionalCode`` K = 7 (133, 171) |
/// | ``convolutionalK7TwoThirds`` | `conv-k7-2/3` | 2/3 | the same, punctured |
/// | ``convolutionalK7ThreeQuarters`` | `conv-k7-3/4` | 3/4 | the same, punctured |
///
/// All decoders take LLRs `L = ln P(b = 0 | y) / P(b = 1 | y)` (positive favours 0), the
/// output of ``Constellation/softDemap(_:noiseVariance:channelGains:method:)``.
///
/// ```swift
/// let code = try ChannelCode(parsing: "conv-k7-3/4")
/// let coded = try code.encode(message)
/// // … map, channel, soft demap to `llrs` …
/// let decoded = try code.decode(llrs, informationBitCount: message.count)
/// ```
public enum ChannelCode: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// No coding: coded bits are the message bits; decoding is the sign of the LLR.
    case none = "none"
    /// Hamming(7,4).
    case hamming74 = "hamming74"
    /// Convolutional K = 7 (133, 171), rate 1/2, zero-tail terminated.
    case convolutionalK7 = "conv-k7"
    /// Convolutional K = 7 punctured to rate 2/3.
    case convolutionalK7TwoThirds = "conv-k7-2/3"
    /// Convolutional K = 7 punctured to rate 3/4.
    case convolutionalK7ThreeQuarters = "conv-k7-3/4"

    /// Parses a CLI spelling: `none|hamming74|conv-k7|conv-k7-2/3|conv-k7-3/4`
    /// (case-insensitive; `conv-k7-1/2` is accepted for `conv-k7`).
    /// - Throws: ``ChannelsError`` `.invalidParameter` naming the accepted spellings.
    public init(parsing text: String) throws {
        let key = text.lowercased()
        if let code = ChannelCode(rawValue: key) {
            self = code
        } else if key == "conv-k7-1/2" {
            self = .convolutionalK7
        } else {
            throw ChannelsError(
                code: .invalidParameter,
                message: "channel code '\(text)' is not one of none|hamming74|conv-k7|conv-k7-2/3|conv-k7-3/4")
        }
    }

    /// The CLI spelling.
    public var description: String { rawValue }

    /// The nominal code rate (message bits per coded bit, termination ignored).
    public var rate: Double {
        switch self {
        case .none: 1
        case .hamming74: 4.0 / 7.0
        case .convolutionalK7: 0.5
        case .convolutionalK7TwoThirds: 2.0 / 3.0
        case .convolutionalK7ThreeQuarters: 0.75
        }
    }

    /// The convolutional code behind a `conv-k7…` case, `nil` otherwise.
    public var convolutionalCode: ConvolutionalCode? {
        switch self {
        case .none, .hamming74: nil
        case .convolutionalK7: ConvolutionalCode(rate: .oneHalf)
        case .convolutionalK7TwoThirds: ConvolutionalCode(rate: .twoThirds)
        case .convolutionalK7ThreeQuarters: ConvolutionalCode(rate: .threeQuarters)
        }
    }

    /// The exact number of coded bits for `informationBitCount` message bits (padding, tail and
    /// puncturing included).
    /// - Precondition: `informationBitCount ≥ 0`.
    public func encodedLength(informationBitCount: Int) -> Int {
        precondition(informationBitCount >= 0, "informationBitCount must be ≥ 0, got \(informationBitCount)")
        switch self {
        case .none: return informationBitCount
        case .hamming74: return Hamming74.encodedLength(informationBitCount: informationBitCount)
        case .convolutionalK7, .convolutionalK7TwoThirds, .convolutionalK7ThreeQuarters:
            return convolutionalCode!.encodedLength(informationBitCount: informationBitCount)  // non-nil for conv cases
        }
    }

    /// Encodes message bits.
    /// - Parameter bits: `[k]` message bits (0/1).
    /// - Returns: `[encodedLength(informationBitCount: k)]` coded bits.
    /// - Throws: ``ChannelsError`` `.nonBinaryInput` if a bit is not 0 or 1.
    public func encode(_ bits: [UInt8]) throws -> [UInt8] {
        switch self {
        case .none:
            try ChannelsError.checkCodingBits(bits, field: "bits")
            return bits
        case .hamming74:
            return try Hamming74.encode(bits)
        case .convolutionalK7, .convolutionalK7TwoThirds, .convolutionalK7ThreeQuarters:
            return try convolutionalCode!.encode(bits)  // non-nil for conv cases
        }
    }

    /// Decodes LLRs of a received code word.
    /// - Parameters:
    ///   - llrs: `[encodedLength(informationBitCount: k)]` LLRs, `ln P(b = 0) / P(b = 1)`.
    ///   - informationBitCount: `k`, the message length.
    /// - Returns: `[k]` decoded bits.
    /// - Throws: ``ChannelsError`` `.invalidLength` naming the expected and actual LLR count,
    ///   `.nonFiniteInput` for a NaN LLR.
    public func decode(_ llrs: [Float], informationBitCount: Int) throws -> [UInt8] {
        switch self {
        case .none:
            try ChannelsError.checkCodingLength(
                "uncoded LLRs", expected: encodedLength(informationBitCount: informationBitCount), actual: llrs.count)
            if let offset = llrs.firstIndex(where: { $0.isNaN }) {
                throw ChannelsError(code: .nonFiniteInput, message: "llrs[\(offset)] is NaN")
            }
            return llrs.map { $0 < 0 ? 1 : 0 }
        case .hamming74:
            return try Hamming74.decode(llrs, informationBitCount: informationBitCount)
        case .convolutionalK7, .convolutionalK7TwoThirds, .convolutionalK7ThreeQuarters:
            return try convolutionalCode!.decode(llrs, informationBitCount: informationBitCount)  // non-nil for conv cases
        }
    }
}
