import RealModule

/// Rényi-DP of the **distributed discrete Gaussian** mechanism (Kairouz, Liu & Steinke 2021,
/// "The Distributed Discrete Gaussian Mechanism for Federated Learning with Secure
/// Aggregation"), with Poisson subsampling (Zhu & Wang 2019, "Poisson Subsampled Rényi
/// Differential Privacy", Theorem 6).
///
/// Each of n clients adds independent N_ℤ(0, σ²) noise to its integer vector; secure
/// aggregation reveals only the sum, whose noise is a sum of n discrete Gaussians — close to,
/// but not exactly, N_ℤ(0, nσ²). KLS Proposition 14 bounds its RDP at order α for an integer
/// query of L2 sensitivity Δ₂ and L1 sensitivity Δ₁ in dimension d:
///
/// ```
/// τ = 10 · Σ_{k=1}^{n−1} exp(−2π²σ² · k/(k+1))
/// ε(α) = min{ α/2·(Δ₂²/(nσ²)) + τd,
///             α/2·(Δ₂²/(nσ²) + 2τΔ₁/(√n σ) + τ²d),
///             α/2·(Δ₂/(√n σ) + τ√d)² }
/// ```
///
/// Subsampling with rate q < 1 uses the general upper bound of Zhu & Wang (Theorem 6) for
/// integer α ≥ 2, as the KLS reference code does:
///
/// ```
/// ε'(α) ≤ 1/(α−1) · log( (1−q)^{α−1}(αq − q + 1) + C(α,2) q²(1−q)^{α−2} e^{ε(2)}
///                        + 3 Σ_{l=3}^{α} C(α,l) q^l (1−q)^{α−l} e^{(l−1)ε(l)} )
/// ```
/// and keeps min(ε'(α), ε(α)). RDP composes by addition; ``RDPAnalysis/epsilon(orders:rdp:delta:)``
/// converts to (ε, δ).
///
/// **Sensitivity after quantization.** A real vector of L2 sensitivity C, scaled by s, rotated
/// (orthogonal), clipped per coordinate (a contraction) and stochastically rounded has integer
/// sensitivity at most `s·C + √m` in dimension m: coupling the two neighbours' roundings through
/// the same uniform draws makes each coordinate's rounding difference lie in (−1, 1)
/// (``roundedL2Sensitivity(scaledL2Sensitivity:dimension:)``); and Δ₁ ≤ min(√m·Δ₂, Δ₂²) for
/// integer vectors (``roundedL1Sensitivity(roundedL2Sensitivity:dimension:)``). KLS's conditional
/// randomized rounding (which tightens this bound) is not used.
public enum DistributedDiscreteGaussianAnalysis {
    /// The integer orders 2 … 128 and 256 (the KLS reference code's grid; Zhu–Wang's bound
    /// needs integer orders).
    public static let orders: [Double] = (2...128).map(Double.init) + [256]

    /// τ = 10 · Σ_{k=1}^{n−1} exp(−2π²σ² k/(k+1)), the distance of a sum of n discrete
    /// Gaussians from a discrete Gaussian (KLS Theorem 1); negligible once σ ≳ 2.
    /// - Parameters:
    ///   - localStandardDeviation: σ > 0 of each client's N_ℤ(0, σ²) share, in integer units.
    ///   - clientCount: n ≥ 1.
    public static func tau(localStandardDeviation sigma: Double, clientCount n: Int) -> Double {
        precondition(sigma > 0 && sigma.isFinite, "Local standard deviation must be > 0, got \(sigma)")
        precondition(n >= 1, "Client count must be ≥ 1, got \(n)")
        var sum = 0.0
        for k in stride(from: 1, to: n, by: 1) {
            sum += Double.exp(-2 * Double.pi * Double.pi * sigma * sigma * Double(k) / Double(k + 1))
        }
        return 10 * sum
    }

