import ArgumentParser
import Foundation
import SemanticCodec
import Testing

@testable import semcom

/// The file-based link at the command level: encode → transmit → decode, and the failures that
/// must exit non-zero (an error thrown out of `run()` or `parseAsRoot`).
@Suite struct FrameCommandTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let kb = root + "/KnowledgeBases/bcwd-tabular.semkb"
    static let sample = root + "/Samples/bcwd/bcwd-unlabelled-sample.csv"
    static let data = root + "/Samples/bcwd/breast-cancer-wisconsin.data"

    /// A fresh directory for one test's files.
    static func directory(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("semcom-frames-\(name)-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func run(_ arguments: [String]) throws {
        var command = try SemCom.parseAsRoot(arguments)
        try command.run()
    }

    @Test func unlabelledSampleRunsThroughTheThreeSteps() throws {
        let dir = try Self.directory("pipeline")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
        try Self.run(["encode", "--kb", Self.kb, "--input", Self.sample, "--out", dir + "/tx.semf", "--quiet"])
        try Self.run([
            "transmit", "--channel", "rayleigh", "--snr-db", "15", "--in", dir + "/tx.semf", "--out", dir + "/rx.semf",
            "--noise", "jam:0.01", "--json", dir + "/tx.json", "--quiet",
        ])
        try Self.run(["decode", "--kb", Self.kb, "--in", dir + "/rx.semf", "--out", dir + "/out.jsonl"])
        let lines = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines[0].hasPrefix("{\"predicted\":") && lines[0].contains("\"sequence\":0}"))
        #expect(!lines[0].contains("\"label\""))
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/tx.json")))
        let rows = (document as? [String: Any])?["rows"] as? [[String: Any]]
        #expect(rows?.first?["frames"] as? Int == 20 && rows?.first?["noise"] as? String == "jam:0.01")
        #expect(try Data(contentsOf: URL(fileURLWithPath: Self.sample)) == input)  // input untouched
    }

    @Test func labelledRecordsCarryTheirLabelsToTheDecoder() throws {
        let dir = try Self.directory("labels")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/ten.csv"
        let firstTen = try String(contentsOfFile: Self.data, encoding: .utf8).split(separator: "\n").prefix(10)
        try (firstTen.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        try Self.run([
            "encode", "--kb", Self.kb, "--input", csv, "--out", dir + "/tx.semf", "--labels-out", dir + "/labels.jsonl",
            "--encoding", "float16", "--noise", "missing:0.1", "--quiet",
        ])
        try Self.run([
            "transmit", "--channel", "awgn", "--snr-db", "20", "--in", dir + "/tx.semf", "--out", dir + "/rx.semf",
            "--quiet",
        ])
        try Self.run([
            "decode", "--kb", Self.kb, "--in", dir + "/rx.semf", "--out", dir + "/out.jsonl", "--labels",
            dir + "/labels.jsonl", "--json", dir + "/decode.json",
        ])
        let text = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(text.split(separator: "\n").allSatisfy { $0.contains("\"label\":") })
        let document = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: dir + "/decode.json")))
        let row = ((document as? [String: Any])?["rows"] as? [[String: Any]])?.first
        #expect(row?["labelled"] as? Int == 10)
        #expect((row?["accuracy"] as? Double).map { $0 >= 0.7 } == true)
        // --labels-out on an unlabelled file is refused.
        #expect(throws: (any Error).self) {
            try Self.run([
                "encode", "--kb", Self.kb, "--input", Self.sample, "--out", dir + "/u.semf", "--labels-out",
                dir + "/u.jsonl", "--quiet",
            ])
        }
    }

    @Test(arguments: [
        ["transmit", "--channel", "awgn", "--snr-db", "twenty", "--in", "a.semf", "--out", "b.semf"],
        ["transmit", "--channel", "awgn", "--snr-db", "0,10", "--in", "a.semf", "--out", "b.semf"],
        ["transmit", "--channel", "fog", "--snr-db", "10", "--in", "a.semf", "--out", "b.semf"],
        [
            "transmit", "--channel", "awgn", "--snr-db", "10", "--noise", "jitter:0.1", "--in", "a.semf", "--out",
            "b.semf",
        ],
        ["transmit", "--channel", "awgn", "--snr-db", "10", "--in", "a.semf", "--out", "a.semf"],
        ["encode", "--kb", "k", "--input", "i.csv", "--out", "o.semf", "--noise", "foo:0.1"],
        ["encode", "--kb", "k", "--input", "i.csv", "--out", "o.semf", "--noise", "jitter:2"],
        ["encode", "--kb", "k", "--input", "i.csv", "--out", "o.semf", "--noise", "jam:0.1"],
        ["encode", "--kb", "k", "--input", "i.csv", "--out", "o.semf", "--encoding", "float64"],
        ["eval", "--kb", "k", "--noise", "swap"],
        ["eval", "--kb", "k", "--noise", "jitter:0.1", "--noise", "jitter:0.1"],
    ])
    func badArgumentsAreRefusedBeforeRunning(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SemCom.parseAsRoot(arguments) }
    }

    @Test func errorMessagesSayWhatWasExpected() {
        func message(_ arguments: [String]) -> String {
            do {
                _ = try SemCom.parseAsRoot(arguments)
                return ""
            } catch {
                return SemCom.message(for: error)
            }
        }
        #expect(
            message(["encode", "--kb", "k", "--input", "i", "--out", "o", "--noise", "foo:0.1"])
                .contains("unknown noise 'foo' for tabular; expected one of jitter, missing, swap, blank, jam"))
        #expect(
            message(["encode", "--kb", "k", "--input", "i", "--out", "o", "--noise", "swap:1.5"])
                .contains("rate must be in [0,1]"))
        #expect(
            message(["transmit", "--channel", "awgn", "--snr-db", "2O", "--in", "a", "--out", "b"]).contains("'2O'"))
        #expect(
            message([
                "transmit", "--channel", "awgn", "--snr-db", "1", "--noise", "missing:0.1", "--in", "a", "--out", "b",
            ])
            .contains("semcom encode --noise"))
    }

    @Test func badFilesFailTheRunNamingTheProblem() throws {
        let dir = try Self.directory("bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.run(["encode", "--kb", Self.kb, "--input", Self.sample, "--out", dir + "/tx.semf", "--quiet"])
        let frames = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/tx.semf")))
        let frameBytes = frames.count / 20
        try Data(frames.prefix(frames.count - 3)).write(to: URL(fileURLWithPath: dir + "/short.semf"))
        var flipped = frames
        flipped[7 * frameBytes + 40] ^= 0x01
        try Data(flipped).write(to: URL(fileURLWithPath: dir + "/flip.semf"))
        // Valid frames (correct CRC) of another knowledge base.
        let foreign = (0..<3).map {
            SemanticFrame(
                symbols: [0.5, -0.5, 1, 0, 0, 1, -1, 0.5], modality: .tabular, taskID: 1,
                knowledgeBase: KBFingerprint(bytes: [0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]), sequenceNumber: UInt64($0))
        }
        try Data(SemanticFrame.serialized(foreign)).write(to: URL(fileURLWithPath: dir + "/foreign.semf"))
        try Data("1000025,5,1,1,1,2,1,3,1,1\n1000025,5,1,1,1,2,1,3,1,x\n".utf8).write(
            to: URL(fileURLWithPath: dir + "/bad.csv"))
        let cases: [([String], [String])] = [
            (
                ["decode", "--kb", Self.kb, "--in", dir + "/short.semf", "--out", dir + "/o.jsonl"],
                ["truncatedFrame", "frame #19"]
            ),
            (
                ["decode", "--kb", Self.kb, "--in", dir + "/flip.semf", "--out", dir + "/o.jsonl"],
                ["CRC-32C", "frame #7", "offset \(7 * frameBytes)"]
            ),
            (
                [
                    "transmit", "--channel", "awgn", "--snr-db", "5", "--in", dir + "/flip.semf", "--out",
                    dir + "/o.semf",
                ], ["checksumMismatch"]
            ),
            (
                ["decode", "--kb", Self.kb, "--in", dir + "/foreign.semf", "--out", dir + "/o.jsonl"],
                ["knowledgeBaseMismatch", "another knowledge base", "deadbeef00010203"]
            ),
            (
                ["encode", "--kb", Self.kb, "--input", dir + "/bad.csv", "--out", dir + "/o.semf"],
                ["line 2", "column 10", "mitoses"]
            ),
            (["decode", "--kb", Self.kb, "--in", dir + "/missing.semf", "--out", dir + "/o.jsonl"], ["missing.semf"]),
        ]
        for (arguments, needles) in cases {
            #expect {
                try Self.run(arguments)
            } throws: { error in
                let text = "\(error)"
                return needles.allSatisfy { text.contains($0) }
            }
        }
        // No half-written outputs are left behind.
        #expect(!FileManager.default.fileExists(atPath: dir + "/o.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/o.semf"))
    }
}
