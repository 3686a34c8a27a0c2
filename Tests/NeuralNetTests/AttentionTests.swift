import Foundation
import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

/// Scaled dot-product attention written out with scalar loops.
private func referenceAttention(_ layer: MultiHeadAttention<Double>, _ x: Tensor<Double>) -> Tensor<Double> {
    let (batch, time, m) = (x.shape[0], x.shape[1], x.shape[2])
    let d = m / layer.headCount
    func project(_ w: Tensor<Double>, _ bias: Tensor<Double>, _ b: Int, _ t: Int, _ f: Int) -> Double {
        var s = bias[f]
        for i in 0..<m { s += x[b, t, i] * w[i, f] }
        return s
    }
    var out = Tensor<Double>(zeros: [batch, time, m])
    for b in 0..<batch {
        var heads = Tensor<Double>(zeros: [time, m])
        for hd in 0..<layer.headCount {
            for i in 0..<time {
                var scores = [Double](repeating: -Double.infinity, count: time)
                for j in 0..<time where !layer.isCausal || j <= i {
                    var s = 0.0
                    for f in (hd * d)..<((hd + 1) * d) {
                        s += project(layer.queryWeight, layer.queryBias, b, i, f)
                            * project(layer.keyWeight, layer.keyBias, b, j, f)
                    }
                    scores[j] = s / Double(d).squareRoot()
                }
                let largest = scores.max()!
                let weights = scores.map { exp($0 - largest) }
                let total = weights.reduce(0, +)
                for f in (hd * d)..<((hd + 1) * d) {
                    var s = 0.0
                    for j in 0..<time { s += weights[j] / total * project(layer.valueWeight, layer.valueBias, b, j, f) }
                    heads[i, f] = s
                }
            }
        }
        for t in 0..<time {
            for f in 0..<m {
                var s = layer.outputBias[f]
                for i in 0..<m { s += heads[t, i] * layer.outputWeight[i, f] }
                out[b, t, f] = s
            }
        }
    }
    return out
}

/// An attention layer with random (non-zero) biases so every parameter is exercised.
private func randomAttention(modelSize: Int, headCount: Int, isCausal: Bool, seed: UInt64) -> MultiHeadAttention<Double> {
    var rng = Xoshiro256(seed: seed)
    var layer = MultiHeadAttention<Double>(modelSize: modelSize, headCount: headCount, isCausal: isCausal, using: &rng)
    layer.parameters = layer.parameters.enumerated().map { i, p in
        p.rank == 1 ? F.gaussian(p.shape, seed: seed &+ UInt64(i), scale: 0.3) : p
    }
    return layer
}

@Suite struct AttentionTests {
    init() { BLAS.setThreadCount(1) }

    @Test(arguments: [false, true])
    func matchesReference(isCausal: Bool) {
        let layer = randomAttention(modelSize: 6, headCount: 3, isCausal: isCausal, seed: 1)
        let x = F.gaussian([2, 4, 6], seed: 2)
        #expect(layer(x).maxAbsoluteDifference(referenceAttention(layer, x)) <= 1e-12)
    }

    @Test(arguments: [false, true])
    func gradientCheck(isCausal: Bool) {
        let layer = randomAttention(modelSize: 4, headCount: 2, isCausal: isCausal, seed: 3)
        let report = GradientCheck.check(layer, input: F.gaussian([2, 3, 4], seed: 4), seed: 5)
        #expect(report.parameterErrors.count == 8)
        // Every gradient but the key bias's is checked relatively. The key bias's true gradient is
        // exactly zero, so its central differences are pure rounding noise (~1e-10) that the
        // checker's 1e-6 floor would turn into a large "relative" error; it is checked below in
        // absolute terms instead.
        #expect(report.inputError <= 1e-6, "\(report)")
        for (i, error) in report.parameterErrors.enumerated() where i != 3 {
            #expect(error <= 1e-6, "parameter \(i): \(report)")
        }
        // The key bias adds the same q·b_k to every score of a row, which the softmax ignores:
        // its analytic gradient must vanish (up to rounding).
        var rng = Xoshiro256(seed: 0)
        let x = F.gaussian([2, 3, 4], seed: 4)
        let (y, pullback) = layer.forward(x, training: true, using: &rng)
        let keyBiasGradient = pullback(F.gaussian(y.shape, seed: 6)).parameters[3]
        #expect(keyBiasGradient.scalars.allSatisfy { abs($0) <= 1e-12 })
    }

