import RealModule
import TensorCore

/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017, "Attention is all you need", §3.2).
///
/// For input `X` of shape `[batch, time, modelSize]`, with `H = headCount` heads of size
/// `d = modelSize / H`:
///
/// ```
/// Q = X·W_q + b_q,  K = X·W_k + b_k,  V = X·W_v + b_v          (each [batch, time, modelSize])
/// head_h = softmax(Q_h·K_hᵀ / √d + mask) · V_h                   (Q_h: columns h·d ..< (h+1)·d)
/// Y = concat(head_1, …, head_H) · W_o + b_o
/// ```
///
/// With ``isCausal`` the mask is `−∞` above the diagonal, so step `i` attends only to steps
/// `j ≤ i` and no output depends on a later input (the decoder mask of the paper). The
/// softmax is computed stably (row maximum subtracted). Gradients flow through all four
/// projections and the softmax (full backpropagation).
///
/// - Shapes: input `[batch, time, modelSize]` → output `[batch, time, modelSize]`.
/// - Parameters, in order: `queryWeight` `[modelSize, modelSize]`, `queryBias` `[modelSize]`,
///   `keyWeight`, `keyBias`, `valueWeight`, `valueBias`, `outputWeight`, `outputBias`
///   (weights act on the right: `X·W`, rows index input features).
/// - Initialization: weights Glorot/Xavier-uniform `U(±√(6 / (2·modelSize)))` (Glorot & Bengio
///   2010), biases zero, as PyTorch's `nn.MultiheadAttention`.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let attention = MultiHeadAttention<Float>(modelSize: 32, headCount: 4, isCausal: true, using: &rng)
/// let y = attention(x)   // x: [batch, time, 32] → y: [batch, time, 32]
/// ```
public struct MultiHeadAttention<Scalar: TensorScalar>: Layer {
    /// Query projection `[modelSize, modelSize]`.
    public var queryWeight: Tensor<Scalar>
    /// Query bias `[modelSize]`.
    public var queryBias: Tensor<Scalar>
    /// Key projection `[modelSize, modelSize]`.
    public var keyWeight: Tensor<Scalar>
    /// Key bias `[modelSize]`.
    public var keyBias: Tensor<Scalar>
    /// Value projection `[modelSize, modelSize]`.
    public var valueWeight: Tensor<Scalar>
    /// Value bias `[modelSize]`.
    public var valueBias: Tensor<Scalar>
    /// Output projection `[modelSize, modelSize]`.
    public var outputWeight: Tensor<Scalar>
    /// Output bias `[modelSize]`.
    public var outputBias: Tensor<Scalar>
    /// Number of heads `H` (divides ``modelSize``).
    public let headCount: Int
    /// Whether step `i` may attend only to steps `j ≤ i`.
    public let isCausal: Bool

    /// Features per time step.
    public var modelSize: Int { queryWeight.shape[0] }
    /// Features per head, `modelSize / headCount`.
    public var headSize: Int { modelSize / headCount }

    /// `[queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias, outputWeight, outputBias]`.
    public var parameters: [Tensor<Scalar>] {
        get { [queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias, outputWeight, outputBias] }
        set {
            let m = modelSize
            let expected = [[m, m], [m], [m, m], [m], [m, m], [m], [m, m], [m]]
            precondition(
                newValue.map(\.shape) == expected,
                "MultiHeadAttention parameters must have shapes \(expected), got \(newValue.map(\.shape))")
            queryWeight = newValue[0]
            queryBias = newValue[1]
            keyWeight = newValue[2]
            keyBias = newValue[3]
            valueWeight = newValue[4]
            valueBias = newValue[5]
            outputWeight = newValue[6]
            outputBias = newValue[7]
        }
    }

    /// Creates an attention layer from a parameter list in ``parameters`` order.
    ///
    /// - Parameters:
    ///   - parameters: eight tensors, `[modelSize, modelSize]` weights and `[modelSize]` biases.
    ///   - headCount: number of heads; must divide `modelSize`.
    ///   - isCausal: apply the causal (look-back only) mask.
    public init(parameters: [Tensor<Scalar>], headCount: Int, isCausal: Bool = false) {
        precondition(parameters.count == 8, "MultiHeadAttention needs 8 parameters, got \(parameters.count)")
        let m = parameters[0].shape.first ?? 0
        precondition(m > 0, "MultiHeadAttention modelSize must be > 0, got shape \(parameters[0].shape)")
        precondition(
            headCount > 0 && m % headCount == 0, "headCount \(headCount) must be positive and divide modelSize \(m)")
        let expected = [[m, m], [m], [m, m], [m], [m, m], [m], [m, m], [m]]
        precondition(
            parameters.map(\.shape) == expected,
            "MultiHeadAttention parameters must have shapes \(expected), got \(parameters.map(\.shape))")
        queryWeight = parameters[0]
        queryBias = parameters[1]
        keyWeight = parameters[2]
        keyBias = parameters[3]
        valueWeight = parameters[4]
        valueBias = parameters[5]
        outputWeight = parameters[6]
        outputBias = parameters[7]
        self.headCount = headCount
        self.isCausal = isCausal
    }

