// Hyperparameters of a clinical-text knowledge-base build.

/// Everything that determines a clinical-text knowledge base besides the notes. Equal
/// configurations and notes give bit-identical knowledge bases (one BLAS thread).
public struct ClinicalTextCodecConfiguration: Sendable, Hashable {
    /// The knowledge base's name.
    public var name: String
    /// The seed of the initial weights, training and evaluation.
    public var seed: UInt64
    /// `k`, complex channel uses per note.
    public var channelUsesPerSample: Int
    /// Hash buckets of the featurizer.
    public var hashBuckets: Int
    /// The featurizer's hash seed.
    public var hashSeed: UInt64
    /// The training-time dropout probability of the hashed n-gram features (default 0.5; see
    /// ``ClinicalTextFeatureLayer/hashedDropout``). Not used at inference.
    public var hashedDropout: Float
    /// The model's limit in UTF-8 bytes per note.
    public var maximumBytes: Int
    /// Hidden widths of the encoder MLP (ReLU).
    public var encoderHiddenSizes: [Int]
    /// Hidden widths of the decoder MLP (ReLU).
    public var decoderHiddenSizes: [Int]
    /// Training epochs.
    public var epochs: Int
    /// Minibatch size.
    public var batchSize: Int
    /// Adam's learning rate.
    public var learningRate: Double
    /// The weight of each concept's cross-entropy relative to the triage cross-entropy.
    public var conceptLossWeight: Float
    /// The per-note training Es/N0 range (dB), drawn uniformly per note each step.
    public var trainingSNRDecibels: ClosedRange<Float>
    /// The noise-aware-training spec drawn from the injector (``ClinicalTextNoise``), or `nil` to
    /// train on clean notes (the comparison codec).
    public var trainingNoise: String?
    /// The probability that a training note is perturbed in a given epoch.
    public var trainingNoiseProbability: Double
    /// The SNRs (dB) of the test metrics stored in the manifest.
    public var evaluationSNRDecibels: [Float]
    /// The noise specs also measured at 10 dB and stored in the manifest.
    public var evaluationNoise: [String]
    /// Channel realizations per test note in each measurement.
    public var evaluationRepeats: Int
    /// `k` of the extra **rate heads** (default none): for each, a separate encoder and decoder of
    /// the same shape as the main one, trained the same way, to `k` channel uses. A rate-adaptive
    /// link sends a note with the head chosen for the SNR on the validation notes
    /// (``ClinicalTextCodec/selectChannelUses(validationInputs:notes:over:repeats:using:)``), as a
    /// raw link picks its modulation and code.
    public var rateHeadChannelUses: [Int]
    /// The fraction of the training notes held out (never trained on) as the **validation split**
    /// that chooses the rate head per SNR (default 0: no validation split). Drawn at random with
    /// `Xoshiro256(seed, stream 5)`; its indices are stored in `split.validation_indices`.
    public var validationFraction: Double

