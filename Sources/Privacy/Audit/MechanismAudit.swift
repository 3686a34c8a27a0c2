import RealModule
import TensorCore

/// Empirical privacy audits of the `Privacy` mechanisms: many runs with and without a canary,
/// the statistic of each run given to ``MembershipAudit`` (Jagielski, Ullman & Oprea 2020;
/// Nasr, Song, Thakurta, Papernot & Carlini 2021), and the resulting lower bound on ε compared
/// with the ε the mechanism claims.
///
/// Each mechanism is calibrated for the claimed (ε, δ) by the library itself, then its noise is
/// multiplied by ``Configuration/noiseFactor`` — 1 for the real mechanism; values < 1 break it
/// on purpose (a **debugging option** that shows the audit can catch an under-noised
/// mechanism: with the noise halved, ε_lower exceeds the claim). The neighbouring inputs and
/// statistics are the worst case for each mechanism:
///
/// - ``Mechanism/gaussian``: the query is 0 without the canary and Δ = 1 with it; output
///   y = query + N(0, σ²) with σ from ``GaussianMechanism`` (analytic calibration, Balle & Wang
///   2018); statistic y. Claim: (ε, δ).
/// - ``Mechanism/laplace``: the same queries with Laplace(0, b = 1/ε) noise
///   (``LaplaceMechanism``); claim ε-DP (the bound still subtracts the given δ, which only
///   makes it more conservative).
/// - ``Mechanism/discreteGaussian``: integer query 0 or 1 with N_ℤ(0, σ²) noise
///   (``DiscreteGaussianMechanism``); σ² is the smallest variance whose exact privacy curve
///   (Canonne, Kamath & Steinke 2020, Theorem 7) gives δ(ε) ≤ δ, found by bisection.
/// - ``Mechanism/dpsgdStep``: one full-batch DP-SGD step through ``Clipping``: a fixed batch of
///   per-example gradients (d = 8, norms above the clipping norm C = 1) plus, in world 1, a
///   canary gradient 2C·e₁; clip each to C, sum, add N(0, (σC)²) with σ from the analytic
///   Gaussian calibration (q = 1, one step); statistic: the noisy sum's first coordinate (the
///   canary's direction, Nasr et al. 2021's gradient canary).
public enum MechanismAudit {
    /// The audited mechanism.
    public enum Mechanism: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// ``GaussianMechanism``.
        case gaussian
        /// ``LaplaceMechanism``.
        case laplace
        /// ``DiscreteGaussianMechanism``.
        case discreteGaussian = "discrete-gaussian"
        /// One DP-SGD step (``Clipping``).
        case dpsgdStep = "dpsgd"

