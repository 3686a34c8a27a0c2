import SemanticCodec
import TabularCodec
import TensorCore

/// The semantic codec's own networks used as a classifier of clean records: preprocessing →
/// encoder → power normalization → decoder, **without a channel**. Its accuracy on clean records is
/// the semantic link's accuracy at infinite SNR.
public struct SemanticNetworkClassifier: Sendable {
    /// The codec (its main, fixed-`k` pipeline is used).
    public var codec: TabularCodec

    /// Wraps a codec.
    public init(codec: TabularCodec) {
        self.codec = codec
    }

    /// The predicted classes of preprocessed records `[records, width]`.
    public func predict(_ inputs: Tensor<Float>) -> [Int] {
        var rng = Xoshiro256(seed: 0)  // the stored pipeline has no perturbations: nothing is drawn
        let pipeline = codec.pipeline
        return pipeline.decode(pipeline.symbols(for: inputs, using: &rng)).argmaxAlongLastAxis()
    }

    /// The predicted class of one record in source units (non-finite values count as missing).
    public func predict(record: [Double]) -> Int {
        predict(codec.preprocessor.transform([record.map { $0.isFinite ? $0 : nil }]))[0]
    }
}

/// Chooses the raw path's task model so that raw transmission is judged with a classifier as
/// strong as the semantic decoder on clean data.
///
/// Candidates, all fitted on the **clean** training records of the knowledge base (its training
/// split without the validation records):
/// 1. `semantic-network`: ``SemanticNetworkClassifier`` — the KB's own encoder and decoder without
///    a channel (the raw receiver holds the KB too);
/// 2. `mlp-16`: ``RawTaskModel`` with 16 hidden ReLU units (100 epochs of Adam);
/// 3. `logistic`: ``RawTaskModel`` without hidden units (multinomial logistic regression).
///
/// The one with the highest accuracy on the KB's **validation** records wins (ties go to the
/// listed order); the test split plays no part. A KB without a validation split gets `mlp-16`.
public enum RawTaskModelSelection {
    /// The chosen task model.
    public struct Choice: Sendable {
        /// `semantic-network`, `mlp-16` or `logistic`.
        public var name: String
        /// Record (source units) → class.
        public var classify: @Sendable ([Double]) -> Int
        /// The training majority class (the raw link's fallback).
        public var majorityClass: Int
        /// Validation accuracy of every candidate, in candidate order.
        public var validationAccuracies: [(name: String, accuracy: Double)]

        /// E.g. `semantic-network (validation accuracy: semantic-network 0.982, mlp-16 0.973, logistic 0.973)`.
        public var description: String {
            guard !validationAccuracies.isEmpty else { return "\(name) (no validation split in the knowledge base)" }
            let list = validationAccuracies.map { "\($0.name) \(formatFixed($0.accuracy, decimals: 3))" }
            return "\(name), best on the validation split (\(list.joined(separator: ", ")))"
        }
    }

    /// Fits the candidates on `fitRows` of `trainingData` and picks one on `validationRows`.
    /// - Precondition: `fitRows` is non-empty.
    public static func choose<G: RandomNumberGenerator>(
        codec: TabularCodec, trainingData: TabularDataset, fitRows: [Int], validationRows: [Int], inputScale: Double,
        using rng: inout G
    ) -> Choice {
        precondition(!fitRows.isEmpty, "The raw task model needs training records")
        let records = fitRows.map { TabularLinkEvaluation.record(trainingData, $0) }
        let labels = fitRows.map { trainingData.labels[$0] }
        let mlp = RawTaskModel.train(records: records, labels: labels, inputScale: inputScale, using: &rng)
        guard !validationRows.isEmpty else {
            return Choice(
                name: "mlp-16", classify: mlp.classify, majorityClass: mlp.majorityClass, validationAccuracies: [])
        }
        let logistic = RawTaskModel.train(
            records: records, labels: labels, inputScale: inputScale,
            configuration: RawTaskModel.Configuration(hiddenUnits: 0), using: &rng)
        let semantic = SemanticNetworkClassifier(codec: codec)
        let candidates: [(String, @Sendable ([Double]) -> Int)] = [
            ("semantic-network", { semantic.predict(record: $0) }), ("mlp-16", mlp.classify),
            ("logistic", logistic.classify),
        ]
        let validationRecords = validationRows.map { TabularLinkEvaluation.record(trainingData, $0) }
        let validationLabels = validationRows.map { trainingData.labels[$0] }
        let accuracies = candidates.map { name, classify in
            (
                name: name,
                accuracy: Double(zip(validationRecords, validationLabels).count { classify($0) == $1 })
                    / Double(validationRows.count)
            )
        }
        let best = accuracies.indices.max {
            accuracies[$0].accuracy < accuracies[$1].accuracy
                || (accuracies[$0].accuracy == accuracies[$1].accuracy && $0 > $1)
        }!  // three candidates
        return Choice(
            name: candidates[best].0, classify: candidates[best].1, majorityClass: mlp.majorityClass,
            validationAccuracies: accuracies)
    }
}
