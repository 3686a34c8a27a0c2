import RealModule

/// A discretized privacy loss distribution (PLD): the distribution of the privacy loss
/// L = log(P(x)/Q(x)), x ~ P, for a pair of neighbouring output distributions (P, Q), on the
/// grid {k·h}, plus a mass at +∞ (Koskela, Jälkö & Honkela 2020, "Computing Tight Differential
/// Privacy Guarantees Using FFT"; Google dp-accounting's `PrivacyLossDistribution`).
///
/// The discretization is **pessimistic**: each loss value is rounded *up* to the grid, the
/// lower tail beyond the grid is put on its first point and the upper tail at +∞, so every ε
/// computed from it is an upper bound on the true ε (up to the FFT's ~10⁻¹³ round-off).
/// Composition is convolution of the mass functions (``composed(with:)``, by FFT) and T-fold
/// self-composition raises the Fourier transform to the power T on a ring sized by a Chernoff
/// bound on the composed loss (``selfComposed(times:)``), as dp-accounting's `self_convolve`.
/// (ε, δ) comes from the hockey-stick divergence
/// δ(ε) = m∞ + Σₖ pₖ·(1 − e^{ε − k·h})₊ (``delta(epsilon:)``, ``epsilon(delta:)``).
///
/// Where we differ from dp-accounting: no "connect the dots" discretization (Doroshenko et al.
/// 2022); only the pessimistic rounding, so a finer interval is needed for the same accuracy.
public struct PrivacyLossDistribution: Sendable, Hashable {
    /// h, the spacing of the loss grid (nats).
    public let valueDiscretizationInterval: Double
    /// The grid index of ``masses``[0]: its loss is `lowestIndex·h`.
    public let lowestIndex: Int
    /// pₖ, the probability of loss `(lowestIndex + k)·h`, `[count]`.
    public let masses: [Double]
    /// m∞, the probability of an infinite loss (a certain privacy failure).
    public let infinityMass: Double
    /// Tail mass dropped at each truncation (put on +∞ or on the first grid point).
    public let tailMassTruncation: Double

    /// Creates a distribution from its parts.
    /// - Parameters:
    ///   - valueDiscretizationInterval: h > 0.
    ///   - lowestIndex: the grid index of `masses[0]`.
    ///   - masses: non-negative masses, `[count]`, count ≥ 1.
    ///   - infinityMass: m∞ ∈ [0, 1].
    ///   - tailMassTruncation: tail mass allowed to be moved by later truncations (≥ 0).
    public init(
        valueDiscretizationInterval: Double, lowestIndex: Int, masses: [Double], infinityMass: Double,
        tailMassTruncation: Double = 1e-15
    ) {
        precondition(
            valueDiscretizationInterval > 0, "Discretization interval must be > 0, got \(valueDiscretizationInterval)")
        precondition(!masses.isEmpty, "A privacy loss distribution needs at least one grid point")
        precondition(infinityMass >= 0 && infinityMass <= 1, "Infinity mass must be in [0, 1], got \(infinityMass)")
        precondition(tailMassTruncation >= 0, "Tail truncation must be ≥ 0, got \(tailMassTruncation)")
        self.valueDiscretizationInterval = valueDiscretizationInterval
        self.lowestIndex = lowestIndex
        self.masses = masses
        self.infinityMass = infinityMass
        self.tailMassTruncation = tailMassTruncation
    }

    /// Which way round the neighbouring pair is taken (add/remove adjacency).
    public enum Adjacency: Sendable, Hashable, CaseIterable {
        /// The larger dataset's output first: P = (1−q)·N(0, σ²) + q·N(1, σ²), Q = N(0, σ²).
        case remove
        /// The smaller dataset's output first: P = N(0, σ²), Q = (1−q)·N(0, σ²) + q·N(1, σ²).
        case add
    }

    // MARK: - The subsampled Gaussian