        /// The CLI name, e.g. `discrete-gaussian`.
        public var description: String { rawValue }
    }

    /// What to audit and how hard.
    public struct Configuration: Sendable, Hashable {
        /// The mechanism.
        public var mechanism: Mechanism
        /// The claimed ε > 0.
        public var epsilon: Double
        /// The claimed δ ∈ (0, 1).
        public var delta: Double
        /// Runs per world (with and without the canary), ≥ 100.
        public var trials: Int
        /// c ∈ (0, 1), the confidence of the lower bound.
        public var confidence: Double
        /// The factor applied to the calibrated noise scale: 1 = the real mechanism; < 1 breaks it
        /// deliberately (debugging only).
        public var noiseFactor: Double

        /// Creates a configuration.
        public init(
            mechanism: Mechanism, epsilon: Double, delta: Double = 1e-5, trials: Int = 100_000,
            confidence: Double = 0.95, noiseFactor: Double = 1
        ) {
            self.mechanism = mechanism
            self.epsilon = epsilon
            self.delta = delta
            self.trials = trials
            self.confidence = confidence
            self.noiseFactor = noiseFactor
        }

        /// Checks every field.
        /// - Throws: ``PrivacyError`` naming the field.
        public func validate() throws {
            try PrivacyValidation.epsilon(epsilon)
            try PrivacyValidation.delta(delta)
            try AuditValidation.trials(trials)
            try AuditValidation.confidence(confidence)
            try PrivacyValidation.noiseMultiplier(noiseFactor, name: "noise factor")
        }
    }

    /// The outcome: the claim, the empirical lower bound and the test behind it.
    public struct Report: Sendable, Hashable {
        /// The configuration audited.
        public var configuration: Configuration
        /// The noise scale actually used (σ, b or the discrete σ, in query units; after the factor).
        public var noiseScale: Double
        /// The membership test's result.
        public var audit: MembershipAudit.Result

        /// The claimed ε.
        public var epsilonClaimed: Double { configuration.epsilon }
        /// The lower bound on ε at ``MembershipAudit/Result/confidence``.
        public var epsilonLower: Double { audit.epsilonLower }
        /// Whether the audit found no violation (ε_lower ≤ ε_claimed).
        public var passed: Bool { audit.epsilonLower <= configuration.epsilon }
    }

    /// Runs the audit.
    /// - Parameters:
    ///   - configuration: what to audit.
    ///   - rng: the generator of every run (seeded for reproducible audits).
    /// - Returns: the report.
    /// - Throws: ``PrivacyError`` for an invalid configuration.
    public static func run<G: RandomNumberGenerator>(_ configuration: Configuration, using rng: inout G) throws
        -> Report
    {
        try configuration.validate()
        let n = configuration.trials
        let factor = configuration.noiseFactor
        var without = [Double](repeating: 0, count: n)
        var with = [Double](repeating: 0, count: n)
        let scale: Double
        switch configuration.mechanism {
        case .gaussian:
            let mechanism = try GaussianMechanism(epsilon: configuration.epsilon, delta: configuration.delta)
            scale = mechanism.standardDeviation * factor
            for i in 0..<n {
                without[i] = scale * rng.nextStandardGaussian()
                with[i] = 1 + scale * rng.nextStandardGaussian()
            }
        case .laplace:
            let mechanism = try LaplaceMechanism(epsilon: configuration.epsilon)
            scale = mechanism.scale * factor
            for i in 0..<n {
                without[i] = rng.nextLaplace(location: 0, scale: scale)
                with[i] = rng.nextLaplace(location: 1, scale: scale)
            }
        case .discreteGaussian:
            let variance = try discreteGaussianVariance(epsilon: configuration.epsilon, delta: configuration.delta)
            let mechanism = try DiscreteGaussianMechanism(variance: variance * factor * factor)
            scale = mechanism.variance.squareRoot()
            let noisyWithout = mechanism.apply(to: [Int64](repeating: 0, count: n), using: &rng)
            let noisyWith = mechanism.apply(to: [Int64](repeating: 1, count: n), using: &rng)
            without = noisyWithout.map(Double.init)
            with = noisyWith.map(Double.init)
        case .dpsgdStep:
            let sigma = try GaussianMechanism.analyticStandardDeviation(
                epsilon: configuration.epsilon, delta: configuration.delta)
            scale = sigma * factor
            let dimension = 8
            let batch = 16
            // The others' gradients: fixed for the whole audit (the adversary knows them).
            let others = Tensor<Double>.gaussian(shape: [batch, dimension], standardDeviation: 1, using: &rng)
            var canaryRow = [Double](repeating: 0, count: dimension)
            canaryRow[0] = 2  // norm 2C: clipped to C·e₁
            let withCanary = Tensor<Double>(
                shape: [batch + 1, dimension], scalars: others.scalars + canaryRow)
            for i in 0..<n {
                without[i] = dpsgdStatistic(others, noiseMultiplier: scale, using: &rng)
                with[i] = dpsgdStatistic(withCanary, noiseMultiplier: scale, using: &rng)
            }
        }
        let result = MembershipAudit.audit(
            without: without, with: with, delta: configuration.delta, confidence: configuration.confidence)
        return Report(configuration: configuration, noiseScale: scale, audit: result)
    }

    /// One DP-SGD step on per-example gradients `[batch, d]` with C = 1: the first coordinate of
    /// clip → sum → add N(0, σ²).
    static func dpsgdStatistic<G: RandomNumberGenerator>(
        _ gradients: Tensor<Double>, noiseMultiplier: Double, using rng: inout G
    ) -> Double {
        let (sum, _) = Clipping.clipAndAccumulate([gradients], maxNorm: 1)
        let noisy = Clipping.addNoise(to: sum, noiseMultiplier: noiseMultiplier, maxNorm: 1, using: &rng)
        return noisy[0].scalars[0]
    }

    /// The smallest variance σ² of N_ℤ(0, σ²) noise on a query with sensitivity 1 whose exact
    /// privacy curve (CKS 2020, Theorem 7) satisfies δ(ε) ≤ δ, by bisection on log σ² (to 1e-9).
    /// - Throws: ``PrivacyError`` for ε ≤ 0 or δ ∉ (0, 1).
    public static func discreteGaussianVariance(epsilon: Double, delta: Double) throws -> Double {
        try PrivacyValidation.epsilon(epsilon)
        try PrivacyValidation.delta(delta)
        func curve(_ variance: Double) throws -> Double {
            try DiscreteGaussianMechanism(variance: variance).scalarDelta(epsilon: epsilon)
        }
        // Start from the continuous Gaussian's σ² and bracket.
        let start = try GaussianMechanism.analyticStandardDeviation(epsilon: epsilon, delta: delta)
        var low = Swift.max(0x1p-20, start * start / 4)
        var high = start * start * 4
        while try curve(low) <= delta, low > 0x1p-20 { low /= 4 }
        while try curve(high) > delta { high *= 4 }
        while high / low - 1 > 1e-9 {
            let middle = (low * high).squareRoot()
            if try curve(middle) > delta { low = middle } else { high = middle }
        }
        return high
    }
}

/// Validation of audit parameters.
enum AuditValidation {
    static func trials(_ trials: Int) throws(PrivacyError) {
        guard trials >= 100 else {
            throw PrivacyError(code: .invalidParameter, message: "trials must be ≥ 100 per world, got \(trials)")
        }
    }

    static func confidence(_ confidence: Double) throws(PrivacyError) {
        guard confidence > 0, confidence < 1 else {
            throw PrivacyError(
                code: .invalidParameter, message: "confidence must be in the open interval (0, 1), got \(confidence)")
        }
    }
}
