import TensorCore

/// A fully connected (affine) layer: `y = x · W + b`.
///
/// - `W` (``weight``) is stored `[inputSize, outputSize]`, `b` (``bias``) is `[outputSize]`.
/// - Parameter order: `[W, b]`.
/// - Input `[batch, inputSize]`, output `[batch, outputSize]`. Inputs of rank > 2
///   (`[..., inputSize]`, e.g. `[batch, time, features]`) are treated as a stack of rows: the
///   leading axes are flattened, the product is taken and the leading axes are restored.
/// - Float batches of at most ``SmallDense/preferredMaximumRows`` rows (batch-1 inference) go
///   through TensorCore's ``SmallDense`` kernel (bias, product and a following ReLU in one pass,
///   no BLAS call); otherwise a single row goes through BLAS `gemv` and larger batches through
///   `gemm`, with the bias written first and the product accumulated onto it.
///
/// Backpropagation: `∂L/∂x = g · Wᵀ`, `∂L/∂W = xᵀ · g`, `∂L/∂b = Σ_rows g`.
/// Per-example gradients (``PerExampleDifferentiable``, as in Opacus's `grad_sample` for
/// `nn.Linear`): `∂ℓᵢ/∂W = xᵢᵀ · gᵢ` and `∂ℓᵢ/∂b = Σ_t gᵢ,t` (sums over the non-batch leading axes).
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let dense = Dense<Float>(inputSize: 64, outputSize: 256, initializer: .heUniform, using: &rng)
/// let y = dense(x)                       // x: [batch, 64] → y: [batch, 256]
/// ```
public struct Dense<Scalar: TensorScalar>: PerExampleDifferentiable {
    /// The weight matrix `W`, shape `[inputSize, outputSize]`.
    public private(set) var weight: Tensor<Scalar>
    /// The bias `b`, shape `[outputSize]`.
    public private(set) var bias: Tensor<Scalar>

    /// The number of input features (the last extent of the input).
    public var inputSize: Int { weight.shape[0] }
    /// The number of output features.
    public var outputSize: Int { weight.shape[1] }

    /// `[W, b]`. Setting checks the count and the shapes.
    public var parameters: [Tensor<Scalar>] {
        get { [weight, bias] }
        set {
            precondition(newValue.count == 2, "Dense has 2 parameters [W, b], got \(newValue.count)")
            precondition(
                newValue[0].shape == weight.shape && newValue[1].shape == bias.shape,
                "Dense parameters must have shapes \(weight.shape), \(bias.shape); got \(newValue[0].shape), \(newValue[1].shape)")
            weight = newValue[0]
            bias = newValue[1]
        }
    }

    /// Creates a layer from explicit parameters.
    /// - Parameters:
    ///   - weight: `[inputSize, outputSize]`.
    ///   - bias: `[outputSize]`.
    /// - Precondition: the shapes agree.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>) {
        precondition(weight.rank == 2, "Dense weight must be rank 2 [inputSize, outputSize], got \(weight.shape)")
        precondition(
            bias.shape == [weight.shape[1]], "Dense bias must have shape [\(weight.shape[1])], got \(bias.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// Creates a layer with initialized weights and a zero bias.
    /// - Parameters:
    ///   - inputSize: input features (≥ 1).
    ///   - outputSize: output features (≥ 1).
    ///   - initializer: how `W` is drawn (default Glorot uniform; use ``WeightInitializer/heUniform``
    ///     before a ReLU). The bias starts at zero.
    ///   - rng: the generator for the weights.
    public init<G: RandomNumberGenerator>(
        inputSize: Int, outputSize: Int, initializer: WeightInitializer = .glorotUniform, using rng: inout G
    ) {
        precondition(inputSize >= 1 && outputSize >= 1, "Dense sizes must be ≥ 1, got \(inputSize) → \(outputSize)")
        self.weight = initializer.sample(
            shape: [inputSize, outputSize], fanIn: inputSize, fanOut: outputSize, using: &rng)
        self.bias = Tensor(zeros: [outputSize])
    }

    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        (denseForward(input, weight, bias), pullback(input: input, inputGradient: true))
    }

