/// The Rényi-DP accountant (Mironov 2017; Mironov, Talwar & Zhang 2019) with the improved
/// RDP → (ε, δ) conversion (Balle et al. 2020), as Google dp-accounting's `RdpAccountant`.
///
/// Holds the compressed history of subsampled-Gaussian steps and the total zCDP parameter of
/// any discrete-Gaussian releases recorded with ``recordConcentrated(rho:steps:)``
/// (ρ-zCDP is RDP ρ·α at every order, CKS 2020), and evaluates ε on demand.
///
/// ```swift
/// var accountant = RDPAccountant()
/// try accountant.record(noiseMultiplier: 1.1, samplingRate: 0.01, steps: 1000)
/// let epsilon = try accountant.epsilon(delta: 1e-5)   // ≈ 1.7118
/// ```
public struct RDPAccountant: PrivacyAccountant, Sendable, Hashable {
    /// The orders α at which RDP is tracked.
    public let orders: [Double]
    /// The compressed history of subsampled-Gaussian steps.
    public private(set) var history: [AccountingEntry] = []
    /// Σ ρ of the zCDP releases recorded so far.
    public private(set) var concentratedRho: Double = 0

    /// An empty accountant.
    /// - Parameter orders: orders α > 1 (default: dp-accounting's, ``RDPAnalysis/dpAccountingOrders``).
    /// - Precondition: `orders` is non-empty and every α > 1.
    public init(orders: [Double] = RDPAnalysis.dpAccountingOrders) {
        precondition(
            !orders.isEmpty && orders.allSatisfy { $0 > 1 }, "RDP orders must be non-empty and > 1, got \(orders)")
        self.orders = orders
    }

    /// ``AccountantKind/rdp``.
    public var kind: AccountantKind { .rdp }

    /// Records `steps` steps of the Poisson-subsampled Gaussian mechanism.
    /// - Throws: ``PrivacyError`` for σ ≤ 0, q ∉ (0, 1] or steps < 1.
    public mutating func record(noiseMultiplier: Double, samplingRate: Double, steps: Int) throws {
        let entry = try AccountingEntry(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: steps)
        AccountingEntry.appendCompressed(entry, to: &history)
    }

    /// Records `steps` releases each ρ-zCDP (e.g. a ``DiscreteGaussianMechanism``'s ``DiscreteGaussianMechanism/rho``).
    /// - Throws: ``PrivacyError`` with `.invalidParameter` for ρ ≤ 0, `.invalidSteps` for steps < 1.
    public mutating func recordConcentrated(rho: Double, steps: Int = 1) throws {
        guard rho.isFinite, rho > 0 else {
            throw PrivacyError(code: .invalidParameter, message: "rho must be a finite number > 0, got \(rho)")
        }
        try PrivacyValidation.steps(steps)
        concentratedRho += rho * Double(steps)
    }

    /// Records `steps` applications of a Laplace mechanism (its RDP curve, Mironov 2017,
    /// Proposition 6; see ``LaplaceMechanism/renyiDivergence(order:)``).
    /// - Throws: ``PrivacyError`` with `.invalidSteps` for steps < 1.
    public mutating func recordLaplace(_ mechanism: LaplaceMechanism, steps: Int = 1) throws {
        try PrivacyValidation.steps(steps)
        if laplaceRDP.isEmpty { laplaceRDP = [Double](repeating: 0, count: orders.count) }
        for i in orders.indices {
            laplaceRDP[i] += Double(steps) * mechanism.renyiDivergence(order: orders[i])
        }
    }

    /// Σ of the recorded Laplace mechanisms' RDP at each of ``orders`` (empty when none).
    public private(set) var laplaceRDP: [Double] = []

    /// The total RDP at each of ``orders``, `[orders.count]`.
    public var rdp: [Double] {
        var total = orders.map { concentratedRho * $0 }
        for i in laplaceRDP.indices { total[i] += laplaceRDP[i] }
        for entry in history {
            let values = RDPAnalysis.subsampledGaussian(
                samplingRate: entry.samplingRate, noiseMultiplier: entry.noiseMultiplier, steps: entry.steps,
                orders: orders)
            for i in total.indices { total[i] += values[i] }
        }
        return total
    }

    /// The ε spent at δ, and the order that gives it.
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1).
    public func epsilonAndOrder(delta: Double) throws -> (epsilon: Double, order: Double) {
        try PrivacyValidation.delta(delta)
        return RDPAnalysis.epsilon(orders: orders, rdp: rdp, delta: delta)
    }

    /// The ε spent at δ (0 when nothing was recorded).
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1).
    public func epsilon(delta: Double) throws -> Double {
        try epsilonAndOrder(delta: delta).epsilon
    }
}
