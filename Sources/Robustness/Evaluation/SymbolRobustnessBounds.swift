import Channels
import NeuralNet
import SemanticCodec
import TensorCore

/// Bounds on the smallest perturbation of the channel symbols that changes a link's decision, at a
/// given channel realization — what decides whether *any* symbol attack under a power budget can
/// succeed, as opposed to how well one attack searches.
///
/// On an additive channel (`y = s + δ + n`, AWGN) the decoder sees `y₀ + δ` with `y₀ = s + n`, so
/// an example is robust to every perturbation with `‖δ‖ ≤ r` — even one chosen knowing the noise
/// `n` — exactly when the decoder's decision is constant on the L2 ball of radius `r` around `y₀`.
///
/// - Upper bound on the minimal perturbation (an attack): ``minimalPerturbation(_:inputs:labels:channelNoise:iterations:overshoot:)``,
///   DeepFool (Moosavi-Dezfooli, Fawzi & Frossard, "DeepFool: a simple and accurate method to fool
///   deep neural networks", CVPR 2016) on the margin `max_{j≠y} z_j − z_y`, at the realization,
///   followed by a bisection along the found direction.
/// - Lower bound (a certificate): ``certifiedMargin(decoder:received:label:radius:)`` bounds the
///   margin from below over the ball for a decoder `Dense → ReLU → Dense` (or one `Dense`) with
///   the linear relaxation of CROWN (Zhang, Weng, Chen, Hsieh & Daniel, "Efficient neural network
///   robustness certification with general activation functions", NeurIPS 2018): every unstable
///   ReLU is bounded above by its chord and below by `α·z` (`α ∈ {0, 1}`, the closer of the two),
///   the resulting affine bound is minimized over the ball in closed form. A positive bound proves
///   that no perturbation in the ball changes the decision; ``certifiedRadius(decoder:received:label:tolerance:)``
///   bisects for the largest radius it proves.
public enum SymbolRobustnessBounds {
    /// The decoder as `(W₁, b₁, W₂, b₂)` (hidden layer optional).
    struct Decoder {
        var hidden: (weight: Tensor<Float>, bias: Tensor<Float>)?
        var output: (weight: Tensor<Float>, bias: Tensor<Float>)
    }

    /// Reads a `Dense → ReLU → Dense` or `Dense` chain.
    static func decoder(_ network: Sequential<Float>) throws(RobustnessError) -> Decoder {
        let layers = network.layers
        if layers.count == 1, let dense = layers[0] as? Dense<Float> {
            return Decoder(hidden: nil, output: (dense.weight, dense.bias))
        }
        if layers.count == 3, let first = layers[0] as? Dense<Float>, layers[1] is ReLU<Float>,
            let last = layers[2] as? Dense<Float>
        {
            return Decoder(hidden: (first.weight, first.bias), output: (last.weight, last.bias))
        }
        throw RobustnessError(
            code: .unsupportedModel,
            message: "the symbol certificate needs a decoder Dense → ReLU → Dense or a single Dense; got \(layers.count) layers (\(layers.map { String(describing: type(of: $0)) }.joined(separator: ", ")))")
    }

    /// A lower bound of `min_{‖δ‖₂ ≤ radius} (z_label − max_{j≠label} z_j)(received + δ)` (CROWN).
    /// - Parameters:
    ///   - decoder: the decoder network, `[2·k] → [classes]` logits.
    ///   - received: the received symbols `y₀`, `2·k` reals.
    ///   - label: the class whose decision is certified.
    ///   - radius: the L2 radius of the ball (≥ 0).
    /// - Returns: positive when no perturbation in the ball changes the decision from `label`.
    /// - Throws: ``RobustnessError`` `unsupportedModel` for another architecture, `invalidData`
    ///   for a width or label that does not fit it.
    public static func certifiedMargin(
        decoder network: Sequential<Float>, received: [Float], label: Int, radius: Float
    ) throws(RobustnessError) -> Float {
        let d = try decoder(network)
        return try margin(d, received: received, label: label, radius: radius)
    }

