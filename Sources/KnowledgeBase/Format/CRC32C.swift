// CRC-32C (Castagnoli), the per-section and table checksum of `.semkb` files.

/// CRC-32C: the 32-bit cyclic redundancy check with the Castagnoli polynomial 0x1EDC6F41
/// (reflected 0x82F63B78), initial value 0xFFFFFFFF, reflected input and output, final XOR 0xFFFFFFFF —
/// the checksum of iSCSI (RFC 3720 §B.4) and ext4. G. Castagnoli, S. Bräuer, M. Herrmann, "Optimization
/// of cyclic redundancy-check codes with 24 and 32 parity bits", IEEE Trans. Commun. 41(6), 1993.
///
/// Detects every error burst up to 32 bits long — in particular any change confined to one byte. The
/// check value of the ASCII string `"123456789"` is 0xE3069283. Table-driven, one byte per step (Sarwate).
/// `package` so that other SemCom formats (the `.semf` frame CRC) use the same implementation.
package enum CRC32C {
    /// The 256-entry lookup table for the reflected polynomial.
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
        }
        return crc
    }

    /// The CRC-32C of `bytes`.
    package static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            let update = { (byte: UInt8) in
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
            if bytes.withContiguousStorageIfAvailable({ buffer in buffer.forEach(update) }) == nil {
                bytes.forEach(update)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
