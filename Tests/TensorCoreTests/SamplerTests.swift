import Foundation
import Testing

@testable import TensorCore

/// A generator that replays fixed words (for exact checks of comparison logic).
private struct ReplayGenerator: RandomNumberGenerator {
    var words: [UInt64]
    var index = 0
    mutating func next() -> UInt64 {
        defer { index += 1 }
        return words[index]
    }
}

/// |observed − expected| within 5 binomial standard errors.
private func withinFiveSE(_ count: Int, of n: Int, probability p: Double) -> Bool {
    abs(Double(count) - Double(n) * p) <= 5 * (Double(n) * p * (1 - p)).squareRoot()
}

@Suite struct SamplerTests {
    @Test(.tags(.statistical)) func laplaceMeanAndVariance() {
        var rng = Xoshiro256(seed: 1)
        let b = 1.5
        let t = Tensor<Double>.laplace(shape: [200_000], location: 2, scale: b, using: &rng)
        let m = moments(t.scalars)
        let n = Double(t.count)
        #expect(abs(m.mean - 2) < 5 * (2 * b * b / n).squareRoot())
        // Var(s²) ≈ (μ₄ − σ⁴)/n = (24b⁴ − 4b⁴)/n.
        #expect(abs(m.variance - 2 * b * b) < 5 * (20 * b * b * b * b / n).squareRoot())
        #expect(abs(m.kurtosis - 3) < 0.5)  // Laplace excess kurtosis is 3
        var rng2 = Xoshiro256(seed: 1)
        let f = Tensor<Float>.laplace(shape: [2, 3], location: 0, scale: 0, using: &rng2)
        #expect(f.scalars == [0, 0, 0, 0, 0, 0])
    }

    @Test(.tags(.statistical)) func exponentialMeanAndVariance() {
        var rng = Xoshiro256(seed: 2)
        let rate = 4.0
        let t = Tensor<Double>.exponential(shape: [200_000], rate: rate, using: &rng)
        let m = moments(t.scalars)
        let n = Double(t.count)
        #expect(t.scalars.allSatisfy { $0 >= 0 && $0.isFinite })
        #expect(abs(m.mean - 1 / rate) < 5 / rate / n.squareRoot())
        #expect(abs(m.variance - 1 / (rate * rate)) < 5 * (8 / n).squareRoot() / (rate * rate))
    }

    @Test(.tags(.statistical), arguments: [0.3, 0.01, 0.5 + 0x1p-40])
    func bernoulliRate(p: Double) {
        var rng = Xoshiro256(seed: 3)
        let n = 200_000
        let t = Tensor<Float>.bernoulli(shape: [n], probability: p, using: &rng)
        #expect(t.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(withinFiveSE(Int(t.sum()), of: n, probability: p))
    }

    @Test func bernoulliEdgesAndExactComparison() {
        var rng = Xoshiro256(seed: 4)
        #expect((0..<1000).allSatisfy { _ in !rng.nextBernoulli(probability: 0) })
        #expect((0..<1000).allSatisfy { _ in rng.nextBernoulli(probability: 1) })
        #expect((0..<1000).allSatisfy { _ in !rng.nextBernoulli(probability: 0x1p-60) })
        // p = 0.75: the uniform word 0xC000… equals p's expansion, so U ≥ p.
        var equal = ReplayGenerator(words: [0xC000_0000_0000_0000])
        let equalDraw = equal.nextBernoulli(probability: 0.75)
        #expect(!equalDraw)
        var below = ReplayGenerator(words: [0xBFFF_FFFF_FFFF_FFFF])
        let belowDraw = below.nextBernoulli(probability: 0.75)
        #expect(belowDraw)
        // p = 3·2⁻⁷⁰ spans two words: 0, then 3·2⁵⁸.
        let p = 3 * 0x1p-70
        var twoWordsBelow = ReplayGenerator(words: [0, 3 << 58 - 1])
        let twoBelow = twoWordsBelow.nextBernoulli(probability: p)
        #expect(twoBelow)
        #expect(twoWordsBelow.index == 2)
        var twoWordsEqual = ReplayGenerator(words: [0, 3 << 58])
        let twoEqual = twoWordsEqual.nextBernoulli(probability: p)
        #expect(!twoEqual)
        var firstAbove = ReplayGenerator(words: [1])
        let above = firstAbove.nextBernoulli(probability: p)
        #expect(!above)
    }

    @Test(.tags(.statistical)) func rationalBernoulliAndExpMinus() {
        var rng = Xoshiro256(seed: 5)
        let n = 20_000
        var hits = 0
        for _ in 0..<n where rng.nextBernoulli(numerator: 2, denominator: 7) { hits += 1 }
        #expect(withinFiveSE(hits, of: n, probability: 2.0 / 7))
        for (num, den) in [(UInt128(1), UInt128(2)), (5, 2), (3, 1)] {
            var accepted = 0
            for _ in 0..<n where rng.nextBernoulliExpMinus(numerator: num, denominator: den) { accepted += 1 }
            #expect(withinFiveSE(accepted, of: n, probability: exp(-Double(num) / Double(den))))
        }
        #expect((0..<100).allSatisfy { _ in rng.nextBernoulliExpMinus(numerator: 0, denominator: 3) })
    }

