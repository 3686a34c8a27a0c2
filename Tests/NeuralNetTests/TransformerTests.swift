import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

@Suite struct TransformerTests {
    init() { BLAS.setThreadCount(1) }

    @Test(arguments: [false, true])
    func gradientCheck(normalizesFirst: Bool) {
        var rng = Xoshiro256(seed: 1)
        var block = TransformerEncoderBlock<Double>(
            modelSize: 4, headCount: 2, feedForwardSize: 6, normalizesFirst: normalizesFirst, epsilon: 1e-3,
            using: &rng)
        // Non-trivial norm gains and biases so every parameter matters.
        var p = block.parameters
        for i in [8, 9, 14, 15] { p[i] = F.gaussian([4], seed: UInt64(i), scale: 0.5) + (i == 8 || i == 14 ? 1 : 0) }
        block.parameters = p
        let x = F.gaussian([2, 3, 4], seed: 2)
        let report = GradientCheck.check(block, input: x, seed: 3)
        #expect(report.parameterErrors.count == 16)
        // Parameter 3 is the attention's key bias. It shifts every score of a softmax row by the
        // same amount, so its true gradient is exactly zero and its central differences are
        // rounding noise (≈1e-10) that the checker's 1e-6 floor turns into a "relative" error.
        // It is checked in absolute terms instead; everything else relatively.
        var errors = report.parameterErrors
        errors.remove(at: 3)
        #expect(report.inputError <= 1e-6, "\(report)")
        #expect(errors.allSatisfy { $0 <= 1e-6 }, "\(report)")
        #expect(report.parameterErrors[3] <= 1e-3, "\(report)")  // |numerical| ≲ 1e-9
        var probe = Xoshiro256(seed: 0)
        let (y, pullback) = block.forward(x, training: false, using: &probe)
        let keyBiasGradient = pullback(F.gaussian(y.shape, seed: 9)).parameters[3]
        #expect(keyBiasGradient.scalars.allSatisfy { abs($0) <= 1e-12 })
    }

    @Test func gradientCheckWithDropoutInTraining() {
        var rng = Xoshiro256(seed: 4)
        let block = TransformerEncoderBlock<Double>(
            modelSize: 4, headCount: 1, feedForwardSize: 5, normalizesFirst: true, dropoutRate: 0.3, using: &rng)
        let report = GradientCheck.check(block, input: F.gaussian([1, 3, 4], seed: 5), training: true, seed: 6)
        #expect(report.maxError <= 1e-6, "\(report)")
    }

    @Test(arguments: [false, true])
    func inferenceMatchesForwardAndIsCausal(normalizesFirst: Bool) {
        var rng = Xoshiro256(seed: 7)
        let block = TransformerEncoderBlock<Double>(
            modelSize: 6, headCount: 3, feedForwardSize: 8, isCausal: true, normalizesFirst: normalizesFirst,
            dropoutRate: 0.5, using: &rng)
        #expect(block.parameters.map(\.shape).count == 16)
        let x = F.gaussian([2, 4, 6], seed: 8)
        var probe = Xoshiro256(seed: 0)
        let y = block(x)
        #expect(block.forward(x, training: false, using: &probe).output.maxAbsoluteDifference(y) <= 1e-14)
        #expect(block.forward(x, training: true, using: &probe).output.maxAbsoluteDifference(y) > 1e-3)
        var changed = x
        changed[1, 2, 0] += 2
        let z = block(changed)
        for t in 0..<2 {
            for f in 0..<6 { #expect(z[1, t, f] == y[1, t, f]) }
        }
        #expect((0..<6).contains { z[1, 2, $0] != y[1, 2, $0] })
    }
}
