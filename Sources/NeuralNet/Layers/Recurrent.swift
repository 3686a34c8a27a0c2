import RealModule
import TensorCore

/// A gated recurrent unit layer (Cho et al. 2014, "Learning phrase representations using RNN
/// encoder–decoder for statistical machine translation"), unrolled over the time axis.
///
/// This is **PyTorch's variant** (`torch.nn.GRU`), in which the reset gate multiplies the
/// hidden projection *after* its bias (Cho et al. apply `r` to `h` before the product):
///
/// ```
/// r = σ(x·W_ir + b_ir + h·W_hr + b_hr)
/// z = σ(x·W_iz + b_iz + h·W_hz + b_hz)
/// n = tanh(x·W_in + b_in + r ⊙ (h·W_hn + b_hn))
/// h' = (1 − z) ⊙ n + z ⊙ h
/// ```
///
/// with `σ` the logistic function, `⊙` the element-wise product and `h₀ = 0`. Gradients use
/// full backpropagation through time (Werbos 1990) over the whole sequence.
///
/// - Shapes: input `[batch, time, inputSize]` → output `[batch, time, hiddenSize]` (every
///   hidden state `h₁…h_T`) when ``returnsSequences`` is `true`, or `[batch, hiddenSize]`
///   (the last state `h_T`) when it is `false`.
/// - Parameters, in order:
///   1. `inputWeight` `[inputSize, 3·hiddenSize]`: columns `[W_ir | W_iz | W_in]`;
///   2. `hiddenWeight` `[hiddenSize, 3·hiddenSize]`: columns `[W_hr | W_hz | W_hn]`;
///   3. `inputBias` `[3·hiddenSize]`: `[b_ir | b_iz | b_in]`;
///   4. `hiddenBias` `[3·hiddenSize]`: `[b_hr | b_hz | b_hn]`.
///
///   (PyTorch stores the transposes, `weight_ih_l0` `[3·hiddenSize, inputSize]`, with the
///   same gate order.)
/// - Initialization: every entry `U(−1/√hiddenSize, 1/√hiddenSize)`, as PyTorch.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let gru = GRU<Float>(inputSize: 6, hiddenSize: 16, using: &rng)
/// let states = gru(x)   // x: [batch, 50, 6] → [batch, 50, 16]
/// ```
public struct GRU<Scalar: TensorScalar>: Layer {
    /// Input projections `[inputSize, 3·hiddenSize]` (gates r, z, n).
    public var inputWeight: Tensor<Scalar>
    /// Hidden projections `[hiddenSize, 3·hiddenSize]` (gates r, z, n).
    public var hiddenWeight: Tensor<Scalar>
    /// Input-side biases `[3·hiddenSize]`.
    public var inputBias: Tensor<Scalar>
    /// Hidden-side biases `[3·hiddenSize]` (`b_hn` sits inside the reset gate's product).
    public var hiddenBias: Tensor<Scalar>
    /// Whether the output holds every hidden state (`[batch, time, hiddenSize]`) or only the last (`[batch, hiddenSize]`).
    public let returnsSequences: Bool

    /// Features per input step.
    public var inputSize: Int { inputWeight.shape[0] }
    /// Length of the hidden state.
    public var hiddenSize: Int { hiddenWeight.shape[0] }

    /// `[inputWeight, hiddenWeight, inputBias, hiddenBias]`.
    public var parameters: [Tensor<Scalar>] {
        get { [inputWeight, hiddenWeight, inputBias, hiddenBias] }
        set {
            let expected = [inputWeight.shape, hiddenWeight.shape, inputBias.shape, hiddenBias.shape]
            precondition(
                newValue.map(\.shape) == expected, "GRU parameters must have shapes \(expected), got \(newValue.map(\.shape))")
            inputWeight = newValue[0]
            hiddenWeight = newValue[1]
            inputBias = newValue[2]
            hiddenBias = newValue[3]
        }
    }

