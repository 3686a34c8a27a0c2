// Quantization of real vectors into Z_{2^b} for secure aggregation, and dequantization of the sum.

import TensorCore

/// Maps real vectors to integers modulo 2^b so that masked sums cancel exactly, and maps the
/// aggregated modular sum back to reals.
///
/// The pipeline per client (Kairouz, Liu & Steinke 2021, "The Distributed Discrete Gaussian
/// Mechanism for Federated Learning with Secure Aggregation", Algorithm 1; Flower's
/// `secure_aggregation/quantization.py`):
/// 1. optional random rotation ``RandomizedHadamardRotation`` (length d → m = 2^⌈log₂ d⌉);
/// 2. clip each coordinate to [−c, c];
/// 3. scale by s (integer units per unit of the input);
/// 4. **stochastic rounding** to an integer: ⌊v⌋ + Bernoulli(v − ⌊v⌋), so `E[round(v)] = v`
///    (unbiased, unlike Flower's global-`np.random` version this takes an explicit generator);
/// 5. two's-complement embedding into Z_{2^b} (the low b bits).
///
/// After aggregation, ``dequantizeSum(_:)`` centres each element of the modular sum in
/// [−2^{b−1}, 2^{b−1}) (so a negative sum that wrapped around is recovered), divides by s and undoes
/// the rotation. This is exact as long as the true integer sum lies in that interval; choose
/// `scale ≤` ``maximumScale(clipBound:modulusBits:clientCount:)`` to guarantee it for n clients.
///
/// Differences from Kairouz et al.: we clip coordinates (after rotation) instead of the L2 norm and
/// do no conditional randomized rounding; adding discrete Gaussian noise is the caller's job.
public struct SecureAggregationQuantizer: Sendable, Hashable {
    /// The input dimension d.
    public let dimension: Int
    /// The per-coordinate clipping bound c > 0 (after rotation), in input units.
    public let clipBound: Double
    /// The scale s > 0: integer steps per input unit (the quantization step is 1/s).
    public let scale: Double
    /// Bits b of the modulus 2^b (1...64).
    public let modulusBits: Int
    /// The optional random rotation applied before clipping (its dimension is `dimension`).
    public let rotation: RandomizedHadamardRotation?

    /// Creates a quantizer.
    /// - Parameters:
    ///   - dimension: d, the length of input vectors.
    ///   - clipBound: c > 0, each (rotated) coordinate is clipped to [−c, c].
    ///   - scale: s > 0 with c·s + 1 < 2^{b−1} (one clipped value must fit).
    ///   - modulusBits: b in 1...64, matching ``SecureAggregationParameters/modulusBits``.
    ///   - rotation: an optional shared rotation of dimension d.
    public init(
        dimension: Int, clipBound: Double, scale: Double, modulusBits: Int, rotation: RandomizedHadamardRotation? = nil
    ) {
        precondition(dimension >= 1, "Quantizer dimension must be ≥ 1, got \(dimension)")
        precondition(clipBound > 0 && clipBound.isFinite, "clipBound must be positive and finite, got \(clipBound)")
        precondition(scale > 0 && scale.isFinite, "scale must be positive and finite, got \(scale)")
        precondition(modulusBits >= 1 && modulusBits <= 64, "modulusBits must be in 1...64, got \(modulusBits)")
        precondition(
            clipBound * scale + 1 < Self.halfModulus(modulusBits),
            "clipBound · scale + 1 = \(clipBound * scale + 1) does not fit in [−2^\(modulusBits - 1), 2^\(modulusBits - 1))"
        )
        if let rotation {
            precondition(
                rotation.dimension == dimension,
                "Rotation dimension \(rotation.dimension) does not match quantizer dimension \(dimension)")
        }
        self.dimension = dimension
        self.clipBound = clipBound
        self.scale = scale
        self.modulusBits = modulusBits
        self.rotation = rotation
    }

    /// The length of quantized vectors: m (padded) with a rotation, d without.
    public var quantizedLength: Int { rotation?.paddedDimension ?? dimension }