    static func margin(_ d: Decoder, received y: [Float], label: Int, radius: Float) throws(RobustnessError) -> Float {
        let width = y.count
        let (w2, b2) = d.output
        let hiddenWidth = w2.shape[0]
        let classes = w2.shape[1]
        guard (d.hidden?.weight.shape[0] ?? hiddenWidth) == width, label >= 0, label < classes else {
            throw RobustnessError(
                code: .invalidData,
                message: "certificate: \(width) received reals and label \(label) do not fit a decoder of input width \(d.hidden?.weight.shape[0] ?? hiddenWidth) and \(classes) classes")
        }
        // The hidden layer's affine bound: h_i ≥ / ≤ a_i·z_i + c_i on the ball, per output sign.
        // Lower bounds α·z have no offset.
        var lowerSlope = [Float](repeating: 1, count: hiddenWidth)
        var upperSlope = [Float](repeating: 1, count: hiddenWidth)
        var upperOffset = [Float](repeating: 0, count: hiddenWidth)
        if let (w1, b1) = d.hidden {
            for i in 0..<hiddenWidth {
                var z = b1.scalars[i]
                var norm: Float = 0
                for c in 0..<width {
                    let w = w1.scalars[c * hiddenWidth + i]
                    z += w * y[c]
                    norm += w * w
                }
                let spread = radius * norm.squareRoot()
                let (l, u) = (z - spread, z + spread)
                if u <= 0 {
                    (lowerSlope[i], upperSlope[i]) = (0, 0)
                } else if l < 0 {
                    lowerSlope[i] = u > -l ? 1 : 0
                    upperSlope[i] = u / (u - l)
                    upperOffset[i] = -upperSlope[i] * l
                }
            }
        }
        var worst = Float.infinity
        for j in 0..<classes where j != label {
            // m(y) = Σ_i v_i h_i + (b2_label − b2_j), v_i = W2[i, label] − W2[i, j].
            var gradient = [Float](repeating: 0, count: width)
            var constant = b2.scalars[label] - b2.scalars[j]
            for i in 0..<hiddenWidth {
                let v = w2.scalars[i * classes + label] - w2.scalars[i * classes + j]
                let (slope, offset) = v >= 0 ? (lowerSlope[i], Float(0)) : (upperSlope[i], upperOffset[i])
                let coefficient = v * slope
                constant += v * offset
                if let (w1, b1) = d.hidden {
                    constant += coefficient * b1.scalars[i]
                    for c in 0..<width { gradient[c] += coefficient * w1.scalars[c * hiddenWidth + i] }
                } else {
                    gradient[i] += v
                }
            }
            var value = constant
            var norm: Float = 0
            for c in 0..<width {
                value += gradient[c] * y[c]
                norm += gradient[c] * gradient[c]
            }
            worst = Swift.min(worst, value - radius * norm.squareRoot())
        }
        return worst
    }

    /// The largest radius (within `tolerance`, up to `maximum`) at which ``certifiedMargin(decoder:received:label:radius:)``
    /// is positive: a lower bound of the smallest L2 perturbation that changes the decision from
    /// `label` at `received` (0 when the decision at `received` is not `label`).
    /// - Throws: as ``certifiedMargin(decoder:received:label:radius:)``.
    public static func certifiedRadius(
        decoder network: Sequential<Float>, received: [Float], label: Int, tolerance: Float = 1e-4, maximum: Float = 1e3
    ) throws(RobustnessError) -> Float {
        let d = try decoder(network)
        guard try margin(d, received: received, label: label, radius: 0) > 0 else { return 0 }
        var (proved, open) = (Float(0), maximum)
        if try margin(d, received: received, label: label, radius: maximum) > 0 { return maximum }
        while open - proved > tolerance {
            let middle = (proved + open) / 2
            if try margin(d, received: received, label: label, radius: middle) > 0 { proved = middle } else { open = middle }
        }
        return proved
    }

