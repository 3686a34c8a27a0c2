// How a knowledge base was trained, so that it can be rebuilt and audited.

/// The data, split, seed and settings a knowledge base was trained with.
public struct TrainingProvenance: Codable, Sendable, Hashable {
    /// The lowercase hexadecimal SHA-256 (FIPS 180-4) of the training data file(s), 64 characters.
    public var dataSHA256: String
    /// Where the data came from (a path or data-set name; no record values).
    public var dataSource: String?
    /// How the records were split, e.g. `"stratified 70/15/15 by class, seed 0"`.
    public var split: String
    /// The `--seed` the build used.
    public var seed: UInt64
    /// The range of channel SNRs sampled during training, in dB.
    public var snrTrainingRangeDecibels: ValueRange?
    /// Adversarial training settings, if any.
    public var adversarial: AdversarialSettings?
    /// The number of worker threads (results are reproducible bit for bit for a given count).
    public var threads: Int
    /// The training epochs run.
    public var epochs: Int?

    /// Creates a provenance record.
    public init(
        dataSHA256: String, dataSource: String? = nil, split: String, seed: UInt64,
        snrTrainingRangeDecibels: ValueRange? = nil, adversarial: AdversarialSettings? = nil, threads: Int,
        epochs: Int? = nil
    ) {
        self.dataSHA256 = dataSHA256
        self.dataSource = dataSource
        self.split = split
        self.seed = seed
        self.snrTrainingRangeDecibels = snrTrainingRangeDecibels
        self.adversarial = adversarial
        self.threads = threads
        self.epochs = epochs
    }

    enum CodingKeys: String, CodingKey {
        case dataSHA256 = "data_sha256"
        case dataSource = "data_source"
        case split, seed
        case snrTrainingRangeDecibels = "snr_training_range_db"
        case adversarial, threads, epochs
    }

    /// Adversarial training settings (Madry et al., "Towards deep learning models resistant to adversarial
    /// attacks", ICLR 2018).
    public struct AdversarialSettings: Codable, Sendable, Hashable {
        /// The attack used to make training examples, e.g. `"fgsm"`, `"pgd"`.
        public var method: String
        /// The perturbation budget ε (in the normalized input or latent space named by ``target``).
        public var epsilon: Double
        /// Attack iterations (PGD), if any.
        public var steps: Int?
        /// The fraction of each batch replaced by adversarial examples, in [0, 1].
        public var fraction: Double
        /// What is perturbed: `"input"`, `"latent"` or `"symbols"` (or `"input+symbols"` for a joint adversary).
        public var target: String
        /// The norm of the budget (`"linf"`, `"l2"`), if the method has one.
        public var norm: String?
        /// The unit of ``epsilon`` when it is not the normalized space (e.g. `"physical"`: the
        /// input's own units, such as grades on the 1–10 scale).
        public var units: String?
        /// Further named settings of the method (step size, TRADES β, symbol budget SPR in dB, …).
        public var parameters: [String: Double]?

        /// Creates adversarial settings.
        public init(
            method: String, epsilon: Double, steps: Int? = nil, fraction: Double, target: String, norm: String? = nil,
            units: String? = nil, parameters: [String: Double]? = nil
        ) {
            self.method = method
            self.epsilon = epsilon
            self.steps = steps
            self.fraction = fraction
            self.target = target
            self.norm = norm
            self.units = units
            self.parameters = parameters
        }
    }
}
