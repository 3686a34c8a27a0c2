import Privacy
import RealModule
import TensorCore

/// The server strategy of a simulated federation.
public enum StrategyKind: Sendable, Hashable, CustomStringConvertible {
    /// ``FedAvg`` (with server learning rate and momentum from the configuration).
    case fedAvg
    /// ``FedProx`` with μ.
    case fedProx(mu: Double)

    /// `fedavg` or `fedprox(μ)`.
    public var description: String {
        switch self {
        case .fedAvg: "fedavg"
        case .fedProx(let mu): "fedprox(\(mu))"
        }
    }
}

/// Everything that defines a simulated federation.
public struct FederationConfiguration: Sendable {
    /// Number of clinics n.
    public var clinics = 20
    /// Rounds T.
    public var rounds = 60
    /// The model.
    public var model = FederatedModelKind.svm
    /// λ of the linear models' L2 penalty.
    public var regularization = 1e-3
    /// Hidden units of the MLP.
    public var hiddenUnits = 16
    /// How records are spread over clinics.
    public var partition = ClinicPartition.iid
    /// Local training (non-private, client-level and local record-level rounds).
    public var local = LocalTrainingConfiguration(epochs: 1, batchSize: 16, learningRate: 0.1, optimizer: .sgd)
    /// η of record-level gradient rounds (central or distributed noise): `w ← w − η ḡ`.
    public var gradientLearningRate = 1.0
    /// The server strategy.
    public var strategy = StrategyKind.fedAvg
    /// η_s of FedAvg / FedProx.
    public var serverLearningRate = 1.0
    /// β of FedAvg's server momentum.
    public var serverMomentum = 0.0
    /// The privacy target (`nil`: non-private).
    public var privacy: FederatedPrivacyConfiguration?
    /// Whether updates are securely aggregated.
    public var secureAggregation = false
    /// SecAgg+ neighbours (`nil`: the complete graph up to 64 clinics, then 2⌈log₂ n⌉).
    public var neighborCount: Int?
    /// P(a clinic is offline in a round).
    public var dropoutRate = 0.0
    /// P(an online clinic's update is too late).
    public var stragglerRate = 0.0
    /// The link updates cross.
    public var link = UpdateLinkConfiguration.ideal
    /// Bits per quantized coordinate (and of the secure-aggregation modulus).
    public var modulusBits = 48
    /// A model to train instead of ``model`` (its parameters are the initialization), e.g. a
    /// codec's network wrapped as a ``FederatedModel`` by a higher layer.
    public var customModel: (any FederatedModel)?
    /// The malicious clinics' attack (`nil`: every clinic is honest).
    public var attack: AttackConfiguration?
    /// How the server combines individual updates (``RobustAggregator/fedAvg``: the sum only).
    public var aggregator = RobustAggregator.fedAvg
    /// B of clinic-side norm bounding (`nil`: none); works under secure aggregation.
    public var clinicNormBound: Double?
    /// The honest clinics' adversarial training or input perturbation (``LocalInputDefence``;
    /// `nil`: none). Clinic-side, so it works under secure aggregation and with DP.
    public var honestDefence: (any LocalInputDefence)?
    /// Whether to evaluate the global model on the test set after every round
    /// (``FederationResult/roundMetrics``).
    public var evaluateEveryRound = false

    /// The default configuration.
    public init() {}

