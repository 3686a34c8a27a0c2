import Channels
import NeuralNet
import SemanticCodec
import TensorCore
import Testing

@Suite struct ChannelLayerTests {
    /// Largest |analytic − numeric| of `Σ v ⊙ layer(x)` with the layer's randomness fixed per call.
    static func pullbackError<C: ChannelModel>(_ layer: ChannelLayer<C>, training: Bool, seed: UInt64) -> Float {
        var dataRNG = Xoshiro256(seed: seed)
        let x = Tensor<Float>.gaussian(shape: [5, 6], using: &dataRNG)
        let v = Tensor<Float>.gaussian(shape: [5, 6], using: &dataRNG)
        func objective(_ input: Tensor<Float>) -> Double {
            var rng = Xoshiro256(seed: seed &+ 1)
            let y = layer.forward(input, training: training, using: &rng).output
            return zip(y.scalars, v.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        var rng = Xoshiro256(seed: seed &+ 1)
        let (_, pullback) = layer.forward(x, training: training, using: &rng)
        let (dx, parameters) = pullback(v)
        precondition(parameters.isEmpty)
        let step: Float = 1e-2
        var worst: Float = 0
        for i in 0..<x.count {
            var plus = x
            plus.scalars[i] += step
            var minus = x
            minus.scalars[i] -= step
            let numeric = Float((objective(plus) - objective(minus)) / Double(2 * step))
            worst = max(worst, abs(numeric - dx.scalars[i]))
        }
        return worst
    }

    @Test func pullbackMatchesFiniteDifferences() {
        #expect(Self.pullbackError(ChannelLayer(AWGN(snrDecibels: 5)), training: true, seed: 1) < 1e-3)
        let rayleigh = RayleighFading(coherence: .perSymbol, equalization: .none, noise: .snr(decibels: 10))
        #expect(Self.pullbackError(ChannelLayer(rayleigh, trainingSNRDecibels: 0...10), training: true, seed: 2) < 1e-3)
        let mmse = RicianFading(kFactor: 2, coherence: .perExample, equalization: .mmse, noise: .snr(decibels: 3))
        #expect(Self.pullbackError(ChannelLayer(mmse, trainingSNRDecibels: -5...5), training: true, seed: 3) < 1e-3)
        #expect(Self.pullbackError(ChannelLayer(mmse), training: false, seed: 4) < 1e-3)
        #expect(
            Self.pullbackError(ChannelLayer(SymbolErasureChannel(erasureProbability: 0.3)), training: true, seed: 5)
                < 1e-3)
    }

    @Test func pullbackIsNotTheIdentityForFading() {
        var rng = Xoshiro256(seed: 9)
        let layer = ChannelLayer(RayleighFading(coherence: .perExample, equalization: .none, noise: nil))
        let x = Tensor<Float>.gaussian(shape: [3, 4], using: &rng)
        let (_, pullback) = layer.forward(x, training: true, using: &rng)
        let g = Tensor<Float>(repeating: 1, shape: [3, 4])
        #expect(pullback(g).input != g)
    }

    @Test func trainingDrawsOneSNRPerExampleInRange() {
        let layer = ChannelLayer(AWGN(snrDecibels: 30), trainingSNRDecibels: -4...8)
        var rng = Xoshiro256(seed: 12)
        let (_, snrs) = layer.trainingChannel(batch: 4000, using: &rng)
        #expect(snrs.count == 4000)
        #expect(snrs.allSatisfy { $0 >= -4 && $0 <= 8 })
        // Uniform on [−4, 8]: mean 2, standard deviation 12/√12 ≈ 3.46; standard error 0.055.
        let mean = snrs.reduce(0.0) { $0 + Double($1) } / Double(snrs.count)
        #expect(abs(mean - 2) < 0.3)
        #expect(Set(snrs).count > 3900)
    }

    @Test func trainingNoiseFollowsThePerExampleSNR() {
        // Examples 0 and 1 of a big batch get different SNRs; the measured noise power of each
        // example matches N0 = 10^(−snr/10) from the drawn SNR (replaying the same generator).
        let layer = ChannelLayer(AWGN(snrDecibels: 30), trainingSNRDecibels: -10...10)
        let batch = 8
        let k = 20_000
        let x = Tensor<Float>(zeros: [batch, 2 * k])
        var rng = Xoshiro256(seed: 5)
        let y = layer.forward(x, training: true, using: &rng).output
        var replay = Xoshiro256(seed: 5)
        let snrs = layer.trainingChannel(batch: batch, using: &replay).snrDecibels
        for b in 0..<batch {
            var energy = 0.0
            for i in (b * 2 * k)..<((b + 1) * 2 * k) { energy += Double(y.scalars[i]) * Double(y.scalars[i]) }
            let measured = energy / Double(k)
            let expected = Double(SNR.noiseVariance(esNoDecibels: snrs[b]))
            // Relative standard error of the mean of k |n|² (exponential) is 1/√k ≈ 0.007.
            #expect(abs(measured / expected - 1) < 0.05, "example \(b): \(measured) vs \(expected)")
        }
    }

    @Test func inferenceUsesTheConfiguredChannel() {
        let layer = ChannelLayer(AWGN(snrDecibels: 40), trainingSNRDecibels: -10...(-5))
        let x = Tensor<Float>(zeros: [2, 2000])
        var rng = Xoshiro256(seed: 3)
        let y = layer.forward(x, training: false, using: &rng).output
        let power = y.squaredNorm() / 2000
        // N0 = 1e-4 at 40 dB, far below the training range's N0 ≥ 3.16.
        #expect(power < 1e-3)
        #expect(layer.parameters.isEmpty)
    }
}
