import SemanticCodec
import TensorCore

/// Black-box transfer attacks: the attacker has no access to the victim's codec, only to a
/// **surrogate** (e.g. a knowledge base trained on another seed). It crafts its perturbations
/// white-box on the surrogate and applies them to the victim, which it never queries (Papernot,
/// McDaniel & Goodfellow, "Transferability in machine learning: from phenomena to black-box
/// attacks using adversarial samples", 2016; Tramèr et al., "Ensemble adversarial training",
/// ICLR 2018).
///
/// - Input attacks transfer in **physical units**: the surrogate's perturbation `δ` (e.g. grades)
///   moves each victim column by `δ_c / scale_c` of the victim's coding, clamped into the victim's
///   box (a column whose coding is the same in both — same encoder value and scale — takes the
///   surrogate's adversarial value as is).
/// - Symbol attacks transfer as signals: the surrogate's symbol perturbation is added to the
///   victim's transmitted symbols, projected onto the victim's own budget ball (its SPR).
///
/// Streams as the white-box measurements (attack: `Xoshiro256(seed, stream: 11).fork(r)`,
/// evaluation: stream 12, universal fit: stream 13), so with the victim as its own surrogate a
/// transfer measurement equals the white-box one. Rows report 0 queries (to the victim).
extension AttackEvaluation {
    /// A per-example attack crafted on `surrogate` and applied to `victim`: FGSM or PGD
    /// (``InputAttack``, moved into the victim's coding in physical units) or symbol PGD
    /// (``SymbolAttack``, added to the victim's symbols and projected onto the victim's budget).
    /// - Parameters:
    ///   - victim: the attacked link.
    ///   - surrogate: the attacker's link.
    ///   - victimInputs: the examples in the victim's encoder units, `[examples, width]`.
    ///   - surrogateInputs: the same examples in the surrogate's encoder units.
    ///   - labels: true labels.
    ///   - attack: the attack.
    ///   - repeats: channel realizations (≥ 1).
    ///   - seed: the seed of the attack and evaluation streams.
    /// - Throws: ``RobustnessError`` `invalidData` when the two inputs' shapes or input widths differ
    ///   (input attacks), or the symbol widths or example counts (symbol attacks).
    public static func measureTransfer<V: DifferentiableTaskModel, S: DifferentiableTaskModel, A: PerExampleAttack>(
        victim: V, surrogate: S, victimInputs: Tensor<Float>, surrogateInputs: Tensor<Float>, labels: [Int],
        attack: A, repeats: Int = 1, seed: UInt64
    ) throws(RobustnessError) -> AttackMeasurement {
        try attack.measureTransfer(
            victim: victim, surrogate: surrogate, victimInputs: victimInputs, surrogateInputs: surrogateInputs,
            labels: labels, repeats: repeats, seed: seed)
    }

    /// A universal perturbation fitted on `surrogate` (its `fitInputs`), scaled to the victim's
    /// budget if larger, and Gaussian noise of its power, on `victim`.
    /// - Throws: ``RobustnessError`` `invalidData` when the symbol widths or input shapes differ.
    public static func measureUniversalTransfer<V: DifferentiableTaskModel, S: DifferentiableTaskModel>(
        victim: V, surrogate: S, fitInputs: Tensor<Float>, fitLabels: [Int], victimInputs: Tensor<Float>,
        surrogateInputs: Tensor<Float>, labels: [Int], attack: UniversalSymbolAttack, repeats: Int = 1, seed: UInt64
    ) throws(RobustnessError) -> (universal: AttackMeasurement, gaussian: AttackMeasurement) {
        try checkSymbols(victim, surrogate, victimInputs, surrogateInputs)
        var fitRNG = Xoshiro256(seed: seed, stream: 13)
        var delta = attack.fit(surrogate, inputs: fitInputs, labels: fitLabels, using: &fitRNG)[...]
        projectOntoBudget(&delta, radius: attack.radius(victim, inputs: victimInputs))
        return measureUniversal(
            victim, perturbation: Array(delta), inputs: victimInputs, labels: labels, attack: attack, queries: 0,
            repeats: repeats, seed: seed)
    }

    /// Projects onto the L2 ball unless the row is inside it up to `Float` rounding (a surrogate
    /// perturbation already at the same radius is kept bit for bit).
    fileprivate static func projectOntoBudget(_ row: inout ArraySlice<Float>, radius: Float) {
        if AttackNorm.l2.norm(row) > radius * (1 + 1e-5) { AttackNorm.l2.project(&row, radius: radius) }
    }

