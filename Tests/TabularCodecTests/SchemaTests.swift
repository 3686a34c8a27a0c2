import KnowledgeBase
import TabularCodec
import Testing

@Suite struct SchemaTests {
    @Test func bcwdSchemaDescribesTheUCIFile() throws {
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        #expect(schema.columns.count == 11)
        #expect(schema.featureColumns.count == 9)
        #expect(schema.labelNames == ["benign", "malignant"])
        #expect(schema.labels.map(\.value) == ["2", "4"])
        #expect(schema.columns[0].role == .id)
        #expect(schema.featureColumns.allSatisfy { $0.range == ValueRange(minimum: 1, maximum: 10) })
        #expect(schema.featureColumns.allSatisfy { $0.missingTokens == ["?"] && $0.missingValuePolicy == .dropRecord })
        #expect(schema.manifestSchema.fields.map(\.name) == schema.featureColumns.map(\.name))
        #expect(schema.manifestSchema.labelField == "class")
    }

    @Test func jsonRoundTripIsExact() throws {
        let schema = try smallSchema()
        let bytes = schema.jsonBytes()
        let decoded = try TableSchema(jsonBytes: bytes)
        #expect(decoded == schema)
        #expect(decoded.jsonBytes() == bytes)
        #expect(try TableSchema(jsonBytes: schema.jsonBytes(prettyPrinted: true)) == schema)
        #expect(decoded.csv.delimiter == ";" && decoded.csv.header)
    }

    @Test func inconsistentSchemasAreRejectedNamingTheField() throws {
        func check(_ json: String, field: String?, mentioning text: String) {
            #expect {
                _ = try TableSchema(jsonBytes: Array(json.utf8), source: "bad.json")
            } throws: { error in
                guard let error = error as? TabularCodecError else { return false }
                return error.code == .invalidSchema && error.field == field && error.message.contains(text)
                    && error.file == "bad.json"
            }
        }
        let label = #"{"name":"y","role":"label"}"#
        let labels = #""labels":[{"value":"0","name":"a"},{"value":"1","name":"b"}]"#
        check(#"{"name":"t","columns":[{"name":"x","role":"feature"},\#(label)],\#(labels)}"#, field: "x", mentioning: "kind")
        check(
            #"{"name":"t","columns":[{"name":"x","role":"feature","kind":"categorical"},\#(label)],\#(labels)}"#,
            field: "x", mentioning: "categories")
        check(
            #"{"name":"t","columns":[{"name":"x","role":"feature","kind":"numeric"},{"name":"x","role":"id"},\#(label)],\#(labels)}"#,
            field: "x", mentioning: "duplicate")
        check(#"{"name":"t","columns":[{"name":"x","role":"feature","kind":"numeric"}],\#(labels)}"#, field: nil, mentioning: "label")
        check(
            #"{"name":"t","columns":[{"name":"x","role":"feature","kind":"numeric"},\#(label)],"labels":[{"value":"0","name":"a"}]}"#,
            field: nil, mentioning: "two classes")
        check(#"{"name":"t","columns":[]}"#, field: nil, mentioning: "missing key 'labels'")
    }
}
