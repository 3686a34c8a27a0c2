// End-to-end training of one encoder/decoder pair of a tabular knowledge base.

import Channels
import NeuralNet
import SemanticCodec
import TensorCore

/// Trains the main codec and each head of ``TabularKnowledgeBase/build(dataset:dataSHA256:dataSource:configuration:progress:)``
/// with the same data, semantic-noise augmentation, optimizer, epochs and SNR range.
///
/// - Main codec: initial weights from `Xoshiro256(seed, stream: 2)`, training from stream 3.
/// - Head `i` (from 1): the forks `i` of those two streams.
/// - Coherent heads train over AWGN; the non-coherent head over Rayleigh block fading without CSI
///   (one `CN(0, 1)` coefficient per record, no equalization), with ``PhaseInvariantFeatures``
///   before its decoder MLP. Both with per-record Es/N0 uniform in the training range (`ChannelLayer`).
struct HeadTrainer {
    var configuration: TabularCodecConfiguration
    var inputSize: Int
    var classes: Int
    var perturbations: [any SemanticPerturbation]
    var train: LabeledBatch
    var objective: (any ClassificationTrainingObjective)?
    var inputDomain: InputDomain

    /// Trains one pipeline with `k` channel uses; `progress` gets "<epoch>/<epochs>: loss …".
    func train(
        k: Int, receiver: TabularCodecHead.Receiver, fork: UInt64?, progress: (String) -> Void
    ) -> (TabularCodec.Pipeline, TrainingHistory) {
        let c = configuration
        var initRNG = Xoshiro256(seed: c.seed, stream: 2)
        var trainRNG = Xoshiro256(seed: c.seed, stream: 3)
        if let fork {
            initRNG = initRNG.fork(stream: fork)
            trainRNG = trainRNG.fork(stream: fork)
        }
        let encoder = NetworkEncoder(
            inputSize: inputSize, hiddenSizes: c.encoderHiddenSizes, channelUsesPerSample: k, using: &initRNG)
        let decoder: NetworkDecoder<Sequential<Float>>
        switch receiver {
        case .coherent:
            decoder = NetworkDecoder(
                channelUsesPerSample: k, hiddenSizes: c.decoderHiddenSizes, outputSize: classes, using: &initRNG)
        case .noncoherent:
            let features = PhaseInvariantFeatures(symbolCount: k)
            var layers: [any Layer<Float>] = [features]
            var width = features.outputSize
            for hidden in c.decoderHiddenSizes {
                layers.append(
                    Dense<Float>(inputSize: width, outputSize: hidden, initializer: .heUniform, using: &initRNG))
                layers.append(ReLU<Float>())
                width = hidden
            }
            layers.append(Dense<Float>(inputSize: width, outputSize: classes, using: &initRNG))
            decoder = NetworkDecoder(network: Sequential(layers), channelUsesPerSample: k)
        }
        var pipeline = TabularCodec.Pipeline(encoder: encoder, decoder: decoder, perturbations: perturbations)
        let history: TrainingHistory
        switch receiver {
        case .coherent:
            history = fit(
                &pipeline, ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: c.trainingSNRDecibels), &trainRNG,
                progress)
        case .noncoherent:
            let fading = RayleighFading(coherence: .perExample, equalization: .none, noise: .snr(decibels: 10))
            history = fit(
                &pipeline, ChannelLayer(fading, trainingSNRDecibels: c.trainingSNRDecibels), &trainRNG, progress)
        }
        pipeline.perturbations = []
        return (pipeline, history)
    }

    private func fit<C: ChannelModel>(
        _ pipeline: inout TabularCodec.Pipeline, _ channel: ChannelLayer<C>, _ rng: inout Xoshiro256,
        _ progress: (String) -> Void
    ) -> TrainingHistory {
        var trainer = ClassificationTrainer(
            configuration: TrainingConfiguration(epochs: configuration.epochs, batchSize: configuration.batchSize),
            channel: channel, optimizer: Adam<Float>(learningRate: configuration.learningRate))
        trainer.objective = objective
        trainer.inputDomain = inputDomain
        return trainer.fit(&pipeline, on: train, using: &rng) { report in
            progress(
                "\(report.epoch)/\(configuration.epochs): loss \(format(report.trainingLoss)), accuracy \(format(report.trainingAccuracy))"
            )
        }
    }
}
