// End-to-end training of the pose codec against a body-measurement adversary.

import Channels
import NeuralNet
import SemanticCodec
import TensorCore

/// One epoch's averages.
public struct PoseTrainingEpoch: Sendable, Hashable {
    /// 1-based epoch.
    public var epoch: Int
    /// Mean activity cross-entropy (nats).
    public var activityLoss: Double
    /// Mean fall binary cross-entropy (nats).
    public var fallLoss: Double
    /// The adversary's mean squared error on the standardized height and wingspan (1 = no better
    /// than the mean), measured before its update on each batch.
    public var adversaryLoss: Double
    /// Training activity accuracy (through the training channel).
    public var accuracy: Double
}

/// The training game of the pose codec (Ganin & Lempitsky, ICML 2015, gradient reversal; as used
/// for privacy-preserving representations by Edwards & Storkey, "Censoring representations with
/// an adversary", ICLR 2016):
///
/// for every minibatch,
/// 1. tracking-noise augmentation on the raw clips (pipeline input perturbations);
/// 2. encoder → power normalization → symbols `x`;
/// 3. the **adversary** (an MLP on `x`, treated as constant) takes `adversaryStepsPerBatch` Adam
///    steps on the MSE of the standardized (height, wingspan);
/// 4. `x` → training channel (per-clip Es/N0) → decoder → activity cross-entropy + `fallWeight` ×
///    fall binary cross-entropy;
/// 5. the codec's gradient is the task gradient plus the **reversed** adversary gradient:
///    `∂L_task/∂x − λ·∂L_adv/∂x` flows back through the power normalization into the encoder, so
///    the encoder moves the symbols where the adversary cannot read the body;
/// 6. one Adam step on encoder and decoder.
enum PoseAdversarialTrainer {
    static func train<G: RandomNumberGenerator>(
        pipeline: inout PoseCodec.Pipeline, adversary: inout Sequential<Float>, inputs: Tensor<Float>,
        activities: [Int], falls: [Bool], privateTargets: Tensor<Float>, configuration: PoseCodecConfiguration,
        using rng: inout G, progress: (PoseTrainingEpoch) -> Void
    ) -> [PoseTrainingEpoch] {
        let n = activities.count
        let classes = PoseCodec.decoderOutputs - 1
        let channel = ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: configuration.trainingSNRDecibels)
        var codecOptimizer = Adam<Float>(learningRate: configuration.learningRate)
        var adversaryOptimizer = Adam<Float>(learningRate: configuration.learningRate)
        let lambda = configuration.adversaryWeight
        var history: [PoseTrainingEpoch] = []
        var order = Array(0..<n)
        for epoch in 1...configuration.epochs {
            order.shuffle(using: &rng)
            var sums = (activity: 0.0, fall: 0.0, adversary: 0.0, correct: 0)
            var batches = 0
            var start = 0
            while start < n {
                let batch = Array(order[start..<Swift.min(n, start + configuration.batchSize)])
                start += configuration.batchSize
                batches += 1
                let b = batch.count
                var x = inputs.gatherRows(batch)
                for p in pipeline.perturbations where p.stage == .input { x = p.perturb(x, using: &rng) }
                let targets = privateTargets.gatherRows(batch)
                let encoded = pipeline.encoder.forward(x, training: true, using: &rng)
                let normalized = pipeline.powerNormalization.forward(encoded.output)
                let symbols = normalized.output
                // 3. The adversary's move.
                for step in 0..<configuration.adversaryStepsPerBatch {
                    let gradients: [Tensor<Float>] = {
                        let (guess, pullback) = adversary.forward(symbols, training: true, using: &rng)
                        let loss = Losses.meanSquaredError(predictions: guess, targets: targets)
                        if step == 0 { sums.adversary += Double(loss.value) }
                        return pullback(loss.gradient).parameters
                    }()
                    adversaryOptimizer.update(&adversary.parameters, along: gradients)
                }
                // 4. The task.
                let received = channel.forward(symbols, training: true, using: &rng)
                let decoded = pipeline.decoder.forward(received.output, training: true, using: &rng)
                var logits: [Float] = []
                var fallLogits: [Float] = []
                for i in 0..<b {
                    logits += decoded.output.scalars[(i * (classes + 1))..<(i * (classes + 1) + classes)]
                    fallLogits.append(decoded.output.scalars[i * (classes + 1) + classes])
                }
                let labels = batch.map { activities[$0] }
                let activityLoss = Losses.softmaxCrossEntropy(
                    logits: Tensor(shape: [b, classes], scalars: logits), labels: labels)
                let fallLoss = Losses.sigmoidCrossEntropy(
                    logits: Tensor(shape: [b, 1], scalars: fallLogits),
                    targets: Tensor(shape: [b, 1], scalars: batch.map { falls[$0] ? 1 : 0 }))
                sums.activity += Double(activityLoss.value)
                sums.fall += Double(fallLoss.value)
                sums.correct +=
                    zip(Tensor(shape: [b, classes], scalars: logits).argmaxAlongLastAxis(), labels).filter { $0 == $1 }
                    .count
                var dOutput = [Float](repeating: 0, count: b * (classes + 1))
                for i in 0..<b {
                    for c in 0..<classes {
                        dOutput[i * (classes + 1) + c] = activityLoss.gradient.scalars[i * classes + c]
                    }
                    dOutput[i * (classes + 1) + classes] = configuration.fallWeight * fallLoss.gradient.scalars[i]
                }
                let codecGradients: [Tensor<Float>] = {
                    let (dReceived, decoderGradients) = decoded.pullback(
                        Tensor(shape: [b, classes + 1], scalars: dOutput))
                    var dSymbols = received.pullback(dReceived).input
                    // 5. Gradient reversal.
                    if lambda > 0 {
                        let (guess, pullback) = adversary.forward(symbols, training: true, using: &rng)
                        let loss = Losses.meanSquaredError(predictions: guess, targets: targets)
                        dSymbols = dSymbols - lambda * pullback(loss.gradient).input
                    }
                    let encoderGradients = encoded.pullback(normalized.pullback(dSymbols)).parameters
                    return encoderGradients + decoderGradients
                }()
                var parameters = pipeline.parameters
                codecOptimizer.update(&parameters, along: codecGradients)
                pipeline.parameters = parameters
            }
            let report = PoseTrainingEpoch(
                epoch: epoch, activityLoss: sums.activity / Double(batches), fallLoss: sums.fall / Double(batches),
                adversaryLoss: sums.adversary / Double(Swift.max(1, batches)),
                accuracy: Double(sums.correct) / Double(n))
            history.append(report)
            progress(report)
        }
        return history
    }
}
