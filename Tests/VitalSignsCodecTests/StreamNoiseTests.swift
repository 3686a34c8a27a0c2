import Foundation
import Testing
import TensorCore

@testable import VitalSignsCodec

@Suite struct StreamNoiseTests {
    @Test func parsesTheGrammarAndPrintsItBack() throws {
        let spec = try StreamNoiseSpecification(parsing: "wander:0.2,emg:0.03,powerline:0.02@60,motion:0.3@0.5,drop:0.1@0.3")
        #expect(spec.wanderMillivolts == 0.2 && spec.muscleMillivolts == 0.03)
        #expect(spec.powerlineHertz == 60 && spec.motionRatePerSecond == 0.5 && spec.dropSeconds == 0.3)
        #expect(try StreamNoiseSpecification(parsing: spec.description) == spec)
        #expect(try StreamNoiseSpecification(parsing: "none").isNone)
    }

    @Test(arguments: ["", "wander", "wander:-1", "wander:abc", "emg:0.1@3", "drop:0.1@0", "jitter:1", "emg:nan", "powerline:0.1@x@y"])
    func rejectsMalformedSpecifications(text: String) {
        #expect(throws: VitalSignsCodecError.self) { try StreamNoiseSpecification(parsing: text) }
    }

    @Test func emgAddsTheRequestedPowerAndDropsAreCounted() throws {
        var rng = Xoshiro256(seed: 1)
        let clean = [Float](repeating: 0, count: 50_000)
        let noisy = try StreamNoiseSpecification(parsing: "emg:0.05").apply(to: clean, sampleRateHertz: 250, using: &rng).signal
        let rms = (noisy.map { Double($0 * $0) }.reduce(0, +) / Double(noisy.count)).squareRoot()
        #expect(abs(rms - 0.05) < 0.002)
        let ramp = (0..<25_000).map { Float($0) }
        let (dropped, count) = try StreamNoiseSpecification(parsing: "drop:0.5@0.2").apply(to: ramp, sampleRateHertz: 250, using: &rng)
        #expect(count > 0)
        #expect(zip(dropped, ramp).allSatisfy { abs($0 - $1) < 1e-2 })  // a ramp interpolates to itself
    }
}
