/// How the server turns the aggregate of the clinics' updates into the next global model
/// (Flower's `Strategy`, reduced to what runs on the server after aggregation).
///
/// A strategy sees only the **mean update** — the (securely) aggregated sum divided by the total
/// public weight, with any central noise already added — never an individual clinic's update,
/// so every strategy works unchanged under secure aggregation and differential privacy. It may
/// also ask the clinics to add a proximal term to their local objective.
public protocol AggregationStrategy: Sendable {
    /// A short name for result rows (`fedavg`, `fedprox`).
    var name: String { get }
    /// μ ≥ 0 of the proximal term μ/2‖w − w_global‖² the clinics add to their local objective.
    var proximalCoefficient: Double { get }
    /// The next global parameters.
    /// - Parameters:
    ///   - meanUpdate: `[P]`, the weighted mean of the clinics' parameter deltas.
    ///   - global: `[P]`, the current global parameters.
    /// - Returns: `[P]`.
    mutating func apply(meanUpdate: [Double], to global: [Double]) -> [Double]
}

/// Federated averaging (McMahan et al. 2017): `w ← w + η_s · Σ_c n_c Δ_c / Σ_c n_c`, with
/// optional server momentum (FedAvgM, Hsu, Qi & Brown 2019): `v ← βv + Δ̄`, `w ← w + η_s v`.
public struct FedAvg: AggregationStrategy {
    /// η_s, the server learning rate (1: plain averaging).
    public var serverLearningRate: Double
    /// β ∈ [0, 1), server momentum (0: none).
    public var momentum: Double
    private var velocity: [Double] = []

    /// Creates FedAvg.
    /// - Precondition: η_s > 0 and 0 ≤ β < 1.
    public init(serverLearningRate: Double = 1, momentum: Double = 0) {
        precondition(serverLearningRate > 0 && momentum >= 0 && momentum < 1, "FedAvg needs η_s > 0 and β ∈ [0, 1)")
        self.serverLearningRate = serverLearningRate
        self.momentum = momentum
    }

    /// `fedavg`.
    public var name: String { "fedavg" }
    /// 0.
    public var proximalCoefficient: Double { 0 }

    public mutating func apply(meanUpdate: [Double], to global: [Double]) -> [Double] {
        precondition(meanUpdate.count == global.count, "Update has \(meanUpdate.count) values, model \(global.count)")
        if velocity.count != global.count { velocity = [Double](repeating: 0, count: global.count) }
        var next = global
        for j in next.indices {
            velocity[j] = momentum * velocity[j] + meanUpdate[j]
            next[j] += serverLearningRate * velocity[j]
        }
        return next
    }
}

/// FedProx (Li et al. 2020, "Federated Optimization in Heterogeneous Networks"): FedAvg on the
/// server, and a proximal term μ/2‖w − w_global‖² in every clinic's local objective, which
/// keeps local models near the global one on label-skewed (non-IID) shards.
public struct FedProx: AggregationStrategy {
    /// μ > 0.
    public var proximalCoefficient: Double
    private var averaging: FedAvg

    /// Creates FedProx.
    /// - Precondition: μ ≥ 0, η_s > 0.
    public init(mu: Double = 0.01, serverLearningRate: Double = 1) {
        precondition(mu >= 0, "FedProx needs μ ≥ 0, got \(mu)")
        proximalCoefficient = mu
        averaging = FedAvg(serverLearningRate: serverLearningRate)
    }

    /// `fedprox`.
    public var name: String { "fedprox" }

    public mutating func apply(meanUpdate: [Double], to global: [Double]) -> [Double] {
        averaging.apply(meanUpdate: meanUpdate, to: global)
    }
}
