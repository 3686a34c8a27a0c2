import RealModule
import TensorCore

/// How a soft demapper combines the constellation points into a bit LLR.
public enum DemappingMethod: String, CaseIterable, Sendable, Hashable, Codable {
    /// The exact a-posteriori LLR: a log-sum-exp over all points carrying the bit value.
    case exact
    /// The max-log approximation: only the nearest point with each bit value counts
    /// (Robertson, Villebrun & Hoeher, ICC 1995).
    case maxLog
}

/// A Gray-labelled constellation with unit average symbol energy, with its mapper and
/// hard and soft demappers.
///
/// ## Conventions
/// - **Complex symbols** are `[Float]` (or `Tensor<Float>`) of interleaved (real, imaginary)
///   pairs: symbol `k` is `symbols[2k] + j·symbols[2k+1]`. One complex symbol is one channel use.
/// - **Bits** are `[UInt8]` holding 0 or 1. Symbol `k` carries bits `k·m ..< (k+1)·m`,
///   `m = bitsPerSymbol`, first bit = most significant bit of the point's label.
/// - **Labels.** Point `points[2i], points[2i+1]` has label `i` (binary, MSB first).
///   BPSK maps bit `b` to `1 − 2b` (bit 0 → +1). For square QAM with `m = 2k` bits, the first
///   `k` bits choose the in-phase and the last `k` the quadrature amplitude, each through the
///   reflected-binary (Gray) PAM labelling `pam(b₀…) = (1 − 2b₀)(2^(k−1) − pam(b₁…))`,
///   `pam(b) = 1 − 2b` for one bit (the recursion of Sionna's `pam_gray`; 16-QAM levels per
///   axis: 00 → +1, 01 → +3, 10 → −1, 11 → −3, times 1/√10). Neighbouring points differ in
///   exactly one bit.
/// - **Energy.** The points are scaled so that the mean of |x|² over the points is 1 (Es = 1):
///   BPSK ±1, QPSK (±1 ± j)/√2, 16-QAM /√10, 64-QAM /√42.
/// - **LLRs** follow `L = ln P(b = 0 | y) / P(b = 1 | y)`: a **positive LLR favours bit 0**
///   (equal priors). This is the classical convention (Hagenauer) and the *opposite sign* of
///   Sionna's demapper, which returns `ln P(b = 1 | y) / P(b = 0 | y)`. The Viterbi and
///   Hamming decoders of this module use the same convention.
/// - **Noise.** `noiseVariance` is N0, the variance of the complex noise per symbol
///   (`E|n|² = N0`, N0/2 per real dimension), as in Sionna's AWGN. With per-symbol complex
///   channel gains `h` (perfect CSI), the model is `y = h·x + n`.
///
/// ```swift
/// let c = Constellation(.qpsk)
/// let symbols = try c.map([0, 1, 1, 1])                   // 2 symbols, 4 floats
/// let llrs = try c.softDemap(symbols, noiseVariance: 0.1) // 4 LLRs
/// let bits = try c.hardDemap(symbols)                     // [0, 1, 1, 1]
/// ```
public struct Constellation: Sendable, Hashable {
    /// The modulation scheme.
    public let scheme: ModulationScheme
    /// The points, `[2 · pointCount]` interleaved (real, imaginary); point `i` has label `i`.
    public let points: [Float]

    /// Bits per complex symbol, `m`.
    public var bitsPerSymbol: Int { scheme.bitsPerSymbol }
    /// Number of points, `2^m`.
    public var pointCount: Int { scheme.pointCount }

    /// Builds the Gray-labelled, unit-energy constellation of `scheme`.
    public init(_ scheme: ModulationScheme) {
        self.scheme = scheme
        let m = scheme.bitsPerSymbol
        let count = 1 << m
        var raw = [Double](repeating: 0, count: 2 * count)
        for label in 0..<count {
            if m == 1 {
                raw[2 * label] = label == 0 ? 1 : -1
            } else {
                let half = m / 2
                let inPhaseBits = label >> half
                let quadratureBits = label & ((1 << half) - 1)
                raw[2 * label] = Self.grayAmplitude(inPhaseBits, bitCount: half)
                raw[2 * label + 1] = Self.grayAmplitude(quadratureBits, bitCount: half)
            }
        }
        var energy = 0.0
        for i in 0..<count { energy += raw[2 * i] * raw[2 * i] + raw[2 * i + 1] * raw[2 * i + 1] }
        let scale = 1 / (energy / Double(count)).squareRoot()
        self.points = raw.map { Float($0 * scale) }
    }