    /// The pullback of the layer at `input`; with `inputGradient: false` it skips `∂L/∂x` and
    /// returns an empty `[0]` tensor in its place.
    /// When `pool` is given, the input gradient is written into a recycled array when one fits.
    func pullback(
        input: Tensor<Scalar>, inputGradient: Bool, pool: BufferPool<Scalar>? = nil
    ) -> @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>]) {
        let weight = self.weight
        return { gradient in
            let storage = inputGradient ? pool?.take(count: input.count) : nil
            let (dx, dw, db) = denseBackward(
                input, weight, gradient, inputGradient: inputGradient, reusing: consume storage)
            return (dx, [dw, db])
        }
    }

    /// Applies the layer: `[..., inputSize]` → `[..., outputSize]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        denseForward(input, weight, bias)
    }

    /// Per-example `[∂ℓᵢ/∂W, ∂ℓᵢ/∂b]`, shapes `[batch, inputSize, outputSize]` and `[batch, outputSize]`.
    ///
    /// - Parameters:
    ///   - input: `[batch, ..., inputSize]`, the batch the layer was applied to.
    ///   - outputGradient: `[batch, ..., outputSize]`, `∂L/∂y` with `L = Σᵢ ℓᵢ`.
    public func perExampleGradients(input: Tensor<Scalar>, outputGradient: Tensor<Scalar>) -> [Tensor<Scalar>] {
        let (dw, db) = densePerExample(input, outputGradient, inputSize: inputSize, outputSize: outputSize)
        return [dw, db]
    }
}

/// The output shape and row count of a dense product, with the input checked.
private func denseRows(_ shape: [Int], inputSize: Int) -> Int {
    precondition(
        shape.count >= 1 && shape[shape.count - 1] == inputSize,
        "Dense expects input [..., \(inputSize)], got \(shape)")
    return shape.dropLast().reduce(1, *)
}

/// `x · W + b` (rectified when `relu`), written into `storage` when it has exactly the output's element count (a recycled
/// buffer), otherwise into a new array.
func denseForwardBody<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ b: Tensor<Scalar>, relu: Bool, reusing storage: consuming [Scalar]?
) -> Tensor<Scalar> {
    let inputSize = w.shape[0]
    let outputSize = w.shape[1]
    let rows = denseRows(x.shape, inputSize: inputSize)
    let count = rows * outputSize
    var out: [Scalar]
    // `consume`: the spare array's only reference moves into `out`, so writing it does not copy it.
    if let spare = consume storage, spare.count == count {
        out = consume spare
        out.withUnsafeMutableBufferPointer { buffer in
            denseFill(buffer, x, w, b, rows: rows, relu: relu)
        }
    } else {
        out = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            denseFill(buffer, x, w, b, rows: rows, relu: relu)
            initialized = count
        }
    }
    var shape = x.shape
    shape[shape.count - 1] = outputSize
    return Tensor(shape: shape, scalars: out)
}

