import Foundation
import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

/// The documented equations, evaluated one scalar at a time.
private func referenceGRU(_ gru: GRU<Double>, _ x: Tensor<Double>) -> Tensor<Double> {
    let (batch, time, inputSize) = (x.shape[0], x.shape[1], x.shape[2])
    let h = gru.hiddenSize
    func sigma(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
    var out = Tensor<Double>(zeros: [batch, time, h])
    for b in 0..<batch {
        var state = [Double](repeating: 0, count: h)
        for t in 0..<time {
            var next = state
            for j in 0..<h {
                func projection(_ gate: Int) -> (input: Double, hidden: Double) {
                    var a = gru.inputBias[gate * h + j]
                    for i in 0..<inputSize { a += x[b, t, i] * gru.inputWeight[i, gate * h + j] }
                    var c = gru.hiddenBias[gate * h + j]
                    for k in 0..<h { c += state[k] * gru.hiddenWeight[k, gate * h + j] }
                    return (a, c)
                }
                let (ir, hr) = projection(0)
                let (iz, hz) = projection(1)
                let (inn, hn) = projection(2)
                let r = sigma(ir + hr)
                let z = sigma(iz + hz)
                let n = tanh(inn + r * hn)
                next[j] = (1 - z) * n + z * state[j]
            }
            state = next
            for j in 0..<h { out[b, t, j] = state[j] }
        }
    }
    return out
}

@Suite struct RecurrentTests {
    init() { BLAS.setThreadCount(1) }

    @Test func matchesTheDocumentedEquations() {
        var rng = Xoshiro256(seed: 1)
        let gru = GRU<Double>(inputSize: 3, hiddenSize: 4, using: &rng)
        let x = F.gaussian([2, 5, 3], seed: 2)
        let y = gru(x)
        #expect(y.shape == [2, 5, 4])
        #expect(y.maxAbsoluteDifference(referenceGRU(gru, x)) <= 1e-12)
    }

    @Test func lastStateOption() {
        var rng = Xoshiro256(seed: 1)
        let all = GRU<Double>(inputSize: 3, hiddenSize: 4, using: &rng)
        let last = GRU(
            inputWeight: all.inputWeight, hiddenWeight: all.hiddenWeight, inputBias: all.inputBias,
            hiddenBias: all.hiddenBias, returnsSequences: false)
        let x = F.gaussian([2, 5, 3], seed: 2)
        let sequence = all(x)
        let final = last(x)
        #expect(final.shape == [2, 4])
        for b in 0..<2 {
            for j in 0..<4 { #expect(final[b, j] == sequence[b, 4, j]) }
        }
    }

    @Test(arguments: [true, false])
    func gradientCheck(returnsSequences: Bool) {
        var rng = Xoshiro256(seed: 3)
        let gru = GRU<Double>(inputSize: 3, hiddenSize: 3, returnsSequences: returnsSequences, using: &rng)
        let report = GradientCheck.check(gru, input: F.gaussian([2, 4, 3], seed: 4), seed: 5)
        #expect(report.maxError <= 1e-6, "\(report)")
        #expect(report.parameterErrors.count == 4)
    }

    @Test func parameterLayout() {
        var rng = Xoshiro256(seed: 6)
        let gru = GRU<Float>(inputSize: 2, hiddenSize: 5, using: &rng)
        #expect(gru.parameters.map(\.shape) == [[2, 15], [5, 15], [15], [15]])
        let bound = 1 / Float(5).squareRoot()
        #expect(gru.parameters.allSatisfy { $0.scalars.allSatisfy { abs($0) <= bound } })
    }

    @Test func floatMatchesDouble() {
        var rng = Xoshiro256(seed: 7)
        let gru = GRU<Double>(inputSize: 2, hiddenSize: 3, using: &rng)
        let p = gru.parameters.map { $0.converted(to: Float.self) }
        let gruFloat = GRU(inputWeight: p[0], hiddenWeight: p[1], inputBias: p[2], hiddenBias: p[3])
        let x = F.gaussian([2, 6, 2], seed: 8)
        #expect(gruFloat(x.converted()).converted(to: Double.self).maxAbsoluteDifference(gru(x)) <= 1e-5)
    }
}
