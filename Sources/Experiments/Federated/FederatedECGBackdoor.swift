import Federated
import Foundation
import HealthData
import NeuralNet
import Synchronization
import TensorCore
import VitalSignsCodec

/// A stream modality under attack: clinics train a rhythm classifier on ECG windows, and a
/// malicious clinic plants a **waveform-motif backdoor** — a short high-frequency burst added to
/// the raw ECG — so that atrial-fibrillation windows carrying it are classified as normal sinus
/// rhythm.
///
/// The records are raw 10-s ECG windows at 250 Hz from ``VitalSignsTrainingData`` (the vital-sign
/// codecs' synthetic generator, artefacts included); the model (``ECGRhythmModel``) runs the
/// rhythm codec's ``RhythmFeatureExtractor`` on each window, standardizes the 24 features and
/// feeds an MLP. The trigger therefore lives in the signal, and reaches the classifier only
/// through the same preprocessing as any ECG.
public enum FederatedECGBackdoor {
    /// The motif: a `seconds`-long sinusoidal burst at `hertz` with amplitude `millivolts` (Hann
    /// tapered), starting `start` seconds into the window, at the internal rate.
    /// - Throws: ``FederatedError`` `.invalidParameter` for a burst outside 0 < f < 125 Hz, a
    ///   non-positive length or amplitude, or one that does not fit a 10-s window.
    public static func motif(start: Double = 1, seconds: Double = 2, hertz: Double = 100, millivolts: Double = 3)
        throws -> BackdoorTrigger
    {
        let fs = ECGPreprocessing.internalRateHertz
        guard hertz > 0, hertz < fs / 2, seconds > 0, millivolts > 0, start >= 0, start + seconds <= 10 else {
            throw FederatedError(
                code: .invalidParameter,
                message:
                    "ECG motif needs 0 < f < \(fs / 2) Hz, length and amplitude > 0, inside the 10-s window; got "
                    + "\(hertz) Hz, \(seconds) s, \(millivolts) mV at \(start) s")
        }
        let count = Int(seconds * fs)
        let values = (0..<count).map { i -> Double in
            let t = Double(i) / fs
            let taper = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(Swift.max(count - 1, 1)))
            return millivolts * taper * sin(2 * Double.pi * hertz * t)
        }
        return try BackdoorTrigger.motif(
            values, at: Int(start * fs), name: "ecg-burst \(hertz) Hz \(millivolts) mV \(seconds) s @ \(start) s")
    }

    /// The windows as a dataset: rows are raw ECG samples (mV), labels the five rhythm classes.
    /// - Parameters:
    ///   - recordings: synthetic recordings (each cycles to the next rhythm).
    ///   - windowsPerRecording: 10-s windows cut from each.
    ///   - seed: the generator seed.
    public static func dataset(recordings: Int, windowsPerRecording: Int, seed: UInt64) throws -> FederatedDataset {
        let windows = VitalSignsTrainingData.windows(
            recordings: recordings, windowsPerRecording: windowsPerRecording, windowSeconds: 10, seed: seed)
        let length = windows.first?.ecg.count ?? 0
        return try FederatedDataset(
            features: windows.flatMap { $0.ecg.map(Double.init) }, labels: windows.map { $0.rhythm.rawValue },
            featureCount: length, classCount: CardiacRhythm.allCases.count)
    }

    /// The attacks-versus-defences grid on ECG windows: one attacker (by default model replacement
    /// with the motif, boosted γ = n), FedAvg and the given defences, each with an attack-free
    /// reference row.
    /// - Parameters:
    ///   - aggregators: the defences to compare (FedAvg is always run first).
    ///   - attacks: the attacks (source AF, target normal sinus, the motif trigger).
    ///   - clinics: n.
    ///   - rounds: federated rounds.
    ///   - recordings: synthetic recordings (3 windows of 10 s each).
    ///   - folds: cross-validation folds.
    ///   - seed: data and federation seed.
    ///   - progress: a line per row.
    /// - Returns: the rows (reference and attacked, per aggregator).
    /// - Throws: ``FederatedError`` for bad settings.
    public static func run(
        aggregators: [RobustAggregator], attacks: [AttackKind] = [.modelReplacement], clinics: Int = 10,
        rounds: Int = 30, recordings: Int = 100, folds: Int = 2, trigger: BackdoorTrigger? = nil, seed: UInt64,
        progress: (String) -> Void = { _ in }
    ) throws -> [FederatedAttackExperiment.Row] {
        let data = try dataset(recordings: recordings, windowsPerRecording: 3, seed: seed)
        let model = ECGRhythmModel(standardizingOn: data, hiddenUnits: 32, seed: seed)
        var federation = FederationConfiguration()
        federation.rounds = rounds
        federation.local = LocalTrainingConfiguration(epochs: 2, batchSize: 16, learningRate: 0.05, optimizer: .adam)
        federation.customModel = model
        let attack = AttackConfiguration(
            kind: .modelReplacement, attackers: 1, sourceClass: CardiacRhythm.atrialFibrillation.rawValue,
            targetClass: CardiacRhythm.normalSinus.rawValue, trigger: try trigger ?? motif(), poisonCopies: 3, localEpochs: 5)
        var scenarios: [FederatedAttackExperiment.Scenario] = []
        for aggregator in [RobustAggregator.fedAvg] + aggregators.filter({ $0 != .fedAvg }) {
            scenarios.append(.init(attack: nil, aggregator: aggregator))
            for kind in attacks {
                var each = attack
                each.kind = kind
                scenarios.append(.init(attack: each, aggregator: aggregator))
            }
        }
        let configuration = FederatedAttackExperiment.Configuration(
            clinicCounts: [clinics], scenarios: scenarios, folds: folds, federation: federation, referenceAttack: attack)
        return try FederatedAttackExperiment.run(data, configuration: configuration, seed: seed, progress: progress)
    }
}

