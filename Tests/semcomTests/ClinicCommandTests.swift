import ArgumentParser
import Foundation
import TensorCore
import Testing

@testable import semcom

/// `semcom clinic shard | step | evaluate`: the files a Flower ClientApp exchanges with SemCom.
@Suite struct ClinicCommandTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("semcom-clinic-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    func run(_ arguments: [String]) throws {
        var command = try SemCom.parseAsRoot(["clinic"] + arguments + ["--quiet"])
        try command.run()
    }

    func shard() throws {
        try run(["shard", "--clinics", "3", "--seed", "5", "--out-dir", path("shards")])
    }

    func step(parameters: String, shard: String? = nil, extra: [String] = []) throws {
        try run(
            [
                "step", "--parameters", parameters, "--shard", shard ?? path("shards/clinic-001.data"), "--clinic-id", "1",
                "--round", "0", "--seed", "5", "--parameters-out", path("out.npy"), "--json", path("step.json"),
            ] + extra)
    }

    @Test func shardStepAndEvaluateExchangeNpyFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try shard()
        for name in ["clinic-000.data", "clinic-001.data", "clinic-002.data", "test.data", "initial.npy"] {
            #expect(FileManager.default.fileExists(atPath: path("shards/\(name)")), "\(name) missing")
        }
        try step(parameters: path("shards/initial.npy"), extra: ["--state", path("state.json")])
        let trained = try NumPyArray.read(contentsOfFile: path("out.npy"))
        #expect(trained.shape == [10] && trained.dtype == .float64 && trained.doubles != [Double](repeating: 0, count: 10))
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("step.json"))))
        let row = try #require(((document as? [String: Any])?["rows"] as? [[String: Any]])?.first)
        #expect(row["examples"] as? Int == 182 && row["clinic_id"] as? Int == 1)
        // The same state cannot train round 0 twice.
        #expect(throws: (any Error).self) {
            try step(parameters: path("shards/initial.npy"), extra: ["--state", path("state.json")])
        }
        try run(["evaluate", "--parameters", path("out.npy"), "--data", path("shards/test.data"), "--json", path("e.json")])
        #expect(FileManager.default.fileExists(atPath: path("e.json")))
    }

    @Test func badParametersAndMissingShardsGiveClearErrors() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try shard()
        // float32 is accepted (converted), a wrong shape is not.
        try NumPyArray(shape: [10], float32: [Float](repeating: 0, count: 10)).write(toFile: path("f32.npy"))
        try step(parameters: path("f32.npy"))
        try NumPyArray(shape: [2, 5], float64: [Double](repeating: 0, count: 10)).write(toFile: path("2d.npy"))
        #expect {
            try step(parameters: path("2d.npy"))
        } throws: { "\($0)".contains("2d.npy") && "\($0)".contains("shape (2, 5), expected (10,)") }
        // An int64 array, as np.save(np.zeros(10, dtype=np.int64)) writes it.
        var bytes = NumPyArray(shape: [10], float64: [Double](repeating: 0, count: 10)).encoded()
        bytes[22] = UInt8(ascii: "i")  // '<f8' → '<i8'
        try Data(bytes).write(to: URL(fileURLWithPath: path("int.npy")))
        #expect {
            try step(parameters: path("int.npy"))
        } throws: { "\($0)".contains("int.npy") && "\($0)".contains("'<i8'") && "\($0)".contains("'<f8'") }
        #expect {
            try step(parameters: path("shards/initial.npy"), shard: path("shards/clinic-009.data"))
        } throws: { "\($0)".contains("clinic-009.data") }
        #expect {
            try step(parameters: path("missing.npy"))
        } throws: { "\($0)".contains("missing.npy") }
    }
}
