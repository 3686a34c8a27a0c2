import Testing

@testable import TensorCore

/// The products split between the pool's threads (``PooledBLAS``): every transpose combination,
/// odd sizes, padded strides; results reproducible for a fixed thread count and within rounding of
/// the single-threaded product. The thread count is passed explicitly, so these tests never change
/// the process-wide ``BLAS/threadCount`` other suites rely on.
@Suite struct PooledBLASTests {
    /// `(threads, …) -> Void` for one scalar type: a gemm with an explicit thread count.
    typealias Gemm<T> = @Sendable (
        Int, Bool, Bool, Int, Int, Int, T, UnsafePointer<T>, Int, UnsafePointer<T>, Int, T, UnsafeMutablePointer<T>,
        Int
    ) -> Void

    static let sgemm: Gemm<Float> = { threads, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
        BLASBridge.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads: threads)
    }
    static let dgemm: Gemm<Double> = { threads, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
        BLASBridge.dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads: threads)
    }

    /// Sizes `(m, n, k)`: split by rows (m ≥ n) and by columns, odd extents, a block boundary
    /// inside a 16-row group, k = 1, and products too small to split.
    static let shapes = [(257, 129, 67), (67, 301, 129), (300, 17, 99), (33, 1001, 5), (128, 128, 1), (7, 5, 3), (96, 96, 96)]

    /// One product on `threads` threads: `C` starts as `c0` (`ldc = n + 3`), `A` and `B` are
    /// stored with 2 and 5 elements of padding per row. Returns `C` without padding.
    static func product<T: TensorScalar>(
        _ gemm: Gemm<T>, threads: Int, ta: Bool, tb: Bool, m: Int, n: Int, k: Int, alpha: T, beta: T,
        a: [T], b: [T], c0: [T]
    ) -> [T] {
        let lda = (ta ? m : k) + 2
        let ldb = (tb ? k : n) + 5
        let ldc = n + 3
        var c = c0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    gemm(
                        threads, ta, tb, m, n, k, alpha, ap.baseAddress!, lda, bp.baseAddress!, ldb, beta,
                        cp.baseAddress!, ldc)
                }
            }
        }
        var packed = [T]()
        for i in 0..<m { packed += c[(i * ldc)..<(i * ldc + n)] }
        // The padding of C is untouched.
        for i in 0..<m { for j in n..<ldc { precondition(c[i * ldc + j] == c0[i * ldc + j]) } }
        return packed
    }

    /// The naive product in Double and the scale `|alpha|·Σ|a||b| + |beta·c|` of each output.
    static func reference<T: TensorScalar>(
        ta: Bool, tb: Bool, m: Int, n: Int, k: Int, alpha: T, beta: T, a: [T], b: [T], c0: [T]
    ) -> (values: [Double], scales: [Double]) {
        let lda = (ta ? m : k) + 2
        let ldb = (tb ? k : n) + 5
        let ldc = n + 3
        var values = [Double](repeating: 0, count: m * n)
        var scales = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                var scale = 0.0
                for p in 0..<k {
                    let x = Double(ta ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    scale += Swift.abs(x * y)
                }
                let c = Double(c0[i * ldc + j])
                values[i * n + j] = Double(alpha) * sum + Double(beta) * c
                scales[i * n + j] = Swift.abs(Double(alpha)) * scale + Swift.abs(Double(beta) * c) + 1e-30
            }
        }
        return (values, scales)
    }

    /// The exact values (a Float or Double converts to Double exactly, sign of zero included).
    static func bits<T: TensorScalar>(_ values: [T]) -> [UInt64] { values.map { Double($0).bitPattern } }

    static func check<T: TensorScalar>(_ gemm: Gemm<T>, shape: (Int, Int, Int), tolerance: Double, seed: UInt64) {
        let (m, n, k) = shape
        var rng = Xoshiro256(seed: seed)
        for ta in [false, true] {
            for tb in [false, true] {
                for (alpha, beta) in [(T(1), T(0)), (T(-0.75), T(1.25))] {
                    let a = Tensor<T>.gaussian(shape: [m * k + 2 * Swift.max(m, k)], using: &rng).scalars
                    let b = Tensor<T>.gaussian(shape: [k * n + 5 * Swift.max(k, n)], using: &rng).scalars
                    let c0 = Tensor<T>.gaussian(shape: [m * (n + 3)], using: &rng).scalars
                    let one = product(gemm, threads: 1, ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b, c0: c0)
                    let expected = reference(ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b, c0: c0)
                    for threads in [2, 3] {
                        let split = product(
                            gemm, threads: threads, ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b, c0: c0)
                        var worstSplit = 0.0
                        var worstReference = 0.0
                        for i in split.indices {
                            worstSplit = Swift.max(worstSplit, Swift.abs(Double(split[i]) - Double(one[i])) / expected.scales[i])
                            worstReference = Swift.max(
                                worstReference, Swift.abs(Double(split[i]) - expected.values[i]) / expected.scales[i])
                        }
                        let label = "\(T.self) \(shape) ta \(ta) tb \(tb) alpha \(alpha) beta \(beta) threads \(threads)"
                        #expect(worstSplit <= tolerance, "\(label): split vs serial \(worstSplit)")
                        // Rounding of a k-term sum: at most about k units in the last place of the scale.
                        let referenceTolerance = Double(k + 2) * Double(T.ulpOfOne)
                        #expect(worstReference <= referenceTolerance, "\(label): vs reference \(worstReference)")
                        // Reproducible for a fixed thread count, whichever thread computed a block.
                        for _ in 0..<3 {
                            let again = product(
                                gemm, threads: threads, ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b,
                                c0: c0)
                            #expect(Self.bits(again) == Self.bits(split), "\(label): not reproducible")
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: shapes)
    func floatGemmSplitMatchesTheSerialProduct(shape: (Int, Int, Int)) {
        Self.check(Self.sgemm, shape: shape, tolerance: 1e-6, seed: 1)
    }

    @Test(arguments: shapes)
    func doubleGemmSplitMatchesTheSerialProduct(shape: (Int, Int, Int)) {
        Self.check(Self.dgemm, shape: shape, tolerance: 1e-14, seed: 2)
    }

    /// gemv split by blocks of `y`, both orientations, padded rows.
    @Test(arguments: [(513, 300), (300, 513), (1000, 70), (9, 9)])
    func gemvSplitMatchesTheSerialProduct(shape: (Int, Int)) {
        let (rows, columns) = shape
        let lda = columns + 3
        var rng = Xoshiro256(seed: UInt64(rows * 7 + columns))
        let a = Tensor<Float>.gaussian(shape: [rows * lda], using: &rng).scalars
        for transpose in [false, true] {
            let x = Tensor<Float>.gaussian(shape: [transpose ? rows : columns], using: &rng).scalars
            let y0 = Tensor<Float>.gaussian(shape: [transpose ? columns : rows], using: &rng).scalars
            func run(threads: Int) -> [Float] {
                var y = y0
                a.withUnsafeBufferPointer { ap in
                    x.withUnsafeBufferPointer { xp in
                        y.withUnsafeMutableBufferPointer { yp in
                            BLASBridge.sgemv(
                                transpose, rows, columns, 0.5, ap.baseAddress!, lda, xp.baseAddress!, 2, yp.baseAddress!,
                                threads: threads)
                        }
                    }
                }
                return y
            }
            let one = run(threads: 1)
            for threads in [2, 4] {
                let split = run(threads: threads)
                for i in split.indices {
                    var scale = Swift.abs(2 * Double(y0[i]))
                    let count = transpose ? rows : columns
                    for p in 0..<count {
                        scale += 0.5 * Swift.abs(Double(transpose ? a[p * lda + i] : a[i * lda + p]) * Double(x[p]))
                    }
                    #expect(Swift.abs(Double(split[i]) - Double(one[i])) <= 1e-6 * scale, "\(shape) t \(transpose) [\(i)]")
                }
                #expect(run(threads: threads).map(\.bitPattern) == split.map(\.bitPattern))
            }
        }
    }

    /// Concurrent callers (one gets the helpers, the others run every block themselves) get the
    /// same bits as a lone caller.
    @Test func concurrentCallersGetTheSameBits() async {
        let (m, n, k) = (256, 200, 64)
        var rng = Xoshiro256(seed: 9)
        let a = Tensor<Float>.gaussian(shape: [m * k + 2 * m], using: &rng).scalars
        let b = Tensor<Float>.gaussian(shape: [k * n + 5 * k], using: &rng).scalars
        let c0 = [Float](repeating: 0, count: m * (n + 3))
        let alone = Self.product(Self.sgemm, threads: 2, ta: false, tb: false, m: m, n: n, k: k, alpha: 1, beta: 0, a: a, b: b, c0: c0)
        let results = await withTaskGroup(of: [Float].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var last = [Float]()
                    for _ in 0..<10 {
                        last = Self.product(Self.sgemm, threads: 2, ta: false, tb: false, m: m, n: n, k: k, alpha: 1, beta: 0, a: a, b: b, c0: c0)
                    }
                    return last
                }
            }
            var all = [[Float]]()
            for await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r.map(\.bitPattern) == alone.map(\.bitPattern)) }
    }

    /// Block boundaries: multiples of 16 except the last, increasing, one block per thread at most,
    /// and no split below the work threshold or on one thread.
    @Test func blocksFollowTheThresholds() {
        #expect(PooledBLAS.partCount(threads: 1, extent: 1000, work: 1 << 30, minimumWork: 1) == 1)
        #expect(PooledBLAS.partCount(threads: 2, extent: 1000, work: 1 << 10, minimumWork: 1 << 16) == 1)
        #expect(PooledBLAS.partCount(threads: 2, extent: 31, work: 1 << 30, minimumWork: 1) == 1)
        #expect(PooledBLAS.partCount(threads: 2, extent: 32, work: 1 << 30, minimumWork: 1) == 2)
        #expect(PooledBLAS.partCount(threads: 8, extent: 1000, work: 3 << 16, minimumWork: 1 << 16) == 3)
        for (extent, parts) in [(32, 2), (33, 2), (257, 2), (1000, 3), (1000, 7)] {
            let bounds = PooledBLAS.withBounds(extent: extent, parts: parts) { Array(UnsafeBufferPointer(start: $0, count: parts + 1)) }
            #expect(bounds.first == 0 && bounds.last == extent)
            for p in 1..<parts {
                #expect(bounds[p] % PooledBLAS.granularity == 0)
                #expect(bounds[p] > bounds[p - 1])
            }
        }
    }

    /// OpenBLAS itself is single-threaded once TensorCore has configured it; a single-thread
    /// section reports one thread.
    @Test func openBLASRunsOnOneThread() {
        _ = BLAS.threadCount
        #expect(BLAS.openBLASThreadCount == 1)
        BLAS.withSingleThread { #expect(BLAS.threadCount == 1) }
    }
}
