import RealModule
import TensorCore

/// A labelled table held in memory as row-major `Double` features, the unit a clinic trains on.
///
/// Features are `[count × featureCount]` row-major; labels are class indices `0..<classCount`.
public struct FederatedDataset: Sendable, Hashable {
    /// Row-major features, `[count × featureCount]`.
    public var features: [Double]
    /// Class labels, `[count]`.
    public var labels: [Int]
    /// Features per record.
    public let featureCount: Int
    /// Number of classes.
    public let classCount: Int

    /// Creates a dataset.
    /// - Throws: ``FederatedError`` `.invalidParameter` if the shapes disagree, a feature is not
    ///   finite or a label is outside `0..<classCount`.
    public init(features: [Double], labels: [Int], featureCount: Int, classCount: Int = 2) throws {
        guard featureCount >= 1, classCount >= 2 else {
            throw FederatedError(
                code: .invalidParameter,
                message: "dataset needs ≥ 1 feature and ≥ 2 classes, got \(featureCount) and \(classCount)")
        }
        guard features.count == labels.count * featureCount else {
            throw FederatedError(
                code: .invalidParameter,
                message:
                    "dataset has \(features.count) feature values for \(labels.count) records × \(featureCount) features"
            )
        }
        if let index = features.firstIndex(where: { !$0.isFinite }) {
            throw FederatedError(
                code: .invalidParameter,
                message: "feature value at record \(index / featureCount), column \(index % featureCount) is not finite"
            )
        }
        if let index = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw FederatedError(
                code: .invalidParameter, message: "label of record \(index) is outside 0..<\(classCount)")
        }
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classCount = classCount
    }

    /// Creates a dataset from a `[count, featureCount]` tensor.
    /// - Throws: as ``init(features:labels:featureCount:classCount:)``.
    public init(features: Tensor<Double>, labels: [Int], classCount: Int = 2) throws {
        guard features.rank == 2 else {
            throw FederatedError(
                code: .invalidParameter, message: "features must be [records, features], got shape \(features.shape)")
        }
        try self.init(
            features: Array(features.scalars), labels: labels, featureCount: features.shape[1], classCount: classCount)
    }

    /// Number of records.
    public var count: Int { labels.count }

    /// The records at `indices`, in that order.
    public func subset(_ indices: [Int]) -> FederatedDataset {
        var rows: [Double] = []
        rows.reserveCapacity(indices.count * featureCount)
        for i in indices { rows.append(contentsOf: features[(i * featureCount)..<((i + 1) * featureCount)]) }
        // The rows come from a valid dataset, so the checks of the throwing initializer hold.
        return FederatedDataset(unchecked: rows, labels: indices.map { labels[$0] }, featureCount, classCount)
    }

    private init(unchecked features: [Double], labels: [Int], _ featureCount: Int, _ classCount: Int) {
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classCount = classCount
    }

    /// Record `i`'s features.
    public func row(_ i: Int) -> ArraySlice<Double> { features[(i * featureCount)..<((i + 1) * featureCount)] }
}

/// How the training records are spread over the clinics.
public enum ClinicPartition: Sendable, Hashable, CustomStringConvertible {
    /// Records shuffled and dealt round-robin: every clinic gets ⌊N/n⌋ or ⌈N/n⌉, similar label mix.
    case iid
    /// Label skew (Hsu, Qi & Brown 2019): for every class, the clinics' shares are drawn from a
    /// symmetric Dirichlet(α); small α (0.1) makes clinics nearly single-class, large α → IID.
    /// Every clinic still gets at least one record.
    case dirichlet(alpha: Double)

