internal import CBLAS
import RealModule

extension Double: TensorScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLASBridge.dgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inlinable
    public static func gemv(
        transpose: Bool, rows: Int, columns: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
        beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        BLASBridge.dgemv(transpose, rows, columns, alpha, a, lda, x, beta, y)
    }

    @inlinable
    public static func axpy(count: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        BLASBridge.daxpy(count, alpha, x, y)
    }

    @inlinable
    public static func dot(count: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>) -> Double {
        BLASBridge.ddot(count, x, y)
    }

    public static func gaussianFill(
        out: UnsafeMutablePointer<Double>, base: UnsafePointer<Double>?, count: Int, scale: Double, offset: Double,
        key: (UInt64, UInt64), threads: Int
    ) {
        GaussianKernel.run(out: out, base: base, count: count, scale: scale, offset: offset, key: key, threads: threads)
    }
}
