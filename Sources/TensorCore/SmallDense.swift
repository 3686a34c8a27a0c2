internal import CSemComKernels

/// A dense (affine) layer product for a few rows, `y = x · W + b`, optionally rectified, computed
/// without BLAS.
///
/// For batch-1 inference the cost of a BLAS call (argument checks, thread hand-off, and OpenBLAS
/// splitting a small `gemv` across threads) is comparable to the arithmetic itself. This kernel
/// (C target CSemComKernels) keeps blocks of up to 48 outputs in vector registers, streams each
/// weight row once per input row and sums every output in two chains — the bias plus
/// `x[r, i] · W[i, ·]` for even `i`, and the same for odd `i`, each in increasing `i` — added at the
/// end (two chains halve the multiply-add latency that bounds narrow layers such as a 10-class
/// head), then applies `max(·, 0)` when asked — one pass. It uses AVX2 + FMA when the CPU has them
/// (runtime check) and a portable C loop with the same summation order otherwise (the fused
/// multiply-adds can change the last bits). Results differ from BLAS by floating-point
/// reassociation only.
///
/// Batch-1 inference is bound by reading the weights from the L2 cache (each weight is used once).
/// With ``BLAS/setThreadCount(_:)`` ≥ 2, a product with at least 64 outputs and 16,384
/// multiply-adds can be split by columns on TensorCore's thread pool (the one behind BLAS products,
/// see ``BLAS``): a pool helper computes the upper half while the caller computes the lower half, so
/// each core streams half of the weights from its own L2; the caller takes the upper half back if
/// no helper has claimed it by the time its own half is done. Every output is computed exactly as on
/// one thread: results do not depend on the thread count. Pool helpers spin for about 1 ms after a
/// job (back-to-back calls find them awake), yielding their core after the first 50 µs, then sleep.
/// Splitting only pays while the second core is free, and more on large products than on small
/// ones: split and unsplit products are timed per product shape (rows, inputs, outputs), the mode
/// with the lower running mean time is used for that shape and the other is retried one product of
/// the shape in 32, so a busy core switches the split off by itself, and back on when the core frees
/// up. A split product that had to wake a sleeping helper is not timed (the wake-up would make
/// splitting look slower than it is once the helper is awake); the next split product is.
///
/// Use it for few rows (``preferredMaximumRows``); for larger batches BLAS `gemm` is faster.
///
/// ```swift
/// // x: [1, 64], w: [64, 256], b: [256] → y: [1, 256] = relu(x·w + b)
/// SmallDense.forward(x: xp, weight: wp, bias: bp, rows: 1, inputSize: 64, outputSize: 256,
///                    relu: true, into: yp)
/// ```
public enum SmallDense {
    /// The row count up to which `Dense` and `Sequential` use this kernel instead of BLAS. The
    /// kernel streams the weights once per row, so it suits batch-1 inference and a handful of
    /// rows; beyond that BLAS `gemm`'s cache blocking wins.
    public static let preferredMaximumRows = 4

    /// Which arithmetic path the kernel uses.
    @usableFromInline
    enum Path: Sendable {
        /// AVX2 + FMA if the CPU has them, else portable.
        case automatic
        /// The portable C path (for tests comparing both).
        case portable
    }

    /// Whether the CPU has AVX2 and FMA (checked once).
    static let hasAVX2FMA: Int32 = semcom_kernels_have_avx2_fma()

    /// `y[r, j] = act(b[j] + Σ_i x[r, i] · W[i, j])` with `act` the identity or ReLU.
    ///
    /// - Parameters:
    ///   - x: `[rows, inputSize]`, row-major.
    ///   - weight: `[inputSize, outputSize]`, row-major.
    ///   - bias: `[outputSize]`, or `nil` for none.
    ///   - rows: the number of rows (≥ 0).
    ///   - inputSize: input features (≥ 0).
    ///   - outputSize: output features (≥ 0).
    ///   - relu: whether to apply `max(·, 0)`.
    ///   - y: `[rows, outputSize]`, overwritten; must not overlap the inputs.
    public static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int,
        inputSize: Int, outputSize: Int, relu: Bool, into y: UnsafeMutablePointer<Float>
    ) {
        forward(
            x: x, weight: weight, bias: bias, rows: rows, inputSize: inputSize, outputSize: outputSize, relu: relu,
            into: y, path: .automatic)
    }

    static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int,
        inputSize: Int, outputSize: Int, relu: Bool, into y: UnsafeMutablePointer<Float>, path: Path,
        threads: Int? = nil
    ) {
        precondition(
            rows >= 0 && inputSize >= 0 && outputSize >= 0,
            "SmallDense sizes must be ≥ 0, got rows \(rows), \(inputSize) → \(outputSize)")
        guard rows > 0, outputSize > 0 else { return }
        BLAS.configureOnce()
        let avx2: Int32 = path == .automatic ? hasAVX2FMA : 0
        if let threads {
            semcom_dense_f32_threads(
                y, x, weight, bias, rows, inputSize, outputSize, relu ? 1 : 0, avx2, Int32(threads))
        } else {
            semcom_dense_f32(y, x, weight, bias, rows, inputSize, outputSize, relu ? 1 : 0, avx2)
        }
    }
}

