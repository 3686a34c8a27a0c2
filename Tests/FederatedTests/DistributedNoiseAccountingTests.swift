import Federated
import Privacy
import Testing

@Suite struct DistributedNoiseAccountingTests {
    @Test func largeSharesBehaveLikeTheGaussianMechanism() {
        // τ vanishes for σ ≫ 1: the sum of n shares is N(0, nσ²) and RDP(α) = α Δ²/(2nσ²).
        let sigma = 200.0
        let n = 10
        let l2 = 1000.0
        #expect(DistributedDiscreteGaussianAnalysis.tau(localStandardDeviation: sigma, clientCount: n) == 0)
        let rdp = DistributedDiscreteGaussianAnalysis.rdp(
            order: 8, l2Sensitivity: l2, l1Sensitivity: l2 * 4, localStandardDeviation: sigma, clientCount: n,
            dimension: 16)
        #expect(abs(rdp - 8 * l2 * l2 / (2 * Double(n) * sigma * sigma)) < 1e-12)
        // τ is not negligible for tiny shares.
        #expect(DistributedDiscreteGaussianAnalysis.tau(localStandardDeviation: 0.3, clientCount: n) > 0.1)
    }

    @Test func subsamplingBoundLiesBetweenTheExactGaussianAndTheUnsampledMechanism() {
        // For the Gaussian, the exact subsampled RDP (Mironov et al.) ≤ Zhu–Wang's general bound ≤ unsampled.
        let z = 2.0
        for alpha in [2, 4, 16, 64] {
            let base = { (a: Int) in Double(a) / (2 * z * z) }
            let bound = DistributedDiscreteGaussianAnalysis.subsampled(order: alpha, samplingRate: 0.1, base: base)
            let exact = RDPAnalysis.subsampledGaussian(samplingRate: 0.1, noiseMultiplier: z, order: Double(alpha))
            #expect(bound >= exact * (1 - 1e-9))
            #expect(bound <= base(alpha) + 1e-12)
            #expect(bound < 3 * exact + 1e-3)
        }
    }

    @Test func planMeetsTheTargetTightlyAndTheLedgerAgrees() throws {
        let configuration = FederatedPrivacyConfiguration(
            epsilon: 1, delta: 1e-5, noise: .distributed, samplingRate: 0.5)
        let plan = try PrivacyPlan.make(configuration, rounds: 40, parameterCount: 10, minimumShares: 17)
        let noise = try #require(plan.distributed)
        #expect(noise.dimension == 16 && noise.localStandardDeviation > 1000)
        var ledger = PrivacyLedger(plan: plan)
        for _ in 0..<40 { try ledger.recordRound(shares: 17) }
        let spent = try ledger.epsilonSpent()
        #expect(spent <= 1 && spent > 0.99)
        // More surviving shares than designed → more noise → less ε.
        var generous = PrivacyLedger(plan: plan)
        for _ in 0..<40 { try generous.recordRound(shares: 20) }
        #expect(try generous.epsilonSpent() < spent)
    }

    @Test func gaussianPlanRoundTripsThroughTheAccountant() throws {
        for kind in AccountantKind.allCases {
            let configuration = FederatedPrivacyConfiguration(
                epsilon: 2, noise: .central, samplingRate: kind == .pld ? 1 : 0.2, accountant: kind)  // PLD: exact at q = 1
            let plan = try PrivacyPlan.make(configuration, rounds: 50, parameterCount: 10, minimumShares: 1)
            var ledger = PrivacyLedger(plan: plan)
            for _ in 0..<50 { try ledger.recordRound(shares: 1) }
            let spent = try ledger.epsilonSpent()
            #expect(spent <= 2 && spent > 1.98, "\(kind): \(spent)")
        }
    }
}
