import HealthData
import TensorCore

/// What a federation fixes before its first round — the held-out test set, the clinics' shards,
/// the initial model and each clinic's generator — derived from one seed exactly as
/// ``FederatedSimulation/run(_:train:test:seed:roundCallback:)`` derives them.
///
/// This is what lets clinics that run elsewhere (each on its own host, as Flower SuperNodes
/// calling `semcom federated clinic-step`) start from the same state as the in-process
/// simulation: the same seed gives the same shards, the same initial parameters and the same
/// per-clinic random streams (Xoshiro256 sub-streams of the seed: 1 for the partition, 2 for the
/// initial weights, 1000 + k for clinic k).
public enum FederationSetup {
    /// The stream of the seed that draws the held-out split (distinct from the simulation's own streams).
    static let holdOutStream: UInt64 = 9

    /// A stratified train/test split of `data` (scikit-learn's `train_test_split(stratify=)`
    /// allocation, ``DataSplit/stratifiedHoldOut(labels:testFraction:using:)``), drawn from
    /// sub-stream 9 of `seed`.
    /// - Throws: ``FederatedError`` `.invalidParameter` if `testFraction ∉ (0, 1)` or a part would be empty.
    public static func holdOut(_ data: FederatedDataset, testFraction: Double, seed: UInt64) throws -> DataSplit {
        let testCount = Int((testFraction * Double(data.count)).rounded(.up))
        guard testFraction > 0, testFraction < 1, testCount >= 1, testCount < data.count else {
            throw FederatedError(
                code: .invalidParameter,
                message: "test fraction must be in (0, 1) and leave both parts non-empty, got \(testFraction) of \(data.count) records")
        }
        var rng = Xoshiro256(seed: seed).fork(stream: holdOutStream)
        return DataSplit.stratifiedHoldOut(labels: data.labels, testFraction: testFraction, using: &rng)
    }

    /// The indices (into `train`) of each clinic's shard, ascending: the simulation's partition.
    /// - Throws: ``FederatedError`` as ``ClinicPartition/split(_:clinics:using:)``.
    public static func shardIndices(_ configuration: FederationConfiguration, train: FederatedDataset, seed: UInt64)
        throws -> [[Int]]
    {
        var rng = Xoshiro256(seed: seed).fork(stream: 1)
        return try configuration.partition.assignments(train, clinics: configuration.clinics, using: &rng)
    }

    /// The initial global model of the simulation: the configuration's custom model if it has one,
    /// otherwise the linear models start at zero and the MLP's weights are drawn from sub-stream 2
    /// of `seed`.
    /// - Throws: ``FederatedError`` `.invalidParameter` for a linear model with more than 2 classes.
    public static func initialModel(
        _ configuration: FederationConfiguration, featureCount: Int, classCount: Int, seed: UInt64
    ) throws -> any FederatedModel {
        if let custom = configuration.customModel { return custom }
        var rng = Xoshiro256(seed: seed).fork(stream: 2)
        return try configuration.model.makeModel(
            featureCount: featureCount, classCount: classCount, regularization: configuration.regularization,
            hiddenUnits: configuration.hiddenUnits, using: &rng)
    }

    /// Clinic `clinic`'s generator before its first round (sub-stream 1000 + k of `seed`).
    public static func clinicGenerator(seed: UInt64, clinic: Int) -> Xoshiro256 {
        Xoshiro256(seed: seed).fork(stream: 1000 + UInt64(clinic))
    }

    /// Local DP-SGD steps per round: one epoch is 1/q Poisson-sampled steps, at least one step.
    public static func localSteps(epochs: Int, samplingRate: Double) -> Int {
        Swift.max(1, Int((Double(epochs) / samplingRate).rounded()))
    }

    /// The privacy schedule of a federation: the plan (σ, steps per round) and the ε spent after
    /// each of its rounds, as the simulation's ledger records them when every round completes.
    /// - Parameters:
    ///   - configuration: the federation (its `privacy` must be set).
    ///   - parameterCount: the model's parameter count (distributed noise).
    /// - Returns: the plan and `[rounds]` ε values at the plan's δ.
    /// - Throws: ``FederatedError`` from planning or accounting; `.invalidPrivacy` without a privacy target.
    public static func privacySchedule(_ configuration: FederationConfiguration, parameterCount: Int) throws -> (
        plan: PrivacyPlan, epsilonAfterRound: [Double]
    ) {
        guard let privacy = configuration.privacy else {
            throw FederatedError(code: .invalidPrivacy, message: "a privacy schedule needs a privacy target (epsilon)")
        }
        let plan = try PrivacyPlan.make(
            privacy, rounds: configuration.rounds,
            localSteps: localSteps(epochs: configuration.local.epochs, samplingRate: privacy.samplingRate),
            parameterCount: parameterCount, minimumShares: configuration.minimumShares)
        var ledger = PrivacyLedger(plan: plan)
        var epsilons: [Double] = []
        for _ in 0..<configuration.rounds {
            try ledger.recordRound(shares: plan.distributed?.minimumShares ?? configuration.clinics)
            epsilons.append(try ledger.epsilonSpent())
        }
        return (plan, epsilons)
    }
}
