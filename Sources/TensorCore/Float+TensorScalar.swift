internal import CBLAS
import RealModule

extension Float: TensorScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        BLASBridge.sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @inlinable
    public static func gemv(
        transpose: Bool, rows: Int, columns: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
        beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        BLASBridge.sgemv(transpose, rows, columns, alpha, a, lda, x, beta, y)
    }

    @inlinable
    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        BLASBridge.saxpy(count, alpha, x, y)
    }

    @inlinable
    public static func dot(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>) -> Float {
        BLASBridge.sdot(count, x, y)
    }

    public static func gaussianFill(
        out: UnsafeMutablePointer<Float>, base: UnsafePointer<Float>?, count: Int, scale: Float, offset: Float,
        key: (UInt64, UInt64), threads: Int
    ) {
        GaussianKernel.run(out: out, base: base, count: count, scale: scale, offset: offset, key: key, threads: threads)
    }
}
