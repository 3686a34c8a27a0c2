import Channels
import NeuralNet
import SemanticCodec
import TensorCore
import Testing

@Suite struct PipelineTests {
    @Test func trainedCodecRoundTripsOverIdentityChannel() {
        let (pipeline, history, _) = CodecFixtures.trainedCodec(channel: ChannelLayer(IdentityChannel()), seed: 1)
        #expect(history.epochs.count == 20)
        #expect(history.epochs.last!.trainingLoss < history.epochs.first!.trainingLoss)
        let test = CodecFixtures.toyProblem(samples: 500, seed: 99)
        var rng = Xoshiro256(seed: 5)
        let evaluation = pipeline.evaluateClassifier(test, over: IdentityChannel(), using: &rng)
        // Bayes accuracy of the toy problem is Φ(1.5·√4 = 3) ≈ 0.9987.
        #expect(evaluation.accuracy >= 0.97, "accuracy \(evaluation.accuracy)")
        #expect(evaluation.probabilities.shape == [500, 2])
    }

    @Test func accuracyDegradesAtLowSNR() {
        let pipeline = CodecFixtures.awgnTrained
        let test = CodecFixtures.toyProblem(samples: 1000, seed: 123)
        var rng = Xoshiro256(seed: 11)
        let high = pipeline.evaluateClassifier(test, over: AWGN(snrDecibels: 20), using: &rng).accuracy
        let low = pipeline.evaluateClassifier(test, over: AWGN(snrDecibels: -15), using: &rng).accuracy
        // Standard error of each accuracy ≤ 0.016; the gap asked for is > 10 standard errors.
        #expect(high >= 0.95, "accuracy at 20 dB: \(high)")
        #expect(low <= high - 0.2, "accuracy at −15 dB \(low) vs 20 dB \(high)")
        #expect(low >= 0.4)
    }

