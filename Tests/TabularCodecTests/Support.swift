import Foundation
import KnowledgeBase
import TabularCodec

/// Paths into the repository, found from this file's location (tests may run from any directory).
enum Repository {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let bcwdData = root + "/Samples/bcwd/breast-cancer-wisconsin.data"
    static let bcwdSchema = root + "/Samples/bcwd/bcwd.schema.json"
    static let shippedKB = root + "/KnowledgeBases/bcwd-tabular.semkb"
}

/// A small two-feature + one categorical schema for loader tests.
func smallSchema(header: Bool = true, policy: String = "reject") throws -> TableSchema {
    let json = """
        {
          "name": "vitals", "task": "triage",
          "csv": { "delimiter": ";", "header": \(header) },
          "columns": [
            { "name": "patient", "role": "id" },
            { "name": "systolic", "role": "feature", "kind": "numeric", "unit": "mmHg",
              "range": { "min": 50, "max": 250 }, "missing_tokens": ["NA"], "missing_values": "\(policy)" },
            { "name": "smoker", "role": "feature", "kind": "categorical", "categories": ["no", "yes"],
              "missing_tokens": ["NA"], "missing_values": "impute_most_frequent" },
            { "name": "note", "role": "ignore" },
            { "name": "outcome", "role": "label" }
          ],
          "labels": [ { "value": "ok", "name": "stable" }, { "value": "er", "name": "emergency" } ]
        }
        """
    return try TableSchema(jsonBytes: Array(json.utf8), source: "small.schema.json")
}

/// Builds a tiny BCWD knowledge base (fast in debug).
func tinyBCWD(seed: UInt64 = 0) throws -> (kb: KnowledgeBaseAndReport, schema: TableSchema) {
    let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
    var configuration = TabularCodecConfiguration.tiny
    configuration.seed = seed
    let built = try TabularKnowledgeBase.build(
        dataPath: Repository.bcwdData, schema: schema, configuration: configuration)
    return (built, schema)
}

typealias KnowledgeBaseAndReport = (knowledgeBase: KnowledgeBase, report: TabularBuildReport)

/// The tiny BCWD build with seed 0, made once and shared by the tests.
let sharedTinyBuild: Result<KnowledgeBaseAndReport, TabularCodecError> = Result { () throws(TabularCodecError) in
    let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
    return try TabularKnowledgeBase.build(dataPath: Repository.bcwdData, schema: schema, configuration: .tiny)
}
