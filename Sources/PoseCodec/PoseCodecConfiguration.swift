// Hyperparameters of a pose knowledge-base build.

import HealthData

/// Everything that determines a pose knowledge base. Two builds with equal configurations give
/// bit-identical knowledge bases (training runs with one BLAS thread).
public struct PoseCodecConfiguration: Sendable, Hashable {
    /// The knowledge base's name.
    public var name: String
    /// The seed of the data, the split, the weights, training and evaluation (`semcom kb build --seed`).
    public var seed: UInt64
    /// The generated training data (subjects, clips, noise); clips of `clipFrames` frames.
    public var dataset: PoseDatasetConfiguration
    /// The fraction of **subjects** held out for testing.
    public var testSubjectFraction: Double
    /// `k`, complex channel uses per clip.
    public var channelUsesPerSample: Int
    /// Keep every `frameStride`-th frame in the features.
    public var frameStride: Int
    /// Divide features by the estimated body size (see ``PoseFeatureExtractor``).
    public var normalizesScale: Bool
    /// Hidden widths of the encoder MLP.
    public var encoderHiddenSizes: [Int]
    /// Hidden widths of the decoder MLP.
    public var decoderHiddenSizes: [Int]
    /// Hidden widths of the training adversary (height and wingspan regressor on the symbols).
    public var adversaryHiddenSizes: [Int]
    /// The gradient-reversal weight λ (0 disables the adversarial game).
    public var adversaryWeight: Float
    /// Adversary updates per minibatch (it moves first, then the codec).
    public var adversaryStepsPerBatch: Int
    /// The weight of the fall head's binary cross-entropy.
    public var fallWeight: Float
    /// Training epochs.
    public var epochs: Int
    /// Minibatch size.
    public var batchSize: Int
    /// Adam's learning rate (codec and adversary).
    public var learningRate: Double
    /// Per-clip Es/N0 range (dB) drawn in training.
    public var trainingSNRDecibels: ClosedRange<Float>
    /// Extra tracking noise for augmentation (applied to each clip with probability 0.5), or `nil`.
    public var augmentation: PoseTrackingNoise?
    /// SNRs (dB) at which test metrics are stored.
    public var evaluationSNRDecibels: [Float]
    /// Channel realizations per test clip.
    public var evaluationRepeats: Int
    /// The privacy attacker measured at build time.
    public var attacker: PoseAttributeAttacker

    /// Creates a configuration (defaults are those of ``default``).
    public init(
        name: String = "pose-activity", seed: UInt64 = 0,
        dataset: PoseDatasetConfiguration = PoseDatasetConfiguration(subjects: 160, clipsPerActivity: 4),
        testSubjectFraction: Double = 0.25, channelUsesPerSample: Int = 8, frameStride: Int = 2,
        normalizesScale: Bool = true, encoderHiddenSizes: [Int] = [128], decoderHiddenSizes: [Int] = [64],
        adversaryHiddenSizes: [Int] = [64, 64], adversaryWeight: Float = 0.5, adversaryStepsPerBatch: Int = 2,
        fallWeight: Float = 1, epochs: Int = 40, batchSize: Int = 64, learningRate: Double = 2e-3,
        trainingSNRDecibels: ClosedRange<Float> = -3...20,
        augmentation: PoseTrackingNoise? = PoseTrackingNoise(
            jitterMeters: 0...0.02, occludedFraction: 0.05, droppedFrameFraction: 0.05),
        evaluationSNRDecibels: [Float] = [-5, 0, 5, 10, 20], evaluationRepeats: Int = 5,
        attacker: PoseAttributeAttacker = PoseAttributeAttacker()
    ) {
        precondition(
            testSubjectFraction > 0 && testSubjectFraction < 1,
            "testSubjectFraction must be in (0, 1), got \(testSubjectFraction)")
        precondition(
            channelUsesPerSample >= 1 && frameStride >= 1,
            "k and frameStride must be ≥ 1, got \(channelUsesPerSample), \(frameStride)")
        precondition(
            (encoderHiddenSizes + decoderHiddenSizes + adversaryHiddenSizes).allSatisfy { $0 >= 1 },
            "Hidden sizes must be ≥ 1")
        precondition(
            adversaryWeight >= 0 && adversaryStepsPerBatch >= 0 && fallWeight >= 0, "Weights and steps must be ≥ 0")
        precondition(
            epochs >= 1 && batchSize >= 1 && learningRate > 0 && evaluationRepeats >= 1, "Invalid training sizes")
        precondition(
            trainingSNRDecibels.lowerBound.isFinite && trainingSNRDecibels.upperBound.isFinite,
            "Training SNRs must be finite")
        self.name = name
        self.seed = seed
        self.dataset = dataset
        self.testSubjectFraction = testSubjectFraction
        self.channelUsesPerSample = channelUsesPerSample
        self.frameStride = frameStride
        self.normalizesScale = normalizesScale
        self.encoderHiddenSizes = encoderHiddenSizes
        self.decoderHiddenSizes = decoderHiddenSizes
        self.adversaryHiddenSizes = adversaryHiddenSizes
        self.adversaryWeight = adversaryWeight
        self.adversaryStepsPerBatch = adversaryStepsPerBatch
        self.fallWeight = fallWeight
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.trainingSNRDecibels = trainingSNRDecibels
        self.augmentation = augmentation
        self.evaluationSNRDecibels = evaluationSNRDecibels
        self.evaluationRepeats = evaluationRepeats
        self.attacker = attacker
    }

    /// The configuration of the shipped `KnowledgeBases/pose-activity.semkb` (`semcom kb build
    /// --modality pose`): 160 generated subjects (120 train / 40 test) × 8 activities × 4 clips of
    /// 1 s at 30 fps, k = 8, features every 2nd frame, scale-normalized, encoder 128, decoder 64,
    /// adversary 64-64 with λ = 0.5 and 2 adversary steps per batch, 40 epochs of Adam (2·10⁻³,
    /// batch 64), training SNR −3…20 dB, tracking-noise augmentation, seed 0.
    public static let `default` = PoseCodecConfiguration()

    /// A small, fast configuration for tests.
    public static let tiny = PoseCodecConfiguration(
        name: "pose-tiny", dataset: PoseDatasetConfiguration(subjects: 12, clipsPerActivity: 2),
        testSubjectFraction: 0.25, channelUsesPerSample: 4, frameStride: 5, encoderHiddenSizes: [16],
        decoderHiddenSizes: [16], adversaryHiddenSizes: [8], adversaryStepsPerBatch: 1, epochs: 6, batchSize: 32,
        learningRate: 1e-2, evaluationSNRDecibels: [10], evaluationRepeats: 1,
        attacker: PoseAttributeAttacker(hiddenSizes: [8], epochs: 5, batchSize: 32, learningRate: 1e-2))
}
