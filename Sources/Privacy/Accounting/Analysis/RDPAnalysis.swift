import RealModule

/// Pure Rényi-DP mathematics: the RDP of the Poisson-subsampled Gaussian mechanism and the
/// conversion from RDP to (ε, δ). No state; ``RDPAccountant`` keeps the history.
///
/// - RDP of the subsampled Gaussian: Mironov 2017 ("Rényi Differential Privacy") and Mironov,
///   Talwar & Zhang 2019 ("Rényi Differential Privacy of the Sampled Gaussian Mechanism"):
///   the exact binomial expansion for integer orders and the two-sided erfc series for
///   fractional orders, as in TF Privacy / dp-accounting / Opacus `_compute_log_a`.
/// - Conversion: the improved bound of Balle, Barthe, Gaboardi, Hsu & Sato 2020 (also
///   Canonne, Kamath & Steinke 2020, Proposition 12):
///   ε = rdp(α) + log((α−1)/α) − (log δ + log α)/(α−1), minimized over the orders, as in
///   dp-accounting's `compute_epsilon` (including its KL shortcut: ε = 0 when
///   δ² + expm1(−rdp) > 0, and orders ≤ 1.01 skipped).
public enum RDPAnalysis {
    /// The default orders of Google dp-accounting's `RdpAccountant` (0.6.0):
    /// 1.1, 1.2, …, 10.9, then 11 … 63, 128, 256, 512, 1024
    /// (`[1 + x / 10. for x in range(1, 100)] + list(range(11, 64)) + [128, 256, 512, 1024]`).
    /// REFERENCE-NUMBERS' RDP column was produced with these (the older grid
    /// 1.25, 1.5, …, 4.5, 5 … 63, 128, 256, 512 gives 4.7527 instead of 4.7285 for one
    /// Gaussian step with σ = 1).
    public static let dpAccountingOrders: [Double] =
        (1..<100).map { 1 + Double($0) / 10 } + (11..<64).map(Double.init) + [128, 256, 512, 1024]

    /// Opacus's default orders: 1.1, 1.2, …, 10.9 and 12 … 63
    /// (`[1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))`). Opacus's test value
    /// (σ = 1.5, q = 0.04, T = 2250 → ε ≈ 7.3291) was produced with these.
    public static let opacusOrders: [Double] =
        (1..<100).map { 1 + Double($0) / 10 } + (12..<64).map(Double.init)

    /// RDP at order α of one step of the Poisson-subsampled Gaussian mechanism with
    /// sensitivity 1 and noise N(0, σ²), sampling rate q (add/remove neighbours).
    /// - Parameters:
    ///   - samplingRate: q ∈ [0, 1].
    ///   - noiseMultiplier: σ > 0 (noise standard deviation per unit of L2 sensitivity).
    ///   - order: α > 1.
    /// - Returns: ε(α) ≥ 0 (`+∞` for α = ∞).
    public static func subsampledGaussian(samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Double)
        -> Double
    {
        precondition(q >= 0 && q <= 1, "Sampling rate must be in [0, 1], got \(q)")
        precondition(sigma > 0, "Noise multiplier must be > 0, got \(sigma)")
        precondition(alpha > 1, "Rényi order must be > 1, got \(alpha)")
        if alpha.isInfinite { return .infinity }
        if q == 0 { return 0 }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA =
            alpha == alpha.rounded()
            ? logAInteger(q: q, sigma: sigma, alpha: Int(alpha))
            : logAFractional(q: q, sigma: sigma, alpha: alpha)
        return Swift.max(0, logA / (alpha - 1))
    }

    /// RDP at each order for `steps` compositions of the subsampled Gaussian (RDP adds up).
    /// - Parameters:
    ///   - samplingRate: q ∈ [0, 1].
    ///   - noiseMultiplier: σ > 0.
    ///   - steps: T ≥ 0.
    ///   - orders: the orders α > 1.
    /// - Returns: `[orders.count]`, T·ε(α).
    public static func subsampledGaussian(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, orders: [Double]
    ) -> [Double] {
        precondition(steps >= 0, "Steps must be ≥ 0, got \(steps)")
        return orders.map { Double(steps) * subsampledGaussian(samplingRate: q, noiseMultiplier: sigma, order: $0) }
    }

    /// log A_α for integer α: log Σᵢ C(α,i) qⁱ(1−q)^{α−i} exp((i² − i)/(2σ²)) (exact).
    static func logAInteger(q: Double, sigma: Double, alpha: Int) -> Double {
        var logA = -Double.infinity
        let logQ = Double.log(q)
        let logOneMinusQ = Double.log(onePlus: -q)
        let logGammaAlpha = Double.logGamma(Double(alpha) + 1)
        for i in 0...alpha {
            let logBinomial = logGammaAlpha - Double.logGamma(Double(i) + 1) - Double.logGamma(Double(alpha - i) + 1)
            let term =
                logBinomial + Double(i) * logQ + Double(alpha - i) * logOneMinusQ
                + Double(i * i - i) / (2 * sigma * sigma)
            logA = PrivacyMath.logAdd(logA, term)
        }
        return logA
    }

