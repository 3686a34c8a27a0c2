import RealModule

/// A floating-point type that ``Tensor`` can hold: `Float` or `Double`.
///
/// Each conformance forwards its dense linear-algebra hooks to the matching
/// single- or double-precision OpenBLAS routine (the swift-numerics
/// `Float+Real.swift` / `Double+Real.swift` pattern). All matrices are row-major.
public protocol TensorScalar: BinaryFloatingPoint, Real, Sendable, Codable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// `C ← alpha · op(A) · op(B) + beta · C` (`cblas_?gemm`, row-major).
    ///
    /// `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`; `lda`, `ldb`, `ldc` are the
    /// row strides of the stored (untransposed) matrices.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y ← alpha · op(A) · x + beta · y` (`cblas_?gemv`, row-major `A` of `rows × columns`).
    static func gemv(
        transpose: Bool, rows: Int, columns: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>,
        beta: Self, y: UnsafeMutablePointer<Self>)

    /// `y ← alpha · x + y` over `count` contiguous elements (`cblas_?axpy`).
    static func axpy(count: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafeMutablePointer<Self>)

    /// `Σ x[i]·y[i]` over `count` contiguous elements (`cblas_?dot`).
    static func dot(count: Int, x: UnsafePointer<Self>, y: UnsafePointer<Self>) -> Self

    /// `out[i] = (base?[i] ?? offset) + scale · zᵢ` for `i < count`, `zᵢ` standard normal from the
    /// chunk streams of `key`: the bulk kernel behind ``GaussianFill`` (vectorized Box–Muller in C,
    /// xoshiro128++ lanes for `Float`, xoshiro256++ for `Double`). `out` may equal `base`; the result
    /// does not depend on `threads` (≥ 1). Use ``GaussianFill``, which checks the arguments and
    /// draws the key.
    static func gaussianFill(
        out: UnsafeMutablePointer<Self>, base: UnsafePointer<Self>?, count: Int, scale: Self, offset: Self,
        key: (UInt64, UInt64), threads: Int)
}