    /// Creates a configuration (defaults are those of ``default``).
    public init(
        name: String = "clinical-triage", seed: UInt64 = 0, channelUsesPerSample: Int = 8, hashBuckets: Int = 256,
        hashSeed: UInt64 = 0x5e3c_0de7, hashedDropout: Float = 0.5, maximumBytes: Int = 512, encoderHiddenSizes: [Int] = [128],
        decoderHiddenSizes: [Int] = [128], epochs: Int = 40, batchSize: Int = 32, learningRate: Double = 2e-3,
        conceptLossWeight: Float = 0.25, trainingSNRDecibels: ClosedRange<Float> = 0...20,
        trainingNoise: String? = ClinicalTextCodecConfiguration.defaultTrainingNoise,
        trainingNoiseProbability: Double = 0.5, evaluationSNRDecibels: [Float] = [0, 5, 10, 20],
        evaluationNoise: [String] = ["synonym:0.2,reverse:0.1", "synonym-heldout:0.2"], evaluationRepeats: Int = 3,
        rateHeadChannelUses: [Int] = [], validationFraction: Double = 0
    ) {
        precondition(channelUsesPerSample >= 1, "channelUsesPerSample must be ≥ 1, got \(channelUsesPerSample)")
        precondition(hashBuckets >= 1 && maximumBytes >= 1, "hashBuckets and maximumBytes must be ≥ 1")
        precondition(hashedDropout >= 0 && hashedDropout < 1, "hashedDropout must be in [0, 1), got \(hashedDropout)")
        precondition((encoderHiddenSizes + decoderHiddenSizes).allSatisfy { $0 >= 1 }, "hidden sizes must be ≥ 1")
        precondition(epochs >= 1 && batchSize >= 1 && learningRate > 0, "epochs, batchSize, learningRate must be positive")
        precondition((0...1).contains(trainingNoiseProbability), "trainingNoiseProbability must be in [0, 1]")
        precondition(evaluationRepeats >= 1, "evaluationRepeats must be ≥ 1")
        precondition(
            rateHeadChannelUses.allSatisfy { $0 >= 1 && $0 != channelUsesPerSample } && Set(rateHeadChannelUses).count == rateHeadChannelUses.count,
            "rate heads need distinct k ≥ 1 other than the main k \(channelUsesPerSample), got \(rateHeadChannelUses)")
        precondition(validationFraction >= 0 && validationFraction < 1, "validationFraction must be in [0, 1), got \(validationFraction)")
        self.name = name
        self.seed = seed
        self.channelUsesPerSample = channelUsesPerSample
        self.hashBuckets = hashBuckets
        self.hashSeed = hashSeed
        self.hashedDropout = hashedDropout
        self.maximumBytes = maximumBytes
        self.encoderHiddenSizes = encoderHiddenSizes
        self.decoderHiddenSizes = decoderHiddenSizes
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.conceptLossWeight = conceptLossWeight
        self.trainingSNRDecibels = trainingSNRDecibels
        self.trainingNoise = trainingNoise
        self.trainingNoiseProbability = trainingNoiseProbability
        self.evaluationSNRDecibels = evaluationSNRDecibels
        self.evaluationNoise = evaluationNoise
        self.evaluationRepeats = evaluationRepeats
        self.rateHeadChannelUses = rateHeadChannelUses
        self.validationFraction = validationFraction
    }

    /// The noise of noise-aware training (``trainingNoise``'s default, and the spec the shipped
    /// `clinical-triage.semkb` was trained with): ``labelPreservingTrainingNoise``.
    public static let defaultTrainingNoise = labelPreservingTrainingNoise

    /// A **label-preserving** noise-aware-training spec: KB synonyms, letter reversals and a few
    /// single-letter typos, without word dropout and shuffles. The triage rules applied to the
    /// featurizer's reading give the label on 0.977 of the perturbed training notes with it (0.982
    /// with the evaluation noise `synonym:0.2,reverse:0.1`, 0.850 with ``broadTrainingNoise``).
    /// Never the held-out synonyms.
    public static let labelPreservingTrainingNoise = "synonym:0.3,reverse:0.1,swap:0.02,insert:0.01,delete:0.01"

    /// Every kind of the injector except held-out synonyms — the default until 2026-11-29. Its word
    /// dropout and local shuffles delete vital-sign values or move a concept out of its negation
    /// scope: the triage rules applied to the featurizer's reading give the label on only 0.850 of
    /// the perturbed training notes (`semcom notes audit --noise SPEC`), so training on it is partly
    /// label noise (a KB trained with it: triage 0.967 clean, 0.942 with `synonym:0.2,reverse:0.1`
    /// at 10 dB, against 0.972 / 0.946 with ``labelPreservingTrainingNoise``).
    public static let broadTrainingNoise =
        "synonym:0.3,dropout:0.05,shuffle:0.05,reverse:0.15,swap:0.05,insert:0.03,delete:0.03"

    /// The configuration of the shipped `KnowledgeBases/clinical-triage.semkb` (noise-aware).
    public static let `default` = ClinicalTextCodecConfiguration()

    /// A small, fast configuration for tests.
    public static let tiny = ClinicalTextCodecConfiguration(
        hashBuckets: 256, maximumBytes: 384, encoderHiddenSizes: [32], decoderHiddenSizes: [32], epochs: 4,
        batchSize: 32, learningRate: 5e-3, evaluationSNRDecibels: [10], evaluationNoise: [], evaluationRepeats: 1)
}