    /// log A_α for fractional α: the two-sided series of Mironov, Talwar & Zhang 2019 (§3.3),
    /// summed until both terms drop below e⁻³⁰ (as TF Privacy's `_compute_log_a_frac`).
    static func logAFractional(q: Double, sigma: Double, alpha: Double) -> Double {
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        let z0 = sigma * sigma * Double.log(1 / q - 1) + 0.5
        let logQ = Double.log(q)
        let logOneMinusQ = Double.log(onePlus: -q)
        let sqrt2Sigma = 2.0.squareRoot() * sigma
        var coefficient = 1.0  // C(α, i), by the recurrence C(α, i+1) = C(α, i)·(α − i)/(i + 1)
        var i = 0
        while i < 100_000 {
            let fi = Double(i)
            let logCoefficient = Double.log(Swift.abs(coefficient))
            let j = alpha - fi
            let logT0 = logCoefficient + fi * logQ + j * logOneMinusQ
            let logT1 = logCoefficient + j * logQ + fi * logOneMinusQ
            let logE0 = Double.log(0.5) + PrivacyMath.logErfc((fi - z0) / sqrt2Sigma)
            let logE1 = Double.log(0.5) + PrivacyMath.logErfc((z0 - j) / sqrt2Sigma)
            let logS0 = logT0 + (fi * fi - fi) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            if coefficient > 0 {
                logA0 = PrivacyMath.logAdd(logA0, logS0)
                logA1 = PrivacyMath.logAdd(logA1, logS1)
            } else {
                logA0 = logA0 >= logS0 ? PrivacyMath.logSubtract(logA0, logS0) : logA0
                logA1 = logA1 >= logS1 ? PrivacyMath.logSubtract(logA1, logS1) : logA1
            }
            if Swift.max(logS0, logS1) < -30 { break }
            coefficient *= (alpha - fi) / (fi + 1)
            i += 1
        }
        return PrivacyMath.logAdd(logA0, logA1)
    }

    /// ε at one order from an RDP value (the improved conversion, see the type's overview).
    /// - Parameters:
    ///   - order: α ≥ 1.
    ///   - rdp: ε(α) ≥ 0.
    ///   - delta: δ ∈ (0, 1).
    /// - Returns: ε (may be +∞ for orders ≤ 1.01).
    public static func epsilon(order alpha: Double, rdp: Double, delta: Double) -> Double {
        precondition(alpha >= 1, "Rényi order must be ≥ 1, got \(alpha)")
        precondition(rdp >= 0, "RDP must be ≥ 0, got \(rdp)")
        precondition(delta > 0 && delta < 1, "δ must be in (0, 1), got \(delta)")
        if delta * delta + Double.expMinusOne(-rdp) > 0 { return 0 }
        if alpha <= 1.01 { return .infinity }
        return rdp + Double.log(onePlus: -1 / alpha) - Double.log(delta * alpha) / (alpha - 1)
    }

    /// The best ε over a list of orders, and the order that achieves it (dp-accounting's
    /// `compute_epsilon`).
    /// - Parameters:
    ///   - orders: α values, `[n]`.
    ///   - rdp: RDP at each order, `[n]`.
    ///   - delta: δ ∈ (0, 1).
    /// - Returns: (ε ≥ 0, optimal α).
    public static func epsilon(orders: [Double], rdp: [Double], delta: Double) -> (epsilon: Double, order: Double) {
        precondition(
            orders.count == rdp.count && !orders.isEmpty,
            "Need one RDP value per order, got \(orders.count) orders and \(rdp.count) values")
        var best = (epsilon: Double.infinity, order: orders[0])
        for (alpha, value) in zip(orders, rdp) {
            let e = epsilon(order: alpha, rdp: value, delta: delta)
            if e < best.epsilon { best = (e, alpha) }
        }
        return (Swift.max(0, best.epsilon), best.order)
    }

    /// ε(δ) for ρ-zCDP, minimizing the improved conversion over all real orders α > 1
    /// (CKS 2020, Corollary 13): a log-spaced scan of α − 1 ∈ [10⁻³, 10⁶] refined by golden
    /// section.
    /// - Parameters:
    ///   - rho: ρ ≥ 0.
    ///   - delta: δ ∈ (0, 1).
    /// - Returns: ε ≥ 0.
    public static func epsilonFromConcentrated(rho: Double, delta: Double) -> Double {
        precondition(rho >= 0, "ρ must be ≥ 0, got \(rho)")
        precondition(delta > 0 && delta < 1, "δ must be in (0, 1), got \(delta)")
        if rho == 0 { return 0 }
        func value(_ logShift: Double) -> Double {
            let alpha = 1 + Double.exp(logShift)
            return epsilon(order: alpha, rdp: rho * alpha, delta: delta)
        }
        let lowest = Double.log(1e-3)
        let highest = Double.log(1e6)
        let count = 900
        var bestIndex = 0
        var bestValue = Double.infinity
        for k in 0...count {
            let v = value(lowest + (highest - lowest) * Double(k) / Double(count))
            if v < bestValue { (bestValue, bestIndex) = (v, k) }
        }
        let step = (highest - lowest) / Double(count)
        var a = lowest + step * Double(bestIndex - 1)
        var b = lowest + step * Double(bestIndex + 1)
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<80 {
            let c = b - ratio * (b - a)
            let d = a + ratio * (b - a)
            if value(c) < value(d) { b = d } else { a = c }
        }
        return Swift.max(0, Swift.min(bestValue, value(0.5 * (a + b))))
    }
}