    @Test func transmittedSymbolsHaveUnitPowerPerSample() {
        let pipeline = CodecFixtures.untrainedCodec(channelUses: 3, seed: 4)
        let data = CodecFixtures.toyProblem(samples: 16, seed: 3)
        var rng = Xoshiro256(seed: 2)
        let transmission = pipeline.transmit(data.inputs, over: AWGN(snrDecibels: 0), using: &rng)
        #expect(transmission.symbols.shape == [16, 6])
        for power in PowerNormalization.averageSymbolPower(of: transmission.symbols) {
            #expect(abs(power - 1) < 1e-5)
        }
        // The latent itself is not normalized.
        let latentPowers = PowerNormalization.averageSymbolPower(of: transmission.latent)
        #expect(latentPowers.contains { abs($0 - 1) > 1e-2 })
        // The same holds with a different target power.
        var scaled = pipeline
        scaled.powerNormalization = PowerNormalization(averageSymbolPower: 4)
        let symbols = scaled.symbols(for: data.inputs, using: &rng)
        for power in PowerNormalization.averageSymbolPower(of: symbols) { #expect(abs(power - 4) < 1e-4) }
    }

    @Test func identityChannelOutputEqualsDecodedSymbols() {
        let pipeline = CodecFixtures.untrainedCodec(seed: 8)
        let data = CodecFixtures.toyProblem(samples: 8, seed: 1)
        var rng = Xoshiro256(seed: 0)
        let transmission = pipeline.transmit(data.inputs, over: IdentityChannel(), using: &rng)
        #expect(transmission.received == transmission.symbols)
        #expect(transmission.output == pipeline.decode(transmission.symbols))
    }

    @Test func trainingIsDeterministicPerSeed() {
        let channel = ChannelLayer(RayleighFading(noise: .snr(decibels: 10)), trainingSNRDecibels: 0...15)
        let a = CodecFixtures.trainedCodec(channel: channel, seed: 3, epochs: 3, samples: 96)
        let b = CodecFixtures.trainedCodec(channel: channel, seed: 3, epochs: 3, samples: 96)
        let c = CodecFixtures.trainedCodec(channel: channel, seed: 4, epochs: 3, samples: 96)
        #expect(a.pipeline.parameters == b.pipeline.parameters)
        #expect(a.reports == b.reports)
        #expect(a.pipeline.parameters != c.pipeline.parameters)
    }

    @Test func pipelineGradientMatchesFiniteDifferences() {
        // Whole link: encoder → latent jitter → normalization → Rayleigh (no equalization, per-example
        // SNRs) → decoder, loss = softmax cross-entropy. Same seed per evaluation fixes all randomness.
        var pipeline = CodecFixtures.untrainedCodec(channelUses: 2, seed: 21)
        pipeline.perturbations = [GaussianJitter(stage: .latent, standardDeviation: 0.1)]
        let channel = ChannelLayer(RayleighFading(noise: .snr(decibels: 10)), trainingSNRDecibels: 5...15)
        let data = CodecFixtures.toyProblem(samples: 6, seed: 2)
        func loss(_ p: CodecFixtures.ToyPipeline) -> (Double, [Tensor<Float>]) {
            var rng = Xoshiro256(seed: 77)
            let (logits, pullback) = p.forward(data.inputs, through: channel, training: true, using: &rng)
            let (value, gradient) = Losses.softmaxCrossEntropy(logits: logits, labels: data.labels)
            return (Double(value), pullback(gradient))
        }
        let (_, analytic) = loss(pipeline)
        #expect(analytic.count == pipeline.parameters.count)
        let step: Float = 1e-2
        var worst = 0.0
        for p in analytic.indices {
            for i in stride(from: 0, to: pipeline.parameters[p].count, by: 3) {
                var plus = pipeline
                plus.parameters[p].scalars[i] += step
                var minus = pipeline
                minus.parameters[p].scalars[i] -= step
                let numeric = (loss(plus).0 - loss(minus).0) / Double(2 * step)
                let a = Double(analytic[p].scalars[i])
                worst = max(worst, abs(a - numeric) / max(abs(a) + abs(numeric), 1e-2))
            }
        }
        #expect(worst < 2e-2, "largest relative gradient error \(worst)")
    }

    @Test func perturbationsApplyAtTheirStageInOrder() {
        let pipeline = CodecFixtures.untrainedCodec(seed: 5)
        let data = CodecFixtures.toyProblem(samples: 4, seed: 5)
        var clean = Xoshiro256(seed: 1)
        let reference = pipeline.transmit(data.inputs, over: IdentityChannel(), using: &clean)

        var withIdentity = pipeline
        withIdentity.perturbations = [
            IdentityPerturbation(stage: .input),
            IdentityPerturbation(stage: .latent).followed(by: IdentityPerturbation(stage: .latent)),
        ]
        var rng = Xoshiro256(seed: 1)
        #expect(withIdentity.transmit(data.inputs, over: IdentityChannel(), using: &rng).output == reference.output)

        var jammed = pipeline
        jammed.perturbations = [GaussianJitter(stage: .symbols, standardDeviation: 0.5)]
        var jamRNG = Xoshiro256(seed: 1)
        let jammedRun = jammed.transmit(data.inputs, over: IdentityChannel(), using: &jamRNG)
        #expect(jammedRun.latent == reference.latent)
        #expect(jammedRun.symbols != reference.symbols)
        #expect(jammedRun.received == jammedRun.symbols)

        var inputNoise = pipeline
        inputNoise.perturbations = [GaussianJitter(stage: .input, standardDeviation: 0.5)]
        var inRNG = Xoshiro256(seed: 1)
        #expect(inputNoise.transmit(data.inputs, over: IdentityChannel(), using: &inRNG).latent != reference.latent)
    }

    @Test func chainAppliesElementsInOrderAndChainsPullbacks() {
        let chain = Scale(factor: 2).followed(by: Shift(offset: 1))
        #expect(chain.stage == .latent)
        var rng = Xoshiro256(seed: 0)
        let x = Tensor<Float>(shape: [1, 2], scalars: [1, -3])
        let (y, pullback) = chain.forward(x, using: &rng)
        #expect(y.scalars == [3, -5])  // (x·2) + 1, not (x + 1)·2
        #expect(pullback(Tensor(shape: [1, 2], scalars: [1, 1])).scalars == [2, 2])
        #expect(chain.perturb(x, using: &rng) == y)
    }
}

/// Additive Gaussian noise at a stage (a test perturbation; straight-through pullback is exact).
struct GaussianJitter: SemanticPerturbation {
    let stage: PerturbationStage
    let standardDeviation: Float
    func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        x + Tensor.gaussian(shape: x.shape, standardDeviation: standardDeviation, using: &rng)
    }
}

/// `x·factor` with its own pullback.
struct Scale: SemanticPerturbation {
    let factor: Float
    var stage: PerturbationStage { .latent }
    func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> { x * factor }
    func forward<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        let factor = self.factor
        return (x * factor, { $0 * factor })
    }
}

/// `x + offset` (straight-through pullback).
struct Shift: SemanticPerturbation {
    let offset: Float
    var stage: PerturbationStage { .latent }
    func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> { x + offset }
}
