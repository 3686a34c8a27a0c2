// The activities of the pose generator and their kinematic motion models.

import RealModule
import TensorCore

/// The eight activities the pose generator produces and the pose codec classifies, in label order.
public enum PoseActivity: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case standing = 0
    case walking
    case running
    case squat
    case jumpingJack
    case armRaise
    case sitToStand
    case fall

    /// The label name used in files and knowledge bases, e.g. `jumping_jack`.
    public var name: String {
        switch self {
        case .standing: "standing"
        case .walking: "walking"
        case .running: "running"
        case .squat: "squat"
        case .jumpingJack: "jumping_jack"
        case .armRaise: "arm_raise"
        case .sitToStand: "sit_to_stand"
        case .fall: "fall"
        }
    }

    /// ``name``.
    public var description: String { name }

    /// The activity whose ``name`` is `name`, or `nil`.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// The label names in label order.
    public static var names: [String] { allCases.map(\.name) }
}

/// The per-recording variation of a motion: how fast, how large, where and facing where, and
/// (for transitions) when the event starts.
public struct PoseMotionParameters: Sendable, Hashable {
    /// Tempo factor (cadence, repetition rate, transition speed); 1 is nominal.
    public var speed: Double
    /// Range-of-motion factor; 1 is nominal.
    public var amplitude: Double
    /// Phase of periodic motions, radians.
    public var phase: Double
    /// Heading (yaw), radians; 0 faces `+z`.
    public var heading: Double
    /// Where the subject stands (or starts walking), `(x, z)` metres.
    public var position: SIMD2<Double>
    /// Activity-specific variant: the fall direction (0 forward, 1 backward, 2 left, 3 right), the
    /// sit-to-stand direction (0 sit→stand, 1 stand→sit), the arm raise (0 forward, 1 sideways).
    public var variant: Int
    /// When the fall or the sit-to-stand transition starts, seconds from the recording's start.
    public var eventTimeSeconds: Double

    /// Creates parameters.
    public init(
        speed: Double = 1, amplitude: Double = 1, phase: Double = 0, heading: Double = 0,
        position: SIMD2<Double> = SIMD2(0, 0), variant: Int = 0, eventTimeSeconds: Double = 0
    ) {
        self.speed = speed
        self.amplitude = amplitude
        self.phase = phase
        self.heading = heading
        self.position = position
        self.variant = variant
        self.eventTimeSeconds = eventTimeSeconds
    }
}

/// The kinematic motion models: joint angles as smooth functions of time, per activity.
///
/// Periodic motions follow textbook joint-angle curves (walking: hip −10…+25°, knee peak ≈ 60° in
/// swing, arm swing in antiphase, Perry & Burnfield, "Gait Analysis", 2010; running: larger ranges,
/// ≈ 90° elbows, a flight phase). Gait cadence scales with `√(g / leg length)` (dynamic similarity,
/// Alexander, "Optimization and gaits in the locomotion of vertebrates", Physiol. Rev. 1989), so
/// motion timing — not only size — depends on the body, as it does in people. The fall is an
/// inverted-pendulum topple about the feet (forward, backward or sideways) with knee buckling and
/// protective arm motion, ending lying on the floor; sit-to-stand moves between a seated pose (hips
/// and knees ≈ 90°) and standing with the forward trunk lean of the momentum-transfer phase.
enum PoseMotion {
    struct Pose {
        var angles: PoseAngles
        /// Horizontal pelvis offset from ``PoseMotionParameters/position`` for free (unanchored)
        /// motions, metres; `nil` means the feet are anchored at the position.
        var travel: SIMD2<Double>?
        /// Height of the lowest ankle above its standing height (flight phases), metres.
        var hop: Double
    }

    static func smoothstep(_ u: Double) -> Double {
        let v = Swift.min(1, Swift.max(0, u))
        return v * v * (3 - 2 * v)
    }

