import Privacy
import TensorCore
import Testing

@Suite struct ClippingTests {
    @Test func globalClipBoundsTheNorm() {
        let tensors = [Tensor<Double>([3, 4]), Tensor<Double>(rows: [[12, 0], [0, 0]])]  // norm 13
        let (clipped, norm, factor) = Clipping.clipByGlobalNorm(tensors, maxNorm: 1.3)
        #expect(abs(norm - 13) < 1e-12)
        #expect(abs(factor - 0.1) < 1e-12)
        #expect(abs(Clipping.globalNorm(clipped) - 1.3) < 1e-12)
        #expect(clipped[1].shape == [2, 2])
        // The direction is kept: every element scaled by the same factor.
        #expect(abs(clipped[0].scalars[1] - 0.4) < 1e-12)
    }

    @Test func globalClipLeavesSmallVectorsUnchanged() {
        let tensors = [Tensor<Float>([0.3, -0.4])]
        let (clipped, norm, factor) = Clipping.clipByGlobalNorm(tensors, maxNorm: 1)
        #expect(factor == 1)
        #expect(abs(norm - 0.5) < 1e-6)
        #expect(clipped == tensors)
    }

    @Test func perExampleClippingFactors() {
        var rng = Xoshiro256(seed: 9)
        let gradients = Tensor<Double>.gaussian(shape: [16, 3, 2], standardDeviation: 2, using: &rng)
        let norms = Clipping.perExampleNorms([gradients])
        let (clipped, factors) = Clipping.clipPerExample(gradients, maxNorm: 5)
        #expect(clipped.shape == [16, 3, 2])
        let after = Clipping.perExampleNorms([clipped])
        for i in 0..<16 {
            #expect(after[i] <= 5 + 1e-12)
            if norms[i] <= 5 {
                #expect(factors[i] == 1)
                #expect(
                    Array(clipped.scalars[(6 * i)..<(6 * i + 6)]) == Array(gradients.scalars[(6 * i)..<(6 * i + 6)]))
            } else {
                #expect(abs(factors[i] - 5 / norms[i]) < 1e-12)
                #expect(abs(after[i] - 5) < 1e-9)
            }
        }
        #expect(factors.contains { $0 < 1 } && factors.contains { $0 == 1 })
    }

    @Test func clipAndAccumulateFlattensAcrossParameters() {
        // Two parameters, batch 2: example 0 has flat norm 5 (3 in weight, 4 in bias), example 1 norm 0.5.
        let weight = Tensor<Double>(rows: [[3, 0], [0.3, 0]])
        let bias = Tensor<Double>(rows: [[4], [0.4]])
        let (sums, factors) = Clipping.clipAndAccumulate([weight, bias], maxNorm: 1)
        #expect(abs(factors[0] - 0.2) < 1e-12 && factors[1] == 1)
        #expect(sums[0].shape == [2] && sums[1].shape == [1])
        #expect(abs(sums[0].scalars[0] - (0.6 + 0.3)) < 1e-12)
        #expect(abs(sums[1].scalars[0] - (0.8 + 0.4)) < 1e-12)
    }

    @Test(.tags(.statistical)) func addNoiseHasTheDPSGDStandardDeviation() {
        var rng = Xoshiro256(seed: 21)
        let n = 20_000
        let sums = [Tensor<Double>(zeros: [n])]
        let noisy = Clipping.addNoise(to: sums, noiseMultiplier: 1.5, maxNorm: 2, using: &rng)[0]
        let variance = noisy.scalars.reduce(0) { $0 + $1 * $1 } / Double(n)
        #expect(abs(variance - 9) < 5 * 9 * (2 / Double(n)).squareRoot())
        var other = Xoshiro256(seed: 21)
        #expect(Clipping.addNoise(to: sums, noiseMultiplier: 0, maxNorm: 2, using: &other) == sums)
    }
}
