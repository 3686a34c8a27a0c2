import Federated
import Foundation
import HealthData
import Robustness
import SemanticCodec
import TensorCore

/// Adversarial training at honest clinics (issue 10, the source paper's proposal): in every local
/// minibatch, the clinic finds adversarial copies of its records against its current model with
/// the `Robustness` target's FGSM or PGD (``Robustness/InputAttack`` as
/// ``Robustness/AdversarialTraining`` configures it: FGSM-AT with a random start and step 1.25·ε,
/// Wong, Rice & Kolter, ICLR 2020; PGD-AT from a random start, step 2.5·ε/steps, Madry et al.,
/// ICLR 2018), in the features' physical units and inside their valid box, and trains on
/// `(1 − f)·ℓ(x) + f·ℓ(x′)` (``Federated/LocalInputDefence``).
///
/// The adversary ascends the softmax cross-entropy of the model's logits (for the linear SVM the
/// logistic surrogate of its score, ``Federated/InputDifferentiableModel``). Adversarial
/// records are relaxed to real values (a grade of 3.4 is allowed), as in the codec attacks.
public struct AdversarialInputDefence: LocalInputDefence {
    /// The adversarial-training settings (method FGSM or PGD, L∞ or L2, budget ε in physical units, steps).
    public var training: AdversarialTraining
    /// The valid box of the records and their physical units (for BCWD: grades 1–10, ``bcwdDomain``).
    public var domain: InputDomain
    /// f ∈ (0, 1].
    public var fraction: Double

    /// Creates the defence.
    /// - Throws: ``Federated/FederatedError`` `.invalidParameter` for TRADES (not a per-record
    ///   mixture), a budget that is not finite and > 0, or f outside (0, 1].
    public init(training: AdversarialTraining, domain: InputDomain, fraction: Double = 0.5) throws {
        guard training.method != .trades else {
            throw FederatedError(
                code: .invalidParameter, message: "honest-clinic adversarial training is fgsm or pgd, not trades")
        }
        guard training.budget > 0 else {
            throw FederatedError(
                code: .invalidParameter, message: "adversarial-training budget must be > 0, got \(training.budget)")
        }
        try Self.checkFraction(fraction)
        self.training = training
        self.domain = domain
        self.fraction = fraction
    }

    /// Needs an ``Federated/InputDifferentiableModel``.
    public var needsInputGradients: Bool { true }

    /// `adversarial:METHOD:ε:f`.
    public var description: String {
        "adversarial:\(training.method.rawValue):\(compact(Double(training.budget))):\(compact(fraction))"
    }

    /// The attack's adversarial copies of `batch` (inside ``domain``, ‖x′ − x‖ ≤ ε in physical units).
    /// - Precondition: `model` is an ``Federated/InputDifferentiableModel`` with ``domain``'s width
    ///   (``Federated/FederatedSimulation`` checks it before any round).
    public func perturb<G: RandomNumberGenerator>(
        _ batch: FederatedDataset, model: any FederatedModel, using rng: inout G
    ) -> FederatedDataset {
        guard let differentiable = model as? any InputDifferentiableModel else {
            preconditionFailure("adversarial training needs an InputDifferentiableModel; the simulation checks this")
        }
        let inputs = Tensor<Float>(shape: [batch.count, batch.featureCount], scalars: batch.features.map(Float.init))
        let task = FederatedTaskModel(model: differentiable, inputDomain: domain)
        let adversarial = training.inputAttack.perturb(
            task, inputs: inputs, labels: batch.labels, loss: crossEntropyLoss(labels: batch.labels), using: &rng
        ).adversarial
        var copy = batch
        copy.features = adversarial.scalars.map(Double.init)
        return copy
    }

    static func checkFraction(_ fraction: Double) throws {
        guard fraction > 0, fraction <= 1 else {
            throw FederatedError(
                code: .invalidParameter, message: "honest-clinic defence weight f must be in (0, 1], got \(fraction)")
        }
    }
}

/// Input perturbation at honest clinics (issue 10, the source paper's other proposal): every
/// local minibatch is trained on `(1 − f)·ℓ(x) + f·ℓ(x′)` with `x′ = clamp(x + σ·z / scale)`,
/// z ~ N(0, I) on the attackable columns — Gaussian noise of σ physical units (BCWD: grades),
/// clamped into the valid box. Noise augmentation regularizes (Bishop, Neural Computation 1995)
/// and is the training side of noise-based backdoor defences (randomized smoothing: Cohen, Rosenfeld
/// & Kolter, ICML 2019; its federated form CRFL perturbs parameters instead: Xie et al., ICML 2021).
public struct InputNoiseDefence: LocalInputDefence {
    /// σ in physical units (> 0).
    public var sigma: Double
    /// The valid box and physical units.
    public var domain: InputDomain
    /// f ∈ (0, 1].
    public var fraction: Double

    /// Creates the defence.
    /// - Throws: ``Federated/FederatedError`` `.invalidParameter` unless σ is finite and > 0 and f ∈ (0, 1].
    public init(sigma: Double, domain: InputDomain, fraction: Double = 0.5) throws {
        guard sigma > 0, sigma.isFinite else {
            throw FederatedError(code: .invalidParameter, message: "input-noise σ must be finite and > 0, got \(sigma)")
        }
        try AdversarialInputDefence.checkFraction(fraction)
        self.sigma = sigma
        self.domain = domain
        self.fraction = fraction
    }

