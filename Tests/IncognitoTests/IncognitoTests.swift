import HealthData
import Incognito
import Privacy
import TensorCore
import Testing

/// A generated recording of one random body.
func recording(
    _ activity: PoseActivity, seed: UInt64, frames: Int = 60, noise: PoseTrackingNoise = .none
) -> (PoseRecording, PoseBody) {
    var rng = Xoshiro256(seed: seed)
    let body = PoseBody.random(using: &rng)
    let motion = PoseGenerator.randomMotion(for: activity, clipSeconds: Double(frames) / 30, using: &rng)
    return (
        PoseGenerator.record(
            body: body, activity: activity, motion: motion, frameCount: frames, noise: noise, subject: 0, using: &rng),
        body
    )
}

/// The recording with `joints` occluded in every frame.
func hiding(_ joints: [PoseJoint], in recording: PoseRecording) -> PoseRecording {
    var copy = recording
    for i in copy.frames.indices { for j in joints { copy.frames[i].joints[j.rawValue] = nil } }
    return copy
}

@Suite struct BodyMeasurementTests {
    @Test func attributesAreMeasuredFromTheStream() throws {
        for (seed, activity) in [(1, PoseActivity.walking), (2, .squat), (3, .jumpingJack), (4, .standing)] {
            let (clean, body) = recording(activity, seed: UInt64(seed))
            let measured = BodyMeasurement(clean)
            for attribute in PoseAttribute.allCases {
                let tolerance = attribute == .wingspan ? 0.025 : 0.006  // the hand is not tracked
                #expect(abs(try measured.value(of: attribute) - attribute.value(of: body)) < tolerance, "\(attribute)")
            }
            let (noisy, _) = recording(activity, seed: UInt64(seed), noise: PoseTrackingNoise())
            #expect(abs(try BodyMeasurement(noisy).value(of: .height) - body.heightMeters) < 0.03)
        }
    }

    @Test func missingJointsAreTypedErrorsNamingTheBone() {
        let (clean, _) = recording(.walking, seed: 5)
        let cases: [([PoseJoint], PoseAttribute, String)] = [
            ([.head], .height, "neck→head"),
            ([.leftWrist, .rightWrist], .wingspan, "wrist"),
            ([.leftWrist, .rightWrist], .armLength, "wrist"),
            ([.rightKnee, .leftKnee], .legLength, "knee"),
            ([.leftShoulder], .shoulderWidth, "thorax→left_shoulder"),
        ]
        for (hidden, attribute, name) in cases {
            do {
                _ = try BodyMeasurement(hiding(hidden, in: clean)).value(of: attribute)
                Issue.record("\(attribute) measured without \(hidden)")
            } catch {
                #expect(error.code == .missingJoints)
                #expect(error.message.contains(name) && error.message.contains(attribute.name), "\(error.message)")
            }
        }
        // One side suffices.
        #expect((try? BodyMeasurement(hiding([.leftWrist], in: clean)).value(of: .wingspan)) != nil)
    }
}

@Suite struct IncognitoConfigurationTests {
    @Test func unknownNamesAndBadParametersAreTypedErrors() throws {
        do {
            _ = try PoseAttribute.parseList("height,weight")
            Issue.record("'weight' accepted")
        } catch {
            #expect(error.code == .unknownAttribute && error.message.contains("weight"))
        }
        #expect(throws: IncognitoError.self) { try PoseAttribute.parseList(" , ") }
        #expect(try PoseAttribute.parseList("height, Wingspan,height") == [.height, .wingspan])
        for epsilon in [0.0, -3, .nan] {
            do {
                _ = try IncognitoConfiguration(epsilons: [(.height, epsilon)])
                Issue.record("ε = \(epsilon) accepted")
            } catch {
                #expect(error.code == .invalidEpsilon && error.message.contains("height"))
            }
        }
        for text in ["height=1.9:1.5", "height=1.7:1.7", "height=a:2", "height", "weight=1:2"] {
            do {
                _ = try IncognitoConfiguration.parseBounds(text)
                Issue.record("bounds '\(text)' accepted")
            } catch {
                #expect(error.code == (text.hasPrefix("weight") ? .unknownAttribute : .invalidBounds), "\(text)")
            }
        }
        let parsed = try IncognitoConfiguration.parseBounds("height=1.5:1.9, wingspan=1.4:2.0")
        #expect(parsed[.height]?.lower == 1.5 && parsed[.wingspan]?.upper == 2.0)
        do {
            _ = try IncognitoConfiguration(level: try PrivacyLevel(parsing: "paranoid"), attributes: [.height])
        } catch let error as PrivacyError {
            #expect(IncognitoError(error).code == .unknownPreset)
        }
    }

    @Test func populationBoundsComeFromPercentiles() {
        let h = PoseAttribute.height.populationBounds
        #expect(h.lower > 1.45 && h.lower < 1.47 && h.upper < 1.95 && h.upper > 1.93)
        let w = PoseAttribute.wingspan.populationBounds
        #expect(w.lower < h.lower + 0.05 && w.upper > h.upper)
    }
}

