import Testing
import TensorCore

@testable import NeuralNet

private func gaussian(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    var rng = Xoshiro256(seed: seed)
    return Tensor<Double>.gaussian(shape: shape, using: &rng)
}

@Suite("ColumnBranches")
struct ColumnBranchesTests {
    func layer(seed: UInt64) -> ColumnBranches<Double> {
        var rng = Xoshiro256(seed: seed)
        let a = Sequential<Double>(Dense<Double>(inputSize: 2, outputSize: 3, using: &rng), Tanh<Double>())
        let b = Sequential<Double>(Dense<Double>(inputSize: 3, outputSize: 2, using: &rng))
        // Column 5 is unused: its input gradient must be zero.
        return ColumnBranches(inputWidth: 6, branches: [(0..<2, a), (2..<5, b)])
    }

    @Test func concatenatesBranchOutputs() {
        let l = layer(seed: 1)
        let x = gaussian([3, 6], seed: 2)
        let y: Tensor<Double> = l(x)
        #expect(y.shape == [3, 5])
        let left: Tensor<Double> = l.networks[0](ColumnBranches<Double>.slice(x, 0..<2))
        let right: Tensor<Double> = l.networks[1](ColumnBranches<Double>.slice(x, 2..<5))
        for r in 0..<3 {
            let row = Array(y.scalars[(r * 5)..<(r * 5 + 5)])
            let expected = Array(left.scalars[(r * 3)..<(r * 3 + 3)]) + Array(right.scalars[(r * 2)..<(r * 2 + 2)])
            #expect(row == expected)
        }
    }

    @Test func gradientCheck() {
        let l = layer(seed: 3)
        let report = GradientCheck.check(l, input: gaussian([2, 6], seed: 4), seed: 5)
        #expect(report.parameterErrors.count == 4)
        #expect(report.maxError <= 1e-6, "\(report)")
        var rng = Xoshiro256(seed: 6)
        let (_, pullback) = l.forward(gaussian([2, 6], seed: 4), training: true, using: &rng)
        let dx = pullback(Tensor(shape: [2, 5], scalars: [Double](repeating: 1, count: 10))).input
        #expect(dx.scalars[5] == 0 && dx.scalars[11] == 0)
    }

    @Test func parametersRoundTrip() {
        var l = layer(seed: 7)
        let doubled = l.parameters.map { $0 * 2 }
        l.parameters = doubled
        #expect(l.parameters == doubled)
        #expect(l.networks[1].parameters == Array(doubled[2...]))
    }
}
