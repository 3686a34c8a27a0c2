import Privacy
import RealModule

/// Whose privacy a federation protects.
public enum PrivacyUnit: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Each **record** (patient): DP-SGD inside the clinics, per-example clipping to C; the
    /// guarantee holds for adding or removing one record anywhere in the federation.
    case record
    /// Each **clinic** (all its records at once): the clinic's model update is clipped to C; the
    /// guarantee holds for adding or removing a whole clinic (McMahan et al. 2018, DP-FedAvg).
    case client

    /// The CLI spelling.
    public var description: String { rawValue }

    /// Parses `record` or `client`.
    /// - Throws: ``FederatedError`` `.invalidPrivacy` naming the accepted values.
    public init(parsing text: String) throws {
        guard let unit = PrivacyUnit(rawValue: text.lowercased()) else {
            throw FederatedError(
                code: .invalidPrivacy, message: "privacy unit '\(text)' is not one of record|client")
        }
        self = unit
    }
}

/// Who adds the noise.
public enum NoisePlacement: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The (trusted) server adds N(0, (σC)²) to the aggregate.
    case central
    /// Every clinic adds all of the noise to what it sends (no trust in the server, much noisier).
    case local
    /// Every clinic adds its share — discrete Gaussian on the quantized integers — so that only
    /// the securely aggregated sum carries the full noise (Kairouz, Liu & Steinke 2021).
    /// Needs secure aggregation.
    case distributed

    /// The CLI spelling.
    public var description: String { rawValue }

    /// Parses `central`, `local` or `distributed`.
    /// - Throws: ``FederatedError`` `.invalidPrivacy` naming the accepted values.
    public init(parsing text: String) throws {
        guard let placement = NoisePlacement(rawValue: text.lowercased()) else {
            throw FederatedError(
                code: .invalidPrivacy, message: "noise placement '\(text)' is not one of distributed|local|central")
        }
        self = placement
    }
}

/// The privacy target of a federation.
public struct FederatedPrivacyConfiguration: Sendable, Hashable {
    /// Target ε > 0.
    public var epsilon: Double
    /// δ ∈ (0, 1).
    public var delta: Double
    /// Record or client.
    public var unit: PrivacyUnit
    /// Central, local or distributed.
    public var noise: NoisePlacement
    /// C, the L2 clipping norm of a record's gradient (record) or a clinic's update (client).
    public var clipNorm: Double
    /// q, the Poisson sampling rate of records in each private gradient query (record level), or
    /// of clinics in each round (client level).
    public var samplingRate: Double
    /// The accountant for the Gaussian mechanisms (central, local). Distributed noise is always
    /// accounted with the distributed-discrete-Gaussian RDP bound.
    public var accountant: AccountantKind

    /// Creates a configuration.
    public init(
        epsilon: Double, delta: Double = 1e-5, unit: PrivacyUnit = .record, noise: NoisePlacement = .distributed,
        clipNorm: Double = 1, samplingRate: Double = 1, accountant: AccountantKind = .rdp
    ) {
        self.epsilon = epsilon
        self.delta = delta
        self.unit = unit
        self.noise = noise
        self.clipNorm = clipNorm
        self.samplingRate = samplingRate
        self.accountant = accountant
    }

    /// Checks every parameter.
    /// - Throws: ``FederatedError`` `.invalidPrivacy` for ε ≤ 0 (or not finite), δ ∉ (0, 1), C ≤ 0
    ///   or q ∉ (0, 1].
    public func validate() throws {
        guard epsilon.isFinite, epsilon > 0 else {
            throw FederatedError(code: .invalidPrivacy, message: "epsilon must be a finite number > 0, got \(epsilon)")
        }
        guard delta > 0, delta < 1 else {
            throw FederatedError(
                code: .invalidPrivacy, message: "delta must be in the open interval (0, 1), got \(delta)")
        }
        guard clipNorm > 0, clipNorm.isFinite else {
            throw FederatedError(code: .invalidPrivacy, message: "clipping norm must be > 0, got \(clipNorm)")
        }
        guard samplingRate > 0, samplingRate <= 1 else {
            throw FederatedError(code: .invalidPrivacy, message: "sampling rate must be in (0, 1], got \(samplingRate)")
        }
    }

