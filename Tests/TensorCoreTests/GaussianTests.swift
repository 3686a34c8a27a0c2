import Foundation
import Testing

@testable import TensorCore

/// Standard normal CDF.
private func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// Kolmogorov–Smirnov statistic √n·D of `samples` against the standard normal.
private func ksStatistic(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = normalCDF(x)
        d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
    }
    return d * n.squareRoot()
}

@Suite struct GaussianTests {
    @Test(.tags(.statistical)) func floatMomentsMatchStandardNormal() {
        var rng = Xoshiro256(seed: 11)
        var z = [Float](repeating: .nan, count: 1 << 20)
        GaussianFill.standardNormal(&z, using: &rng)
        let n = Double(z.count)
        let m = moments(z)
        #expect(abs(m.mean) < 5 / n.squareRoot())
        #expect(abs(m.variance - 1) < 5 * (2 / n).squareRoot())
        #expect(abs(m.skewness) < 5 * (6 / n).squareRoot())
        #expect(abs(m.kurtosis) < 5 * (24 / n).squareRoot())
    }

    @Test(.tags(.statistical)) func doubleMomentsMatchStandardNormal() {
        var rng = Xoshiro256(seed: 12)
        var z = [Double](repeating: .nan, count: 1 << 19)
        GaussianFill.standardNormal(&z, using: &rng)
        let n = Double(z.count)
        let m = moments(z)
        #expect(abs(m.mean) < 5 / n.squareRoot())
        #expect(abs(m.variance - 1) < 5 * (2 / n).squareRoot())
        #expect(abs(m.skewness) < 5 * (6 / n).squareRoot())
        #expect(abs(m.kurtosis) < 5 * (24 / n).squareRoot())
    }

    /// KS against Φ: √n·D exceeds 2.7 with probability about 10⁻⁶ under the null.
    @Test(.tags(.statistical), arguments: [false, true])
    func kolmogorovSmirnov(double: Bool) {
        var rng = Xoshiro256(seed: double ? 22 : 21)
        let samples: [Double]
        if double {
            var z = [Double](repeating: 0, count: 1 << 17)
            GaussianFill.standardNormal(&z, threads: 2, using: &rng)
            samples = z
        } else {
            var z = [Float](repeating: 0, count: 1 << 17)
            GaussianFill.standardNormal(&z, threads: 2, using: &rng)
            samples = z.map(Double.init)
        }
        #expect(ksStatistic(samples) < 2.7)
    }

    /// Chi-square over 40 equiprobable-ish bins of width 0.2 on [−4, 4] plus two tails.
    @Test(.tags(.statistical)) func chiSquareAgainstNormalBins() {
        var rng = Xoshiro256(seed: 23)
        var z = [Float](repeating: 0, count: 1 << 20)
        GaussianFill.standardNormal(&z, using: &rng)
        var counts = [Int](repeating: 0, count: 42)
        for v in z {
            let bin = v < -4 ? 0 : (v >= 4 ? 41 : 1 + min(39, Int(((Double(v) + 4) / 0.2).rounded(.down))))
            counts[bin] += 1
        }
        let n = Double(z.count)
        var chi2 = 0.0
        for b in 0..<42 {
            let lo = b == 0 ? -Double.infinity : -4 + 0.2 * Double(b - 1)
            let hi = b == 41 ? Double.infinity : -4 + 0.2 * Double(b)
            let expected = n * (normalCDF(hi) - normalCDF(lo))
            chi2 += (Double(counts[b]) - expected) * (Double(counts[b]) - expected) / expected
        }
        // 41 degrees of freedom: mean 41, sd √82 ≈ 9.1; 41 + 5·9.1 ≈ 86.
        #expect(chi2 < 86)
    }

