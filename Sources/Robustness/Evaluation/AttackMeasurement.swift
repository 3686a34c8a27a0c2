import SemanticCodec
import TensorCore

/// What one attack at one budget did to a model: the row of `semcom attack`.
///
/// Clean and adversarial predictions of an example are made through the **same** channel
/// realization, so a zero budget gives the clean accuracy exactly and every difference is the
/// attack's doing.
public struct AttackMeasurement: Sendable, Hashable {
    /// The attack's name (`fgsm`, `pgd`, `symbol-pgd`, `universal`, `gaussian`, `synonym`, `charedit`).
    public var attack: String
    /// The budget: physical units (fgsm, pgd), SPR in dB (symbol attacks), the fraction of words
    /// (synonym), the edit distance (charedit).
    public var budget: Double
    /// Attack iterations (1 for FGSM and the text attacks' greedy rounds are counted in ``queries``).
    public var steps: Int
    /// Accuracy on clean inputs.
    public var cleanAccuracy: Double
    /// Accuracy on adversarial inputs (same channel realizations).
    public var robustAccuracy: Double
    /// The fraction of correctly classified examples that the attack made wrong.
    public var attackSuccessRate: Double
    /// The mean perturbation size per example, in the budget's units (L∞ or L2 norm in physical
    /// units; L2 norm of the symbol offset, with unit power per complex symbol; fraction of words
    /// changed; edit distance).
    public var meanPerturbation: Double
    /// Mean model queries (gradient or forward evaluations) per example.
    public var queries: Double
    /// Examples × channel realizations measured.
    public var transmissions: Int

    /// Creates a measurement from paired predictions.
    /// - Parameters:
    ///   - attack: the attack's name.
    ///   - budget: its budget.
    ///   - steps: its iterations.
    ///   - clean: clean predictions.
    ///   - adversarial: adversarial predictions (same channel realizations, same order).
    ///   - labels: the true labels.
    ///   - perturbationSizes: one size per example.
    ///   - queries: total queries.
    public init(
        attack: String, budget: Double, steps: Int, clean: [Int], adversarial: [Int], labels: [Int],
        perturbationSizes: [Double], queries: Double
    ) {
        precondition(clean.count == labels.count && adversarial.count == labels.count, "Prediction counts differ")
        let n = Double(Swift.max(labels.count, 1))
        let cleanCorrect = zip(clean, labels).map { $0 == $1 }
        let adversarialCorrect = zip(adversarial, labels).map { $0 == $1 }
        let correct = cleanCorrect.filter { $0 }.count
        let flipped = zip(cleanCorrect, adversarialCorrect).filter { $0 && !$1 }.count
        self.attack = attack
        self.budget = budget
        self.steps = steps
        self.cleanAccuracy = Double(correct) / n
        self.robustAccuracy = Double(adversarialCorrect.filter { $0 }.count) / n
        self.attackSuccessRate = correct == 0 ? 0 : Double(flipped) / Double(correct)
        self.meanPerturbation = perturbationSizes.isEmpty ? 0 : perturbationSizes.reduce(0, +) / Double(perturbationSizes.count)
        self.queries = queries / n
        self.transmissions = labels.count
    }
}

/// Measures attacks on a ``DifferentiableTaskModel`` over repeated channel realizations.
///
/// Repeat `r` draws the attack's randomness from `Xoshiro256(seed, stream: 11).fork(r)` and the
/// channel realizations of the final clean and adversarial predictions from
/// `Xoshiro256(seed, stream: 12).fork(r)` (the same copy for both).
public enum AttackEvaluation {
    /// Clean and adversarial predictions of one repeat through the same channel realization.
    static func pairedPredictions<M: DifferentiableTaskModel>(
        _ model: M, clean: Tensor<Float>, adversarial: Tensor<Float>, offset: Tensor<Float>?, seed: UInt64, repeat r: Int
    ) -> (clean: [Int], adversarial: [Int]) {
        let evaluation = evaluationNoise(seed: seed, repeat: r)
        var a = evaluation
        var b = evaluation
        return (
            model.logits(inputs: clean, symbolOffset: nil, using: &a).argmaxAlongLastAxis(),
            model.logits(inputs: adversarial, symbolOffset: offset, using: &b).argmaxAlongLastAxis()
        )
    }

