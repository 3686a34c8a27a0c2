import Privacy
import TensorCore

/// What a clinic computes in a round (chosen by the server from the privacy plan).
public enum ClinicProcedure: Sendable, Hashable {
    /// Non-private local training; sends `n_c · Δ_c` with public weight `n_c` (FedAvg weighting).
    case localTraining(LocalTrainingConfiguration)
    /// Record-level DP with central or distributed noise: sends Σ of per-example gradients clipped
    /// to C over a Poisson sample with rate q, with public weight `q · n_c` (the expected batch,
    /// a fixed denominator); the server turns the mean into a step `−η · ḡ`.
    case clippedGradientSum(samplingRate: Double, clipNorm: Double, learningRate: Double)
    /// Record-level DP with local noise: local DP-SGD (`steps` steps, each with all of the
    /// noise σC); sends `n_c · Δ_c` with weight `n_c`.
    case localDPSGD(
        LocalTrainingConfiguration, steps: Int, samplingRate: Double, clipNorm: Double, noiseMultiplier: Double)
    /// Client-level DP: local training, then the update Δ_c is clipped to L2 norm ≤ C; sends it
    /// with weight 1 (the server divides by the expected number of clinics).
    case clippedUpdate(LocalTrainingConfiguration, clipNorm: Double)
}

/// The noise a clinic adds to what it sends.
public enum NoiseShare: Sendable, Hashable {
    /// None (non-private, central noise, or noise already inside local DP-SGD).
    case none
    /// N(0, σ²) on every real coordinate (local noise at the client level).
    case gaussian(standardDeviation: Double)
    /// N_ℤ(0, σ²) on every quantized integer coordinate (distributed noise).
    case discreteGaussian(standardDeviation: Double)
}

/// The update codec: random rotation, per-coordinate clipping, scaling and stochastic rounding
/// to b-bit integers (``SecureAggregationQuantizer``), shared by the clinics and the server.
public struct UpdateCodec: Sendable, Hashable {
    /// d, the update length.
    public let dimension: Int
    /// c, the per-coordinate clipping bound after rotation.
    public let clipBound: Double
    /// s, integer steps per unit.
    public let scale: Double
    /// b, bits per integer (and of the secure-aggregation modulus).
    public let modulusBits: Int
    /// The public seed of the randomized Hadamard rotation.
    public let rotationSeed: UInt64

    /// Creates a codec description.
    public init(dimension: Int, clipBound: Double, scale: Double, modulusBits: Int, rotationSeed: UInt64) {
        self.dimension = dimension
        self.clipBound = clipBound
        self.scale = scale
        self.modulusBits = modulusBits
        self.rotationSeed = rotationSeed
    }

    /// The quantizer (the rotation is drawn from the public seed).
    public func makeQuantizer() -> SecureAggregationQuantizer {
        var rng = Xoshiro256(seed: rotationSeed)
        return SecureAggregationQuantizer(
            dimension: dimension, clipBound: clipBound, scale: scale, modulusBits: modulusBits,
            rotation: RandomizedHadamardRotation(dimension: dimension, using: &rng))
    }
}

/// The server's request to the clinics for one round.
public struct RoundInstructions: Sendable {
    /// The round number (0-based); also the secure-aggregation session.
    public var round: Int
    /// The global parameters, `[P]`.
    public var globalParameters: [Double]
    /// What to compute.
    public var procedure: ClinicProcedure
    /// μ of the FedProx term (0: none).
    public var proximalCoefficient: Double
    /// The noise each clinic adds.
    public var noise: NoiseShare
    /// The update codec (`nil`: send real values; required with secure aggregation or a digital link).
    public var codec: UpdateCodec?
    /// Whether updates are securely aggregated (the server then learns only their sum).
    public var secureAggregation: Bool
    /// The fewest contributing clinics for which the server may unmask a sum (the distributed
    /// noise's design); a round with fewer survivors is aborted.
    public var minimumContributors: Int
    /// The probability that a clinic is selected for this round (Poisson client sampling; 1: all).
    public var participationRate: Double
    /// B of clinic-side norm bounding: the clinic software clips its update per unit weight
    /// (`vector / weight`) to L2 norm ≤ B before noise and encoding (`nil`: no bound). This is
    /// the defence that works under secure aggregation, with its limit: nothing enforces it on a
    /// clinic that runs modified software (model poisoning); it binds honest clinics and data
    /// poisoners only.
    public var clinicNormBound: Double?

