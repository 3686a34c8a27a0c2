import Channels
import KnowledgeBase
import NeuralNet
import RealModule
import SemanticCodec
import TensorCore

/// Adversarial training of a semantic codec with the channel in the loop: a
/// `ClassificationTrainingObjective` for `ClassificationTrainer` (and so for knowledge-base
/// builds such as `TabularKnowledgeBase.build(…, objective:)`).
///
/// Every minibatch, the adversary attacks the current pipeline **through the training channel**
/// (per-example Es/N0 drawn from the training SNR range for every forward pass), in the input's
/// physical units inside its valid box (``InputAttack``), and optionally also perturbs the
/// transmitted symbols with an L2 budget set by a signal-to-perturbation ratio; the codec then
/// descends:
///
/// - ``Method/fgsm`` — FGSM-AT with a random start: `δ₀ ~ U(−ε, ε)`, one step of `1.25·ε`,
///   projection (Wong, Rice & Kolter, "Fast is better than free", ICLR 2020); loss
///   `(1 − f)·CE(x) + f·CE(x′)`, `f` = ``fraction``;
/// - ``Method/pgd`` — PGD-AT: `steps` PGD iterations from a random start, step `2.5·ε/steps`
///   (Madry et al., ICLR 2018), same loss (Madry: `f = 1`);
/// - ``Method/trades`` — TRADES: `CE(x) + β·KL(p(x) ‖ p(x′))`, the adversary maximizing the KL
///   term (Zhang et al., "Theoretically principled trade-off between robustness and accuracy",
///   ICML 2019). Where we differ: the adversary starts from a uniform random point of the ball
///   (the paper: `x + 0.001·N(0, 1)`), so that its first gradient is informative under channel noise.
///
/// With ``symbolSignalToPerturbationDecibels`` set, each PGD iteration also takes an L2 step on a
/// symbol offset with that budget (joint input + symbol adversary, one gradient per iteration).
public struct AdversarialTraining: ClassificationTrainingObjective, Hashable {
    /// The training method.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// FGSM-AT with random start.
        case fgsm
        /// PGD-AT (Madry).
        case pgd
        /// TRADES.
        case trades
    }

    /// The method.
    public var method: Method
    /// The norm of the input budget.
    public var norm: AttackNorm
    /// ε, in the input's physical units.
    public var budget: Float
    /// Adversary iterations (FGSM: 1).
    public var steps: Int
    /// The weight `f` of the adversarial loss (FGSM-AT, PGD-AT), in [0, 1].
    public var fraction: Float
    /// TRADES' β (≥ 0).
    public var beta: Float
    /// The symbol budget of a joint adversary, or `nil` for an input-only adversary.
    public var symbolSignalToPerturbationDecibels: Double?
    /// The adversary's input attack (FGSM with a random start and step 1.25·ε, or PGD from a random
    /// start), also what honest federated clinics train against (`Experiments`'
    /// `AdversarialInputDefence`).
    public let inputAttack: InputAttack
    /// The adversary's symbol attack (joint adversary), if any.
    let symbolAttack: SymbolAttack?

    /// Creates adversarial-training settings.
    /// - Parameters:
    ///   - method: FGSM-AT, PGD-AT or TRADES.
    ///   - norm: L∞ (default) or L2.
    ///   - budget: ε in physical units (finite, ≥ 0).
    ///   - steps: PGD/TRADES iterations (default 7).
    ///   - fraction: weight of the adversarial loss (default 1).
    ///   - beta: TRADES' β (default 6, the paper's).
    ///   - symbolSignalToPerturbationDecibels: joint symbol budget (SPR in dB), or `nil`.
    /// - Throws: ``RobustnessError`` `invalidBudget` or `invalidSetting`.
    public init(
        method: Method, norm: AttackNorm = .linf, budget: Float, steps: Int = 7, fraction: Float = 1, beta: Float = 6,
        symbolSignalToPerturbationDecibels: Double? = nil
    ) throws(RobustnessError) {
        try checkBudget(Double(budget), name: "adversarial-training budget")
        guard steps >= 1 && steps <= 1000 else {
            throw RobustnessError(code: .invalidSetting, message: "adversarial-training steps must be in 1…1000, got \(steps)")
        }
        guard fraction >= 0 && fraction <= 1 else {
            throw RobustnessError(code: .invalidSetting, message: "adversarial fraction must be in [0, 1], got \(fraction)")
        }
        guard beta.isFinite && beta >= 0 else {
            throw RobustnessError(code: .invalidSetting, message: "TRADES β must be finite and ≥ 0, got \(beta)")
        }
        switch method {
        case .fgsm:
            inputAttack = try InputAttack(
                method: .fgsm, norm: norm, budget: budget, stepSize: 1.25 * budget, randomStart: true)
        case .pgd, .trades:
            inputAttack = try InputAttack(method: .pgd, norm: norm, budget: budget, steps: steps, randomStart: true)
        }
        symbolAttack = try symbolSignalToPerturbationDecibels.map { spr throws(RobustnessError) in
            try SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: spr), steps: steps)
        }
        self.method = method
        self.norm = norm
        self.budget = budget
        self.steps = method == .fgsm ? 1 : steps
        self.fraction = fraction
        self.beta = beta
        self.symbolSignalToPerturbationDecibels = symbolSignalToPerturbationDecibels
    }

    /// The settings recorded in a knowledge base's manifest.
    public var settings: TrainingProvenance.AdversarialSettings {
        var parameters: [String: Double] = [:]
        switch method {
        case .fgsm: parameters["step_size"] = Double(1.25 * budget)
        case .pgd: parameters["step_size"] = Double(2.5 * budget / Float(steps))
        case .trades:
            parameters["beta"] = Double(beta)
            parameters["step_size"] = Double(2.5 * budget / Float(steps))
        }
        if let spr = symbolSignalToPerturbationDecibels { parameters["symbol_spr_db"] = spr }
        return TrainingProvenance.AdversarialSettings(
            method: method == .pgd ? "pgd_at" : (method == .fgsm ? "fgsm_at" : "trades"), epsilon: Double(budget),
            steps: steps, fraction: method == .trades ? 1 : Double(fraction),
            target: symbolSignalToPerturbationDecibels == nil ? "input" : "input+symbols", norm: norm.rawValue,
            units: "physical", parameters: parameters)
    }

    /// One minibatch: the adversary's examples, then the loss and its parameter gradients.
    public func lossAndGradients<E: SemanticEncoder, D: SemanticDecoder, C: ChannelModel, G: RandomNumberGenerator>(
        _ pipeline: SemanticPipeline<E, D>, inputs: Tensor<Float>, labels: [Int], domain: InputDomain?,
        through channel: ChannelLayer<C>, using rng: inout G
    ) -> (loss: Float, accuracy: Double, gradients: [Tensor<Float>]) {
        let width = inputs.shape[1]
        let model = PipelineTaskModel(
            pipeline: pipeline, channel: channel, inputDomain: domain ?? .unbounded(width: width), training: true)
        switch method {
        case .fgsm, .pgd:
            let (adversarial, offset) = attack(
                model, inputs: inputs, labels: labels, loss: crossEntropyLoss(labels: labels), using: &rng)
            let adv = model.gradients(
                inputs: adversarial, symbolOffset: offset, loss: meanCrossEntropy(labels, weight: fraction), using: &rng)
            var loss = fraction * mean(adv.losses)
            var gradients = adv.parameters
            if fraction < 1 {
                let clean = model.gradients(
                    inputs: inputs, symbolOffset: nil, loss: meanCrossEntropy(labels, weight: 1 - fraction), using: &rng)
                loss += (1 - fraction) * mean(clean.losses)
                gradients = zip(gradients, clean.parameters).map { $0 + $1 }
            }
            return (loss, accuracy(adv.logits, labels), gradients)
        case .trades:
            // The reference distribution p(x) of the current model, through one channel realization.
            let reference = model.logits(inputs: inputs, symbolOffset: nil, using: &rng).softmax()
            let (adversarial, offset) = attack(
                model, inputs: inputs, labels: labels, loss: klDivergenceLoss(reference: reference, weight: 1),
                using: &rng)
            // CE(x) + β·KL(p(x) ‖ p(x′)): both branches are differentiated with respect to the parameters.
            let (cleanLogits, cleanPullback) = pipeline.differentiableForward(
                inputs, through: channel, training: true, using: &rng)
            let (advLogits, advPullback) = pipeline.differentiableForward(
                adversarial, symbolOffset: offset, through: channel, training: true, using: &rng)
            let n = Float(Swift.max(labels.count, 1))
            let (ce, dClean) = Losses.softmaxCrossEntropy(logits: cleanLogits, labels: labels)
            let p = cleanLogits.softmax()
            let logP = cleanLogits.logSoftmax()
            let logQ = advLogits.logSoftmax()
            let q = advLogits.softmax()
            let classes = cleanLogits.shape[1]
            var dCleanKL = Tensor<Float>(zeros: cleanLogits.shape)
            var dAdvKL = Tensor<Float>(zeros: advLogits.shape)
            var kl: Float = 0
            for r in 0..<labels.count {
                var rowKL: Float = 0
                for j in 0..<classes {
                    let i = r * classes + j
                    rowKL += p.scalars[i] * (logP.scalars[i] - logQ.scalars[i])
                }
                kl += rowKL
                for j in 0..<classes {
                    let i = r * classes + j
                    dCleanKL.scalars[i] = beta / n * p.scalars[i] * (logP.scalars[i] - logQ.scalars[i] - rowKL)
                    dAdvKL.scalars[i] = beta / n * (q.scalars[i] - p.scalars[i])
                }
            }
            let gClean = cleanPullback(dClean + dCleanKL).parameters
            let gAdv = advPullback(dAdvKL).parameters
            return (ce + beta * kl / n, accuracy(cleanLogits, labels), zip(gClean, gAdv).map { $0 + $1 })
        }
    }

    /// The input attack, then (joint adversary) the symbol attack on the adversarial input.
    private func attack<M: DifferentiableTaskModel, G: RandomNumberGenerator>(
        _ model: M, inputs: Tensor<Float>, labels: [Int],
        loss: @escaping (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>), using rng: inout G
    ) -> (Tensor<Float>, Tensor<Float>?) {
        let x = inputAttack.perturb(model, inputs: inputs, labels: labels, loss: loss, using: &rng).adversarial
        guard let symbolAttack else { return (x, nil) }
        return (x, symbolAttack.perturbation(model, inputs: x, labels: labels, loss: loss, using: &rng))
    }
}