    /// The pessimistic PLD of one step of the Poisson-subsampled Gaussian mechanism with
    /// sensitivity 1, noise N(0, σ²) and sampling rate q.
    ///
    /// With u(x) = (2x − 1)/(2σ²), the loss is L(x) = log(1 − q + q·eᵘ) (remove, x from the
    /// mixture) or −log(1 − q + q·eᵘ) (add, x ~ N(0, σ²)); L is monotone in x, so the mass of
    /// each grid cell ((k−1)h, kh] is a difference of Gaussian CDFs at the inverse images, computed
    /// through erfc on the tail side for full relative precision.
    /// - Parameters:
    ///   - noiseMultiplier: σ > 0.
    ///   - samplingRate: q ∈ (0, 1].
    ///   - adjacency: which direction of the neighbouring pair.
    ///   - valueDiscretizationInterval: h > 0 (dp-accounting's default is 1e-4).
    ///   - tailMassTruncation: the probability left out of each tail (default 1e-15).
    public static func subsampledGaussian(
        noiseMultiplier sigma: Double, samplingRate q: Double, adjacency: Adjacency,
        valueDiscretizationInterval h: Double = 1e-4, tailMassTruncation: Double = 1e-15
    ) -> PrivacyLossDistribution {
        precondition(sigma > 0 && sigma.isFinite, "Noise multiplier must be > 0, got \(sigma)")
        precondition(q > 0 && q <= 1, "Sampling rate must be in (0, 1], got \(q)")
        precondition(h > 0 && h.isFinite, "Discretization interval must be > 0, got \(h)")
        let variance = sigma * sigma
        let logOneMinusQ = q < 1 ? Double.log(onePlus: -q) : -Double.infinity
        let logQ = Double.log(q)
        // Remove-direction loss and its inverse.
        func removeLoss(_ x: Double) -> Double {
            PrivacyMath.logAdd(logOneMinusQ, logQ + (2 * x - 1) / (2 * variance))
        }
        func removeInverse(_ l: Double) -> Double {  // x with removeLoss(x) = l; −∞ below log(1−q)
            let shifted = Double.expMinusOne(l) + q
            if shifted <= 0 { return -.infinity }
            return variance * Double.log(shifted / q) + 0.5
        }
        // Tail quantile: Φ(−z) ≈ truncation/4.
        let z = normalQuantileUpper(tailMassTruncation / 4)
        switch adjacency {
        case .remove:
            let lowLoss = removeLoss(-z * sigma)
            let highLoss = removeLoss(1 + z * sigma)
            let lowIndex = Int((lowLoss / h).rounded(.down))
            let highIndex = Int((highLoss / h).rounded(.up))
            var masses = [Double](repeating: 0, count: highIndex - lowIndex + 1)
            // Cell k (k > lowIndex) holds x ∈ (x((k−1)h), x(kh)]; cell lowIndex holds everything below.
            var previous = -Double.infinity
            for k in lowIndex...highIndex {
                let boundary = removeInverse(Double(k) * h)
                masses[k - lowIndex] =
                    (1 - q) * gaussianMass(from: previous, to: boundary, mean: 0, sigma: sigma)
                    + q * gaussianMass(from: previous, to: boundary, mean: 1, sigma: sigma)
                previous = boundary
            }
            let infinity =
                (1 - q) * gaussianMass(from: previous, to: .infinity, mean: 0, sigma: sigma)
                + q * gaussianMass(from: previous, to: .infinity, mean: 1, sigma: sigma)
            return PrivacyLossDistribution(
                valueDiscretizationInterval: h, lowestIndex: lowIndex, masses: masses, infinityMass: infinity,
                tailMassTruncation: tailMassTruncation)
        case .add:
            // L(x) = −removeLoss(x), decreasing in x; x ~ N(0, σ²).
            let lowLoss = -removeLoss(z * sigma)
            let highLoss = -removeLoss(-z * sigma)
            let lowIndex = Int((lowLoss / h).rounded(.down))
            let highIndex = Int((highLoss / h).rounded(.up))
            var masses = [Double](repeating: 0, count: highIndex - lowIndex + 1)
            // L ≤ l ⟺ x ≥ removeInverse(−l). Cell k holds x ∈ [x(−kh), x(−(k−1)h)).
            var previous = Double.infinity  // x(−(k−1)h) for the cell below lowIndex: everything above
            for k in lowIndex...highIndex {
                let boundary = removeInverse(-Double(k) * h)
                masses[k - lowIndex] = gaussianMass(from: boundary, to: previous, mean: 0, sigma: sigma)
                previous = boundary
            }
            let infinity = gaussianMass(from: -.infinity, to: previous, mean: 0, sigma: sigma)
            return PrivacyLossDistribution(
                valueDiscretizationInterval: h, lowestIndex: lowIndex, masses: masses, infinityMass: infinity,
                tailMassTruncation: tailMassTruncation)
        }
    }

