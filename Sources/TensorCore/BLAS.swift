internal import CBLAS
internal import CSemComKernels
import Foundation

/// Process-wide controls of the threads behind ``Tensor`` products.
///
/// TensorCore has one thread pool (C target CSemComKernels): the calling thread plus helper
/// threads started on first use. OpenBLAS itself always runs single-threaded (it is set to one
/// thread before the first product), so no OpenBLAS worker ever spins beside the pool:
///
/// - `gemm` and `gemv` above a size threshold are split into one block of rows (or columns) of the
///   output per thread, each block one single-threaded OpenBLAS call; the caller computes the first
///   block and takes back any block a helper has not claimed when it is done, so a busy machine
///   costs at most the serial time. The blocks depend only on the sizes and ``threadCount``:
///   results are reproducible for a fixed thread count (not bit-identical across counts, as
///   OpenBLAS's edge blocking differs).
/// - ``SmallDense`` (batch-1 inference) splits a product's columns in two with the same pool when it
///   measures that it pays; its results do not depend on the thread count at all.
///
/// Helpers spin for about 1 ms after a job (the products of a training step and back-to-back
/// inference calls find them awake), then sleep.
public enum BLAS {
    /// The number of threads (caller included) a product may use.
    ///
    /// The CLI sets it from `--threads`; tests pin it to 1 so results do not depend on how work is
    /// split. Results are reproducible for a fixed thread count. Until ``setThreadCount(_:)`` is
    /// called it is OpenBLAS's default (the `OPENBLAS_NUM_THREADS` environment variable, else the
    /// number of cores).
    public static var threadCount: Int {
        configureOnce()
        return PooledBLAS.threads
    }

    /// Sets the number of threads of the pool behind products, and thereby of ``SmallDense``
    /// (which uses at most 2). OpenBLAS stays single-threaded.
    ///
    /// Inside a ``withSingleThread(_:)`` section (on any thread) the count is recorded and applied
    /// when the last section ends, so a concurrent caller cannot break a reproducible build.
    /// - Precondition: `count >= 1`.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
        configureOnce()
        singleThreadSections.request(count)
    }

    /// Applies a thread count to the pool (no section bookkeeping).
    fileprivate static func applyThreadCount(_ count: Int) {
        semcom_pool_set_threads(Int32(count))
    }

    /// Makes OpenBLAS single-threaded and gives the pool OpenBLAS's default thread count, once.
    static func configureOnce() { _ = configuration }

    /// OpenBLAS's own thread count (1 once configured), for tests.
    static var openBLASThreadCount: Int { Int(openblas_get_num_threads()) }

    private static let configuration: Void = {
        semcom_pool_set_threads(Swift.max(1, openblas_get_num_threads()))
        openblas_set_num_threads(1)
    }()

    /// Runs `body` with one BLAS thread, for bit-reproducible training (a knowledge-base build).
    ///
    /// Sections may nest and overlap across threads: the first to enter saves the thread count and
    /// sets 1, the last to leave restores it, so two concurrent builds never see each other's
    /// restore (which a save-set-restore in each would allow). A ``setThreadCount(_:)`` from
    /// elsewhere during a section is deferred to its end.
    public static func withSingleThread<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        beginSingleThreadSection()
        defer { endSingleThreadSection() }
        return try body()
    }

    /// Enters a single-thread section (see ``withSingleThread(_:)``); pair it with
    /// ``endSingleThreadSection()``, e.g. `BLAS.beginSingleThreadSection(); defer { BLAS.endSingleThreadSection() }`.
    public static func beginSingleThreadSection() { singleThreadSections.enter() }

    /// Leaves a section entered with ``beginSingleThreadSection()``.
    public static func endSingleThreadSection() { singleThreadSections.leave() }

    /// The process-wide count of ``withSingleThread(_:)`` sections and the thread count to restore.
    private static let singleThreadSections = SingleThreadSections()
}

/// The bookkeeping of ``BLAS/withSingleThread(_:)`` (a lock around a counter).
private final class SingleThreadSections: @unchecked Sendable {
    private let lock = NSLock()
    private var depth = 0
    private var saved = 1

    func enter() {
        lock.lock()
        defer { lock.unlock() }
        if depth == 0 {
            saved = BLAS.threadCount
            BLAS.applyThreadCount(1)
        }
        depth += 1
    }

    func leave() {
        lock.lock()
        defer { lock.unlock() }
        depth -= 1
        if depth == 0 { BLAS.applyThreadCount(saved) }
    }

    /// A ``BLAS/setThreadCount(_:)``: applied now outside sections, at the end of the last one inside.
    func request(_ count: Int) {
        lock.lock()
        defer { lock.unlock() }
        if depth == 0 {
            BLAS.applyThreadCount(count)
        } else {
            saved = count
        }
    }
}

/// Thin, non-generic calls into CBLAS. Kept out of the public API (no C types leak).
///
/// `gemm` and `gemv` run on the pool's ``BLAS/threadCount`` threads (``PooledBLAS``), or on
/// `threads` when given (tests); the `…Serial` forms are the single-threaded OpenBLAS calls.
@usableFromInline
enum BLASBridge {
    @usableFromInline
    static func sgemm(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, threads: Int? = nil
    ) {
        PooledBLAS.gemm(
            PooledBLAS.Gemm(
                transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc),
            threads: threads, part: PooledBLAS.sgemmPart, serial: sgemmSerial)
    }

    @usableFromInline
    static func dgemm(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int, threads: Int? = nil
    ) {
        PooledBLAS.gemm(
            PooledBLAS.Gemm(
                transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc),
            threads: threads, part: PooledBLAS.dgemmPart, serial: dgemmSerial)
    }

    @usableFromInline
    static func sgemv(
        _ t: Bool, _ rows: Int, _ columns: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
        _ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>, threads: Int? = nil
    ) {
        PooledBLAS.gemv(
            PooledBLAS.Gemv(
                transpose: t, rows: rows, columns: columns, alpha: alpha, a: a, lda: lda, x: x, beta: beta, y: y),
            threads: threads, part: PooledBLAS.sgemvPart, serial: sgemvSerial)
    }

    @usableFromInline
    static func dgemv(
        _ t: Bool, _ rows: Int, _ columns: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
        _ x: UnsafePointer<Double>, _ beta: Double, _ y: UnsafeMutablePointer<Double>, threads: Int? = nil
    ) {
        PooledBLAS.gemv(
            PooledBLAS.Gemv(
                transpose: t, rows: rows, columns: columns, alpha: alpha, a: a, lda: lda, x: x, beta: beta, y: y),
            threads: threads, part: PooledBLAS.dgemvPart, serial: dgemvSerial)
    }

    static func sgemmSerial(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    static func dgemmSerial(
        _ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
        _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
        _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    static func sgemvSerial(
        _ t: Bool, _ rows: Int, _ columns: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
        _ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasRowMajor, t ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), alpha, a, Int32(lda),
            x, 1, beta, y, 1)
    }

    static func dgemvSerial(
        _ t: Bool, _ rows: Int, _ columns: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
        _ x: UnsafePointer<Double>, _ beta: Double, _ y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(
            CblasRowMajor, t ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), alpha, a, Int32(lda),
            x, 1, beta, y, 1)
    }

    @usableFromInline
    static func saxpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    @usableFromInline
    static func daxpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(n), alpha, x, 1, y, 1)
    }

    @usableFromInline
    static func sdot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }

    @usableFromInline
    static func ddot(_ n: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(n), x, 1, y, 1)
    }
}
