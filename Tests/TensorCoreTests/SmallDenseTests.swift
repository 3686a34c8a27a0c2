import Testing

@testable import TensorCore

@Suite struct SmallDenseTests {
    /// The reference: the naive triple loop in Double.
    static func naive(_ x: [Float], _ w: [Float], _ b: [Float]?, rows: Int, n: Int, m: Int, relu: Bool) -> [Double] {
        var y = [Double](repeating: 0, count: rows * m)
        for r in 0..<rows {
            for j in 0..<m {
                var s = Double(b?[j] ?? 0)
                for i in 0..<n { s += Double(x[r * n + i]) * Double(w[i * m + j]) }
                y[r * m + j] = relu ? Swift.max(s, 0) : s
            }
        }
        return y
    }

    static func run(
        _ x: [Float], _ w: [Float], _ b: [Float]?, rows: Int, n: Int, m: Int, relu: Bool, path: SmallDense.Path,
        threads: Int? = nil
    ) -> [Float] {
        var y = [Float](repeating: .nan, count: rows * m)
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    if let b {
                        b.withUnsafeBufferPointer { bp in
                            SmallDense.forward(
                                x: xp.baseAddress!, weight: wp.baseAddress!, bias: bp.baseAddress!, rows: rows,
                                inputSize: n, outputSize: m, relu: relu, into: yp.baseAddress!, path: path,
                                threads: threads)
                        }
                    } else {
                        SmallDense.forward(
                            x: xp.baseAddress!, weight: wp.baseAddress!, bias: nil, rows: rows, inputSize: n,
                            outputSize: m, relu: relu, into: yp.baseAddress!, path: path, threads: threads)
                    }
                }
            }
        }
        return y
    }

    /// Every column-block size (64, 32, 16, 8 and the scalar tail), with and without bias and ReLU,
    /// on both paths, against the naive loop.
    @Test(arguments: [(1, 64, 256), (1, 256, 32), (1, 256, 10), (3, 32, 256), (2, 7, 125), (1, 1, 1), (4, 19, 64)])
    func matchesTheNaiveLoop(shape: (Int, Int, Int)) {
        let (rows, n, m) = shape
        var rng = Xoshiro256(seed: UInt64(rows * 1000 + n * 10 + m))
        let x = Tensor<Float>.gaussian(shape: [rows, n], using: &rng).scalars
        let w = Tensor<Float>.gaussian(shape: [n, m], using: &rng).scalars
        let b = Tensor<Float>.gaussian(shape: [m], using: &rng).scalars
        for bias in [true, false] {
            for relu in [false, true] {
                let expected = Self.naive(x, w, bias ? b : nil, rows: rows, n: n, m: m, relu: relu)
                for path in [SmallDense.Path.automatic, .portable] {
                    let y = Self.run(x, w, bias ? b : nil, rows: rows, n: n, m: m, relu: relu, path: path)
                    var worst = 0.0
                    for k in y.indices { worst = Swift.max(worst, Swift.abs(Double(y[k]) - expected[k])) }
                    // Float sums of n terms of size ~1: error ≲ n·2⁻²⁴·√n-ish; allow 1e-5·(n + 1).
                    #expect(worst <= 1e-5 * Double(n + 1), "\(shape) bias \(bias) relu \(relu) \(path): \(worst)")
                    if relu { #expect(y.allSatisfy { $0 >= 0 }) }
                }
            }
        }
    }

    /// Two threads (columns split with a helper thread) give bit-identical results to one, for
    /// shapes that split (≥ 64 outputs, ≥ 16,384 multiply-adds) with even and odd column counts and
    /// weights at every alignment, on both paths; repeated calls reuse the spinning or sleeping helper.
    @Test(arguments: [(1, 64, 256), (1, 256, 256), (4, 300, 70), (2, 129, 200), (1, 256, 64)])
    func twoThreadsGiveTheSameBits(shape: (Int, Int, Int)) {
        let (rows, n, m) = shape
        var rng = Xoshiro256(seed: UInt64(7 + rows * 1000 + n * 10 + m))
        let x = Tensor<Float>.gaussian(shape: [rows, n], using: &rng).scalars
        let storage = Tensor<Float>.gaussian(shape: [n * m + 16], using: &rng).scalars
        let b = Tensor<Float>.gaussian(shape: [m], using: &rng).scalars
        // The weights start 0, 3 and 8 floats into one buffer: every 64-byte alignment case.
        func product(offset: Int, path: SmallDense.Path, relu: Bool, threads: Int) -> [UInt32] {
            var y = [Float](repeating: .nan, count: rows * m)
            x.withUnsafeBufferPointer { xp in
                storage.withUnsafeBufferPointer { sp in
                    b.withUnsafeBufferPointer { bp in
                        y.withUnsafeMutableBufferPointer { yp in
                            SmallDense.forward(
                                x: xp.baseAddress!, weight: sp.baseAddress! + offset, bias: bp.baseAddress!, rows: rows,
                                inputSize: n, outputSize: m, relu: relu, into: yp.baseAddress!, path: path,
                                threads: threads)
                        }
                    }
                }
            }
            return y.map(\.bitPattern)
        }
        for offset in [0, 3, 8] {
            for path in [SmallDense.Path.automatic, .portable] {
                for relu in [false, true] {
                    let one = product(offset: offset, path: path, relu: relu, threads: 1)
                    #expect(!one.contains(Float.nan.bitPattern))
                    // More calls than the kernel's exploration period: both the split and the
                    // unsplit mode run, whichever the timing prefers.
                    for _ in 0..<40 {
                        let two = product(offset: offset, path: path, relu: relu, threads: 2)
                        #expect(two == one, "\(shape) offset \(offset) \(path) relu \(relu)")
                    }
                }
            }
        }
    }

    /// Agrees with the BLAS product `x · W + b`.
    @Test func matchesBLAS() {
        var rng = Xoshiro256(seed: 11)
        let x = Tensor<Float>.gaussian(shape: [2, 256], using: &rng)
        let w = Tensor<Float>.gaussian(shape: [256, 256], using: &rng)
        let b = Tensor<Float>.gaussian(shape: [256], using: &rng)
        var reference = x.matmul(w)
        reference.addRow(b)
        for path in [SmallDense.Path.automatic, .portable] {
            let y = Self.run(x.scalars, w.scalars, b.scalars, rows: 2, n: 256, m: 256, relu: false, path: path)
            var worst: Float = 0
            for k in y.indices { worst = Swift.max(worst, Swift.abs(y[k] - reference.scalars[k])) }
            #expect(worst <= 1e-3, "\(path): \(worst)")
        }
    }

    /// Every alignment of the weights (the AVX2 path peels to 64-byte boundaries) and of the output:
    /// correct values, and nothing written outside the output.
    @Test func everyAlignmentStaysInBounds() {
        var rng = Xoshiro256(seed: 5)
        for (n, m) in [(3, 8), (5, 16), (4, 24), (2, 10), (2, 72), (3, 80)] {
            let wBase = Tensor<Float>.gaussian(shape: [n * m + 16], using: &rng).scalars
            let bBase = Tensor<Float>.gaussian(shape: [m + 16], using: &rng).scalars
            let x = Tensor<Float>.gaussian(shape: [2, n], using: &rng).scalars
            for offset in 0..<16 {
                let w = Array(wBase[offset..<(offset + n * m)])
                let b = Array(bBase[offset..<(offset + m)])
                let expected = Self.naive(x, w, b, rows: 2, n: n, m: m, relu: false)
                for path in [SmallDense.Path.automatic, .portable] {
                    let guardCount = 16 + offset
                    var y = [Float](repeating: -7, count: 2 * m + 2 * guardCount)
                    wBase.withUnsafeBufferPointer { wp in
                        bBase.withUnsafeBufferPointer { bp in
                            x.withUnsafeBufferPointer { xp in
                                y.withUnsafeMutableBufferPointer { yp in
                                    SmallDense.forward(
                                        x: xp.baseAddress!, weight: wp.baseAddress! + offset,
                                        bias: bp.baseAddress! + offset, rows: 2, inputSize: n, outputSize: m,
                                        relu: false, into: yp.baseAddress! + guardCount, path: path)
                                }
                            }
                        }
                    }
                    let outside = y[..<guardCount] + y[(guardCount + 2 * m)...]
                    #expect(outside.allSatisfy { $0 == -7 }, "\(n)×\(m) offset \(offset) \(path): write out of bounds")
                    var worst = 0.0
                    for k in 0..<(2 * m) {
                        worst = Swift.max(worst, Swift.abs(Double(y[guardCount + k]) - expected[k]))
                    }
                    #expect(worst <= 1e-5 * Double(n + 1), "\(n)×\(m) offset \(offset) \(path): \(worst)")
                }
            }
        }
    }

    /// Zero rows or outputs write nothing.
    @Test func emptyShapesAreNoOps() {
        let y = Self.run([], [], nil, rows: 0, n: 3, m: 4, relu: true, path: .automatic)
        #expect(y.isEmpty)
        let z = Self.run([1, 2], [], [], rows: 1, n: 2, m: 0, relu: false, path: .portable)
        #expect(z.isEmpty)
    }
}