@Suite struct SecondaryAvatarTests {
    @Test func avatarBodyHasTheRequestedAttributes() {
        let body = SecondaryAvatar.body(height: 1.62, wingspan: 1.75, armLength: 0.6, legLength: 0.82, shoulderWidth: 0.38)
        #expect(abs(body.heightMeters - 1.62) < 1e-12)
        let vertical = body.ankleHeight + body.shank + body.thigh + body.lowerSpine + body.upperSpine + body.neck + body.headTop
        #expect(abs(vertical - 1.62) < 1e-9)
        #expect(abs(body.legLength - 0.82) < 1e-9 && abs(body.shoulderWidth - 0.38) < 1e-12)
        #expect(abs(body.upperArm + body.forearm - 0.6) < 1e-9 && abs(body.wingspanMeters - 1.75) < 1e-9)
        let standard = SecondaryAvatar.body(height: 1.8)
        #expect(abs(standard.wingspanMeters - 1.02 * 1.8) < 1e-9)
    }

    @Test func retargetingKeepsDirectionsAndOcclusionsAndSetsTheAvatarsLengths() throws {
        let (raw, _) = recording(.walking, seed: 8, frames: 45, noise: PoseTrackingNoise(jitterMeters: 0...0, occludedFraction: 0.1))
        let avatar = SecondaryAvatar.body(height: 1.55, wingspan: 1.6)
        var retargeter = PoseRetargeter(avatar: avatar, userLegLength: try BodyMeasurement(raw).value(of: .legLength))
        let out = raw.frames.map { retargeter.retarget($0) }
        let lengths = SecondaryAvatar.boneLengths(of: avatar)
        for (a, b) in zip(raw.frames, out) {
            #expect(a.timeSeconds == b.timeSeconds)
            #expect(zip(a.joints, b.joints).allSatisfy { ($0 == nil) == ($1 == nil) })
            for bone in PoseJoint.bones {
                guard let p = a[bone.parent], let c = a[bone.child], let q = b[bone.parent], let d = b[bone.child] else { continue }
                let u = c - p, v = d - q
                let lu = (u * u).sum().squareRoot(), lv = (v * v).sum().squareRoot()
                #expect(abs(lv - lengths[bone.child.rawValue]) < 1e-9)
                #expect((u * v).sum() / (lu * lv) > 1 - 1e-9, "bone \(bone.child) changed direction")
            }
        }
        // The output measures as the avatar.
        let measured = BodyMeasurement(PoseRecording(frameRate: 30, frames: out))
        #expect(abs(try measured.value(of: .height) - 1.55) < 0.003)
        #expect(abs(try measured.value(of: .wingspan) - 1.6) < 0.01)
        // Feet stay on the floor: the lower ankle of a walking frame is near the avatar's ankle height.
        let lowest = out.compactMap { f in [f[.rightAnkle], f[.leftAnkle]].compactMap { $0?.y }.min() }.min()!
        #expect(abs(lowest - avatar.ankleHeight) < 0.02)
    }

    @Test func framesBeforeAnyPelvisCarryNothing() {
        let (raw, _) = recording(.standing, seed: 9, frames: 5)
        var retargeter = PoseRetargeter(avatar: .standard(heightMeters: 1.7), userLegLength: 0.9)
        var first = raw.frames[0]
        first.joints[0] = nil
        #expect(retargeter.retarget(first).occludedCount == 17)
        #expect(retargeter.retarget(raw.frames[1]).occludedCount == 0)
    }
}

@Suite struct IncognitoModeTests {
    @Test func sessionReleasesOnceAndTheStreamShowsTheAvatar() throws {
        let (raw, body) = recording(.squat, seed: 12, noise: PoseTrackingNoise())
        let configuration = try IncognitoConfiguration(level: .high, attributes: [.height, .wingspan, .armLength])
        #expect(configuration.totalEpsilon == 3)
        var session = try LocalPrivacySession(key: LocalPrivacySession.key(seed: 1), sessionID: "a")
        let first = try IncognitoMode.apply(raw, configuration: configuration, session: &session)
        let second = try IncognitoMode.apply(raw, configuration: configuration, session: &session)
        #expect(first.released == second.released && session.totalEpsilon == 3)
        #expect(first.recording.truth == nil && first.recording.frames.count == raw.frames.count)
        #expect(abs(first.measured[.height]! - body.heightMeters) < 0.03)
        let seen = BodyMeasurement(first.recording)
        #expect(abs(try seen.value(of: .height) - first.released[.height]!) < 0.005)
        #expect(abs(try seen.value(of: .armLength) - first.avatar.upperArm - first.avatar.forearm) < 0.005)
        for attribute in configuration.entries.map(\.attribute) {
            let bounds = attribute.populationBounds
            #expect(first.released[attribute]! >= bounds.lower && first.released[attribute]! <= bounds.upper)
        }
    }