    @Test(.tags(.statistical)) func discreteLaplaceAtZeroAndSymmetry() {
        var rng = Xoshiro256(seed: 6)
        let n = 20_000
        let t: UInt64 = 2
        var zeros = 0
        var positive = 0
        var sum = 0.0
        for _ in 0..<n {
            let y = rng.nextDiscreteLaplace(scale: t)
            if y == 0 { zeros += 1 }
            if y > 0 { positive += 1 }
            sum += Double(y)
        }
        let p0 = tanh(1 / (2 * Double(t)))  // (e^{1/t} − 1)/(e^{1/t} + 1)
        #expect(withinFiveSE(zeros, of: n, probability: p0))
        #expect(withinFiveSE(positive, of: n, probability: (1 - p0) / 2))
        let q = exp(-1 / Double(t))
        let variance = 2 * q / ((1 - q) * (1 - q))
        #expect(abs(sum / Double(n)) < 5 * (variance / Double(n)).squareRoot())
    }

    /// N_ℤ(0, σ²) probabilities, normalized over |y| ≤ 60σ.
    private func discreteGaussianPMF(variance: Double) -> (pmf: (Int) -> Double, variance: Double, fourth: Double) {
        let limit = Int(60 * variance.squareRoot()) + 10
        var z = 0.0
        var m2 = 0.0
        var m4 = 0.0
        for y in -limit...limit {
            let w = exp(-Double(y * y) / (2 * variance))
            z += w
            m2 += Double(y * y) * w
            m4 += Double(y * y * y * y) * w
        }
        return ({ exp(-Double($0 * $0) / (2 * variance)) / z }, m2 / z, m4 / z)
    }

    @Test(.tags(.statistical), arguments: [(UInt64(1), UInt64(1)), (9, 1), (9, 4)])
    func discreteGaussianPMFAndVariance(numerator: UInt64, denominator: UInt64) {
        let dg = DiscreteGaussian(varianceNumerator: numerator, varianceDenominator: denominator)
        var rng = Xoshiro256(seed: 7 &+ numerator)
        let n = 20_000
        let samples = dg.samples(count: n, using: &rng)
        let theory = discreteGaussianPMF(variance: Double(numerator) / Double(denominator))
        for y in 0...2 {
            let count = samples.count { abs($0) == y }
            let p = y == 0 ? theory.pmf(0) : 2 * theory.pmf(y)
            #expect(withinFiveSE(count, of: n, probability: p), "P(|Y| = \(y))")
        }
        var m2 = 0.0
        for y in samples { m2 += Double(y * y) }
        m2 /= Double(n)
        let se = ((theory.fourth - theory.variance * theory.variance) / Double(n)).squareRoot()
        #expect(abs(m2 - theory.variance) < 5 * se)
        var positives = 0
        for y in samples where y > 0 { positives += 1 }
        #expect(withinFiveSE(positives, of: n, probability: (1 - theory.pmf(0)) / 2))
    }

    @Test func discreteGaussianParameters() {
        let exact = DiscreteGaussian(variance: 2.25)
        #expect(exact.varianceNumerator == 9 && exact.varianceDenominator == 4)
        #expect(exact.laplaceScale == 2)  // ⌊1.5⌋ + 1
        #expect(DiscreteGaussian(varianceNumerator: 18, varianceDenominator: 2).varianceNumerator == 9)
        #expect(DiscreteGaussian(varianceNumerator: 16).laplaceScale == 5)  // σ = 4 exactly
        #expect(DiscreteGaussian(varianceNumerator: 15).laplaceScale == 4)
        for v in [0.1, 1e-6, 3.7, 12345.678] {
            let dg = DiscreteGaussian(variance: v)
            #expect(abs(dg.variance - v) <= 1e-9 * max(1, v), "σ² = \(v)")
        }
        var rng = Xoshiro256(seed: 9)
        var buffer = [Int64](repeating: 99, count: 10)
        buffer.withUnsafeMutableBufferPointer { DiscreteGaussian(variance: 0.01).fill($0, using: &rng) }
        #expect(buffer.allSatisfy { abs($0) <= 1 })
    }

    @Test func samplersAreDeterministic() {
        var r1 = Xoshiro256(seed: 10)
        var r2 = Xoshiro256(seed: 10)
        let dg = DiscreteGaussian(varianceNumerator: 5, varianceDenominator: 3)
        #expect(dg.samples(count: 200, using: &r1) == dg.samples(count: 200, using: &r2))
        #expect(
            Tensor<Double>.laplace(shape: [50], using: &r1) == Tensor<Double>.laplace(shape: [50], using: &r2))
    }

    @Test func misuseTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = DiscreteGaussian(varianceNumerator: 0, varianceDenominator: 1)
        }
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 1)
            var y = [Float](repeating: 0, count: 3)
            GaussianFill.addNoise([1, 2], standardDeviation: 1, into: &y, using: &rng)
        }
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 1)
            var z = [Double](repeating: 0, count: 3)
            GaussianFill.standardNormal(&z, threads: 0, using: &rng)
        }
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 1)
            _ = Tensor<Float>.laplace(shape: [2], scale: -1, using: &rng)
        }
    }
}