    /// Per example, the L2 norm of a symbol perturbation that changes the decision at the channel
    /// realization drawn from `channelNoise` (0 when the clean decision is already wrong, `+∞` when
    /// DeepFool finds none in `iterations`): an upper bound of the smallest such perturbation.
    /// - Parameters:
    ///   - model: the link.
    ///   - inputs: `[batch, width]`, encoder units.
    ///   - labels: true labels.
    ///   - channelNoise: the generator of the realization (every evaluation uses a copy).
    ///   - iterations: DeepFool iterations (default 50).
    ///   - overshoot: DeepFool's overshoot (default 0.02), removed afterwards by a bisection along
    ///     the perturbation's direction (20 halvings); the result is the bisection's adversarial end
    ///     scaled by 1.001, so that it crosses the boundary by more than `Float` rounding.
    /// - Returns: the perturbations `[batch, 2·k]` (zero rows where none was found), their norms,
    ///   and the model evaluations (batch passes) used.
    public static func minimalPerturbation<M: DifferentiableTaskModel>(
        _ model: M, inputs: Tensor<Float>, labels: [Int], channelNoise: Xoshiro256, iterations: Int = 50,
        overshoot: Float = 0.02
    ) -> (perturbation: Tensor<Float>, norms: [Float], evaluations: Int) {
        let batch = inputs.shape[0]
        let width = model.symbolWidth
        let loss = marginLoss(labels: labels)
        var evaluations = 0
        func margins(_ delta: [Float]) -> TaskGradients {
            evaluations += 1
            var noise = channelNoise
            return model.gradients(
                inputs: inputs, symbolOffset: Tensor(shape: [batch, width], scalars: delta), loss: loss, using: &noise)
        }
        var delta = [Float](repeating: 0, count: batch * width)
        var done = [Bool](repeating: false, count: batch)
        var found = [Bool](repeating: false, count: batch)
        for _ in 0...iterations {
            let g = margins(delta)
            var active = false
            for r in 0..<batch where !done[r] {
                if g.losses[r] > 0 {
                    (done[r], found[r]) = (true, true)
                    continue
                }
                let rows = (r * width)..<((r + 1) * width)
                let squared = g.symbols.scalars[rows].reduce(0) { $0 + $1 * $1 }
                guard squared > 0 else {
                    done[r] = true
                    continue
                }
                active = true
                let scale = (-g.losses[r] + 1e-6) / squared * (1 + overshoot)
                for c in rows { delta[c] += scale * g.symbols.scalars[c] }
            }
            if !active { break }
        }
        // Bisection of the scale s ∈ (0, 1] along each found perturbation.
        var low = [Float](repeating: 0, count: batch)
        var high = [Float](repeating: 1, count: batch)
        let clean = margins([Float](repeating: 0, count: batch * width))
        for r in 0..<batch where clean.losses[r] > 0 { (found[r], high[r]) = (true, 0) }
        for _ in 0..<20 {
            var scaled = delta
            for r in 0..<batch {
                let s = found[r] ? (low[r] + high[r]) / 2 : 0
                for c in (r * width)..<((r + 1) * width) { scaled[c] = s * delta[c] }
            }
            let g = margins(scaled)
            for r in 0..<batch where found[r] && high[r] > 0 {
                if g.losses[r] > 0 { high[r] = (low[r] + high[r]) / 2 } else { low[r] = (low[r] + high[r]) / 2 }
            }
        }
        var result = [Float](repeating: 0, count: batch * width)
        var norms = [Float](repeating: .infinity, count: batch)
        for r in 0..<batch where found[r] {
            let rows = (r * width)..<((r + 1) * width)
            for c in rows { result[c] = 1.001 * high[r] * delta[c] }
            norms[r] = AttackNorm.l2.norm(result[rows])
        }
        return (Tensor(shape: [batch, width], scalars: result), norms, evaluations)
    }
}

extension AttackEvaluation {
    /// What ``measureSymbolBounds(_:inputs:labels:budget:repeats:seed:)`` found.
    public struct SymbolBoundMeasurement: Sendable {
        /// DeepFool at the evaluation's channel realization, applied when its perturbation fits
        /// the budget (row `symbol-deepfool`): an attack that knows the noise.
        public var minimal: AttackMeasurement
        /// The certificate (row `symbol-certified`): an example counts as robust only when it is
        /// correct and CROWN proves its decision constant on the budget's ball — a lower bound of
        /// the robust accuracy under *any* perturbation within the budget, even one that knows the
        /// noise. Its ``AttackMeasurement/meanPerturbation`` is the mean certified radius.
        public var certified: AttackMeasurement
        /// Per example and repeat: the budget's L2 radius.
        public var budgetRadii: [Float]
        /// Per example and repeat: DeepFool's perturbation norm (upper bound of the minimal one;
        /// 0 when already wrong, `+∞` when none was found).
        public var minimalNorms: [Float]
        /// Per example and repeat: the certified radius for the true label (lower bound of the
        /// minimal perturbation; 0 when already wrong).
        public var certifiedRadii: [Float]
    }

