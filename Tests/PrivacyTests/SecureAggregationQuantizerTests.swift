import TensorCore
import Testing

@testable import Privacy

/// Quantization for secure aggregation (Kairouz, Liu & Steinke 2021) and the randomized
/// Walsh–Hadamard rotation.
@Suite struct SecureAggregationQuantizerTests {
    @Test func walshHadamardTwiceIsScaledIdentity() {
        var rng = Xoshiro256(seed: 10)
        for m in [1, 2, 8, 64, 256] {
            let x = (0..<m).map { _ in rng.nextStandardGaussian() as Double }
            var y = x
            RandomizedHadamardRotation.walshHadamardTransform(&y)
            RandomizedHadamardRotation.walshHadamardTransform(&y)
            for i in 0..<m { #expect(abs(y[i] - Double(m) * x[i]) <= 1e-9 * Double(m)) }
        }
        // H for m = 4 against the Sylvester matrix.
        var e = [0.0, 1, 0, 0]
        RandomizedHadamardRotation.walshHadamardTransform(&e)
        #expect(e == [1, -1, 1, -1])
    }

    @Test(arguments: [1, 5, 64, 100, 1000])
    func rotationIsOrthogonalAndInvertible(dimension: Int) {
        var rng = Xoshiro256(seed: 11)
        let rotation = RandomizedHadamardRotation(dimension: dimension, using: &rng)
        #expect(rotation.paddedDimension >= dimension && rotation.paddedDimension < 2 * max(dimension, 1))
        #expect(rotation.paddedDimension & (rotation.paddedDimension - 1) == 0)
        let x = (0..<dimension).map { _ in rng.nextStandardGaussian() as Double }
        let y = rotation.rotate(x)
        #expect(y.count == rotation.paddedDimension)
        let normX = x.reduce(0) { $0 + $1 * $1 }
        let normY = y.reduce(0) { $0 + $1 * $1 }
        #expect(abs(normX - normY) <= 1e-9 * max(normX, 1))
        let back = rotation.inverseRotate(y)
        for i in 0..<dimension { #expect(abs(back[i] - x[i]) <= 1e-12 * max(normX.squareRoot(), 1)) }
    }

    @Test func rotationSpreadsASpike() {
        var rng = Xoshiro256(seed: 12)
        let rotation = RandomizedHadamardRotation(dimension: 256, using: &rng)
        var spike = [Double](repeating: 0, count: 256)
        spike[17] = 16
        let y = rotation.rotate(spike)
        // Every coordinate becomes ±16/√256 = ±1: the spike is flattened, so clipping at 1 loses nothing.
        for value in y { #expect(abs(abs(value) - 1) <= 1e-12) }
        #expect(Set(rotation.signs) == [1, -1])
    }

    /// E[round(v)] = v: the mean of many stochastically rounded copies of one value matches it within
    /// 5 standard errors; rounding without randomness (nearest) would be off by 0.03.
    @Test func stochasticRoundingIsUnbiased() {
        var rng = Xoshiro256(seed: 13)
        let quantizer = SecureAggregationQuantizer(dimension: 4000, clipBound: 1, scale: 10, modulusBits: 32)
        for value in [0.37, -0.81, 0.05] {
            let input = [Double](repeating: value, count: 4000)
            var total = 0.0
            let repeats = 5
            for _ in 0..<repeats {
                let q = quantizer.quantize(input, using: &rng)
                total += quantizer.dequantizeSum(q).reduce(0, +)
            }
            let n = Double(4000 * repeats)
            let fraction = value * 10 - (value * 10).rounded(.down)
            let standardError = (fraction * (1 - fraction)).squareRoot() / 10 / n.squareRoot()
            #expect(abs(total / n - value) <= 5 * standardError, "value \(value): mean \(total / n)")
            // Each draw is one of the two neighbouring grid points.
            let q = quantizer.dequantizeSum(quantizer.quantize(input, using: &rng))
            #expect(q.allSatisfy { abs($0 - value) < 0.1 + 1e-12 })
        }
    }

    @Test func clippingBoundsEachCoordinate() {
        var rng = Xoshiro256(seed: 14)
        let quantizer = SecureAggregationQuantizer(dimension: 4, clipBound: 0.5, scale: 8, modulusBits: 16)
        let q = quantizer.quantize([3.0, -7.0, 0.25, -0.125], using: &rng)
        #expect(quantizer.dequantizeSum(q) == [0.5, -0.5, 0.25, -0.125])
        #expect(q == [4, 65536 - 4, 2, 65535])
    }

    /// Negative sums wrap around modulo 2^b; dequantization centres them back.
    @Test func sumDequantizationHandlesWrapAround() {
        var rng = Xoshiro256(seed: 15)
        let bits = 12
        let clients = 7
        let clip = 1.0
        let scale = SecureAggregationQuantizer.maximumScale(clipBound: clip, modulusBits: bits, clientCount: clients)
        #expect(Double(clients) * (clip * scale + 1) <= 2047)
        let quantizer = SecureAggregationQuantizer(dimension: 3, clipBound: clip, scale: scale, modulusBits: bits)
        // All clients at the extremes: the sum reaches ±n·c·s, the edges of the centred range.
        let inputs: [[Double]] = (0..<clients).map { _ in [-1.0, 1.0, -0.5] }
        var sum = [UInt64](repeating: 0, count: 3)
        var roundedTotal = [Double](repeating: 0, count: 3)
        for input in inputs {
            let q = quantizer.quantize(input, using: &rng)
            for i in 0..<3 {
                sum[i] = (sum[i] + q[i]) & 0xFFF
                roundedTotal[i] += Double(SecureAggregationQuantizer.centred(q[i], modulusBits: bits))
            }
        }
        #expect(sum[0] > 2048)  // the negative sum wrapped
        let decoded = quantizer.dequantizeSum(sum)
        for i in 0..<3 {
            #expect(abs(decoded[i] - roundedTotal[i] / scale) <= 1e-9)
            #expect(abs(decoded[i] - Double(clients) * inputs[0][i]) <= Double(clients) / scale + 1e-9)
        }
    }

    @Test func centredRepresentativesAtTheEdges() {
        #expect(SecureAggregationQuantizer.centred(0, modulusBits: 1) == 0)
        #expect(SecureAggregationQuantizer.centred(1, modulusBits: 1) == -1)
        #expect(SecureAggregationQuantizer.centred(127, modulusBits: 8) == 127)
        #expect(SecureAggregationQuantizer.centred(128, modulusBits: 8) == -128)
        #expect(SecureAggregationQuantizer.centred(255, modulusBits: 8) == -1)
        #expect(SecureAggregationQuantizer.centred(1 << 62, modulusBits: 63) == -(1 << 62))
        #expect(SecureAggregationQuantizer.centred((1 << 63) - 1, modulusBits: 63) == -1)
        #expect(SecureAggregationQuantizer.centred(UInt64.max, modulusBits: 64) == -1)
        #expect(SecureAggregationQuantizer.centred(1 << 63, modulusBits: 64) == Int64.min)
    }

    /// Rotation + quantization + modular sum + dequantization recovers the sum of the clients' real
    /// vectors up to the rounding error (each coordinate's rounding error has variance ≤ 1/(4s²)).
    @Test func rotatedQuantizedSumRecoversRealSum() {
        var rng = Xoshiro256(seed: 16)
        let dimension = 100
        let clients = 10
        var shared = Xoshiro256(seed: 99)
        let rotation = RandomizedHadamardRotation(dimension: dimension, using: &shared)
        let clip = 0.5
        let scale = SecureAggregationQuantizer.maximumScale(clipBound: clip, modulusBits: 20, clientCount: clients)
        let quantizer = SecureAggregationQuantizer(
            dimension: dimension, clipBound: clip, scale: scale, modulusBits: 20, rotation: rotation)
        #expect(quantizer.quantizedLength == 128)
        var trueSum = [Double](repeating: 0, count: dimension)
        var sum = [UInt64](repeating: 0, count: 128)
        for _ in 0..<clients {
            let x = (0..<dimension).map { _ in 0.1 * (rng.nextStandardGaussian() as Double) }
            for i in 0..<dimension { trueSum[i] += x[i] }
            let q = quantizer.quantize(x, using: &rng)
            for i in 0..<128 { sum[i] = (sum[i] + q[i]) & 0xFFFFF }
        }
        let decoded = quantizer.dequantizeSum(sum)
        // Rounding noise per coordinate: sd ≤ √clients / (2s); allow 6 sd.
        let tolerance = 6 * Double(clients).squareRoot() / (2 * scale)
        for i in 0..<dimension { #expect(abs(decoded[i] - trueSum[i]) <= tolerance) }
    }

    @Test func quantizationIsDeterministicPerSeed() {
        let quantizer = SecureAggregationQuantizer(dimension: 50, clipBound: 1, scale: 1000, modulusBits: 32)
        var source = Xoshiro256(seed: 17)
        let x = (0..<50).map { _ in source.nextUnitDouble() * 2 - 1 }
        var a = Xoshiro256(seed: 18)
        var b = Xoshiro256(seed: 18)
        var c = Xoshiro256(seed: 19)
        let qa = quantizer.quantize(x, using: &a)
        #expect(qa == quantizer.quantize(x, using: &b))
        #expect(qa != quantizer.quantize(x, using: &c))
        #expect(quantizer.quantize(x.map { Float($0) }, using: &a).count == 50)
    }

    @Test func scaleTooLargeForModulusTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationQuantizer(dimension: 4, clipBound: 1, scale: 200, modulusBits: 8)
        }
    }

    @Test func modulusTooSmallForClientCountTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SecureAggregationQuantizer.maximumScale(clipBound: 1, modulusBits: 4, clientCount: 20)
        }
    }

    @Test func quantizerLengthMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            let quantizer = SecureAggregationQuantizer(dimension: 4, clipBound: 1, scale: 10, modulusBits: 16)
            _ = quantizer.quantize([1.0, 2.0], using: &rng)
        }
    }
}