    /// The Gray PAM amplitude (unnormalized, odd integer) of `bits` (MSB first, `bitCount` bits).
    private static func grayAmplitude(_ bits: Int, bitCount: Int) -> Double {
        let first = (bits >> (bitCount - 1)) & 1
        let sign: Double = first == 0 ? 1 : -1
        if bitCount == 1 { return sign }
        let rest = bits & ((1 << (bitCount - 1)) - 1)
        return sign * (Double(1 << (bitCount - 1)) - grayAmplitude(rest, bitCount: bitCount - 1))
    }

    /// The label of point `index` as `bitsPerSymbol` bits, most significant first.
    /// - Precondition: `0 ≤ index < pointCount`.
    public func label(ofPoint index: Int) -> [UInt8] {
        precondition(index >= 0 && index < pointCount, "point index \(index) is outside 0..<\(pointCount)")
        let m = bitsPerSymbol
        return (0..<m).map { UInt8((index >> (m - 1 - $0)) & 1) }
    }

    // MARK: - Mapping

    /// Maps bits to complex symbols.
    ///
    /// - Parameter bits: `[n · m]` bits (0/1), `m = bitsPerSymbol`.
    /// - Returns: `[2n]` interleaved (real, imaginary) symbols with unit average energy.
    /// - Throws: ``ChannelsError`` `.invalidLength` if `bits.count` is not a multiple of `m`,
    ///   `.nonBinaryInput` if a bit is not 0 or 1.
    public func map(_ bits: [UInt8]) throws -> [Float] {
        let m = bitsPerSymbol
        if bits.count % m != 0 {
            throw ChannelsError(
                code: .invalidLength,
                message: "bits has length \(bits.count), expected a multiple of \(m) (bits per \(scheme) symbol)")
        }
        try ChannelsError.checkCodingBits(bits, field: "bits")
        let symbolCount = bits.count / m
        var out = [Float](repeating: 0, count: 2 * symbolCount)
        points.withUnsafeBufferPointer { pts in
            bits.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<symbolCount {
                        var label = 0
                        for i in 0..<m { label = (label << 1) | Int(b[k * m + i]) }
                        o[2 * k] = pts[2 * label]
                        o[2 * k + 1] = pts[2 * label + 1]
                    }
                }
            }
        }
        return out
    }

    /// Maps bits to a rank-1 tensor of complex symbols.
    ///
    /// - Parameter bits: `[n · m]` bits (0/1).
    /// - Returns: a tensor of shape `[2n]`, interleaved (real, imaginary), unit average energy.
    /// - Throws: as ``map(_:)``.
    public func mapToTensor(_ bits: [UInt8]) throws -> Tensor<Float> {
        let symbols = try map(bits)
        return Tensor(shape: [symbols.count], scalars: symbols)
    }

    // MARK: - Demapping

    /// Hard demapping: the label of the nearest point (of `h·x` when gains are given) for each symbol.
    ///
    /// - Parameters:
    ///   - symbols: `[2n]` received symbols, interleaved (real, imaginary).
    ///   - channelGains: optional `[2n]` complex gains `h` per symbol (interleaved), perfect CSI;
    ///     `nil` means `h = 1`.
    /// - Returns: `[n · m]` bits, MSB of each label first.
    /// - Throws: ``ChannelsError`` `.invalidLength` for an odd symbol array or mismatched gains,
    ///   `.nonFiniteInput` for NaN or infinite input.
    public func hardDemap(_ symbols: [Float], channelGains: [Float]? = nil) throws -> [UInt8] {
        try validate(symbols, channelGains)
        let m = bitsPerSymbol
        let count = pointCount
        let symbolCount = symbols.count / 2
        var out = [UInt8](repeating: 0, count: symbolCount * m)
        points.withUnsafeBufferPointer { pts in
            symbols.withUnsafeBufferPointer { y in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<symbolCount {
                        let (hr, hi) = Self.gain(channelGains, k)
                        var best = 0
                        var bestDistance = Float.infinity
                        for j in 0..<count {
                            let xr = pts[2 * j], xi = pts[2 * j + 1]
                            let dr = y[2 * k] - (hr * xr - hi * xi)
                            let di = y[2 * k + 1] - (hr * xi + hi * xr)
                            let d = dr * dr + di * di
                            if d < bestDistance {
                                bestDistance = d
                                best = j
                            }
                        }
                        for i in 0..<m { o[k * m + i] = UInt8((best >> (m - 1 - i)) & 1) }
                    }
                }
            }
        }
        return out
    }

    /// Soft demapping: the LLR `ln P(b = 0 | y) / P(b = 1 | y)` of every bit (positive favours 0).
    ///
    /// With `D(x) = |y − h·x|² / N0` the scaled distance to point `x`,
    /// - `.exact`: `L = ln Σ_{x: b=0} e^{−D(x)} − ln Σ_{x: b=1} e^{−D(x)}` (log-sum-exp with the
    ///   maximum factored out, finite at any SNR);
    /// - `.maxLog`: `L = min_{x: b=1} D(x) − min_{x: b=0} D(x)`.
    ///
    /// For BPSK without fading both give `L = 4·Re(y)/N0`.
    ///
    /// - Parameters:
    ///   - symbols: `[2n]` received symbols, interleaved (real, imaginary).
    ///   - noiseVariance: N0 > 0, the complex noise variance per symbol (N0/2 per real dimension),
    ///     in units of the (unit) symbol energy.
    ///   - channelGains: optional `[2n]` complex gains `h` per symbol (perfect CSI), `y = h·x + n`.
    ///   - method: `.exact` (default) or `.maxLog`.
    /// - Returns: `[n · m]` LLRs, in the bit order of ``map(_:)``.
    /// - Throws: ``ChannelsError`` `.invalidLength` for an odd symbol array or mismatched gains,
    ///   `.nonFiniteInput` for NaN or infinite input.
    /// - Precondition: `noiseVariance` is finite and > 0.
    /// - Complexity: O(n · 2^m · m).
    public func softDemap(
        _ symbols: [Float], noiseVariance: Float, channelGains: [Float]? = nil, method: DemappingMethod = .exact
    ) throws -> [Float] {
        precondition(
            noiseVariance > 0 && noiseVariance.isFinite, "noiseVariance must be finite and > 0, got \(noiseVariance)")
        try validate(symbols, channelGains)
        let m = bitsPerSymbol
        let count = pointCount
        let symbolCount = symbols.count / 2
        let inverseN0 = 1 / noiseVariance
        var out = [Float](repeating: 0, count: symbolCount * m)
        var metric = [Float](repeating: 0, count: count)
        var weight = [Float](repeating: 0, count: count)
        points.withUnsafeBufferPointer { pts in
            symbols.withUnsafeBufferPointer { y in
                out.withUnsafeMutableBufferPointer { o in
                    metric.withUnsafeMutableBufferPointer { met in
                        weight.withUnsafeMutableBufferPointer { w in
                            for k in 0..<symbolCount {
                                let (hr, hi) = Self.gain(channelGains, k)
                                // met[j] = −D(x_j), and its maximum over all points.
                                var globalMax = -Float.infinity
                                for j in 0..<count {
                                    let xr = pts[2 * j], xi = pts[2 * j + 1]
                                    let dr = y[2 * k] - (hr * xr - hi * xi)
                                    let di = y[2 * k + 1] - (hr * xi + hi * xr)
                                    let value = -(dr * dr + di * di) * inverseN0
                                    met[j] = value
                                    if value > globalMax { globalMax = value }
                                }
                                switch method {
                                case .maxLog:
                                    for i in 0..<m {
                                        let shift = m - 1 - i
                                        var max0 = -Float.infinity, max1 = -Float.infinity
                                        for j in 0..<count {
                                            if (j >> shift) & 1 == 0 {
                                                if met[j] > max0 { max0 = met[j] }
                                            } else if met[j] > max1 {
                                                max1 = met[j]
                                            }
                                        }
                                        o[k * m + i] = max0 - max1
                                    }
                                case .exact:
                                    for j in 0..<count { w[j] = Float.exp(met[j] - globalMax) }
                                    for i in 0..<m {
                                        let shift = m - 1 - i
                                        var sum0: Float = 0, sum1: Float = 0
                                        for j in 0..<count {
                                            if (j >> shift) & 1 == 0 { sum0 += w[j] } else { sum1 += w[j] }
                                        }
                                        let lse0 = Self.logSumExp(
                                            sum0, globalMax, met, shift: shift, bit: 0, count: count)
                                        let lse1 = Self.logSumExp(
                                            sum1, globalMax, met, shift: shift, bit: 1, count: count)
                                        o[k * m + i] = lse0 - lse1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Soft demapping of a tensor of symbols; see ``softDemap(_:noiseVariance:channelGains:method:)``.
    ///
    /// - Parameters:
    ///   - symbols: shape `[..., 2n]`, interleaved (real, imaginary) in the last axis.
    ///   - noiseVariance: N0 > 0 per complex symbol.
    ///   - channelGains: optional, same shape as `symbols` (perfect CSI).
    ///   - method: `.exact` or `.maxLog`.
    /// - Returns: LLRs of shape `[..., n · m]` (positive favours 0).
    /// - Throws: as the array version.
    public func softDemap(
        _ symbols: Tensor<Float>, noiseVariance: Float, channelGains: Tensor<Float>? = nil,
        method: DemappingMethod = .exact
    ) throws -> Tensor<Float> {
        precondition(symbols.rank >= 1, "softDemap needs a tensor of rank ≥ 1, got shape \(symbols.shape)")
        if let gains = channelGains {
            precondition(
                gains.shape == symbols.shape,
                "channelGains shape \(gains.shape) must equal symbols shape \(symbols.shape)")
        }
        let llrs = try softDemap(
            symbols.scalars, noiseVariance: noiseVariance, channelGains: channelGains?.scalars, method: method)
        var shape = symbols.shape
        shape[shape.count - 1] = shape[shape.count - 1] / 2 * bitsPerSymbol
        return Tensor(shape: shape, scalars: llrs)
    }

    /// Hard demapping of a tensor of symbols; see ``hardDemap(_:channelGains:)``.
    ///
    /// - Parameters:
    ///   - symbols: shape `[..., 2n]`, interleaved (real, imaginary) in the last axis.
    ///   - channelGains: optional, same shape as `symbols`.
    /// - Returns: `[total n · m]` bits, in row-major symbol order.
    /// - Throws: as the array version.
    public func hardDemap(_ symbols: Tensor<Float>, channelGains: Tensor<Float>? = nil) throws -> [UInt8] {
        if let gains = channelGains {
            precondition(
                gains.shape == symbols.shape,
                "channelGains shape \(gains.shape) must equal symbols shape \(symbols.shape)")
        }
        if let last = symbols.shape.last, last % 2 != 0 {
            throw ChannelsError(
                code: .invalidLength,
                message: "symbols last axis has length \(last), expected an even length (real, imaginary pairs)")
        }
        return try hardDemap(symbols.scalars, channelGains: channelGains?.scalars)
    }

    // MARK: - Helpers

    /// `ln Σ_{x: bit} e^{met}` from the sum of `e^{met − globalMax}`; recomputes with the set's own
    /// maximum when that sum underflows (very high SNR).
    private static func logSumExp(
        _ shiftedSum: Float, _ globalMax: Float, _ met: UnsafeMutableBufferPointer<Float>,
        shift: Int, bit: Int, count: Int
    ) -> Float {
        if shiftedSum > 1e-30 { return globalMax + Float.log(shiftedSum) }
        var setMax = -Float.infinity
        for j in 0..<count where (j >> shift) & 1 == bit && met[j] > setMax { setMax = met[j] }
        var sum: Float = 0
        for j in 0..<count where (j >> shift) & 1 == bit { sum += Float.exp(met[j] - setMax) }
        return setMax + Float.log(sum)
    }

    @inline(__always)
    private static func gain(_ gains: [Float]?, _ k: Int) -> (Float, Float) {
        guard let gains else { return (1, 0) }
        return (gains[2 * k], gains[2 * k + 1])
    }

    private func validate(_ symbols: [Float], _ channelGains: [Float]?) throws {
        if symbols.count % 2 != 0 {
            throw ChannelsError(
                code: .invalidLength,
                message: "symbols has length \(symbols.count), expected an even length (real, imaginary pairs)")
        }
        try ChannelsError.checkCodingFinite(symbols, field: "symbols")
        if let gains = channelGains {
            try ChannelsError.checkCodingLength("channelGains", expected: symbols.count, actual: gains.count)
            try ChannelsError.checkCodingFinite(gains, field: "channelGains")
        }
    }
}
