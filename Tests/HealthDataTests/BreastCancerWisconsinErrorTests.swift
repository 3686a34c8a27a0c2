import Foundation
import HealthData
import TensorCore
import Testing

@Suite struct BreastCancerWisconsinErrorTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "data", subdirectory: "Fixtures"))
        return url.path
    }

    /// Loads a fixture and returns the error, checking that the file is left untouched.
    static func loadError(_ name: String) throws -> HealthDataError {
        let path = try fixture(name)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = try #require(throws: HealthDataError.self) {
            try BreastCancerWisconsin.load(contentsOfFile: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "input file must not be modified")
        #expect(error.file == path)
        #expect(error.message.hasPrefix(path))
        return error
    }

    @Test func wrongColumnCountNamesLineAndColumn() throws {
        let error = try Self.loadError("wrong-column-count")
        #expect(error.code == .wrongColumnCount)
        #expect(error.line == 4)
        #expect(error.column == 11)
        #expect(error.message.contains(":4:11:"))
        #expect(error.message.contains("expected 11"))
    }

    @Test func nonNumericFieldNamesLineAndColumn() throws {
        let error = try Self.loadError("non-numeric")
        #expect(error.code == .nonNumericField)
        #expect(error.line == 2)
        #expect(error.column == 5)
        #expect(error.message.contains("marginal_adhesion"))
        #expect(error.message.contains("expected an integer 1–10"))
        #expect(!error.message.contains("x5"), "messages never echo record values")
    }

    @Test func classThreeIsRejected() throws {
        let error = try Self.loadError("class-3")
        #expect(error.code == .invalidClass)
        #expect(error.line == 3)
        #expect(error.column == 11)
        #expect(error.message.contains("expected 2 (benign) or 4 (malignant)"))
    }

    @Test func outOfRangeFeatureIsRejected() throws {
        let error = try Self.loadError("out-of-range")
        #expect(error.code == .valueOutOfRange)
        #expect(error.line == 1)
        #expect(error.column == 2)
        #expect(error.message.contains("clump_thickness"))
    }

    @Test func emptyFileIsRejected() throws {
        let error = try Self.loadError("empty")
        #expect(error.code == .emptyFile)
        let blank = try #require(throws: HealthDataError.self) { try BreastCancerWisconsin.parse("\n  \r\n\n") }
        #expect(blank.code == .emptyFile)
    }

    @Test func missingFileIsUnreadable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "semcom-no-such-file-\(UInt64.max).data"
        ).path
        let error = try #require(throws: HealthDataError.self) { try BreastCancerWisconsin.load(contentsOfFile: path) }
        #expect(error.code == .unreadableFile)
        #expect(error.cause != nil)
    }

    /// Generated defects, written to a temporary directory: (line text, code, column).
    @Test(arguments: [
        ("1000025,5,1,1,1,2,1,3,1,1,2,9", HealthDataError.Code.wrongColumnCount, 12),
        ("1000025,5,1,1", .wrongColumnCount, 5),
        ("abc,5,1,1,1,2,1,3,1,1,2", .nonNumericField, 1),
        ("1000025,5,1,1,1,2,1,3,1,0,2", .valueOutOfRange, 10),
        ("1000025,5,1,1,1,2,1,3,1,-1,2", .nonNumericField, 10),
        ("1000025,5,1,1,1,2,1,3,1,1,?", .nonNumericField, 11),
        ("1000025,5,1,1,1,2,1,3,1,1,", .nonNumericField, 11),
        ("1000025,5,1,1,1,2,1,3,1,1,1", .invalidClass, 11),
        ("1000025,5,1,1,1,2,1,3.5,1,1,2", .nonNumericField, 8),
        ("1000025,5,1,1,1,2,1,99999999999999999999999,1,1,2", .nonNumericField, 8),
    ])
    func generatedDefects(line: String, code: HealthDataError.Code, column: Int) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("semcom-healthdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.data")
        let text = "1002945,5,4,4,5,7,10,3,2,1,2\n\n" + line + "\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: HealthDataError.self) {
            try BreastCancerWisconsin.load(contentsOfFile: file.path)
        }
        #expect(error.code == code)
        #expect(error.line == 3)
        #expect(error.column == column)
        #expect(error.message.hasPrefix("\(file.path):3:\(column):"))
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
    }

    @Test func garbageNeverCrashes() throws {
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("0123456789,,,,?\n \r-x.".utf8)
        for _ in 0..<300 {
            let bytes = (0..<Int(rng.next() % 400)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let data = try BreastCancerWisconsin.parse(text, missingValues: .imputeMedian)
                #expect(data.features.shape == [data.count, 9])
            } catch is HealthDataError {
            }
        }
    }
}
