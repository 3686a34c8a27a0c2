import RealModule
import SemanticCodec
import TensorCore

/// The perturbation power budget of an attack on the channel symbols, as a signal-to-perturbation
/// ratio (SPR): per example, `‖δ‖² ≤ ‖x‖² · 10^(−SPR/10)`, where `x` are the example's transmitted
/// symbols (Sadeghi & Larsson, "Adversarial attacks on deep-learning based radio signal
/// classification", IEEE WCL 2019, state jamming budgets the same way). `+∞` dB is no perturbation.
public struct SymbolBudget: Sendable, Hashable {
    /// The signal-to-perturbation ratio in dB (finite, or +∞ for none).
    public var signalToPerturbationDecibels: Double

    /// Creates a budget.
    /// - Throws: ``RobustnessError`` `invalidBudget` for NaN or −∞.
    public init(signalToPerturbationDecibels: Double) throws(RobustnessError) {
        guard !signalToPerturbationDecibels.isNaN, signalToPerturbationDecibels != -.infinity else {
            throw RobustnessError(
                code: .invalidBudget,
                message: "signal-to-perturbation ratio must be a number of dB or inf, got \(signalToPerturbationDecibels)")
        }
        self.signalToPerturbationDecibels = signalToPerturbationDecibels
    }

    /// The perturbation-to-signal power ratio (linear).
    public var powerRatio: Float {
        signalToPerturbationDecibels == .infinity ? 0 : Float(Double.pow(10, -signalToPerturbationDecibels / 10))
    }

    /// The L2 radius per example for symbols `x` of row `r` of `[batch, 2·k]`.
    func radius(of symbols: Tensor<Float>, row r: Int) -> Float {
        let width = symbols.shape[1]
        let energy = symbols.scalars[(r * width)..<((r + 1) * width)].reduce(0) { $0 + $1 * $1 }
        return (energy * powerRatio).squareRoot()
    }
}

/// A per-input white-box attack on the transmitted symbols: PGD in L2 on the symbol perturbation
/// `δ` (added after power normalization, before the channel) under a ``SymbolBudget`` — an
/// adversarial jammer that knows each transmitted frame (Madry et al., ICLR 2018, applied to the
/// air interface as in Sadeghi & Larsson, IEEE WCL 2019). Random start uniform in the ball;
/// step `2.5·r/steps`; per example the iterate with the highest loss is kept, over all
/// ``restarts``.
///
/// The channel noise is added after the perturbation, so the attacker does not know it. Every
/// gradient averages ``channelSamples`` fresh channel realizations (expectation over
/// transformation, Athalye et al., ICML 2018). With ``knowsChannelNoise`` the attack is instead
/// handed the realization the link will use (an oracle stronger than any physical jammer: an upper
/// bound on what a per-input attack can do; see ``AttackEvaluation``).
public struct SymbolAttack: Sendable, Hashable {
    /// The power budget.
    public var budget: SymbolBudget
    /// PGD iterations (1 = a single normalized-gradient step, FGM).
    public var steps: Int
    /// Independent random starts; the strongest per example is kept.
    public var restarts: Int
    /// Channel realizations averaged per gradient (expectation over transformation).
    public var channelSamples: Int
    /// Whether the attack uses the evaluation's own channel realization (noise oracle).
    public var knowsChannelNoise: Bool

    /// Creates a symbol attack.
    /// - Parameters:
    ///   - budget: the power budget.
    ///   - steps: PGD iterations (default 10).
    ///   - restarts: random starts (default 1).
    ///   - channelSamples: channel realizations per gradient (default 1).
    ///   - knowsChannelNoise: attack at the evaluation's noise realization (default false).
    /// - Throws: ``RobustnessError`` `invalidSetting` unless `1 ≤ steps ≤ 100000`,
    ///   `1 ≤ restarts ≤ 1000` and `1 ≤ channelSamples ≤ 1000`.
    public init(
        budget: SymbolBudget, steps: Int = 10, restarts: Int = 1, channelSamples: Int = 1, knowsChannelNoise: Bool = false
    ) throws(RobustnessError) {
        guard steps >= 1 && steps <= 100_000 else {
            throw RobustnessError(code: .invalidSetting, message: "steps must be in 1…100000, got \(steps)")
        }
        guard restarts >= 1 && restarts <= 1000 else {
            throw RobustnessError(code: .invalidSetting, message: "restarts must be in 1…1000, got \(restarts)")
        }
        guard channelSamples >= 1 && channelSamples <= 1000 else {
            throw RobustnessError(
                code: .invalidSetting, message: "channel samples per gradient must be in 1…1000, got \(channelSamples)")
        }
        self.budget = budget
        self.steps = steps
        self.restarts = restarts
        self.channelSamples = channelSamples
        self.knowsChannelNoise = knowsChannelNoise
    }