    /// P[a < X ≤ b] for X ~ N(mean, σ²), using the upper-tail form on the right of the mean.
    static func gaussianMass(from a: Double, to b: Double, mean: Double, sigma: Double) -> Double {
        if !(b > a) { return 0 }
        let s = 2.0.squareRoot() * sigma
        let ta = (a - mean) / s
        let tb = (b - mean) / s
        // Φ((x−μ)/σ) = ½erfc(−t), upper tail ½erfc(t).
        if ta >= 0 { return Swift.max(0, 0.5 * (Double.erfc(ta) - Double.erfc(tb))) }
        if tb <= 0 { return Swift.max(0, 0.5 * (Double.erfc(-tb) - Double.erfc(-ta))) }
        return Swift.max(0, 1 - 0.5 * Double.erfc(-ta) - 0.5 * Double.erfc(tb))
    }

    /// z with Φ(−z) = p (for small p), by bisection on the erfc tail.
    static func normalQuantileUpper(_ p: Double) -> Double {
        let target = Swift.max(p, 1e-300)
        return PrivacyMath.bisect(lower: 0, upper: 40) { PrivacyMath.normalCDF(-$0) > target }
    }

    // MARK: - Composition

    /// The PLD of running both mechanisms (independent composition): the convolution of the
    /// mass functions, by FFT, then tail truncation.
    /// - Parameter other: a PLD on the same grid spacing.
    /// - Returns: the composed PLD.
    public func composed(with other: PrivacyLossDistribution) -> PrivacyLossDistribution {
        precondition(
            valueDiscretizationInterval == other.valueDiscretizationInterval,
            "Composing PLDs needs equal grids, got \(valueDiscretizationInterval) and \(other.valueDiscretizationInterval)"
        )
        let product = PLDFourier.convolve(masses, other.masses)
        let infinity = 1 - (1 - infinityMass) * (1 - other.infinityMass)
        return PrivacyLossDistribution(
            valueDiscretizationInterval: valueDiscretizationInterval, lowestIndex: lowestIndex + other.lowestIndex,
            masses: product, infinityMass: infinity,
            tailMassTruncation: Swift.max(tailMassTruncation, other.tailMassTruncation)
        ).truncated()
    }

    /// The PLD of T independent runs of this mechanism.
    ///
    /// The composed loss is confined by a Chernoff bound to [A, B] with at most
    /// `tailMassTruncation` outside each side (log-MGF scanned over λ ∈ ±[10⁻³, 10³]); the FFT
    /// ring covers that window, the transform is raised to the power T in polar form, and any
    /// mass not found in the window is put at +∞ (pessimistic).
    /// - Parameter times: T ≥ 1.
    /// - Returns: the composed PLD.
    public func selfComposed(times: Int) -> PrivacyLossDistribution {
        precondition(times >= 1, "Self-composition count must be ≥ 1, got \(times)")
        if times == 1 { return self }
        let h = valueDiscretizationInterval
        let t = Double(times)
        let logTail = Double.log(Swift.max(tailMassTruncation, 1e-300))
        let logMasses = masses.map { $0 > 0 ? Double.log($0) : -Double.infinity }
        // Finite part of the mass: bounds are for the sum of T finite losses.
        func logMGF(_ lambda: Double) -> Double {  // log Σ pₖ e^{λ·k} over grid offsets k ∈ [0, n)
            var result = -Double.infinity
            var maximum = -Double.infinity
            for k in masses.indices where logMasses[k] > -.infinity {
                maximum = Swift.max(maximum, logMasses[k] + lambda * Double(k))
            }
            var sum = 0.0
            for k in masses.indices where logMasses[k] > -.infinity {
                sum += Double.exp(logMasses[k] + lambda * Double(k) - maximum)
            }
            result = maximum + Double.log(sum)
            return result
        }
        let n = Double(masses.count - 1)
        var upperOffset = t * n  // in grid steps above T·lowestIndex
        var lowerOffset = 0.0
        for step in 0...30 {
            let lambdaLoss = Double.pow(10, -3 + 6 * Double(step) / 30)  // λ per nat
            let lambda = lambdaLoss * h  // λ per grid step
            let up = (t * logMGF(lambda) - logTail) / lambda
            if up.isFinite { upperOffset = Swift.min(upperOffset, up) }
            let down = (t * logMGF(-lambda) - logTail) / lambda
            if down.isFinite { lowerOffset = Swift.max(lowerOffset, -down) }
        }
        let lowOffset = Int(Swift.max(0, lowerOffset.rounded(.down)))
        let highOffset = Int(Swift.min(t * n, upperOffset.rounded(.up)))
        let window = Swift.max(1, highOffset - lowOffset + 1)
        let size = PLDFourier.powerOfTwo(atLeast: Swift.max(window, masses.count))
        let ring = PLDFourier.selfConvolveCircular(masses, times: times, size: size)
        var composed = [Double](repeating: 0, count: window)
        for offset in 0..<window {
            composed[offset] = ring[(lowOffset + offset) % size]
        }
        let finite = Double.exp(t * Double.log(onePlus: -infinityMass))
        let captured = composed.reduce(0, +)
        let infinity = Swift.min(1, Swift.max(0, 1 - finite) + Swift.max(0, finite - captured))
        return PrivacyLossDistribution(
            valueDiscretizationInterval: h, lowestIndex: times * lowestIndex + lowOffset, masses: composed,
            infinityMass: infinity, tailMassTruncation: tailMassTruncation
        ).truncated()
    }