    /// Parses the CLI spelling: `iid` or `dirichlet:ALPHA` (α > 0).
    /// - Throws: ``FederatedError`` `.invalidParameter` naming the accepted forms.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":")
        if parts == ["iid"] {
            self = .iid
        } else if parts.count == 2, parts[0] == "dirichlet", let alpha = Double(parts[1]), alpha > 0, alpha.isFinite {
            self = .dirichlet(alpha: alpha)
        } else {
            throw FederatedError(
                code: .invalidParameter, message: "partition '\(text)' is not iid or dirichlet:ALPHA (> 0)")
        }
    }

    /// `iid` or `dirichlet(α)`.
    public var description: String {
        switch self {
        case .iid: "iid"
        case .dirichlet(let alpha): "dirichlet(\(alpha))"
        }
    }

    /// Splits `data` over `clinics` clinics.
    /// - Parameters:
    ///   - data: the training records.
    ///   - clinics: n ≥ 1.
    ///   - rng: the shuffle and the Dirichlet draws.
    /// - Returns: one shard per clinic (each non-empty).
    /// - Throws: ``FederatedError`` `.insufficientData` when there are more clinics than records,
    ///   `.invalidParameter` for n < 1 or α ≤ 0.
    public func split<G: RandomNumberGenerator>(_ data: FederatedDataset, clinics: Int, using rng: inout G) throws
        -> [FederatedDataset]
    {
        try assignments(data, clinics: clinics, using: &rng).map { data.subset($0) }
    }

    /// The record indices of each clinic's shard (ascending) — what ``split(_:clinics:using:)``
    /// hands out, for writing shards to files.
    /// - Throws: as ``split(_:clinics:using:)``.
    public func assignments<G: RandomNumberGenerator>(_ data: FederatedDataset, clinics: Int, using rng: inout G)
        throws -> [[Int]]
    {
        guard clinics >= 1 else {
            throw FederatedError(code: .invalidParameter, message: "number of clinics must be ≥ 1, got \(clinics)")
        }
        guard clinics <= data.count else {
            throw FederatedError(
                code: .insufficientData,
                message:
                    "\(clinics) clinics but only \(data.count) training records: every clinic needs at least one record"
            )
        }
        var assignment = [[Int]](repeating: [], count: clinics)
        switch self {
        case .iid:
            var order = Array(0..<data.count)
            order.shuffle(using: &rng)
            for (k, i) in order.enumerated() { assignment[k % clinics].append(i) }
        case .dirichlet(let alpha):
            guard alpha > 0, alpha.isFinite else {
                throw FederatedError(code: .invalidParameter, message: "Dirichlet alpha must be > 0, got \(alpha)")
            }
            for c in 0..<data.classCount {
                var members = data.labels.indices.filter { data.labels[$0] == c }
                members.shuffle(using: &rng)
                let shares = Self.dirichlet(alpha: alpha, count: clinics, using: &rng)
                var cumulative = 0.0
                var start = 0
                for k in 0..<clinics {
                    cumulative += shares[k]
                    let end =
                        k == clinics - 1
                        ? members.count : Swift.min(members.count, Int((cumulative * Double(members.count)).rounded()))
                    if end > start { assignment[k].append(contentsOf: members[start..<end]) }
                    start = Swift.max(start, end)
                }
            }
            // Give empty clinics one record from the largest clinic (keeps every shard non-empty).
            for k in 0..<clinics where assignment[k].isEmpty {
                // n ≤ N, so the largest clinic has at least 2 records.
                let donor = assignment.indices.max { assignment[$0].count < assignment[$1].count }!
                assignment[k].append(assignment[donor].removeLast())
            }
        }
        return assignment.map { $0.sorted() }
    }

    /// A symmetric Dirichlet(α) draw of `count` shares (normalized Gamma(α, 1) variates,
    /// Marsaglia–Tsang 2000 with the α < 1 boost).
    static func dirichlet<G: RandomNumberGenerator>(alpha: Double, count: Int, using rng: inout G) -> [Double] {
        var draws = (0..<count).map { _ in gamma(shape: alpha, using: &rng) }
        let total = draws.reduce(0, +)
        if total <= 0 { return [Double](repeating: 1 / Double(count), count: count) }
        for i in draws.indices { draws[i] /= total }
        return draws
    }

    static func gamma<G: RandomNumberGenerator>(shape: Double, using rng: inout G) -> Double {
        if shape < 1 {
            let u = Swift.max(rng.nextUnitDouble(), .leastNormalMagnitude)
            return gamma(shape: shape + 1, using: &rng) * Double.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0
            var v = 0.0
            repeat {
                x = rng.nextStandardGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextUnitDouble()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if Double.log(u) < 0.5 * x * x + d * (1 - v + Double.log(v)) { return d * v }
        }
    }
}
