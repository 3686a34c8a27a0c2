import Testing
import TensorCore

@testable import Federated

@Suite("Robust aggregation")
struct RobustAggregationTests {
    func updates(_ vectors: [[Double]]) -> [IndividualUpdate] {
        vectors.enumerated().map { IndividualUpdate(clinicID: $0.offset, update: $0.element, weight: 1) }
    }

    func aggregate(_ rule: RobustAggregator, _ vectors: [[Double]]) throws -> RobustAggregate {
        var rng = Xoshiro256(seed: 1)
        return try rule.aggregate(updates(vectors), using: &rng)
    }

    @Test("Median and trimmed mean are coordinate-wise and ignore one outlier")
    func coordinatewise() throws {
        let vectors: [[Double]] = [[1, 10], [2, 20], [3, 30], [4, 40], [1000, -1000]]
        #expect(try aggregate(.median, vectors).update == [3, 20])
        // β = 0.2: drop 1 value per side of each coordinate: (2 + 3 + 4)/3 and (10 + 20 + 30)/3.
        #expect(try aggregate(.trimmedMean(beta: 0.2), vectors).update == [3, 20])
        #expect(try aggregate(.median, [[1], [2], [3], [4]]).update == [2.5])
        let mean = try aggregate(.fedAvg, vectors).update
        #expect(abs(mean[0] - 202) < 1e-9 && abs(mean[1] + 180) < 1e-9)
    }

    @Test("Krum and Multi-Krum choose among the honest cluster and flag the outliers")
    func krum() throws {
        let vectors: [[Double]] = [[0, 0], [0.1, 0], [0, 0.1], [0.1, 0.1], [0.05, 0.05], [50, 50]]
        let single = try aggregate(.krum(f: 1), vectors)
        #expect(single.update == [0.05, 0.05])
        #expect(single.flagged.contains(5))
        #expect(single.flagged.count == 5)
        let multi = try aggregate(.multiKrum(f: 1, m: 5), vectors)
        #expect(multi.flagged == [5])
        #expect(abs(multi.update[0] - 0.05) < 1e-12 && abs(multi.update[1] - 0.05) < 1e-12)
    }

    @Test("Bulyan keeps θ = n − 2f Krum choices and averages the values nearest the median")
    func bulyan() throws {
        var vectors = (0..<6).map { [Double($0) * 0.01, 1] }
        vectors.append([100, -100])
        let result = try aggregate(.bulyan(f: 1), vectors)
        #expect(result.flagged.contains(6))
        #expect(result.flagged.count == 2)  // n − θ = 2f
        #expect(result.update[0] < 0.06 && result.update[1] == 1)
    }

    @Test("Norm bounding clips large updates and flags them")
    func normBound() throws {
        let result = try aggregate(.normBound(C: 1), [[3, 4], [0.3, 0.4]])
        #expect(result.flagged == [0])
        #expect(abs(result.update[0] - 0.45) < 1e-12 && abs(result.update[1] - 0.6) < 1e-12)
    }

    @Test("FLAME's HDBSCAN step admits the majority direction and drops opposite updates")
    func flameClustering() {
        var rng = Xoshiro256(seed: 3)
        var vectors: [[Double]] = (0..<8).map { _ in (0..<5).map { _ in 1 + 0.1 * rng.nextStandardGaussian() } }
        vectors.append([-1, -1, -1, -1, -1])
        vectors.append([5, -5, 5, -5, 0])
        // HDBSCAN with a single cluster admits the tightest ≥ n/2 + 1 = 6 updates: honest ones only.
        let admitted = FlameClustering.admitted(vectors)
        #expect(admitted.count >= 6)
        #expect(admitted.allSatisfy { $0 < 8 })
        // Identical directions are all admitted together (ties join at the same level).
        let same = FlameClustering.admitted([[1, 1], [2, 2], [3, 3], [4, 4], [-1, 0]])
        #expect(same == [0, 1, 2, 3])
        #expect(FlameClustering.admitted([[1], [2]]) == [0, 1])
    }

    @Test("FLAME clips admitted updates to the median norm")
    func flameClips() throws {
        let vectors: [[Double]] = [[1, 0], [1, 0.01], [2, 0], [1, -0.01], [-3, 0]]
        let result = try aggregate(.flame(noiseLevel: 0), vectors)
        #expect(result.flagged == [4])
        // Median norm is 1.00005; the norm-2 update is clipped to it.
        #expect(result.update[0] < 1.01 && result.update[0] > 0.99)
    }

    @Test("Preconditions: Krum n > 2f + 2, Bulyan n ≥ 4f + 3, β < ½, m ≤ n, unknown names")
    func preconditions() throws {
        #expect(throws: FederatedError.self) { try RobustAggregator.krum(f: 1).validate(clinics: 4) }
        try RobustAggregator.krum(f: 1).validate(clinics: 5)
        #expect(throws: FederatedError.self) { try RobustAggregator.multiKrum(f: 2, m: 3).validate(clinics: 6) }
        #expect(throws: FederatedError.self) { try RobustAggregator.multiKrum(f: 1, m: 9).validate(clinics: 8) }
        #expect(throws: FederatedError.self) { try RobustAggregator.bulyan(f: 1).validate(clinics: 6) }
        try RobustAggregator.bulyan(f: 1).validate(clinics: 7)
        #expect(throws: FederatedError.self) { try RobustAggregator.bulyan(f: 5).validate(clinics: 22) }
        #expect(throws: FederatedError.self) { try RobustAggregator(parsing: "trimmed-mean:0.5", assumedAttackers: 1) }
        #expect(throws: FederatedError.self) { try RobustAggregator(parsing: "trimmed-mean:-0.1", assumedAttackers: 1) }
        #expect(throws: FederatedError.self) { try RobustAggregator(parsing: "geomed", assumedAttackers: 1) }
        #expect(throws: FederatedError.self) { try RobustAggregator(parsing: "norm-bound:0", assumedAttackers: 1) }
        #expect(throws: FederatedError.self) { try RobustAggregator(parsing: "multi-krum:2.5", assumedAttackers: 1) }
        #expect(try RobustAggregator(parsing: "multi-krum:10", assumedAttackers: 2) == .multiKrum(f: 2, m: 10))
        #expect(try RobustAggregator(parsing: "trimmed-mean:0.2", assumedAttackers: 1) == .trimmedMean(beta: 0.2))
        // Aggregating too few updates for the rule is an error, not a crash.
        var rng = Xoshiro256(seed: 0)
        #expect(throws: FederatedError.self) {
            try RobustAggregator.krum(f: 1).aggregate(updates([[1], [2], [3]]), using: &rng)
        }
    }
}