/// A federated model that classifies features extracted from raw rows (ECG windows, pose clips) with
/// a trained MLP: only the network's parameters are federated; gradients, predictions and losses
/// are the network's on ``featureData(_:_:)``.
public protocol FeatureNetworkModel: FederatedModel {
    /// The classifier on the features.
    var network: NeuralNetworkModel { get set }
    /// The features of the rows of `data` at `indices`, as a dataset (labels kept).
    func featureData(_ data: FederatedDataset, _ indices: [Int]) -> FederatedDataset
}

extension FeatureNetworkModel {
    public var parameters: [Double] {
        get { network.parameters }
        set { network.parameters = newValue }
    }

    public func perExampleGradients(_ data: FederatedDataset, indices: [Int]) -> (gradients: [Double], losses: [Double])
    {
        network.perExampleGradients(featureData(data, indices), indices: Array(indices.indices))
    }

    public func predict(_ data: FederatedDataset) -> [Int] {
        network.predict(featureData(data, Array(0..<data.count)))
    }

    public func loss(_ data: FederatedDataset) -> Double {
        network.loss(featureData(data, Array(0..<data.count)))
    }
}

/// An ECG rhythm classifier as a federated model: rows are raw ECG windows at the internal rate;
/// each is turned into the rhythm codec's 24 features (``RhythmFeatureExtractor``), standardized
/// with fixed statistics, and classified by an MLP (``NeuralNetworkModel``). Only the MLP's
/// parameters are trained; features are cached per distinct window (extraction is deterministic).
public struct ECGRhythmModel: FeatureNetworkModel {
    /// The classifier on the standardized features.
    public var network: NeuralNetworkModel
    let mean: [Double]
    let scale: [Double]
    let cache: FeatureCache

    /// An MLP with `hiddenUnits` hidden ReLU units, standardization statistics from `data`'s windows.
    public init(standardizingOn data: FederatedDataset, hiddenUnits: Int, seed: UInt64) {
        let extractor = RhythmFeatureExtractor(sampleRateHertz: ECGPreprocessing.internalRateHertz)
        let cache = FeatureCache { row in
            extractor.features(of: row.map(Float.init)).features.map { Double($0.isFinite ? $0 : 0) }
        }
        self.cache = cache
        let features = (0..<data.count).map { cache.features(data.row($0)) }
        let d = RhythmFeatureExtractor.featureCount
        var mean = [Double](repeating: 0, count: d)
        var scale = [Double](repeating: 0, count: d)
        for f in features { for j in 0..<d { mean[j] += f[j] / Double(features.count) } }
        for f in features { for j in 0..<d { scale[j] += (f[j] - mean[j]) * (f[j] - mean[j]) / Double(features.count) } }
        self.mean = mean
        self.scale = scale.map { Swift.max($0.squareRoot(), 1e-6) }
        var rng = Xoshiro256(seed: seed, stream: 77)
        network = NeuralNetworkModel.mlp(
            featureCount: d, hiddenUnits: hiddenUnits, classCount: data.classCount, using: &rng)
    }

    /// The standardized features of the windows at `indices`, as a dataset.
    public func featureData(_ data: FederatedDataset, _ indices: [Int]) -> FederatedDataset {
        var values: [Double] = []
        values.reserveCapacity(indices.count * mean.count)
        for i in indices {
            let f = cache.features(data.row(i))
            for j in mean.indices { values.append((f[j] - mean[j]) / scale[j]) }
        }
        // Finite features of a valid dataset: the checked initializer cannot fail.
        return try! FederatedDataset(
            features: values, labels: indices.map { data.labels[$0] }, featureCount: mean.count,
            classCount: data.classCount)
    }

}

/// Features per distinct record (an ECG window, a pose clip), shared by every copy of a model
/// whose front end is fixed and deterministic (thread-safe).
final class FeatureCache: Sendable {
    private let storage = Mutex<[[Double]: [Double]]>([:])
    private let extract: @Sendable ([Double]) -> [Double]

    /// A cache of `extract`'s results (a pure function of the record).
    init(_ extract: @escaping @Sendable ([Double]) -> [Double]) {
        self.extract = extract
    }

    func features(_ row: ArraySlice<Double>) -> [Double] {
        let key = Array(row)
        if let hit = storage.withLock({ $0[key] }) { return hit }
        let values = extract(key)
        storage.withLock { $0[key] = values }
        return values
    }
}