    /// Creates a GRU from given weights (see the type's documentation for layouts).
    ///
    /// - Precondition: `inputWeight` `[inputSize, 3H]`, `hiddenWeight` `[H, 3H]`, biases `[3H]`, sizes positive.
    public init(
        inputWeight: Tensor<Scalar>, hiddenWeight: Tensor<Scalar>, inputBias: Tensor<Scalar>,
        hiddenBias: Tensor<Scalar>, returnsSequences: Bool = true
    ) {
        precondition(
            hiddenWeight.rank == 2 && hiddenWeight.shape[0] > 0 && hiddenWeight.shape[1] == 3 * hiddenWeight.shape[0],
            "GRU hiddenWeight must be [hiddenSize, 3·hiddenSize], got \(hiddenWeight.shape)")
        let gates = hiddenWeight.shape[1]
        precondition(
            inputWeight.rank == 2 && inputWeight.shape[0] > 0 && inputWeight.shape[1] == gates,
            "GRU inputWeight must be [inputSize, \(gates)], got \(inputWeight.shape)")
        precondition(
            inputBias.shape == [gates] && hiddenBias.shape == [gates],
            "GRU biases must be [\(gates)], got \(inputBias.shape) and \(hiddenBias.shape)")
        self.inputWeight = inputWeight
        self.hiddenWeight = hiddenWeight
        self.inputBias = inputBias
        self.hiddenBias = hiddenBias
        self.returnsSequences = returnsSequences
    }

    /// Creates a GRU with PyTorch's initialization, `U(−1/√hiddenSize, 1/√hiddenSize)`.
    ///
    /// - Parameters:
    ///   - inputSize: features per input step (> 0).
    ///   - hiddenSize: length of the hidden state (> 0).
    ///   - returnsSequences: output every state (`true`, default) or only the last.
    ///   - rng: the generator, drawn in parameter order.
    public init<G: RandomNumberGenerator>(
        inputSize: Int, hiddenSize: Int, returnsSequences: Bool = true, using rng: inout G
    ) {
        precondition(
            inputSize > 0 && hiddenSize > 0, "GRU needs positive sizes, got inputSize \(inputSize), hiddenSize \(hiddenSize)")
        let bound = 1 / Scalar.sqrt(Scalar(hiddenSize))
        let range = -bound..<bound
        let wi = Tensor<Scalar>.uniform(shape: [inputSize, 3 * hiddenSize], in: range, using: &rng)
        let wh = Tensor<Scalar>.uniform(shape: [hiddenSize, 3 * hiddenSize], in: range, using: &rng)
        let bi = Tensor<Scalar>.uniform(shape: [3 * hiddenSize], in: range, using: &rng)
        let bh = Tensor<Scalar>.uniform(shape: [3 * hiddenSize], in: range, using: &rng)
        self.init(inputWeight: wi, hiddenWeight: wh, inputBias: bi, hiddenBias: bh, returnsSequences: returnsSequences)
    }