/// `weight ×` mean cross-entropy: per-example values (unweighted) and the gradient of the weighted mean.
func meanCrossEntropy(_ labels: [Int], weight: Float) -> (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>) {
    { logits in
        let result = Losses.softmaxCrossEntropyPerExample(logits: logits, labels: labels)
        return (result.values.scalars, result.gradient * (weight / Float(Swift.max(labels.count, 1))))
    }
}

/// Per-example `KL(p ‖ softmax(logits))` with respect to fixed reference probabilities `p`
/// `[batch, classes]` (TRADES' adversary objective), gradient `weight·(q − p)`.
func klDivergenceLoss(reference p: Tensor<Float>, weight: Float) -> (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>) {
    { logits in
        let logQ = logits.logSoftmax()
        let q = logits.softmax()
        let classes = logits.shape[1]
        let values = (0..<logits.shape[0]).map { r in
            (0..<classes).reduce(Float(0)) { sum, j in
                let i = r * classes + j
                let pi = p.scalars[i]
                return pi > 0 ? sum + pi * (Float.log(pi) - logQ.scalars[i]) : sum
            }
        }
        return (values, (q - p) * weight)
    }
}

private func mean(_ values: [Float]) -> Float { values.reduce(0, +) / Float(Swift.max(values.count, 1)) }

private func accuracy(_ logits: Tensor<Float>, _ labels: [Int]) -> Double {
    let predictions = logits.argmaxAlongLastAxis()
    return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(Swift.max(labels.count, 1))
}
