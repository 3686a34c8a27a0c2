import Foundation
import Privacy
import TensorCore
import Testing

/// The audit's acceptance: correct mechanisms pass (ε_lower ≤ ε_claimed, and the bound is not
/// trivially small), a deliberately broken one (noise halved) fails (ε_lower > ε_claimed).
@Suite struct MechanismAuditTests {
    private func audit(
        _ mechanism: MechanismAudit.Mechanism, epsilon: Double, trials: Int, noiseFactor: Double = 1, seed: UInt64
    ) throws -> MechanismAudit.Report {
        var rng = Xoshiro256(seed: seed)
        return try MechanismAudit.run(
            .init(
                mechanism: mechanism, epsilon: epsilon, delta: 1e-5, trials: trials, confidence: 0.95,
                noiseFactor: noiseFactor), using: &rng)
    }

    /// Gaussian (ε = 2, 10⁵ runs per world: with the noise halved the expected bound is ≈ 2.6)
    /// and Laplace (ε = 1, where a threshold test attains ε exactly) are cheap enough for every run.
    @Test(arguments: [(MechanismAudit.Mechanism.gaussian, 2.0, 100_000), (.laplace, 1.0, 20_000)])
    func correctMechanismPassesAndBrokenOneIsCaught(
        mechanism: MechanismAudit.Mechanism, epsilon: Double, trials: Int
    ) throws {
        let correct = try audit(mechanism, epsilon: epsilon, trials: trials, seed: 1)
        #expect(correct.passed, "\(mechanism): ε_lower \(correct.epsilonLower) > claimed \(epsilon)")
        #expect(correct.epsilonLower > 0.4 * epsilon, "\(mechanism): the audit has no power (\(correct.epsilonLower))")
        let broken = try audit(mechanism, epsilon: epsilon, trials: trials, noiseFactor: 0.5, seed: 2)
        #expect(!broken.passed, "\(mechanism) with half the noise: ε_lower \(broken.epsilonLower) ≤ \(epsilon)")
    }

    /// The exact discrete Gaussian sampler and the DP-SGD step (through `Clipping`) cost more per
    /// run in a debug build: their correct versions are audited here with 5,000 runs per world.
    @Test(arguments: [MechanismAudit.Mechanism.discreteGaussian, .dpsgdStep])
    func slowerMechanismsPass(mechanism: MechanismAudit.Mechanism) throws {
        let report = try audit(mechanism, epsilon: 2, trials: 5_000, seed: 4)
        #expect(report.passed, "\(mechanism): ε_lower \(report.epsilonLower) > claimed 2")
        #expect(report.epsilonLower > 0.2, "\(mechanism): the audit has no power (\(report.epsilonLower))")
    }

    private static let slow = ProcessInfo.processInfo.environment["SEMCOM_SLOW_TESTS"] != nil

    /// … and their broken versions need ~5·10⁴ runs per world to be caught (set SEMCOM_SLOW_TESTS=1;
    /// `semcom privacy audit` shows the same in a release build, see the README).
    @Test(.tags(.slow), .enabled(if: slow), arguments: [MechanismAudit.Mechanism.discreteGaussian, .dpsgdStep])
    func slowerMechanismsAreCaughtWhenBroken(mechanism: MechanismAudit.Mechanism) throws {
        let correct = try audit(mechanism, epsilon: 2, trials: 50_000, seed: 1)
        #expect(correct.passed, "\(mechanism): ε_lower \(correct.epsilonLower) > claimed 2")
        let broken = try audit(mechanism, epsilon: 2, trials: 50_000, noiseFactor: 0.5, seed: 2)
        #expect(!broken.passed, "\(mechanism) with half the noise: ε_lower \(broken.epsilonLower) ≤ 2")
    }

    @Test func identicalWorldsGiveNoEvidence() {
        var rng = Xoshiro256(seed: 3)
        let a = (0..<20_000).map { _ in rng.nextStandardGaussian() }
        let b = (0..<20_000).map { _ in rng.nextStandardGaussian() }
        let result = MembershipAudit.audit(without: a, with: b, delta: 1e-5, confidence: 0.95)
        #expect(result.epsilonLower < 0.05, "ε_lower = \(result.epsilonLower)")
    }

    @Test func boundFromCountsFollowsTheFormula() {
        // No errors at all in 10⁶ runs per world: FPR⁺ = FNR⁺ = 1 − 0.025^{1/n}.
        let n = 1_000_000
        let (epsilon, fpr, fnr) = MembershipAudit.epsilonLowerBound(
            falsePositives: 0, runsWithout: n, falseNegatives: 0, runsWith: n, delta: 1e-5, confidence: 0.95)
        let u = 1 - pow(0.025, 1 / Double(n))
        #expect(abs(fpr - u) < 1e-12 && abs(fnr - u) < 1e-12)
        #expect(abs(epsilon - log((1 - 1e-5 - u) / u)) < 1e-9)
        // A test no better than chance gives nothing.
        let chance = MembershipAudit.epsilonLowerBound(
            falsePositives: 500, runsWithout: 1000, falseNegatives: 500, runsWith: 1000, delta: 1e-5, confidence: 0.95)
        #expect(chance.epsilon == 0)
    }

    @Test func discreteGaussianCalibrationMeetsTheExactCurve() throws {
        let variance = try MechanismAudit.discreteGaussianVariance(epsilon: 1, delta: 1e-5)
        let mechanism = try DiscreteGaussianMechanism(variance: variance)
        #expect(mechanism.scalarDelta(epsilon: 1) <= 1e-5 * (1 + 1e-6))
        #expect(try DiscreteGaussianMechanism(variance: variance * 0.99).scalarDelta(epsilon: 1) > 1e-5)
        // Close to the continuous Gaussian's σ = 3.7306 (REFERENCE-NUMBERS) at this scale.
        #expect(abs(variance.squareRoot() - 3.7306) < 0.05)
    }

    @Test func badConfigurationsThrowNamingTheField() {
        let cases: [(MechanismAudit.Configuration, PrivacyError.Code)] = [
            (.init(mechanism: .gaussian, epsilon: 0), .invalidEpsilon),
            (.init(mechanism: .gaussian, epsilon: 1, delta: 1), .invalidDelta),
            (.init(mechanism: .laplace, epsilon: 1, trials: 10), .invalidParameter),
            (.init(mechanism: .laplace, epsilon: 1, confidence: 1), .invalidParameter),
            (.init(mechanism: .gaussian, epsilon: 1, noiseFactor: 0), .invalidNoiseMultiplier),
        ]
        for (configuration, code) in cases {
            var rng = Xoshiro256(seed: 0)
            #expect {
                _ = try MechanismAudit.run(configuration, using: &rng)
            } throws: { error in
                (error as? PrivacyError)?.code == code
            }
        }
    }
}
