import Foundation
import TensorCore
import Testing

@Suite struct EigenTests {
    /// The second-difference matrix tridiag(−1, 2, −1) of order n has eigenvalues
    /// `2 − 2 cos(kπ/(n + 1))`, k = 1…n.
    @Test(arguments: [1, 2, 7, 64])
    func secondDifferenceMatrixHasItsKnownSpectrum(n: Int) throws {
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            a[i * n + i] = 2
            if i + 1 < n {
                a[i * n + i + 1] = -1
                a[(i + 1) * n + i] = -1
            }
        }
        let values = try #require(Tensor(shape: [n, n], scalars: a).symmetricEigenvalues())
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
        #expect(values.count == n)
        for (v, e) in zip(values, expected) { #expect(abs(v - e) < 1e-12) }
    }

    @Test func rotatedDiagonalMatrixGivesItsDiagonalBack() throws {
        // Q · diag(d) · Qᵀ with Q a rotation by 0.3 rad in the (0, 2) plane.
        let d = [5.0, -1.0, 0.25]
        let c = cos(0.3)
        let s = sin(0.3)
        let q = [c, 0, -s, 0, 1, 0, s, 0, c]
        var a = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { a[i * 3 + j] += q[i * 3 + k] * d[k] * q[j * 3 + k] } } }
        let values = try #require(Tensor(shape: [3, 3], scalars: a).symmetricEigenvalues())
        for (v, e) in zip(values, d.sorted()) { #expect(abs(v - e) < 1e-12) }
    }

    @Test func nonFiniteEntriesGiveNil() {
        #expect(Tensor(shape: [2, 2], scalars: [1, .nan, .nan, 1]).symmetricEigenvalues() == nil)
        #expect(Tensor(shape: [1, 1], scalars: [Double.infinity]).symmetricEigenvalues() == nil)
        #expect(Tensor<Double>(shape: [0, 0], scalars: []).symmetricEigenvalues() == [])
    }
}
