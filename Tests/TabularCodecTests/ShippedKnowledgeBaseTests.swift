import Channels
import Foundation
import KnowledgeBase
import TabularCodec
import TensorCore
import Testing

@Suite struct ShippedKnowledgeBaseTests {
    @Test func shippedKnowledgeBaseLoadsVerifiesAndMeetsTheTargets() throws {
        let text = try TabularKnowledgeBase.verify(contentsOfFile: Repository.shippedKB)
        #expect(text.contains("OK"))
        let kb = try KnowledgeBase(contentsOfFile: Repository.shippedKB)
        let m = kb.manifest
        #expect(m.name == "bcwd-tabular")
        #expect(m.provenance?.seed == 0 && m.provenance?.threads == 1)
        #expect(m.architecture.map { $0.channelUsesPerSample <= 4 } == true)
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.bcwdData))
        #expect(m.provenance?.dataSHA256 == sha256Hex(Array(data)))
        for snr in [0, 5, 10, 20] { #expect(m.metrics["awgn_\(snr)db_accuracy"]! >= 0.95) }
        #expect(m.metrics["awgn_-5db_accuracy"]! >= 0.90)
        #expect(m.metrics["awgn_-10db_accuracy"]! < m.metrics["awgn_0db_accuracy"]!)
        // The rate-adaptive link (k from the validation-split rate table) keeps the targets with ≤ 4 uses,
        // and the non-coherent head carries the link over Rayleigh fading without CSI.
        for snr in [0, 5, 10, 20] {
            #expect(m.metrics["adaptive_awgn_\(snr)db_accuracy"]! >= 0.95)
            #expect(m.metrics["adaptive_awgn_\(snr)db_channel_uses"]! <= 4)
        }
        #expect(m.metrics["adaptive_awgn_20db_channel_uses"]! < 4)
        #expect(m.metrics["rayleigh_no_csi_20db_accuracy"]! < 0.6)
        #expect(m.metrics["nocsi-k4_rayleigh_no_csi_20db_accuracy"]! > 0.85)
        // Inference only: the stored codec decodes the recorded test split at 10 dB.
        let codec = try TabularCodec(knowledgeBase: kb)
        let test = try TabularKnowledgeBase.recordedTestSet(of: kb, dataPath: Repository.bcwdData)
        #expect(test.count == 137)
        var rng = Xoshiro256(seed: 99)
        let evaluation = codec.evaluate(
            codec.inputs(for: test), labels: test.labels, over: AWGN(snrDecibels: 10), repeats: 5, using: &rng)
        #expect(evaluation.accuracy >= 0.95)
    }

    @Test func verifyFailsAfterAFlippedByte() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Repository.shippedKB)))
        var rng = Xoshiro256(seed: 4)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-flip-\(ProcessInfo.processInfo.processIdentifier).semkb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<3 {
            var damaged = bytes
            let offset = Int(rng.next(upperBound: UInt64(bytes.count)))
            damaged[offset] ^= 0x10
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            #expect(throws: KnowledgeBaseError.self) { try TabularKnowledgeBase.verify(contentsOfFile: path) }
        }
        bytes = Array(bytes.prefix(bytes.count - 1))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: KnowledgeBaseError.self) { try TabularKnowledgeBase.verify(contentsOfFile: path) }
    }

    /// Rebuilds the shipped file with the default configuration when `SEMCOM_WRITE_SHIPPED_KB=1`
    /// (the library equivalent of the documented `semcom kb build` command); otherwise checks that
    /// the configuration the file records is the default one.
    @Test func shippedKnowledgeBaseUsesTheDefaultConfiguration() throws {
        if ProcessInfo.processInfo.environment["SEMCOM_WRITE_SHIPPED_KB"] == "1" {
            let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
            let (kb, report) = try TabularKnowledgeBase.build(
                dataPath: Repository.root + "/Samples/bcwd/breast-cancer-wisconsin.data",
                recordedAs: "Samples/bcwd/breast-cancer-wisconsin.data", schema: schema, configuration: .default
            ) { print($0) }
            try FileManager.default.createDirectory(
                atPath: Repository.root + "/KnowledgeBases", withIntermediateDirectories: true)
            try kb.write(to: Repository.shippedKB)
            print("wrote \(Repository.shippedKB): \(report.fingerprint)")
        }
        let kb = try KnowledgeBase(contentsOfFile: Repository.shippedKB)
        let p = try #require(kb.manifest.provenance)
        #expect(p.epochs == TabularCodecConfiguration.default.epochs)
        #expect(p.dataSource == "Samples/bcwd/breast-cancer-wisconsin.data")
        #expect(kb.manifest.metrics["evaluation_repeats"] == Double(TabularCodecConfiguration.default.evaluationRepeats))
    }
}

@Suite struct ShippedKnowledgeBaseRebuildTests {
    /// The documented rebuild reproduces the shipped file: bit for bit on the machine kind that built
    /// it (single-threaded BLAS), and to the same metrics wherever OpenBLAS picks other kernels.
    @Test func documentedRebuildReproducesTheShippedFile() throws {
        let shipped = try KnowledgeBase(contentsOfFile: Repository.shippedKB)
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        let (rebuilt, _) = try TabularKnowledgeBase.build(
            dataPath: Repository.root + "/Samples/bcwd/breast-cancer-wisconsin.data",
            recordedAs: "Samples/bcwd/breast-cancer-wisconsin.data", schema: schema, configuration: .default)
        for (key, value) in shipped.manifest.metrics where key.hasPrefix("awgn_") && key.hasSuffix("_accuracy") {
            let again = try #require(rebuilt.manifest.metrics[key], "metric \(key) missing from the rebuild")
            #expect(abs(again - value) <= 0.02, "\(key): shipped \(value), rebuilt \(again)")
        }
        if rebuilt.fingerprint != shipped.fingerprint {
            // Other CPU kernels: same metrics (checked above), different low-order bits.
            print("note: rebuilt fingerprint \(rebuilt.fingerprint.hexString) ≠ shipped \(shipped.fingerprint.hexString)")
        }
    }
}