    @Test func causalOutputsDoNotDependOnFutureSteps() {
        let causal = randomAttention(modelSize: 4, headCount: 2, isCausal: true, seed: 7)
        let open = randomAttention(modelSize: 4, headCount: 2, isCausal: false, seed: 7)
        let x = F.gaussian([1, 5, 4], seed: 8)
        var changed = x
        for f in 0..<4 { changed[0, 3, f] += 1.5 }  // perturb step 3 only
        let before = causal(x)
        let after = causal(changed)
        for t in 0..<3 {
            for f in 0..<4 { #expect(before[0, t, f] == after[0, t, f]) }
        }
        #expect((0..<4).contains { before[0, 3, $0] != after[0, 3, $0] })
        // Without the mask, earlier steps do see the change.
        #expect((0..<4).contains { open(x)[0, 0, $0] != open(changed)[0, 0, $0] })
        // Gradients: nothing flows from step 1's output back to steps 2…4.
        var rng = Xoshiro256(seed: 0)
        let (y, pullback) = causal.forward(x, training: true, using: &rng)
        var dy = Tensor<Double>(zeros: y.shape)
        for f in 0..<4 { dy[0, 1, f] = 1 }
        let dx = pullback(dy).input
        for t in 2..<5 {
            for f in 0..<4 { #expect(dx[0, t, f] == 0) }
        }
    }

    @Test func attentionWeightsAreDistributions() {
        let layer = randomAttention(modelSize: 4, headCount: 2, isCausal: true, seed: 9)
        let weights = layer.attentionWeights(F.gaussian([2, 4, 4], seed: 10))
        #expect(weights.shape == [2, 2, 4, 4])
        for r in 0..<16 {
            let row = Array(weights.scalars[(r * 4)..<(r * 4 + 4)])
            #expect(abs(row.reduce(0, +) - 1) <= 1e-12)
            let i = r % 4
            #expect(row[(i + 1)...].allSatisfy { $0 == 0 })
        }
    }

    @Test func parameterOrderAndFloat() {
        var rng = Xoshiro256(seed: 11)
        let layer = MultiHeadAttention<Float>(modelSize: 8, headCount: 2, using: &rng)
        #expect(layer.parameters.map(\.shape) == [[8, 8], [8], [8, 8], [8], [8, 8], [8], [8, 8], [8]])
        #expect(layer.headSize == 4)
        let y = layer(Tensor<Float>.gaussian(shape: [2, 3, 8], using: &rng))
        #expect(y.shape == [2, 3, 8] && y.isFinite)
    }

    @Test func sinusoidalEncodingValues() {
        let encoding = SinusoidalPositionalEncoding<Double>()
        let table = encoding.encoding(time: 3, modelSize: 4)
        let expected: [Double] = [
            0, 1, 0, 1,
            sin(1), cos(1), sin(0.01), cos(0.01),
            sin(2), cos(2), sin(0.02), cos(0.02),
        ]
        #expect(table.maxAbsoluteDifference(Tensor(shape: [3, 4], scalars: expected)) <= 1e-12)
        let x = F.gaussian([2, 3, 4], seed: 12)
        let y = encoding(x)
        for b in 0..<2 {
            for t in 0..<3 {
                for f in 0..<4 { #expect(abs(y[b, t, f] - x[b, t, f] - table[t, f]) <= 1e-15) }
            }
        }
        let report = GradientCheck.check(encoding, input: x, seed: 13)
        #expect(report.maxError <= 1e-6, "\(report)")
    }

    @Test func headCountMustDivideModelSize() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            _ = MultiHeadAttention<Double>(modelSize: 6, headCount: 4, using: &rng)
        }
    }
}
