import Foundation
import KnowledgeBase
import SemanticCodec
import TabularCodec
import TensorCore
import Testing

@Suite struct UnlabelledRecordsTests {
    static let header = "patient;systolic;smoker;note;outcome\n"

    @Test func readsFilesWithAndWithoutTheLabelColumn() throws {
        let schema = try smallSchema(header: false)
        let labelled = try TabularRecords.parse("p1;120;no;x;ok\np2;130;yes;y;er\n", schema: schema)
        #expect(labelled.labels == [0, 1])
        let unlabelled = try TabularRecords.parse("p1;120;no;x\n\np2;130;yes;y\n", source: "u.csv", schema: schema)
        #expect(unlabelled.labels == nil)
        #expect(unlabelled.values == labelled.values)
        #expect(unlabelled.ids == ["p1", "p2"])
        #expect(unlabelled.lineNumbers == [1, 3])
        // With a header, the header decides.
        let withHeader = try smallSchema(header: true)
        let headed = try TabularRecords.parse("patient;systolic;smoker;note\np1;120;no;x\n", schema: withHeader)
        #expect(headed.labels == nil && headed.count == 1)
    }

    @Test func theBCWDSampleIsTheFirstTwentyRecordsWithoutLabels() throws {
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        let sample = try TabularRecords.load(
            contentsOfFile: Repository.root + "/Samples/bcwd/bcwd-unlabelled-sample.csv", schema: schema,
            labelColumn: .absent)
        let full = try TabularDataset.load(contentsOfFile: Repository.bcwdData, schema: schema)
        #expect(sample.count == 20 && sample.labels == nil)
        #expect(sample.values == Array(full.values.prefix(20)))
    }

    /// Both layouts' errors name the file, line, column and field.
    @Test(arguments: [
        ("p1;120;no\n", TabularCodecError.Code.wrongColumnCount, 1, 4, "4 (without it), found 3"),
        ("p1;120;no;x\np2;130;yes;y;er\n", .wrongColumnCount, 2, 5, "has no label column 'outcome'"),
        ("p1;120;no;x;ok\np2;130;yes;y\n", .wrongColumnCount, 2, 5, "includes the label column 'outcome'"),
        ("p1;12a;no;x\n", .nonNumericField, 1, 2, "not a finite number"),
        ("p1;999;no;x\n", .valueOutOfRange, 1, 2, "outside the valid range"),
        ("p1;120;maybe;x\n", .unknownCategory, 1, 3, "not one of the 2 categories"),
    ])
    func errorsNameTheirPlace(text: String, code: TabularCodecError.Code, line: Int, column: Int, reason: String) throws
    {
        let schema = try smallSchema(header: false)
        #expect {
            _ = try TabularRecords.parse(text, source: "u.csv", schema: schema)
        } throws: { error in
            guard let error = error as? TabularCodecError else { return false }
            return error.code == code && error.file == "u.csv" && error.line == line && error.column == column
                && error.message.contains(reason)
        }
    }

    @Test func requiredAndAbsentLayoutsAreEnforced() throws {
        let schema = try smallSchema(header: false)
        #expect(throws: TabularCodecError.self) {
            _ = try TabularRecords.parse("p1;120;no;x\n", schema: schema, labelColumn: .required)
        }
        #expect(throws: TabularCodecError.self) {
            _ = try TabularRecords.parse("p1;120;no;x;ok\n", schema: schema, labelColumn: .absent)
        }
        // TabularDataset keeps requiring labels.
        #expect(throws: TabularCodecError.self) { _ = try TabularDataset.parse("p1;120;no;x\n", schema: schema) }
    }
}

@Suite struct TabularNoiseTests {
    @Test func specsBecomeTheTabularPerturbations() throws {
        let codec = try TabularCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: Repository.shippedKB))
        var catalog = SemanticNoiseCatalog()
        catalog.register(TabularNoise.kinds, for: .tabular)
        let spec = try catalog.parse("jitter:0.1,missing:0.2,swap:0.3,jam:0.05", for: .tabular)
        let noise = try TabularNoise.perturbations(for: spec, preprocessor: codec.preprocessor)
        let jitter = try #require(noise[0] as? TabularValueJitter)
        #expect(jitter.fraction == 0.1 && jitter.probability == 1)
        let missing = try #require(noise[1] as? TabularMissingFields)
        #expect(missing.fieldsPerRecord == 1 && missing.probability == 0.2)
        #expect((noise[2] as? TabularFieldSwap)?.probability == 0.3)
        #expect((noise[3] as? SymbolJammingNoise)?.powerRatio == 0.05)
        #expect(try TabularNoise.perturbations(for: .none, preprocessor: codec.preprocessor).isEmpty)
    }

    @Test func swapNeedsTwoNumericFields() throws {
        let schema = try smallSchema(header: false, policy: "impute_median")
        let table = try TabularDataset.parse("p1;120;no;x;ok\np2;130;yes;y;er\n", schema: schema)
        let preprocessor = TabularPreprocessor.fit(table, trainingRows: [0, 1], scaling: .standardize)
        #expect {
            _ = try TabularNoise.perturbations(
                for: SemanticNoiseSpec(terms: [.init(name: "swap", rate: 0.1)]), preprocessor: preprocessor)
        } throws: { error in
            (error as? TabularCodecError)?.code == .unsupportedNoise
        }
    }

    @Test func framesCarryTheKnowledgeBaseAndDecodeOverAnIdentityLink() throws {
        let codec = try TabularCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: Repository.shippedKB))
        let schema = codec.schema
        let records = try TabularRecords.load(
            contentsOfFile: Repository.root + "/Samples/bcwd/bcwd-unlabelled-sample.csv", schema: schema)
        let inputs = codec.preprocessor.transform(records.values)
        var rng = Xoshiro256(seed: 5)
        let frames = codec.frames(for: inputs, firstSequenceNumber: 7, encoding: .float32, using: &rng)
        #expect(frames.map(\.sequenceNumber) == Array(7..<27))
        #expect(
            frames.allSatisfy { $0.knowledgeBase == codec.frameFingerprint && $0.taskID == TabularCodec.frameTaskID })
        let fromFrames = try codec.probabilities(for: frames)
        let direct = codec.pipeline.decode(codec.encode(inputs, using: &rng)).softmax()
        #expect(fromFrames == direct)
    }
}
