import ArgumentParser
import Foundation
import Robustness
import Testing

@testable import semcom

/// `semcom attack` and `semcom train` at the command level: rows and typed errors.
@Suite struct AttackCommandTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let kb = root + "/KnowledgeBases/bcwd-tabular.semkb"
    static let textKB = root + "/KnowledgeBases/clinical-triage.semkb"
    static let data = root + "/Samples/bcwd/breast-cancer-wisconsin.data"
    static let schema = root + "/Samples/bcwd/bcwd.schema.json"

    static func run(_ arguments: [String]) throws {
        var command = try SemCom.parseAsRoot(arguments)
        try command.run()
    }

    static func code(_ arguments: [String]) -> RobustnessError.Code? {
        do {
            try run(arguments)
        } catch let error as RobustnessError {
            return error.code
        } catch {
            return nil
        }
        return nil
    }

    @Test func pgdRowsHaveTheContractKeysAndZeroBudgetIsClean() throws {
        let json = FileManager.default.temporaryDirectory
            .appendingPathComponent("semcom-attack-\(ProcessInfo.processInfo.processIdentifier).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        try Self.run([
            "attack", "--kb", Self.kb, "--data", Self.data, "--attack", "pgd", "--budget", "0,2", "--steps", "5",
            "--limit", "40", "--json", json, "--quiet",
        ])
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(document?["command"] as? String == "attack")
        let rows = try #require(document?["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        for key in ["attack", "budget", "steps", "snr_db", "clean_accuracy", "robust_accuracy", "attack_success_rate", "mean_perturbation"] {
            #expect(rows[0][key] != nil, "missing \(key)")
        }
        #expect(rows[0]["clean_accuracy"] as? Double == rows[0]["robust_accuracy"] as? Double)
        #expect((rows[1]["robust_accuracy"] as? Double ?? 1) < (rows[1]["clean_accuracy"] as? Double ?? 0))
    }

    @Test func badInputGivesTypedErrors() {
        #expect(Self.code(["attack", "--kb", Self.kb, "--attack", "deepfool", "--budget", "1"]) == .unknownAttack)
        #expect(Self.code(["attack", "--kb", Self.kb, "--data", Self.data, "--attack", "pgd", "--budget", "1,-1"]) == .invalidBudget)
        #expect(Self.code(["attack", "--kb", Self.kb, "--attack", "fgsm", "--budget", "x"]) == .invalidBudget)
        // A KB without the head the attack needs.
        #expect(Self.code(["attack", "--kb", Self.kb, "--attack", "synonym", "--budget", "0.2"]) == .unsupportedModel)
        #expect(Self.code(["attack", "--kb", Self.textKB, "--attack", "fgsm", "--budget", "1"]) == .unsupportedModel)
        #expect(
            Self.code([
                "train", "--modality", "tabular", "--data", Self.data, "--schema", Self.schema, "--out", "/nonexistent/x.semkb",
                "--adversarial", "madry",
            ]) == .unknownAttack)
        #expect(
            Self.code([
                "train", "--modality", "text", "--data", Self.data, "--out", "/nonexistent/x.semkb", "--adversarial", "pgd",
                "--budget", "1",
            ]) == .unsupportedModel)
        #expect(throws: (any Error).self) {
            _ = try SemCom.parseAsRoot(["train", "--modality", "tabular", "--data", Self.data, "--schema", Self.schema, "--out", "x", "--adversarial", "pgd", "--budget", "-1"])
        }
    }
}