    fileprivate static func checkSymbols<V: DifferentiableTaskModel, S: DifferentiableTaskModel>(
        _ victim: V, _ surrogate: S, _ victimInputs: Tensor<Float>, _ surrogateInputs: Tensor<Float>
    ) throws(RobustnessError) {
        guard victim.symbolWidth == surrogate.symbolWidth, victimInputs.shape[0] == surrogateInputs.shape[0] else {
            throw RobustnessError(
                code: .invalidData,
                message: "transfer: the victim sends \(victim.symbolWidth) reals per example and the surrogate \(surrogate.symbolWidth) (or the example counts \(victimInputs.shape[0]) and \(surrogateInputs.shape[0]) differ); a symbol perturbation cannot carry over")
        }
    }
}

extension InputAttack {
    /// FGSM or PGD crafted on `surrogate`, applied to `victim` (see
    /// ``AttackEvaluation/measureTransfer(victim:surrogate:victimInputs:surrogateInputs:labels:attack:repeats:seed:)``).
    public func measureTransfer<V: DifferentiableTaskModel, S: DifferentiableTaskModel>(
        victim: V, surrogate: S, victimInputs: Tensor<Float>, surrogateInputs: Tensor<Float>, labels: [Int],
        repeats: Int, seed: UInt64
    ) throws(RobustnessError) -> AttackMeasurement {
        let target = victim.inputDomain
        let source = surrogate.inputDomain
        guard victimInputs.shape == surrogateInputs.shape, target.width == source.width,
            victimInputs.rank == 2, victimInputs.shape[1] == target.width
        else {
            throw RobustnessError(
                code: .invalidData,
                message: "transfer: victim inputs \(victimInputs.shape) (width \(target.width)) and surrogate inputs \(surrogateInputs.shape) (width \(source.width)) differ")
        }
        let width = target.width
        return AttackEvaluation.measureRepeated(
            victim, inputs: victimInputs, labels: labels, name: method.rawValue, budget: Double(budget),
            steps: steps, queriesPerExample: 0, repeats: repeats, seed: seed
        ) { rng, _ in
            let (crafted, delta) = perturb(surrogate, inputs: surrogateInputs, labels: labels, using: &rng)
            var adversarial = victimInputs
            for i in 0..<adversarial.scalars.count {
                let c = i % width
                let x = victimInputs.scalars[i]
                if surrogateInputs.scalars[i] == x && source.scale[c] == target.scale[c] {
                    adversarial.scalars[i] = crafted.scalars[i]
                } else if delta.scalars[i] != 0 && target.isAttackable[c] {
                    adversarial.scalars[i] = Swift.min(
                        Swift.max(x + delta.scalars[i] / target.scale[c], target.lower[c]), target.upper[c])
                }
            }
            let sizes = (0..<labels.count).map { r in
                Double(norm.norm((0..<width).map {
                    (adversarial.scalars[r * width + $0] - victimInputs.scalars[r * width + $0]) * target.scale[$0]
                }[...]))
            }
            return (adversarial, nil, sizes)
        }
    }
}

extension SymbolAttack {
    /// Symbol PGD crafted on `surrogate`, added to `victim`'s symbols (projected onto the victim's
    /// budget; see
    /// ``AttackEvaluation/measureTransfer(victim:surrogate:victimInputs:surrogateInputs:labels:attack:repeats:seed:)``).
    public func measureTransfer<V: DifferentiableTaskModel, S: DifferentiableTaskModel>(
        victim: V, surrogate: S, victimInputs: Tensor<Float>, surrogateInputs: Tensor<Float>, labels: [Int],
        repeats: Int, seed: UInt64
    ) throws(RobustnessError) -> AttackMeasurement {
        try AttackEvaluation.checkSymbols(victim, surrogate, victimInputs, surrogateInputs)
        let width = victim.symbolWidth
        let symbols = victim.symbols(for: victimInputs)
        let radii = (0..<labels.count).map { budget.radius(of: symbols, row: $0) }
        return AttackEvaluation.measureRepeated(
            victim, inputs: victimInputs, labels: labels, name: "symbol-pgd",
            budget: budget.signalToPerturbationDecibels, steps: steps, queriesPerExample: 0,
            repeats: repeats, seed: seed
        ) { rng, r in
            var delta = perturbation(
                surrogate, inputs: surrogateInputs, labels: labels,
                channelNoise: AttackEvaluation.evaluationNoise(seed: seed, repeat: r), using: &rng)
            for row in 0..<labels.count {
                var slice = delta.scalars[(row * width)..<((row + 1) * width)]
                AttackEvaluation.projectOntoBudget(&slice, radius: radii[row])
                delta.scalars.replaceSubrange((row * width)..<((row + 1) * width), with: slice)
            }
            return (victimInputs, delta, AttackEvaluation.rowNorms(delta))
        }
    }
}