    /// A per-example attack white-box on `model`: FGSM or PGD on the input (``InputAttack``, its
    /// budget in physical units) or PGD on the symbols (``SymbolAttack``; with
    /// ``SymbolAttack/knowsChannelNoise`` the attack is handed the evaluation's channel realization
    /// of each repeat, `Xoshiro256(seed, stream: 12).fork(r)`).
    /// - Parameters:
    ///   - model: the link.
    ///   - inputs: `[examples, width]`, encoder units.
    ///   - labels: true labels.
    ///   - attack: the attack.
    ///   - repeats: channel realizations (≥ 1).
    ///   - seed: the seed of the attack and evaluation streams.
    public static func measure<M: DifferentiableTaskModel, A: PerExampleAttack>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], attack: A, repeats: Int = 1, seed: UInt64
    ) -> AttackMeasurement {
        attack.measureWhiteBox(model, inputs: inputs, labels: labels, repeats: repeats, seed: seed)
    }

    /// The generator of the channel realizations of repeat `r`'s final predictions.
    static func evaluationNoise(seed: UInt64, repeat r: Int) -> Xoshiro256 {
        Xoshiro256(seed: seed, stream: 12).fork(stream: UInt64(r))
    }

    /// Runs `attack` once per repeat (stream 11, fork `r`) and pairs clean and adversarial predictions.
    static func measureRepeated<M: DifferentiableTaskModel>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], name: String, budget: Double, steps: Int,
        queriesPerExample: Int, repeats: Int, seed: UInt64,
        attack: (inout Xoshiro256, Int) -> (inputs: Tensor<Float>, offset: Tensor<Float>?, sizes: [Double])
    ) -> AttackMeasurement {
        precondition(repeats >= 1, "repeats must be ≥ 1, got \(repeats)")
        var clean: [Int] = []
        var adversarial: [Int] = []
        var sizes: [Double] = []
        for r in 0..<repeats {
            var rng = Xoshiro256(seed: seed, stream: 11).fork(stream: UInt64(r))
            let result = attack(&rng, r)
            let p = pairedPredictions(
                model, clean: inputs, adversarial: result.inputs, offset: result.offset, seed: seed, repeat: r)
            clean += p.clean
            adversarial += p.adversarial
            sizes += result.sizes
        }
        return AttackMeasurement(
            attack: name, budget: budget, steps: steps, clean: clean, adversarial: adversarial,
            labels: Array(repeating: labels, count: repeats).flatMap { $0 }, perturbationSizes: sizes,
            queries: Double(queriesPerExample * labels.count * repeats))
    }

    /// The universal symbol perturbation, fitted on `fitInputs` (e.g. the training records) and
    /// measured on `inputs`, beside Gaussian noise of the same power (row `gaussian`).
    /// - Returns: the `universal` and the `gaussian` measurement.
    public static func measureUniversal<M: DifferentiableTaskModel>(
        _ model: M, fitInputs: Tensor<Float>, fitLabels: [Int], inputs: Tensor<Float>, labels: [Int],
        attack: UniversalSymbolAttack, repeats: Int = 1, seed: UInt64
    ) -> (universal: AttackMeasurement, gaussian: AttackMeasurement) {
        var fitRNG = Xoshiro256(seed: seed, stream: 13)
        let delta = attack.fit(model, inputs: fitInputs, labels: fitLabels, using: &fitRNG)
        return measureUniversal(
            model, perturbation: delta, inputs: inputs, labels: labels, attack: attack,
            queries: Double((attack.steps + 1) * fitLabels.count), repeats: repeats, seed: seed)
    }

    /// A fitted universal perturbation `delta` (`[2·k]`) and Gaussian noise of its power on `model`.
    static func measureUniversal<M: DifferentiableTaskModel>(
        _ model: M, perturbation delta: [Float], inputs: Tensor<Float>, labels: [Int], attack: UniversalSymbolAttack,
        queries: Double, repeats: Int, seed: UInt64
    ) -> (universal: AttackMeasurement, gaussian: AttackMeasurement) {
        precondition(repeats >= 1, "repeats must be ≥ 1, got \(repeats)")
        let batch = labels.count
        let offset = Tensor(shape: [batch, delta.count], scalars: (0..<batch).flatMap { _ in delta })
        var clean: [Int] = []
        var universal: [Int] = []
        var gaussian: [Int] = []
        var gaussianSizes: [Double] = []
        for r in 0..<repeats {
            var noiseRNG = Xoshiro256(seed: seed, stream: 14).fork(stream: UInt64(r))
            let noise = UniversalSymbolAttack.gaussianPerturbation(like: delta, count: batch, using: &noiseRNG)
            let p = pairedPredictions(model, clean: inputs, adversarial: inputs, offset: offset, seed: seed, repeat: r)
            let q = pairedPredictions(model, clean: inputs, adversarial: inputs, offset: noise, seed: seed, repeat: r)
            clean += p.clean
            universal += p.adversarial
            gaussian += q.adversarial
            gaussianSizes += rowNorms(noise)
        }
        let all = Array(repeating: labels, count: repeats).flatMap { $0 }
        let size = Double(delta.reduce(0) { $0 + $1 * $1 }.squareRoot())
        let spr = attack.budget.signalToPerturbationDecibels
        return (
            AttackMeasurement(
                attack: "universal", budget: spr, steps: attack.steps, clean: clean, adversarial: universal, labels: all,
                perturbationSizes: Array(repeating: size, count: all.count), queries: queries),
            AttackMeasurement(
                attack: "gaussian", budget: spr, steps: 0, clean: clean, adversarial: gaussian, labels: all,
                perturbationSizes: gaussianSizes, queries: 0)
        )
    }

    /// The L2 norm of each row of `[batch, width]`.
    static func rowNorms(_ x: Tensor<Float>) -> [Double] {
        let width = x.shape[1]
        return (0..<x.shape[0]).map { Double(AttackNorm.l2.norm(x.scalars[($0 * width)..<(($0 + 1) * width)])) }
    }
}

