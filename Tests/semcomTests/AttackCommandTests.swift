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

    static func rows(_ arguments: [String]) throws -> [[String: Any]] {
        let json = FileManager.default.temporaryDirectory
            .appendingPathComponent("semcom-attack-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max)).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        try run(arguments + ["--json", json, "--quiet"])
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        return try #require(document?["rows"] as? [[String: Any]])
    }

    @Test func transferFromTheVictimItselfEqualsWhiteBox() throws {
        for attack in ["pgd", "symbol-pgd"] {
            let budget = attack == "pgd" ? "2" : "0"
            let base = [
                "attack", "--kb", Self.kb, "--data", Self.data, "--attack", attack, "--budget", budget, "--steps", "5",
                "--limit", "40",
            ]
            let white = try Self.rows(base)
            let transfer = try Self.rows(base + ["--surrogate-kb", Self.kb])
            #expect(white[0]["robust_accuracy"] as? Double == transfer[0]["robust_accuracy"] as? Double, "\(attack)")
            #expect(white[0]["surrogate"] == nil)
            #expect((transfer[0]["surrogate"] as? String)?.hasPrefix("bcwd-tabular@") == true)
            #expect(transfer[0]["queries"] as? Double == 0)
            #expect((white[0]["queries"] as? Double ?? 0) > 0)
        }
    }

    @Test func symbolBoundsRowsBracketTheAttack() throws {
        let rows = try Self.rows([
            "attack", "--kb", Self.kb, "--data", Self.data, "--attack", "symbol-bounds", "--budget", "0", "--limit", "40",
        ])
        #expect(rows.map { $0["attack"] as? String } == ["symbol-deepfool", "symbol-certified"])
        let deepFool = rows[0]["robust_accuracy"] as? Double ?? -1
        let certified = rows[1]["robust_accuracy"] as? Double ?? 2
        #expect(certified <= deepFool)
        #expect(rows[1]["budget_radius"] as? Double != nil)
    }

    @Test func universalRowsCarryTheGaussianComparison() throws {
        let rows = try Self.rows([
            "attack", "--kb", Self.kb, "--data", Self.data, "--attack", "universal", "--budget", "0", "--steps", "5",
            "--limit", "40",
        ])
        #expect(rows.map { $0["attack"] as? String } == ["universal", "gaussian"])
        #expect(rows[0]["gaussian_robust_accuracy"] as? Double == rows[1]["robust_accuracy"] as? Double)
    }

    @Test func badSurrogatesGiveTypedErrors() {
        // A surrogate without the tabular task head, a text attack with a surrogate, no bounds over fading.
        #expect(
            Self.code([
                "attack", "--kb", Self.kb, "--data", Self.data, "--surrogate-kb", Self.textKB, "--attack", "pgd", "--budget", "1",
            ]) == .unsupportedModel)
        #expect(
            Self.code(["attack", "--kb", Self.textKB, "--surrogate-kb", Self.textKB, "--attack", "synonym", "--budget", "0.1"])
                == .invalidSetting)
        #expect(
            Self.code([
                "attack", "--kb", Self.kb, "--data", Self.data, "--attack", "symbol-bounds", "--budget", "10", "--channel",
                "rayleigh",
            ]) == .invalidSetting)
        #expect(
            Self.code(["attack", "--kb", Self.kb, "--data", Self.data, "--attack", "symbol-pgd", "--budget", "10", "--restarts", "0"])
                == .invalidSetting)
    }
}