    /// The accountant's name in result rows: `rdp`, `pld` or `rdp-ddg` (distributed).
    public var accountantName: String { noise == .distributed ? "rdp-ddg" : accountant.rawValue }
}

/// The noise a federation's schedule needs to meet its privacy target, and how it is applied.
public struct PrivacyPlan: Sendable, Hashable {
    /// The configuration planned for.
    public let configuration: FederatedPrivacyConfiguration
    /// σ: the total noise standard deviation per unit of sensitivity C (for distributed noise:
    /// the aggregate's integer standard deviation over the rounded integer sensitivity, with the
    /// design number of shares).
    public let noiseMultiplier: Double
    /// Mechanism invocations accounted per round (local DP-SGD steps per round; 1 otherwise).
    public let stepsPerRound: Int
    /// Rounds planned.
    public let rounds: Int
    /// Distributed noise only: the quantization and share parameters.
    public let distributed: DistributedNoise?

    /// The quantization and discrete-Gaussian shares of distributed noise.
    public struct DistributedNoise: Sendable, Hashable {
        /// s, integer steps per unit of the clinic's vector.
        public let scale: Double
        /// The rotated, padded length m.
        public let dimension: Int
        /// σ of each clinic's N_ℤ(0, σ²) share per coordinate, integer units.
        public let localStandardDeviation: Double
        /// The number of shares the noise is designed for (rounds with fewer surviving clinics
        /// are aborted before unmasking).
        public let minimumShares: Int
        /// Δ₂ in integer units (`s·C + √m`).
        public let l2Sensitivity: Double
        /// Δ₁ in integer units.
        public let l1Sensitivity: Double
    }

    /// Plans the noise for a schedule.
    /// - Parameters:
    ///   - configuration: the privacy target (validated here).
    ///   - rounds: T ≥ 1.
    ///   - localSteps: mechanism invocations per round for local record-level DP-SGD.
    ///   - parameterCount: d, the update length (distributed noise).
    ///   - minimumShares: the fewest clinics whose shares are in an unmasked sum (distributed).
    /// - Throws: ``FederatedError`` `.invalidPrivacy` for a bad configuration,
    ///   `.unreachableTarget` when no noise level within the allowed range reaches ε (the
    ///   message gives the smallest reachable ε).
    public static func make(
        _ configuration: FederatedPrivacyConfiguration, rounds: Int, localSteps: Int = 1, parameterCount: Int,
        minimumShares: Int
    ) throws -> PrivacyPlan {
        try configuration.validate()
        guard rounds >= 1, localSteps >= 1, parameterCount >= 1, minimumShares >= 1 else {
            throw FederatedError(
                code: .invalidParameter,
                message:
                    "privacy planning needs rounds, local steps, parameters and shares ≥ 1, got \(rounds), \(localSteps), \(parameterCount), \(minimumShares)"
            )
        }
        let q = configuration.samplingRate
        let delta = configuration.delta
        let steps = configuration.noise == .local && configuration.unit == .record ? localSteps : 1
        do {
            // The continuous Gaussian calibration (also the starting point for distributed noise).
            let gaussian = try NoiseCalibration.noiseMultiplier(
                targetEpsilon: configuration.epsilon, delta: delta, samplingRate: q, steps: rounds * steps,
                accountant: configuration.noise == .distributed ? .rdp : configuration.accountant,
                bounds: 0.05...5000, relativeTolerance: 1e-4, pldValueDiscretizationInterval: 1e-4)
            guard configuration.noise == .distributed else {
                return PrivacyPlan(
                    configuration: configuration, noiseMultiplier: gaussian, stepsPerRound: steps, rounds: rounds,
                    distributed: nil)
            }
            var m = 1
            while m < parameterCount { m <<= 1 }
            // Scale so that each share has σ ≈ 2^13 integer units: rounding then inflates Δ₂ by √m/(sC) ≪ 1 %,
            // τ is negligible, and the exact sampler's variance limit (2^30) leaves room for calibration.
            let n = Double(minimumShares)
            let scaled = Swift.max(
                8192 * n.squareRoot() / gaussian - Double(m).squareRoot(), 64 * Double(m).squareRoot())
            let scale = scaled / configuration.clipNorm
            let l2 = DistributedDiscreteGaussianAnalysis.roundedL2Sensitivity(scaledL2Sensitivity: scaled, dimension: m)
            let l1 = DistributedDiscreteGaussianAnalysis.roundedL1Sensitivity(roundedL2Sensitivity: l2, dimension: m)
            let local = try NoiseCalibration.smallestNoise(
                targetEpsilon: configuration.epsilon, bounds: 1e-3...32_000, relativeTolerance: 1e-4,
                context:
                    "distributed discrete Gaussian, q = \(q), rounds = \(rounds), shares = \(minimumShares), delta = \(delta)"
            ) { sigma in
                var accountant = DistributedDiscreteGaussianAccountant()
                try accountant.record(
                    samplingRate: q, l2Sensitivity: l2, l1Sensitivity: l1, localStandardDeviation: sigma,
                    clientCount: minimumShares, dimension: m, steps: rounds)
                return try accountant.epsilon(delta: delta)
            }
            return PrivacyPlan(
                configuration: configuration, noiseMultiplier: local * n.squareRoot() / l2, stepsPerRound: 1,
                rounds: rounds,
                distributed: DistributedNoise(
                    scale: scale, dimension: m, localStandardDeviation: local, minimumShares: minimumShares,
                    l2Sensitivity: l2, l1Sensitivity: l1))
        } catch let error as PrivacyError where error.code == .unreachableTarget {
            throw FederatedError(code: .unreachableTarget, message: error.message, cause: error)
        } catch let error as PrivacyError {
            throw FederatedError(code: .invalidPrivacy, message: error.message, cause: error)
        }
    }
}