    /// Checks the settings against a training set.
    /// - Throws: ``FederatedError`` for clinics < 1 or more clinics than records, rounds < 1,
    ///   rates outside [0, 1), bad local training, a bad privacy configuration, or incompatible
    ///   settings (distributed noise without secure aggregation, analog symbols with secure
    ///   aggregation).
    public func validate(trainingRecords: Int) throws {
        guard clinics >= 1 else {
            throw FederatedError(code: .invalidParameter, message: "number of clinics must be ≥ 1, got \(clinics)")
        }
        guard clinics <= trainingRecords else {
            throw FederatedError(
                code: .insufficientData,
                message:
                    "\(clinics) clinics but only \(trainingRecords) training records: every clinic needs at least one record"
            )
        }
        guard rounds >= 1 else {
            throw FederatedError(code: .invalidParameter, message: "rounds must be ≥ 1, got \(rounds)")
        }
        guard dropoutRate >= 0, dropoutRate < 1, stragglerRate >= 0, stragglerRate < 1 else {
            throw FederatedError(
                code: .invalidParameter,
                message: "dropout and straggler rates must be in [0, 1), got \(dropoutRate) and \(stragglerRate)")
        }
        guard gradientLearningRate > 0, serverLearningRate > 0, serverMomentum >= 0, serverMomentum < 1 else {
            throw FederatedError(
                code: .invalidParameter, message: "learning rates must be > 0 and server momentum in [0, 1)")
        }
        guard modulusBits >= 16, modulusBits <= 64 else {
            throw FederatedError(code: .invalidParameter, message: "modulus bits must be in 16…64, got \(modulusBits)")
        }
        try local.validate()
        try privacy?.validate()
        if privacy?.noise == .distributed, !secureAggregation {
            throw FederatedError(
                code: .incompatibleSettings,
                message:
                    "distributed noise needs secure aggregation (--secure-aggregation): each clinic adds only a share")
        }
        if secureAggregation, case .analog = link {
            throw FederatedError(
                code: .incompatibleSettings,
                message: "analog symbols cannot carry secure-aggregation masks (sums mod 2^b); use a digital link")
        }
        if secureAggregation, clinics < 2 {
            throw FederatedError(code: .incompatibleSettings, message: "secure aggregation needs at least 2 clinics")
        }
        try FederatedServer.check(
            aggregator: aggregator, secureAggregation: secureAggregation, privacy: privacy,
            clinicNormBound: clinicNormBound)
        try aggregator.validate(clinics: clinics)
        // The built-in models are all InputDifferentiableModel; a custom one may not be.
        if let defence = honestDefence, defence.needsInputGradients, let customModel,
            !(customModel is any InputDifferentiableModel)
        {
            throw FederatedError(
                code: .incompatibleSettings,
                message: "honest-clinic defence \(defence) needs input gradients; the custom model does not provide them")
        }
        if let attack, attack.attackers > clinics {
            throw FederatedError(
                code: .invalidParameter,
                message: "\(attack.attackers) attackers among \(clinics) clinics: need 0 ≤ attackers ≤ clinics")
        }
    }

    /// The SecAgg+ neighbour count used: the configured one, or `nil` (complete graph) up to 64
    /// clinics and the even 2⌈log₂ n⌉ beyond.
    public var effectiveNeighborCount: Int? {
        if let neighborCount { return neighborCount }
        guard clinics > 64 else { return nil }
        var log = 0
        while (1 << log) < clinics { log += 1 }
        return Swift.min(2 * log, (clinics - 1) / 2 * 2)
    }

    /// The fewest clinics whose distributed noise shares must be in an unmasked sum: the
    /// expected participants minus two standard deviations of the Binomial(n, p) count of
    /// participants (p = participation × (1 − dropout) × (1 − straggler)), at least 2.
    public var minimumShares: Int {
        let participation = privacy?.unit == .client ? (privacy?.samplingRate ?? 1) : 1
        let p = participation * (1 - dropoutRate) * (1 - stragglerRate)
        let n = Double(clinics)
        let slack = 2 * (n * p * (1 - p)).squareRoot()
        return Swift.max(2, Swift.min(clinics, Int((n * p - slack).rounded(.down))))
    }
}

/// The outcome of one simulated federation.
public struct FederationResult: Sendable {
    /// Test accuracy of the final global model.
    public var accuracy: Double
    /// Mean test loss of the final global model (hinge for the SVM, cross-entropy otherwise).
    public var loss: Double
    /// ε spent at δ (0 when non-private).
    public var epsilonSpent: Double
    /// σ of the plan (0 when non-private).
    public var noiseMultiplier: Double
    /// Rounds that updated the model.
    public var completedRounds: Int
    /// Rounds aborted (too few survivors).
    public var abortedRounds: Int
    /// Clinic-rounds offline, late, lost to the channel.
    public var offline: Int, stragglers: Int, lostToChannel: Int
    /// What the links did.
    public var link: LinkStatistics
    /// The final parameters.
    public var parameters: [Double]
    /// The malicious clinics, ascending (empty without an attack).
    public var attackers: [Int] = []
    /// The attack success rate of the final model (``AttackConfiguration/successRate(of:on:)``;
    /// `nil` without a targeted attack).
    public var attackSuccessRate: Double?
    /// Per-round test metrics (with ``FederationConfiguration/evaluateEveryRound``).
    public var roundMetrics: [RoundMetrics] = []
    /// How well the robust aggregator's flags matched the attackers (`nil` when it is not a
    /// detector or no round was attacked).
    public var detection: DetectionRates?
}

/// The test metrics of the global model after one round.
public struct RoundMetrics: Sendable, Hashable, Codable {
    /// The round (0-based).
    public var round: Int
    /// Accuracy on the clean test records.
    public var cleanAccuracy: Double
    /// The attack success rate (`nil`: no targeted attack).
    public var attackSuccessRate: Double?

