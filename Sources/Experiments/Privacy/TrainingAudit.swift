import HealthData
import NeuralNet
import Privacy
import RealModule
import TensorCore

/// An empirical privacy audit of a whole DP-SGD training run (Jagielski, Ullman & Oprea 2020):
/// logistic regression on the Breast Cancer Wisconsin table, trained many times with and
/// without a **canary record**, the canary's loss under each final model given to
/// `Privacy.MembershipAudit` (Clopper–Pearson bounds, threshold chosen on held-out runs).
///
/// One run: a zero-initialized logistic regression `z = w·x + b` (`NeuralNet.Dense`, 9 → 1)
/// trained for T steps of DP-SGD (Abadi et al. 2016): each record (and the canary, in world 1)
/// is Poisson-sampled with rate q; per-example gradients of the sigmoid cross-entropy come from
/// `Dense.perExampleGradients`, are clipped to L2 norm C, summed, and get N(0, (σC)²) noise
/// (`Privacy.Clipping`); the sum is divided by the expected batch q·n and applied with plain
/// SGD. σ is calibrated by `NoiseCalibration` for the target (ε, δ) and schedule (q, T), and
/// the claimed ε is what the chosen accountant says that σ spends; then σ is multiplied by
/// ``Configuration/noiseFactor`` (1 for real training; < 1 breaks it on purpose, a debugging
/// option).
///
/// The canary is a mislabelled extreme record: every feature at its maximum (1.0 after ÷ 10,
/// "malignant-looking") with the benign label, so its gradient points the same way at every step
/// and exceeds C (Jagielski et al.'s poisoning-style canary). The statistic is the canary's loss
/// under the final model (lower when the canary was trained on), so the test guesses "present"
/// for small losses (the audit tries both directions). With q = 1 and a small learning rate the
/// final logit on the canary is a Gaussian shift of about √T/σ standard deviations — what the
/// accountant charges for — so the audit can come near the claim (use the PLD accountant, exact
/// for q = 1, for a tight claim); larger learning rates let the data's own gradients damp the
/// canary's trace, and q < 1 weakens it further (the canary is often not sampled).
public enum TrainingAudit {
    /// The training schedule and the audit's size.
    public struct Configuration: Sendable, Hashable {
        /// The target ε > 0 used to calibrate σ.
        public var epsilon: Double
        /// δ ∈ (0, 1).
        public var delta: Double
        /// Training runs per world (with and without the canary), ≥ 100.
        public var runs: Int
        /// c ∈ (0, 1).
        public var confidence: Double
        /// Multiplies the calibrated σ: 1 = real DP-SGD; < 1 = deliberately broken (debugging).
        public var noiseFactor: Double
        /// T, DP-SGD steps per run (≥ 1).
        public var steps: Int
        /// q ∈ (0, 1], the Poisson sampling rate (1 = full-batch DP gradient descent).
        public var samplingRate: Double
        /// C > 0, the per-example clipping norm.
        public var clippingNorm: Double
        /// The SGD learning rate (> 0).
        public var learningRate: Double
        /// Training records drawn (without replacement, seeded) from the 683 complete rows; 0 = all.
        public var records: Int
        /// The accountant that states the claimed ε.
        public var accountant: AccountantKind

        /// Creates a configuration (defaults: q = 1, T = 20, C = 1, learning rate 0.5, all records).
        public init(
            epsilon: Double, delta: Double = 1e-5, runs: Int = 1000, confidence: Double = 0.95,
            noiseFactor: Double = 1, steps: Int = 20, samplingRate: Double = 1, clippingNorm: Double = 1,
            learningRate: Double = 0.5, records: Int = 0, accountant: AccountantKind = .rdp
        ) {
            self.epsilon = epsilon
            self.delta = delta
            self.runs = runs
            self.confidence = confidence
            self.noiseFactor = noiseFactor
            self.steps = steps
            self.samplingRate = samplingRate
            self.clippingNorm = clippingNorm
            self.learningRate = learningRate
            self.records = records
            self.accountant = accountant
        }
    }

    /// The audit's outcome.
    public struct Report: Sendable, Hashable {
        /// The configuration audited.
        public var configuration: Configuration
        /// σ calibrated for the target (before ``Configuration/noiseFactor``).
        public var noiseMultiplier: Double
        /// The ε the accountant charges for σ (≤ the target).
        public var epsilonClaimed: Double
        /// Training records used.
        public var records: Int
        /// The membership test.
        public var audit: MembershipAudit.Result
        /// Mean training accuracy of the models trained without the canary (a utility sanity check).
        public var meanTrainingAccuracy: Double