    /// Gradient evaluations per example.
    public var queriesPerExample: Int { restarts * (steps + 1) * (knowsChannelNoise ? 1 : channelSamples) }

    /// Finds a symbol perturbation `[batch, 2·k]` for each input.
    /// - Parameters:
    ///   - model: the attacked link.
    ///   - inputs: `[batch, width]` (encoder units).
    ///   - labels: true labels.
    ///   - loss: the loss to ascend (default: the margin loss, ``marginLoss(labels:)``).
    ///   - channelNoise: with ``knowsChannelNoise``, the generator the link's channel will draw its
    ///     realization from (each gradient uses a copy of it); otherwise ignored.
    ///   - rng: random starts and (without the oracle) channel noise.
    public func perturbation<M: DifferentiableTaskModel, G: RandomNumberGenerator>(
        _ model: M, inputs: Tensor<Float>, labels: [Int],
        loss: ((Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>))? = nil, channelNoise: Xoshiro256? = nil,
        using rng: inout G
    ) -> Tensor<Float> {
        let batch = inputs.shape[0]
        let width = model.symbolWidth
        let symbols = model.symbols(for: inputs)
        let radii = (0..<batch).map { budget.radius(of: symbols, row: $0) }
        let objective = loss ?? marginLoss(labels: labels)
        var best = [Float](repeating: 0, count: batch * width)
        var bestLoss = [Float](repeating: -.infinity, count: batch)
        for _ in 0..<restarts {
            let start = (0..<batch).flatMap {
                AttackNorm.l2.randomPoint(
                    count: width, mask: Array(repeating: true, count: width), radius: radii[$0], using: &rng)
            }
            let run = symbolPGD(
                model, inputs: inputs, radii: radii, steps: steps, loss: objective, start: start,
                channelSamples: channelSamples, channelNoise: knowsChannelNoise ? channelNoise : nil, using: &rng)
            for r in 0..<batch where run.losses[r] > bestLoss[r] {
                bestLoss[r] = run.losses[r]
                best.replaceSubrange((r * width)..<((r + 1) * width), with: run.delta[(r * width)..<((r + 1) * width)])
            }
        }
        return Tensor(shape: [batch, width], scalars: best)
    }
}

/// PGD in L2 on a symbol offset with per-example radii; keeps each example's highest-loss iterate
/// (mean loss over `channelSamples` realizations, or at the fixed `channelNoise` realization).
func symbolPGD<M: DifferentiableTaskModel, G: RandomNumberGenerator>(
    _ model: M, inputs: Tensor<Float>, radii: [Float], steps: Int,
    loss: (Tensor<Float>) -> (values: [Float], gradient: Tensor<Float>), start: [Float], channelSamples: Int = 1,
    channelNoise: Xoshiro256? = nil, using rng: inout G
) -> (delta: [Float], losses: [Float]) {
    let batch = inputs.shape[0]
    let width = model.symbolWidth
    var delta = start
    var best = delta
    var bestLoss = [Float](repeating: -.infinity, count: batch)
    for step in 0...steps {
        let offset = Tensor(shape: [batch, width], scalars: delta)
        var losses = [Float](repeating: 0, count: batch)
        var gradient = Tensor<Float>(zeros: [batch, width])
        let samples = channelNoise == nil ? channelSamples : 1
        for _ in 0..<samples {
            let g: TaskGradients
            if var fixed = channelNoise {
                g = model.gradients(inputs: inputs, symbolOffset: offset, loss: loss, using: &fixed)
            } else {
                g = model.gradients(inputs: inputs, symbolOffset: offset, loss: loss, using: &rng)
            }
            for r in 0..<batch { losses[r] += g.losses[r] / Float(samples) }
            gradient += g.symbols
        }
        for r in 0..<batch where losses[r] > bestLoss[r] {
            bestLoss[r] = losses[r]
            best.replaceSubrange((r * width)..<((r + 1) * width), with: delta[(r * width)..<((r + 1) * width)])
        }
        if step == steps { break }
        for r in 0..<batch {
            let rows = (r * width)..<((r + 1) * width)
            let direction = AttackNorm.l2.ascentDirection(gradient.scalars[rows])
            var row = delta[rows]
            let stepSize = 2.5 * radii[r] / Float(steps)
            for (i, c) in row.indices.enumerated() { row[c] += stepSize * direction[i] }
            AttackNorm.l2.project(&row, radius: radii[r])
            delta.replaceSubrange(rows, with: row)
        }
    }
    return (best, bestLoss)
}

