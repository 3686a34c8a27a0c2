internal import CSemComKernels

/// Dense (affine) layer products for a batch of rows on TensorCore's thread pool:
/// `y = act(x · W + b)`, `act` the identity or ReLU.
///
/// The rows are cut into one block per thread (the blocks of ``BLAS``'s row-split `gemm`: at
/// least 16 rows and 2¹⁶ multiply-adds each), and each block runs as one part of a pool job: the
/// bias copied into its rows of `y`, one single-threaded OpenBLAS `sgemm` accumulating `x · W` onto
/// them, then `max(·, 0)` on the block while it is still in cache. So the bias and ReLU passes run
/// in parallel with the products instead of after them on one thread. The caller computes the
/// first block and takes back any block no helper has claimed. Results depend only on the sizes
/// and ``BLAS/threadCount`` (each block is the same call whoever runs it).
///
/// For a few rows (batch-1 inference) ``SmallDense`` is faster.
///
/// ```swift
/// // x: [1024, 64], w: [64, 256], b: [256] → y: [1024, 256] = relu(x·w + b)
/// BatchDense.forward(x: xp, weight: wp, bias: bp, rows: 1024, inputSize: 64, outputSize: 256,
///                    relu: true, into: yp)
/// ```
public enum BatchDense {
    /// `y[r, j] = act(b[j] + Σ_i x[r, i] · W[i, j])` with `act` the identity or ReLU.
    ///
    /// - Parameters:
    ///   - x: `[rows, inputSize]`, row-major.
    ///   - weight: `[inputSize, outputSize]`, row-major.
    ///   - bias: `[outputSize]`.
    ///   - rows: the number of rows (≥ 0).
    ///   - inputSize: input features (≥ 0).
    ///   - outputSize: output features (≥ 0).
    ///   - relu: whether to apply `max(·, 0)` (a NaN becomes 0).
    ///   - y: `[rows, outputSize]`, overwritten; must not overlap the inputs.
    public static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int,
        inputSize: Int, outputSize: Int, relu: Bool, into y: UnsafeMutablePointer<Float>
    ) {
        forward(
            x: x, weight: weight, bias: bias, rows: rows, inputSize: inputSize, outputSize: outputSize, relu: relu,
            into: y, threads: nil)
    }

    /// ``forward(x:weight:bias:rows:inputSize:outputSize:relu:into:)`` on `threads` threads (tests),
    /// or ``BLAS/threadCount`` when `nil`.
    static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int,
        inputSize: Int, outputSize: Int, relu: Bool, into y: UnsafeMutablePointer<Float>, threads: Int?
    ) {
        precondition(
            rows >= 0 && inputSize >= 0 && outputSize >= 0,
            "BatchDense sizes must be ≥ 0, got rows \(rows), \(inputSize) → \(outputSize)")
        guard rows > 0, outputSize > 0 else { return }
        BLAS.configureOnce()
        var job = PooledBLAS.DenseRows(
            x: x, weight: weight, bias: bias, y: y, inputSize: inputSize, outputSize: outputSize, relu: relu)
        let parts = PooledBLAS.partCount(
            threads: threads ?? PooledBLAS.threads, extent: rows, work: rows * inputSize * outputSize,
            minimumWork: PooledBLAS.minimumGemmWorkPerPart)
        if parts < 2 {
            job.block(0, rows)
            return
        }
        PooledBLAS.run(&job, extent: rows, parts: parts, part: PooledBLAS.denseRowsPart)
    }
}

extension PooledBLAS {
    /// One batch dense product, split by rows (``BatchDense``).
    struct DenseRows {
        var x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>
        var y: UnsafeMutablePointer<Float>
        var inputSize: Int, outputSize: Int
        var relu: Bool

        /// Rows `begin..<end`: bias, product, ReLU.
        func block(_ begin: Int, _ end: Int) {
            guard end > begin else { return }
            let n = outputSize
            let out = y + begin * n
            for r in 0..<(end - begin) { (out + r * n).update(from: bias, count: n) }
            if inputSize > 0 {
                BLASBridge.sgemmSerial(
                    false, false, end - begin, n, inputSize, 1, x + begin * inputSize, inputSize, weight, n, 1, out, n)
            }
            if relu {
                let block = UnsafeMutableBufferPointer(start: out, count: (end - begin) * n)
                reluForwardFloat(UnsafeBufferPointer(block), block)
            }
        }
    }

    static let denseRowsPart: semcom_pool_fn = { context, begin, end in
        context!.assumingMemoryBound(to: DenseRows.self).pointee.block(begin, end)
    }
}

/// `y = max(x, 0)` (a NaN gives 0); `y.count == x.count`; `y` may be `x`.
package func reluForwardFloat(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
    let n = x.count
    guard n > 0, let xb = x.baseAddress, let yb = y.baseAddress else { return }
    let zero = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(xb + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(yb + i).storeBytes(of: zero.replacing(with: v, where: v .> zero), as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        yb[i] = xb[i] > 0 ? xb[i] : 0
        i += 1
    }
}

