import HealthData
import TensorCore
import Testing

@Suite struct BreastCancerWisconsinWritingTests {
    @Test(arguments: [BreastCancerWisconsin.FeatureScale.original, .dividedByTen])
    func uciTextParsesBackToTheSameTable(scale: BreastCancerWisconsin.FeatureScale) throws {
        let table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: scale)
        let part = table.subset([0, 5, 17, 300, 682])
        let back = try BreastCancerWisconsin.parse(try part.uciText(), source: "shard", scale: scale)
        #expect(back.ids == part.ids && back.labels == part.labels && back.features == part.features)
    }

    @Test func valuesThatAreNotWholeGradesCannotBeWritten() throws {
        var table = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen).subset([0])
        var scalars = table.features.scalars
        scalars[5] = 0.55  // an imputed-looking bare_nuclei value
        table.features = Tensor(shape: [1, 9], scalars: scalars)
        #expect {
            _ = try table.uciText()
        } throws: { error in
            (error as? HealthDataError)?.code == .valueOutOfRange
                && (error as? HealthDataError)?.message.contains("bare_nuclei") == true
        }
    }
}