    /// Creates metrics.
    public init(round: Int, cleanAccuracy: Double, attackSuccessRate: Double?) {
        self.round = round
        self.cleanAccuracy = cleanAccuracy
        self.attackSuccessRate = attackSuccessRate
    }

    enum CodingKeys: String, CodingKey {
        case round, cleanAccuracy = "clean_accuracy", attackSuccessRate = "attack_success_rate"
    }
}

/// A detector's true and false positive rates over the attacked rounds: of the malicious
/// (honest) clinic-rounds aggregated, the share flagged.
public struct DetectionRates: Sendable, Hashable, Codable {
    /// Flagged malicious clinic-rounds / malicious clinic-rounds (`nil` without any).
    public var truePositiveRate: Double?
    /// Flagged honest clinic-rounds / honest clinic-rounds.
    public var falsePositiveRate: Double
    /// Rounds counted.
    public var rounds: Int

    enum CodingKeys: String, CodingKey {
        case truePositiveRate = "true_positive_rate", falsePositiveRate = "false_positive_rate", rounds
    }

    /// Counts the flags of `detections` in rounds ≥ `fromRound` against the set `attackers`.
    public init(_ detections: [FederatedServer.RoundDetection], attackers: Set<Int>, fromRound: Int) {
        var tp = 0
        var positives = 0
        var fp = 0
        var negatives = 0
        var rounds = 0
        for d in detections where d.round >= fromRound {
            rounds += 1
            let flagged = Set(d.flagged)
            for c in d.contributors {
                if attackers.contains(c) {
                    positives += 1
                    if flagged.contains(c) { tp += 1 }
                } else {
                    negatives += 1
                    if flagged.contains(c) { fp += 1 }
                }
            }
        }
        truePositiveRate = positives == 0 ? nil : Double(tp) / Double(positives)
        falsePositiveRate = negatives == 0 ? 0 : Double(fp) / Double(negatives)
        self.rounds = rounds
    }
}

