import NeuralNet
import TensorCore

/// A clinic-side defence that an honest clinic applies to the records of every local minibatch
/// before it differentiates the loss: adversarial training or input perturbation (issue 10's
/// "adversarial training and input perturbation at honest clinics").
///
/// The source paper proposes both against malicious clinics; in the federated-backdoor
/// literature, hardening the benign clients is FLIP's idea (Zhang et al., "FLIP: A provable
/// defense framework for backdoor mitigation in federated learning", ICLR 2023, which adds
/// trigger inversion), and the training rules are Madry et al.'s PGD-AT (ICLR 2018), Wong, Rice
/// & Kolter's FGSM-AT (ICLR 2020) and noise augmentation (Bishop, Neural Computation 1995). The
/// hope is that honest updates that are robust to bounded input changes dilute a trigger's effect
/// on the aggregate.
///
/// With weight f = ``fraction`` each example's gradient is `(1 − f)·∇ℓ(x) + f·∇ℓ(x′)` with x′ the
/// defence's copy (``perturb(_:model:using:)``); its loss is mixed the same way. The mixture is
/// per example, so the per-example gradients of record-level DP-SGD stay per record (x′ depends
/// only on x, the public model and the clinic's generator) and DP-SGD's clipping bounds them.
///
/// Conformances that need input gradients (adversarial examples) live above this module (the
/// `Experiments` target builds them from the `Robustness` target's FGSM/PGD) and require an
/// ``InputDifferentiableModel``. Malicious clinics do not apply the defence while they attack.
public protocol LocalInputDefence: Sendable, CustomStringConvertible {
    /// f, the weight of the perturbed copies in each example's gradient, in (0, 1].
    var fraction: Double { get }
    /// Whether ``perturb(_:model:using:)`` needs an ``InputDifferentiableModel``.
    var needsInputGradients: Bool { get }
    /// The perturbed copies x′ of a minibatch's records, in order, with the same labels.
    /// - Parameters:
    ///   - batch: the minibatch's records (features in the dataset's coding).
    ///   - model: the clinic's model at its current parameters.
    ///   - rng: the clinic's generator.
    func perturb<G: RandomNumberGenerator>(
        _ batch: FederatedDataset, model: any FederatedModel, using rng: inout G
    ) -> FederatedDataset
}

/// A federated classifier whose loss can be differentiated with respect to its inputs — what an
/// adversarial example needs (FGSM, PGD). The linear models and ``NeuralNetworkModel`` conform.
public protocol InputDifferentiableModel: FederatedModel {
    /// The logits `[batch, classes]` of `inputs` `[batch, featureCount]` (the dataset's coding).
    /// The linear binary models give `[0, s]` per record (s = w·x + b), so softmax cross-entropy
    /// on them is the logistic loss and `argmax` agrees with the sign rule except at s = 0.
    func logits(_ inputs: Tensor<Float>) -> Tensor<Float>
    /// `∂(Σ loss)/∂inputs`, `[batch, featureCount]`, given `∂(Σ loss)/∂logits` at `inputs`.
    func inputGradient(_ inputs: Tensor<Float>, logitGradient: Tensor<Float>) -> Tensor<Float>
}

extension LinearBinaryModel {
    public func logits(_ inputs: Tensor<Float>) -> Tensor<Float> {
        let batch = inputs.shape[0]
        var out = Tensor<Float>(zeros: [batch, 2])
        for r in 0..<batch {
            var s = parameters[featureCount]
            for j in 0..<featureCount { s += parameters[j] * Double(inputs.scalars[r * featureCount + j]) }
            out.scalars[r * 2 + 1] = Float(s)
        }
        return out
    }

    public func inputGradient(_ inputs: Tensor<Float>, logitGradient: Tensor<Float>) -> Tensor<Float> {
        // z = [0, w·x + b]: ∂L/∂x = ∂L/∂z₁ · w.
        let batch = inputs.shape[0]
        var out = Tensor<Float>(zeros: [batch, featureCount])
        for r in 0..<batch {
            let g = Double(logitGradient.scalars[r * 2 + 1])
            for j in 0..<featureCount { out.scalars[r * featureCount + j] = Float(g * parameters[j]) }
        }
        return out
    }
}

extension LinearSVMModel: InputDifferentiableModel {}
extension LogisticRegressionModel: InputDifferentiableModel {}

extension NeuralNetworkModel: InputDifferentiableModel {
    public func logits(_ inputs: Tensor<Float>) -> Tensor<Float> { network(inputs) }

    public func inputGradient(_ inputs: Tensor<Float>, logitGradient: Tensor<Float>) -> Tensor<Float> {
        var unused = Xoshiro256(seed: 0)  // inference mode: deterministic layers do not draw
        return network.forward(inputs, training: false, using: &unused).pullback(logitGradient).input
    }
}

extension LocalTraining {
    /// Per-example gradients and losses of the records `indices` of `data`, with a clinic
    /// defence's mixture `(1 − f)·∇ℓ(x) + f·∇ℓ(x′)` when `defence` is given
    /// (``LocalInputDefence``); without one exactly ``FederatedModel/perExampleGradients(_:indices:)``.
    /// - Returns: `gradients` row-major `[indices.count × P]`, `losses` `[indices.count]`.
    public static func defendedGradients<M: FederatedModel, G: RandomNumberGenerator>(
        _ model: M, on data: FederatedDataset, indices: [Int], defence: (any LocalInputDefence)?, using rng: inout G
    ) -> (gradients: [Double], losses: [Double]) {
        guard let defence, !indices.isEmpty else { return model.perExampleGradients(data, indices: indices) }
        let batch = data.subset(indices)
        let rows = Array(0..<indices.count)
        let perturbed = defence.perturb(batch, model: model, using: &rng)
        let adversarial = model.perExampleGradients(perturbed, indices: rows)
        let f = defence.fraction
        guard f < 1 else { return adversarial }
        let clean = model.perExampleGradients(batch, indices: rows)
        return (
            zip(clean.gradients, adversarial.gradients).map { (1 - f) * $0 + f * $1 },
            zip(clean.losses, adversarial.losses).map { (1 - f) * $0 + f * $1 }
        )
    }
}
