internal import CBLAS
internal import CSemComKernels

/// Splits BLAS products between the threads of TensorCore's pool (see ``BLAS``).
///
/// OpenBLAS always runs on one thread. A product large enough to pay for the hand-off is split
/// into consecutive blocks of rows of `C` (of `y` for `gemv`), or of columns of `C` when `C` has
/// more columns than rows, one block per thread; each block is one single-threaded `cblas_?gemm`
/// (`cblas_?gemv`) call on pointers offset into the operands, run as a part of a pool job
/// (`semcom_pool_run`): the caller computes the first block and takes back any block no helper has
/// claimed when it is done. The blocks depend only on the sizes and the thread count, and a block
/// is the same call whoever runs it, so results are reproducible for a fixed thread count. They
/// are not bit-identical to the unsplit call: OpenBLAS's register blocking differs at the edges of
/// a block, which can change the last bits of some outputs.
enum PooledBLAS {
    /// Fewest multiply-adds per block worth handing to a helper (a product is split into at most
    /// `multiply-adds / minimumWorkPerPart` blocks). Measured on a 2-core AMD EPYC: a hand-off to
    /// a spinning helper costs about a microsecond, and a block of 2¹⁶ multiply-adds takes about
    /// 2 µs in OpenBLAS's single-threaded sgemm.
    static let minimumGemmWorkPerPart = 1 << 16

    /// Fewest matrix elements per block of a `gemv` (memory-bound: each element is read once).
    static let minimumGemvWorkPerPart = 1 << 16

    /// Blocks start at multiples of this many rows or columns (a 64-byte line of Float, and a
    /// multiple of OpenBLAS's register blocks).
    static let granularity = 16

    /// The number of blocks for a product on `threads` threads: at most one per thread, each with
    /// at least `granularity` rows (columns) of the split `extent` and `minimumWork` of the `work`.
    static func partCount(threads: Int, extent: Int, work: Int, minimumWork: Int) -> Int {
        guard threads >= 2 else { return 1 }
        return Swift.max(1, Swift.min(threads, extent / granularity, work / minimumWork))
    }

    /// Calls `body` with the `parts + 1` block boundaries of `0..<extent` (multiples of
    /// ``granularity``, except the last).
    static func withBounds<R>(extent: Int, parts: Int, _ body: (UnsafePointer<Int>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: parts + 1) { bounds in
            bounds[0] = 0
            for p in 1..<parts {
                bounds[p] = Swift.min(extent, (extent * p / parts + granularity / 2) / granularity * granularity)
            }
            bounds[parts] = extent
            return body(UnsafePointer(bounds.baseAddress!))
        }
    }

    /// Runs the pool job of `parts` blocks of `0..<extent`, `part` computing a block of `job`.
    static func run<Job>(_ job: inout Job, extent: Int, parts: Int, part: semcom_pool_fn) {
        withBounds(extent: extent, parts: parts) { bounds in
            withUnsafeMutablePointer(to: &job) { context in
                _ = semcom_pool_run(part, context, bounds, Int32(parts))
            }
        }
    }

    /// The thread count of the pool (``BLAS/threadCount``).
    static var threads: Int { Int(semcom_pool_threads()) }

    // MARK: gemm

    /// One `gemm` and how it is split: `C` is `[m, n]`, split by rows when `byRows`, else by columns.
    struct Gemm<Scalar> {
        var transposeA: Bool, transposeB: Bool
        var m: Int, n: Int, k: Int
        var alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int
        var b: UnsafePointer<Scalar>, ldb: Int
        var beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int

        /// Split the longer side of `C` (rows on a tie): blocks stay wide enough for OpenBLAS's kernels.
        var byRows: Bool { m >= n }

        /// The product restricted to rows (columns) `begin..<end` of `C`, given to `call`.
        /// Rows of `op(A)` are rows of the stored `A`, or its columns when transposed; likewise
        /// columns of `op(B)`.
        func block(
            _ begin: Int, _ end: Int,
            _ call: (
                Bool, Bool, Int, Int, Int, Scalar, UnsafePointer<Scalar>, Int, UnsafePointer<Scalar>, Int, Scalar,
                UnsafeMutablePointer<Scalar>, Int
            ) -> Void
        ) {
            guard end > begin else { return }
            if byRows {
                let aBlock = transposeA ? a + begin : a + begin * lda
                call(transposeA, transposeB, end - begin, n, k, alpha, aBlock, lda, b, ldb, beta, c + begin * ldc, ldc)
            } else {
                let bBlock = transposeB ? b + begin * ldb : b + begin
                call(transposeA, transposeB, m, end - begin, k, alpha, a, lda, bBlock, ldb, beta, c + begin, ldc)
            }
        }
    }

