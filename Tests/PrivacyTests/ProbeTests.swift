import Foundation
import Testing
import Privacy

@Suite struct ProbeTests {
    @Test func probe() throws {
        let d = 1e-5
        print("AG eps1", try GaussianMechanism.analyticStandardDeviation(epsilon: 1, delta: d))
        print("AG eps10", try GaussianMechanism.analyticStandardDeviation(epsilon: 10, delta: d))
        let c = try GaussianMechanism.classicStandardDeviation(epsilon: 30, delta: d)
        print("classic30", c, try GaussianMechanism.epsilon(delta: d, standardDeviation: c))
        for (q, s, t) in [(0.01, 1.1, 1000), (1.0, 1.0, 1), (1.0, 1.0, 100)] {
            var a = RDPAccountant()
            try a.record(noiseMultiplier: s, samplingRate: q, steps: t)
            print("RDP", q, s, t, try a.epsilon(delta: d))
        }
        var o = RDPAccountant(orders: RDPAnalysis.opacusOrders)
        try o.record(noiseMultiplier: 1.5, samplingRate: 0.04, steps: 2250)
        print("opacus", try o.epsilon(delta: d))
        for (q, s, t) in [(1.0, 1.0, 1), (1.0, 1.0, 100)] {
            var a = PLDAccountant()
            try a.record(noiseMultiplier: s, samplingRate: q, steps: t)
            print("PLD fast", q, s, t, try a.epsilon(delta: d))
        }
        let h = Double(ProcessInfo.processInfo.environment["PROBE_H"] ?? "1e-3")!
        let tags = ProcessInfo.processInfo.environment["PROBE_ALL"] != nil
        for (q, s, t) in [(0.01, 1.1, 1000), (1.0, 1.0, 1), (1.0, 1.0, 100)] {
            let e = try AccountingEntry(noiseMultiplier: s, samplingRate: q, steps: t)
            let start = Date()
            let eps = PLDAnalysis.epsilon(entries: [e], delta: d, valueDiscretizationInterval: h, exactGaussianFastPath: false)
            print("PLD general h=\(h)", q, s, t, eps, Date().timeIntervalSince(start))
        }
    }
}
