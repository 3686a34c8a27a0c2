import HealthData
import TensorCore
import Testing

@Suite struct PoseJSONLTests {
    private func frameLine(_ t: Double, joints: String? = nil) -> String {
        let j = joints ?? Array(repeating: "[0.1,0.9,1.5]", count: 17).joined(separator: ",")
        return "{\"t\":\(t),\"joints\":[\(j)]}"
    }

    private func parse(_ lines: [String], gapPolicy: PoseJSONL.GapPolicy = .reject) throws(HealthDataError)
        -> PoseJSONL.LoadReport
    {
        try PoseJSONL.parse(
            Array(lines.joined(separator: "\n").utf8), source: "clip.jsonl", frameRate: 30, gapPolicy: gapPolicy)
    }

    @Test func roundTripsAGeneratedRecording() throws {
        var rng = Xoshiro256(seed: 5)
        let body = PoseBody.random(using: &rng)
        let recording = PoseGenerator.record(
            body: body, activity: .jumpingJack,
            motion: PoseGenerator.randomMotion(for: .jumpingJack, clipSeconds: 1, using: &rng), frameCount: 30,
            noise: PoseTrackingNoise(occludedFraction: 0.1), subject: 7, using: &rng)
        let text = PoseJSONL.text(of: recording)
        let report = try PoseJSONL.parse(Array(text.utf8), source: "mem")
        #expect(report.recording.frames.count == 30)
        #expect(abs(report.recording.frameRate - 30) < 1e-3)  // inferred from 6-decimal time stamps
        #expect(report.recording.truth?.activity == .jumpingJack)
        #expect(report.recording.truth?.subject == 7)
        #expect(abs(report.recording.truth!.heightMeters - body.heightMeters) < 1e-4)
        for (a, b) in zip(report.recording.frames, recording.frames) {
            #expect(abs(a.timeSeconds - b.timeSeconds) < 1e-6)
            for (p, q) in zip(a.joints, b.joints) {
                #expect((p == nil) == (q == nil))
                if let p, let q { #expect((p - q).max() < 1e-4 && (q - p).max() < 1e-4) }
            }
        }
        #expect(report.occludedJoints == recording.frames.map(\.occludedCount).reduce(0, +))
    }

    @Test func truncatedLineIsRejectedWithItsLineNumber() {
        let full = frameLine(0.1)
        let lines = [frameLine(0), "", full, String(full.prefix(full.count / 2))]
        #expect {
            try parse(lines)
        } throws: { error in
            let e = error as! HealthDataError
            return e.code == .malformedLine && e.line == 4 && e.message.hasPrefix("clip.jsonl:4:")
        }
    }

    @Test func missingJointsAreRejected() {
        let sixteen = Array(repeating: "[0,1,0]", count: 16).joined(separator: ",")
        #expect { try parse([frameLine(0), frameLine(1.0 / 30, joints: sixteen)]) } throws: { error in
            let e = error as! HealthDataError
            return e.code == .missingJoint && e.line == 2 && e.message.contains("16 entries")
        }
        let twoCoordinates = (["[0,1]"] + Array(repeating: "[0,1,0]", count: 16)).joined(separator: ",")
        #expect { try parse([frameLine(0, joints: twoCoordinates)]) } throws: { error in
            let e = error as! HealthDataError
            return e.code == .missingJoint && e.message.contains("pelvis")
        }
        #expect { try parse(["{\"joints\":[]}"]) } throws: { ($0 as! HealthDataError).code == .missingJoint }
    }

    @Test func nonFiniteValuesAreRejected() {
        let nan = (["[NaN,1,0]"] + Array(repeating: "[0,1,0]", count: 16)).joined(separator: ",")
        #expect { try parse([frameLine(0), frameLine(1.0 / 30, joints: nan)]) } throws: { error in
            let e = error as! HealthDataError
            return e.code == .nonFiniteValue && e.line == 2
        }
        let huge = (["[1e999,1,0]"] + Array(repeating: "[0,1,0]", count: 16)).joined(separator: ",")
        #expect { try parse([frameLine(0, joints: huge)]) } throws: { error in
            let code = (error as! HealthDataError).code
            return code == .nonFiniteValue || code == .malformedLine
        }
    }

    @Test func timeGapsAreRejectedOrFilledAndCounted() throws {
        let lines = [frameLine(0), frameLine(1.0 / 30), frameLine(4.0 / 30), frameLine(5.0 / 30)]
        #expect { try parse(lines) } throws: { error in
            let e = error as! HealthDataError
            return e.code == .timeGap && e.line == 3
        }
        let report = try parse(lines, gapPolicy: .fillWithOccludedFrames)
        #expect(report.insertedFrames == 2)
        #expect(report.recording.frames.count == 6)
        #expect(report.recording.frames[2].occludedCount == 17)
        #expect { try parse([frameLine(0.5), frameLine(0.5)]) } throws: { ($0 as! HealthDataError).code == .timeGap }
        #expect { try parse(["", "  "]) } throws: { ($0 as! HealthDataError).code == .emptyFile }
    }

    @Test func nullJointsAreOccluded() throws {
        let joints = (["null"] + Array(repeating: "[0,1,0]", count: 16)).joined(separator: ",")
        let report = try parse([frameLine(0, joints: joints)])
        #expect(report.recording.frames[0][.pelvis] == nil)
        #expect(report.occludedJoints == 1)
    }
}
