/// Packing of fixed-width unsigned integers into a byte stream and back (MSB first).
///
/// `pack` writes each value's low `bitsPerValue` bits, most significant first, into
/// consecutive bits of the output; the last byte is zero-padded. `unpack` reverses it given
/// the value count. Used by the raw-transmission baseline between quantization and zstd.
public enum BitPacking {
    /// Packs `values` at `bitsPerValue` bits each.
    /// - Precondition: `1 ≤ bitsPerValue ≤ 32` and every value fits in `bitsPerValue` bits.
    /// - Complexity: O(values.count · bitsPerValue).
    public static func pack(_ values: [UInt32], bitsPerValue: Int) -> [UInt8] {
        precondition((1...32).contains(bitsPerValue), "bitsPerValue must be in 1…32, got \(bitsPerValue)")
        let totalBits = values.count * bitsPerValue
        var out = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        var bit = 0
        for v in values {
            precondition(
                bitsPerValue == 32 || UInt64(v) < (UInt64(1) << UInt64(bitsPerValue)),
                "Value \(v) does not fit in \(bitsPerValue) bits")
            for b in stride(from: bitsPerValue - 1, through: 0, by: -1) {
                if (v >> UInt32(b)) & 1 == 1 { out[bit >> 3] |= UInt8(0x80) >> UInt8(bit & 7) }
                bit += 1
            }
        }
        return out
    }

    /// Unpacks `count` values of `bitsPerValue` bits from `bytes`.
    /// - Returns: the values, or `nil` when `bytes` holds fewer than `count · bitsPerValue` bits.
    public static func unpack(_ bytes: [UInt8], count: Int, bitsPerValue: Int) -> [UInt32]? {
        precondition((1...32).contains(bitsPerValue), "bitsPerValue must be in 1…32, got \(bitsPerValue)")
        precondition(count >= 0, "count must be ≥ 0, got \(count)")
        guard bytes.count * 8 >= count * bitsPerValue else { return nil }
        var out = [UInt32](repeating: 0, count: count)
        var bit = 0
        for i in 0..<count {
            var v: UInt32 = 0
            for _ in 0..<bitsPerValue {
                v = (v << 1) | UInt32((bytes[bit >> 3] >> UInt8(7 - (bit & 7))) & 1)
                bit += 1
            }
            out[i] = v
        }
        return out
    }

    /// The bits of `bytes` as 0/1 values, most significant bit of each byte first.
    public static func bits(of bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 8)
        for byte in bytes {
            for b in stride(from: 7, through: 0, by: -1) { out.append((byte >> UInt8(b)) & 1) }
        }
        return out
    }

    /// Bytes from 0/1 bits (most significant first); a trailing partial byte is zero-padded.
    /// - Precondition: every element is 0 or 1.
    public static func bytes(fromBits bits: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, bit) in bits.enumerated() {
            precondition(bit <= 1, "Bit \(i) is \(bit), expected 0 or 1")
            if bit == 1 { out[i >> 3] |= UInt8(0x80) >> UInt8(i & 7) }
        }
        return out
    }
}
