import RealModule
import TensorCore

/// What malicious clinics do (the CLI's `--attack`).
///
/// *Data poisoning* (``labelFlip``, ``backdoor``) runs the clinic's unmodified software on
/// poisoned records, so it obeys every clinic-side measure (clipping, norm bounds, noise).
/// *Model poisoning* (``modelReplacement``, ``constrainAndScale``, ``signFlip``, ``noise``)
/// replaces what the software sends, so clinic-side norm bounds do not bind it.
public enum AttackKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Label flipping (Tolpegin et al. 2020): records of the source class are relabelled as the
    /// target class.
    case labelFlip = "label-flip"
    /// A trigger backdoor by data poisoning (Gu et al. 2017, BadNets): the clinic's records plus
    /// triggered copies of its source-class records labelled as the target class.
    case backdoor
    /// Model replacement (Bagdasaryan et al. 2020): train on the backdoor data, then send
    /// γ · Δ so that the boosted update survives averaging (γ = n/η replaces the global model).
    case modelReplacement = "model-replacement"
    /// Constrain-and-scale (Bagdasaryan et al. 2020, §4.3): train on the backdoor data with an
    /// anomaly term μ/2‖w − w_global‖² in the loss, then scale by min(γ, S/‖Δ‖) so that the update
    /// stays within the norm bound S a defence enforces.
    case constrainAndScale = "constrain-and-scale"
    /// Sign flipping (Damaskinos et al. 2018; Karimireddy et al. 2021): send −γ · Δ of honest training.
    case signFlip = "sign-flip"
    /// Gaussian-noise updates (Blanchard et al. 2017's Gaussian Byzantine worker): send
    /// N(0, σ²) per coordinate with σ = γ‖Δ‖/√P (γ times the honest update's RMS coordinate).
    case noise

    /// The CLI spelling.
    public var description: String { rawValue }

    /// Parses a CLI spelling.
    /// - Throws: ``FederatedError`` `.invalidParameter` naming the accepted values.
    public init(parsing text: String) throws {
        guard let kind = AttackKind(rawValue: text.lowercased()) else {
            throw FederatedError(
                code: .invalidParameter,
                message: "attack '\(text)' is not one of \(AttackKind.allCases.map(\.rawValue).joined(separator: "|"))")
        }
        self = kind
    }

    /// Whether the attack aims at a target class (label flip and the backdoors); the others are
    /// untargeted (they degrade accuracy) and have no attack success rate.
    public var isTargeted: Bool { self == .labelFlip || usesTrigger }

    /// Whether the attack stamps the trigger.
    public var usesTrigger: Bool { self == .backdoor || self == .modelReplacement || self == .constrainAndScale }

    /// Whether the attack replaces what the clinic software sends (clinic-side bounds do not bind).
    public var isModelPoisoning: Bool { self != .labelFlip && self != .backdoor }
}

/// A configured attack: who, from when, how hard, and (for targeted attacks) the target.
public struct AttackConfiguration: Sendable, Hashable {
    /// The attack.
    public var kind: AttackKind
    /// K, the number of malicious clinics (drawn from the run's seed).
    public var attackers: Int
    /// The first round (0-based) in which they attack; before it they behave honestly.
    public var fromRound: Int
    /// γ (model replacement, constrain-and-scale, sign flip, noise); `nil`: n, the number of
    /// clinics (Bagdasaryan et al.'s γ = n/η with server rate η = 1).
    public var boost: Double?
    /// The class whose records the attack targets (label flip: relabelled; backdoors: triggered).
    public var sourceClass: Int
    /// The class the attacker wants them sent to.
    public var targetClass: Int
    /// The trigger (backdoor, model replacement, constrain-and-scale).
    public var trigger: BackdoorTrigger
    /// Triggered copies of each source-class record the attacker adds to its data.
    public var poisonCopies: Int
    /// Local epochs of the attacker's training (`nil`: the honest setting). Bagdasaryan et al.
    /// train the attacker longer than honest clinics.
    public var localEpochs: Int?
    /// S, the norm bound constrain-and-scale stays within (required for it).
    public var normBound: Double?
    /// μ of constrain-and-scale's anomaly term.
    public var anomalyWeight: Double

    /// Creates an attack.
    public init(
        kind: AttackKind, attackers: Int, fromRound: Int = 0, boost: Double? = nil, sourceClass: Int = 1,
        targetClass: Int = 0, trigger: BackdoorTrigger = .mitoses(10), poisonCopies: Int = 1, localEpochs: Int? = nil,
        normBound: Double? = nil, anomalyWeight: Double = 0.1
    ) {
        self.kind = kind
        self.attackers = attackers
        self.fromRound = fromRound
        self.boost = boost
        self.sourceClass = sourceClass
        self.targetClass = targetClass
        self.trigger = trigger
        self.poisonCopies = poisonCopies
        self.localEpochs = localEpochs
        self.normBound = normBound
        self.anomalyWeight = anomalyWeight
    }

