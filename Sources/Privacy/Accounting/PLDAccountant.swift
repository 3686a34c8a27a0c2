/// The privacy-loss-distribution accountant (Koskela et al. 2020), as Google dp-accounting's
/// `PLDAccountant` for Poisson-subsampled Gaussian steps: tight (ε, δ) from discretized,
/// FFT-composed privacy loss distributions; see ``PLDAnalysis`` and ``PrivacyLossDistribution``.
///
/// ```swift
/// var accountant = PLDAccountant()  // h = 2e-5
/// try accountant.record(noiseMultiplier: 1.1, samplingRate: 0.01, steps: 1000)
/// let epsilon = try accountant.epsilon(delta: 1e-5)   // ≈ 1.52
/// ```
public struct PLDAccountant: PrivacyAccountant, Sendable, Hashable {
    /// h, the loss grid spacing (nats); smaller is tighter and slower.
    public let valueDiscretizationInterval: Double
    /// The compressed history.
    public private(set) var history: [AccountingEntry] = []

    /// An empty accountant.
    /// - Parameter valueDiscretizationInterval: h ∈ (0, 1]. The default 2e-5 is finer than
    ///   dp-accounting's 1e-4 because our discretization is purely pessimistic (≈ T·h/2 nats
    ///   of bias; 1e-4 gives 1.565 instead of 1.515 for q = 0.01, σ = 1.1, T = 1000).
    /// - Precondition: h ∈ (0, 1].
    public init(valueDiscretizationInterval: Double = 2e-5) {
        precondition(
            valueDiscretizationInterval > 0 && valueDiscretizationInterval <= 1,
            "Discretization interval must be in (0, 1], got \(valueDiscretizationInterval)")
        self.valueDiscretizationInterval = valueDiscretizationInterval
    }

    /// ``AccountantKind/pld``.
    public var kind: AccountantKind { .pld }

    /// Records `steps` steps of the Poisson-subsampled Gaussian mechanism.
    /// - Throws: ``PrivacyError`` for σ ≤ 0, q ∉ (0, 1] or steps < 1.
    public mutating func record(noiseMultiplier: Double, samplingRate: Double, steps: Int) throws {
        let entry = try AccountingEntry(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: steps)
        AccountingEntry.appendCompressed(entry, to: &history)
    }

    /// The ε spent at δ (0 when nothing was recorded).
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1).
    public func epsilon(delta: Double) throws -> Double {
        try PrivacyValidation.delta(delta)
        return PLDAnalysis.epsilon(
            entries: history, delta: delta, valueDiscretizationInterval: valueDiscretizationInterval)
    }
}
