import Experiments
import HealthData
import TensorCore
import Testing

@Suite struct BCWDClassifiersTests {
    static func shortConfiguration() -> BCWDClassifiers.Configuration {
        var configuration = BCWDClassifiers.Configuration()
        configuration.epochs = 25
        configuration.folds = 3
        return configuration
    }

    @Test func bothModelsLearnTheTable() throws {
        let data = try BreastCancerWisconsin.embedded(scale: .dividedByTen)
        var rng = Xoshiro256(seed: 1)
        let rows = BCWDClassifiers.crossValidate(data, configuration: Self.shortConfiguration(), using: &rng)
        #expect(rows.map(\.model) == ["linear-svm", "mlp"])
        for row in rows {
            #expect(row.folds == 3 && row.foldAccuracies.count == 3)
            // Even a short run separates the classes far better than the 65 % majority rate.
            #expect(row.accuracyMean > 0.93, "\(row.model): \(row.accuracyMean)")
            #expect(row.accuracyStd >= 0 && row.accuracyStd < 0.05)
        }
    }

    @Test func sameSeedSameResult() throws {
        let data = try BreastCancerWisconsin.embedded(scale: .dividedByTen)
        var configuration = Self.shortConfiguration()
        configuration.epochs = 3
        var a = Xoshiro256(seed: 7)
        var b = Xoshiro256(seed: 7)
        var c = Xoshiro256(seed: 8)
        let first = BCWDClassifiers.crossValidate(data, configuration: configuration, using: &a)
        #expect(first == BCWDClassifiers.crossValidate(data, configuration: configuration, using: &b))
        #expect(first != BCWDClassifiers.crossValidate(data, configuration: configuration, using: &c))
    }

    @Test func resultDocumentHasTheContractKeys() throws {
        let row = BCWDClassifiers.Evaluation(
            model: "linear-svm", folds: 5, accuracyMean: 0.97, accuracyStd: 0.01, foldAccuracies: [0.97])
        let data = try ResultDocument(command: "demo", seed: 3, inputs: ["folds": "5"], rows: [row]).jsonData()
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"command\"", "\"seed\"", "\"rows\"", "\"model\"", "\"folds\"", "\"accuracy_mean\"", "\"accuracy_std\""] {
            #expect(text.contains(key), "missing \(key)")
        }
    }
}