    /// Everything the backward pass needs, all time-major (row `t·batch + b`).
    fileprivate struct Trace: Sendable {
        var batch: Int
        var time: Int
        /// The input, time-major `[time·batch, inputSize]`.
        var input: Tensor<Scalar>
        /// `h₀ … h_T`, `[(time + 1)·batch, hiddenSize]`.
        var states: [Scalar]
        /// `h·W_h + b_h` per step, `[time·batch, 3·hiddenSize]`.
        var hiddenProjections: [Scalar]
        /// Gate activations r, z, n, each `[time·batch, hiddenSize]`.
        var reset: [Scalar]
        var update: [Scalar]
        var candidate: [Scalar]
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func run(_ input: Tensor<Scalar>) -> (output: Tensor<Scalar>, trace: Trace) {
        precondition(
            input.rank == 3 && input.shape[2] == inputSize,
            "GRU expects input [batch, time, \(inputSize)], got \(input.shape)")
        let batch = input.shape[0]
        let time = input.shape[1]
        let h = hiddenSize
        let g3 = 3 * h
        let steps = time * batch
        let xTimeMajor = Tensor(
            shape: [steps, inputSize], scalars: gruSwapLeadingAxes(input.scalars, batch, time, inputSize))
        var inputProjections = xTimeMajor.matmul(inputWeight)
        inputProjections.addRow(inputBias)

        var states = [Scalar](repeating: 0, count: (time + 1) * batch * h)
        var hiddenProjections = [Scalar](repeating: 0, count: steps * g3)
        var reset = [Scalar](repeating: 0, count: steps * h)
        var update = [Scalar](repeating: 0, count: steps * h)
        var candidate = [Scalar](repeating: 0, count: steps * h)
        if steps > 0 {
            states.withUnsafeMutableBufferPointer { hs in
                hiddenProjections.withUnsafeMutableBufferPointer { gh in
                    inputProjections.scalars.withUnsafeBufferPointer { gi in
                        hiddenWeight.scalars.withUnsafeBufferPointer { wh in
                            hiddenBias.scalars.withUnsafeBufferPointer { bh in
                                // All buffers are non-empty here (steps > 0, sizes positive).
                                for t in 0..<time {
                                    let ghStep = gh.baseAddress! + t * batch * g3
                                    for b in 0..<batch {
                                        for j in 0..<g3 { ghStep[b * g3 + j] = bh[j] }
                                    }
                                    Scalar.gemm(
                                        transposeA: false, transposeB: false, m: batch, n: g3, k: h, alpha: 1,
                                        a: hs.baseAddress! + t * batch * h, lda: h, b: wh.baseAddress!, ldb: g3,
                                        beta: 1, c: ghStep, ldc: g3)
                                    for b in 0..<batch {
                                        let row = t * batch + b
                                        let p = row * g3
                                        let q = row * h
                                        let previous = t * batch * h + b * h
                                        let next = (t + 1) * batch * h + b * h
                                        for j in 0..<h {
                                            let r = gruLogistic(gi[p + j] + gh[p + j])
                                            let z = gruLogistic(gi[p + h + j] + gh[p + h + j])
                                            let n = Scalar.tanh(gi[p + 2 * h + j] + r * gh[p + 2 * h + j])
                                            reset[q + j] = r
                                            update[q + j] = z
                                            candidate[q + j] = n
                                            hs[next + j] = (1 - z) * n + z * hs[previous + j]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let output: Tensor<Scalar>
        if returnsSequences {
            let all = Array(states[(batch * h)...])
            output = Tensor(shape: [batch, time, h], scalars: gruSwapLeadingAxes(all, time, batch, h))
        } else {
            output = Tensor(shape: [batch, h], scalars: Array(states[(time * batch * h)...]))
        }
        let trace = Trace(
            batch: batch, time: time, input: xTimeMajor, states: states, hiddenProjections: hiddenProjections,
            reset: reset, update: update, candidate: candidate)
        return (output, trace)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func backward(_ gradient: Tensor<Scalar>, _ trace: Trace) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>]) {
        let batch = trace.batch
        let time = trace.time
        let h = hiddenSize
        let g3 = 3 * h
        let steps = time * batch
        // ∂L/∂h_t from the output, time-major [time·batch, h].
        var outputGradient = [Scalar](repeating: 0, count: steps * h)
        if returnsSequences {
            precondition(
                gradient.shape == [batch, time, h], "GRU pullback expects [\(batch), \(time), \(h)], got \(gradient.shape)")
            outputGradient = gruSwapLeadingAxes(gradient.scalars, batch, time, h)
        } else {
            precondition(gradient.shape == [batch, h], "GRU pullback expects [\(batch), \(h)], got \(gradient.shape)")
            if steps > 0 {
                outputGradient.replaceSubrange(((time - 1) * batch * h)..<(steps * h), with: gradient.scalars)
            }
        }
        var dInputProjections = [Scalar](repeating: 0, count: steps * g3)
        var dHiddenProjections = [Scalar](repeating: 0, count: steps * g3)
        var dh = [Scalar](repeating: 0, count: batch * h)
        var dPrevious = [Scalar](repeating: 0, count: batch * h)
        if steps > 0 {
            dInputProjections.withUnsafeMutableBufferPointer { dgi in
                dHiddenProjections.withUnsafeMutableBufferPointer { dgh in
                    dh.withUnsafeMutableBufferPointer { dhb in
                        dPrevious.withUnsafeMutableBufferPointer { dp in
                            trace.states.withUnsafeBufferPointer { hs in
                                trace.hiddenProjections.withUnsafeBufferPointer { gh in
                                    hiddenWeight.scalars.withUnsafeBufferPointer { wh in
                                        for t in stride(from: time - 1, through: 0, by: -1) {
                                            for b in 0..<batch {
                                                let row = t * batch + b
                                                let p = row * g3
                                                let q = row * h
                                                let previous = t * batch * h + b * h
                                                for j in 0..<h {
                                                    let d = dhb[b * h + j] + outputGradient[q + j]
                                                    let r = trace.reset[q + j]
                                                    let z = trace.update[q + j]
                                                    let n = trace.candidate[q + j]
                                                    let dn = d * (1 - z)
                                                    let dz = d * (hs[previous + j] - n)
                                                    let dnPre = dn * (1 - n * n)
                                                    let dr = dnPre * gh[p + 2 * h + j]
                                                    let drPre = dr * r * (1 - r)
                                                    let dzPre = dz * z * (1 - z)
                                                    dgi[p + j] = drPre
                                                    dgi[p + h + j] = dzPre
                                                    dgi[p + 2 * h + j] = dnPre
                                                    dgh[p + j] = drPre
                                                    dgh[p + h + j] = dzPre
                                                    dgh[p + 2 * h + j] = dnPre * r
                                                    dp[b * h + j] = d * z
                                                }
                                            }
                                            // ∂L/∂h_{t−1} = d·z + (∂L/∂(h·W_h))·W_hᵀ. Buffers are
                                            // non-empty (steps > 0), so base addresses exist.
                                            Scalar.gemm(
                                                transposeA: false, transposeB: true, m: batch, n: h, k: g3, alpha: 1,
                                                a: dgh.baseAddress! + t * batch * g3, lda: g3, b: wh.baseAddress!,
                                                ldb: g3, beta: 1, c: dp.baseAddress!, ldc: h)
                                            for i in 0..<(batch * h) { dhb[i] = dp[i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let dGi = Tensor(shape: [steps, g3], scalars: dInputProjections)
        let dGh = Tensor(shape: [steps, g3], scalars: dHiddenProjections)
        let previousStates = Tensor(shape: [steps, h], scalars: Array(trace.states[0..<(steps * h)]))
        let dHiddenWeight = previousStates.matmul(dGh, transposeSelf: true)
        let dInputWeight = trace.input.matmul(dGi, transposeSelf: true)
        let dInputBias = dGi.sum(alongAxis: 0)
        let dHiddenBias = dGh.sum(alongAxis: 0)
        let dxTimeMajor = dGi.matmul(inputWeight, transposeOther: true)
        let dx = Tensor(
            shape: [batch, time, inputSize], scalars: gruSwapLeadingAxes(dxTimeMajor.scalars, time, batch, inputSize))
        return (dx, [dInputWeight, dHiddenWeight, dInputBias, dHiddenBias])
    }

    /// Runs the recurrence and returns the pullback (backpropagation through time).
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - training: unused (same behaviour in both modes).
    ///   - rng: unused.
    /// - Returns: `[batch, time, hiddenSize]` (or `[batch, hiddenSize]`) and a pullback giving
    ///   `∂L/∂input` `[batch, time, inputSize]` and the four parameter gradients in order.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let (output, trace) = run(input)
        let layer = self
        return (output, { gradient in layer.backward(gradient, trace) })
    }

    /// Inference: every hidden state `[batch, time, hiddenSize]`, or the last `[batch, hiddenSize]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        run(input).output
    }
}

/// The logistic function `1 / (1 + e^{−x})`, evaluated without overflow for either sign.
@inline(__always)
fileprivate func gruLogistic<Scalar: TensorScalar>(_ x: Scalar) -> Scalar {
    if x >= 0 {
        return 1 / (1 + Scalar.exp(-x))
    }
    let e = Scalar.exp(x)
    return e / (1 + e)
}

/// Reorders `[outer, middle, inner]` row-major data into `[middle, outer, inner]`.
fileprivate func gruSwapLeadingAxes<Scalar: TensorScalar>(
    _ data: [Scalar], _ outer: Int, _ middle: Int, _ inner: Int
) -> [Scalar] {
    var out = [Scalar](repeating: 0, count: data.count)
    for a in 0..<outer {
        for m in 0..<middle {
            let src = (a * middle + m) * inner
            let dst = (m * outer + a) * inner
            for i in 0..<inner { out[dst + i] = data[src + i] }
        }
    }
    return out
}
