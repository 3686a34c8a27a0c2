import HealthData
import PoseCodec
import SemanticCodec
import TensorCore
import Testing

@Suite struct PoseFeatureTests {
    static func clip(_ activity: PoseActivity, height: Double = 1.7, seed: UInt64 = 1, noise: PoseTrackingNoise = .none)
        -> PoseRecording
    {
        var rng = Xoshiro256(seed: seed)
        let motion = PoseGenerator.randomMotion(for: activity, clipSeconds: 1, using: &rng)
        return PoseGenerator.record(
            body: .standard(heightMeters: height), activity: activity, motion: motion, frameCount: 30, noise: noise,
            subject: 0, using: &rng)
    }

    static func identityExtractor(normalizesScale: Bool) -> PoseFeatureExtractor {
        PoseFeatureExtractor(
            clipFrames: 30, frameStride: 1, normalizesScale: normalizesScale,
            mean: [Float](repeating: 0, count: 30 * 51), standardDeviation: [Float](repeating: 1, count: 30 * 51),
            template: [Float](repeating: 0, count: 51))
    }

    @Test func featuresIgnorePositionHeadingAndBodySize() {
        let extractor = Self.identityExtractor(normalizesScale: true)
        let base = Self.clip(.squat)
        // Move, turn and scale the whole clip (a subject 20 % taller with the same proportions and motion).
        var moved = base
        let (cosine, sine) = (0.4535961214255773, 0.8912073600614354)  // cos and sin of 1.1 rad
        for f in moved.frames.indices {
            moved.frames[f].joints = moved.frames[f].joints.map { p in
                let q = p! * 1.2
                return PoseVector(
                    q.x * cosine + q.z * sine + 3, q.y, -q.x * sine + q.z * cosine - 1)
            }
        }
        let a = extractor(PoseClipTensor.rows([base], frames: 30))
        let b = extractor(PoseClipTensor.rows([moved], frames: 30))
        #expect(a.maxAbsoluteDifference(b) < 1e-4)
        // Without scale normalization, the taller clip differs.
        let raw = Self.identityExtractor(normalizesScale: false)
        let c = raw(PoseClipTensor.rows([base], frames: 30))
        let d = raw(PoseClipTensor.rows([moved], frames: 30))
        #expect(c.maxAbsoluteDifference(d) > 0.05)
    }

    @Test func occludedJointsAreFilledAndNeverProduceNaN() {
        var clip = Self.clip(.walking)
        let clean = clip
        for f in 5..<9 { clip.frames[f].joints[PoseJoint.leftWrist.rawValue] = nil }
        for f in clip.frames.indices { clip.frames[f].joints[PoseJoint.rightAnkle.rawValue] = nil }
        clip.frames[12].joints = [PoseVector?](repeating: nil, count: 17)
        let extractor = Self.identityExtractor(normalizesScale: true)
        let features = extractor(PoseClipTensor.rows([clip], frames: 30))
        #expect(features.isFinite)
        let reference = extractor(PoseClipTensor.rows([clean], frames: 30))
        // Interpolated short gaps stay close to the truth (within a few centimetres per unit height).
        let k = 6 * 51 + PoseJoint.leftWrist.rawValue * 3
        #expect(abs(features.scalars[k] - reference.scalars[k]) < 0.05)
        // A clip with nothing visible still encodes (template), without NaN.
        var empty = clean
        for f in empty.frames.indices { empty.frames[f].joints = [PoseVector?](repeating: nil, count: 17) }
        #expect(extractor(PoseClipTensor.rows([empty], frames: 30)).isFinite)
    }

    @Test func trackingPerturbationAddsOcclusionsWithoutTouchingItsInput() throws {
        let rows = PoseClipTensor.rows([Self.clip(.running)], frames: 30)
        let copy = rows
        let perturbation = try #require(try PoseTrackingPerturbation.parse("pose-occlusion:0.2", clipFrames: 30))
        var rng = Xoshiro256(seed: 3)
        let out = perturbation.perturb(rows, using: &rng)
        #expect(rows.scalars.elementsEqual(copy.scalars))
        let missing = out.scalars.filter(\.isNaN).count
        #expect(missing > 0 && missing < out.count / 2)
        let drop = try #require(try PoseTrackingPerturbation.parse("pose-drop:0.3", clipFrames: 30))
        let dropped = drop.perturb(rows, using: &rng)
        #expect(dropped.scalars.filter(\.isNaN).count % 51 == 0)
        #expect(try PoseTrackingPerturbation.parse("jitter:0.1", clipFrames: 30) == nil)
        #expect(throws: PoseCodecError.self) { try PoseTrackingPerturbation.parse("pose-jitter:abc", clipFrames: 30) }
        #expect(throws: PoseCodecError.self) {
            try PoseTrackingPerturbation.parse("pose-occlusion:0.7", clipFrames: 30)
        }
    }

    @Test func attackerReadsALinearSignalAndNotNoise() {
        var rng = Xoshiro256(seed: 4)
        let n = 400, m = 200, d = 6
        func data(_ count: Int) -> (Tensor<Float>, [Double], Tensor<Float>) {
            var x: [Float] = [], noise: [Float] = [], y: [Double] = []
            for _ in 0..<count {
                let h = 1.45 + 0.5 * rng.nextUnitDouble()
                y.append(h)
                for k in 0..<d {
                    x.append(Float(h * Double(k + 1)) + Float(0.01 * rng.nextStandardGaussian()))
                    noise.append(Float(rng.nextStandardGaussian()))
                }
            }
            return (Tensor(shape: [count, d], scalars: x), y, Tensor(shape: [count, d], scalars: noise))
        }
        let (trainX, trainY, trainNoise) = data(n)
        let (testX, testY, testNoise) = data(m)
        let attacker = PoseAttributeAttacker(hiddenSizes: [16], epochs: 30, batchSize: 32, learningRate: 1e-2)
        let informed = attacker.attack(
            trainInputs: trainX, trainTargets: trainY, testInputs: testX, testTargets: testY, using: &rng)
        let blind = attacker.attack(
            trainInputs: trainNoise, trainTargets: trainY, testInputs: testNoise, testTargets: testY, using: &rng)
        #expect(informed.ratio < 0.3)
        #expect(blind.ratio > 0.9)
        #expect(abs(blind.meanPredictorError - 0.125) < 0.02)  // uniform over 0.5 m: MAE 0.125 m
    }
}
