import ArgumentParser
import Experiments
import Testing

@testable import semcom

/// `semcom federated --honest-defence`: bad spellings are clear errors before anything runs.
@Suite struct FederatedHonestDefenceCommandTests {
    @Test(
        arguments: [
            (["--honest-defence", "adversarial:pgd:-1"], "budget"),
            (["--honest-defence", "adversarial:pgd:0"], "budget"),
            (["--honest-defence", "adversarial:trades:1"], "pgd or fgsm"),
            (["--honest-defence", "adversarial:pgd:1:2"], "(0, 1]"),
            (["--honest-defence", "input-noise:0"], "σ"),
            (["--honest-defence", "none,shield:1"], "shield:1"),
            (["--honest-defence", "input-noise:1", "--modality", "ecg"], "tabular only"),
        ] as [([String], String)])
    func badDefenceIsRejected(arguments: [String], fragment: String) {
        #expect {
            _ = try SemCom.parseAsRoot(["federated", "--attack", "model-replacement"] + arguments)
        } throws: { error in
            SemCom.message(for: error).contains(fragment)
        }
    }

    @Test func defencesMultiplyTheGrid() throws {
        let command = try SemCom.parseAsRoot([
            "federated", "--clients", "20", "--attack", "model-replacement", "--aggregator", "fedavg,median",
            "--honest-defence", "none,adversarial:pgd:1,input-noise:1",
        ])
        let federated = try #require(command as? SemCom.FederatedCommand)
        let scenarios = try federated.attackConfiguration().scenarios
        // 2 aggregators × 3 defences × (reference + attack).
        #expect(scenarios.count == 12)
        #expect(scenarios.compactMap { $0.honestDefence?.description }.count == 8)
    }
}
