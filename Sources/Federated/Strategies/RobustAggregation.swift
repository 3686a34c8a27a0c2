import RealModule
import TensorCore

/// One clinic's update as the server receives it without secure aggregation.
public struct IndividualUpdate: Sendable {
    /// The clinic.
    public var clinicID: Int
    /// The clinic's update per unit weight `[P]`: its model delta Δ_c (local training) or its
    /// mean clipped gradient (record-level gradient rounds).
    public var update: [Double]
    /// The public weight (records, or the expected batch).
    public var weight: Double

    /// Creates an update.
    public init(clinicID: Int, update: [Double], weight: Double) {
        self.clinicID = clinicID
        self.update = update
        self.weight = weight
    }
}

/// What a robust aggregator returns for one round.
public struct RobustAggregate: Sendable {
    /// The aggregated update `[P]` (the server's "mean update").
    public var update: [Double]
    /// Clinics the rule excluded or clipped as suspicious, ascending (empty for the coordinate-wise
    /// rules, which never single a clinic out).
    public var flagged: [Int]
}

/// How the server combines the individual updates of a round (Byzantine-robust aggregation).
///
/// Every rule except ``fedAvg`` needs each clinic's update separately, which secure aggregation
/// hides by design: combining one with `secureAggregation` is refused with
/// ``FederatedError/Code/incompatibleSettings`` (see ``FederationConfiguration/validate(trainingRecords:)``).
///
/// `f` is the number of Byzantine clinics the rule is configured to tolerate (the defender's
/// assumption, not the true number of attackers).
public enum RobustAggregator: Sendable, Hashable, CustomStringConvertible {
    /// The weighted mean Σ w_c Δ_c / Σ w_c (McMahan et al. 2017).
    case fedAvg
    /// Coordinate-wise median (Yin, Chen, Ramchandran & Bartlett 2018).
    case median
    /// Coordinate-wise β-trimmed mean: per coordinate, drop the ⌊βn⌋ largest and smallest values
    /// and average the rest (Yin et al. 2018); 0 ≤ β < ½.
    case trimmedMean(beta: Double)
    /// Krum (Blanchard, El Mhamdi, Guerraoui & Stainer 2017): the update with the smallest sum of
    /// squared distances to its n − f − 2 nearest neighbours; needs n > 2f + 2.
    case krum(f: Int)
    /// Multi-Krum: the mean of the m updates with the best Krum scores; needs n > 2f + 2, 1 ≤ m ≤ n.
    case multiKrum(f: Int, m: Int)
    /// Bulyan (El Mhamdi, Guerraoui & Rouault 2018): θ = n − 2f updates chosen by repeated Krum,
    /// then per coordinate the mean of the θ − 2f values closest to the median; needs n ≥ 4f + 3.
    case bulyan(f: Int)
    /// FLAME (Nguyen et al., USENIX Security 2022): HDBSCAN clustering of pairwise cosine
    /// distances with minimum cluster size ⌊n/2⌋ + 1 (``FlameClustering``), the admitted updates
    /// clipped to the median norm S of all updates, averaged, plus N(0, (λS)²) per coordinate.
    case flame(noiseLevel: Double)
    /// Norm bounding (Sun, Kairouz, Suresh & McMahan 2019): every update clipped to L2 norm ≤ C,
    /// then the weighted mean; clipped clinics are reported as flagged.
    case normBound(C: Double)

    /// The CLI spelling: `fedavg`, `median`, `trimmed-mean:β`, `krum`, `multi-krum:m`, `bulyan`,
    /// `flame`, `norm-bound:C`.
    public var description: String {
        switch self {
        case .fedAvg: "fedavg"
        case .median: "median"
        case .trimmedMean(let beta): "trimmed-mean:\(beta)"
        case .krum: "krum"
        case .multiKrum(_, let m): "multi-krum:\(m)"
        case .bulyan: "bulyan"
        case .flame: "flame"
        case .normBound(let c): "norm-bound:\(c)"
        }
    }