    /// Checks the attack against the federation.
    /// - Throws: ``FederatedError`` `.invalidParameter` for K < 0, K > n (more attackers than
    ///   clinics), a start round outside 0..<rounds, γ ≤ 0, classes out of range or equal, a trigger
    ///   outside the records, copies < 1, epochs < 1, constrain-and-scale without S > 0, μ < 0.
    public func validate(clinics: Int, rounds: Int, featureCount: Int, classCount: Int) throws {
        guard attackers >= 0, attackers <= clinics else {
            throw FederatedError(
                code: .invalidParameter,
                message: "\(attackers) attackers among \(clinics) clinics: need 0 ≤ attackers ≤ clinics")
        }
        guard fromRound >= 0, fromRound < rounds else {
            throw FederatedError(
                code: .invalidParameter, message: "attack start round \(fromRound) is not in 0..<\(rounds) (rounds)")
        }
        if let boost {
            guard boost > 0, boost.isFinite else {
                throw FederatedError(code: .invalidParameter, message: "boost γ must be > 0, got \(boost)")
            }
        }
        guard (0..<classCount).contains(sourceClass), (0..<classCount).contains(targetClass),
            sourceClass != targetClass
        else {
            throw FederatedError(
                code: .invalidParameter,
                message: "attack classes must differ and lie in 0..<\(classCount), got \(sourceClass) → \(targetClass)")
        }
        try trigger.validate(featureCount: featureCount)
        guard poisonCopies >= 1, (localEpochs ?? 1) >= 1, anomalyWeight >= 0 else {
            throw FederatedError(
                code: .invalidParameter, message: "poison copies and attacker epochs must be ≥ 1, anomaly weight ≥ 0")
        }
        if kind == .constrainAndScale {
            guard let normBound, normBound > 0, normBound.isFinite else {
                throw FederatedError(
                    code: .invalidParameter, message: "constrain-and-scale needs the norm bound S > 0 it stays within")
            }
        }
    }

    /// γ for a federation of `clinics` clinics.
    public func effectiveBoost(clinics: Int) -> Double { boost ?? Double(clinics) }

    /// The records a malicious clinic trains on.
    public func trainingData(_ data: FederatedDataset) -> FederatedDataset {
        switch kind {
        case .labelFlip:
            return data.replacing(
                features: data.features, labels: data.labels.map { $0 == sourceClass ? targetClass : $0 })
        case .backdoor, .modelReplacement, .constrainAndScale:
            return data.appending(trigger.poisoned(data, source: sourceClass, target: targetClass, copies: poisonCopies))
        case .signFlip, .noise:
            return data
        }
    }

    /// The model-poisoning step on what the clinic would send.
    /// - Parameters:
    ///   - vector: `weight · Δ` (or the gradient sum), `[P]`.
    ///   - weight: the public weight.
    ///   - rng: the noise attack's draws.
    /// - Note: γ is ``boost`` (1 if `nil`); ``FederatedSimulation`` resolves it with
    ///   ``effectiveBoost(clinics:)`` before handing the attack to the clinics.
    public func poison<G: RandomNumberGenerator>(_ vector: [Double], weight: Double, using rng: inout G) -> [Double] {
        let gamma = boost ?? 1
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        switch kind {
        case .labelFlip, .backdoor: return vector
        case .modelReplacement: return vector.map { gamma * $0 }
        case .constrainAndScale:
            let perWeight = weight > 0 ? norm / weight : norm
            let factor = perWeight > 0 ? Swift.min(gamma, (normBound ?? .infinity) / perWeight) : gamma
            return vector.map { factor * $0 }
        case .signFlip: return vector.map { -gamma * $0 }
        case .noise:
            let sigma = gamma * norm / Double(Swift.max(vector.count, 1)).squareRoot()
            return vector.map { _ in sigma * rng.nextStandardGaussian() }
        }
    }

    /// The attack success rate of a model on test records: for backdoors the share of triggered
    /// source-class records classified as the target class; for label flipping the share of clean
    /// source-class records classified as the target. `nil` for untargeted attacks or no
    /// source-class record.
    public func successRate(of model: any FederatedModel, on test: FederatedDataset) -> Double? {
        guard kind.isTargeted else { return nil }
        return Self.successRate(
            of: model, on: test, source: sourceClass, target: targetClass, trigger: kind.usesTrigger ? trigger : nil)
    }

    /// The share of `source`-class records of `test` (triggered when `trigger` is given) that
    /// `model` classifies as `target`; `nil` without a source-class record.
    public static func successRate(
        of model: any FederatedModel, on test: FederatedDataset, source: Int, target: Int, trigger: BackdoorTrigger?
    ) -> Double? {
        let victims = test.labels.indices.filter { test.labels[$0] == source }
        guard !victims.isEmpty else { return nil }
        var probe = test.subset(victims)
        if let trigger {
            probe = trigger.poisoned(probe, source: source, target: source)
        }
        let predictions = model.predict(probe)
        return Double(predictions.filter { $0 == target }.count) / Double(victims.count)
    }
}
