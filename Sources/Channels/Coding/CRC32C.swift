/// CRC-32C (Castagnoli), the error-detecting checksum of iSCSI (RFC 3720 §B.4), SCTP
/// (RFC 4960 App. B), ext4 and our `.semf` frames.
///
/// Parameters (Rocksoft model): width 32, polynomial `0x1EDC6F41` (reflected `0x82F63B78`),
/// init `0xFFFFFFFF`, input and output reflected, final XOR `0xFFFFFFFF`. Check value:
/// the CRC of the ASCII bytes `"123456789"` is `0xE3069283`. Castagnoli, Bräuer & Herrmann,
/// "Optimization of cyclic redundancy-check codes with 24 and 32 parity bits", IEEE Trans.
/// Commun. 41(6), 1993.
///
/// **Bits.** A reflected CRC consumes each byte least significant bit first, so the bit-level
/// functions process a bit array in array order with the same convention: the CRC of bytes
/// unpacked LSB-first equals the byte CRC. The 32 checksum bits are appended LSB first
/// (bit `i` of the checksum at offset `i`), the order in which a reflected CRC is transmitted.
///
/// ```swift
/// var crc = CRC32C()
/// crc.update(Array("1234".utf8)); crc.update(Array("56789".utf8))
/// crc.value == CRC32C.checksum(Array("123456789".utf8))       // 0xE3069283
/// let framed = CRC32C.appendingChecksum(toBits: payloadBits)
/// CRC32C.hasValidChecksum(bits: framed)                        // true
/// ```
public struct CRC32C: Sendable, Hashable {
    /// The reflected generator polynomial `0x82F63B78` (normal form `0x1EDC6F41`).
    public static let reflectedPolynomial: UInt32 = 0x82F6_3B78

    /// Running register, before the final XOR.
    private var register: UInt32 = 0xFFFF_FFFF

    /// A checksum over no data yet.
    public init() {}

    /// The checksum of all data passed to ``update(_:)`` so far (final XOR applied).
    public var value: UInt32 { register ^ 0xFFFF_FFFF }

    /// Feeds bytes into the checksum.
    /// - Complexity: O(bytes.count), one table look-up per byte.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        var crc = register
        crc32cTable.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        register = crc
    }

    /// Feeds bits (0/1) into the checksum, in array order (LSB-first convention, see the type docs).
    /// - Precondition: every element is 0 or 1.
    public mutating func update(bits: some Sequence<UInt8>) {
        var crc = register
        for bit in bits {
            precondition(bit <= 1, "CRC32C.update(bits:) needs bits of 0 or 1")
            crc ^= UInt32(bit)
            crc = (crc & 1) != 0 ? (crc >> 1) ^ Self.reflectedPolynomial : crc >> 1
        }
        register = crc
    }

    /// The CRC-32C of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }

    /// The CRC-32C of a bit array (0/1, consumed in array order).
    /// - Precondition: every element is 0 or 1.
    public static func checksum(bits: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bits: bits)
        return crc.value
    }

    /// `bytes` followed by their CRC-32C in 4 little-endian bytes (as iSCSI and SCTP send it).
    public static func appendingChecksum(toBytes bytes: [UInt8]) -> [UInt8] {
        let crc = checksum(bytes)
        return bytes + [UInt8(crc & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8((crc >> 16) & 0xFF), UInt8(crc >> 24)]
    }

    /// Whether the last 4 bytes of `bytes` are the little-endian CRC-32C of the bytes before them.
    /// Returns `false` for fewer than 4 bytes.
    public static func hasValidChecksum(bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let n = bytes.count - 4
        let stored = UInt32(bytes[n]) | UInt32(bytes[n + 1]) << 8 | UInt32(bytes[n + 2]) << 16 | UInt32(bytes[n + 3]) << 24
        return checksum(bytes[0..<n]) == stored
    }

    /// `bits` followed by the 32 bits of their CRC-32C, least significant bit first.
    /// - Precondition: every element is 0 or 1.
    public static func appendingChecksum(toBits bits: [UInt8]) -> [UInt8] {
        let crc = checksum(bits: bits)
        var out = bits
        out.reserveCapacity(bits.count + 32)
        for i in 0..<32 { out.append(UInt8((crc >> UInt32(i)) & 1)) }
        return out
    }

    /// Whether the last 32 bits of `bits` (LSB first) are the CRC-32C of the bits before them.
    /// Returns `false` for fewer than 32 bits or for any element other than 0/1.
    public static func hasValidChecksum(bits: [UInt8]) -> Bool {
        guard bits.count >= 32, bits.allSatisfy({ $0 <= 1 }) else { return false }
        let n = bits.count - 32
        var stored: UInt32 = 0
        for i in 0..<32 { stored |= UInt32(bits[n + i]) << UInt32(i) }
        return checksum(bits: bits[0..<n]) == stored
    }

    /// Strips and verifies the 32 trailing checksum bits appended by ``appendingChecksum(toBits:)``.
    /// - Returns: the payload bits.
    /// - Throws: ``ChannelsError`` `.invalidLength` for fewer than 32 bits, `.checksumMismatch`
    ///   when the checksum does not match.
    public static func verifiedPayload(bits: [UInt8]) throws -> [UInt8] {
        if bits.count < 32 {
            throw ChannelsError(
                code: .invalidLength, message: "bits has length \(bits.count), expected at least 32 (CRC-32C)")
        }
        guard hasValidChecksum(bits: bits) else {
            throw ChannelsError(
                code: .checksumMismatch,
                message: "CRC-32C over \(bits.count - 32) payload bits does not match the trailing 32 bits")
        }
        return Array(bits[0..<(bits.count - 32)])
    }
}

extension ChannelsError.Code {
    /// A CRC does not match the data it protects.
    public static let checksumMismatch = ChannelsError.Code("checksumMismatch")
}

/// The byte-wise table of the reflected CRC-32C polynomial (256 entries).
private let crc32cTable: [UInt32] = (0..<256).map { index -> UInt32 in
    var crc = UInt32(index)
    for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ CRC32C.reflectedPolynomial : crc >> 1 }
    return crc
}
