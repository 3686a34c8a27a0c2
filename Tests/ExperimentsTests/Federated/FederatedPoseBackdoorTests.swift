import Federated
import HealthData
import Testing

@testable import Experiments

@Suite("Federated pose backdoor")
struct FederatedPoseBackdoorTests {
    @Test("The gesture moves exactly the chosen joint's height in the chosen frames, upwards, by at most A")
    func gestureTouchesOnlyItsJointAndFrames() throws {
        let data = try FederatedPoseBackdoor.dataset(subjects: 1, clipsPerActivity: 1, seed: 3)
        #expect(data.count == 8 && data.featureCount == 30 * 51 && data.classCount == 8)
        let gesture = try FederatedPoseBackdoor.Gesture(
            joint: .rightWrist, startFrame: 10, frameCount: 7, amplitudeMeters: 0.3)
        let fall = try #require(data.labels.firstIndex(of: PoseActivity.fall.rawValue))
        let clean = Array(data.row(fall))
        let triggered = gesture.trigger.apply(to: data.row(fall))
        let changed = clean.indices.filter { clean[$0] != triggered[$0] }
        let expected = (10..<17).map { $0 * 51 + PoseJoint.rightWrist.rawValue * 3 + 1 }
        #expect(changed == expected)
        for i in expected {
            let rise = triggered[i] - clean[i]
            #expect(rise > 0 && rise <= 0.3 + 1e-12)
        }
        // The peak is near A (half-sine envelope with a ±25 % wave).
        #expect(expected.map { triggered[$0] - clean[$0] }.max()! > 0.2)
    }

    @Test(
        "Gesture specs parse by joint name or index",
        arguments: [
            ("right_wrist:10:10:0.3", PoseJoint.rightWrist, 10, 10, 0.3),
            ("13:0:30:0.5", PoseJoint.leftWrist, 0, 30, 0.5),
            (" Head : 29 : 1 : 2 ", PoseJoint.head, 29, 1, 2.0),
        ] as [(String, PoseJoint, Int, Int, Double)])
    func parses(spec: String, joint: PoseJoint, start: Int, frames: Int, amplitude: Double) throws {
        let gesture = try FederatedPoseBackdoor.Gesture(parsing: spec)
        #expect(gesture.joint == joint && gesture.startFrame == start && gesture.frameCount == frames)
        #expect(gesture.amplitudeMeters == amplitude)
        #expect(gesture.trigger.indices.count == frames)
    }

    @Test(
        "Malformed specs, joints out of range and frames beyond the clip are typed errors",
        arguments: [
            ("right_wrist:10:10", "JOINT:START:FRAMES:AMPLITUDE"),
            ("right_wrist:10:10:0.3:1", "JOINT:START:FRAMES:AMPLITUDE"),
            ("", "JOINT:START:FRAMES:AMPLITUDE"),
            ("17:10:10:0.3", "outside 0…16"),
            ("-1:10:10:0.3", "outside 0…16"),
            ("wrist:10:10:0.3", "right_wrist"),
            ("right_wrist:ten:10:0.3", "whole frame counts"),
            ("right_wrist:10:2.5:0.3", "whole frame counts"),
            ("right_wrist:10:10:high", "AMPLITUDE"),
            ("right_wrist:25:10:0.3", "run past the 30-frame clip"),
            ("right_wrist:30:1:0.3", "run past the 30-frame clip"),
            ("right_wrist:-1:10:0.3", "START ≥ 0"),
            ("right_wrist:10:0:0.3", "FRAMES ≥ 1"),
            ("right_wrist:10:10:0", "amplitude"),
            ("right_wrist:10:10:nan", "amplitude"),
        ] as [(String, String)])
    func rejects(spec: String, fragment: String) {
        #expect {
            _ = try FederatedPoseBackdoor.Gesture(parsing: spec)
        } throws: { error in
            guard let error = error as? FederatedError else { return false }
            return error.code == .invalidParameter && error.message.contains(fragment)
        }
    }

    /// A tiny grid: 6 subjects (96 clips), 3 clinics, 3 rounds, 2 folds; FedAvg with and without
    /// one model-replacement attacker.
    func tinyRun() throws -> [FederatedAttackExperiment.Row] {
        var federation = FederationConfiguration()
        federation.rounds = 3
        federation.local = LocalTrainingConfiguration(epochs: 1, batchSize: 16, learningRate: 0.1, optimizer: .sgd)
        let gesture = try FederatedPoseBackdoor.Gesture(
            joint: .rightWrist, startFrame: 10, frameCount: 10, amplitudeMeters: 0.3)
        let attack = AttackConfiguration(
            kind: .modelReplacement, attackers: 1, sourceClass: PoseActivity.fall.rawValue,
            targetClass: PoseActivity.standing.rawValue, trigger: gesture.trigger, poisonCopies: 3, localEpochs: 2)
        let configuration = FederatedAttackExperiment.Configuration(
            clinicCounts: [3],
            scenarios: [.init(attack: nil, aggregator: .fedAvg), .init(attack: attack, aggregator: .fedAvg)], folds: 2,
            federation: federation, referenceAttack: attack)
        return try FederatedPoseBackdoor.run(configuration, subjects: 6, hiddenUnits: 8, seed: 5)
    }

    @Test("A small federated pose run is deterministic and learns above chance")
    func smallRun() throws {
        let rows = try tinyRun()
        #expect(rows.count == 2)
        #expect(rows.map(\.attack) == ["none", "model-replacement"])
        for row in rows {
            #expect(row.trigger?.hasPrefix("gesture right_wrist") == true)
            #expect((0...1).contains(try #require(row.attackSuccessRate)))
            #expect(row.perRound.count == 3)
        }
        // 8 classes: chance is 0.125.
        #expect(rows[0].cleanAccuracy > 0.3)
        let again = try tinyRun()
        #expect(again.map(\.cleanAccuracy) == rows.map(\.cleanAccuracy))
        #expect(again.map(\.attackSuccessRate) == rows.map(\.attackSuccessRate))
    }
}