    /// Drops negligible tails: the lower tail (≤ truncation/2) moves onto the first kept point
    /// (rounding up), the upper tail (≤ truncation/2) to +∞.
    func truncated() -> PrivacyLossDistribution {
        let budget = tailMassTruncation / 2
        var first = 0
        var lowerMass = 0.0
        while first < masses.count - 1 && lowerMass + masses[first] <= budget {
            lowerMass += masses[first]
            first += 1
        }
        var last = masses.count - 1
        var upperMass = 0.0
        while last > first && upperMass + masses[last] <= budget {
            upperMass += masses[last]
            last -= 1
        }
        if first == 0 && last == masses.count - 1 { return self }
        var kept = Array(masses[first...last])
        kept[0] += lowerMass
        return PrivacyLossDistribution(
            valueDiscretizationInterval: valueDiscretizationInterval, lowestIndex: lowestIndex + first, masses: kept,
            infinityMass: Swift.min(1, infinityMass + upperMass), tailMassTruncation: tailMassTruncation)
    }

    // MARK: - Hockey-stick divergence

    /// δ(ε) = m∞ + Σₖ pₖ·(1 − e^{ε − lₖ})₊, the hockey-stick divergence of the pair.
    /// - Parameter epsilon: ε (any real).
    /// - Returns: δ ∈ [0, 1].
    public func delta(epsilon: Double) -> Double {
        var sum = infinityMass
        let h = valueDiscretizationInterval
        for k in masses.indices.reversed() {
            let loss = Double(lowestIndex + k) * h
            if loss <= epsilon { break }
            sum += masses[k] * -Double.expMinusOne(epsilon - loss)
        }
        return Swift.min(1, Swift.max(0, sum))
    }

    /// The smallest ε ≥ 0 with δ(ε) ≤ `delta` (exact on the piecewise form of δ(ε)).
    /// - Parameter delta: δ ∈ (0, 1).
    /// - Returns: ε, or +∞ when m∞ > δ.
    public func epsilon(delta target: Double) -> Double {
        precondition(target > 0 && target < 1, "δ must be in (0, 1), got \(target)")
        if infinityMass > target { return .infinity }
        let h = valueDiscretizationInterval
        // Between consecutive grid losses l_{k−1} ≤ ε < l_k: δ(ε) = m∞ + A − e^ε·B with
        // A = Σ_{j≥k} p_j, B = Σ_{j≥k} p_j e^{−l_j}. Scan down until δ(l_{k−1}) ≥ target.
        var a = 0.0
        var b = 0.0
        for k in masses.indices.reversed() {
            let loss = Double(lowestIndex + k) * h
            a += masses[k]
            b += masses[k] * Double.exp(-loss)
            let below = loss - h
            if k == 0 || infinityMass + a - Double.exp(below) * b >= target {
                let numerator = infinityMass + a - target
                if numerator <= 0 || b <= 0 { return Swift.max(0, loss) }
                return Swift.max(0, Swift.min(loss, Double.log(numerator / b)))
            }
        }
        return 0
    }
}