    /// Needs no gradient.
    public var needsInputGradients: Bool { false }

    /// `input-noise:σ:f`.
    public var description: String { "input-noise:\(compact(sigma)):\(compact(fraction))" }

    /// One standard normal per attackable column of every record, then the box.
    public func perturb<G: RandomNumberGenerator>(
        _ batch: FederatedDataset, model: any FederatedModel, using rng: inout G
    ) -> FederatedDataset {
        let width = domain.width
        precondition(batch.featureCount == width, "input noise expects \(width) features, got \(batch.featureCount)")
        var noisy = Tensor<Float>(shape: [batch.count, width], scalars: batch.features.map(Float.init))
        for i in noisy.scalars.indices where domain.isAttackable[i % width] {
            noisy.scalars[i] += Float(sigma * rng.nextStandardGaussian()) / domain.scale[i % width]
        }
        var copy = batch
        copy.features = domain.clamp(noisy).scalars.map(Double.init)
        return copy
    }
}

/// The honest-clinic defences of `semcom federated --honest-defence` (issue 10).
public enum HonestClinicDefence {
    /// The Breast Cancer Wisconsin records as the federated path codes them (grades ÷ 10): every
    /// column is a grade on the 1–10 scale, so 10 grades per unit, box [0.1, 1].
    public static var bcwdDomain: InputDomain {
        let width = BreastCancerWisconsin.featureCount
        return InputDomain(
            scale: Array(repeating: 10, count: width), lower: Array(repeating: 0.1, count: width),
            upper: Array(repeating: 1, count: width), unit: "grade (1–10)")
    }

    /// The accepted spellings.
    public static let syntax = "none, adversarial:pgd:EPS[:F], adversarial:fgsm:EPS[:F], input-noise:SIGMA[:F]"

    /// Parses one defence: `none` (→ `nil`), `adversarial:pgd:ε[:f]`, `adversarial:fgsm:ε[:f]`
    /// (L∞ budget ε in physical units, PGD with 7 steps) or `input-noise:σ[:f]` (σ in physical
    /// units); f, the weight of the perturbed copies, defaults to 0.5.
    /// - Throws: ``Federated/FederatedError`` `.invalidParameter` naming the text and the accepted forms.
    public static func parse(_ text: String, domain: InputDomain = bcwdDomain) throws -> (any LocalInputDefence)? {
        let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ index: Int, default value: Double? = nil) throws -> Double {
            if index >= parts.count, let value { return value }
            guard index < parts.count, let x = Double(parts[index]), x.isFinite else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "--honest-defence '\(text)': '\(index < parts.count ? parts[index] : "")' is not a number "
                        + "(accepted: \(syntax))")
            }
            return x
        }
        switch (parts.first, parts.count) {
        case ("none", 1): return nil
        case ("adversarial", 3...4):
            guard let method = AdversarialTraining.Method(rawValue: parts[1]), method != .trades else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "--honest-defence '\(text)': method '\(parts[1])' is not pgd or fgsm")
            }
            let budget = try number(2)
            let training: AdversarialTraining
            do {
                training = try AdversarialTraining(method: method, budget: Float(budget))
            } catch {
                throw FederatedError(
                    code: .invalidParameter, message: "--honest-defence '\(text)': \(error.message)", cause: error)
            }
            return try AdversarialInputDefence(training: training, domain: domain, fraction: try number(3, default: 0.5))
        case ("input-noise", 2...3):
            return try InputNoiseDefence(sigma: try number(1), domain: domain, fraction: try number(2, default: 0.5))
        default:
            throw FederatedError(
                code: .invalidParameter, message: "--honest-defence '\(text)' is not one of \(syntax)")
        }
    }
}

/// A ``Federated/InputDifferentiableModel`` as the `Robustness` target's
/// ``Robustness/DifferentiableTaskModel``: no channel, no symbols (width 0), no parameter gradients.
struct FederatedTaskModel: DifferentiableTaskModel {
    var model: any InputDifferentiableModel
    var inputDomain: InputDomain

    var symbolWidth: Int { 0 }

    func symbols(for inputs: Tensor<Float>) -> Tensor<Float> { Tensor(zeros: [inputs.shape[0], 0]) }

    func gradients<G: RandomNumberGenerator>(
        inputs: Tensor<Float>, symbolOffset: Tensor<Float>?,
        loss: (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>), using rng: inout G
    ) -> TaskGradients {
        let logits = model.logits(inputs)
        let (values, gradient) = loss(logits)
        return TaskGradients(
            logits: logits, losses: values, input: model.inputGradient(inputs, logitGradient: gradient),
            symbols: Tensor(zeros: [inputs.shape[0], 0]), parameters: [])
    }

    func logits<G: RandomNumberGenerator>(
        inputs: Tensor<Float>, symbolOffset: Tensor<Float>?, using rng: inout G
    ) -> Tensor<Float> {
        model.logits(inputs)
    }
}

/// `1`, `0.5`, `1.25` (no trailing zeros).
private func compact(_ value: Double) -> String { String(format: "%g", value) }