    /// The largest scale for which the sum of `clientCount` quantized vectors never wraps around:
    /// `n · (c·s + 1) ≤ 2^{b−1} − 1`, i.e. `s = ((2^{b−1} − 1)/n − 1)/c`.
    /// - Precondition: the result is positive (b large enough for n clients).
    public static func maximumScale(clipBound: Double, modulusBits: Int, clientCount: Int) -> Double {
        precondition(clipBound > 0 && clipBound.isFinite, "clipBound must be positive and finite, got \(clipBound)")
        precondition(modulusBits >= 1 && modulusBits <= 64, "modulusBits must be in 1...64, got \(modulusBits)")
        precondition(clientCount >= 1, "clientCount must be ≥ 1, got \(clientCount)")
        // Stay a little below the bound so rounding of the Double arithmetic cannot overshoot.
        let scale = ((halfModulus(modulusBits) - 1) / Double(clientCount) - 1) / clipBound * (1 - 1e-12)
        precondition(
            scale > 0, "2^\(modulusBits) is too small for \(clientCount) clients: no positive scale avoids wrap-around")
        return scale
    }

    /// Quantizes one client's vector.
    /// - Parameters:
    ///   - values: `[d]` finite reals.
    ///   - rng: the generator for stochastic rounding (`SystemRandomNumberGenerator` in deployment).
    /// - Returns: `[quantizedLength]` elements of Z_{2^b} (low b bits of each `UInt64`).
    public func quantize<G: RandomNumberGenerator>(_ values: [Double], using rng: inout G) -> [UInt64] {
        precondition(values.count == dimension, "Quantizer expects \(dimension) values, got \(values.count)")
        let rotated = rotation?.rotate(values) ?? values
        let mask = modulusBits == 64 ? UInt64.max : (UInt64(1) << UInt64(modulusBits)) - 1
        var output = [UInt64](repeating: 0, count: rotated.count)
        for i in 0..<rotated.count {
            let x = rotated[i]
            precondition(x.isFinite, "Quantizer input \(i) is not finite")
            let v = min(max(x, -clipBound), clipBound) * scale
            let lower = v.rounded(.down)
            let rounded = lower + (rng.nextUnitDouble() < v - lower ? 1 : 0)
            output[i] = UInt64(bitPattern: Int64(rounded)) & mask
        }
        return output
    }

    /// Quantizes one client's `Float` vector (converted to `Double` first).
    /// - Parameter values: `[d]` finite reals.
    public func quantize<G: RandomNumberGenerator>(_ values: [Float], using rng: inout G) -> [UInt64] {
        quantize(values.map { Double($0) }, using: &rng)
    }

    /// Maps an aggregated sum (or a single quantized vector) back to reals.
    ///
    /// Each element is centred into [−2^{b−1}, 2^{b−1}) — undoing wrap-around of negative sums —
    /// divided by the scale and, with a rotation, inverse-rotated.
    /// - Parameter sum: `[quantizedLength]` elements of Z_{2^b}.
    /// - Returns: `[d]` reals: the sum of the clients' clipped, rounded (rotated) inputs.
    public func dequantizeSum(_ sum: [UInt64]) -> [Double] {
        precondition(sum.count == quantizedLength, "Dequantization expects \(quantizedLength) values, got \(sum.count)")
        let centred = sum.map { Double(Self.centred($0, modulusBits: modulusBits)) / scale }
        return rotation?.inverseRotate(centred) ?? centred
    }

    /// The representative of `value mod 2^b` in [−2^{b−1}, 2^{b−1}).
    public static func centred(_ value: UInt64, modulusBits: Int) -> Int64 {
        precondition(modulusBits >= 1 && modulusBits <= 64, "modulusBits must be in 1...64, got \(modulusBits)")
        if modulusBits == 64 { return Int64(bitPattern: value) }
        let modulus = UInt64(1) << UInt64(modulusBits)
        let reduced = value & (modulus - 1)
        // reduced − 2^b is negative; the wrapping difference is its two's-complement pattern.
        return reduced >= modulus >> 1 ? Int64(bitPattern: reduced &- modulus) : Int64(reduced)
    }

    /// 2^{b−1} as a Double.
    static func halfModulus(_ bits: Int) -> Double { Double(sign: .plus, exponent: bits - 1, significand: 1) }
}
