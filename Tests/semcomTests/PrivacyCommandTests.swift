import ArgumentParser
import Foundation
import Testing

@testable import semcom

/// `semcom privacy epsilon|noise`: JSON output and the error path (message and exit code).
@Suite struct PrivacyCommandTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("semcom-\(name)-\(UUID().uuidString).json").path
    }

    private func runCommand(_ arguments: [String]) throws {
        var command = try SemCom.parseAsRoot(arguments)
        try command.run()
    }

    private func object(at path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func epsilonWritesTheReferenceValue() throws {
        let path = temporaryPath("epsilon")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runCommand([
            "privacy", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "1.1", "--steps", "1000",
            "--delta", "1e-5", "--accountant", "rdp", "--json", path, "--seed", "7",
        ])
        let json = try object(at: path)
        #expect(json["command"] as? String == "privacy epsilon")
        #expect(json["seed"] as? Int == 7)
        #expect(json["accountant"] as? String == "rdp")
        #expect(json["sampling_rate"] as? Double == 0.01)
        #expect(json["noise_multiplier"] as? Double == 1.1)
        #expect(json["steps"] as? Int == 1000)
        #expect(json["delta"] as? Double == 1e-5)
        let epsilon = try #require(json["epsilon"] as? Double)
        #expect(abs(epsilon - 1.7118) < 0.01 * 1.7118)  // REFERENCE-NUMBERS
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["epsilon"] as? Double == epsilon)
    }

    @Test func epsilonWithThePLDAccountant() throws {
        let path = temporaryPath("epsilon-pld")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runCommand([
            "privacy", "epsilon", "--sampling-rate", "1", "--noise-multiplier", "1", "--steps", "100",
            "--accountant", "pld", "--json", path,
        ])
        let json = try object(at: path)
        #expect(json["accountant"] as? String == "pld")
        let epsilon = try #require(json["epsilon"] as? Double)
        #expect(abs(epsilon - 91.8173) < 0.02 * 91.8173)  // REFERENCE-NUMBERS (exact for q = 1)
    }

    @Test func noiseRoundTripsThroughEpsilon() throws {
        let path = temporaryPath("noise")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runCommand([
            "privacy", "noise", "--epsilon", "1.7118", "--delta", "1e-5", "--sampling-rate", "0.01", "--steps",
            "1000", "--json", path,
        ])
        let json = try object(at: path)
        #expect(json["command"] as? String == "privacy noise")
        let sigma = try #require(json["noise_multiplier"] as? Double)
        #expect(abs(sigma - 1.1) < 0.005, "σ = \(sigma)")
        let spent = try #require(json["epsilon_spent"] as? Double)
        #expect(spent <= 1.7118)
    }

    /// Each bad input fails with a non-zero exit code and a message naming the parameter.
    @Test(arguments: [
        (["epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "0", "--steps", "10"], "noise multiplier"),
        (["epsilon", "--sampling-rate", "0.01", "--noise-multiplier=-1", "--steps", "10"], "noise multiplier"),
        (["epsilon", "--sampling-rate", "0", "--noise-multiplier", "1", "--steps", "10"], "sampling rate"),
        (["epsilon", "--sampling-rate", "1.5", "--noise-multiplier", "1", "--steps", "10"], "sampling rate"),
        (["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "0"], "steps"),
        (["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "0"], "delta"),
        (["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1"], "delta"),
        (
            [
                "epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--accountant", "pld",
                "--pld-interval", "0",
            ], "discretization interval"
        ),
        (["noise", "--epsilon", "0", "--sampling-rate", "0.1", "--steps", "10"], "epsilon"),
        (["noise", "--epsilon=-2", "--sampling-rate", "0.1", "--steps", "10"], "epsilon"),
        (["noise", "--epsilon", "1", "--delta", "1.5", "--sampling-rate", "0.1", "--steps", "10"], "delta"),
        (["noise", "--epsilon", "1", "--sampling-rate", "0", "--steps", "10"], "sampling rate"),
        (["noise", "--epsilon", "1", "--sampling-rate", "0.1", "--steps=-1"], "steps"),
        (
            ["noise", "--epsilon", "0.01", "--sampling-rate", "1", "--steps", "1000", "--max-noise-multiplier", "50"],
            "smallest reachable epsilon"
        ),
    ])
    func badInputFailsWithAClearMessage(arguments: [String], mentions: String) {
        #expect {
            try runCommand(["privacy"] + arguments)
        } throws: { error in
            let message = SemCom.message(for: error)
            return SemCom.exitCode(for: error) != .success && message.contains(mentions)
        }
    }

    @Test func unknownAccountantIsRejectedWhileParsing() {
        #expect {
            _ = try SemCom.parseAsRoot([
                "privacy", "epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10",
                "--accountant", "moments",
            ])
        } throws: { error in
            SemCom.exitCode(for: error) == .validationFailure && SemCom.message(for: error).contains("moments")
        }
    }

    /// The real process: `semcom privacy epsilon` with δ = 0 exits with status 1.
    @Test func processExitsWithFailureOnBadDelta() async {
        await #expect(processExitsWith: .exitCode(1)) {
            SemCom.main([
                "privacy", "epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta",
                "0",
            ])
        }
    }
}
