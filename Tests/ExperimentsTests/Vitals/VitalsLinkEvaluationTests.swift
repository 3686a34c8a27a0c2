import Foundation
import SemanticCodec
import TensorCore
import Testing
import VitalSignsCodec

@testable import Experiments

/// A tiny waveform KB (a few recordings, 2 epochs): plumbing of noise conditions, sealing and outputs.
@Suite struct VitalsLinkEvaluationTests {
    static var tinyConfiguration: WaveformCodecConfiguration {
        var c = WaveformCodecConfiguration()
        c.windowLength = 64
        c.channelUsesPerWindow = 8
        c.trainingRecordings = 3
        c.testRecordings = 1
        c.encoderHiddenSizes = [16]
        c.decoderHiddenSizes = [16]
        c.epochs = 2
        c.evaluationSNRDecibels = [20]
        return c
    }

    @Test func noiseConditionsAndSealingAddRowsAndOutputsAreWritten() throws {
        let kb = WaveformCodec.build(configuration: Self.tinyConfiguration).knowledgeBase
        let catalog = SemanticNoiseCatalog.standard
        var configuration = VitalsLinkEvaluation.Configuration()
        configuration.snrDecibels = [20]
        configuration.passes = 1
        configuration.testRecordings = 5  // one 20 s recording
        configuration.compareRaw = false
        configuration.noises = [.none, try VitalsNoise(spec: catalog.parse("emg:0.2,drop:0.5", for: .vitals))]
        var keyRNG = Xoshiro256(seed: 77)
        configuration.sealing = try SealedLink(keyBits: (0..<192).map { _ in UInt8(keyRNG.next() & 1) })
        var rng = Xoshiro256(seed: 3)
        let rows = try VitalsLinkEvaluation.run(knowledgeBase: kb, configuration: configuration, using: &rng)
        #expect(
            rows.map(\.scheme) == [
                "semantic", "sealed-semantic", "sealed-eve-naive", "semantic", "sealed-semantic", "sealed-eve-naive",
                "bound-gaussian", "bound-linear",
            ])
        #expect(
            rows.map(\.noise) == [
                "none", "none", "none", "emg:0.2,drop:0.5", "emg:0.2,drop:0.5", "emg:0.2,drop:0.5", "none", "none",
            ])
        let measured = rows.filter { !$0.scheme.hasPrefix("bound-") }
        #expect(measured.allSatisfy { ($0.meanPRD ?? -1) >= 0 && ($0.rmsPRD ?? -1) >= ($0.meanPRD ?? .infinity) - 1e-9 })
        // The bounds: RMS PRD only, the Gaussian OPTA below the best linear code's.
        let gaussian = try #require(rows.first { $0.scheme == "bound-gaussian" }?.rmsPRD)
        let linear = try #require(rows.first { $0.scheme == "bound-linear" }?.rmsPRD)
        #expect(gaussian > 0 && gaussian < linear && linear < 100)
        #expect(rows.filter { $0.scheme.hasPrefix("bound-") }.allSatisfy { $0.meanPRD == nil })
        let csv = VitalsLinkEvaluation.csv(rows)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 1 + rows.count)
        #expect(lines[0].hasPrefix("scheme,channel,snr_db,noise,"))
        #expect(lines[4].contains("\"emg:0.2,drop:0.5\""))  // quoted: it has a comma
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try VitalsLinkEvaluation.writeSVG(rows, to: directory.appendingPathComponent("p.svg").path)
        let svg = try String(contentsOf: directory.appendingPathComponent("p.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("PRD"))
    }

    @Test func sensorNoiseIsScoredAgainstTheCleanSignal() throws {
        let kb = WaveformCodec.build(configuration: Self.tinyConfiguration).knowledgeBase
        let codec = try WaveformCodec(knowledgeBase: kb)
        let test = VitalSignsTrainingData.windows(recordings: 1, windowsPerRecording: 1, windowSeconds: 4, seed: 9)
        // A link that returns its input unchanged reconstructs what was sent: zero PRD when the clean
        // signal is sent, a positive one when a noisy signal is sent.
        // (The encoder inputs x/(8s) and (ln s − ln 0.05)/2 follow the decoder's output convention.)
        let identity: (Tensor<Float>) -> Tensor<Float> = { $0 }
        let clean = codec.evaluate(recordings: test, link: identity)
        #expect(clean.meanPRD < 1e-3)
        var rng = Xoshiro256(seed: 1)
        let noisy = try StreamNoiseSpecification(parsing: "emg:0.1").apply(to: test[0].ecg, sampleRateHertz: 250, using: &rng).signal
        let scored = codec.evaluate(recordings: test, sent: [noisy], link: identity)
        #expect(scored.meanPRD > 1)
    }
}