    /// The L2 sensitivity, in integer units, of a vector of real L2 sensitivity C after
    /// scaling by s and stochastic rounding in dimension m: `s·C + √m`.
    /// - Parameters:
    ///   - scaledL2Sensitivity: s·C > 0.
    ///   - dimension: m ≥ 1 (the padded, rotated length).
    public static func roundedL2Sensitivity(scaledL2Sensitivity: Double, dimension: Int) -> Double {
        precondition(scaledL2Sensitivity > 0, "Scaled sensitivity must be > 0, got \(scaledL2Sensitivity)")
        precondition(dimension >= 1, "Dimension must be ≥ 1, got \(dimension)")
        return scaledL2Sensitivity + Double(dimension).squareRoot()
    }

    /// The L1 sensitivity bound of an integer vector with L2 sensitivity Δ₂ in dimension m:
    /// min(√m·Δ₂, Δ₂²).
    public static func roundedL1Sensitivity(roundedL2Sensitivity l2: Double, dimension: Int) -> Double {
        precondition(dimension >= 1, "Dimension must be ≥ 1, got \(dimension)")
        return l2 * Swift.min(Double(dimension).squareRoot(), l2)
    }

    /// RDP at integer order α of one release of the sum of n discrete-Gaussian shares (KLS
    /// Proposition 14, see the type's summary).
    /// - Parameters:
    ///   - order: α ≥ 2.
    ///   - l2Sensitivity: Δ₂ > 0 in integer units.
    ///   - l1Sensitivity: Δ₁ > 0 in integer units.
    ///   - localStandardDeviation: σ of each share, integer units.
    ///   - clientCount: n, the number of shares in the sum.
    ///   - dimension: d, the vector length.
    public static func rdp(
        order alpha: Int, l2Sensitivity: Double, l1Sensitivity: Double, localStandardDeviation sigma: Double,
        clientCount n: Int, dimension d: Int
    ) -> Double {
        precondition(alpha >= 2, "Order must be an integer ≥ 2, got \(alpha)")
        let t = tau(localStandardDeviation: sigma, clientCount: n)
        let a = Double(alpha)
        let central = Double(n).squareRoot() * sigma
        let l2 = l2Sensitivity / central
        let l1 = l1Sensitivity / central
        let dd = Double(d)
        let first = a / 2 * l2 * l2 + t * dd
        let second = a / 2 * (l2 * l2 + 2 * l1 * t + t * t * dd)
        let third = a / 2 * (l2 + dd.squareRoot() * t) * (l2 + dd.squareRoot() * t)
        return Swift.min(first, second, third)
    }

    /// Zhu & Wang's (2019, Theorem 6) upper bound on the RDP at integer order α of a mechanism
    /// with RDP `base` applied to a Poisson subsample with rate q; never above `base(α)`.
    /// - Parameters:
    ///   - order: α ≥ 2.
    ///   - samplingRate: q ∈ (0, 1].
    ///   - base: the unsampled mechanism's RDP at each integer order 2…α.
    public static func subsampled(order alpha: Int, samplingRate q: Double, base: (Int) -> Double) -> Double {
        precondition(alpha >= 2, "Order must be an integer ≥ 2, got \(alpha)")
        precondition(q > 0 && q <= 1, "Sampling rate must be in (0, 1], got \(q)")
        let unsampled = base(alpha)
        if q == 1 { return unsampled }
        let logQ = Double.log(q)
        let logOneMinusQ = Double.log(onePlus: -q)
        let a = Double(alpha)
        // log of (1−q)^{α−1}(αq − q + 1)
        var total = (a - 1) * logOneMinusQ + Double.log(a * q - q + 1)
        total = PrivacyMath.logAdd(
            total, logBinomial(alpha, 2) + 2 * logQ + (a - 2) * logOneMinusQ + base(2))
        if alpha >= 3 {
            for l in 3...alpha {
                let term =
                    Double.log(3) + logBinomial(alpha, l) + Double(l) * logQ + Double(alpha - l) * logOneMinusQ
                    + Double(l - 1) * base(l)
                total = PrivacyMath.logAdd(total, term)
            }
        }
        return Swift.max(0, Swift.min(unsampled, total / (a - 1)))
    }

