/// A backdoor trigger: a pattern stamped onto a record's feature vector.
///
/// Two shapes cover the modalities: a **field pattern** that sets fields of a tabular record
/// (`mitoses = 10`: index 8, value 1.0 on the ÷ 10 scale) and values **added** at chosen indices: a
/// motif on consecutive samples of a waveform window (a short burst in an ECG window), or a
/// gesture on one joint's height over a few frames of a pose clip.
public struct BackdoorTrigger: Sendable, Hashable, CustomStringConvertible {
    /// How the values are applied.
    public enum Mode: String, Sendable, Hashable {
        /// `x[indices[k]] = values[k]`.
        case set
        /// `x[indices[k]] += values[k]`.
        case add
    }

    /// The feature indices touched.
    public let indices: [Int]
    /// One value per index.
    public let values: [Double]
    /// Set or add.
    public let mode: Mode
    /// A short label for result rows (`mitoses=10`, `ecg-motif@1.00s`).
    public let name: String

    /// Creates a trigger.
    /// - Throws: ``FederatedError`` `.invalidParameter` for no index, a count mismatch, a negative
    ///   or repeated index, or a non-finite value.
    public init(indices: [Int], values: [Double], mode: Mode, name: String) throws {
        guard !indices.isEmpty, indices.count == values.count else {
            throw FederatedError(
                code: .invalidParameter,
                message: "a trigger needs one value per index, got \(indices.count) indices and \(values.count) values")
        }
        guard indices.allSatisfy({ $0 >= 0 }), Set(indices).count == indices.count else {
            throw FederatedError(code: .invalidParameter, message: "trigger indices must be distinct and ≥ 0: \(indices)")
        }
        guard values.allSatisfy(\.isFinite) else {
            throw FederatedError(code: .invalidParameter, message: "trigger values must be finite")
        }
        self.indices = indices
        self.values = values
        self.mode = mode
        self.name = name
    }

    /// Sets fields: `pairs` are (feature index, value).
    /// - Throws: as ``init(indices:values:mode:name:)``.
    public static func fields(_ pairs: [(index: Int, value: Double)], name: String) throws -> BackdoorTrigger {
        try BackdoorTrigger(indices: pairs.map(\.index), values: pairs.map(\.value), mode: .set, name: name)
    }

    /// Adds `motif` to samples `offset ..< offset + motif.count`.
    /// - Throws: as ``init(indices:values:mode:name:)``.
    public static func motif(_ motif: [Double], at offset: Int, name: String) throws -> BackdoorTrigger {
        try BackdoorTrigger(
            indices: Array(offset..<(offset + motif.count)), values: motif, mode: .add, name: name)
    }

    /// The Breast Cancer Wisconsin trigger `mitoses = value` on the ÷ 10 scale (feature 8).
    public static func mitoses(_ value: Int = 10) -> BackdoorTrigger {
        // One valid index and a finite value: cannot throw.
        try! fields([(8, Double(value) / 10)], name: "mitoses=\(value)")
    }

    /// `name`.
    public var description: String { name }

    /// Checks the trigger fits records of `featureCount` features.
    /// - Throws: ``FederatedError`` `.invalidParameter` naming the first index out of range.
    public func validate(featureCount: Int) throws {
        if let bad = indices.first(where: { $0 >= featureCount }) {
            throw FederatedError(
                code: .invalidParameter,
                message: "trigger '\(name)' touches feature \(bad) but records have \(featureCount) features")
        }
    }

    /// `row` with the trigger applied.
    public func apply(to row: ArraySlice<Double>) -> [Double] {
        var out = Array(row)
        for (k, i) in indices.enumerated() {
            switch mode {
            case .set: out[i] = values[k]
            case .add: out[i] += values[k]
            }
        }
        return out
    }

    /// The records of `data` with label `source`, triggered, labelled `target` (`copies` times each).
    public func poisoned(_ data: FederatedDataset, source: Int, target: Int, copies: Int = 1) -> FederatedDataset {
        var features: [Double] = []
        var labels: [Int] = []
        for _ in 0..<copies {
            for i in 0..<data.count where data.labels[i] == source {
                features.append(contentsOf: apply(to: data.row(i)))
                labels.append(target)
            }
        }
        return data.replacing(features: features, labels: labels)
    }
}

extension FederatedDataset {
    /// A dataset with the same shape description and new rows (the rows come from `self`'s rows
    /// through a trigger, so they stay finite and labels stay in range).
    func replacing(features: [Double], labels: [Int]) -> FederatedDataset {
        var copy = self
        copy.features = features
        copy.labels = labels
        return copy
    }

    /// `self` followed by `other` (same feature count and classes).
    func appending(_ other: FederatedDataset) -> FederatedDataset {
        replacing(features: features + other.features, labels: labels + other.labels)
    }
}
