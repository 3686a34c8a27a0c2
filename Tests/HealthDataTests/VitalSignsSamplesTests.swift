import Foundation
import Testing
import TensorCore

@testable import HealthData

/// The shipped `Samples/vitals` files are what their documented commands write today.
@Suite struct VitalSignsSamplesTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/vitals")

    /// `semcom samples generate --kind ecg --rhythm sinus_bradycardia --duration 30 --sample-rate 125
    /// --noise mild --seed 3 …` (Samples/vitals/README.md).
    @Test func shippedBradycardiaSampleMatchesItsCommand() throws {
        var rng = Xoshiro256(seed: 3)
        let sample = VitalSignsSamples.generateECG(
            rhythm: .sinusBradycardia, durationSeconds: 30, sampleRateHertz: 125, noise: .mild, seed: 3, using: &rng)
        let csv = try String(contentsOf: Self.samples.appendingPathComponent("sinus_bradycardia_125hz.csv"), encoding: .utf8)
        let truth = try String(
            contentsOf: Self.samples.appendingPathComponent("sinus_bradycardia_125hz.truth.json"), encoding: .utf8)
        #expect(csv == sample.csv)
        #expect(truth.trimmingCharacters(in: .whitespacesAndNewlines) == sample.truthJSON.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
