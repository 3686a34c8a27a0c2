// Matrix products through BLAS, transposition and row selection.

extension Tensor {
    /// Matrix product `op(self) · op(other)` of rank-2 tensors through `cblas_?gemm`.
    ///
    /// - Parameters:
    ///   - other: the right factor.
    ///   - transposeSelf: use `selfᵀ` (self is stored `[k, m]`).
    ///   - transposeOther: use `otherᵀ` (other is stored `[n, k]`).
    /// - Returns: a `[m, n]` tensor.
    /// - Precondition: both are rank 2 and the inner extents agree.
    /// - Complexity: O(m·n·k).
    @inlinable
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul needs rank-2 tensors, got \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[1] : shape[0]
        let k = transposeSelf ? shape[0] : shape[1]
        let k2 = transposeOther ? other.shape[1] : other.shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(
            k == k2,
            "matmul inner extents differ: \(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : "")")
        var out = Tensor(zeros: [m, n])
        out.accumulateProduct(self, other, transposeA: transposeSelf, transposeB: transposeOther, alpha: 1, beta: 0)
        return out
    }

    /// `self ← alpha · op(a) · op(b) + beta · self`, reusing this tensor's storage (no allocation).
    ///
    /// - Precondition: all rank 2, `self` is `[m, n]` with `op(a)` `[m, k]` and `op(b)` `[k, n]`.
    @inlinable
    public mutating func accumulateProduct(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 1
    ) {
        precondition(rank == 2 && a.rank == 2 && b.rank == 2, "accumulateProduct needs rank-2 tensors")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(
            k == kb && shape[0] == m && shape[1] == n,
            "accumulateProduct: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") into \(shape)")
        guard m > 0, n > 0 else { return }
        if k == 0 {
            self *= beta
            return
        }
        let lda = a.shape[1]
        let ldb = b.shape[1]
        scalars.withUnsafeMutableBufferPointer { c in
            a.scalars.withUnsafeBufferPointer { ap in
                b.scalars.withUnsafeBufferPointer { bp in
                    if m == 1 && !transposeA {
                        // Row vector times matrix: y = op(B)ᵀ x, faster through gemv.
                        Scalar.gemv(
                            transpose: !transposeB, rows: b.shape[0], columns: b.shape[1], alpha: alpha,
                            a: bp.baseAddress!, lda: ldb, x: ap.baseAddress!, beta: beta, y: c.baseAddress!)
                    } else {
                        Scalar.gemm(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                            alpha: alpha, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                            beta: beta, c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
    }

    /// The transpose of a rank-2 tensor.
    @inlinable
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a rank-2 tensor, got \(shape)")
        let r = shape[0]
        let c = shape[1]
        var out = [Scalar](repeating: 0, count: count)
        for i in 0..<r {
            for j in 0..<c { out[j * r + i] = scalars[i * c + j] }
        }
        return Tensor(shape: [c, r], scalars: out)
    }

    /// Rows `range` of the outermost axis (a contiguous slice, copied).
    @inlinable
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "Rows \(range) of \(shape)")
        let stride = count / Swift.max(shape[0], 1)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, scalars: Array(scalars[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }

    /// The rows at `indices` of the outermost axis, in that order (minibatch gathering).
    @inlinable
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatherRows needs rank ≥ 1")
        let stride = count / Swift.max(shape[0], 1)
        var out = [Scalar]()
        out.reserveCapacity(indices.count * stride)
        for i in indices {
            precondition(i >= 0 && i < shape[0], "Row \(i) out of range for shape \(shape)")
            out.append(contentsOf: scalars[(i * stride)..<((i + 1) * stride)])
        }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(shape: newShape, scalars: out)
    }

    /// Stacks tensors of equal trailing shape along the outermost axis.
    @inlinable
    public static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatenatingRows of no tensors")
        let tail = Array(parts[0].shape.dropFirst())
        precondition(parts.allSatisfy { Array($0.shape.dropFirst()) == tail }, "concatenatingRows: trailing shapes differ")
        var shape = parts[0].shape
        shape[0] = parts.reduce(0) { $0 + $1.shape[0] }
        return Tensor(shape: shape, scalars: parts.flatMap(\.scalars))
    }
}
