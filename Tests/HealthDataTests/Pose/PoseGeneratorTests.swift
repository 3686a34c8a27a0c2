import HealthData
import TensorCore
import Testing

@Suite struct PoseGeneratorTests {
    private func distance(_ a: PoseVector?, _ b: PoseVector?) -> Double {
        let d = a! - b!
        return (d * d).sum().squareRoot()
    }

    @Test func standingSubjectIsAsTallAsTheirHeightWithFeetOnTheFloor() {
        let body = PoseBody.standard(heightMeters: 1.72)
        let joints = PoseKinematics.positions(body: body, angles: PoseAngles())
        let footY = joints[PoseJoint.rightAnkle.rawValue].y
        #expect(abs(joints[PoseJoint.head.rawValue].y - footY - (1.72 - body.ankleHeight)) < 1e-12)
        let placed = PoseGenerator.positions(
            body: body, activity: .armRaise, motion: PoseMotionParameters(phase: 0), timeSeconds: 0)
        #expect(abs(placed[PoseJoint.head.rawValue].y - 1.72) < 1e-9)
        #expect(abs(placed[PoseJoint.leftAnkle.rawValue].y - body.ankleHeight) < 1e-9)
        // Arms spread: wrist to wrist plus two hands is the wingspan.
        var spread = PoseAngles()
        spread.shoulderAbduction = (.pi / 2, .pi / 2)
        let t = PoseKinematics.positions(body: body, angles: spread)
        let span = distance(t[PoseJoint.leftWrist.rawValue], t[PoseJoint.rightWrist.rawValue]) + 2 * body.hand
        #expect(abs(span - body.wingspanMeters) < 1e-9)
    }

    @Test func bodiesVaryWithinTheDocumentedRanges() {
        var rng = Xoshiro256(seed: 1)
        let bodies = (0..<400).map { _ in PoseBody.random(using: &rng) }
        #expect(bodies.allSatisfy { (1.45...1.95).contains($0.heightMeters) })
        let ape = bodies.map { $0.wingspanMeters / $0.heightMeters }
        #expect(ape.allSatisfy { (0.95...1.10).contains($0) })
        let meanApe = ape.reduce(0, +) / Double(ape.count)
        #expect(abs(meanApe - 1.02) < 0.005)
        // Proportions vary between subjects of the same height.
        let legRatios = bodies.map { $0.legLength / $0.heightMeters }
        #expect(legRatios.max()! - legRatios.min()! > 0.03)
    }

    @Test(arguments: PoseActivity.allCases)
    func bonesKeepTheirLengthsAndNothingGoesBelowTheFloor(_ activity: PoseActivity) {
        var rng = Xoshiro256(seed: 2)
        let body = PoseBody.random(using: &rng)
        let motion = PoseGenerator.randomMotion(for: activity, clipSeconds: 2, using: &rng)
        let recording = PoseGenerator.record(
            body: body, activity: activity, motion: motion, frameCount: 60, noise: .none, subject: 0, using: &rng)
        let first = recording.frames[0]
        for frame in recording.frames {
            for bone in PoseJoint.bones {
                let a = distance(frame[bone.parent], frame[bone.child])
                let b = distance(first[bone.parent], first[bone.child])
                #expect(abs(a - b) < 1e-9, "\(activity) \(bone)")
            }
            #expect(frame.joints.allSatisfy { $0!.y > 0.03 })
        }
    }

    @Test func fallsEndOnTheFloorAndSquatsGoDown() {
        var rng = Xoshiro256(seed: 3)
        let body = PoseBody.standard(heightMeters: 1.8)
        for variant in 0..<4 {
            let motion = PoseMotionParameters(variant: variant, eventTimeSeconds: 0.2)
            let before = PoseGenerator.positions(body: body, activity: .fall, motion: motion, timeSeconds: 0)
            let after = PoseGenerator.positions(body: body, activity: .fall, motion: motion, timeSeconds: 1.5)
            #expect(before[PoseJoint.head.rawValue].y > 1.7)
            #expect(after[PoseJoint.head.rawValue].y < 0.5, "variant \(variant)")
            #expect(after[PoseJoint.pelvis.rawValue].y < 0.4, "variant \(variant)")
        }
        let squat = PoseMotionParameters(phase: .pi)  // bottom of the squat at t = 0
        let bottom = PoseGenerator.positions(body: body, activity: .squat, motion: squat, timeSeconds: 0)
        #expect(bottom[PoseJoint.pelvis.rawValue].y < 0.65)
        _ = rng.next()
    }

    @Test func tallerSubjectsWalkWithALowerCadence() {
        // Dynamic similarity: the hip angle's period grows with √(leg length).
        func period(_ height: Double) -> Double {
            let body = PoseBody.standard(heightMeters: height)
            let motion = PoseMotionParameters()
            var crossings: [Double] = []
            var previous = 0.0
            for i in 0..<300 {
                let t = Double(i) / 300 * 4
                let p = PoseGenerator.positions(body: body, activity: .walking, motion: motion, timeSeconds: t)
                let swing = p[PoseJoint.rightAnkle.rawValue].z - p[PoseJoint.leftAnkle.rawValue].z
                if i > 0 && previous < 0 && swing >= 0 { crossings.append(t) }
                previous = swing
            }
            return (crossings.last! - crossings.first!) / Double(crossings.count - 1)
        }
        let ratio = period(1.9) / period(1.5)
        #expect(abs(ratio - (1.9 / 1.5).squareRoot()) < 0.05)
    }

    @Test func trackingNoiseMatchesItsParameters() {
        var rng = Xoshiro256(seed: 4)
        let body = PoseBody.standard(heightMeters: 1.7)
        let clean = PoseGenerator.record(
            body: body, activity: .standing, motion: PoseMotionParameters(), frameCount: 3000, noise: .none,
            subject: 0, using: &rng)
        let noise = PoseTrackingNoise(jitterMeters: 0.01...0.01, occludedFraction: 0.05, meanOcclusionFrames: 4)
        var frames = clean.frames
        noise.apply(to: &frames, using: &rng)
        var occluded = 0, total = 0
        var squares = 0.0, count = 0
        for (a, b) in zip(frames, clean.frames) {
            for j in 0..<PoseJoint.count {
                total += 1
                guard let p = a.joints[j] else { occluded += 1; continue }
                let d = p - b.joints[j]!
                squares += (d * d).sum()
                count += 3
            }
        }
        // 13 joints at 5 %, 4 extremities at 10 %: 6.2 % expected.
        let fraction = Double(occluded) / Double(total)
        #expect(abs(fraction - (13 * 0.05 + 4 * 0.10) / 17) < 0.012)
        #expect(abs((squares / Double(count)).squareRoot() - 0.01) < 0.0005)
    }

    @Test func generationIsDeterministicAndSplitsBySubject() {
        let configuration = PoseDatasetConfiguration(subjects: 4, clipsPerActivity: 1)
        var a = Xoshiro256(seed: 9)
        var b = Xoshiro256(seed: 9)
        let first = PoseDataset.generate(configuration, using: &a)
        let second = PoseDataset.generate(configuration, using: &b)
        #expect(first.clips == second.clips)
        #expect(first.clips.count == 4 * 8)
        var rng = Xoshiro256(seed: 1)
        let split = PoseDataset.subjectSplit(subjectCount: 10, testFraction: 0.3, using: &rng)
        #expect(split.test.count == 3)
        #expect(Set(split.train).isDisjoint(with: split.test))
        #expect(Set(split.train + split.test) == Set(0..<10))
    }
}
