import Channels
import NeuralNet
import Robustness
import SemanticCodec
import TensorCore

typealias TinyPipeline = SemanticPipeline<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>>

/// The channel that delivers symbols unchanged (noise-free gradients for finite differences).
struct PassThroughChannel: ChannelModel {
    func sampleState<G: RandomNumberGenerator>(for shape: [Int], using rng: inout G) {}
    func apply<G: RandomNumberGenerator>(_ x: Tensor<Float>, state: Void, using rng: inout G) -> Tensor<Float> { x }
    func pullback(_ dy: Tensor<Float>, state: Void) -> Tensor<Float> { dy }
}

/// A two-class toy problem in 3 physical features on a 1…10 scale (coded as (x − 5.5) / 2):
/// class 1 iff the sum of the first two features exceeds 11; the third feature is not attackable.
enum Toy {
    static let domain = InputDomain(
        scale: [2, 2, 2], lower: [-2.25, -2.25, -2.25], upper: [2.25, 2.25, 2.25], isAttackable: [true, true, false],
        unit: "grade")

    static func data(count: Int, seed: UInt64) -> LabeledBatch {
        var rng = Xoshiro256(seed: seed)
        var scalars: [Float] = []
        var labels: [Int] = []
        for _ in 0..<count {
            let raw = (0..<3).map { _ in 1 + 9 * rng.nextUnitFloat() }
            scalars += raw.map { ($0 - 5.5) / 2 }
            labels.append(raw[0] + raw[1] > 11 ? 1 : 0)
        }
        return LabeledBatch(inputs: Tensor(shape: [count, 3], scalars: scalars), labels: labels)
    }

    static func untrained(seed: UInt64 = 1) -> TinyPipeline {
        var rng = Xoshiro256(seed: seed)
        return TinyPipeline(
            encoder: NetworkEncoder(inputSize: 3, hiddenSizes: [8], channelUsesPerSample: 2, using: &rng),
            decoder: NetworkDecoder(channelUsesPerSample: 2, hiddenSizes: [8], outputSize: 2, using: &rng))
    }

    /// A pipeline trained over AWGN 0…20 dB, with an optional objective.
    static func trained(
        objective: (any ClassificationTrainingObjective)? = nil, epochs: Int = 30, seed: UInt64 = 1
    ) -> TinyPipeline {
        var pipeline = untrained(seed: seed)
        var trainer = ClassificationTrainer(
            configuration: TrainingConfiguration(epochs: epochs, batchSize: 32),
            channel: ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: 0...20),
            optimizer: Adam<Float>(learningRate: 1e-2))
        trainer.objective = objective
        trainer.inputDomain = domain
        var rng = Xoshiro256(seed: 2)
        trainer.fit(&pipeline, on: data(count: 256, seed: 3), using: &rng)
        return pipeline
    }

    /// The toy link as an attack target.
    typealias Model = PipelineTaskModel<NetworkEncoder<Sequential<Float>>, NetworkDecoder<Sequential<Float>>, AWGN>

    static func model(_ pipeline: TinyPipeline, snr: Float = 10) -> Model {
        PipelineTaskModel(pipeline: pipeline, channel: ChannelLayer(AWGN(snrDecibels: snr)), inputDomain: domain)
    }
}

/// A text model for the text attacks: class 1 ("emergent") with probability 0.9 when the note
/// mentions chest pain (any form) or fever, else class 0; "pyrexia" counts only half.
struct KeywordTextModel: TextTaskModel {
    var synonymGroups: [[String]] { [["chest pain", "thoracic pain", "cp"], ["fever", "pyrexia", "febrile"]] }

    func probabilities<G: RandomNumberGenerator>(_ texts: [String], using rng: inout G) throws -> Tensor<Float> {
        var scalars: [Float] = []
        for text in texts {
            let t = text.lowercased()
            var score: Float = 0
            if t.contains("chest pain") { score += 0.5 }
            if t.contains("fever") { score += 0.5 }
            if t.contains("pyrexia") { score += 0.25 }
            let p = min(0.1 + score * 0.8, 0.9)
            scalars += [1 - p, p]
        }
        return Tensor(shape: [texts.count, 2], scalars: scalars)
    }
}