    /// Upper and lower bounds on what a per-input symbol attack under `budget` can do, at the
    /// channel realizations of ``measure(_:inputs:labels:attack:repeats:seed:)`` (repeat `r`:
    /// `Xoshiro256(seed, stream: 12).fork(r)`), for a link with an additive channel (AWGN) and a
    /// `Dense → ReLU → Dense` decoder (see ``SymbolRobustnessBounds``).
    /// - Throws: ``RobustnessError`` `unsupportedModel` when the decoder is of another
    ///   architecture, or when the channel is not additive (checked: the decoder's logits at the
    ///   reconstructed received symbols, clean and perturbed, must match the link's).
    public static func measureSymbolBounds<E: SemanticEncoder, C: ChannelModel>(
        _ model: PipelineTaskModel<E, NetworkDecoder<Sequential<Float>>, C>, inputs: Tensor<Float>, labels: [Int],
        budget: SymbolBudget, repeats: Int = 1, seed: UInt64
    ) throws(RobustnessError) -> SymbolBoundMeasurement {
        precondition(repeats >= 1, "repeats must be ≥ 1, got \(repeats)")
        let network = model.pipeline.decoder.network
        let decoder = try SymbolRobustnessBounds.decoder(network)
        let batch = labels.count
        let width = model.symbolWidth
        let symbols = model.symbols(for: inputs)
        let radii = (0..<batch).map { budget.radius(of: symbols, row: $0) }
        var clean: [Int] = []
        var attacked: [Int] = []
        var certified: [Int] = []
        var applied: [Double] = []
        var evaluations = 0
        var out = SymbolBoundMeasurement(
            minimal: AttackMeasurement(
                attack: "", budget: 0, steps: 0, clean: [], adversarial: [], labels: [], perturbationSizes: [], queries: 0),
            certified: AttackMeasurement(
                attack: "", budget: 0, steps: 0, clean: [], adversarial: [], labels: [], perturbationSizes: [], queries: 0),
            budgetRadii: [], minimalNorms: [], certifiedRadii: [])
        for r in 0..<repeats {
            let noise = evaluationNoise(seed: seed, repeat: r)
            var channelDraw = noise
            let received = model.channel.forward(symbols, training: false, using: &channelDraw).output
            let found = SymbolRobustnessBounds.minimalPerturbation(model, inputs: inputs, labels: labels, channelNoise: noise)
            var offset = found.perturbation
            for row in 0..<batch where found.norms[row] > radii[row] {
                for c in (row * width)..<((row + 1) * width) { offset.scalars[c] = 0 }
            }
            let p = pairedPredictions(model, clean: inputs, adversarial: inputs, offset: offset, seed: seed, repeat: r)
            // The reconstruction of the received symbols must reproduce the link, clean and perturbed.
            for shift in [nil, offset] as [Tensor<Float>?] {
                var copy = noise
                let link = model.logits(inputs: inputs, symbolOffset: shift, using: &copy).scalars
                let local = network(shift.map { received + $0 } ?? received).scalars
                if zip(link, local).contains(where: { abs($0 - $1) > 1e-3 * Swift.max(1, abs($0)) }) {
                    throw RobustnessError(
                        code: .unsupportedModel,
                        message: "symbol bounds need an additive channel (y = s + δ + n, e.g. AWGN): the decoder's logits at s + δ + n differ from the link's")
                }
            }
            for row in 0..<batch {
                let y = Array(received.scalars[(row * width)..<((row + 1) * width)])
                let certifiedRadius = try SymbolRobustnessBounds.certifiedRadius(
                    decoder: network, received: y, label: labels[row])
                let proved = try SymbolRobustnessBounds.margin(decoder, received: y, label: labels[row], radius: radii[row]) > 0
                certified.append(proved ? labels[row] : -1)
                out.certifiedRadii.append(certifiedRadius)
                applied.append(Double(found.norms[row] <= radii[row] ? found.norms[row] : 0))
            }
            clean += p.clean
            attacked += p.adversarial
            evaluations += found.evaluations
            out.minimalNorms += found.norms
            out.budgetRadii += radii
        }
        let all = Array(repeating: labels, count: repeats).flatMap { $0 }
        let spr = budget.signalToPerturbationDecibels
        out.minimal = AttackMeasurement(
            attack: "symbol-deepfool", budget: spr, steps: 50, clean: clean, adversarial: attacked, labels: all,
            perturbationSizes: applied, queries: Double(evaluations * batch))
        out.certified = AttackMeasurement(
            attack: "symbol-certified", budget: spr, steps: 0, clean: clean, adversarial: certified, labels: all,
            perturbationSizes: out.certifiedRadii.map(Double.init), queries: 0)
        return out
    }
}