        /// The lower bound on ε.
        public var epsilonLower: Double { audit.epsilonLower }
        /// Whether no violation was found (ε_lower ≤ ε_claimed).
        public var passed: Bool { audit.epsilonLower <= epsilonClaimed }
    }

    /// Runs the audit on `data` (use the table with features ÷ 10).
    /// - Parameters:
    ///   - data: the training table.
    ///   - configuration: schedule and size.
    ///   - rng: seeds the record subset and every run.
    ///   - progress: called now and then with a line.
    /// - Throws: `PrivacyError` for invalid parameters or an unreachable target.
    public static func run<G: RandomNumberGenerator>(
        data: BreastCancerWisconsin, configuration: Configuration, using rng: inout G,
        progress: (String) -> Void = { _ in }
    ) throws -> Report {
        try validate(configuration, available: data.count)
        let noiseMultiplier = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: configuration.epsilon, delta: configuration.delta,
            samplingRate: configuration.samplingRate, steps: configuration.steps,
            accountant: configuration.accountant, relativeTolerance: 1e-6,
            pldValueDiscretizationInterval: 1e-4)
        var accountant: any PrivacyAccountant =
            configuration.accountant == .rdp ? RDPAccountant() : PLDAccountant(valueDiscretizationInterval: 1e-4)
        try accountant.record(
            noiseMultiplier: noiseMultiplier, samplingRate: configuration.samplingRate, steps: configuration.steps)
        let claimed = try accountant.epsilon(delta: configuration.delta)

        let count = configuration.records == 0 ? data.count : configuration.records
        var order = Array(0..<data.count)
        order.shuffle(using: &rng)
        let indices = Array(order.prefix(count)).sorted()
        let x = data.features.gatherRows(indices)
        let y = Tensor<Double>(indices.map { Double(data.labels[$0]) })
        let canaryX = Tensor<Double>(shape: [1, x.shape[1]], scalars: [Double](repeating: 1, count: x.shape[1]))
        let trainer = Trainer(
            x: x, y: y, canaryX: canaryX, canaryLabel: 0, configuration: configuration,
            noiseMultiplier: noiseMultiplier * configuration.noiseFactor)