extension AttackEvaluation {
    /// A text attack on each note, then clean and adversarial predictions through the same channel
    /// realization (`Xoshiro256(seed, stream: 12)`); the attack's queries draw from stream 11.
    /// - Parameters:
    ///   - model: the link for notes.
    ///   - texts: the notes.
    ///   - labels: their true classes.
    ///   - name: `synonym` or `charedit`.
    ///   - budget: the budget reported.
    ///   - attack: attacks one note: returns the adversarial note, its perturbation size and queries.
    /// - Throws: the model's error.
    public static func measureText<M: TextTaskModel>(
        _ model: M, texts: [String], labels: [Int], name: String, budget: Double, seed: UInt64,
        attack: (String, Int, inout Xoshiro256) throws -> (text: String, size: Double, queries: Int)
    ) throws -> (measurement: AttackMeasurement, adversarialTexts: [String]) {
        precondition(texts.count == labels.count, "\(texts.count) texts but \(labels.count) labels")
        var rng = Xoshiro256(seed: seed, stream: 11)
        var adversarial: [String] = []
        var sizes: [Double] = []
        var queries = 0
        for (text, label) in zip(texts, labels) {
            let result = try attack(text, label, &rng)
            adversarial.append(result.text)
            sizes.append(result.size)
            queries += result.queries
        }
        let evaluation = Xoshiro256(seed: seed, stream: 12)
        var a = evaluation
        var b = evaluation
        let clean = try model.probabilities(texts, using: &a).argmaxAlongLastAxis()
        let attacked = try model.probabilities(adversarial, using: &b).argmaxAlongLastAxis()
        return (
            AttackMeasurement(
                attack: name, budget: budget, steps: 1, clean: clean, adversarial: attacked, labels: labels,
                perturbationSizes: sizes, queries: Double(queries)),
            adversarial
        )
    }
}

extension InputAttack {
    /// FGSM or PGD on the input, white-box (see ``AttackEvaluation/measure(_:inputs:labels:attack:repeats:seed:)``).
    public func measureWhiteBox<M: DifferentiableTaskModel>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], repeats: Int, seed: UInt64
    ) -> AttackMeasurement {
        AttackEvaluation.measureRepeated(
            model, inputs: inputs, labels: labels, name: method.rawValue, budget: Double(budget),
            steps: steps, queriesPerExample: queriesPerExample, repeats: repeats, seed: seed
        ) { rng, _ in
            let (x, delta) = perturb(model, inputs: inputs, labels: labels, using: &rng)
            let width = delta.shape[1]
            let sizes = (0..<labels.count).map {
                Double(norm.norm(delta.scalars[($0 * width)..<(($0 + 1) * width)]))
            }
            return (x, nil, sizes)
        }
    }
}

extension SymbolAttack {
    /// Per-input symbol PGD, white-box (see ``AttackEvaluation/measure(_:inputs:labels:attack:repeats:seed:)``).
    public func measureWhiteBox<M: DifferentiableTaskModel>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], repeats: Int, seed: UInt64
    ) -> AttackMeasurement {
        AttackEvaluation.measureRepeated(
            model, inputs: inputs, labels: labels, name: "symbol-pgd", budget: budget.signalToPerturbationDecibels,
            steps: steps, queriesPerExample: queriesPerExample, repeats: repeats, seed: seed
        ) { rng, r in
            let delta = perturbation(
                model, inputs: inputs, labels: labels, channelNoise: AttackEvaluation.evaluationNoise(seed: seed, repeat: r),
                using: &rng)
            return (inputs, delta, AttackEvaluation.rowNorms(delta))
        }
    }
}