/// A universal adversarial perturbation of the channel symbols: one `δ` (`[2·k]`) added to every
/// transmitted frame, found by projected gradient ascent on the mean loss over a set of inputs
/// (the SGD formulation of Shafahi et al., "Universal adversarial training", AAAI 2020, of the
/// universal perturbations of Moosavi-Dezfooli et al., CVPR 2017; on the air interface: Sadeghi &
/// Larsson, IEEE WCL 2019). Its power is `10^(−SPR/10)` times the mean symbol energy per frame of
/// the fitting inputs. It is input-agnostic, so a jammer can transmit it without knowing the frame;
/// compare it with Gaussian noise of the same power (``gaussianPerturbation(like:count:using:)``).
public struct UniversalSymbolAttack: Sendable, Hashable {
    /// The power budget.
    public var budget: SymbolBudget
    /// Ascent iterations over the fitting set.
    public var steps: Int

    /// Creates a universal attack.
    /// - Throws: ``RobustnessError`` `invalidSetting` unless `1 ≤ steps ≤ 100000`.
    public init(budget: SymbolBudget, steps: Int = 50) throws(RobustnessError) {
        guard steps >= 1 && steps <= 100_000 else {
            throw RobustnessError(code: .invalidSetting, message: "steps must be in 1…100000, got \(steps)")
        }
        self.budget = budget
        self.steps = steps
    }

    /// The L2 radius for fitting inputs: `sqrt(mean ‖x‖² · 10^(−SPR/10))`.
    public func radius<M: DifferentiableTaskModel>(_ model: M, inputs: Tensor<Float>) -> Float {
        let symbols = model.symbols(for: inputs)
        let energy = symbols.squaredNorm() / Float(Swift.max(symbols.shape[0], 1))
        return (energy * budget.powerRatio).squareRoot()
    }

    /// Fits the universal perturbation `[2·k]` on `inputs` with `labels`.
    /// - Parameter rng: random start and channel noise.
    public func fit<M: DifferentiableTaskModel, G: RandomNumberGenerator>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], using rng: inout G
    ) -> [Float] {
        let batch = inputs.shape[0]
        let width = model.symbolWidth
        let radius = radius(model, inputs: inputs)
        let loss = crossEntropyLoss(labels: labels)
        var delta = AttackNorm.l2.randomPoint(
            count: width, mask: Array(repeating: true, count: width), radius: radius, using: &rng)
        var best = delta
        var bestLoss = -Float.infinity
        for step in 0...steps {
            let offset = Tensor(shape: [batch, width], scalars: (0..<batch).flatMap { _ in delta })
            let g = model.gradients(inputs: inputs, symbolOffset: offset, loss: loss, using: &rng)
            let meanLoss = g.losses.reduce(0, +) / Float(Swift.max(batch, 1))
            if meanLoss > bestLoss {
                bestLoss = meanLoss
                best = delta
            }
            if step == steps { break }
            let total = g.symbols.sum(alongAxis: 0).scalars
            let direction = AttackNorm.l2.ascentDirection(total[...])
            var row = delta[...]
            for i in row.indices { row[i] += 2.5 * radius / Float(steps) * direction[i] }
            AttackNorm.l2.project(&row, radius: radius)
            delta = Array(row)
        }
        return best
    }

    /// Gaussian noise of the same total power as a perturbation: i.i.d. `N(0, ‖δ‖²/(2k))` per real,
    /// `[count, 2·k]` — the jammer's baseline that knows nothing about the codec.
    public static func gaussianPerturbation<G: RandomNumberGenerator>(
        like delta: [Float], count: Int, using rng: inout G
    ) -> Tensor<Float> {
        let power = delta.reduce(0) { $0 + $1 * $1 } / Float(Swift.max(delta.count, 1))
        let sigma = power.squareRoot()
        return Tensor(
            shape: [count, delta.count],
            scalars: (0..<(count * delta.count)).map { _ in sigma * Float(rng.nextStandardGaussian()) })
    }
}
