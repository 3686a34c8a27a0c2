import Foundation
import HealthData
import KnowledgeBase
import PoseCodec
import TensorCore
import Testing

/// The repository root, from this file's path.
private let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

@Suite struct ShippedPoseKnowledgeBaseTests {
    static let path = repositoryRoot + "/KnowledgeBases/pose-activity.semkb"

    @Test func verifiesAndRecordsItsPrivacyMeasurements() throws {
        let text = try PoseKnowledgeBase.verify(contentsOfFile: Self.path)
        #expect(text.contains("OK"))
        let kb = try KnowledgeBase(contentsOfFile: Self.path)
        let metrics = kb.manifest.metrics
        // The acceptance figures measured at build time (test subjects only).
        #expect(try #require(metrics["awgn_5db_accuracy"]) >= 0.95)
        #expect(try #require(metrics["awgn_0db_fall_recall"]) >= 0.95)
        #expect(try #require(metrics["privacy_symbols_height_ratio"]) >= 0.8)
        #expect(try #require(metrics["privacy_raw_pose_height_ratio"]) <= 0.3)
        let description = try PoseKnowledgeBase.description(of: kb)
        #expect(description.testSubjects.count == 40)
    }

    @Test func classifiesTheSampleRecordings() throws {
        let codec = try PoseCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: Self.path))
        var clips: [PoseRecording] = []
        for activity in PoseActivity.allCases {
            let report = try PoseJSONL.load(
                contentsOfFile: repositoryRoot + "/Samples/pose/pose-s0-\(activity.name).jsonl")
            #expect(report.recording.truth?.activity == activity)
            clips += PoseClipTensor.windows(of: report.recording, frames: codec.clipFrames, hop: codec.clipFrames)
        }
        #expect(clips.count == 16)
        var rng = Xoshiro256(seed: 0)
        let decoded = try codec.decode(codec.encode(try codec.inputs(for: clips), using: &rng))
        let correct = zip(decoded.activities, clips).filter { $0 == $1.truth!.activity }.count
        #expect(correct >= 13, "\(decoded.activities) vs \(clips.map { $0.truth!.activity })")
        // Streaming fall alarm: 1-s windows every 1/3 s; some window of the fall recording (the fall
        // starts at 0.6 s) raises it, no window of the standing recording does.
        func alarms(_ activity: PoseActivity) throws -> [Bool] {
            let report = try PoseJSONL.load(
                contentsOfFile: repositoryRoot + "/Samples/pose/pose-s0-\(activity.name).jsonl")
            let windows = PoseClipTensor.windows(of: report.recording, frames: codec.clipFrames, hop: 10)
            return try codec.decode(codec.encode(try codec.inputs(for: windows), using: &rng)).falls
        }
        let fall = try alarms(.fall)
        #expect(fall.contains(true), "\(fall)")
        #expect(try !alarms(.standing).contains(true))
    }
}