    /// Creates instructions.
    public init(
        round: Int, globalParameters: [Double], procedure: ClinicProcedure, proximalCoefficient: Double = 0,
        noise: NoiseShare = .none, codec: UpdateCodec? = nil, secureAggregation: Bool = false,
        minimumContributors: Int = 1, participationRate: Double = 1, clinicNormBound: Double? = nil
    ) {
        self.clinicNormBound = clinicNormBound
        self.round = round
        self.globalParameters = globalParameters
        self.procedure = procedure
        self.proximalCoefficient = proximalCoefficient
        self.noise = noise
        self.codec = codec
        self.secureAggregation = secureAggregation
        self.minimumContributors = minimumContributors
        self.participationRate = participationRate
    }
}

/// What the server receives from a round: the aggregate only.
public struct RoundAggregate: Sendable {
    /// Σ of the contributors' (decoded) vectors, `[P]`; `nil` if the round was aborted.
    public var sum: [Double]?
    /// Σ of the contributors' public weights.
    public var totalWeight: Double
    /// The clinics whose vectors are in ``sum``, ascending.
    public var contributors: [Int]
    /// Clinics that were offline (never sent).
    public var offline: Int
    /// Clinics whose update arrived after the server closed the round.
    public var stragglers: Int
    /// Clinics whose update a channel failure lost.
    public var lostToChannel: Int
    /// The mean local training loss reported by the contributors.
    public var meanLocalLoss: Double
    /// What the links did this round.
    public var link: LinkStatistics
    /// Each contributor's decoded update, without secure aggregation only (`nil` with it: the
    /// server never sees an individual update). Robust aggregators need these.
    public var individualUpdates: [IndividualUpdate]?

    /// Creates an aggregate.
    public init(
        sum: [Double]?, totalWeight: Double, contributors: [Int], offline: Int, stragglers: Int, lostToChannel: Int,
        meanLocalLoss: Double, link: LinkStatistics, individualUpdates: [IndividualUpdate]? = nil
    ) {
        self.individualUpdates = individualUpdates
        self.sum = sum
        self.totalWeight = totalWeight
        self.contributors = contributors
        self.offline = offline
        self.stragglers = stragglers
        self.lostToChannel = lostToChannel
        self.meanLocalLoss = meanLocalLoss
        self.link = link
    }
}

/// Moves a round between the server and the clinics and returns the aggregate.
///
/// The orchestration — rounds, strategy, privacy planning and accounting, central noise — lives
/// in ``FederatedServer`` and never sees how clinics are reached. ``InProcessTransport`` runs
/// the clinics in this process (the simulation); a networked transport (clinics as separate
/// processes joining a federation engine such as Flower over gRPC) conforms to this protocol and
/// runs ``FederatedClinic`` at each site, without changes to strategies or privacy code.
public protocol FederatedTransport {
    /// The number of clinics in the federation.
    var clinicCount: Int { get }
    /// Each clinic's record count (public metadata), `[clinicCount]`.
    var clinicSizes: [Int] { get }
    /// Runs one round.
    /// - Throws: ``FederatedError`` `.aggregationFailed` when secure aggregation cannot finish.
    mutating func runRound(_ instructions: RoundInstructions) throws -> RoundAggregate
}

/// The message a clinic sends in a round.
public struct ClinicUpdate: Sendable {
    /// The encoded vector: b-bit integers with a codec (`[m]`), reals otherwise (`[P]`).
    public enum Payload: Sendable {
        /// Real values.
        case reals([Double])
        /// Quantized integers in Z_{2^b}.
        case integers([UInt64])
    }

    /// The clinic.
    public var clinicID: Int
    /// The vector.
    public var payload: Payload
    /// The public weight.
    public var weight: Double
    /// The mean local training loss.
    public var loss: Double
}

/// The clinic side of a round: local computation, clipping, the clinic's noise and the update
/// codec. This is the code each site runs, whatever the transport.
public struct FederatedClinic: Sendable {
    /// The clinic's ID.
    public let id: Int
    /// Its records (never leave the clinic).
    public let data: FederatedDataset
    /// Its copy of the model architecture.
    public var model: any FederatedModel
    /// Its generator (sampling, noise, rounding): `SystemRandomNumberGenerator`-seeded in deployment,
    /// a seeded stream in simulation.
    public var rng: Xoshiro256
    /// The attack this clinic mounts (`nil`: honest), with γ resolved
    /// (``AttackConfiguration/effectiveBoost(clinics:)``). A simulation device: a real malicious
    /// site would run other software altogether.
    public var attack: AttackConfiguration?
    /// The adversarial training or input perturbation this clinic's software applies to its local
    /// minibatches (``LocalInputDefence``; `nil`: none). Not applied while the clinic attacks.
    public var defence: (any LocalInputDefence)?

