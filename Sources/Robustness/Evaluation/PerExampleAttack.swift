import TensorCore

/// An attack that perturbs each example separately and can be measured two ways: white-box on the
/// attacked link, or crafted on a surrogate and transferred to it (black-box).
///
/// ``InputAttack`` (FGSM, PGD on the record) and ``SymbolAttack`` (PGD on the transmitted symbols)
/// conform; ``AttackEvaluation``'s `measure(_:inputs:labels:attack:repeats:seed:)` and
/// `measureTransfer(victim:surrogate:…:attack:…)` call these requirements. Code that runs either attack against
/// either threat model writes the choice once with ``measure(victim:inputs:surrogate:labels:repeats:seed:)``:
///
/// ```swift
/// let attack: any PerExampleAttack = useSymbols
///     ? try SymbolAttack(budget: SymbolBudget(signalToPerturbationDecibels: 10))
///     : try InputAttack(method: .pgd, budget: 2)
/// let row = try attack.measure(
///     victim: model, inputs: x, surrogate: other.map { ($0, xOther) }, labels: y, repeats: 3, seed: 0)
/// ```
public protocol PerExampleAttack: Sendable {
    /// The attack run white-box on `model` (see ``AttackEvaluation``).
    /// - Parameters:
    ///   - model: the attacked link.
    ///   - inputs: `[examples, width]`, in the link's encoder units.
    ///   - labels: true labels, one per example.
    ///   - repeats: channel realizations (≥ 1).
    ///   - seed: the seed of the attack and evaluation streams.
    func measureWhiteBox<M: DifferentiableTaskModel>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], repeats: Int, seed: UInt64
    ) -> AttackMeasurement

    /// The attack crafted on `surrogate` and applied to `victim`, which is never queried.
    /// - Parameters:
    ///   - victim: the attacked link.
    ///   - surrogate: the attacker's link (e.g. a knowledge base trained on another seed).
    ///   - victimInputs: the examples in the victim's encoder units, `[examples, width]`.
    ///   - surrogateInputs: the same examples in the surrogate's encoder units.
    ///   - labels: true labels.
    ///   - repeats: channel realizations (≥ 1).
    ///   - seed: the seed of the attack and evaluation streams (the white-box ones, so a link that is
    ///     its own surrogate measures as white-box).
    /// - Throws: ``RobustnessError`` `invalidData` when the two links' inputs or symbols do not match.
    func measureTransfer<V: DifferentiableTaskModel, S: DifferentiableTaskModel>(
        victim: V, surrogate: S, victimInputs: Tensor<Float>, surrogateInputs: Tensor<Float>, labels: [Int],
        repeats: Int, seed: UInt64
    ) throws(RobustnessError) -> AttackMeasurement
}

extension PerExampleAttack {
    /// The attack on `victim`: transferred from `surrogate` when one is given (black-box, no query to
    /// the victim), else white-box.
    /// - Parameters:
    ///   - victim: the attacked link.
    ///   - inputs: the examples in the victim's encoder units, `[examples, width]`.
    ///   - surrogate: the attacker's link and the same examples in its encoder units, or `nil`.
    ///   - labels: true labels.
    ///   - repeats: channel realizations (≥ 1).
    ///   - seed: the seed of the attack and evaluation streams.
    /// - Throws: ``RobustnessError`` from a transfer whose links do not match.
    public func measure<V: DifferentiableTaskModel, S: DifferentiableTaskModel>(
        victim: V, inputs: Tensor<Float>, surrogate: (model: S, inputs: Tensor<Float>)?, labels: [Int],
        repeats: Int = 1, seed: UInt64
    ) throws(RobustnessError) -> AttackMeasurement {
        guard let surrogate else {
            return measureWhiteBox(victim, inputs: inputs, labels: labels, repeats: repeats, seed: seed)
        }
        return try measureTransfer(
            victim: victim, surrogate: surrogate.model, victimInputs: inputs, surrogateInputs: surrogate.inputs,
            labels: labels, repeats: repeats, seed: seed)
    }
}

// The implementations: `AttackMeasurement.swift` (white-box) and `TransferAttack.swift` (transfer).
extension InputAttack: PerExampleAttack {}
extension SymbolAttack: PerExampleAttack {}
