import Foundation
import SemanticCodec
import TensorCore
import Testing

@testable import Experiments

@Suite struct SealedLinkTests {
    typealias F = EvaluationFixtures

    static let key: [UInt8] = {
        var rng = Xoshiro256(seed: 77)
        return (0..<192).map { _ in UInt8(rng.next() & 1) }
    }()

    @Test func scramblingKeepsTheLegitimateLinkAndBlindsEavesdroppers() throws {
        var configuration = EvaluationConfiguration(
            channels: [ChannelSpec(kind: .awgn), ChannelSpec(kind: .rayleigh)], snrDecibels: [20], semanticPasses: 2)
        configuration.sealing = try SealedLink(keyBits: Self.key)
        var rng = Xoshiro256(seed: 5)
        let result = try LinkEvaluation.run(
            pipeline: F.legitimate, test: F.bcwd.test, raw: nil,
            naiveEavesdropper: LinkEvaluation.receiver(of: F.eavesdropper), configuration: configuration, using: &rng)
        let labels = F.bcwd.test.labels
        let majority = Double(Set(labels).map { l in labels.filter { $0 == l }.count }.max()!) / Double(labels.count)
        for channel in ["awgn", "rayleigh"] {
            func accuracy(_ scheme: EvaluationScheme) throws -> Double {
                try #require(result.rows.first { $0.scheme == scheme && $0.channel == channel }).accuracy
            }
            // Same link, rotated noise of the same law: equal up to sampling (2 passes).
            #expect(abs(try accuracy(.sealedSemantic) - accuracy(.semantic)) < 0.03, "\(channel)")
            // Without the key the symbols are uniform on the sphere: no better than the prior, up to
            // ~3 standard errors of 2 passes over the test set.
            #expect(try accuracy(.sealedEavesdropperNaive) < majority + 0.08, "\(channel)")
            #expect(try accuracy(.sealedEavesdropperAdaptive) < majority + 0.08, "\(channel)")
        }
    }

    @Test func keyFilesAreChecked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("semcom-sealed-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let short = directory.appendingPathComponent("short.hex").path
        try "00ff00ff".write(toFile: short, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try SealedLinkKey.load(short, seed: 0) }
        let bad = directory.appendingPathComponent("bad.hex").path
        try "00112233445566778899aabbccddeexx".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try SealedLinkKey.load(bad, seed: 0) }
        let good = directory.appendingPathComponent("good.hex").path
        try "00112233445566778899aabbccddeeff".write(toFile: good, atomically: true, encoding: .utf8)
        #expect(try SealedLinkKey.load(good, seed: 0).count == 128)
    }
}