    /// Creates an attention layer with Xavier-uniform weights and zero biases.
    ///
    /// - Parameters:
    ///   - modelSize: features per step (> 0).
    ///   - headCount: number of heads; must divide `modelSize`.
    ///   - isCausal: apply the causal mask.
    ///   - rng: the generator (weights drawn in parameter order).
    public init<G: RandomNumberGenerator>(modelSize: Int, headCount: Int, isCausal: Bool = false, using rng: inout G) {
        precondition(modelSize > 0, "MultiHeadAttention modelSize must be > 0, got \(modelSize)")
        let bound = Scalar.sqrt(6 / Scalar(2 * modelSize))
        var list: [Tensor<Scalar>] = []
        for _ in 0..<4 {
            list.append(Tensor.uniform(shape: [modelSize, modelSize], in: -bound..<bound, using: &rng))
            list.append(Tensor(zeros: [modelSize]))
        }
        self.init(parameters: list, headCount: headCount, isCausal: isCausal)
    }

    /// Saved forward quantities, rows `b·time + t`.
    fileprivate struct Trace: Sendable {
        var batch: Int
        var time: Int
        var input: Tensor<Scalar>
        var queries: Tensor<Scalar>
        var keys: Tensor<Scalar>
        var values: Tensor<Scalar>
        /// Attention probabilities `[batch, headCount, time, time]`.
        var probabilities: [Scalar]
        /// Concatenated heads before the output projection, `[batch·time, modelSize]`.
        var heads: Tensor<Scalar>
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func run(_ input: Tensor<Scalar>) -> (output: Tensor<Scalar>, trace: Trace) {
        let m = modelSize
        precondition(
            input.rank == 3 && input.shape[2] == m, "MultiHeadAttention expects input [batch, time, \(m)], got \(input.shape)")
        let batch = input.shape[0]
        let time = input.shape[1]
        let rows = batch * time
        let x = input.reshaped([rows, m])
        var q = x.matmul(queryWeight)
        q.addRow(queryBias)
        var k = x.matmul(keyWeight)
        k.addRow(keyBias)
        var v = x.matmul(valueWeight)
        v.addRow(valueBias)
        let d = headSize
        let heads = headCount
        let scale = 1 / Scalar.sqrt(Scalar(d))
        let causal = isCausal
        var probabilities = [Scalar](repeating: 0, count: batch * heads * time * time)
        var concatenated = [Scalar](repeating: 0, count: rows * m)
        if rows > 0 {
            probabilities.withUnsafeMutableBufferPointer { p in
                concatenated.withUnsafeMutableBufferPointer { o in
                    q.scalars.withUnsafeBufferPointer { qb in
                        k.scalars.withUnsafeBufferPointer { kb in
                            v.scalars.withUnsafeBufferPointer { vb in
                                // rows > 0 and every extent positive, so all base addresses exist.
                                for b in 0..<batch {
                                    for hd in 0..<heads {
                                        let block = p.baseAddress! + (b * heads + hd) * time * time
                                        let offset = b * time * m + hd * d
                                        Scalar.gemm(
                                            transposeA: false, transposeB: true, m: time, n: time, k: d, alpha: scale,
                                            a: qb.baseAddress! + offset, lda: m, b: kb.baseAddress! + offset, ldb: m,
                                            beta: 0, c: block, ldc: time)
                                        for i in 0..<time {
                                            let row = block + i * time
                                            let visible = causal ? i + 1 : time
                                            var largest = row[0]
                                            for j in 1..<visible { largest = Swift.max(largest, row[j]) }
                                            var total: Scalar = 0
                                            for j in 0..<visible {
                                                let e = Scalar.exp(row[j] - largest)
                                                row[j] = e
                                                total += e
                                            }
                                            let inverse = 1 / total
                                            for j in 0..<visible { row[j] *= inverse }
                                            for j in visible..<time { row[j] = 0 }
                                        }
                                        Scalar.gemm(
                                            transposeA: false, transposeB: false, m: time, n: d, k: time, alpha: 1,
                                            a: block, lda: time, b: vb.baseAddress! + offset, ldb: m,
                                            beta: 0, c: o.baseAddress! + offset, ldc: m)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let headsTensor = Tensor(shape: [rows, m], scalars: concatenated)
        var y = headsTensor.matmul(outputWeight)
        y.addRow(outputBias)
        let trace = Trace(
            batch: batch, time: time, input: x, queries: q, keys: k, values: v, probabilities: probabilities,
            heads: headsTensor)
        return (y.reshaped([batch, time, m]), trace)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func backward(_ gradient: Tensor<Scalar>, _ trace: Trace) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>]) {
        let m = modelSize
        let batch = trace.batch
        let time = trace.time
        let rows = batch * time
        precondition(
            gradient.shape == [batch, time, m],
            "MultiHeadAttention pullback expects [\(batch), \(time), \(m)], got \(gradient.shape)")
        let dy = gradient.reshaped([rows, m])
        let dOutputWeight = trace.heads.matmul(dy, transposeSelf: true)
        let dOutputBias = dy.sum(alongAxis: 0)
        let dHeads = dy.matmul(outputWeight, transposeOther: true)
        let d = headSize
        let heads = headCount
        let scale = 1 / Scalar.sqrt(Scalar(d))
        var dq = [Scalar](repeating: 0, count: rows * m)
        var dk = [Scalar](repeating: 0, count: rows * m)
        var dv = [Scalar](repeating: 0, count: rows * m)
        var dScores = [Scalar](repeating: 0, count: time * time)
        if rows > 0 {
            dq.withUnsafeMutableBufferPointer { dqb in
                dk.withUnsafeMutableBufferPointer { dkb in
                    dv.withUnsafeMutableBufferPointer { dvb in
                        dScores.withUnsafeMutableBufferPointer { ds in
                            trace.probabilities.withUnsafeBufferPointer { p in
                                dHeads.scalars.withUnsafeBufferPointer { dob in
                                    trace.queries.scalars.withUnsafeBufferPointer { qb in
                                        trace.keys.scalars.withUnsafeBufferPointer { kb in
                                            trace.values.scalars.withUnsafeBufferPointer { vb in
                                                // rows > 0 and every extent positive, so all base addresses exist.
                                                for b in 0..<batch {
                                                    for hd in 0..<heads {
                                                        let block = p.baseAddress! + (b * heads + hd) * time * time
                                                        let offset = b * time * m + hd * d
                                                        // dP = dO_h · V_hᵀ
                                                        Scalar.gemm(
                                                            transposeA: false, transposeB: true, m: time, n: time, k: d,
                                                            alpha: 1, a: dob.baseAddress! + offset, lda: m,
                                                            b: vb.baseAddress! + offset, ldb: m,
                                                            beta: 0, c: ds.baseAddress!, ldc: time)
                                                        // dV_h = Pᵀ · dO_h
                                                        Scalar.gemm(
                                                            transposeA: true, transposeB: false, m: time, n: d, k: time,
                                                            alpha: 1, a: block, lda: time,
                                                            b: dob.baseAddress! + offset, ldb: m,
                                                            beta: 0, c: dvb.baseAddress! + offset, ldc: m)
                                                        // Softmax backward: dS = P ⊙ (dP − rowsum(P ⊙ dP)), times the 1/√d scale.
                                                        for i in 0..<time {
                                                            let pr = block + i * time
                                                            var inner: Scalar = 0
                                                            for j in 0..<time { inner += pr[j] * ds[i * time + j] }
                                                            for j in 0..<time {
                                                                ds[i * time + j] = scale * pr[j] * (ds[i * time + j] - inner)
                                                            }
                                                        }
                                                        // dQ_h = dS · K_h;  dK_h = dSᵀ · Q_h
                                                        Scalar.gemm(
                                                            transposeA: false, transposeB: false, m: time, n: d, k: time,
                                                            alpha: 1, a: ds.baseAddress!, lda: time,
                                                            b: kb.baseAddress! + offset, ldb: m,
                                                            beta: 0, c: dqb.baseAddress! + offset, ldc: m)
                                                        Scalar.gemm(
                                                            transposeA: true, transposeB: false, m: time, n: d, k: time,
                                                            alpha: 1, a: ds.baseAddress!, lda: time,
                                                            b: qb.baseAddress! + offset, ldb: m,
                                                            beta: 0, c: dkb.baseAddress! + offset, ldc: m)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let dQ = Tensor(shape: [rows, m], scalars: dq)
        let dK = Tensor(shape: [rows, m], scalars: dk)
        let dV = Tensor(shape: [rows, m], scalars: dv)
        let x = trace.input
        var dx = dQ.matmul(queryWeight, transposeOther: true)
        dx.accumulateProduct(dK, keyWeight, transposeB: true)
        dx.accumulateProduct(dV, valueWeight, transposeB: true)
        let gradients = [
            x.matmul(dQ, transposeSelf: true), dQ.sum(alongAxis: 0),
            x.matmul(dK, transposeSelf: true), dK.sum(alongAxis: 0),
            x.matmul(dV, transposeSelf: true), dV.sum(alongAxis: 0),
            dOutputWeight, dOutputBias,
        ]
        return (dx.reshaped([batch, time, m]), gradients)
    }

    /// Attends and returns the pullback.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, modelSize]`.
    ///   - training: unused (no attention dropout).
    ///   - rng: unused.
    /// - Returns: `[batch, time, modelSize]` and a pullback giving `∂L/∂input` and the eight
    ///   parameter gradients in ``parameters`` order.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let (output, trace) = run(input)
        let layer = self
        return (output, { gradient in layer.backward(gradient, trace) })
    }

    /// Inference: `[batch, time, modelSize]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        run(input).output
    }

    /// The attention probabilities `[batch, headCount, time, time]` for an input (row `i` of
    /// head `h` is the distribution over the steps that step `i` attends to).
    public func attentionWeights(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let trace = run(input).trace
        return Tensor(shape: [trace.batch, headCount, trace.time, trace.time], scalars: trace.probabilities)
    }
}

/// Adds the sinusoidal positional encoding of Vaswani et al. (2017, §3.5) to a sequence.
///
/// `PE[t, 2i] = sin(t / 10000^{2i/modelSize})`, `PE[t, 2i + 1] = cos(t / 10000^{2i/modelSize})`,
/// for step `t = 0, 1, …` and feature pair `i`; the output is `input + PE` (broadcast over the
/// batch). The encoding is computed in `Double` and rounded to `Scalar`. The layer has no
/// parameters and its input gradient is the output gradient unchanged.
///
/// - Shapes: input `[batch, time, modelSize]` → the same shape.
/// - Parameters: none.
public struct SinusoidalPositionalEncoding<Scalar: TensorScalar>: Layer {
    /// The base of the wavelengths' geometric progression (10000 in the paper).
    public let base: Double

    /// No trainable parameters; setting anything but `[]` traps.
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set { precondition(newValue.isEmpty, "SinusoidalPositionalEncoding has no parameters, got \(newValue.count)") }
    }

    /// Creates the encoding.
    /// - Parameter base: wavelength base (> 1; default 10000 as in the paper).
    public init(base: Double = 10000) {
        precondition(base > 1, "Positional-encoding base must be > 1, got \(base)")
        self.base = base
    }

    /// The `[time, modelSize]` encoding table.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func encoding(time: Int, modelSize: Int) -> Tensor<Scalar> {
        precondition(time >= 0 && modelSize > 0, "Positional encoding needs time ≥ 0 and modelSize > 0, got \(time), \(modelSize)")
        var table = [Scalar](repeating: 0, count: time * modelSize)
        for t in 0..<time {
            for f in 0..<modelSize {
                let pair = f / 2
                let angle = Double(t) / Double.pow(base, Double(2 * pair) / Double(modelSize))
                table[t * modelSize + f] = Scalar(f % 2 == 0 ? Double.sin(angle) : Double.cos(angle))
            }
        }
        return Tensor(shape: [time, modelSize], scalars: table)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func add(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(input.rank == 3, "SinusoidalPositionalEncoding expects [batch, time, modelSize], got \(input.shape)")
        let batch = input.shape[0]
        let time = input.shape[1]
        let m = input.shape[2]
        let pe = encoding(time: time, modelSize: m)
        var out = input
        for b in 0..<batch {
            for i in 0..<(time * m) { out.scalars[b * time * m + i] += pe.scalars[i] }
        }
        return out
    }

    /// Adds the encoding and returns the (identity) pullback.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, modelSize]`.
    ///   - training: unused.
    ///   - rng: unused.
    /// - Returns: `input + PE` and a pullback passing `∂L/∂output` through, with no parameter gradients.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let shape = input.shape
        return (
            add(input),
            { gradient in
                precondition(gradient.shape == shape, "Positional-encoding pullback expects \(shape), got \(gradient.shape)")
                return (gradient, [])
            }
        )
    }

    /// Inference: `input + PE`, `[batch, time, modelSize]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        add(input)
    }
}
