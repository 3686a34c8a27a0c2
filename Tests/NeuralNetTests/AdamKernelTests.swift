import Foundation
import TensorCore
import Testing

@testable import NeuralNet

/// The Float Adam step (TensorCore's AVX kernel, split on the pool) against the scalar Swift body.
@Suite struct AdamKernelTests {
    /// Random state for `count` parameters; the second moments span many magnitudes (down to 0),
    /// so the square root and division see small and large values.
    static func state(count: Int, seed: UInt64) -> (p: [Float], g: [Float], m: [Float], v: [Float]) {
        var rng = Xoshiro256(seed: seed)
        let p = Tensor<Float>.gaussian(shape: [count], using: &rng).scalars
        let g = Tensor<Float>.gaussian(shape: [count], standardDeviation: 3, using: &rng).scalars
        let m = Tensor<Float>.gaussian(shape: [count], standardDeviation: 0.1, using: &rng).scalars
        let v = (0..<count).map { i in i % 97 == 0 ? 0 : Float(exp(Double.random(in: -30...2, using: &rng))) }
        return (p, g, m, v)
    }

    static func step(
        _ s: (p: [Float], g: [Float], m: [Float], v: [Float]), _ c: AdamConstants<Float>,
        _ kernel: (
            UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>,
            UnsafeMutableBufferPointer<Float>, AdamConstants<Float>
        ) -> Void
    ) -> [[UInt32]] {
        var (p, m, v) = (s.p, s.m, s.v)
        p.withUnsafeMutableBufferPointer { pp in
            s.g.withUnsafeBufferPointer { gp in
                m.withUnsafeMutableBufferPointer { mp in
                    v.withUnsafeMutableBufferPointer { vp in kernel(pp, gp, mp, vp, c) }
                }
            }
        }
        return [p.map(\.bitPattern), m.map(\.bitPattern), v.map(\.bitPattern)]
    }

    /// Every path (AVX or scalar C) and thread count gives the bits of the scalar Swift formula,
    /// with and without decoupled weight decay, on a length with a scalar tail (8k + 5) that is
    /// large enough to be split.
    @Test(arguments: [Float(0), 0.01])
    func everyPathGivesTheBitsOfTheScalarBody(decay: Float) {
        let s = Self.state(count: 3 * 16_384 + 5, seed: 17)
        let c = AdamConstants<Float>(
            stepSize: 1e-3 / (1 - 0.9 * 0.9), inverseRootCorrection2: 1 / (1 - 0.999 * 0.999).squareRoot(), beta1: 0.9,
            beta2: 0.999, epsilon: 1e-8, weightDecay: decay == 0 ? 0 : 0.05, decay: decay)
        let reference = Self.step(s, c) { adamKernelBody($0, $1, $2, $3, $4) }
        for vectorized in [true, false] {
            for threads in [1, 2, 3] {
                let result = Self.step(s, c) {
                    adamKernelFloat($0, $1, $2, $3, $4, vectorized: vectorized, threads: threads)
                }
                let differing = zip(result.joined(), reference.joined()).filter { $0 != $1 }.count
                #expect(differing == 0, "vectorized \(vectorized), threads \(threads): \(differing) values differ")
            }
        }
    }

    /// Empty buffers are a no-op.
    @Test func emptyIsANoOp() {
        let c = AdamConstants<Float>(
            stepSize: 1e-3, inverseRootCorrection2: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decay: 0
        )
        #expect(Self.step(([], [], [], []), c) { adamKernelFloat($0, $1, $2, $3, $4) } == [[], [], []])
    }
}
