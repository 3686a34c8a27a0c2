/// How a `.semf` frame stores its real symbol values (one byte on the wire).
///
/// - ``float32``: IEEE 754 binary32, little-endian, 4 bytes per real — exact.
/// - ``float16``: IEEE 754 binary16, little-endian, 2 bytes per real, rounded to nearest (ties to
///   even); values beyond ±65504 saturate to ±65504. Relative error ≤ 2⁻¹¹ for |x| ≥ 2⁻¹⁴,
///   absolute error ≤ 2⁻²⁵ below.
/// - ``int8``: symmetric linear quantization with one Float32 scale per frame,
///   `s = max|x| / 127`, `q = round(x / s) ∈ [−127, 127]`, `x̂ = q·s` (Jacob et al., "Quantization
///   and training of neural networks for efficient integer-arithmetic-only inference", CVPR 2018,
///   with zero point 0); 1 byte per real plus 4 bytes of scale; absolute error ≤ `s / 2`.
public enum SymbolEncoding: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 32-bit floats, exact.
    case float32 = 1
    /// 16-bit floats.
    case float16 = 2
    /// 8-bit integers with a Float32 scale.
    case int8 = 3

    /// `"float32"`, `"float16"` or `"int8"`.
    public var description: String {
        switch self {
        case .float32: "float32"
        case .float16: "float16"
        case .int8: "int8"
        }
    }

    /// The payload size in bytes for `symbolCount` complex symbols (`2·symbolCount` reals).
    public func payloadByteCount(symbolCount: Int) -> Int {
        switch self {
        case .float32: 8 * symbolCount
        case .float16: 4 * symbolCount
        case .int8: 4 + 2 * symbolCount
        }
    }

    /// The largest absolute difference between a real `x` of `symbols` and its decoded value.
    /// - Parameter symbols: the reals of one frame.
    public func maximumError(for symbols: [Float]) -> Float {
        switch self {
        case .float32:
            return 0
        case .float16:
            let largest = symbols.reduce(Float(0)) { Swift.max($0, Swift.min(abs($1), float16Largest)) }
            let overflow = symbols.reduce(Float(0)) { Swift.max($0, abs($1) - float16Largest) }
            return Swift.max(largest * 0x1p-11, 0x1p-25, overflow)
        case .int8:
            let largest = symbols.reduce(Float(0)) { Swift.max($0, abs($1)) }
            return largest / 254 * (1 + 0x1p-12)  // s/2, plus float rounding of x/s and q·s
        }
    }

    /// Encodes reals into the payload layout of <doc:SemFFormat>.
    /// - Precondition: every value is finite.
    func encode(_ symbols: [Float]) -> [UInt8] {
        for (i, x) in symbols.enumerated() where !x.isFinite {
            preconditionFailure("Frame symbol \(i) is not finite; only finite symbols can be sent")
        }
        var out: [UInt8] = []
        out.reserveCapacity(payloadByteCount(symbolCount: symbols.count / 2))
        switch self {
        case .float32:
            for x in symbols { appendLittleEndian(x.bitPattern, to: &out) }
        case .float16:
            for x in symbols { appendLittleEndian(float16Bits(x), to: &out) }
        case .int8:
            let scale = int8Scale(symbols)
            appendLittleEndian(scale.bitPattern, to: &out)
            for x in symbols { out.append(UInt8(bitPattern: quantizeInt8(x, scale: scale))) }
        }
        return out
    }

    /// Decodes a payload of `symbolCount` complex symbols (already validated).
    func decode(_ payload: [UInt8], symbolCount: Int) -> [Float] {
        let reals = 2 * symbolCount
        return payload.withUnsafeBufferPointer { p in
            switch self {
            case .float32:
                return (0..<reals).map { Float(bitPattern: readLittleEndian(p, at: 4 * $0, as: UInt32.self)) }
            case .float16:
                return (0..<reals).map { float(fromFloat16Bits: readLittleEndian(p, at: 2 * $0, as: UInt16.self)) }
            case .int8:
                let scale = Float(bitPattern: readLittleEndian(p, at: 0, as: UInt32.self))
                return (0..<reals).map { Float(Int8(bitPattern: p[4 + $0])) * scale }
            }
        }
    }
}

/// The largest finite binary16 value.
let float16Largest: Float = 65504

/// `max|x| / 127` (0 for an all-zero frame).
func int8Scale(_ symbols: [Float]) -> Float {
    let largest = symbols.reduce(Float(0)) { Swift.max($0, abs($1)) }
    return largest / 127
}

/// `round(x / scale)` clamped to [−127, 127] (0 when `scale` is 0).
func quantizeInt8(_ x: Float, scale: Float) -> Int8 {
    guard scale > 0 else { return 0 }
    let q = (x / scale).rounded(.toNearestOrEven)
    return Int8(Swift.min(Swift.max(q, -127), 127))
}

/// The binary16 bit pattern nearest to `value` (round to nearest, ties to even), saturating finite
/// values beyond ±65504. Written out (not `Float16`) so it is the same on every platform.
func float16Bits(_ value: Float) -> UInt16 {
    if value.isNaN { return 0x7E00 }
    let clamped = Swift.min(Swift.max(value, -float16Largest), float16Largest)
    let bits = clamped.bitPattern
    let sign = UInt16((bits >> 16) & 0x8000)
    let biased = Int((bits >> 23) & 0xFF)
    let fraction = bits & 0x7F_FFFF
    let exponent = biased - 127 + 15
    if exponent >= 1 {
        // Normal: keep 10 of the 23 fraction bits, rounding on the other 13 (a carry into the
        // exponent is correct, and cannot overflow since |value| ≤ 65504).
        var half = UInt32(exponent) << 10 | fraction >> 13
        let rest = fraction & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }
    if exponent < -10 { return sign }  // below half the smallest subnormal: ±0
    // Subnormal: value = m·2^(biased−150) with m the 24-bit significand; in units of 2⁻²⁴ that is
    // m >> (126 − biased) = m >> (14 − exponent).
    let significand = fraction | 0x80_0000
    let shift = UInt32(14 - exponent)
    var half = significand >> shift
    let rest = significand & ((1 << shift) - 1)
    let halfway = UInt32(1) << (shift - 1)
    if rest > halfway || (rest == halfway && half & 1 == 1) { half += 1 }
    return sign | UInt16(half)
}

/// The `Float` value of a binary16 bit pattern (exact).
func float(fromFloat16Bits bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        return sign * Float(fraction) * 0x1p-24
    case 31:
        return fraction == 0 ? sign * .infinity : .nan
    default:
        let magnitude = Float(bitPattern: UInt32(exponent - 15 + 127) << 23 | fraction << 13)
        return sign * magnitude
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
}

func readLittleEndian<T: FixedWidthInteger>(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, as: T.Type) -> T {
    var value: T = 0
    for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
    return value
}
