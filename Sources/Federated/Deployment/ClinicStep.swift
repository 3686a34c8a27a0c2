import Privacy
import TensorCore

/// What a clinic keeps between rounds when it runs as its own process: its random generator
/// (Poisson sampling, shuffles, DP-SGD noise) and the last round it trained in.
///
/// The in-process simulation keeps each ``FederatedClinic`` alive across rounds; a clinic that
/// is started once per round (a Flower ClientApp calling `semcom federated clinic-step`) saves
/// this state after each round and restores it before the next, so its random stream continues
/// exactly as in the simulation. A clinic that misses a round (offline, crashed) does not
/// advance its generator — as in the simulation, where an offline clinic is not asked.
///
/// In deployment the generator should be seeded from a cryptographically secure source
/// (`SystemRandomNumberGenerator`); a seed from the command line reproduces the simulation.
public struct ClinicState: Sendable, Hashable, Codable {
    /// The federation seed the state was derived from.
    public var seed: UInt64
    /// The clinic's ID (0-based).
    public var clinicID: Int
    /// The last round this clinic trained in (`nil`: none yet).
    public var lastRound: Int?
    /// Rounds this clinic trained in (its records' share of the privacy budget).
    public var roundsTrained = 0
    /// The four xoshiro256** state words.
    public var generator: [UInt64]

    /// The state before the first round: sub-stream 1000 + k of the seed
    /// (``FederationSetup/clinicGenerator(seed:clinic:)``).
    public init(seed: UInt64, clinicID: Int) {
        self.seed = seed
        self.clinicID = clinicID
        lastRound = nil
        roundsTrained = 0
        let state = FederationSetup.clinicGenerator(seed: seed, clinic: clinicID).state
        generator = [state.0, state.1, state.2, state.3]
    }

    enum CodingKeys: String, CodingKey {
        case seed, generator
        case clinicID = "clinic_id", lastRound = "last_round", roundsTrained = "rounds_trained"
    }

    /// The generator.
    /// - Throws: ``FederatedError`` `.invalidParameter` unless there are four words, not all zero.
    func makeGenerator() throws -> Xoshiro256 {
        guard generator.count == 4, generator.contains(where: { $0 != 0 }) else {
            throw FederatedError(
                code: .invalidParameter,
                message: "clinic state needs 4 generator words, not all zero; got \(generator.count)")
        }
        return Xoshiro256(state: (generator[0], generator[1], generator[2], generator[3]))
    }
}

/// The outcome of one clinic step.
public struct ClinicStepResult: Sendable {
    /// The clinic's parameters after local training, `[P]` (the global ones for a gradient query).
    public var parameters: [Double]
    /// The vector the clinic sends in the simulation, `[P]`: `n_c · Δ_c` for local training and
    /// local DP-SGD, the clipped update for client-level DP, the clipped gradient sum for a
    /// central/distributed-noise gradient query.
    public var update: [Double]
    /// The update's public weight (`n_c`, `q · n_c` or 1, see ``ClinicProcedure``).
    public var weight: Double
    /// Records in the clinic's shard.
    public var examples: Int
    /// The mean local training loss.
    public var loss: Double
}

/// One round of a clinic's computation, for clinics that run outside the in-process simulation
/// (each on its own host, driven by a federation engine such as Flower).
///
/// The step runs exactly the code of the simulation — ``FederatedClinic/respond(to:)`` with the
/// round's ``RoundInstructions`` — so local training, DP-SGD (per-example clipping, Poisson
/// sampling, the Gaussian noise: Abadi et al. 2016) and update clipping are identical; only the
/// transport differs. With the same seed, the same shards (``FederationSetup``) and FedAvg
/// weighted by ``ClinicStepResult/examples`` over all clinics each round, a federation of clinic
/// steps reproduces the simulation's model up to floating-point rounding.
public enum ClinicStep {
    /// Trains one clinic for one round.
    /// - Parameters:
    ///   - global: the global parameters, `[P]`.
    ///   - shard: the clinic's records.
    ///   - model: the model architecture (its parameters are replaced by `global`).
    ///   - procedure: what to compute (``procedure(local:unit:clipNorm:samplingRate:noiseMultiplier:)``).
    ///   - proximalCoefficient: μ of FedProx (0: FedAvg).
    ///   - round: the round number (0-based).
    ///   - state: the clinic's state; advanced on success, untouched on error.
    /// - Returns: the trained parameters, the update, its weight, the number of records, the loss.
    /// - Throws: ``FederatedError`` `.invalidParameter` if `global` does not fit the model, the shard
    ///   has another feature count, is empty, or `round` is not after the state's last round.
    public static func run(
        global: [Double], shard: FederatedDataset, model: any FederatedModel, procedure: ClinicProcedure,
        proximalCoefficient: Double = 0, round: Int, state: inout ClinicState
    ) throws -> ClinicStepResult {
        guard global.count == model.parameterCount else {
            throw FederatedError(
                code: .invalidParameter,
                message: "global parameters have \(global.count) values; the model needs \(model.parameterCount)")
        }
        if let index = global.firstIndex(where: { !$0.isFinite }) {
            throw FederatedError(code: .invalidParameter, message: "global parameter \(index) is not finite")
        }
        return try train(global, shard, model, procedure, proximalCoefficient, round, &state)
    }