    /// Runs `job` split into blocks on `threads` threads (``BLAS/threadCount`` when `nil`; a single
    /// call below the threshold).
    static func gemm<Scalar>(
        _ job: Gemm<Scalar>, threads: Int?, part: semcom_pool_fn,
        serial: (
            Bool, Bool, Int, Int, Int, Scalar, UnsafePointer<Scalar>, Int, UnsafePointer<Scalar>, Int, Scalar,
            UnsafeMutablePointer<Scalar>, Int
        ) -> Void
    ) {
        BLAS.configureOnce()
        var job = job
        let extent = job.byRows ? job.m : job.n
        let parts = partCount(
            threads: threads ?? self.threads, extent: extent, work: job.m * job.n * job.k,
            minimumWork: minimumGemmWorkPerPart)
        if parts < 2 {
            job.block(0, extent, serial)
            return
        }
        run(&job, extent: extent, parts: parts, part: part)
    }

    // MARK: gemv

    /// One `gemv` on a row-major `A` of `rows × columns`, split by blocks of `y`.
    struct Gemv<Scalar> {
        var transpose: Bool
        var rows: Int, columns: Int
        var alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int, x: UnsafePointer<Scalar>
        var beta: Scalar, y: UnsafeMutablePointer<Scalar>

        /// Entries `begin..<end` of `y`: rows of `A`, or its columns when transposed.
        func block(
            _ begin: Int, _ end: Int,
            _ call: (
                Bool, Int, Int, Scalar, UnsafePointer<Scalar>, Int, UnsafePointer<Scalar>, Scalar,
                UnsafeMutablePointer<Scalar>
            ) -> Void
        ) {
            guard end > begin else { return }
            if transpose {
                call(true, rows, end - begin, alpha, a + begin, lda, x, beta, y + begin)
            } else {
                call(false, end - begin, columns, alpha, a + begin * lda, lda, x, beta, y + begin)
            }
        }
    }

    /// Runs `job` split into blocks on `threads` threads (``BLAS/threadCount`` when `nil`; a single
    /// call below the threshold).
    static func gemv<Scalar>(
        _ job: Gemv<Scalar>, threads: Int?, part: semcom_pool_fn,
        serial: (
            Bool, Int, Int, Scalar, UnsafePointer<Scalar>, Int, UnsafePointer<Scalar>, Scalar,
            UnsafeMutablePointer<Scalar>
        ) -> Void
    ) {
        BLAS.configureOnce()
        var job = job
        let extent = job.transpose ? job.columns : job.rows
        let parts = partCount(
            threads: threads ?? self.threads, extent: extent, work: job.rows * job.columns, minimumWork: minimumGemvWorkPerPart)
        if parts < 2 {
            job.block(0, extent, serial)
            return
        }
        run(&job, extent: extent, parts: parts, part: part)
    }

    // MARK: The parts of pool jobs (C function pointers: no captures)

    static let sgemmPart: semcom_pool_fn = { context, begin, end in
        context!.assumingMemoryBound(to: Gemm<Float>.self).pointee.block(begin, end, BLASBridge.sgemmSerial)
    }
    static let dgemmPart: semcom_pool_fn = { context, begin, end in
        context!.assumingMemoryBound(to: Gemm<Double>.self).pointee.block(begin, end, BLASBridge.dgemmSerial)
    }
    static let sgemvPart: semcom_pool_fn = { context, begin, end in
        context!.assumingMemoryBound(to: Gemv<Float>.self).pointee.block(begin, end, BLASBridge.sgemvSerial)
    }
    static let dgemvPart: semcom_pool_fn = { context, begin, end in
        context!.assumingMemoryBound(to: Gemv<Double>.self).pointee.block(begin, end, BLASBridge.dgemvSerial)
    }
}
