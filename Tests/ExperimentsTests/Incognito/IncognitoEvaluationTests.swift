import Experiments
import HealthData
import Incognito
import PoseCodec
import Testing

@Suite struct IncognitoEvaluationTests {
    @Test func reidentificationFindsDistinctBodiesAndNotIdenticalOnes() {
        // 10 users with distinct bone lengths, 4 clips each (2 enrolled, 2 probed).
        var subjects: [Int] = []
        var distinct: [[Double?]] = []
        var identical: [[Double?]] = []
        for user in 0..<10 {
            for clip in 0..<4 {
                subjects.append(user)
                let jitter: Double = 0.001 * Double(clip % 2)
                var row: [Double?] = [nil]
                var same: [Double?] = [nil]
                for bone in 0..<16 {
                    let step: Double = Double((user * 7 + bone * 3) % 10)
                    row.append(0.2 + 0.01 * step + jitter)
                    same.append(0.3 + jitter)
                }
                distinct.append(row)
                identical.append(same)
            }
        }
        #expect(IncognitoEvaluation.reidentification(enrolment: distinct, probes: distinct, subjects: subjects) == 1)
        // Probes that all look the same are attributed to one user: accuracy 1/10.
        #expect(
            IncognitoEvaluation.reidentification(enrolment: distinct, probes: identical, subjects: subjects) <= 0.1 + 1e-12)
    }

    @Test func tinyEvaluationHasOneRowPerEpsilonAndAttribute() throws {
        let configuration = IncognitoEvaluationConfiguration(
            users: 6, clipsPerActivity: 1, epsilons: [1, 5], attributes: [.height, .wingspan],
            attacker: .init(hiddenSizes: [8], epochs: 2))
        let (rows, withheld) = try IncognitoEvaluation.run(
            configuration, codec: nil, dataset: PoseTrackingNoise(), seed: 3)
        #expect(rows.count == 4 && withheld == 0)
        #expect(rows.map(\.epsilon) == [1, 1, 5, 5] && rows.map(\.attribute) == ["height", "wingspan", "height", "wingspan"])
        for row in rows {
            #expect(row.baselineError > 0 && row.attackerErrorRaw.isFinite && row.attackerErrorPrivate.isFinite)
            #expect(row.identificationAccuracyRaw >= 0 && row.identificationAccuracyRaw <= 1)
            #expect(row.activityAccuracyRaw == nil && row.clips == 48 && row.identificationChance == 1.0 / 6)
        }
        // Raw bone lengths identify 6 users almost always.
        #expect(rows[0].identificationAccuracyRaw > 0.8)
    }
}