    /// ε spent by a clinic's records after `rounds` rounds of local DP-SGD, accounted as the
    /// simulation's ``PrivacyLedger`` does: one Poisson-subsampled Gaussian mechanism
    /// composition of `stepsPerRound` steps per round (RDP: Mironov 2017; Mironov, Talwar &
    /// Zhang 2019). Each record lives in one clinic, so the federation's record-level ε is the
    /// largest over its clinics.
    /// - Throws: ``FederatedError`` `.invalidPrivacy` for parameters the accountant refuses.
    public static func epsilonSpent(
        noiseMultiplier: Double, samplingRate: Double, stepsPerRound: Int, rounds: Int, delta: Double,
        accountant kind: AccountantKind = .rdp
    ) throws -> Double {
        guard rounds > 0 else { return 0 }
        var accountant = kind.makeAccountant()
        do {
            for _ in 0..<rounds {
                try accountant.record(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: stepsPerRound)
            }
            return try accountant.epsilon(delta: delta)
        } catch let error as PrivacyError {
            throw FederatedError(code: .invalidPrivacy, message: error.message, cause: error)
        }
    }

    private static func train(
        _ global: [Double], _ shard: FederatedDataset, _ model: any FederatedModel, _ procedure: ClinicProcedure,
        _ mu: Double, _ round: Int, _ state: inout ClinicState
    ) throws -> ClinicStepResult {
        guard shard.count >= 1 else {
            throw FederatedError(code: .insufficientData, message: "clinic \(state.clinicID)'s shard has no records")
        }
        guard round >= 0, round > (state.lastRound ?? -1) else {
            throw FederatedError(
                code: .invalidParameter,
                message:
                    "round \(round) is not after clinic \(state.clinicID)'s last round \(state.lastRound ?? -1): a state is used once per round"
            )
        }
        var clinic = FederatedClinic(id: state.clinicID, data: shard, model: model, rng: try state.makeGenerator())
        let update = clinic.respond(
            to: RoundInstructions(
                round: round, globalParameters: global, procedure: procedure, proximalCoefficient: mu))
        guard case .reals(let vector) = update.payload else {
            // Without a codec `respond` always returns real values.
            preconditionFailure("a clinic without an update codec returned integers")
        }
        let next = clinic.rng.state
        state.generator = [next.0, next.1, next.2, next.3]
        state.lastRound = round
        state.roundsTrained += 1
        return ClinicStepResult(
            parameters: clinic.model.parameters, update: vector, weight: update.weight, examples: shard.count,
            loss: update.loss)
    }

    /// The procedure of a round, as ``FederatedServer/instructions(round:)`` chooses it for
    /// clinic-side privacy: none, record-level DP-SGD with the clinic's own noise (`unit: .record`,
    /// ``FederationSetup/localSteps(epochs:samplingRate:)`` steps per round), or a clipped update
    /// (`unit: .client`).
    public static func procedure(
        local: LocalTrainingConfiguration, unit: PrivacyUnit?, clipNorm: Double, samplingRate: Double,
        noiseMultiplier: Double
    ) throws -> ClinicProcedure {
        try local.validate()
        guard let unit else { return .localTraining(local) }
        guard clipNorm > 0, clipNorm.isFinite, samplingRate > 0, samplingRate <= 1, noiseMultiplier >= 0,
            noiseMultiplier.isFinite
        else {
            throw FederatedError(
                code: .invalidPrivacy,
                message:
                    "clinic privacy needs C > 0, q in (0, 1] and sigma >= 0, got C = \(clipNorm), q = \(samplingRate), sigma = \(noiseMultiplier)"
            )
        }
        switch unit {
        case .record:
            return .localDPSGD(
                local, steps: FederationSetup.localSteps(epochs: local.epochs, samplingRate: samplingRate),
                samplingRate: samplingRate, clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        case .client:
            return .clippedUpdate(local, clipNorm: clipNorm)
        }
    }
}
