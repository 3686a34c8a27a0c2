import HealthData
import TabularCodec
import TensorCore
import Testing

@Suite struct CSVLoaderTests {
    static let header = "patient;systolic;smoker;note;outcome\n"

    @Test func readsRecordsQuotedCellsAndMissingValues() throws {
        let schema = try smallSchema(policy: "impute_median")
        let text = Self.header + "p1; 120 ;no;\"a;b\";ok\r\n\np2;NA;yes;x;er\np3;140;NA;\"say \"\"hi\"\"\";ok\n"
        let table = try TabularDataset.parse(text, source: "v.csv", schema: schema)
        #expect(table.count == 3)
        #expect(table.values[0] == [120, 0])
        #expect(table.values[1] == [nil, 1])
        #expect(table.values[2] == [140, nil])
        #expect(table.labels == [0, 1, 0])
        #expect(table.ids == ["p1", "p2", "p3"])
        #expect(table.lineNumbers == [2, 4, 5])
    }

    /// Every data error names the file, line, column, field and what was expected.
    @Test(arguments: [
        ("p1;120;no;x\n", TabularCodecError.Code.wrongColumnCount, 5, "outcome", "expected 5 cells"),
        ("p1;12a;no;x;ok\n", .nonNumericField, 2, "systolic", "not a finite number"),
        ("p1;300;no;x;ok\n", .valueOutOfRange, 2, "systolic", "outside the valid range"),
        ("p1;120;maybe;x;ok\n", .unknownCategory, 3, "smoker", "not one of the 2 categories"),
        ("p1;120;no;x;dead\n", .unknownLabel, 5, "outcome", "'ok', 'er'"),
        ("p1;NA;no;x;ok\n", .missingValue, 2, "systolic", "reject"),
    ])
    func dataErrorsNameTheirPlace(
        line: String, code: TabularCodecError.Code, column: Int, field: String, text: String
    ) throws {
        let schema = try smallSchema()
        let csv = Self.header + "p0;110;yes;;ok\n" + line
        #expect {
            _ = try TabularDataset.parse(csv, source: "v.csv", schema: schema)
        } throws: { error in
            guard let error = error as? TabularCodecError else { return false }
            return error.code == code && error.file == "v.csv" && error.line == 3 && error.column == column
                && error.field == field && error.message.contains(text)
                && error.description.contains("line 3") && error.description.contains("field \(field)")
        }
    }

    @Test func headerAndEmptyFilesAreChecked() throws {
        let schema = try smallSchema()
        #expect {
            _ = try TabularDataset.parse("patient;sys;smoker;note;outcome\n", source: "h.csv", schema: schema)
        } throws: { error in
            (error as? TabularCodecError).map { $0.code == .headerMismatch && $0.column == 2 && $0.field == "systolic" }
                ?? false
        }
        #expect {
            _ = try TabularDataset.parse(Self.header + "\n \n", source: "e.csv", schema: schema)
        } throws: { error in (error as? TabularCodecError)?.code == .emptyData }
        #expect {
            _ = try TabularDataset.load(contentsOfFile: "/nonexistent/x.csv", schema: schema)
        } throws: { error in (error as? TabularCodecError)?.code == .unreadableFile }
    }

    @Test func genericLoaderMatchesTheBCWDLoader() throws {
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        let generic = try TabularDataset.load(contentsOfFile: Repository.bcwdData, schema: schema)
        let reference = try BreastCancerWisconsin.load(contentsOfFile: Repository.bcwdData)
        #expect(generic.count == 683)
        #expect(generic.sourceRowCount == 699 && generic.droppedRowCount == 16)
        #expect(generic.count == reference.count)
        #expect(generic.labels == reference.labels)
        #expect(generic.lineNumbers == reference.lineNumbers)
        #expect(generic.ids.map { Int($0 ?? "") } == reference.ids)
        #expect(generic.values.flatMap { $0.map { $0! } } == reference.features.scalars)
        #expect(generic.classCounts == [444, 239])
    }
}