extension SmallDense {
    /// A chain of dense layers prepared for inference on a few rows: `y = f_{n−1}(… f_0(x))` with
    /// `f_k(x) = act_k(x · W_k + b_k)`, every layer through ``SmallDense/forward(x:weight:bias:rows:inputSize:outputSize:relu:into:)``.
    ///
    /// Batch-1 inference reads every weight once from the L2 cache, so the weights' place in
    /// memory matters: the kernel starts its 8-column blocks on 64-byte lines, and a matrix whose
    /// rows start off a line (a Swift array's elements start 16 bytes into one) costs an extra,
    /// masked block per row, about a tenth more time on a 256-wide layer. A chain copies the
    /// weights and biases once into one 64-byte-aligned block and keeps scratch for the
    /// intermediate activations, so a call allocates nothing but its output and does no per-layer
    /// setup (the prepacked-weights idea of inference libraries such as oneDNN, here without
    /// changing the layout). Results are bit-identical to calling the layers one by one, on any
    /// thread count.
    ///
    /// The chain holds a copy: after the weights change, prepare a new chain. Instances are
    /// immutable and may be used from several threads at once (a caller that finds the scratch in
    /// use allocates its own).
    ///
    /// ```swift
    /// // w1: [64, 256], b1: [256], w2: [256, 10], b2: [10]
    /// let chain = SmallDense.Chain(weights: [w1, w2], biases: [b1, b2], relu: [true, false])
    /// let logits = chain(x)   // x: [1, 64] → [1, 10]
    /// ```
    public final class Chain: @unchecked Sendable {
        // The C object is only read after init; concurrent runs are safe (see semcom_dense_chain_run).
        private let chain: OpaquePointer
        /// Features of the first layer's input.
        public let inputSize: Int
        /// Features of the last layer's output.
        public let outputSize: Int
        /// The most rows one call may take.
        public let maximumRows: Int

        /// Copies the layers.
        ///
        /// - Parameters:
        ///   - weights: `[in_k, out_k]` per layer, with `out_k == in_{k+1}`; all extents ≥ 1.
        ///   - biases: `[out_k]` per layer.
        ///   - relu: whether each layer is rectified.
        ///   - maximumRows: the most rows per call (≥ 1); scratch is sized for it.
        /// - Precondition: at least one layer, the three lists of equal length and the shapes chain.
        public init(
            weights: [Tensor<Float>], biases: [Tensor<Float>], relu: [Bool],
            maximumRows: Int = SmallDense.preferredMaximumRows
        ) {
            precondition(!weights.isEmpty, "SmallDense.Chain needs at least one layer")
            precondition(
                biases.count == weights.count && relu.count == weights.count,
                "SmallDense.Chain: \(weights.count) weights, \(biases.count) biases, \(relu.count) relu flags")
            precondition(maximumRows >= 1, "SmallDense.Chain: maximumRows must be ≥ 1, got \(maximumRows)")
            var sizes = [weights[0].shape.first ?? 0]
            for (k, w) in weights.enumerated() {
                precondition(
                    w.rank == 2 && w.shape[0] == sizes[k] && w.shape[0] >= 1 && w.shape[1] >= 1,
                    "SmallDense.Chain: weight \(k) must be [\(sizes[k]), ≥ 1], got \(w.shape)")
                precondition(
                    biases[k].shape == [w.shape[1]],
                    "SmallDense.Chain: bias \(k) must be [\(w.shape[1])], got \(biases[k].shape)")
                sizes.append(w.shape[1])
            }
            BLAS.configureOnce()
            guard let created = semcom_dense_chain_create(weights.count, sizes, relu.map { $0 ? 1 : 0 }, maximumRows)
            else {
                fatalError("SmallDense.Chain: out of memory preparing \(weights.count) layers of sizes \(sizes)")
            }
            for k in weights.indices {
                weights[k].scalars.withUnsafeBufferPointer { w in
                    biases[k].scalars.withUnsafeBufferPointer { b in
                        semcom_dense_chain_set_layer(created, k, w.baseAddress, b.baseAddress)
                    }
                }
            }
            chain = created
            inputSize = sizes[0]
            outputSize = sizes[sizes.count - 1]
            self.maximumRows = maximumRows
        }

        deinit { semcom_dense_chain_destroy(chain) }

        /// Runs the chain on `rows` rows: `x` is `[rows, inputSize]`, `y` is `[rows, outputSize]`
        /// (overwritten; must not overlap `x`).
        /// - Precondition: `1 ≤ rows ≤ maximumRows`.
        public func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
            precondition(
                rows >= 1 && rows <= maximumRows, "SmallDense.Chain takes 1…\(maximumRows) rows, got \(rows)")
            let status = semcom_dense_chain_run(chain, y, x, rows, SmallDense.hasAVX2FMA)
            precondition(status == 0, "SmallDense.Chain: out of memory for the scratch of \(rows) rows")
        }

        /// Runs the chain on a tensor `[..., inputSize]` with at most ``maximumRows`` rows (the
        /// product of the leading extents); returns `[..., outputSize]`.
        public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
            precondition(
                input.rank >= 1 && input.shape[input.rank - 1] == inputSize,
                "SmallDense.Chain expects [..., \(inputSize)], got \(input.shape)")
            let rows = input.count / inputSize
            let count = rows * outputSize
            let out = [Float](unsafeUninitializedCapacity: count) { y, initialized in
                input.scalars.withUnsafeBufferPointer { x in
                    self(x.baseAddress!, rows: rows, into: y.baseAddress!)
                }
                initialized = count
            }
            var shape = input.shape
            shape[shape.count - 1] = outputSize
            return Tensor(shape: shape, scalars: out)
        }
    }
}
