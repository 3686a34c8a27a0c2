/// The systematic Hamming(7,4) code (Hamming, "Error detecting and error correcting codes",
/// Bell Syst. Tech. J. 29(2), 1950): 4 data bits, 3 parity bits, minimum distance 3, corrects
/// any single bit error per 7-bit block.
///
/// Codeword `[d0 d1 d2 d3 p0 p1 p2]`, generator `G = [I₄ | P]` with
/// `p0 = d0 ⊕ d1 ⊕ d3`, `p1 = d0 ⊕ d2 ⊕ d3`, `p2 = d1 ⊕ d2 ⊕ d3`; parity-check `H = [Pᵀ | I₃]`.
/// The syndrome of a single error at position `i` is column `i` of `H`, all seven distinct.
///
/// Messages whose length is not a multiple of 4 are padded with zeros to the next multiple
/// (the decoders drop the padding again).
///
/// LLRs follow the module convention `L = ln P(b = 0) / P(b = 1)` (positive favours 0).
public enum Hamming74 {
    /// Data bits per block.
    public static let dataBitsPerBlock = 4
    /// Coded bits per block.
    public static let codeBitsPerBlock = 7

    /// Number of coded bits for `informationBitCount` message bits: `7 · ⌈k / 4⌉`.
    /// - Precondition: `informationBitCount ≥ 0`.
    public static func encodedLength(informationBitCount: Int) -> Int {
        precondition(informationBitCount >= 0, "informationBitCount must be ≥ 0, got \(informationBitCount)")
        return codeBitsPerBlock * ((informationBitCount + dataBitsPerBlock - 1) / dataBitsPerBlock)
    }

    /// Encodes bits block by block.
    /// - Parameter bits: `[k]` message bits (0/1), zero-padded to a multiple of 4.
    /// - Returns: `[7 · ⌈k / 4⌉]` coded bits.
    /// - Throws: ``ChannelsError`` `.nonBinaryInput` if a bit is not 0 or 1.
    public static func encode(_ bits: [UInt8]) throws -> [UInt8] {
        try ChannelsError.checkCodingBits(bits, field: "bits")
        let blocks = (bits.count + 3) / 4
        var out = [UInt8](repeating: 0, count: 7 * blocks)
        for block in 0..<blocks {
            var data = 0
            for i in 0..<4 where 4 * block + i < bits.count { data |= Int(bits[4 * block + i]) << (3 - i) }
            let word = hammingCodewords[data]
            for i in 0..<7 { out[7 * block + i] = UInt8((word >> (6 - i)) & 1) }
        }
        return out
    }

    /// Hard-decision syndrome decoding: flips the bit whose `H` column equals the syndrome.
    ///
    /// - Parameters:
    ///   - bits: `[7 · ⌈k / 4⌉]` received hard bits (0/1).
    ///   - informationBitCount: `k`, the message length given to ``encode(_:)``.
    /// - Returns: `[k]` decoded bits (every single error per block corrected).
    /// - Throws: ``ChannelsError`` `.invalidLength` naming expected and actual length,
    ///   `.nonBinaryInput` if a bit is not 0 or 1.
    public static func decodeHard(_ bits: [UInt8], informationBitCount: Int) throws -> [UInt8] {
        try ChannelsError.checkCodingLength(
            "Hamming(7,4) codeword bits", expected: encodedLength(informationBitCount: informationBitCount),
            actual: bits.count)
        try ChannelsError.checkCodingBits(bits, field: "bits")
        var out = [UInt8](repeating: 0, count: informationBitCount)
        for block in 0..<(bits.count / 7) {
            var word = 0
            for i in 0..<7 { word = (word << 1) | Int(bits[7 * block + i]) }
            let corrected = word ^ hammingSyndromeCorrection[syndrome(ofWord: word)]
            for i in 0..<4 where 4 * block + i < informationBitCount {
                out[4 * block + i] = UInt8((corrected >> (6 - i)) & 1)
            }
        }
        return out
    }

    /// Soft-decision maximum-likelihood decoding: per block, the codeword `c` maximizing the
    /// correlation `Σᵢ (1 − 2cᵢ) Lᵢ` over all 16 codewords (exact ML for BPSK/AWGN LLRs).
    ///
    /// - Parameters:
    ///   - llrs: `[7 · ⌈k / 4⌉]` LLRs, `ln P(b = 0) / P(b = 1)`.
    ///   - informationBitCount: `k`.
    /// - Returns: `[k]` decoded bits.
    /// - Throws: ``ChannelsError`` `.invalidLength` naming expected and actual length,
    ///   `.nonFiniteInput` for a NaN LLR.
    public static func decode(_ llrs: [Float], informationBitCount: Int) throws -> [UInt8] {
        try ChannelsError.checkCodingLength(
            "Hamming(7,4) LLRs", expected: encodedLength(informationBitCount: informationBitCount),
            actual: llrs.count)
        if let offset = llrs.firstIndex(where: { $0.isNaN }) {
            throw ChannelsError(code: .nonFiniteInput, message: "llrs[\(offset)] is NaN")
        }
        var out = [UInt8](repeating: 0, count: informationBitCount)
        for block in 0..<(llrs.count / 7) {
            var bestData = 0
            var bestScore = -Float.infinity
            for data in 0..<16 {
                let word = hammingCodewords[data]
                var score: Float = 0
                for i in 0..<7 {
                    let l = llrs[7 * block + i]
                    score += (word >> (6 - i)) & 1 == 0 ? l : -l
                }
                if score > bestScore {
                    bestScore = score
                    bestData = data
                }
            }
            for i in 0..<4 where 4 * block + i < informationBitCount {
                out[4 * block + i] = UInt8((bestData >> (3 - i)) & 1)
            }
        }
        return out
    }

    /// The 3-bit syndrome `H·r` of a 7-bit word (bit 6 = first codeword bit).
    static func syndrome(ofWord word: Int) -> Int {
        var s = 0
        for i in 0..<7 where (word >> (6 - i)) & 1 == 1 { s ^= hammingParityColumns[i] }
        return s
    }
}

/// Column `i` of `H = [Pᵀ | I₃]` as a 3-bit number (MSB = first parity check).
private let hammingParityColumns: [Int] = [0b110, 0b101, 0b011, 0b111, 0b100, 0b010, 0b001]

/// The 16 codewords, indexed by the 4 data bits (MSB = d0); bit 6 of a word is its first bit.
private let hammingCodewords: [Int] = (0..<16).map { data -> Int in
    var parity = 0
    for i in 0..<4 where (data >> (3 - i)) & 1 == 1 { parity ^= hammingParityColumns[i] }
    return (data << 3) | parity
}

/// Error pattern to XOR for each syndrome (0 for syndrome 0).
private let hammingSyndromeCorrection: [Int] = (0..<8).map { s -> Int in
    guard s != 0, let position = hammingParityColumns.firstIndex(of: s) else { return 0 }
    return 1 << (6 - position)
}
