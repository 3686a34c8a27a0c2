// Randomized Walsh–Hadamard rotation used before quantizing for secure aggregation.

/// A random orthogonal rotation `R = (1/√m) · H · D` of ℝ^d padded to ℝ^m, m = 2^⌈log₂ d⌉, where `D`
/// is a diagonal of random ±1 signs and `H` the m × m Walsh–Hadamard matrix.
///
/// After the rotation every coordinate of a vector with L2 norm r is concentrated around ±r/√m, so
/// clipping each coordinate to a small range and quantizing it loses little (Kairouz, Liu & Steinke
/// 2021, "The Distributed Discrete Gaussian Mechanism for Federated Learning with Secure
/// Aggregation", §4; Suresh et al. 2017). Because `(1/√m)H` is symmetric and orthogonal and D = D⁻¹,
/// the inverse is `Rᵀ = D · (1/√m) · H`, applied to the aggregated sum (the rotation is linear, so
/// the rotation of the sum is the sum of the rotations).
///
/// The signs come from a **shared, public** seed (every client and the server use the same one);
/// they need not be secret. The fast transform costs O(m log m).
public struct RandomizedHadamardRotation: Sendable, Hashable {
    /// The input dimension d.
    public let dimension: Int
    /// The padded dimension m = 2^⌈log₂ d⌉ ≥ d (the length of rotated vectors).
    public let paddedDimension: Int
    /// The diagonal of D: m values, each +1 or −1.
    public let signs: [Double]

    /// Draws the random signs of a rotation of `dimension`-vectors.
    /// - Parameters:
    ///   - dimension: d ≥ 1.
    ///   - rng: the shared generator (e.g. `Xoshiro256(seed: sharedSeed)`), one bit per padded coordinate.
    public init<G: RandomNumberGenerator>(dimension: Int, using rng: inout G) {
        precondition(dimension >= 1, "Rotation dimension must be ≥ 1, got \(dimension)")
        precondition(dimension <= 1 << 40, "Rotation dimension \(dimension) is too large")
        var m = 1
        while m < dimension { m <<= 1 }
        self.dimension = dimension
        self.paddedDimension = m
        var signs = [Double](repeating: 1, count: m)
        var bits: UInt64 = 0
        for i in 0..<m {
            if i % 64 == 0 { bits = rng.next() }
            if bits & 1 == 1 { signs[i] = -1 }
            bits >>= 1
        }
        self.signs = signs
    }

    /// Rotates a vector: pads `x` (length d) with zeros to m, flips signs, applies (1/√m)·H.
    /// - Parameter x: `[d]` values.
    /// - Returns: `[m]` rotated values with the same L2 norm.
    public func rotate(_ x: [Double]) -> [Double] {
        precondition(x.count == dimension, "Rotation expects \(dimension) values, got \(x.count)")
        var y = [Double](repeating: 0, count: paddedDimension)
        for i in 0..<dimension { y[i] = x[i] * signs[i] }
        Self.walshHadamardTransform(&y)
        let scale = 1 / Double(paddedDimension).squareRoot()
        for i in 0..<paddedDimension { y[i] *= scale }
        return y
    }

    /// Undoes ``rotate(_:)``: applies (1/√m)·H, flips signs, and drops the padding.
    /// - Parameter y: `[m]` rotated values (e.g. an aggregated sum of rotated vectors).
    /// - Returns: `[d]` values.
    public func inverseRotate(_ y: [Double]) -> [Double] {
        precondition(y.count == paddedDimension, "Inverse rotation expects \(paddedDimension) values, got \(y.count)")
        var x = y
        Self.walshHadamardTransform(&x)
        let scale = 1 / Double(paddedDimension).squareRoot()
        return (0..<dimension).map { x[$0] * scale * signs[$0] }
    }

    /// The unnormalized fast Walsh–Hadamard transform in place: `v ← H v`, with H the Sylvester
    /// Hadamard matrix (entries ±1, `H·H = m·I`).
    /// - Parameter values: `[m]`, m a power of two.
    /// - Complexity: O(m log m) additions.
    public static func walshHadamardTransform(_ values: inout [Double]) {
        let m = values.count
        precondition(m > 0 && m & (m - 1) == 0, "Walsh–Hadamard transform needs a power-of-two length, got \(m)")
        values.withUnsafeMutableBufferPointer { v in
            var half = 1
            while half < m {
                var start = 0
                while start < m {
                    for i in start..<(start + half) {
                        let a = v[i]
                        let b = v[i + half]
                        v[i] = a + b
                        v[i + half] = a - b
                    }
                    start += 2 * half
                }
                half <<= 1
            }
        }
    }
}