    /// Creates a clinic.
    public init(id: Int, data: FederatedDataset, model: any FederatedModel, rng: Xoshiro256) {
        self.id = id
        self.data = data
        self.model = model
        self.rng = rng
    }

    /// Computes, privatizes and encodes this round's update.
    public mutating func respond(to instructions: RoundInstructions) -> ClinicUpdate {
        model.parameters = instructions.globalParameters
        let global = instructions.globalParameters
        var vector: [Double]
        var weight: Double
        var loss: Double
        let n = Double(data.count)
        let attacking = attack.map { instructions.round >= $0.fromRound } ?? false
        // A malicious clinic trains on its poisoned records (reporting its true record count) and
        // may train longer or with constrain-and-scale's anomaly term.
        let data = attacking ? attack!.trainingData(self.data) : self.data  // attacking ⇒ attack != nil
        var procedure = instructions.procedure
        var mu = instructions.proximalCoefficient
        let defence = attacking ? nil : self.defence
        if attacking, let attack {
            if let epochs = attack.localEpochs, case .localTraining(var configuration) = procedure {
                configuration.epochs = epochs
                procedure = .localTraining(configuration)
            }
            if attack.kind == .constrainAndScale { mu += attack.anomalyWeight }
        }
        switch procedure {
        case .localTraining(let configuration):
            loss = LocalTraining.train(
                &model, on: data, configuration: configuration, proximalCoefficient: mu, defence: defence,
                using: &rng)
            vector = zip(model.parameters, global).map { n * ($0 - $1) }
            weight = n
        case .clippedGradientSum(let q, let clipNorm, _):
            let result = LocalTraining.clippedGradientSum(
                model, on: data, samplingRate: q, clipNorm: clipNorm, defence: defence, using: &rng)
            vector = result.sum
            weight = q * n
            loss = result.loss
        case .localDPSGD(let configuration, let steps, let q, let clipNorm, let sigma):
            loss = LocalTraining.dpSGD(
                &model, on: data, steps: steps, samplingRate: q, clipNorm: clipNorm, noiseMultiplier: sigma,
                configuration: configuration, proximalCoefficient: mu, defence: defence, using: &rng)
            vector = zip(model.parameters, global).map { n * ($0 - $1) }
            weight = n
        case .clippedUpdate(let configuration, let clipNorm):
            loss = LocalTraining.train(
                &model, on: data, configuration: configuration, proximalCoefficient: mu, defence: defence,
                using: &rng)
            let delta = zip(model.parameters, global).map { $0 - $1 }
            let norm = delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let factor = norm > clipNorm ? clipNorm / norm : 1
            vector = delta.map { $0 * factor }
            weight = 1
        }
        if attacking, let attack, attack.kind.isModelPoisoning {
            vector = attack.poison(vector, weight: weight, using: &rng)
        } else if let bound = instructions.clinicNormBound {
            // Honest software (and data poisoners running it) bounds the update per unit weight.
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot() / Swift.max(weight, .leastNormalMagnitude)
            if norm > bound { vector = vector.map { $0 * bound / norm } }
        }
        if case .gaussian(let deviation) = instructions.noise, deviation > 0 {
            for j in vector.indices { vector[j] += deviation * rng.nextStandardGaussian() }
        }
        guard let codec = instructions.codec else {
            return ClinicUpdate(clinicID: id, payload: .reals(vector), weight: weight, loss: loss)
        }
        let quantizer = codec.makeQuantizer()
        var integers = quantizer.quantize(vector, using: &rng)
        if case .discreteGaussian(let deviation) = instructions.noise {
            let noise = DiscreteGaussian(variance: deviation * deviation).samples(count: integers.count, using: &rng)
            let mask = codec.modulusBits == 64 ? UInt64.max : (UInt64(1) << UInt64(codec.modulusBits)) - 1
            for j in integers.indices { integers[j] = (integers[j] &+ UInt64(bitPattern: noise[j])) & mask }
        }
        return ClinicUpdate(clinicID: id, payload: .integers(integers), weight: weight, loss: loss)
    }
}
