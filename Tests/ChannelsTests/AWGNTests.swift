import Channels
import Testing
import TensorCore

@Suite struct AWGNTests {
    /// Noise variance N0/2 per real dimension and N0 per complex symbol, at several SNRs
    /// (2·10⁵ reals; the variance estimator has relative standard error √(2/n) ≈ 0.32 %).
    @Test(arguments: [-5.0, 0.0, 10.0, 20.0] as [Float])
    func noiseVariancePerDimensionAndPerSymbol(snrDecibels: Float) {
        var rng = Xoshiro256(seed: 11)
        let x = Tensor<Float>(zeros: [100, 2000])
        let y = AWGN(snrDecibels: snrDecibels)(x, using: &rng)
        let n0 = Double(SNR.noiseVariance(esNoDecibels: snrDecibels))
        let reals = y.scalars.count
        var realSum = 0.0, imaginarySum = 0.0, realSquares = 0.0, imaginarySquares = 0.0, cross = 0.0
        for s in 0..<(reals / 2) {
            let (a, b) = (Double(y.scalars[2 * s]), Double(y.scalars[2 * s + 1]))
            realSum += a
            imaginarySum += b
            realSquares += a * a
            imaginarySquares += b * b
            cross += a * b
        }
        let symbols = Double(reals / 2)
        // Per real dimension: N0/2 each, relative standard error √(2/symbols).
        let relativeTolerance = 6 * (2 / symbols).squareRoot()
        #expect(abs(realSquares / symbols / (n0 / 2) - 1) < relativeTolerance)
        #expect(abs(imaginarySquares / symbols / (n0 / 2) - 1) < relativeTolerance)
        // Per complex symbol: E|n|² = N0 (|n|² is exponential, relative standard error 1/√symbols).
        #expect(abs((realSquares + imaginarySquares) / symbols / n0 - 1) < 6 / symbols.squareRoot())
        // Zero mean and uncorrelated real/imaginary parts.
        let sd = (n0 / 2).squareRoot()
        #expect(abs(realSum / symbols) < 6 * sd / symbols.squareRoot())
        #expect(abs(imaginarySum / symbols) < 6 * sd / symbols.squareRoot())
        #expect(abs(cross / symbols) < 6 * (n0 / 2) / symbols.squareRoot())
    }

    /// One SNR per example: each row gets its own N0.
    @Test func perExampleSNR() {
        var rng = Xoshiro256(seed: 12)
        let snrs: [Float] = [0, 5, 10, 20]
        let x = Tensor<Float>(zeros: [4, 100_000])
        let channel = AWGN(noise: .snr(perExampleDecibels: snrs))
        let y = channel(x, using: &rng)
        let symbols = 50_000.0
        for (b, snr) in snrs.enumerated() {
            let row = y.scalars[(b * 100_000)..<((b + 1) * 100_000)]
            let power = row.reduce(0.0) { $0 + Double($1) * Double($1) } / symbols
            let n0 = Double(SNR.noiseVariance(esNoDecibels: snr))
            #expect(abs(power / n0 - 1) < 6 / symbols.squareRoot(), "example \(b) at \(snr) dB")
        }
        #expect(channel.noiseVariances(for: x).map { Double($0) } == snrs.map { Double(1 / SNR.linear(fromDecibels: $0)) })
    }

    /// Es/N0 relative to the measured power: a signal of power 4 at 10 dB gets N0 = 0.4, and the
    /// signal itself passes unchanged on average.
    @Test func measuredSignalPowerReference() {
        var rng = Xoshiro256(seed: 13)
        let k = 50_000
        var scalars = [Float](repeating: 0, count: 2 * k)
        for n in 0..<k { scalars[2 * n] = n % 2 == 0 ? 2 : -2 }  // |x|² = 4 per symbol
        let x = Tensor(shape: [1, 2 * k], scalars: scalars)
        let channel = AWGN(noise: .snr(decibels: 10, relativeTo: .measured))
        let variances = channel.noiseVariances(for: x)
        #expect(abs(variances[0] - 0.4) < 1e-5)
        let y = channel(x, using: &rng)
        let noise = (y - x).scalars
        let power = noise.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(k)
        #expect(abs(power / 0.4 - 1) < 6 / Double(k).squareRoot())
    }

    @Test func explicitNoiseVarianceAndNominalPower() {
        var rng = Xoshiro256(seed: 14)
        let x = Tensor<Float>(zeros: [2, 100_000])
        let y = AWGN(noise: .noiseVariance(0.25))(x, using: &rng)
        let power = y.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } / 100_000
        #expect(abs(power / 0.25 - 1) < 6 / (100_000.0).squareRoot())
        // Nominal power 2 at 3 dB: N0 = 2 / 10^0.3.
        let nominal = NoiseLevel.snr(decibels: 3, relativeTo: .nominal(2)).noiseVariances(batch: 3)
        #expect(nominal.allSatisfy { abs($0 - 2 / SNR.linear(fromDecibels: 3)) < 1e-6 })
    }

    @Test func sameSeedSameOutputAndPullbackIsIdentity() {
        let x = Tensor<Float>(shape: [2, 4], scalars: [1, 0, -1, 0, 0.5, 0.5, -0.5, 0.5])
        var a = Xoshiro256(seed: 15)
        var b = Xoshiro256(seed: 15)
        let channel = AWGN(snrDecibels: 5)
        #expect(channel(x, using: &a) == channel(x, using: &b))
        #expect(ChannelModelTestSupport.pullbackError(channel, x: x, seed: 16) < 1e-2)
    }

    @Test func identityChannelIsExact() {
        var rng = Xoshiro256(seed: 17)
        let x = Tensor<Float>.gaussian(shape: [3, 8], using: &rng)
        let before = rng
        let (y, _) = IdentityChannel().transmit(x, using: &rng)
        #expect(y == x)
        #expect(rng == before)
        #expect(IdentityChannel().pullback(x, state: ()) == x)
    }

    @Test func perExampleSNRCountMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 1)
            _ = AWGN(noise: .snr(perExampleDecibels: [0, 1, 2]))(Tensor<Float>(zeros: [2, 4]), using: &rng)
        }
    }

    @Test func oddLastAxisTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 1)
            _ = AWGN(snrDecibels: 0)(Tensor<Float>(zeros: [2, 3]), using: &rng)
        }
    }
}