/// The running privacy account of a federation: one entry per completed round, with the noise
/// that round really carried.
public struct PrivacyLedger: Sendable {
    /// The plan being followed.
    public let plan: PrivacyPlan
    private var gaussian: any PrivacyAccountant
    private var distributed = DistributedDiscreteGaussianAccountant()
    /// Rounds recorded.
    public private(set) var rounds = 0

    /// An empty ledger for a plan.
    public init(plan: PrivacyPlan) {
        self.plan = plan
        gaussian = plan.configuration.accountant.makeAccountant()
    }

    /// Records one completed round.
    /// - Parameter shares: for distributed noise, the number of noise shares in the unmasked sum.
    /// - Throws: ``FederatedError`` `.invalidPrivacy` (from the accountant).
    public mutating func recordRound(shares: Int) throws {
        let configuration = plan.configuration
        do {
            if let noise = plan.distributed {
                try distributed.record(
                    samplingRate: configuration.samplingRate, l2Sensitivity: noise.l2Sensitivity,
                    l1Sensitivity: noise.l1Sensitivity, localStandardDeviation: noise.localStandardDeviation,
                    clientCount: shares, dimension: noise.dimension)
            } else {
                try gaussian.record(
                    noiseMultiplier: plan.noiseMultiplier, samplingRate: configuration.samplingRate,
                    steps: plan.stepsPerRound)
            }
        } catch let error as PrivacyError {
            throw FederatedError(code: .invalidPrivacy, message: error.message, cause: error)
        }
        rounds += 1
    }

    /// ε spent so far at the plan's δ.
    public func epsilonSpent() throws -> Double {
        do {
            return plan.distributed != nil
                ? try distributed.epsilon(delta: plan.configuration.delta)
                : try gaussian.epsilon(delta: plan.configuration.delta)
        } catch let error as PrivacyError {
            throw FederatedError(code: .invalidPrivacy, message: error.message, cause: error)
        }
    }
}