/// Writes `x · W + b` (`rows × outputSize`), rectified when `relu`, into `buffer`.
///
/// Float with at most ``SmallDense/preferredMaximumRows`` rows goes through the ``SmallDense``
/// kernel (bias, product and ReLU in one pass, no BLAS call), more Float rows through
/// ``BatchDense`` (per block of rows on the thread pool: bias, `sgemm`, ReLU); otherwise (Double)
/// the bias rows are written first, the product accumulated onto them (`gemv` for one row, `gemm`
/// otherwise) and the ReLU applied in place.
private func denseFill<Scalar: TensorScalar>(
    _ buffer: UnsafeMutableBufferPointer<Scalar>, _ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ b: Tensor<Scalar>,
    rows: Int, relu: Bool
) {
    let inputSize = w.shape[0]
    let outputSize = w.shape[1]
    guard rows > 0, outputSize > 0 else { return }
    if Scalar.self == Float.self {
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                b.scalars.withUnsafeBufferPointer { bp in
                    let kernel = rows <= SmallDense.preferredMaximumRows ? SmallDense.forward : BatchDense.forward
                    kernel(
                        UnsafeRawPointer(xp.baseAddress!).assumingMemoryBound(to: Float.self),
                        UnsafeRawPointer(wp.baseAddress!).assumingMemoryBound(to: Float.self),
                        UnsafeRawPointer(bp.baseAddress!).assumingMemoryBound(to: Float.self), rows, inputSize,
                        outputSize, relu, UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: Float.self))
                }
            }
        }
        return
    }
    defer {
        if relu { rectify(buffer) }
    }
    b.scalars.withUnsafeBufferPointer { bias in
        for r in 0..<rows {
            (buffer.baseAddress! + r * outputSize).update(from: bias.baseAddress!, count: outputSize)
        }
    }
    guard inputSize > 0 else { return }
    x.scalars.withUnsafeBufferPointer { xp in
        w.scalars.withUnsafeBufferPointer { wp in
            if rows == 1 {
                // y ← Wᵀ x + b.
                Scalar.gemv(
                    transpose: true, rows: inputSize, columns: outputSize, alpha: 1, a: wp.baseAddress!,
                    lda: outputSize, x: xp.baseAddress!, beta: 1, y: buffer.baseAddress!)
            } else {
                Scalar.gemm(
                    transposeA: false, transposeB: false, m: rows, n: outputSize, k: inputSize, alpha: 1,
                    a: xp.baseAddress!, lda: inputSize, b: wp.baseAddress!, ldb: outputSize,
                    beta: 1, c: buffer.baseAddress!, ldc: outputSize)
            }
        }
    }
}

/// `max(·, 0)` in place.
/// (Float never gets here: ``BatchDense`` applies its ReLU per block.)
private func rectify<Scalar: TensorScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) {
    for i in 0..<buffer.count where !(buffer[i] > 0) { buffer[i] = 0 }
}

/// `(∂L/∂x, ∂L/∂W, ∂L/∂b)`; with `inputGradient: false` the first is an empty `[0]` tensor and its
/// product is skipped (the first layer of a network whose input needs no gradient).
func denseBackwardBody<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ g: Tensor<Scalar>, inputGradient: Bool,
    reusing storage: consuming [Scalar]?
) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
    let inputSize = w.shape[0]
    let outputSize = w.shape[1]
    let rows = x.count / Swift.max(inputSize, 1)
    precondition(
        g.count == rows * outputSize && g.shape.dropLast() == x.shape.dropLast(),
        "Dense pullback: gradient \(g.shape) does not match input \(x.shape) → [..., \(outputSize)]")
    let products = rows > 0 && inputSize > 0 && outputSize > 0
    // gemm with beta = 0 overwrites every element of C, so its outputs need no zero fill;
    // gemv (one row) and the empty cases start from zeros.
    var dx: [Scalar]
    if !inputGradient {
        dx = []
    } else if products && rows > 1 {
        if let spare = consume storage, spare.count == x.count {
            dx = consume spare
        } else {
            dx = [Scalar](unsafeUninitializedCapacity: x.count) { _, initialized in initialized = x.count }
        }
    } else {
        dx = [Scalar](repeating: 0, count: x.count)
    }
    let weightCount = inputSize * outputSize
    var dw =
        products
        ? [Scalar](unsafeUninitializedCapacity: weightCount) { _, initialized in initialized = weightCount }
        : [Scalar](repeating: 0, count: weightCount)
    var db = [Scalar](repeating: 0, count: outputSize)
    if products {
        x.scalars.withUnsafeBufferPointer { xp in
            w.scalars.withUnsafeBufferPointer { wp in
                g.scalars.withUnsafeBufferPointer { gp in
                    if inputGradient {
                        dx.withUnsafeMutableBufferPointer { dxp in
                            if rows == 1 {
                                Scalar.gemv(
                                    transpose: false, rows: inputSize, columns: outputSize, alpha: 1,
                                    a: wp.baseAddress!, lda: outputSize, x: gp.baseAddress!, beta: 0, y: dxp.baseAddress!)
                            } else {
                                Scalar.gemm(
                                    transposeA: false, transposeB: true, m: rows, n: inputSize, k: outputSize, alpha: 1,
                                    a: gp.baseAddress!, lda: outputSize, b: wp.baseAddress!, ldb: outputSize,
                                    beta: 0, c: dxp.baseAddress!, ldc: inputSize)
                            }
                        }
                    }
                    dw.withUnsafeMutableBufferPointer { dwp in
                        Scalar.gemm(
                            transposeA: true, transposeB: false, m: inputSize, n: outputSize, k: rows, alpha: 1,
                            a: xp.baseAddress!, lda: inputSize, b: gp.baseAddress!, ldb: outputSize,
                            beta: 0, c: dwp.baseAddress!, ldc: outputSize)
                    }
                }
            }
        }
    }
    if rows > 0 && outputSize > 0 {
        // Column sums as a product with a vector of ones: db = gᵀ · 1.
        let ones = [Scalar](repeating: 1, count: rows)
        g.scalars.withUnsafeBufferPointer { gp in
            ones.withUnsafeBufferPointer { op in
                db.withUnsafeMutableBufferPointer { dbp in
                    Scalar.gemv(
                        transpose: true, rows: rows, columns: outputSize, alpha: 1, a: gp.baseAddress!,
                        lda: outputSize, x: op.baseAddress!, beta: 0, y: dbp.baseAddress!)
                }
            }
        }
    }
    return (
        inputGradient ? Tensor(shape: x.shape, scalars: dx) : Tensor(zeros: [0]), Tensor(shape: w.shape, scalars: dw),
        Tensor(shape: [outputSize], scalars: db)
    )
}

