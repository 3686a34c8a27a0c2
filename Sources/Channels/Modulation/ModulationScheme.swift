/// A digital modulation: BPSK, QPSK, 16-QAM or 64-QAM, each with Gray labelling and unit
/// average symbol energy.
///
/// The raw values are the command-line spellings (`bpsk`, `qpsk`, `16qam`, `64qam`);
/// ``init(parsing:)`` also accepts upper case and the spellings `qam16` / `qam64`.
///
/// ```swift
/// let scheme = try ModulationScheme(parsing: "16qam")   // .qam16, 4 bits per symbol
/// let constellation = scheme.constellation
/// ```
public enum ModulationScheme: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Binary phase-shift keying: 1 bit per symbol, points ±1 on the real axis.
    case bpsk = "bpsk"
    /// Quadrature phase-shift keying: 2 bits per symbol, points (±1 ± j)/√2.
    case qpsk = "qpsk"
    /// Square 16-point QAM: 4 bits per symbol, levels {±1, ±3}/√10 per dimension.
    case qam16 = "16qam"
    /// Square 64-point QAM: 6 bits per symbol, levels {±1, ±3, ±5, ±7}/√42 per dimension.
    case qam64 = "64qam"

    /// Number of bits carried by one complex symbol (log₂ of the constellation size).
    public var bitsPerSymbol: Int {
        switch self {
        case .bpsk: 1
        case .qpsk: 2
        case .qam16: 4
        case .qam64: 6
        }
    }

    /// Number of points in the constellation, `2^bitsPerSymbol`.
    public var pointCount: Int { 1 << bitsPerSymbol }

    /// The command-line spelling (`bpsk`, `qpsk`, `16qam`, `64qam`).
    public var description: String { rawValue }

    /// The Gray-labelled, unit-energy constellation of this scheme.
    public var constellation: Constellation { Constellation(self) }

    /// Parses a command-line spelling: `bpsk`, `qpsk`, `16qam` or `64qam` (case-insensitive;
    /// `qam16`, `16-qam`, `qam64` and `64-qam` are accepted too).
    ///
    /// - Throws: ``ChannelsError`` with code `.invalidParameter` naming the accepted spellings.
    public init(parsing text: String) throws {
        let key = String(text.lowercased().filter { $0 != "-" && $0 != "_" })
        switch key {
        case "bpsk": self = .bpsk
        case "qpsk", "4qam", "qam4": self = .qpsk
        case "16qam", "qam16": self = .qam16
        case "64qam", "qam64": self = .qam64
        default:
            throw ChannelsError(
                code: .invalidParameter,
                message: "modulation '\(text)' is not one of bpsk|qpsk|16qam|64qam")
        }
    }
}
