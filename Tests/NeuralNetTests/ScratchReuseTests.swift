import TensorCore
import Testing

@testable import NeuralNet

/// The kernels that take a spare array write into it instead of copying it (a copy would cost what
/// the reuse is meant to save).
@Suite struct ScratchReuseTests {
    init() { BLAS.setThreadCount(1) }

    static func address(_ array: [Float]) -> UInt {
        array.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    @Test func denseForwardWritesIntoTheSpareArray() {
        var rng = Xoshiro256(seed: 1)
        let x = Tensor<Float>.gaussian(shape: [32, 16], using: &rng)
        let w = Tensor<Float>.gaussian(shape: [16, 24], using: &rng)
        let b = Tensor<Float>.gaussian(shape: [24], using: &rng)
        var spare: [Float]? = [Float](repeating: 0, count: 32 * 24)
        let address = Self.address(spare!)
        let y = denseForward(x, w, b, relu: true, reusing: spare.take())
        #expect(Self.address(y.scalars) == address)
        #expect(y == denseForward(x, w, b, relu: true))
    }

    @Test func denseBackwardWritesIntoTheSpareArray() {
        var rng = Xoshiro256(seed: 2)
        let x = Tensor<Float>.gaussian(shape: [32, 16], using: &rng)
        let w = Tensor<Float>.gaussian(shape: [16, 24], using: &rng)
        let g = Tensor<Float>.gaussian(shape: [32, 24], using: &rng)
        var spare: [Float]? = [Float](repeating: 0, count: 32 * 16)
        let address = Self.address(spare!)
        let (dx, dw, db) = denseBackward(x, w, g, inputGradient: true, reusing: spare.take())
        #expect(Self.address(dx.scalars) == address)
        let reference = denseBackward(x, w, g, inputGradient: true)
        #expect(dx == reference.0 && dw == reference.1 && db == reference.2)
    }

    @Test func reluBackwardWritesIntoTheSpareArray() {
        var rng = Xoshiro256(seed: 3)
        let y = Tensor<Float>.gaussian(shape: [32, 24], using: &rng)
        let g = Tensor<Float>.gaussian(shape: [32, 24], using: &rng)
        var spare: [Float]? = [Float](repeating: 0, count: 32 * 24)
        let address = Self.address(spare!)
        let d = reluBackward(output: y, gradient: g, reusing: spare.take())
        #expect(Self.address(d.scalars) == address)
        #expect(d == reluBackward(output: y, gradient: g, reusing: nil))
    }
}
