import Testing

@testable import TensorCore

/// ``BatchDense``: bias, product and ReLU per block of rows on the pool, against a Double reference,
/// reproducible for a fixed thread count. Thread counts are explicit (no process-wide change).
@Suite struct BatchDenseTests {
    static func run(
        rows: Int, inputSize: Int, outputSize: Int, relu: Bool, threads: Int, x: [Float], w: [Float], b: [Float]
    ) -> [Float] {
        var y = [Float](repeating: .nan, count: rows * outputSize)
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                b.withUnsafeBufferPointer { bp in
                    y.withUnsafeMutableBufferPointer { yp in
                        BatchDense.forward(
                            x: xp.baseAddress!, weight: wp.baseAddress!, bias: bp.baseAddress!, rows: rows,
                            inputSize: inputSize, outputSize: outputSize, relu: relu, into: yp.baseAddress!,
                            threads: threads)
                    }
                }
            }
        }
        return y
    }

    @Test(arguments: [(1024, 64, 256), (300, 256, 10), (33, 7, 129), (5, 3, 4), (512, 1, 64)])
    func matchesTheReferenceOnEveryThreadCount(shape: (Int, Int, Int)) {
        let (rows, inputSize, outputSize) = shape
        var rng = Xoshiro256(seed: 5)
        let x = (0..<(rows * inputSize)).map { _ in Float(rng.nextStandardGaussian()) }
        let w = (0..<(inputSize * outputSize)).map { _ in Float(rng.nextStandardGaussian()) }
        let b = (0..<outputSize).map { _ in Float(rng.nextStandardGaussian()) }
        for relu in [false, true] {
            var reference = [Double](repeating: 0, count: rows * outputSize)
            var magnitude = [Double](repeating: 0, count: rows * outputSize)
            for r in 0..<rows {
                for j in 0..<outputSize {
                    var sum = Double(b[j])
                    var size = abs(Double(b[j]))
                    for i in 0..<inputSize {
                        sum += Double(x[r * inputSize + i]) * Double(w[i * outputSize + j])
                        size += abs(Double(x[r * inputSize + i]) * Double(w[i * outputSize + j]))
                    }
                    reference[r * outputSize + j] = relu ? max(sum, 0) : sum
                    magnitude[r * outputSize + j] = size
                }
            }
            for threads in [1, 2, 3] {
                let y = Self.run(
                    rows: rows, inputSize: inputSize, outputSize: outputSize, relu: relu, threads: threads, x: x, w: w,
                    b: b)
                let worst = zip(y, zip(reference, magnitude)).map { abs(Double($0) - $1.0) / $1.1 }.max() ?? 0
                #expect(worst < 1e-6, "\(shape) relu \(relu) threads \(threads): \(worst)")
                if relu { #expect(y.allSatisfy { $0 >= 0 }) }
                let again = Self.run(
                    rows: rows, inputSize: inputSize, outputSize: outputSize, relu: relu, threads: threads, x: x, w: w,
                    b: b)
                #expect(again == y)
            }
        }
    }

    @Test func reluTurnsNaNIntoZeroAndEmptyShapesWriteNothing() {
        // A NaN input makes its row NaN before the ReLU, which maps NaN to 0 (as the layer's ReLU does).
        let y = Self.run(
            rows: 40, inputSize: 2, outputSize: 48, relu: true, threads: 2,
            x: [Float.nan, 1] + Array(repeating: 1, count: 78), w: Array(repeating: 0.5, count: 96),
            b: Array(repeating: -0.25, count: 48))
        #expect(y.prefix(48).allSatisfy { $0 == 0 })
        #expect(y.dropFirst(48).allSatisfy { $0 == 0.75 })
        let empty = Self.run(rows: 0, inputSize: 3, outputSize: 4, relu: true, threads: 2, x: [], w: [Float](repeating: 1, count: 12), b: [0, 0, 0, 0])
        #expect(empty.isEmpty)
    }
}
