import Privacy
import TensorCore

/// The orchestrator of a federation: rounds, the strategy, privacy (planning, central noise,
/// accounting). It reaches the clinics only through a ``FederatedTransport`` and sees only
/// aggregates, so the same server drives the in-process simulation and a networked federation.
public struct FederatedServer {
    /// How the server updates the model.
    public var strategy: any AggregationStrategy
    /// The privacy plan (`nil`: non-private).
    public let plan: PrivacyPlan?
    /// The running account.
    public private(set) var ledger: PrivacyLedger?
    /// The global parameters.
    public private(set) var parameters: [Double]
    /// Local training settings sent to the clinics.
    public let local: LocalTrainingConfiguration
    /// Server step size η for record-level gradient rounds (`w ← w − η ḡ`).
    public let gradientLearningRate: Double
    /// The update codec (`nil`: real-valued updates).
    public let codec: UpdateCodec?
    /// Whether updates are securely aggregated.
    public let secureAggregation: Bool
    private var rng: Xoshiro256
    /// Rounds completed, aborted.
    public private(set) var completedRounds = 0
    /// Rounds that produced no update (too few survivors).
    public private(set) var abortedRounds = 0
    /// Link statistics over all rounds.
    public private(set) var link = LinkStatistics()
    /// Clinic-rounds lost to dropouts, stragglers and the channel.
    public private(set) var offline = 0, stragglers = 0, lostToChannel = 0
    /// Mean local loss of the last completed round.
    public private(set) var lastLocalLoss = 0.0
    /// The rule that combines individual updates (``RobustAggregator/fedAvg``: the sum only).
    public let aggregator: RobustAggregator
    /// B of clinic-side norm bounding, sent to the clinics (`nil`: none).
    public let clinicNormBound: Double?
    /// What the aggregator flagged in each completed round (robust aggregators only).
    public private(set) var detections: [RoundDetection] = []

    /// The clinics a robust aggregator singled out in one round.
    public struct RoundDetection: Sendable, Hashable {
        /// The round.
        public var round: Int
        /// The clinics whose updates were aggregated, ascending.
        public var contributors: [Int]
        /// The clinics flagged (excluded or clipped), ascending.
        public var flagged: [Int]
    }

    /// Creates a server.
    /// - Parameters:
    ///   - initialParameters: the starting model `[P]`.
    ///   - strategy: FedAvg, FedProx or any ``AggregationStrategy``.
    ///   - plan: the privacy plan, or `nil`.
    ///   - local: local training settings.
    ///   - gradientLearningRate: η for record-level central/distributed rounds.
    ///   - codec: the update codec (required with secure aggregation).
    ///   - secureAggregation: whether to aggregate securely.
    ///   - rng: central noise (`SystemRandomNumberGenerator`-seeded in deployment).
    ///   - aggregator: how individual updates are combined (default: FedAvg on the sum).
    ///   - clinicNormBound: B of clinic-side norm bounding, or `nil`.
    /// - Throws: ``FederatedError`` `.incompatibleSettings` for distributed noise without secure
    ///   aggregation, secure aggregation without a codec, or a robust aggregator with secure
    ///   aggregation or with noise calibrated to the sum (central, or any client-level plan);
    ///   `.invalidParameter` for a bad aggregator parameter or B ≤ 0.
    public init(
        initialParameters: [Double], strategy: any AggregationStrategy, plan: PrivacyPlan?,
        local: LocalTrainingConfiguration, gradientLearningRate: Double, codec: UpdateCodec?, secureAggregation: Bool,
        rng: Xoshiro256, aggregator: RobustAggregator = .fedAvg, clinicNormBound: Double? = nil
    ) throws {
        try Self.check(
            aggregator: aggregator, secureAggregation: secureAggregation, privacy: plan?.configuration,
            clinicNormBound: clinicNormBound)
        self.aggregator = aggregator
        self.clinicNormBound = clinicNormBound
        if let plan, plan.configuration.noise == .distributed, !secureAggregation {
            throw FederatedError(
                code: .incompatibleSettings,
                message: "distributed noise needs secure aggregation: without it each clinic's partial noise is exposed"
            )
        }
        if secureAggregation, codec == nil {
            throw FederatedError(code: .incompatibleSettings, message: "secure aggregation needs an update codec")
        }
        parameters = initialParameters
        self.strategy = strategy
        self.plan = plan
        ledger = plan.map(PrivacyLedger.init(plan:))
        self.local = local
        self.gradientLearningRate = gradientLearningRate
        self.codec = codec
        self.secureAggregation = secureAggregation
        self.rng = rng
    }

