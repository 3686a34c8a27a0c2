import Foundation
import HealthData
import TensorCore
import Testing

/// The repository's copy of the UCI file (Samples/bcwd), located from this source file.
enum SampleFiles {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let bcwdPath = repositoryRoot.appendingPathComponent("Samples/bcwd/breast-cancer-wisconsin.data").path
}

@Suite struct BreastCancerWisconsinTests {
    @Test func embeddedCopyIsTheSampleFileByteForByte() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: SampleFiles.bcwdPath))
        #expect(Array(BreastCancerWisconsin.embeddedSourceText.utf8) == Array(file))
    }

    @Test func countsOfTheCompleteRows() throws {
        let data = try BreastCancerWisconsin.embedded()
        #expect(data.sourceRowCount == 699)
        #expect(data.missingValueRowCount == 16)
        #expect(data.excludedRowCount == 16)
        #expect(data.count == 683)
        #expect(data.classCounts == [444, 239])
        #expect(data.features.shape == [683, 9])
        #expect(data.ids.count == 683 && data.lineNumbers.count == 683)
        #expect(data.imputedValueCount == 0)
        #expect(data.features.scalars.allSatisfy { $0 >= 1 && $0 <= 10 && $0 == $0.rounded() })
    }

    @Test func fileAndEmbeddedLoadsAgree() throws {
        let fromFile = try BreastCancerWisconsin.load(contentsOfFile: SampleFiles.bcwdPath)
        let embedded = try BreastCancerWisconsin.embedded()
        #expect(fromFile.features == embedded.features)
        #expect(fromFile.labels == embedded.labels)
        #expect(fromFile.ids == embedded.ids)
    }

    @Test func firstRowsAndLabelMapping() throws {
        let data = try BreastCancerWisconsin.embedded()
        // Line 1: 1000025,5,1,1,1,2,1,3,1,1,2 (benign).
        #expect(data.ids[0] == 1_000_025)
        #expect(data.lineNumbers[0] == 1)
        #expect(Array(data.features.scalars[0..<9]) == [5, 1, 1, 1, 2, 1, 3, 1, 1])
        #expect(data.labels[0] == 0)
        // Class 2 → 0 (benign), 4 → 1 (malignant), checked against the text of each row's line.
        let lines = BreastCancerWisconsin.embeddedSourceText.split(separator: "\n")
        for (row, lineNumber) in data.lineNumbers.enumerated().prefix(50) {
            let classCode = lines[lineNumber - 1].split(separator: ",").last
            #expect(data.labels[row] == (classCode == "4" ? 1 : 0))
        }
        #expect(BreastCancerWisconsin.labelNames == ["benign", "malignant"])
        #expect(BreastCancerWisconsin.featureNames.count == 9)
        #expect(BreastCancerWisconsin.featureNames[5] == "bare_nuclei")
    }

    @Test func scalingDividesByTen() throws {
        let original = try BreastCancerWisconsin.embedded(scale: .original)
        let scaled = try BreastCancerWisconsin.embedded(scale: .dividedByTen)
        #expect(scaled.scale == .dividedByTen)
        for (a, b) in zip(original.features.scalars, scaled.features.scalars) {
            #expect(abs(a / 10 - b) < 1e-12)
        }
        #expect(scaled.features.scalars.allSatisfy { $0 >= 0.1 - 1e-12 && $0 <= 1 + 1e-12 })
    }

    @Test func medianImputationKeepsAllRows() throws {
        let complete = try BreastCancerWisconsin.embedded()
        let imputed = try BreastCancerWisconsin.embedded(missingValues: .imputeMedian)
        #expect(imputed.count == 699)
        #expect(imputed.classCounts == [458, 241])
        #expect(imputed.excludedRowCount == 0)
        #expect(imputed.imputedValueCount == 16)
        #expect(imputed.missingValueRowCount == 16)
        // The median of the observed bare-nuclei grades (column 6 of the features).
        let observed = (0..<complete.count).map { complete.features[$0, 5] }.sorted()
        let median =
            observed.count % 2 == 1
            ? observed[observed.count / 2] : (observed[observed.count / 2 - 1] + observed[observed.count / 2]) / 2
        let lines = BreastCancerWisconsin.embeddedSourceText.split(separator: "\n")
        var checked = 0
        for row in 0..<imputed.count where lines[imputed.lineNumbers[row] - 1].contains("?") {
            #expect(imputed.features[row, 5] == median)
            checked += 1
        }
        #expect(checked == 16)
    }

    @Test func rejectPolicyThrowsAtFirstMissingValue() throws {
        let error = try #require(throws: HealthDataError.self) {
            try BreastCancerWisconsin.embedded(missingValues: .reject)
        }
        #expect(error.code == .missingValue)
        #expect(error.column == 7)
        let lines = BreastCancerWisconsin.embeddedSourceText.split(separator: "\n", omittingEmptySubsequences: false)
        let firstMissing = try #require(lines.firstIndex { $0.contains("?") })
        #expect(error.line == firstMissing + 1)
    }

    @Test func subsetGathersRows() throws {
        let data = try BreastCancerWisconsin.embedded()
        let picked = data.subset([5, 0, 682])
        #expect(picked.count == 3)
        #expect(picked.features.shape == [3, 9])
        #expect(picked.ids == [data.ids[5], data.ids[0], data.ids[682]])
        #expect(picked.labels == [data.labels[5], data.labels[0], data.labels[682]])
        #expect(Array(picked.features.scalars[9..<18]) == Array(data.features.scalars[0..<9]))
    }

    @Test func toleratesCRLFBlankLinesAndSpaces() throws {
        let text = "\r\n1000025, 5,1,1,1,2,1,3,1,1 ,2\r\n\r\n   \n1002945,5,4,4,5,7,10,3,2,1,4\r\n"
        let data = try BreastCancerWisconsin.parse(text)
        #expect(data.count == 2)
        #expect(data.lineNumbers == [2, 5])
        #expect(data.labels == [0, 1])
    }
}
