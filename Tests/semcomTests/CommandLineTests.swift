import ArgumentParser
import Foundation
import Testing

@testable import semcom

@Suite struct CommandLineTests {
    @Test func parsesGlobalOptions() throws {
        let command = try SemCom.parseAsRoot(["demo", "--seed", "42", "--threads", "1", "--quiet", "--folds", "3"])
        let demo = try #require(command as? SemCom.Demo)
        #expect(demo.global.seed == 42)
        #expect(demo.global.threads == 1)
        #expect(demo.global.quiet)
        #expect(demo.folds == 3)
    }

    @Test(arguments: [
        ["demo", "--folds", "1"],
        ["demo", "--epochs", "0"],
        ["demo", "--threads", "0"],
        ["demo", "--seed", "-3"],
        ["bench", "--workload", "nope"],
        ["bench"],
        ["ber", "--modulation", "8psk"],
        ["ber", "--code", "turbo"],
        ["ber", "--channel", "rician"],
        ["ber", "--ebn0-db", "0:1"],
        ["ber", "--ebn0-db", "zero"],
        ["ber", "--ebn0-db", "10:1:0"],
        ["ber", "--bits", "0"],
        ["ber", "--bits", "-5"],
    ])
    func rejectsBadArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SemCom.parseAsRoot(arguments) }
    }

    @Test func berErrorsNameTheBadValue() {
        #expect {
            _ = try SemCom.parseAsRoot(["ber", "--modulation", "8psk"])
        } throws: { error in
            SemCom.message(for: error).contains("8psk")
        }
        #expect {
            _ = try SemCom.parseAsRoot(["ber", "--ebn0-db", "1:x:3"])
        } throws: { error in
            SemCom.message(for: error).contains("1:x:3") || SemCom.message(for: error).contains("x")
        }
    }

    @Test func berParsesAValidCommand() throws {
        let command = try SemCom.parseAsRoot([
            "ber", "--modulation", "16qam", "--code", "conv-k7-3/4", "--channel", "rayleigh", "--ebn0-db", "0,2.5,5",
            "--bits", "1000",
        ])
        let ber = try #require(command as? SemCom.BER)
        #expect(ber.bits == 1000)
    }

    @Test func benchAcceptsEveryWorkload() throws {
        for workload in ["mlp-codec", "gaussian", "awgn"] {
            let command = try SemCom.parseAsRoot(["bench", "--workload", workload])
            #expect(command is SemCom.Bench)
        }
    }
}

@Suite struct KnowledgeBaseCommandTests {
    @Test func kbBuildNeedsItsOptions() {
        #expect(throws: (any Error).self) { _ = try SemCom.parseAsRoot(["kb", "build", "--modality", "tabular"]) }
        #expect(throws: (any Error).self) {
            _ = try SemCom.parseAsRoot([
                "kb", "build", "--modality", "audio", "--data", "d", "--schema", "s", "--out", "o",
            ])
        }
        #expect(throws: (any Error).self) {
            _ = try SemCom.parseAsRoot([
                "kb", "build", "--modality", "tabular", "--data", "d", "--schema", "s", "--out", "o",
                "--channel-uses", "0",
            ])
        }
    }

    @Test func waveformOptionsAreChecked() throws {
        let waveform = ["kb", "build", "--modality", "vitals-waveform", "--out", "o"]
        for extra in [
            ["--window-length", "12"],  // below 16
            ["--window-length", "100"],  // not a multiple of 8
            ["--window-length", "8192"],
            ["--window-length", "64", "--hop", "128"],  // hop beyond the window
            ["--training-snr-db", "20,10"],
            ["--encoder-hidden", "0"],
        ] {
            #expect(throws: (any Error).self, "\(extra)") { _ = try SemCom.parseAsRoot(waveform + extra) }
        }
        #expect(throws: (any Error).self) {
            _ = try SemCom.parseAsRoot(["kb", "build", "--modality", "vitals-rhythm", "--out", "o", "--window-length", "512"])
        }
        _ = try SemCom.parseAsRoot(waveform + ["--window-length", "512", "--hop", "256", "--encoder-hidden", "1100"])
    }

    @Test func rateHeadOptionsAreChecked() throws {
        let text = ["kb", "build", "--modality", "text", "--data", "d", "--out", "o"]
        for extra in [
            ["--rate-heads", "8"],  // no validation split
            ["--rate-heads", "8,x", "--validation-fraction", "0.1"],
            ["--rate-heads", "8,8", "--validation-fraction", "0.1"],
            ["--rate-heads", "8", "--validation-fraction", "1"],
        ] {
            #expect(throws: (any Error).self, "\(extra)") { _ = try SemCom.parseAsRoot(text + extra) }
        }
        #expect(throws: (any Error).self) {
            _ = try SemCom.parseAsRoot([
                "kb", "build", "--modality", "multimodal", "--out", "o", "--rate-heads", "2", "--validation-fraction", "0.1",
            ])
        }
        _ = try SemCom.parseAsRoot(text + ["--channel-uses", "16", "--rate-heads", "8,12", "--validation-fraction", "0.1"])
    }

    @Test func kbVerifyRejectsAFlippedByteNamingTheProblem() throws {
        let shipped = try Data(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KnowledgeBases/bcwd-tabular.semkb"))
        var damaged = [UInt8](shipped)
        damaged[damaged.count / 2] ^= 0x01
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("semcom-cli-damaged.semkb").path
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = try #require(try SemCom.parseAsRoot(["kb", "verify", path]) as? SemCom.KB.Verify)
        #expect {
            try command.run()
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && (text.contains("offset") || text.contains("section"))
        }
    }
}