    /// Whether the rule needs each clinic's update (all but ``fedAvg``).
    public var needsIndividualUpdates: Bool { self != .fedAvg }

    /// Whether the rule singles clinics out (Krum, Multi-Krum, Bulyan, FLAME, norm bounding), so
    /// that detection rates are meaningful.
    public var isDetector: Bool {
        switch self {
        case .fedAvg, .median, .trimmedMean: false
        default: true
        }
    }

    /// Parses the CLI spelling; `f` is the number of Byzantine clinics Krum, Multi-Krum and Bulyan
    /// assume.
    /// - Throws: ``FederatedError`` `.invalidParameter` for an unknown name or a malformed
    ///   parameter (β must be in [0, ½), m ≥ 1, C > 0).
    public init(parsing text: String, assumedAttackers f: Int) throws {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1] : nil
        func number(_ what: String) throws -> Double {
            guard let argument, let value = Double(argument), value.isFinite else {
                throw FederatedError(
                    code: .invalidParameter, message: "aggregator '\(text)' needs a number: \(name):\(what)")
            }
            return value
        }
        switch name {
        case "fedavg" where argument == nil: self = .fedAvg
        case "median" where argument == nil: self = .median
        case "trimmed-mean": self = .trimmedMean(beta: try number("BETA"))
        case "krum" where argument == nil: self = .krum(f: f)
        case "multi-krum":
            let m = try number("M")
            guard m == m.rounded() else {
                throw FederatedError(code: .invalidParameter, message: "multi-krum:M needs an integer M, got \(m)")
            }
            self = .multiKrum(f: f, m: Int(m))
        case "bulyan" where argument == nil: self = .bulyan(f: f)
        case "flame": self = .flame(noiseLevel: argument == nil ? 0.001 : try number("LAMBDA"))
        case "norm-bound": self = .normBound(C: try number("C"))
        default:
            throw FederatedError(
                code: .invalidParameter,
                message:
                    "aggregator '\(text)' is not one of fedavg|median|trimmed-mean:BETA|krum|multi-krum:M|bulyan|flame|norm-bound:C"
            )
        }
        try validateParameters()
    }

    /// Checks the parameters that do not depend on the number of clinics.
    /// - Throws: ``FederatedError`` `.invalidParameter`.
    public func validateParameters() throws {
        switch self {
        case .trimmedMean(let beta):
            guard beta >= 0, beta < 0.5 else {
                throw FederatedError(
                    code: .invalidParameter, message: "trimmed mean needs 0 ≤ β < 1/2, got β = \(beta)")
            }
        case .krum(let f), .bulyan(let f):
            guard f >= 0 else {
                throw FederatedError(code: .invalidParameter, message: "\(self) needs f ≥ 0, got \(f)")
            }
        case .multiKrum(let f, let m):
            guard f >= 0, m >= 1 else {
                throw FederatedError(code: .invalidParameter, message: "multi-krum needs f ≥ 0 and m ≥ 1, got \(f), \(m)")
            }
        case .flame(let lambda):
            guard lambda >= 0, lambda.isFinite else {
                throw FederatedError(code: .invalidParameter, message: "FLAME noise level λ must be ≥ 0, got \(lambda)")
            }
        case .normBound(let c):
            guard c > 0, c.isFinite else {
                throw FederatedError(code: .invalidParameter, message: "norm bound C must be > 0, got \(c)")
            }
        case .fedAvg, .median: break
        }
    }

    /// Checks the rule's precondition on the number n of updates it aggregates.
    /// - Throws: ``FederatedError`` `.invalidParameter`: Krum and Multi-Krum need n > 2f + 2,
    ///   Multi-Krum m ≤ n, Bulyan n ≥ 4f + 3, the trimmed mean 2⌊βn⌋ < n.
    public func validate(clinics n: Int) throws {
        try validateParameters()
        switch self {
        case .krum(let f), .multiKrum(let f, _):
            guard n > 2 * f + 2 else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "Krum needs n > 2f + 2 clinics: n = \(n), f = \(f) (at most f = \(Swift.max(0, (n - 3) / 2)))")
            }
            if case .multiKrum(_, let m) = self, m > n {
                throw FederatedError(code: .invalidParameter, message: "multi-krum:\(m) selects more than the \(n) clinics")
            }
        case .bulyan(let f):
            guard n >= 4 * f + 3 else {
                throw FederatedError(
                    code: .invalidParameter,
                    message: "Bulyan needs n ≥ 4f + 3 clinics: n = \(n), f = \(f) (at most f = \(Swift.max(0, (n - 3) / 4)))")
            }
        case .trimmedMean(let beta):
            guard 2 * Int(beta * Double(n)) < n else {
                throw FederatedError(code: .invalidParameter, message: "trimmed mean with β = \(beta) drops all \(n) values")
            }
        case .fedAvg, .median, .flame, .normBound: break
        }
    }

    /// Aggregates one round's updates.
    /// - Parameters:
    ///   - updates: the updates received (each `[P]`, the same P).
    ///   - rng: FLAME's noise.
    /// - Returns: the aggregate and the flagged clinics.
    /// - Throws: ``FederatedError`` `.invalidParameter` when too few updates arrived for the rule
    ///   (``validate(clinics:)``), or none.
    public func aggregate<G: RandomNumberGenerator>(_ updates: [IndividualUpdate], using rng: inout G) throws
        -> RobustAggregate
    {
        guard let width = updates.first?.update.count else {
            throw FederatedError(code: .invalidParameter, message: "robust aggregation of an empty round")
        }
        try validate(clinics: updates.count)
        let vectors = updates.map(\.update)
        let ids = updates.map(\.clinicID)
        switch self {
        case .fedAvg:
            return RobustAggregate(update: Self.weightedMean(updates), flagged: [])
        case .median:
            return RobustAggregate(
                update: Self.coordinatewise(vectors, width: width) { Self.median($0) }, flagged: [])
        case .trimmedMean(let beta):
            let k = Int(beta * Double(updates.count))
            return RobustAggregate(
                update: Self.coordinatewise(vectors, width: width) { sorted in
                    Self.mean(sorted[k..<(sorted.count - k)])
                }, flagged: [])
        case .krum(let f):
            let chosen = Self.krumSelection(vectors, f: f, count: 1)
            return RobustAggregate(update: vectors[chosen[0]], flagged: Self.complement(chosen, ids))
        case .multiKrum(let f, let m):
            let chosen = Self.krumSelection(vectors, f: f, count: m)
            return RobustAggregate(
                update: Self.weightedMean(chosen.map { updates[$0] }), flagged: Self.complement(chosen, ids))
        case .bulyan(let f):
            let theta = updates.count - 2 * f
            let chosen = Self.bulyanSelection(vectors, f: f, count: theta)
            let keep = theta - 2 * f
            let selected = chosen.map { vectors[$0] }
            let update = Self.coordinatewise(selected, width: width) { sorted in
                // The `keep` values closest to the median: a window of the sorted values.
                let med = Self.median(sorted)
                var lo = 0
                var hi = sorted.count  // window [lo, hi) shrinks to `keep` values
                while hi - lo > keep {
                    if Swift.abs(sorted[lo] - med) > Swift.abs(sorted[hi - 1] - med) { lo += 1 } else { hi -= 1 }
                }
                return Self.mean(sorted[lo..<hi])
            }
            return RobustAggregate(update: update, flagged: Self.complement(chosen, ids))
        case .flame(let lambda):
            let admitted = FlameClustering.admitted(vectors)
            let norms = vectors.map(Self.norm)
            let bound = Self.median(norms.sorted())
            var sum = [Double](repeating: 0, count: width)
            for i in admitted {
                let factor = norms[i] > bound && norms[i] > 0 ? bound / norms[i] : 1
                for j in 0..<width { sum[j] += factor * vectors[i][j] }
            }
            let count = Double(Swift.max(admitted.count, 1))
            for j in 0..<width { sum[j] = sum[j] / count + lambda * bound * rng.nextStandardGaussian() }
            return RobustAggregate(update: sum, flagged: Self.complement(admitted, ids))
        case .normBound(let c):
            var clipped = updates
            var flagged: [Int] = []
            for k in clipped.indices {
                let n = Self.norm(clipped[k].update)
                if n > c {
                    clipped[k].update = clipped[k].update.map { $0 * c / n }
                    flagged.append(clipped[k].clinicID)
                }
            }
            return RobustAggregate(update: Self.weightedMean(clipped), flagged: flagged.sorted())
        }
    }

    // MARK: - Building blocks

    /// Σ w_c Δ_c / Σ w_c (the plain mean if every weight is 0).
    static func weightedMean(_ updates: [IndividualUpdate]) -> [Double] {
        let width = updates[0].update.count
        let total = updates.reduce(0) { $0 + $1.weight }
        var out = [Double](repeating: 0, count: width)
        for u in updates {
            let w = total > 0 ? u.weight / total : 1 / Double(updates.count)
            for j in 0..<width { out[j] += w * u.update[j] }
        }
        return out
    }

    /// Applies `reduce` to the sorted values of every coordinate.
    static func coordinatewise(_ vectors: [[Double]], width: Int, _ reduce: ([Double]) -> Double) -> [Double] {
        var column = [Double](repeating: 0, count: vectors.count)
        return (0..<width).map { j in
            for i in vectors.indices { column[i] = vectors[i][j] }
            return reduce(column.sorted())
        }
    }

    /// The median of sorted values (mean of the two middle ones for an even count).
    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    static func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(values.count) }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    static func squaredDistances(_ vectors: [[Double]]) -> [[Double]] {
        let n = vectors.count
        var d = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for k in (i + 1)..<n {
                var s = 0.0
                for j in vectors[i].indices {
                    let t = vectors[i][j] - vectors[k][j]
                    s += t * t
                }
                d[i][k] = s
                d[k][i] = s
            }
        }
        return d
    }

    /// Krum scores of the vectors `among` (indices): Σ of the squared distances to the
    /// `among.count − f − 2` nearest others (at least 1).
    static func krumScores(_ distances: [[Double]], among: [Int], f: Int) -> [Double] {
        let neighbours = Swift.max(1, among.count - f - 2)
        return among.map { i in
            among.filter { $0 != i }.map { distances[i][$0] }.sorted().prefix(neighbours).reduce(0, +)
        }
    }

    /// The `count` indices with the lowest Krum scores (ties broken by index), best first.
    static func krumSelection(_ vectors: [[Double]], f: Int, count: Int) -> [Int] {
        let all = Array(vectors.indices)
        let scores = krumScores(squaredDistances(vectors), among: all, f: f)
        return all.sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(count).map { $0 }
    }

    /// Bulyan's selection: Krum applied `count` times, each time removing the chosen update.
    static func bulyanSelection(_ vectors: [[Double]], f: Int, count: Int) -> [Int] {
        let distances = squaredDistances(vectors)
        var remaining = Array(vectors.indices)
        var chosen: [Int] = []
        while chosen.count < count, !remaining.isEmpty {
            let scores = krumScores(distances, among: remaining, f: f)
            let best = remaining.indices.min { (scores[$0], remaining[$0]) < (scores[$1], remaining[$1]) }!  // non-empty
            chosen.append(remaining.remove(at: best))
        }
        return chosen
    }

    /// The IDs of the updates not at the `kept` indices, ascending.
    static func complement(_ kept: [Int], _ ids: [Int]) -> [Int] {
        let set = Set(kept)
        return ids.indices.filter { !set.contains($0) }.map { ids[$0] }.sorted()
    }
}
