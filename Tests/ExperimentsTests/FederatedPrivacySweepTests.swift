import Experiments
import Federated
import Foundation
import HealthData
import Testing

@Suite struct FederatedPrivacySweepTests {
    func data() throws -> FederatedDataset {
        let table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
        return try FederatedDataset(features: table.features, labels: table.labels)
    }

    @Test func foldsBelowTwoAreRejected() throws {
        let sweep = FederatedPrivacySweep.Configuration(
            clinicCounts: [5], epsilons: [1], privacy: FederatedPrivacyConfiguration(epsilon: 1, noise: .central),
            folds: 1)
        #expect {
            _ = try FederatedPrivacySweep.run(try data(), configuration: sweep, seed: 0)
        } throws: { error in
            (error as? FederatedError)?.code == .invalidParameter && "\(error)".contains("2 folds")
        }
    }

    @Test func tinySweepHasOneRowPerSettingAndAnSVG() throws {
        var federation = FederationConfiguration()
        federation.rounds = 5
        let sweep = FederatedPrivacySweep.Configuration(
            clinicCounts: [3], epsilons: [1, 10],
            privacy: FederatedPrivacyConfiguration(epsilon: 1, noise: .central), folds: 2, federation: federation)
        let rows = try FederatedPrivacySweep.run(try data(), configuration: sweep, seed: 3)
        #expect(rows.count == 3)
        #expect(rows[0].epsilonTarget == nil && rows[0].privacyUnit == "none")
        #expect(rows[1].epsilonTarget == 1 && rows[1].epsilonSpent <= 1 && rows[1].epsilonSpent > 0.9)
        #expect(rows[2].noiseMultiplier < rows[1].noiseMultiplier)
        let json = String(decoding: try JSONEncoder().encode(rows[0]), as: UTF8.self)
        for key in [
            "clients", "epsilon_target", "epsilon_spent", "delta", "accountant", "noise_multiplier", "rounds",
            "privacy_unit", "noise", "accuracy_mean", "accuracy_std", "loss_mean", "channel", "snr_db",
        ] {
            #expect(json.contains("\"\(key)\""), "missing \(key)")
        }
        let svg = FederatedPrivacySweep.svg(rows)
        #expect(svg.hasPrefix("<svg") && svg.contains("3 clinics, non-private") && svg.contains("test loss"))
    }
}
