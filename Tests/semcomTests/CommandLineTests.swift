import ArgumentParser
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
    ])
    func rejectsBadArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SemCom.parseAsRoot(arguments) }
    }

    @Test func benchAcceptsEveryWorkload() throws {
        for workload in ["mlp-codec", "gaussian", "awgn"] {
            let command = try SemCom.parseAsRoot(["bench", "--workload", workload])
            #expect(command is SemCom.Bench)
        }
    }
}