/// Runs a whole federation in this process: shards, clinics, the in-process transport and the
/// server, then evaluates the global model.
public enum FederatedSimulation {
    /// Trains on `train` with `configuration` and evaluates on `test`.
    /// - Parameters:
    ///   - configuration: the federation.
    ///   - train: the records spread over the clinics.
    ///   - test: held-out records for the final evaluation.
    ///   - seed: every random draw (shards, initialization, clinics' and server's generators).
    ///   - roundCallback: called after each round with (round, server).
    /// - Throws: ``FederatedError`` for bad settings (see ``FederationConfiguration/validate(trainingRecords:)``),
    ///   an unreachable privacy target, or a failed secure-aggregation round.
    public static func run(
        _ configuration: FederationConfiguration, train: FederatedDataset, test: FederatedDataset, seed: UInt64,
        roundCallback: (Int, FederatedServer) -> Void = { _, _ in }
    ) throws -> FederationResult {
        try configuration.validate(trainingRecords: train.count)
        // The derivations live in FederationSetup, shared with clinics that run elsewhere (Flower).
        var root = Xoshiro256(seed: seed)
        let shards = try FederationSetup.shardIndices(configuration, train: train, seed: seed).map { train.subset($0) }
        let model = try FederationSetup.initialModel(
            configuration, featureCount: train.featureCount, classCount: train.classCount, seed: seed)
        let p = model.parameterCount
        var clinics = shards.enumerated().map { k, shard in
            var clinic = FederatedClinic(
                id: k, data: shard, model: model, rng: FederationSetup.clinicGenerator(seed: seed, clinic: k))
            clinic.defence = configuration.honestDefence
            return clinic
        }
        var attackers: [Int] = []
        if var attack = configuration.attack {
            try attack.validate(
                clinics: configuration.clinics, rounds: configuration.rounds, featureCount: train.featureCount,
                classCount: train.classCount)
            attack.boost = attack.effectiveBoost(clinics: configuration.clinics)
            var attackerRNG = root.fork(stream: 5)
            var ids = Array(0..<configuration.clinics)
            ids.shuffle(using: &attackerRNG)
            attackers = ids.prefix(attack.attackers).sorted()
            for k in attackers { clinics[k].attack = attack }
        }

        // Privacy plan.
        let maxShard = shards.map(\.count).max() ?? 1
        var plan: PrivacyPlan?
        if let privacy = configuration.privacy {
            let localSteps = FederationSetup.localSteps(
                epochs: configuration.local.epochs, samplingRate: privacy.samplingRate)
            plan = try PrivacyPlan.make(
                privacy, rounds: configuration.rounds, localSteps: localSteps, parameterCount: p,
                minimumShares: configuration.minimumShares)
        }

        // Update codec: needed for secure aggregation and digital links.
        var codec: UpdateCodec?
        let digital: Bool = if case .digital = configuration.link { true } else { false }
        if configuration.secureAggregation || digital {
            codec = makeCodec(configuration, plan: plan, parameterCount: p, largestShard: maxShard, seed: root.next())
        }

        let strategy: any AggregationStrategy =
            switch configuration.strategy {
            case .fedAvg:
                FedAvg(serverLearningRate: configuration.serverLearningRate, momentum: configuration.serverMomentum)
            case .fedProx(let mu): FedProx(mu: mu, serverLearningRate: configuration.serverLearningRate)
            }
        var server = try FederatedServer(
            initialParameters: model.parameters, strategy: strategy, plan: plan, local: configuration.local,
            gradientLearningRate: configuration.gradientLearningRate, codec: codec,
            secureAggregation: configuration.secureAggregation, rng: root.fork(stream: 3),
            aggregator: configuration.aggregator, clinicNormBound: configuration.clinicNormBound)
        var transport = try InProcessTransport(
            clinics: clinics, link: UpdateLink(configuration.link), dropoutRate: configuration.dropoutRate,
            stragglerRate: configuration.stragglerRate, neighborCount: configuration.effectiveNeighborCount,
            rng: root.fork(stream: 4))
        var evaluated = model
        var roundMetrics: [RoundMetrics] = []
        for round in 0..<configuration.rounds {
            try server.runRound(round, over: &transport)
            if configuration.evaluateEveryRound {
                evaluated.parameters = server.parameters
                roundMetrics.append(
                    RoundMetrics(
                        round: round, cleanAccuracy: evaluated.accuracy(test),
                        attackSuccessRate: configuration.attack?.successRate(of: evaluated, on: test)))
            }
            roundCallback(round, server)
        }
        var final = model
        final.parameters = server.parameters
        var detection: DetectionRates?
        if let attack = configuration.attack, configuration.aggregator.isDetector {
            detection = DetectionRates(server.detections, attackers: Set(attackers), fromRound: attack.fromRound)
        }
        return FederationResult(
            accuracy: final.accuracy(test), loss: final.loss(test),
            epsilonSpent: try server.ledger?.epsilonSpent() ?? 0,
            noiseMultiplier: plan?.noiseMultiplier ?? 0, completedRounds: server.completedRounds,
            abortedRounds: server.abortedRounds, offline: server.offline, stragglers: server.stragglers,
            lostToChannel: server.lostToChannel, link: server.link, parameters: server.parameters,
            attackers: attackers, attackSuccessRate: configuration.attack?.successRate(of: final, on: test),
            roundMetrics: roundMetrics, detection: detection)
    }

    /// The update codec for a configuration: the plan's scale for distributed noise (coordinates
    /// clipped at the largest possible norm of a clinic's vector, so clipping never binds);
    /// otherwise a bound from the procedure and 2^24 steps over it.
    static func makeCodec(
        _ configuration: FederationConfiguration, plan: PrivacyPlan?, parameterCount: Int, largestShard: Int,
        seed: UInt64
    ) -> UpdateCodec {
        let bits = configuration.modulusBits
        var bound: Double
        var scale: Double
        if let privacy = plan?.configuration {
            let c = privacy.clipNorm
            switch (privacy.unit, privacy.noise) {
            case (.record, .local): bound = 100 * Double(largestShard)
            case (.record, _): bound = c * Double(largestShard)
            case (.client, .local): bound = c * (1 + 8 * (plan?.noiseMultiplier ?? 0))
            case (.client, _): bound = c
            }
        } else {
            bound = 100 * Double(largestShard)
        }
        if let distributed = plan?.distributed {
            scale = distributed.scale
            // Room for n clipped vectors plus 12 standard deviations of the summed noise.
            let half = Double(sign: .plus, exponent: bits - 1, significand: 1)
            let noise = 12 * distributed.localStandardDeviation * Double(configuration.clinics).squareRoot()
            let fit = ((half - noise) / Double(configuration.clinics) - 1) / scale
            bound = Swift.min(bound, Swift.max(fit, 1 / scale))
        } else {
            scale = Swift.min(
                Double(1 << 24) / bound,
                SecureAggregationQuantizer.maximumScale(
                    clipBound: bound, modulusBits: bits, clientCount: configuration.clinics))
        }
        return UpdateCodec(
            dimension: parameterCount, clipBound: bound, scale: scale, modulusBits: bits, rotationSeed: seed)
    }
}