    static func pose(_ activity: PoseActivity, time t: Double, body: PoseBody, _ p: PoseMotionParameters) -> Pose {
        var a = PoseAngles()
        a.heading = p.heading
        let amp = p.amplitude
        // Dynamic similarity: cadence ∝ √(g / leg length), referenced to a 0.9 m leg.
        let legScale = (0.9 / body.legLength).squareRoot()
        switch activity {
        case .standing:
            let sway = 2 * Double.pi * 0.25 * p.speed * t + p.phase
            a.pitch = 0.015 * sin(sway)
            a.roll = 0.012 * sin(0.7 * sway + 1)
            a.kneeFlexion = (0.04 + 0.02 * sin(sway), 0.04 - 0.02 * sin(sway))
            a.shoulderAbduction = (0.08, 0.08)
            a.shoulderFlexion = (0.05 * sin(0.5 * sway), 0.05 * sin(0.5 * sway + 2))
            a.elbowFlexion = (0.15 * amp, 0.15 * amp)
            a.neckFlexion = 0.1 + 0.05 * sin(0.3 * sway)
            return Pose(angles: a, travel: nil, hop: 0)
        case .walking, .running:
            let running = activity == .running
            let strideHz = (running ? 1.35 : 0.9) * p.speed * legScale
            let theta = 2 * Double.pi * strideHz * t + p.phase
            let speed = (running ? 2.4 : 1.5) * body.legLength * strideHz * amp.squareRoot()
            func hip(_ th: Double) -> Double { running ? amp * (0.3 + 0.55 * sin(th)) : amp * (0.13 + 0.30 * sin(th)) }
            func knee(_ th: Double) -> Double {
                let swing = Swift.max(0, cos(th + 0.3))
                return running ? 0.35 + amp * 1.45 * swing * swing : 0.08 + amp * 0.95 * swing * swing * swing
            }
            a.hipFlexion = (hip(theta), hip(theta + .pi))
            a.kneeFlexion = (knee(theta), knee(theta + .pi))
            let armSwing = running ? 0.6 : 0.3
            a.shoulderFlexion = (amp * armSwing * sin(theta + .pi), amp * armSwing * sin(theta))
            a.shoulderAbduction = (0.1, 0.1)
            let elbow = running ? 1.5 : 0.25
            a.elbowFlexion = (elbow + 0.15 * sin(theta), elbow + 0.15 * sin(theta + .pi))
            a.spineFlexion = running ? 0.15 : 0.04
            a.roll = 0.03 * sin(theta)
            a.heading = p.heading + 0.05 * sin(theta)
            a.neckFlexion = 0.05
            let hop = running ? 0.07 * amp * Swift.max(0, sin(2 * theta)) : 0.02 * amp * (1 + cos(2 * theta)) / 2
            let forward = SIMD2(sin(p.heading), cos(p.heading))
            return Pose(angles: a, travel: forward * speed * t, hop: hop)
        case .squat:
            let period = 2.6 / p.speed
            let d = Swift.min(1, amp) * (0.5 - 0.5 * cos(2 * Double.pi * t / period + p.phase))
            a.hipFlexion = (1.6 * d, 1.6 * d)
            a.kneeFlexion = (2.1 * d, 2.1 * d)
            a.spineFlexion = 0.45 * d
            a.shoulderFlexion = (1.4 * d, 1.4 * d)
            a.elbowFlexion = (0.1, 0.1)
            a.neckFlexion = -0.2 * d
            return Pose(angles: a, travel: nil, hop: 0)
        case .jumpingJack:
            let period = 1.1 / p.speed
            let phi = 2 * Double.pi * t / period + p.phase
            let open = 0.5 - 0.5 * cos(phi)
            a.shoulderAbduction = (amp * 2.6 * open + 0.1, amp * 2.6 * open + 0.1)
            a.hipAbduction = (amp * 0.33 * open, amp * 0.33 * open)
            let flight = Swift.max(0, sin(2 * phi))
            a.kneeFlexion = (0.12 + 0.25 * (1 - flight), 0.12 + 0.25 * (1 - flight))
            a.elbowFlexion = (0.15, 0.15)
            return Pose(angles: a, travel: nil, hop: 0.06 * amp * flight)
        case .armRaise:
            let period = 3.2 / p.speed
            let lift = Swift.min(2.9, amp * 2.7) * (0.5 - 0.5 * cos(2 * Double.pi * t / period + p.phase))
            if p.variant % 2 == 0 {
                a.shoulderFlexion = (lift, lift)
            } else {
                a.shoulderAbduction = (lift + 0.05, lift + 0.05)
            }
            a.elbowFlexion = (0.08, 0.08)
            a.neckFlexion = -0.1 * lift / 2.7
            return Pose(angles: a, travel: nil, hop: 0)
        case .sitToStand:
            let duration = 1.7 / p.speed
            let u = (t - p.eventTimeSeconds) / duration
            let progress = smoothstep(u)
            let standing = p.variant % 2 == 0 ? progress : 1 - progress
            let seated = 1 - standing
            let lean = sin(Double.pi * Swift.min(1, Swift.max(0, u)))
            a.hipFlexion = (1.5 * seated + 0.5 * lean, 1.5 * seated + 0.5 * lean)
            a.kneeFlexion = (1.55 * seated, 1.55 * seated)
            a.spineFlexion = 0.15 * seated + 0.55 * amp * lean
            a.shoulderFlexion = (0.45 * seated + 0.5 * lean, 0.45 * seated + 0.5 * lean)
            a.elbowFlexion = (0.9 * seated + 0.2, 0.9 * seated + 0.2)
            a.neckFlexion = 0.1
            return Pose(angles: a, travel: nil, hop: 0)
        case .fall:
            let duration = 0.75 / p.speed
            let u = Swift.min(1, Swift.max(0, (t - p.eventTimeSeconds) / duration))
            let topple = 1.45 * u * u  // gravity: the tilt accelerates until impact
            let buckle = sin(Double.pi * u)
            // Pre-fall stance sway.
            let sway = 2 * Double.pi * 0.3 * t + p.phase
            a.pitch = 0.015 * sin(sway)
            switch p.variant % 4 {
            case 0:
                // Forward: the arms reach out to break the fall and end overhead, along the floor.
                a.pitch += topple
                a.shoulderFlexion = (amp * (1.2 * u + 1.8 * u * u), amp * (1.2 * u + 1.8 * u * u))
                a.elbowFlexion = (0.3, 0.3)
            case 1:
                a.pitch -= topple
                a.shoulderAbduction = (0.9 * amp * u, 0.9 * amp * u)
                a.shoulderFlexion = (0.7 * u, 0.7 * u)
                a.hipFlexion = (0.6 * u, 0.6 * u)
            case 2:
                // Sideways to the left: the left arm stays along the body, the right one swings up.
                a.roll = -topple
                a.shoulderAbduction = (1.4 * amp * u, 0.2 * u)
            default:
                a.roll = topple
                a.shoulderAbduction = (0.2 * u, 1.4 * amp * u)
            }
            a.kneeFlexion = (0.05 + 0.9 * buckle, 0.05 + 0.8 * buckle)
            a.hipFlexion.right += 0.5 * buckle
            a.hipFlexion.left += 0.45 * buckle
            a.spineFlexion = 0.2 * buckle
            a.neckFlexion = 0.3 * u
            return Pose(angles: a, travel: nil, hop: 0)
        }
    }
}
