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
            semcom_dense_f32_threads(y, x, weight, bias, rows, inputSize, outputSize, relu ? 1 : 0, avx2, Int32(threads))
        } else {
            semcom_dense_f32(y, x, weight, bias, rows, inputSize, outputSize, relu ? 1 : 0, avx2)
        }
    }
}
