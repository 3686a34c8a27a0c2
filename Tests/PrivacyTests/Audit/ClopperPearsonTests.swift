import Foundation
import Privacy
import TensorCore
import Testing

@Suite struct ClopperPearsonTests {
    @Test func zeroAndAllSuccessesHaveClosedForms() {
        // k = 0: P[Bin(n, p) = 0] = (1 − p)^n = 1 − c → p = 1 − (1 − c)^{1/n}.
        for (n, c) in [(10, 0.975), (1000, 0.95), (100_000, 0.99)] {
            let upper = ClopperPearson.upperBound(successes: 0, trials: n, confidence: c)
            #expect(abs(upper - (1 - pow(1 - c, 1 / Double(n)))) < 1e-10)
            let lower = ClopperPearson.lowerBound(successes: n, trials: n, confidence: c)
            #expect(abs(lower - pow(1 - c, 1 / Double(n))) < 1e-10)
            #expect(ClopperPearson.upperBound(successes: n, trials: n, confidence: c) == 1)
            #expect(ClopperPearson.lowerBound(successes: 0, trials: n, confidence: c) == 0)
        }
    }

    @Test func matchesRBinomTest() {
        // R 4.x: binom.test(5, 20)$conf.int → 0.08657147 0.49104587 (two-sided 95 % = one-sided 97.5 %).
        #expect(abs(ClopperPearson.lowerBound(successes: 5, trials: 20, confidence: 0.975) - 0.08657147) < 1e-7)
        #expect(abs(ClopperPearson.upperBound(successes: 5, trials: 20, confidence: 0.975) - 0.49104587) < 1e-7)
    }

    @Test func upperBoundIsTheBinomialTailRoot() {
        // At p_upper the binomial CDF at k equals 1 − c (summed directly here).
        for (k, n, c) in [(3, 50, 0.95), (40, 200, 0.975), (0, 7, 0.9), (990, 1000, 0.95)] {
            let p = ClopperPearson.upperBound(successes: k, trials: n, confidence: c)
            var cdf = 0.0
            var logBinomial = 0.0
            for i in 0...k {
                if i > 0 { logBinomial += log(Double(n - i + 1)) - log(Double(i)) }
                cdf += exp(logBinomial + Double(i) * log(p) + Double(n - i) * log1p(-p))
            }
            #expect(abs(cdf - (1 - c)) < 1e-8, "k=\(k) n=\(n): CDF at p_upper = \(cdf)")
        }
    }

    @Test(.tags(.statistical)) func coverageIsAtLeastTheConfidence() {
        // 2,000 binomial experiments with p = 0.03, n = 200: the 90 % upper bound must cover p in
        // ≥ 90 % of them (it is conservative); 5 standard errors of slack.
        var rng = Xoshiro256(seed: 12345)
        var covered = 0
        let experiments = 2000
        for _ in 0..<experiments {
            var k = 0
            for _ in 0..<200 where rng.nextUnitDouble() < 0.03 { k += 1 }
            if ClopperPearson.upperBound(successes: k, trials: 200, confidence: 0.9) >= 0.03 { covered += 1 }
        }
        let rate = Double(covered) / Double(experiments)
        #expect(rate >= 0.9 - 5 * (0.09 / Double(experiments)).squareRoot(), "coverage \(rate)")
    }
}
