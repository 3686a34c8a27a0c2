import Channels
import NeuralNet
import SemanticCodec
import TensorCore
import Testing

@Suite struct TrainingTests {
    @Test func progressReportsEveryEpochAndValidationIsMeasured() {
        BLAS.setThreadCount(1)
        var pipeline = CodecFixtures.untrainedCodec(seed: 2)
        var trainer = ClassificationTrainer(
            configuration: TrainingConfiguration(epochs: 6, batchSize: 16),
            channel: ChannelLayer(AWGN(snrDecibels: 15), trainingSNRDecibels: 5...20),
            optimizer: Adam<Float>(learningRate: 1e-2))
        var rng = Xoshiro256(seed: 1)
        var reports: [EpochReport] = []
        let history = trainer.fit(
            &pipeline, on: CodecFixtures.toyProblem(samples: 128, seed: 1),
            validation: CodecFixtures.toyProblem(samples: 200, seed: 2), using: &rng
        ) { reports.append($0) }
        #expect(reports.map(\.epoch) == [1, 2, 3, 4, 5, 6])
        #expect(history.epochs == reports)
        #expect(!history.stoppedEarly)
        #expect(reports.allSatisfy { $0.validationLoss != nil && $0.validationAccuracy != nil })
        #expect(reports.last!.validationAccuracy! > 0.9)
        #expect(reports.last!.trainingLoss < reports.first!.trainingLoss)
    }

    @Test func earlyStoppingStopsAndRestoresTheBestParameters() {
        BLAS.setThreadCount(1)
        // A learning rate of 0 never improves the loss after the first epoch (noise aside, which
        // the identity channel does not add): patience 2 stops after epoch 3.
        var pipeline = CodecFixtures.untrainedCodec(seed: 3)
        let initial = pipeline.parameters
        var trainer = ClassificationTrainer(
            configuration: TrainingConfiguration(
                epochs: 50, batchSize: 32, earlyStopping: EarlyStopping(patience: 2, minimumImprovement: 1e-9)),
            channel: ChannelLayer(IdentityChannel()), optimizer: SGD<Float>(learningRate: 1e-12))
        var rng = Xoshiro256(seed: 1)
        let validation = CodecFixtures.toyProblem(samples: 64, seed: 5)
        let history = trainer.fit(
            &pipeline, on: CodecFixtures.toyProblem(samples: 64, seed: 4), validation: validation, using: &rng)
        #expect(history.stoppedEarly)
        #expect(history.epochs.count == 3)
        #expect(history.bestEpoch == 1)
        #expect(pipeline.parameters.count == initial.count)

        // With a useful rate, the restored parameters are those of the best epoch.
        var learning = CodecFixtures.untrainedCodec(seed: 3)
        var good = ClassificationTrainer(
            configuration: TrainingConfiguration(
                epochs: 8, batchSize: 16, earlyStopping: EarlyStopping(patience: 100, restoresBestParameters: true)),
            channel: ChannelLayer(IdentityChannel()), optimizer: Adam<Float>(learningRate: 1e-2))
        var rng2 = Xoshiro256(seed: 1)
        let result = good.fit(
            &learning, on: CodecFixtures.toyProblem(samples: 64, seed: 4), validation: validation, using: &rng2)
        var evalRNG = Xoshiro256(seed: 0)
        let restoredLoss = learning.evaluateClassifier(validation, over: IdentityChannel(), using: &evalRNG).loss
        let best = result.epochs[result.bestEpoch - 1].validationLoss!
        #expect(abs(restoredLoss - best) < 1e-6)
        #expect(result.epochs.allSatisfy { $0.validationLoss! >= best })
    }

    @Test func addingAValidationSetDoesNotChangeTraining() {
        BLAS.setThreadCount(1)
        func run(validation: LabeledBatch?) -> [Tensor<Float>] {
            var pipeline = CodecFixtures.untrainedCodec(seed: 6)
            var trainer = ClassificationTrainer(
                configuration: TrainingConfiguration(epochs: 3, batchSize: 16),
                channel: ChannelLayer(AWGN(snrDecibels: 5), trainingSNRDecibels: 0...10),
                optimizer: Adam<Float>(learningRate: 1e-2))
            var rng = Xoshiro256(seed: 2)
            trainer.fit(
                &pipeline, on: CodecFixtures.toyProblem(samples: 64, seed: 3), validation: validation, using: &rng)
            return pipeline.parameters
        }
        let without = run(validation: nil)
        let with = run(validation: CodecFixtures.toyProblem(samples: 50, seed: 4))
        #expect(without == with)
        #expect(without != CodecFixtures.untrainedCodec(seed: 6).parameters)
    }

    @Test func trainingStepReducesLossOnAFixedBatch() {
        var pipeline = CodecFixtures.untrainedCodec(seed: 9)
        let batch = CodecFixtures.toyProblem(samples: 32, seed: 9)
        var optimizer = Adam<Float>(learningRate: 1e-2)
        var rng = Xoshiro256(seed: 0)
        let channel = ChannelLayer(IdentityChannel())
        let first = pipeline.trainingStep(
            inputs: batch.inputs, labels: batch.labels, through: channel, optimizer: &optimizer, using: &rng)
        var last = first
        for _ in 0..<40 {
            last = pipeline.trainingStep(
                inputs: batch.inputs, labels: batch.labels, through: channel, optimizer: &optimizer, using: &rng)
        }
        #expect(last.loss < first.loss * 0.5)
        #expect(last.accuracy >= 0.95)
    }
}
