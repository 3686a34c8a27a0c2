internal import CBLAS

extension Tensor where Scalar == Double {
    /// The eigenvalues of a symmetric matrix, in ascending order, through LAPACK's `dsyev`
    /// (OpenBLAS's LAPACK: Householder tridiagonalization, then implicit QL/QR).
    ///
    /// Only the upper triangle is read (LAPACK's `'L'` on the row-major storage), so a matrix
    /// that is symmetric up to rounding gives the eigenvalues of its upper triangle's symmetric
    /// completion.
    ///
    /// ```swift
    /// let a = Tensor<Double>(shape: [2, 2], scalars: [2, 1, 1, 2])
    /// a.symmetricEigenvalues()  // [1.0, 3.0]
    /// ```
    ///
    /// - Returns: `n` eigenvalues for an `[n, n]` tensor, or `nil` when an entry is not finite or
    ///   the QL/QR iteration did not converge (LAPACK `info > 0`).
    /// - Precondition: the tensor is square (`[n, n]`, `n ≥ 0`).
    /// - Complexity: O(n³).
    public func symmetricEigenvalues() -> [Double]? {
        precondition(rank == 2 && shape[0] == shape[1], "symmetricEigenvalues needs a square [n, n] tensor, got \(shape)")
        let n = shape[0]
        guard n > 0 else { return [] }
        guard scalars.allSatisfy(\.isFinite) else { return nil }
        BLAS.configureOnce()  // OpenBLAS single-threaded, as for every product
        // Row-major upper triangle = column-major lower triangle.
        var a = scalars
        var w = [Double](repeating: 0, count: n)
        var info: Int32 = 0
        var size = Int32(n)
        var lwork: Int32 = -1
        var query = 0.0
        var jobz = CChar(UInt8(ascii: "N"))
        var uplo = CChar(UInt8(ascii: "L"))
        dsyev_(&jobz, &uplo, &size, &a, &size, &w, &query, &lwork, &info, 1, 1)
        guard info == 0 else { return nil }
        lwork = Int32(Swift.max(Double(3 * n), query))
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_(&jobz, &uplo, &size, &a, &size, &w, &work, &lwork, &info, 1, 1)
        return info == 0 ? w : nil
    }
}
