import Experiments
import Foundation
import Testing

@Suite struct NoiseBenchmarkTests {
    @Test func gaussianWorkloadReportsItsSetup() {
        let r = NoiseBenchmark.gaussian(threads: 2, seed: 0, samples: 40_000, repetitions: 2)
        #expect(r.workload == "gaussian")
        #expect(r.threads == 2)
        #expect(r.samples == 40_000)
        #expect(r.msamplesPerSecond > 0 && r.msamplesPerSecond.isFinite)
    }

    @Test func awgnWorkloadReportsItsSetup() {
        let r = NoiseBenchmark.awgn(threads: 1, seed: 1, samples: 40_000, repetitions: 2)
        #expect(r.workload == "awgn")
        #expect(r.threads == 1)
        #expect(r.samples == 40_000)
        #expect(r.msamplesPerSecond > 0 && r.msamplesPerSecond.isFinite)
        #expect(NoiseBenchmark.referenceSamples == 1 << 24)
        #expect(abs(NoiseBenchmark.awgnNoiseStandardDeviation(snrDecibels: 10) - 0.316_227_766_016_837_94) < 1e-15)
        #expect(abs(NoiseBenchmark.awgnNoiseStandardDeviation(snrDecibels: 0) - 1) < 1e-15)
    }

    @Test func resultEncodesWithTheAgreedKeys() throws {
        let r = NoiseBenchmark.Result(workload: "awgn", msamplesPerSecond: 512.5, threads: 2, samples: 16)
        let data = try JSONEncoder().encode(r)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["workload", "msamples_per_s", "threads", "samples"])
        #expect(object["msamples_per_s"] as? Double == 512.5)
        #expect(try JSONDecoder().decode(NoiseBenchmark.Result.self, from: data) == r)
    }
}