    @Test(.tags(.statistical)) func tailsBeyondThreeAndFourSigma() {
        var rng = Xoshiro256(seed: 31)
        var z = [Float](repeating: 0, count: 1 << 21)
        GaussianFill.standardNormal(&z, threads: 2, using: &rng)
        var beyond3 = 0
        var beyond4 = 0
        var largest: Float = 0
        for v in z {
            let a = abs(v)
            if a > 3 { beyond3 += 1 }
            if a > 4 { beyond4 += 1 }
            largest = max(largest, a)
        }
        let n = Double(z.count)
        for (count, p) in [(beyond3, 2 * normalCDF(-3)), (beyond4, 2 * normalCDF(-4))] {
            let expected = n * p
            #expect(abs(Double(count) - expected) < 5 * (expected * (1 - p)).squareRoot())
        }
        #expect(largest <= 6.56)  // the documented bound √(62 ln 2)
        #expect(largest > 4.5)
    }

    @Test func deterministicAndIndependentOfThreadCount() {
        let count = 5 * GaussianKernel.chunkLength + 123
        func draw(threads: Int) -> [Float] {
            var rng = Xoshiro256(seed: 99)
            var z = [Float](repeating: 0, count: count)
            GaussianFill.standardNormal(&z, threads: threads, using: &rng)
            return z
        }
        let reference = draw(threads: 1)
        for threads in [2, 3, 8] { #expect(draw(threads: threads) == reference) }
        var other = Xoshiro256(seed: 100)
        var z = [Float](repeating: 0, count: count)
        GaussianFill.standardNormal(&z, using: &other)
        #expect(z != reference)

        func drawDouble(threads: Int) -> [Double] {
            var rng = Xoshiro256(seed: 7)
            var z = [Double](repeating: 0, count: count)
            GaussianFill.standardNormal(&z, threads: threads, using: &rng)
            return z
        }
        #expect(drawDouble(threads: 1) == drawDouble(threads: 3))
    }

    @Test func consecutiveCallsDifferAndAdvanceTheGenerator() {
        var rng = Xoshiro256(seed: 5)
        var a = [Float](repeating: 0, count: 100)
        var b = a
        GaussianFill.standardNormal(&a, using: &rng)
        GaussianFill.standardNormal(&b, using: &rng)
        #expect(a != b)
        var copy = Xoshiro256(seed: 5)
        _ = copy.next()
        _ = copy.next()
        var afterOne = Xoshiro256(seed: 5)
        GaussianFill.standardNormal(&b, using: &afterOne)
        #expect(afterOne == copy)  // one call draws exactly two words
    }

    /// A shorter fill is a prefix of a longer one (same key): tails and chunks are length-independent.
    @Test(arguments: [1, 7, 15, 16, 17, 65_535, 65_537])
    func shorterFillIsPrefix(count: Int) {
        var r1 = Xoshiro256(seed: 3)
        var r2 = Xoshiro256(seed: 3)
        var long = [Float](repeating: 0, count: 70_000)
        var short = [Float](repeating: 0, count: count)
        GaussianFill.standardNormal(&long, using: &r1)
        GaussianFill.standardNormal(&short, using: &r2)
        #expect(Array(long[..<count]) == short)
        var longD = [Double](repeating: 0, count: 70_000)
        var shortD = [Double](repeating: 0, count: count)
        GaussianFill.standardNormal(&longD, using: &r1)
        GaussianFill.standardNormal(&shortD, using: &r2)
        #expect(Array(longD[..<count]) == shortD)
    }

    @Test func fusedNoiseEqualsInputPlusScaledStandardNormal() {
        let count = 2 * GaussianKernel.chunkLength + 5
        var symbolRNG = Xoshiro256(seed: 1)
        var x = [Float](repeating: 0, count: count)
        GaussianFill.standardNormal(&x, using: &symbolRNG)
        let sigma: Float = 0.316
        var r1 = Xoshiro256(seed: 2)
        var r2 = r1
        var r3 = r1
        var z = [Float](repeating: 0, count: count)
        GaussianFill.standardNormal(&z, using: &r1)
        var y = [Float](repeating: 0, count: count)
        GaussianFill.addNoise(x, standardDeviation: sigma, into: &y, threads: 2, using: &r2)
        var worst: Float = 0
        for i in 0..<count { worst = max(worst, abs(y[i] - (x[i] + sigma * z[i]))) }
        #expect(worst <= 2e-6)  // one rounding of a fused vs unfused multiply-add
        // In place (output aliases input) gives the same bits.
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer {
            GaussianFill.addNoise(inPlace: $0, standardDeviation: sigma, threads: 3, using: &r3)
        }
        #expect(inPlace == y)
        // Tensor API.
        var t = Tensor<Double>(zeros: [3, 5])
        var r4 = Xoshiro256(seed: 4)
        t.addGaussianNoise(standardDeviation: 2, using: &r4)
        #expect(t.scalars.allSatisfy { $0 != 0 })
    }

    @Test func portableAndVectorPathsAgree() {
        let count = GaussianKernel.chunkLength + 37
        let key: (UInt64, UInt64) = (0x1234, 0x5678)
        var a = [Float](repeating: 0, count: count)
        var b = a
        a.withUnsafeMutableBufferPointer {
            GaussianKernel.run(out: $0.baseAddress!, base: nil, count: count, scale: 1, offset: 0, key: key, threads: 1)
        }
        b.withUnsafeMutableBufferPointer {
            GaussianKernel.run(
                out: $0.baseAddress!, base: nil, count: count, scale: 1, offset: 0, key: key, threads: 1,
                path: .portable)
        }
        var worst: Float = 0
        for i in 0..<count { worst = max(worst, abs(a[i] - b[i])) }
        #expect(worst < 1e-6)
        var c = [Double](repeating: 0, count: count)
        var d = c
        c.withUnsafeMutableBufferPointer {
            GaussianKernel.run(out: $0.baseAddress!, base: nil, count: count, scale: 1, offset: 0, key: key, threads: 1)
        }
        d.withUnsafeMutableBufferPointer {
            GaussianKernel.run(
                out: $0.baseAddress!, base: nil, count: count, scale: 1, offset: 0, key: key, threads: 1,
                path: .portable)
        }
        var worstD = 0.0
        for i in 0..<count { worstD = max(worstD, abs(c[i] - d[i])) }
        #expect(worstD < 1e-14)
    }

    /// Replays chunk 0's lane generators in Swift and checks the kernel's Box–Muller output
    /// against libm (`log`, `cos`, `sin` in Double) applied to the same uniforms.
    @Test func floatKernelMatchesLibmBoxMuller() {
        let key: (UInt64, UInt64) = (42, 43)
        let blocks = 4096
        var out = [Float](repeating: 0, count: 16 * blocks)
        out.withUnsafeMutableBufferPointer {
            GaussianKernel.run(
                out: $0.baseAddress!, base: nil, count: $0.count, scale: 1, offset: 0, key: key, threads: 1)
        }
        var state = GaussianKernel.floatState(key: key, chunk: 0)
        func rotl(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }
        var worst = 0.0
        for block in 0..<blocks {
            var bits = [UInt32](repeating: 0, count: 16)
            for l in 0..<16 {
                var (s0, s1, s2, s3) = (state[l], state[16 + l], state[32 + l], state[48 + l])
                bits[l] = rotl(s0 &+ s3, 7) &+ s0
                let t = s1 << 9
                s2 ^= s0
                s3 ^= s1
                s1 ^= s2
                s0 ^= s3
                s2 ^= t
                s3 = rotl(s3, 11)
                (state[l], state[16 + l], state[32 + l], state[48 + l]) = (s0, s1, s2, s3)
            }
            for j in 0..<8 {
                let u1 = (Float(Int32(bits[j] >> 1)) + 1) * 0x1p-31  // the kernel's U₁, exactly
                let r = (-2 * log(Double(u1))).squareRoot()
                let theta = 2 * Double.pi * Double(bits[8 + j]) * 0x1p-32
                let zc = Double(out[16 * block + j])
                let zs = Double(out[16 * block + 8 + j])
                worst = max(worst, abs(zc - r * cos(theta)), abs(zs - r * sin(theta)))
            }
        }
        #expect(worst < 1e-6)
    }

    @Test func doubleKernelMatchesLibmBoxMuller() {
        let key: (UInt64, UInt64) = (44, 45)
        let blocks = 2048
        var out = [Double](repeating: 0, count: 8 * blocks)
        out.withUnsafeMutableBufferPointer {
            GaussianKernel.run(
                out: $0.baseAddress!, base: nil, count: $0.count, scale: 1, offset: 0, key: key, threads: 1)
        }
        var state = GaussianKernel.doubleState(key: key, chunk: 0)
        func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
        var worst = 0.0
        for block in 0..<blocks {
            var bits = [UInt64](repeating: 0, count: 8)
            for l in 0..<8 {
                var (s0, s1, s2, s3) = (state[l], state[8 + l], state[16 + l], state[24 + l])
                bits[l] = rotl(s0 &+ s3, 23) &+ s0
                let t = s1 << 17
                s2 ^= s0
                s3 ^= s1
                s1 ^= s2
                s0 ^= s3
                s2 ^= t
                s3 = rotl(s3, 45)
                (state[l], state[8 + l], state[16 + l], state[24 + l]) = (s0, s1, s2, s3)
            }
            for j in 0..<4 {
                let u1 = 1 - Double(bits[j] >> 12) * 0x1p-52
                let r = (-2 * log(u1)).squareRoot()
                // The kernel's angle: quadrant plus a remainder kept to 2⁻⁵⁴ turns.
                let a = bits[4 + j]
                let q = Double((a &+ (1 << 61)) >> 62)
                let rem = Double(Int64(bitPattern: a << 2) >> 12)
                let theta = 2 * Double.pi * (q / 4 + rem * 0x1p-54)
                let zc = out[8 * block + j]
                let zs = out[8 * block + 4 + j]
                worst = max(worst, abs(zc - r * cos(theta)), abs(zs - r * sin(theta)))
            }
        }
        #expect(worst < 1e-14)
    }

    @Test(.tags(.statistical)) func tensorGaussianUsesMeanAndStandardDeviation() {
        var rng = Xoshiro256(seed: 8)
        let t = Tensor<Float>.gaussian(shape: [256, 256], mean: 3, standardDeviation: 0.5, using: &rng)
        #expect(t.shape == [256, 256])
        let m = moments(t.scalars)
        let n = Double(t.count)
        #expect(abs(m.mean - 3) < 5 * 0.5 / n.squareRoot())
        #expect(abs(m.variance - 0.25) < 5 * 0.25 * (2 / n).squareRoot())
        var rng2 = Xoshiro256(seed: 8)
        let d = Tensor<Double>.gaussian(shape: [1000], mean: -1, standardDeviation: 2, using: &rng2)
        let md = moments(d.scalars)
        #expect(abs(md.mean + 1) < 5 * 2 / 1000.0.squareRoot())
        #expect(Tensor<Double>.gaussian(shape: [0], using: &rng2).count == 0)
        #expect(Tensor<Float>.gaussian(shape: [4], standardDeviation: 0, using: &rng2).scalars == [0, 0, 0, 0])
    }

    @Test func tensorFillAndAffineFill() {
        var r1 = Xoshiro256(seed: 13)
        var r2 = Xoshiro256(seed: 13)
        var t = Tensor<Float>(zeros: [7, 9])
        t.fillStandardGaussian(threads: 2, using: &r1)
        var z = [Float](repeating: 0, count: 63)
        GaussianFill.standardNormal(&z, using: &r2)
        #expect(t.scalars == z)
        // mean + σ·z with the same key: one fused multiply-add per element.
        var r3 = Xoshiro256(seed: 13)
        var shifted = [Float](repeating: 0, count: 63)
        shifted.withUnsafeMutableBufferPointer {
            GaussianFill.normal($0, mean: 10, standardDeviation: 2, using: &r3)
        }
        for i in 0..<63 { #expect(abs(shifted[i] - (10 + 2 * z[i])) <= 4e-6) }
    }

    /// The portable path alone also produces standard normal moments.
    @Test(.tags(.statistical)) func portablePathMoments() {
        let n = 1 << 18
        var z = [Float](repeating: 0, count: n)
        z.withUnsafeMutableBufferPointer {
            GaussianKernel.run(
                out: $0.baseAddress!, base: nil, count: n, scale: 1, offset: 0, key: (77, 78), threads: 1,
                path: .portable)
        }
        let m = moments(z)
        #expect(abs(m.mean) < 5 / Double(n).squareRoot())
        #expect(abs(m.variance - 1) < 5 * (2 / Double(n)).squareRoot())
        #expect(abs(m.kurtosis) < 5 * (24 / Double(n)).squareRoot())
    }
}