        var without = [Double](repeating: 0, count: configuration.runs)
        var with = [Double](repeating: 0, count: configuration.runs)
        var accuracy = 0.0
        for run in 0..<configuration.runs {
            var runRNG = Xoshiro256(seed: rng.next())
            let model0 = trainer.train(includeCanary: false, using: &runRNG)
            without[run] = trainer.canaryLoss(model0)
            accuracy += trainer.trainingAccuracy(model0)
            var runRNG1 = Xoshiro256(seed: rng.next())
            with[run] = trainer.canaryLoss(trainer.train(includeCanary: true, using: &runRNG1))
            if (run + 1) % Swift.max(1, configuration.runs / 10) == 0 {
                progress("audit: \(run + 1)/\(configuration.runs) runs per world")
            }
        }
        let result = MembershipAudit.audit(
            without: without, with: with, delta: configuration.delta, confidence: configuration.confidence)
        return Report(
            configuration: configuration, noiseMultiplier: noiseMultiplier, epsilonClaimed: claimed, records: count,
            audit: result, meanTrainingAccuracy: accuracy / Double(configuration.runs))
    }

    static func validate(_ c: Configuration, available: Int) throws {
        guard c.epsilon.isFinite, c.epsilon > 0 else {
            throw PrivacyError(code: .invalidEpsilon, message: "epsilon must be a finite number > 0, got \(c.epsilon)")
        }
        guard c.delta > 0, c.delta < 1 else {
            throw PrivacyError(
                code: .invalidDelta, message: "delta must be in the open interval (0, 1), got \(c.delta)")
        }
        guard c.samplingRate > 0, c.samplingRate <= 1 else {
            throw PrivacyError(
                code: .invalidSamplingRate, message: "sampling rate must be in (0, 1], got \(c.samplingRate)")
        }
        guard c.steps >= 1 else {
            throw PrivacyError(code: .invalidSteps, message: "steps must be ≥ 1, got \(c.steps)")
        }
        guard c.noiseFactor.isFinite, c.noiseFactor > 0 else {
            throw PrivacyError(
                code: .invalidNoiseMultiplier, message: "noise factor must be a finite number > 0, got \(c.noiseFactor)"
            )
        }
        guard c.runs >= 100 else {
            throw PrivacyError(code: .invalidParameter, message: "runs must be ≥ 100 per world, got \(c.runs)")
        }
        guard c.confidence > 0, c.confidence < 1 else {
            throw PrivacyError(
                code: .invalidParameter, message: "confidence must be in the open interval (0, 1), got \(c.confidence)")
        }
        guard c.clippingNorm.isFinite, c.clippingNorm > 0 else {
            throw PrivacyError(
                code: .invalidParameter, message: "clipping norm must be a finite number > 0, got \(c.clippingNorm)")
        }
        guard c.learningRate.isFinite, c.learningRate > 0 else {
            throw PrivacyError(
                code: .invalidParameter, message: "learning rate must be a finite number > 0, got \(c.learningRate)")
        }
        guard c.records >= 0, c.records <= available, c.records != 1 else {
            throw PrivacyError(
                code: .invalidParameter,
                message: "records must be 0 (all) or in 2…\(available), got \(c.records)")
        }
    }

    /// DP-SGD for logistic regression on a fixed table plus an optional canary.
    struct Trainer {
        let x: Tensor<Double>
        let y: Tensor<Double>
        let canaryX: Tensor<Double>
        let canaryLabel: Double
        let configuration: Configuration
        let noiseMultiplier: Double

        /// One training run from zero weights.
        func train<G: RandomNumberGenerator>(includeCanary: Bool, using rng: inout G) -> Dense<Double> {
            let n = x.shape[0]
            let features = x.shape[1]
            var model = Dense<Double>(weight: Tensor(zeros: [features, 1]), bias: Tensor(zeros: [1]))
            let q = configuration.samplingRate
            let c = configuration.clippingNorm
            let step = configuration.learningRate / (q * Double(n))  // mean over the expected batch
            for _ in 0..<configuration.steps {
                var batchX: Tensor<Double>
                var batchY: [Double]
                if q < 1 {
                    var chosen: [Int] = []
                    for i in 0..<n where rng.nextUnitDouble() < q { chosen.append(i) }
                    batchX = x.gatherRows(chosen)
                    batchY = chosen.map { y.scalars[$0] }
                } else {
                    batchX = x
                    batchY = y.scalars
                }
                if includeCanary && (q == 1 || rng.nextUnitDouble() < q) {
                    batchX = Tensor(shape: [batchY.count + 1, features], scalars: batchX.scalars + canaryX.scalars)
                    batchY.append(canaryLabel)
                }
                var sums: [Tensor<Double>]
                if batchY.isEmpty {
                    sums = model.parameters.map { Tensor(zeros: $0.shape) }
                } else {
                    let logits = model(batchX)
                    let targets = Tensor<Double>(shape: [batchY.count, 1], scalars: batchY)
                    let gradient = Losses.sigmoidCrossEntropyPerExample(logits: logits, targets: targets).gradient
                    let perExample = model.perExampleGradients(input: batchX, outputGradient: gradient)
                    sums = Clipping.clipAndAccumulate(perExample, maxNorm: c).sum
                }
                let noisy = Clipping.addNoise(to: sums, noiseMultiplier: noiseMultiplier, maxNorm: c, using: &rng)
                var parameters = model.parameters
                for i in parameters.indices { parameters[i].addScaled(noisy[i], by: -step) }
                model.parameters = parameters
            }
            return model
        }

        /// The canary's sigmoid cross-entropy under `model` (nats).
        func canaryLoss(_ model: Dense<Double>) -> Double {
            let logit = model(canaryX).scalars[0]
            return Losses.sigmoidCrossEntropyPerExample(
                logits: Tensor(shape: [1, 1], scalars: [logit]), targets: Tensor(shape: [1, 1], scalars: [canaryLabel])
            ).values.scalars[0]
        }

        /// The fraction of training records classified correctly (logit ≥ 0 ↔ malignant).
        func trainingAccuracy(_ model: Dense<Double>) -> Double {
            let logits = model(x).scalars
            var correct = 0
            for i in logits.indices where (logits[i] >= 0 ? 1.0 : 0.0) == y.scalars[i] { correct += 1 }
            return Double(correct) / Double(logits.count)
        }
    }
}
