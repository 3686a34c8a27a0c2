import ArgumentParser
import Testing

@testable import semcom

@Suite struct FederatedCommandTests {
    @Test(
        arguments: [
            (["--epsilon", "0"], "epsilon"),
            (["--epsilon", "1,-2"], "epsilon"),
            (["--delta", "1"], "delta"),
            (["--delta", "0"], "delta"),
            (["--privacy-unit", "patient"], "record|client"),
            (["--noise", "everywhere"], "distributed|local|central"),
            (["--folds", "1"], "folds"),
            (["--clients", "5,x"], "x"),
            (["--noise", "distributed"], "secure aggregation"),
            (["--secure-aggregation", "--channel", "awgn", "--link", "analog"], "analog"),
            (["--dropout-rate", "1"], "dropout"),
            (["--model", "forest"], "svm|logistic|mlp"),
        ] as [([String], String)])
    func badInputIsRejectedWithAClearMessage(arguments: [String], fragment: String) {
        #expect {
            _ = try SemCom.parseAsRoot(["federated"] + arguments)
        } throws: { error in
            SemCom.message(for: error).contains(fragment)
        }
    }

    @Test func parsesTheIssueCommand() throws {
        let command = try SemCom.parseAsRoot([
            "federated", "--data", "Samples/bcwd/breast-cancer-wisconsin.data", "--model", "svm", "--clients",
            "5,10,20",
            "--epsilon", "0.5,1,2,5,10,30,50", "--delta", "1e-5", "--privacy-unit", "record", "--noise", "distributed",
            "--secure-aggregation", "--dropout-rate", "0.1", "--channel", "awgn", "--snr-db", "10", "--folds", "5",
            "--json", "out.json", "--svg", "out.svg",
        ])
        let federated = try #require(command as? SemCom.FederatedCommand)
        _ = try federated.sweepConfiguration()
        #expect(federated.clients == "5,10,20" && federated.folds == 5 && federated.secureAggregation)
        #expect(federated.dropoutRate == 0.1 && federated.snrDB == 10)
    }

    @Test func benchAcceptsTheFederatedWorkloads() throws {
        for workload in ["federated", "federated-scale"] {
            #expect(try SemCom.parseAsRoot(["bench", "--workload", workload]) is SemCom.Bench)
        }
    }
}