@Suite struct SmallDenseChainTests {
    /// A chain of `sizes.count − 1` layers with random weights, biases and ReLU flags.
    static func layers(_ sizes: [Int], seed: UInt64) -> (
        weights: [Tensor<Float>], biases: [Tensor<Float>], relu: [Bool]
    ) {
        var rng = Xoshiro256(seed: seed)
        var weights: [Tensor<Float>] = []
        var biases: [Tensor<Float>] = []
        var relu: [Bool] = []
        for k in 0..<(sizes.count - 1) {
            weights.append(Tensor.gaussian(shape: [sizes[k], sizes[k + 1]], using: &rng))
            biases.append(Tensor.gaussian(shape: [sizes[k + 1]], using: &rng))
            relu.append(k % 2 == 0)
        }
        return (weights, biases, relu)
    }

    /// The layers one by one through `SmallDense.forward` on the weights' own (unaligned) arrays.
    static func layerByLayer(
        _ x: [Float], rows: Int, weights: [Tensor<Float>], biases: [Tensor<Float>], relu: [Bool], threads: Int
    ) -> [Float] {
        var h = x
        for k in weights.indices {
            h = SmallDenseTests.run(
                h, weights[k].scalars, biases[k].scalars, rows: rows, n: weights[k].shape[0], m: weights[k].shape[1],
                relu: relu[k], path: .automatic, threads: threads)
        }
        return h
    }

