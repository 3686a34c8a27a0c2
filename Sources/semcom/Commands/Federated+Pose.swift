import ArgumentParser
import Experiments
import Federated
import Foundation
import HealthData

/// The pose options of `semcom federated --modality pose` (issue 10): the generated clips and the
/// gesture trigger.
struct FederatedPoseOptions: ParsableArguments {
    @Option(help: "Pose only: generated subjects (each performs the 8 activities, 2 one-second clips each).")
    var poseSubjects: Int = 40

    @Option(
        help: ArgumentHelp(
            "Pose only: the gesture trigger JOINT:START:FRAMES:AMPLITUDE — the joint (name such as right_wrist, or "
                + "index 0–16) rises by up to AMPLITUDE metres and waves during frames START..<START+FRAMES of the "
                + "30-frame clip."))
    var poseGesture: String = "right_wrist:10:10:0.3"

    /// The gesture from `--pose-gesture`.
    /// - Throws: `FederatedError` `.invalidParameter` for a malformed spec, an unknown joint or
    ///   frames beyond the clip.
    func parsedGesture() throws -> FederatedPoseBackdoor.Gesture {
        try FederatedPoseBackdoor.Gesture(parsing: poseGesture)
    }

    /// The options as JSON inputs.
    var inputs: [String: String] { ["pose_subjects": "\(poseSubjects)", "pose_gesture": poseGesture] }
}

extension SemCom.FederatedCommand {
    /// The pose grid from the options: the attacks' trigger is the gesture and their classes are
    /// activities (default fall → standing).
    func poseAttackConfiguration(federation: FederationConfiguration, clinicCounts: [Int]) throws
        -> FederatedAttackExperiment.Configuration
    {
        guard poseOptions.poseSubjects >= 2 else {
            throw FederatedError(
                code: .invalidParameter, message: "--pose-subjects must be ≥ 2, got \(poseOptions.poseSubjects)")
        }
        let configuration = try attackOptions.experiment(
            federation: federation, clinicCounts: clinicCounts, folds: folds,
            trigger: try poseOptions.parsedGesture().trigger, labels: PoseActivity.names,
            defaultClasses: Self.poseDefaultClasses)
        try validateScenarios(
            configuration, featureCount: FederatedPoseBackdoor.rowWidth, classCount: PoseActivity.allCases.count)
        return configuration
    }

    /// fall → standing: a fall that raises no alarm.
    static let poseDefaultClasses = (source: PoseActivity.fall.name, target: PoseActivity.standing.name)

    /// The pose grid: the aggregators and attacks of the options on generated pose clips.
    func runPoseAttacks(_ configuration: FederatedAttackExperiment.Configuration) throws {
        let source = attackOptions.attackSource ?? Self.poseDefaultClasses.source
        let target = attackOptions.attackTarget ?? Self.poseDefaultClasses.target
        let privacy = configuration.federation.privacy
        print(
            "Federated attacks vs defences — generated pose, \(poseOptions.poseSubjects) subjects × 8 activities × 2 "
                + "clips of 1 s, activity MLP on the pose codec's features, \(folds)-fold, \(rounds) rounds, trigger "
                + "\(try poseOptions.parsedGesture()), \(source) → \(target), secure aggregation "
                + "\(secureAggregation ? "on" : "off"), clinic norm bound "
                + "\(attackOptions.clinicNormBound.map { "\($0)" } ?? "none"), privacy "
                + (privacy.map { "record-level ε = \($0.epsilon), \($0.noise) noise" } ?? "none") + ", seed \(global.seed)")
        let rows = try FederatedPoseBackdoor.run(
            configuration, subjects: poseOptions.poseSubjects, seed: global.seed, progress: { global.progress($0) })
        print(FederatedAttackExperiment.table(rows))
        if let json {
            var inputs = self.inputs.merging(attackOptions.inputs) { _, new in new }.merging(poseOptions.inputs) {
                _, new in new
            }
            inputs["data"] = "synthetic-pose"
            inputs["model"] = "pose-activity-mlp"
            inputs["attack_source"] = source
            inputs["attack_target"] = target
            inputs["epsilon"] = epsilon ?? "none"
            try ResultDocument(command: "federated", seed: global.seed, inputs: inputs, rows: rows).writeJSON(to: json)
        }
    }
}
