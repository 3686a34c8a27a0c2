import Federated
import Privacy
import TensorCore
import Testing

/// Bad input → clear typed errors (issue 7's list).
@Suite struct FederatedValidationTests {
    @Test(arguments: [0.0, -1.0, .nan, .infinity])
    func epsilonMustBePositive(epsilon: Double) {
        #expect {
            try FederatedPrivacyConfiguration(epsilon: epsilon).validate()
        } throws: { error in
            (error as? FederatedError)?.code == .invalidPrivacy && "\(error)".contains("epsilon")
        }
    }

    @Test(arguments: [0.0, 1.0, -0.1, 1.5])
    func deltaMustBeInOpenUnitInterval(delta: Double) {
        #expect {
            try FederatedPrivacyConfiguration(epsilon: 1, delta: delta).validate()
        } throws: { error in
            (error as? FederatedError)?.code == .invalidPrivacy && "\(error)".contains("delta")
        }
    }

    @Test func moreClinicsThanRecordsIsRejected() throws {
        let (train, test) = try bcwdSplit()
        let few = train.subset(Array(0..<8))
        var configuration = FederationConfiguration()
        configuration.clinics = 9
        #expect {
            _ = try FederatedSimulation.run(configuration, train: few, test: test, seed: 0)
        } throws: { error in
            (error as? FederatedError)?.code == .insufficientData && "\(error)".contains("9 clinics")
        }
        var rng = Xoshiro256(seed: 1)
        #expect(throws: FederatedError.self) { _ = try ClinicPartition.iid.split(few, clinics: 9, using: &rng) }
    }

    @Test(arguments: ["patient", "", "records"])
    func unknownPrivacyUnitIsRejected(text: String) {
        #expect {
            _ = try PrivacyUnit(parsing: text)
        } throws: { error in
            (error as? FederatedError)?.code == .invalidPrivacy && "\(error)".contains("record|client")
        }
        #expect(throws: FederatedError.self) { _ = try NoisePlacement(parsing: text) }
    }

    @Test func unreachableTargetNamesTheSmallestReachableEpsilon() {
        // ε = 1e-4 over 100 full-batch rounds would need σ ≈ 5·10⁵ > the 5,000 allowed.
        for noise in [NoisePlacement.central, .distributed] {
            #expect {
                _ = try PrivacyPlan.make(
                    FederatedPrivacyConfiguration(epsilon: 1e-4, noise: noise), rounds: 100, parameterCount: 10,
                    minimumShares: 20)
            } throws: { error in
                (error as? FederatedError)?.code == .unreachableTarget && "\(error)".contains("smallest reachable")
            }
        }
    }

    @Test func incompatibleSettingsAreRejected() throws {
        var configuration = FederationConfiguration()
        configuration.privacy = FederatedPrivacyConfiguration(epsilon: 1, noise: .distributed)
        #expect {
            try configuration.validate(trainingRecords: 500)
        } throws: { error in
            (error as? FederatedError)?.code == .incompatibleSettings && "\(error)".contains("secure aggregation")
        }
        configuration.privacy = nil
        configuration.secureAggregation = true
        configuration.link = .analog(snrDecibels: 10)
        #expect(throws: FederatedError.self) { try configuration.validate(trainingRecords: 500) }
        configuration.link = .ideal
        configuration.dropoutRate = 1
        #expect(throws: FederatedError.self) { try configuration.validate(trainingRecords: 500) }
    }
}
