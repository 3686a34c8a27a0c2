import Testing
import TensorCore

@testable import HealthData

@Suite("HealthRecord and cytology reports")
struct HealthRecordTests {
    @Test func serializedRoundTrip() throws {
        let record = HealthRecord(id: "r", fields: [5, 1, nil, 2.5], note: "Thin clumps.\nNo mitoses seen.", label: 1)
        #expect(record.serialized == "5,1,?,2.5\nThin clumps.\nNo mitoses seen.")
        let parsed = try HealthRecord(serialized: record.serialized, fieldCount: 4)
        #expect(parsed.fields == record.fields)
        #expect(parsed.note == record.note)
    }

    @Test(arguments: ["5,1,1", "5,1,x,2\nnote", "5,1\nnote", "5,1,nan,2\nnote"])
    func malformedSerializedRecords(_ text: String) {
        #expect(throws: HealthDataError.self) { try HealthRecord(serialized: text, fieldCount: 4) }
    }

    @Test func reportsAreSeededAndDescribeLevels() {
        let generator = CytologyReportGenerator(mentionProbability: 1, gradeProbability: 0)
        var a = Xoshiro256(seed: 3)
        var b = Xoshiro256(seed: 3)
        let grades: [Double?] = [10, 10, 10, 10, 10, 10, 10, 10, 10]
        let report = generator.report(grades: grades, using: &a)
        #expect(report == generator.report(grades: grades, using: &b))
        // Every finding is mentioned with one of its level-3 phrasings, and none of level 0.
        for feature in 0..<9 {
            #expect(CytologyReportGenerator.phrases[feature][3].contains { report.lowercased().contains($0) }, "\(report)")
            #expect(!CytologyReportGenerator.phrases[feature][0].contains { report.lowercased().contains($0) })
        }
        #expect(CytologyReportGenerator.level(ofGrade: 2) == 0 && CytologyReportGenerator.level(ofGrade: 4) == 1)
        #expect(CytologyReportGenerator.level(ofGrade: 7) == 2 && CytologyReportGenerator.level(ofGrade: 8) == 3)
        var c = Xoshiro256(seed: 4)
        let unassessed = generator.report(grades: [Double?](repeating: nil, count: 9), using: &c)
        #expect(unassessed.count > 0)
    }

    @Test func bcwdRecordsPairTableAndReport() throws {
        let records = try BCWDMultimodal.records(seed: 0)
        #expect(records.count == 683)
        #expect(records.allSatisfy { $0.fields.count == 9 && $0.hasNote && $0.label != nil })
        #expect(try BCWDMultimodal.records(seed: 0).prefix(5) == records.prefix(5))
        let other = try BCWDMultimodal.records(seed: 1)
        #expect(zip(other, records).contains { $0.note != $1.note })
        #expect(zip(other, records).allSatisfy { $0.fields == $1.fields && $0.label == $1.label })
    }

    @Test func hashedFeaturesAreStableAndInRange() {
        let tokens = ClinicalTokenizer.tokenize("Marked pleomorphism, 7 mitoses.")
        let buckets = HashedTextFeatures.buckets(tokens: tokens, canonical: tokens.map(\.text), buckets: 32, seed: 1)
        #expect(buckets.allSatisfy { (0..<32).contains($0) })
        #expect(buckets == HashedTextFeatures.buckets(tokens: tokens, canonical: tokens.map(\.text), buckets: 32, seed: 1))
        #expect(buckets != HashedTextFeatures.buckets(tokens: tokens, canonical: tokens.map(\.text), buckets: 32, seed: 2))
    }
}
