// Hyperparameters of a multi-modal knowledge-base build.

/// Everything that determines a multi-modal knowledge base besides the records. Equal
/// configurations give bit-identical knowledge bases (one BLAS thread).
public struct MultimodalCodecConfiguration: Sendable, Hashable {
    /// The knowledge base's name.
    public var name: String
    /// The seed of the reports, the split, the initial weights, training and evaluation.
    public var seed: UInt64
    /// `k`, complex channel uses per record, of every head.
    public var channelUsesPerSample: Int
    /// Hash buckets of the note block.
    public var hashBuckets: Int
    /// The hash seed.
    public var hashSeed: UInt64
    /// Hidden width of the table branch.
    public var tableHidden: Int
    /// Hidden width of the note branch.
    public var noteHidden: Int
    /// Hidden widths of the fusion MLP after the branches.
    public var fusionHiddenSizes: [Int]
    /// Hidden widths of the decoder MLP.
    public var decoderHiddenSizes: [Int]
    /// Training epochs of each head.
    public var epochs: Int
    /// Minibatch size.
    public var batchSize: Int
    /// Adam's learning rate.
    public var learningRate: Double
    /// The per-record training Es/N0 range (dB).
    public var trainingSNRDecibels: ClosedRange<Float>
    /// Modality dropout of the fused head: per training record and step, at most one of these
    /// corruptions with its probability.
    public var modalityDropout: [ModalityCorruptionKind: Double]
    /// Whether the fused head's table and note branches start from the trained table-only and
    /// note-only heads' branches (ModDrop pretraining, Neverova et al. 2016; default `true`), so that
    /// with one modality missing the fused codec reads the other as well as its single-modality codec.
    public var pretrainedBranches: Bool
    /// The held-out test fraction (stratified).
    public var testFraction: Double
    /// The SNRs (dB) of the test metrics stored in the manifest.
    public var evaluationSNRDecibels: [Float]
    /// Channel realizations per test record in each measurement.
    public var evaluationRepeats: Int

    /// Creates a configuration (defaults are those of ``default``).
    public init(
        name: String = "bcwd-multimodal", seed: UInt64 = 0, channelUsesPerSample: Int = 4, hashBuckets: Int = 256,
        hashSeed: UInt64 = 0x5e3c_0de7, tableHidden: Int = 32, noteHidden: Int = 32, fusionHiddenSizes: [Int] = [32],
        decoderHiddenSizes: [Int] = [32], epochs: Int = 60, batchSize: Int = 32, learningRate: Double = 3e-3,
        trainingSNRDecibels: ClosedRange<Float> = -5...20,
        modalityDropout: [ModalityCorruptionKind: Double] = [
            .noteNoise: 0.3, .tableMissing: 0.35, .noteMissing: 0.05, .fieldMissing: 0.1,
        ],
        pretrainedBranches: Bool = true, testFraction: Double = 0.2, evaluationSNRDecibels: [Float] = [0, 5, 10, 20],
        evaluationRepeats: Int = 20
    ) {
        precondition(channelUsesPerSample >= 1 && hashBuckets >= 1, "k and hashBuckets must be ≥ 1")
        precondition(
            ([tableHidden, noteHidden] + fusionHiddenSizes + decoderHiddenSizes).allSatisfy { $0 >= 1 },
            "hidden sizes must be ≥ 1")
        precondition(epochs >= 1 && batchSize >= 1 && learningRate > 0, "epochs, batchSize, learningRate must be positive")
        precondition(modalityDropout.values.reduce(0, +) <= 1, "modality-dropout probabilities must sum to ≤ 1")
        precondition(testFraction > 0 && testFraction < 1 && evaluationRepeats >= 1, "testFraction in (0, 1), repeats ≥ 1")
        self.name = name
        self.seed = seed
        self.channelUsesPerSample = channelUsesPerSample
        self.hashBuckets = hashBuckets
        self.hashSeed = hashSeed
        self.tableHidden = tableHidden
        self.noteHidden = noteHidden
        self.fusionHiddenSizes = fusionHiddenSizes
        self.decoderHiddenSizes = decoderHiddenSizes
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.trainingSNRDecibels = trainingSNRDecibels
        self.modalityDropout = modalityDropout
        self.pretrainedBranches = pretrainedBranches
        self.testFraction = testFraction
        self.evaluationSNRDecibels = evaluationSNRDecibels
        self.evaluationRepeats = evaluationRepeats
    }

    /// The configuration of the shipped `KnowledgeBases/bcwd-multimodal.semkb`.
    public static let `default` = MultimodalCodecConfiguration()

    /// A small, fast configuration for tests.
    public static let tiny = MultimodalCodecConfiguration(
        hashBuckets: 64, tableHidden: 8, noteHidden: 8, fusionHiddenSizes: [8], decoderHiddenSizes: [8], epochs: 3,
        evaluationSNRDecibels: [10], evaluationRepeats: 1)

    /// The modality-dropout kinds in a fixed order with their probabilities.
    var orderedDropout: [(kind: ModalityCorruptionKind, probability: Double)] {
        ModalityCorruptionKind.allCases.compactMap { kind in modalityDropout[kind].map { (kind, $0) } }
    }
}
