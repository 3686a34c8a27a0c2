import ArgumentParser
import Experiments
import Federated
import HealthData
import Testing

@testable import semcom

@Suite struct FederatedPoseCommandTests {
    @Test(
        arguments: [
            (["--pose-gesture", "right_wrist:10"], "JOINT:START:FRAMES:AMPLITUDE"),
            (["--pose-gesture", "99:10:10:0.3"], "outside 0…16"),
            (["--pose-gesture", "tail:10:10:0.3"], "right_wrist"),
            (["--pose-gesture", "right_wrist:28:5:0.3"], "run past the 30-frame clip"),
            (["--pose-subjects", "1"], "--pose-subjects"),
            (["--attack-source", "malignant"], "standing|walking"),
            (["--attack-target", "fall"], "must differ"),
            (["--modality", "video"], "tabular|ecg|pose"),
        ] as [([String], String)])
    func badPoseInputIsRejectedWithAClearMessage(arguments: [String], fragment: String) {
        #expect {
            _ = try SemCom.parseAsRoot(
                ["federated", "--modality", "pose", "--attack", "model-replacement"] + arguments)
        } throws: { error in
            SemCom.message(for: error).contains(fragment)
        }
    }

    @Test func poseAttacksUseTheGestureAndActivityClasses() throws {
        let command = try SemCom.parseAsRoot([
            "federated", "--modality", "pose", "--clients", "10", "--attack", "model-replacement", "--aggregator",
            "fedavg,median", "--pose-gesture", "left_wrist:5:8:0.4", "--attack-target", "walking",
        ])
        let federated = try #require(command as? SemCom.FederatedCommand)
        let configuration = try federated.attackConfiguration()
        let attack = try #require(configuration.scenarios.compactMap(\.attack).first)
        #expect(attack.sourceClass == PoseActivity.fall.rawValue && attack.targetClass == PoseActivity.walking.rawValue)
        let gesture = try FederatedPoseBackdoor.Gesture(parsing: "left_wrist:5:8:0.4")
        #expect(attack.trigger == gesture.trigger)
        #expect(configuration.scenarios.map(\.aggregator.description) == ["fedavg", "fedavg", "median", "median"])
    }
}