func densePerExampleBody<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ g: Tensor<Scalar>, inputSize: Int, outputSize: Int
) -> (Tensor<Scalar>, Tensor<Scalar>) {
    let rows = denseRows(x.shape, inputSize: inputSize)
    precondition(x.rank >= 2, "Per-example gradients need a batch axis: input [batch, ..., \(inputSize)], got \(x.shape)")
    precondition(
        g.shape.dropLast() == x.shape.dropLast() && g.shape.last == outputSize,
        "Dense per-example: gradient \(g.shape) does not match input \(x.shape) → [..., \(outputSize)]")
    let batch = x.shape[0]
    let steps = batch > 0 ? rows / batch : 0
    var dw = [Scalar](repeating: 0, count: batch * inputSize * outputSize)
    var db = [Scalar](repeating: 0, count: batch * outputSize)
    x.scalars.withUnsafeBufferPointer { xp in
        g.scalars.withUnsafeBufferPointer { gp in
            dw.withUnsafeMutableBufferPointer { dwp in
                for i in 0..<batch {
                    let wBase = i * inputSize * outputSize
                    if steps == 1 {
                        // Outer product xᵢ ⊗ gᵢ.
                        for a in 0..<inputSize {
                            let xa = xp[i * inputSize + a]
                            let row = wBase + a * outputSize
                            for j in 0..<outputSize { dwp[row + j] = xa * gp[i * outputSize + j] }
                        }
                    } else if steps > 1 {
                        Scalar.gemm(
                            transposeA: true, transposeB: false, m: inputSize, n: outputSize, k: steps, alpha: 1,
                            a: xp.baseAddress! + i * steps * inputSize, lda: inputSize,
                            b: gp.baseAddress! + i * steps * outputSize, ldb: outputSize,
                            beta: 0, c: dwp.baseAddress! + wBase, ldc: outputSize)
                    }
                }
            }
            db.withUnsafeMutableBufferPointer { dbp in
                for i in 0..<batch {
                    for t in 0..<steps {
                        let base = (i * steps + t) * outputSize
                        for j in 0..<outputSize { dbp[i * outputSize + j] += gp[base + j] }
                    }
                }
            }
        }
    }
    return (
        Tensor(shape: [batch, inputSize, outputSize], scalars: dw), Tensor(shape: [batch, outputSize], scalars: db)
    )
}