    /// The prepared chain gives the bits of the layers applied one by one, for every row count,
    /// odd widths, and one or two threads.
    @Test(arguments: [[64, 256, 256, 32, 256, 256, 10], [7, 125, 3], [300, 70], [1, 1], [19, 64, 129, 200, 5]])
    func matchesLayerByLayer(sizes: [Int]) {
        let (weights, biases, relu) = Self.layers(sizes, seed: UInt64(sizes.reduce(0, +)))
        let chain = SmallDense.Chain(weights: weights, biases: biases, relu: relu)
        #expect(chain.inputSize == sizes[0] && chain.outputSize == sizes[sizes.count - 1])
        var rng = Xoshiro256(seed: 3)
        for rows in 1...SmallDense.preferredMaximumRows {
            let x = Tensor<Float>.gaussian(shape: [rows, sizes[0]], using: &rng)
            let y = chain(x)
            #expect(y.shape == [rows, sizes[sizes.count - 1]])
            for threads in [1, 2] {
                let expected = Self.layerByLayer(
                    x.scalars, rows: rows, weights: weights, biases: biases, relu: relu, threads: threads)
                #expect(
                    y.scalars.map(\.bitPattern) == expected.map(\.bitPattern),
                    "\(sizes) rows \(rows) threads \(threads)")
            }
        }
    }

    /// The chain keeps its own copy: changing the source arrays afterwards does not change it.
    @Test func holdsACopy() {
        var (weights, biases, relu) = Self.layers([5, 9, 4], seed: 8)
        let chain = SmallDense.Chain(weights: weights, biases: biases, relu: relu)
        let x = Tensor<Float>(shape: [1, 5], scalars: [1, -2, 3, 0.5, -1])
        let before = chain(x)
        weights[0].scalars[0] += 10
        biases[1].scalars[0] += 10
        #expect(chain(x) == before)
        #expect(SmallDense.Chain(weights: weights, biases: biases, relu: relu)(x) != before)
    }

    /// Concurrent callers (one holding the chain's scratch, the others their own) all get the result
    /// of a single caller.
    @Test func concurrentCallsAgree() async {
        let (weights, biases, relu) = Self.layers([32, 128, 128, 8], seed: 9)
        let chain = SmallDense.Chain(weights: weights, biases: biases, relu: relu, maximumRows: 3)
        var rng = Xoshiro256(seed: 10)
        let inputs = (0..<8).map { _ in Tensor<Float>.gaussian(shape: [3, 32], using: &rng) }
        let expected = inputs.map { chain($0) }
        let agree = await withTaskGroup(of: Bool.self) { group in
            for k in 0..<32 {
                group.addTask {
                    var same = true
                    for _ in 0..<50 { same = same && chain(inputs[k % 8]) == expected[k % 8] }
                    return same
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(agree)
    }

    /// Shapes that do not chain, and more rows than prepared for, stop the process.
    @Test func misuseTraps() async {
        await #expect(processExitsWith: .failure) {
            let w = [Tensor<Float>(zeros: [4, 3]), Tensor<Float>(zeros: [2, 5])]  // 3 outputs into 2 inputs
            _ = SmallDense.Chain(weights: w, biases: [Tensor(zeros: [3]), Tensor(zeros: [5])], relu: [true, false])
        }
        await #expect(processExitsWith: .failure) {
            let chain = SmallDense.Chain(
                weights: [Tensor<Float>(zeros: [4, 3])], biases: [Tensor(zeros: [3])], relu: [false], maximumRows: 2)
            _ = chain(Tensor<Float>(zeros: [3, 4]))
        }
    }
}
