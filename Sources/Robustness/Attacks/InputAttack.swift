import SemanticCodec
import TensorCore

/// A white-box attack on the input of a semantic link, in the input's physical units and inside
/// its valid box: FGSM (Goodfellow, Shlens & Szegedy, "Explaining and harnessing adversarial
/// examples", ICLR 2015) and PGD (Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards deep learning
/// models resistant to adversarial attacks", ICLR 2018), under the L∞ or L2 norm.
///
/// The perturbation `δ` lives in physical units (e.g. BCWD grades): column `c` of the encoder
/// input moves by `δ_c / scale_c` (``SemanticCodec/InputDomain``), the gradient in physical units
/// is `∂L/∂x_enc / scale_c`, and after every step the input is clamped into the box and `δ`
/// recomputed from the clamped input, so the adversarial input is always valid. Columns that are
/// not attackable never move.
///
/// - FGSM: one step of size ``stepSize`` (default: the budget) along the sign (L∞) or the unit
///   gradient (L2) from the clean input (or from a random start in the ball, as FGSM-AT uses:
///   Wong, Rice & Kolter, "Fast is better than free", ICLR 2020).
/// - PGD: ``steps`` projected steps of size ``stepSize`` (default `2.5·ε/steps`, Madry et al.),
///   from a uniform random start in the ball when ``randomStart``, best of ``restarts``; per example
///   the iterate with the highest loss is kept (the last iterate is evaluated too). The first
///   restart begins with a full FGSM step from the clean input instead of a random start (so PGD
///   keeps FGSM's point among its candidates); further restarts start at random.
///
/// With a noisy channel every gradient is taken through a fresh channel realization (expectation
/// over transformation). Differences from ART's `ProjectedGradientDescent`: budgets in physical
/// units with box constraints per column, the margin loss by default (``marginLoss(labels:)``;
/// adversarial training passes cross-entropy), and loss-based selection of the best iterate.
public struct InputAttack: Sendable, Hashable {
    /// The attack.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// Fast gradient (sign) method: one step.
        case fgsm
        /// Projected gradient descent: iterated steps with projection.
        case pgd
    }

    /// FGSM or PGD.
    public var method: Method
    /// The norm of the budget.
    public var norm: AttackNorm
    /// ε, the budget in the input's physical units (≥ 0).
    public var budget: Float
    /// Iterations (PGD; 1 for FGSM).
    public var steps: Int
    /// The step size in physical units.
    public var stepSize: Float
    /// Whether to start from a uniform random point of the ball.
    public var randomStart: Bool
    /// Independent random starts (PGD); the strongest per example is kept.
    public var restarts: Int
    /// Whether PGD's first restart begins with a full FGSM step from the clean input (the default
    /// of an evaluation attack; adversarial training asks for pure random starts, as Madry et al.).
    public var firstRestartFromFGSM: Bool

    /// Creates an input attack.
    /// - Parameters:
    ///   - method: FGSM or PGD.
    ///   - norm: L∞ (default) or L2.
    ///   - budget: ε in physical units, finite and ≥ 0.
    ///   - steps: PGD iterations (default 10; ignored for FGSM).
    ///   - stepSize: physical units per step (default: ε for FGSM, `2.5·ε/steps` for PGD).
    ///   - randomStart: start from a random point of the ball (default: PGD yes — except its first
    ///     restart, which begins with an FGSM step — FGSM no). Passing `true` gives PGD pure random starts.
    ///   - restarts: PGD restarts (default 1; the first starts with an FGSM step).
    /// - Throws: ``RobustnessError`` `invalidBudget` for a negative or non-finite budget,
    ///   `invalidSetting` for steps, step size or restarts out of range.
    public init(
        method: Method, norm: AttackNorm = .linf, budget: Float, steps: Int = 10, stepSize: Float? = nil,
        randomStart: Bool? = nil, restarts: Int = 1
    ) throws(RobustnessError) {
        try checkBudget(Double(budget), name: "\(method.rawValue) budget")
        guard steps >= 1 && steps <= 100_000 else {
            throw RobustnessError(code: .invalidSetting, message: "steps must be in 1…100000, got \(steps)")
        }
        guard restarts >= 1 && restarts <= 1000 else {
            throw RobustnessError(code: .invalidSetting, message: "restarts must be in 1…1000, got \(restarts)")
        }
        if let stepSize, !(stepSize.isFinite && stepSize >= 0) {
            throw RobustnessError(code: .invalidSetting, message: "step size must be finite and ≥ 0, got \(stepSize)")
        }
        self.method = method
        self.norm = norm
        self.budget = budget
        self.steps = method == .fgsm ? 1 : steps
        self.stepSize = stepSize ?? (method == .fgsm ? budget : 2.5 * budget / Float(steps))
        self.randomStart = randomStart ?? (method == .pgd)
        self.restarts = method == .fgsm ? 1 : restarts
        self.firstRestartFromFGSM = method == .pgd && randomStart == nil
    }

    /// Gradient evaluations per example of one ``perturb(_:inputs:labels:loss:using:)`` call.
    public var queriesPerExample: Int { method == .fgsm ? 1 : restarts * (steps + 1) }

    /// Finds adversarial inputs.
    /// - Parameters:
    ///   - model: the attacked link.
    ///   - inputs: clean inputs `[batch, width]`, encoder units, inside the box.
    ///   - labels: the true labels (or, for TRADES, ignored by a custom `loss`).
    ///   - loss: the loss to ascend (default: the margin loss with `labels`, ``marginLoss(labels:)``).
    ///   - rng: random starts and channel noise.
    /// - Returns: the adversarial inputs (encoder units, inside the box) and the physical
    ///   perturbation `[batch, width]` with `‖δ‖ ≤ ε` per row.
    public func perturb<M: DifferentiableTaskModel, G: RandomNumberGenerator>(
        _ model: M, inputs: Tensor<Float>, labels: [Int],
        loss: ((Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>))? = nil, using rng: inout G
    ) -> (adversarial: Tensor<Float>, perturbation: Tensor<Float>) {
        let domain = model.inputDomain
        precondition(
            inputs.rank == 2 && inputs.shape[1] == domain.width && inputs.shape[0] == labels.count,
            "InputAttack expects [\(labels.count), \(domain.width)] inputs, got \(inputs.shape)")
        let lossFunction = loss ?? marginLoss(labels: labels)
        let batch = inputs.shape[0]
        let width = domain.width
        var bestDelta = [Float](repeating: 0, count: batch * width)
        var bestLoss = [Float](repeating: -.infinity, count: batch)
        for restart in 0..<restarts {
            var delta = [Float](repeating: 0, count: batch * width)
            // PGD's first restart starts with a full FGSM step from the clean input, so that PGD is
            // never weaker than FGSM on the same channel realizations.
            let fgsmStart = firstRestartFromFGSM && restart == 0
            if randomStart && !fgsmStart {
                for r in 0..<batch {
                    let point = norm.randomPoint(count: width, mask: domain.isAttackable, radius: budget, using: &rng)
                    delta.replaceSubrange((r * width)..<((r + 1) * width), with: point)
                }
            }
            var adversarial = apply(delta: &delta, to: inputs, domain: domain)
            for step in 0...steps where method == .pgd || step < steps {
                let g = model.gradients(inputs: adversarial, symbolOffset: nil, loss: lossFunction, using: &rng)
                for r in 0..<batch where g.losses[r] > bestLoss[r] {
                    bestLoss[r] = g.losses[r]
                    bestDelta.replaceSubrange((r * width)..<((r + 1) * width), with: delta[(r * width)..<((r + 1) * width)])
                }
                if step == steps { break }
                for r in 0..<batch {
                    let rows = (r * width)..<((r + 1) * width)
                    var physical = [Float](repeating: 0, count: width)
                    for c in 0..<width where domain.isAttackable[c] {
                        physical[c] = g.input.scalars[r * width + c] / domain.scale[c]
                    }
                    let direction = norm.ascentDirection(physical[...])
                    var row = delta[rows]
                    let size = fgsmStart && step == 0 ? budget : stepSize
                    for (i, c) in row.indices.enumerated() { row[c] += size * direction[i] }
                    norm.project(&row, radius: budget)
                    delta.replaceSubrange(rows, with: row)
                }
                adversarial = apply(delta: &delta, to: inputs, domain: domain)
            }
            if method == .fgsm {
                // FGSM keeps its one step; the loss at the step is not re-evaluated.
                bestDelta = delta
            }
        }
        let adversarial = apply(delta: &bestDelta, to: inputs, domain: domain)
        return (adversarial, Tensor(shape: [batch, width], scalars: bestDelta))
    }

    /// `clamp(x + δ / scale)`, with `δ` replaced by the physical change that survives the clamp.
    private func apply(delta: inout [Float], to inputs: Tensor<Float>, domain: InputDomain) -> Tensor<Float> {
        let width = domain.width
        var y = inputs
        for i in 0..<y.scalars.count {
            let c = i % width
            guard domain.isAttackable[c] else {
                delta[i] = 0
                continue
            }
            let x = inputs.scalars[i]
            let moved = Swift.min(Swift.max(x + delta[i] / domain.scale[c], domain.lower[c]), domain.upper[c])
            y.scalars[i] = delta[i] == 0 ? x : moved
            delta[i] = (y.scalars[i] - x) * domain.scale[c]
        }
        return y
    }
}

/// Throws `invalidBudget` unless `budget` is finite and ≥ 0.
func checkBudget(_ budget: Double, name: String) throws(RobustnessError) {
    guard budget.isFinite && budget >= 0 else {
        throw RobustnessError(code: .invalidBudget, message: "\(name) must be finite and ≥ 0, got \(budget)")
    }
}
