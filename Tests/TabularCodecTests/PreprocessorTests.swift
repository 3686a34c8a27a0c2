import KnowledgeBase
import TabularCodec
import TensorCore
import Testing

@Suite struct PreprocessorTests {
    static func table() throws -> TabularDataset {
        let text = CSVLoaderTests.header + """
            a;100;no;;ok
            b;120;yes;;er
            c;140;no;;ok
            d;NA;yes;;er
            e;200;yes;;er
            f;240;NA;;ok

            """
        return try TabularDataset.parse(text, source: "t.csv", schema: try smallSchema(policy: "impute_median"))
    }

    @Test func fitsOnTrainingRowsOnly() throws {
        let table = try Self.table()
        let train = [0, 1, 2, 3]
        let fitted = TabularPreprocessor.fit(table, trainingRows: train, scaling: .standardize)
        // Training systolic values 100, 120, 140 (row 3 missing): mean 120, population std √(800/3).
        guard case .standardize(let mean, let std) = fitted.fields[0].normalizer!.method else {
            Issue.record("expected standardization")
            return
        }
        #expect(mean == 120)
        #expect(abs(std - (800.0 / 3).squareRoot()) < 1e-12)
        #expect(fitted.fields[0].imputedValue == 120)  // training median
        #expect(fitted.fields[1].imputedValue == 0)  // mode of no, yes, no, yes → smallest among ties
        // Changing test rows changes nothing.
        var altered = table
        altered.values[4] = [50, 0]
        altered.values[5] = [250, 1]
        #expect(TabularPreprocessor.fit(altered, trainingRows: train, scaling: .standardize) == fitted)
        // But the full table gives other statistics.
        #expect(TabularPreprocessor.fit(table, trainingRows: Array(0..<6), scaling: .standardize) != fitted)
    }

    @Test func encodesIndicatorsOneHotAndImputation() throws {
        let table = try Self.table()
        let fitted = TabularPreprocessor.fit(table, trainingRows: [0, 1, 2, 3], scaling: .minMax)
        // systolic (1 value + indicator), smoker (2 one-hot + indicator).
        #expect(fitted.width == 5)
        let x = fitted.transform(table)
        #expect(x.shape == [6, 5])
        #expect(Array(x.scalars[0..<5]) == [0, 0, 1, 0, 0])  // 100 → 0, no, present
        #expect(Array(x.scalars[15..<20]) == [0.5, 1, 0, 1, 0])  // missing → median 120 → 0.5, indicator 1
        #expect(Array(x.scalars[25..<30]) == [3.5, 0, 1, 0, 1])  // 240 → 3.5; smoker missing → mode "no"
    }

    @Test func restoresFromNormalizers() throws {
        let table = try Self.table()
        let fitted = TabularPreprocessor.fit(table, trainingRows: [0, 1, 2], scaling: .standardize)
        #expect(fitted.normalizers.map(\.field) == ["systolic"])
    }
}
