import Federated
import Foundation
import HealthData
import Privacy
import TensorCore

/// The federated workloads of `semcom bench`: wall-clock time of whole federations with record-level
/// distributed DP and secure aggregation.
///
/// - `federated`: the Breast Cancer Wisconsin federation of the acceptance test — 20 clinics,
///   100 rounds, linear SVM, record-level DP (ε = 1, δ = 10⁻⁵) with distributed discrete-Gaussian
///   noise under secure aggregation, once over the ideal link and once over AWGN at 10 dB (digital).
/// - `federated-scale`: 10 rounds with 125 … 1,000 simulated clinics (SecAgg+ masking graph beyond
///   64 clinics), 8 records per clinic bootstrapped from the table, to show the time per round
///   growing about linearly in the number of clinics.
public enum FederatedBenchmark {
    /// One timed federation.
    public struct Row: Sendable, Hashable, Codable {
        /// `federated` or `federated-scale`.
        public var workload: String
        /// Number of clinics.
        public var clinics: Int
        /// Rounds.
        public var rounds: Int
        /// `none` or `awgn-digital`.
        public var channel: String
        /// SecAgg+ neighbours (`nil`: complete graph).
        public var neighborCount: Int?
        /// Wall-clock seconds for the whole federation (setup, planning, rounds, evaluation).
        public var secondsTotal: Double
        /// secondsTotal / rounds.
        public var secondsPerRound: Double
        /// Processor time of the process for the federation (user + system, all threads), seconds:
        /// unlike the wall clock, unaffected by other programs sharing the cores.
        public var cpuSeconds: Double
        /// cpuSeconds / rounds.
        public var cpuSecondsPerRound: Double
        /// Test accuracy of the final model.
        public var accuracy: Double
        /// ε spent.
        public var epsilonSpent: Double

        enum CodingKeys: String, CodingKey {
            case workload, clinics, rounds, channel, accuracy
            case neighborCount = "neighbor_count", secondsTotal = "seconds_total"
            case secondsPerRound = "seconds_per_round", epsilonSpent = "epsilon_spent"
            case cpuSeconds = "cpu_seconds", cpuSecondsPerRound = "cpu_seconds_per_round"
        }
    }

    static func configuration(clinics: Int, rounds: Int, link: UpdateLinkConfiguration) -> FederationConfiguration {
        var configuration = FederationConfiguration()
        configuration.clinics = clinics
        configuration.rounds = rounds
        configuration.secureAggregation = true
        configuration.link = link
        configuration.privacy = FederatedPrivacyConfiguration(
            epsilon: 1, delta: 1e-5, unit: .record, noise: .distributed)
        return configuration
    }

    static func time(
        _ workload: String, _ configuration: FederationConfiguration, train: FederatedDataset, test: FederatedDataset,
        seed: UInt64
    ) throws -> Row {
        let start = Date()
        let cpuStart = clock()
        let result = try FederatedSimulation.run(configuration, train: train, test: test, seed: seed)
        let seconds = Date().timeIntervalSince(start)
        let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        return Row(
            workload: workload, clinics: configuration.clinics, rounds: configuration.rounds,
            channel: configuration.link.channelName, neighborCount: configuration.effectiveNeighborCount,
            secondsTotal: seconds, secondsPerRound: seconds / Double(configuration.rounds), cpuSeconds: cpu,
            cpuSecondsPerRound: cpu / Double(configuration.rounds), accuracy: result.accuracy,
            epsilonSpent: result.epsilonSpent)
    }

    /// The 20-clinic × 100-round BCWD federation, ideal link and AWGN 10 dB.
    public static func acceptance(seed: UInt64) throws -> [Row] {
        let (train, test) = try split(seed: seed)
        return try [UpdateLinkConfiguration.ideal, .digital(snrDecibels: 10)].map {
            try time(
                "federated", configuration(clinics: 20, rounds: 100, link: $0), train: train, test: test, seed: seed)
        }
    }

    /// 10 rounds with each number of clinics (8 bootstrapped records per clinic).
    public static func scale(clinicCounts: [Int] = [125, 250, 500, 1000], rounds: Int = 10, seed: UInt64) throws
        -> [Row]
    {
        let (train, test) = try split(seed: seed)
        var rng = Xoshiro256(seed: seed &+ 17)
        return try clinicCounts.map { clinics in
            let bootstrap = train.subset((0..<(8 * clinics)).map { _ in Int(rng.next() % UInt64(train.count)) })
            return try time(
                "federated-scale", configuration(clinics: clinics, rounds: rounds, link: .ideal), train: bootstrap,
                test: test, seed: seed)
        }
    }

    static func split(seed: UInt64) throws -> (FederatedDataset, FederatedDataset) {
        let table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
        let data = try FederatedDataset(features: table.features, labels: table.labels)
        var rng = Xoshiro256(seed: seed)
        let split = DataSplit.stratifiedHoldOut(labels: data.labels, testFraction: 0.2, using: &rng)
        return (data.subset(split.trainIndices), data.subset(split.testIndices))
    }
}