    @Test func badStreamsAreTypedErrors() throws {
        let configuration = try IncognitoConfiguration(level: .medium, attributes: [.height])
        var session = try LocalPrivacySession(key: LocalPrivacySession.key(seed: 1), sessionID: "b")
        let (raw, _) = recording(.walking, seed: 13)
        do {
            _ = try IncognitoMode.apply(hiding([.head], in: raw), configuration: configuration, session: &session)
            Issue.record("height released without a head")
        } catch {
            #expect(error.code == .missingJoints)
        }
        do {
            _ = try IncognitoMode.apply(
                PoseRecording(frameRate: 30, frames: []), configuration: configuration, session: &session)
        } catch {
            #expect(error.code == .emptyRecording)
        }
        #expect(session.totalEpsilon == 0)
    }
}

@Suite struct PrivacyBubbleTests {
    @Test func invalidPoliciesAreTypedErrors() {
        for (radius, outside) in [(-1.0, PrivacyBubblePolicy.Outside.nothing), (.nan, .nothing), (2, .coarse(gridMeters: 0)), (2, .coarse(gridMeters: .infinity))] {
            do {
                _ = try PrivacyBubblePolicy(radiusMeters: radius, outside: outside)
                Issue.record("policy accepted")
            } catch {
                #expect(error.code == .invalidPolicy)
            }
        }
    }

    /// Random scenes: users at random places with random bubbles, allow-lists and outside
    /// behaviour; no recipient outside a sender's policy ever gets a full frame, coarse frames
    /// carry only a grid-snapped pelvis, and recipients inside the policy get the frame itself.
    @Test func noFrameReachesARecipientOutsideThePolicy() throws {
        var rng = Xoshiro256(seed: 31)
        var full = 0, coarse = 0, withheld = 0
        for scene in 0..<300 {
            let users = 2 + Int(rng.next() % 7)
            var policies: [Int: PrivacyBubblePolicy] = [:]
            for u in 0..<users where rng.nextUnitDouble() < 0.8 {
                let allowed: Set<Int>? =
                    rng.nextUnitDouble() < 0.5 ? Set((0..<users).filter { _ in rng.nextUnitDouble() < 0.5 }) : nil
                let outside: PrivacyBubblePolicy.Outside =
                    rng.nextUnitDouble() < 0.5 ? .nothing : .coarse(gridMeters: 0.5 + rng.nextUnitDouble())
                policies[u] = try PrivacyBubblePolicy(radiusMeters: 5 * rng.nextUnitDouble(), allowed: allowed, outside: outside)
            }
            let fallback = try PrivacyBubblePolicy(radiusMeters: 3, outside: .nothing)
            var router = PrivacyBubbleRouter(policies: policies, defaultPolicy: fallback)
            for _ in 0..<5 {
                var positions: [Int: PoseVector] = [:]
                for u in 0..<users { positions[u] = PoseVector(8 * rng.nextUnitDouble() - 4, 0, 8 * rng.nextUnitDouble() - 4) }
                for sender in 0..<users {
                    let (clip, _) = recording(.walking, seed: UInt64(scene * 10 + sender), frames: 1)
                    var frame = clip.frames[0]
                    let pelvis = positions[sender]! + PoseVector(0, 0.9, 0)
                    frame.joints = frame.joints.map { $0.map { $0 - clip.frames[0][.pelvis]! + pelvis } }
                    let deliveries = router.route(frame, from: sender, recipients: positions)
                    #expect(deliveries[sender] == nil)
                    let policy = policies[sender] ?? fallback
                    for recipient in 0..<users where recipient != sender {
                        let d = positions[recipient]! - pelvis
                        let inside = (d.x * d.x + d.z * d.z).squareRoot() <= policy.radiusMeters
                        let allowed = policy.allowed?.contains(recipient) ?? true
                        switch deliveries[recipient] {
                        case .full(let f)?:
                            #expect(inside && allowed, "scene \(scene): a full frame left the bubble")
                            #expect(f == frame)
                            full += 1
                        case .coarse(let f)?:
                            #expect(!(inside && allowed))
                            guard case .coarse(let grid) = policy.outside else {
                                Issue.record("coarse frame without a coarse policy")
                                continue
                            }
                            #expect(f.occludedCount == 16)
                            let p = f[.pelvis]!
                            for v in [p.x, p.y, p.z] { #expect(abs(v / grid - (v / grid).rounded()) < 1e-9) }
                            coarse += 1
                        case nil:
                            #expect(!(inside && allowed), "scene \(scene): an allowed recipient got nothing")
                            #expect(policy.outside == .nothing)
                            withheld += 1
                        }
                    }
                }
            }
        }
        #expect(full > 100 && coarse > 100 && withheld > 100)
    }

    @Test func senderWithoutAPositionReachesNobody() {
        var router = PrivacyBubbleRouter(policies: [:])
        let frame = PoseFrame(timeSeconds: 0, joints: [PoseVector?](repeating: nil, count: 17))
        #expect(router.route(frame, from: 0, recipients: [1: PoseVector(0, 0, 0)]).isEmpty)
    }
}