    /// RDP at each of ``orders`` of `steps` rounds of the (subsampled) distributed discrete
    /// Gaussian.
    /// - Parameters:
    ///   - samplingRate: q ∈ (0, 1] (1: no subsampling).
    ///   - l2Sensitivity: Δ₂, integer units.
    ///   - l1Sensitivity: Δ₁, integer units.
    ///   - localStandardDeviation: σ of each share, integer units.
    ///   - clientCount: n, the shares in each sum.
    ///   - dimension: d.
    ///   - steps: T ≥ 0.
    /// - Returns: `[orders.count]`.
    public static func rdp(
        samplingRate q: Double, l2Sensitivity: Double, l1Sensitivity: Double, localStandardDeviation sigma: Double,
        clientCount n: Int, dimension d: Int, steps: Int
    ) -> [Double] {
        precondition(steps >= 0, "Steps must be ≥ 0, got \(steps)")
        var cache: [Int: Double] = [:]
        func base(_ alpha: Int) -> Double {
            if let value = cache[alpha] { return value }
            let value = rdp(
                order: alpha, l2Sensitivity: l2Sensitivity, l1Sensitivity: l1Sensitivity,
                localStandardDeviation: sigma, clientCount: n, dimension: d)
            cache[alpha] = value
            return value
        }
        return orders.map { Double(steps) * subsampled(order: Int($0), samplingRate: q, base: base) }
    }

    /// log C(n, k).
    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        Double.logGamma(Double(n + 1)) - Double.logGamma(Double(k + 1)) - Double.logGamma(Double(n - k + 1))
    }
}

/// An accountant for rounds of the distributed discrete Gaussian (see
/// ``DistributedDiscreteGaussianAnalysis``): the total RDP at the integer orders, one call of
/// ``record(samplingRate:l2Sensitivity:l1Sensitivity:localStandardDeviation:clientCount:dimension:steps:)``
/// per round (or group of identical rounds), so rounds with different numbers of surviving
/// clients are accounted with the noise they really carried.
public struct DistributedDiscreteGaussianAccountant: Sendable, Hashable {
    /// Total RDP at each of ``DistributedDiscreteGaussianAnalysis/orders``.
    public private(set) var rdp: [Double] = DistributedDiscreteGaussianAnalysis.orders.map { _ in 0 }
    /// Rounds recorded.
    public private(set) var steps = 0

    /// An empty accountant.
    public init() {}

    /// Records `steps` rounds.
    /// - Throws: ``PrivacyError`` for q ∉ (0, 1], a non-positive sensitivity or σ, n < 1, d < 1, steps < 1.
    public mutating func record(
        samplingRate q: Double, l2Sensitivity: Double, l1Sensitivity: Double, localStandardDeviation sigma: Double,
        clientCount n: Int, dimension d: Int, steps: Int = 1
    ) throws {
        try PrivacyValidation.samplingRate(q)
        try PrivacyValidation.sensitivity(l2Sensitivity, name: "L2 sensitivity")
        try PrivacyValidation.sensitivity(l1Sensitivity, name: "L1 sensitivity")
        try PrivacyValidation.noiseMultiplier(sigma, name: "local standard deviation")
        try PrivacyValidation.steps(steps)
        guard n >= 1, d >= 1 else {
            throw PrivacyError(
                code: .invalidParameter, message: "client count and dimension must be ≥ 1, got n = \(n), d = \(d)")
        }
        let values = DistributedDiscreteGaussianAnalysis.rdp(
            samplingRate: q, l2Sensitivity: l2Sensitivity, l1Sensitivity: l1Sensitivity,
            localStandardDeviation: sigma, clientCount: n, dimension: d, steps: steps)
        for i in rdp.indices { rdp[i] += values[i] }
        self.steps += steps
    }

    /// The ε spent at δ (0 before any round).
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1).
    public func epsilon(delta: Double) throws -> Double {
        try PrivacyValidation.delta(delta)
        if steps == 0 { return 0 }
        return RDPAnalysis.epsilon(orders: DistributedDiscreteGaussianAnalysis.orders, rdp: rdp, delta: delta).epsilon
    }
}
