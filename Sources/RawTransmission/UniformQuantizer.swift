/// Uniform scalar quantization of real values to `bitsPerValue`-bit integers.
///
/// The range `[lowerBound, upperBound]` is split into `2^b` equal cells; a value maps to the
/// index of its cell (values outside the range are clipped to the end cells) and back to the
/// cell's midpoint. The maximum reconstruction error inside the range is half a cell,
/// `(upperBound − lowerBound) / 2^(b+1)`.
///
/// This is the "quantize" stage of the raw-transmission baseline (ARCHITECTURE.md): a
/// conventional digital link serializes samples at a fixed resolution before compression.
public struct UniformQuantizer: Sendable, Hashable, Codable {
    /// Bits per value, 1…32.
    public let bitsPerValue: Int
    /// Lower end of the represented range (values below are clipped).
    public let lowerBound: Double
    /// Upper end of the represented range (values above are clipped).
    public let upperBound: Double

    /// Creates a quantizer.
    /// - Precondition: `1 ≤ bitsPerValue ≤ 32`, finite bounds with `lowerBound < upperBound`.
    public init(bitsPerValue: Int, lowerBound: Double, upperBound: Double) {
        precondition((1...32).contains(bitsPerValue), "bitsPerValue must be in 1…32, got \(bitsPerValue)")
        precondition(
            lowerBound.isFinite && upperBound.isFinite && lowerBound < upperBound,
            "Quantizer range must be finite with lowerBound < upperBound, got [\(lowerBound), \(upperBound)]")
        self.bitsPerValue = bitsPerValue
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// Number of quantization levels, `2^bitsPerValue`.
    public var levels: UInt64 { UInt64(1) << UInt64(bitsPerValue) }

    /// Width of one cell.
    public var step: Double { (upperBound - lowerBound) / Double(levels) }

    /// The cell index of `value` (clipped into range; NaN maps to cell 0).
    public func index(of value: Double) -> UInt32 {
        guard !value.isNaN else { return 0 }
        let cell = ((value - lowerBound) / step).rounded(.down)
        if !(cell >= 0) { return 0 }
        if cell >= Double(levels - 1) { return UInt32(levels - 1) }
        return UInt32(cell)
    }

    /// The reconstruction (cell midpoint) of an index.
    /// - Precondition: `index < levels`.
    public func value(of index: UInt32) -> Double {
        precondition(UInt64(index) < levels, "Quantizer index \(index) ≥ \(levels) levels")
        return lowerBound + (Double(index) + 0.5) * step
    }

    /// Quantizes values to their cell indices.
    public func quantize(_ values: [Double]) -> [UInt32] { values.map(index(of:)) }

    /// Reconstructs values from cell indices.
    public func dequantize(_ indices: [UInt32]) -> [Double] { indices.map(value(of:)) }
}
