import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

@Suite struct DropoutTests {
    @Test func keepsTheExpectedFraction() {
        let rate = 0.3
        let dropout = Dropout<Double>(rate: rate)
        let n = 100_000
        let x = Tensor<Double>(repeating: 1, shape: [100, 1000])
        var rng = Xoshiro256(seed: 42)
        let y = dropout.forward(x, training: true, using: &rng).output
        let kept = y.scalars.filter { $0 != 0 }.count
        let expected = Double(n) * (1 - rate)
        let standardError = (Double(n) * rate * (1 - rate)).squareRoot()
        #expect(abs(Double(kept) - expected) <= 5 * standardError, "kept \(kept), expected \(expected)")
        // Kept elements are scaled by 1/(1 − rate), so the mean is preserved.
        #expect(y.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / (1 - rate)) <= 1e-12 })
        let mean = y.mean()
        let meanStandardError = (rate / (1 - rate) / Double(n)).squareRoot()
        #expect(abs(mean - 1) <= 5 * meanStandardError)
    }

    @Test func identityAtInferenceAndWithZeroRate() {
        let x = F.gaussian([3, 4], seed: 1)
        var rng = Xoshiro256(seed: 0)
        let before = rng
        #expect(Dropout<Double>(rate: 0.5).forward(x, training: false, using: &rng).output == x)
        #expect(rng == before)
        #expect(Dropout<Double>(rate: 0.5)(x) == x)
        #expect(Dropout<Double>(rate: 0).forward(x, training: true, using: &rng).output == x)
    }

    @Test func sameSeedSameMaskAndPullbackUsesIt() {
        let dropout = Dropout<Double>(rate: 0.5)
        let x = F.gaussian([4, 8], seed: 2)
        var a = Xoshiro256(seed: 9)
        var b = Xoshiro256(seed: 9)
        let (ya, pullback) = dropout.forward(x, training: true, using: &a)
        let yb = dropout.forward(x, training: true, using: &b).output
        #expect(ya == yb)
        var c = Xoshiro256(seed: 10)
        #expect(dropout.forward(x, training: true, using: &c).output != ya)
        let ones = Tensor<Double>(repeating: 1, shape: [4, 8])
        let (dx, grads) = pullback(ones)
        #expect(grads.isEmpty)
        for i in 0..<x.count { #expect(dx.scalars[i] == (ya.scalars[i] == 0 ? 0 : 2)) }
    }

    @Test func maskFollowsTheDocumentedDrawRule() {
        let rate: Float = 0.25
        var rng = Xoshiro256(seed: 77)
        var replay = rng
        let mask = Dropout<Float>(rate: rate).mask(shape: [50, 40], using: &rng)
        for i in 0..<mask.count {
            let kept = replay.nextUnitDouble() >= Double(rate)
            #expect(mask.scalars[i] == (kept ? 1 / (1 - rate) : 0))
        }
        #expect(rng == replay)
    }

    @Test func gradientCheckInTraining() {
        let report = GradientCheck.check(
            Dropout<Double>(rate: 0.4), input: F.gaussian([3, 5], seed: 3), training: true, seed: 6)
        #expect(report.maxError <= 1e-6, "\(report)")
    }
}
