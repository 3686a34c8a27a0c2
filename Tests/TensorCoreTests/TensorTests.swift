import Foundation
import Testing

@testable import TensorCore

/// Naive triple loop for op(a)·op(b).
private func naiveProduct<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>, _ ta: Bool, _ tb: Bool) -> Tensor<S> {
    let m = ta ? a.shape[1] : a.shape[0]
    let k = ta ? a.shape[0] : a.shape[1]
    let n = tb ? b.shape[0] : b.shape[1]
    var out = [S](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s: S = 0
            for p in 0..<k {
                let x = ta ? a[p, i] : a[i, p]
                let y = tb ? b[j, p] : b[p, j]
                s += x * y
            }
            out[i * n + j] = s
        }
    }
    return Tensor(shape: [m, n], scalars: out)
}

@Suite struct TensorTests {
    init() { BLAS.setThreadCount(1) }

    private func checkMatmul<S: TensorScalar>(_: S.Type, tolerance: S) {
        var rng = Xoshiro256(seed: 1)
        let (m, k, n) = (5, 7, 3)
        for ta in [false, true] {
            for tb in [false, true] {
                let a = Tensor<S>.uniform(shape: ta ? [k, m] : [m, k], in: -1..<1, using: &rng)
                let b = Tensor<S>.uniform(shape: tb ? [n, k] : [k, n], in: -1..<1, using: &rng)
                let product = a.matmul(b, transposeSelf: ta, transposeOther: tb)
                #expect(product.shape == [m, n])
                #expect(product.maxAbsoluteDifference(naiveProduct(a, b, ta, tb)) < tolerance, "ta \(ta) tb \(tb)")
            }
        }
        // Row-vector (gemv) path.
        let x = Tensor<S>.uniform(shape: [1, k], in: -1..<1, using: &rng)
        let w = Tensor<S>.uniform(shape: [k, n], in: -1..<1, using: &rng)
        #expect(x.matmul(w).maxAbsoluteDifference(naiveProduct(x, w, false, false)) < tolerance)
    }

    @Test func matmulMatchesNaiveFloat() { checkMatmul(Float.self, tolerance: 1e-5) }
    @Test func matmulMatchesNaiveDouble() { checkMatmul(Double.self, tolerance: 1e-12) }

    @Test func softmaxAndLogSoftmax() {
        let x = Tensor<Double>(rows: [[1, 2, 3], [1000, 1000, 1000], [-5, 0, 5]])
        let p = x.softmax()
        let lp = x.logSoftmax()
        for r in 0..<3 {
            let row = (0..<3).map { p[r, $0] }
            #expect(abs(row.reduce(0, +) - 1) < 1e-12)
            for c in 0..<3 { #expect(abs(exp(lp[r, c]) - p[r, c]) < 1e-12) }
        }
        let e = [exp(1.0), exp(2.0), exp(3.0)]
        let z = e.reduce(0, +)
        for c in 0..<3 { #expect(abs(p[0, c] - e[c] / z) < 1e-12) }
        #expect(abs(p[1, 0] - 1.0 / 3) < 1e-12)  // stable for large logits
        #expect(lp.scalars.allSatisfy { $0.isFinite && $0 <= 0 })
    }

    @Test func sumAlongEachAxis() {
        let values = (0..<24).map(Double.init)
        let t = Tensor<Double>(shape: [2, 3, 4], scalars: values)
        for axis in 0..<3 {
            let s = t.sum(alongAxis: axis)
            var expectedShape = t.shape
            expectedShape.remove(at: axis)
            #expect(s.shape == expectedShape)
            for i in 0..<2 {
                for j in 0..<3 {
                    for k in 0..<4 {
                        var idx = [i, j, k]
                        if idx[axis] != 0 { continue }
                        var total = 0.0
                        for v in 0..<t.shape[axis] {
                            idx[axis] = v
                            total += t[idx[0], idx[1], idx[2]]
                        }
                        var out = [i, j, k]
                        out.remove(at: axis)
                        #expect(s[out[0], out[1]] == total)
                    }
                }
            }
        }
        #expect(t.sum() == 276)
    }
}
