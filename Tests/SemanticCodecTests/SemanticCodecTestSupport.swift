import Channels
import NeuralNet
import SemanticCodec
import TensorCore

/// Shared fixtures of the SemanticCodec tests.
enum CodecFixtures {
    /// A toy separable problem: two Gaussian classes in `features` dimensions, means ±`separation`
    /// on every axis, unit variance; labels alternate 0, 1, 0, …
    static func toyProblem(samples: Int, features: Int = 4, separation: Float = 1.5, seed: UInt64) -> LabeledBatch {
        var rng = Xoshiro256(seed: seed)
        var scalars: [Float] = []
        var labels: [Int] = []
        for i in 0..<samples {
            let label = i % 2
            let mean: Float = label == 1 ? separation : -separation
            for _ in 0..<features { scalars.append(mean + Float(rng.nextStandardGaussian())) }
            labels.append(label)
        }
        return LabeledBatch(inputs: Tensor(shape: [samples, features], scalars: scalars), labels: labels)
    }

    typealias ToyPipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

    /// A fresh tiny MLP codec: `features → 8 → 2·k` and `2·k → 8 → 2`.
    static func untrainedCodec(features: Int = 4, channelUses: Int = 2, seed: UInt64) -> ToyPipeline {
        var rng = Xoshiro256(seed: seed)
        return SemanticPipeline(
            encoder: NetworkEncoder(
                inputSize: features, hiddenSizes: [8], channelUsesPerSample: channelUses, using: &rng),
            decoder: NetworkDecoder(channelUsesPerSample: channelUses, hiddenSizes: [8], outputSize: 2, using: &rng))
    }

    /// Trains a tiny codec on the toy problem over `channel` and returns it with its history.
    static func trainedCodec<C: ChannelModel>(
        channel: ChannelLayer<C>, seed: UInt64, epochs: Int = 20, samples: Int = 256
    ) -> (pipeline: ToyPipeline, history: TrainingHistory, reports: [EpochReport]) {
        BLAS.setThreadCount(1)
        var pipeline = untrainedCodec(seed: seed)
        var trainer = ClassificationTrainer(
            configuration: TrainingConfiguration(epochs: epochs, batchSize: 32), channel: channel,
            optimizer: Adam<Float>(learningRate: 1e-2))
        var rng = Xoshiro256(seed: seed &+ 100)
        var reports: [EpochReport] = []
        let history = trainer.fit(
            &pipeline, on: toyProblem(samples: samples, seed: seed &+ 200), using: &rng
        ) { reports.append($0) }
        return (pipeline, history, reports)
    }

    /// A codec trained once over AWGN with a 0…20 dB SNR range (shared by several tests).
    static let awgnTrained = trainedCodec(
        channel: ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: 0...20), seed: 7, epochs: 25
    ).pipeline
}