    /// The compatibility rules of robust aggregation.
    ///
    /// Robust aggregators need every clinic's update, and secure aggregation exists to hide
    /// exactly that: the combination is refused rather than silently weakened. The noise of
    /// central record-level DP and of every client-level plan is calibrated to the sensitivity
    /// of the *sum*; a median or Krum has another sensitivity, so those plans are refused too.
    /// Record-level DP with local noise (DP-SGD inside each clinic) composes with any aggregator
    /// (post-processing).
    /// - Throws: ``FederatedError`` `.incompatibleSettings` or `.invalidParameter`.
    static func check(
        aggregator: RobustAggregator, secureAggregation: Bool, privacy: FederatedPrivacyConfiguration?,
        clinicNormBound: Double?
    ) throws {
        try aggregator.validateParameters()
        if let clinicNormBound {
            guard clinicNormBound > 0, clinicNormBound.isFinite else {
                throw FederatedError(
                    code: .invalidParameter, message: "clinic-side norm bound must be > 0, got \(clinicNormBound)")
            }
        }
        guard aggregator.needsIndividualUpdates else { return }
        if secureAggregation {
            throw FederatedError(
                code: .incompatibleSettings,
                message:
                    "aggregator \(aggregator) needs each clinic's update, which secure aggregation hides (the server "
                    + "learns only the sum); use --aggregator fedavg with a clinic-side norm bound under secure "
                    + "aggregation, or drop --secure-aggregation")
        }
        if let privacy, privacy.unit == .client || privacy.noise != .local {
            throw FederatedError(
                code: .incompatibleSettings,
                message:
                    "aggregator \(aggregator) with \(privacy.unit)-level DP and \(privacy.noise) noise: that noise is "
                    + "calibrated to the sum's sensitivity; use record-level DP with local noise, or fedavg")
        }
    }

    /// The instructions of round `round`.
    public func instructions(round: Int) -> RoundInstructions {
        var procedure = ClinicProcedure.localTraining(local)
        var noise = NoiseShare.none
        var minimum = 1
        var participation = 1.0
        if let plan {
            let configuration = plan.configuration
            let c = configuration.clipNorm
            switch (configuration.unit, configuration.noise) {
            case (.record, .local):
                procedure = .localDPSGD(
                    local, steps: plan.stepsPerRound, samplingRate: configuration.samplingRate, clipNorm: c,
                    noiseMultiplier: plan.noiseMultiplier)
            case (.record, _):
                procedure = .clippedGradientSum(
                    samplingRate: configuration.samplingRate, clipNorm: c, learningRate: gradientLearningRate)
            case (.client, _):
                procedure = .clippedUpdate(local, clipNorm: c)
                participation = configuration.samplingRate
                if configuration.noise == .local { noise = .gaussian(standardDeviation: plan.noiseMultiplier * c) }
            }
            if let distributed = plan.distributed {
                noise = .discreteGaussian(standardDeviation: distributed.localStandardDeviation)
                minimum = distributed.minimumShares
            }
        }
        return RoundInstructions(
            round: round, globalParameters: parameters, procedure: procedure,
            proximalCoefficient: strategy.proximalCoefficient, noise: noise, codec: codec,
            secureAggregation: secureAggregation, minimumContributors: minimum, participationRate: participation,
            clinicNormBound: clinicNormBound)
    }

    /// Runs one round through `transport`: instructions out, aggregate back, central noise,
    /// accounting, strategy.
    /// - Throws: ``FederatedError`` from the transport or the accountant.
    public mutating func runRound<T: FederatedTransport>(_ round: Int, over transport: inout T) throws {
        let request = instructions(round: round)
        let aggregate = try transport.runRound(request)
        link.add(aggregate.link)
        offline += aggregate.offline
        stragglers += aggregate.stragglers
        lostToChannel += aggregate.lostToChannel
        guard var sum = aggregate.sum, aggregate.totalWeight > 0 else {
            abortedRounds += 1
            return
        }
        var denominator = aggregate.totalWeight
        if let plan {
            let configuration = plan.configuration
            if configuration.noise == .central {
                let deviation = plan.noiseMultiplier * configuration.clipNorm
                for j in sum.indices { sum[j] += deviation * rng.nextStandardGaussian() }
            }
            if configuration.unit == .client {
                // Fixed denominator: the expected number of participating clinics (public).
                denominator = configuration.samplingRate * Double(transport.clinicCount)
            }
            try ledger?.recordRound(shares: aggregate.contributors.count)
        }
        var mean = sum.map { $0 / denominator }
        if aggregator.needsIndividualUpdates {
            guard let individual = aggregate.individualUpdates, !individual.isEmpty else {
                throw FederatedError(
                    code: .incompatibleSettings,
                    message: "aggregator \(aggregator) needs individual updates; the transport delivered only a sum")
            }
            let robust = try aggregator.aggregate(individual, using: &rng)
            mean = robust.update
            detections.append(
                RoundDetection(round: round, contributors: aggregate.contributors, flagged: robust.flagged))
        }
        if case .clippedGradientSum(_, _, let eta) = request.procedure {
            mean = mean.map { -eta * $0 }
        }
        parameters = strategy.apply(meanUpdate: mean, to: parameters)
        completedRounds += 1
        lastLocalLoss = aggregate.meanLocalLoss
    }
}
