// Privacy bubbles: who may see a user's pose frames.

import HealthData

/// A user's visibility policy: who receives their pose frames.
///
/// A recipient receives the **full** frame only if it is within ``radiusMeters`` of the user
/// (horizontal distance from the user's pelvis) **and** allowed (``allowed`` is `nil` for
/// "anyone inside the bubble", or the set of user IDs allowed). Every other recipient gets
/// ``outside``: nothing, or a **coarse** frame — only the pelvis, snapped to a grid of
/// ``Outside/coarse(gridMeters:)`` metres, every other joint missing — which shows roughly where
/// the user is and nothing of their body or motion.
public struct PrivacyBubblePolicy: Sendable, Hashable {
    /// What recipients outside the policy get.
    public enum Outside: Sendable, Hashable {
        /// No frame at all.
        case nothing
        /// A presence marker: the pelvis only, on a grid of this many metres (> 0).
        case coarse(gridMeters: Double)
    }

    /// The bubble's radius, metres (≥ 0; `.infinity` for no distance limit).
    public let radiusMeters: Double
    /// The recipients allowed inside the bubble, or `nil` for anyone.
    public let allowed: Set<Int>?
    /// What everyone else gets.
    public let outside: Outside

    /// Creates a policy.
    /// - Throws: ``IncognitoError`` `.invalidPolicy` for a negative or NaN radius or a grid that is
    ///   not finite and > 0.
    public init(radiusMeters: Double, allowed: Set<Int>? = nil, outside: Outside = .nothing) throws(IncognitoError) {
        guard radiusMeters >= 0 else {
            throw IncognitoError(
                code: .invalidPolicy, message: "bubble radius must be ≥ 0 metres, got \(radiusMeters)")
        }
        if case .coarse(let grid) = outside, !(grid > 0 && grid.isFinite) {
            throw IncognitoError(
                code: .invalidPolicy, message: "coarse grid must be a finite number of metres > 0, got \(grid)")
        }
        self.radiusMeters = radiusMeters
        self.allowed = allowed
        self.outside = outside
    }

    /// Everyone sees everything (no bubble).
    public static let open = try! PrivacyBubblePolicy(radiusMeters: .infinity)  // valid constants
}

/// What one recipient receives of one frame.
public enum BubbleDelivery: Sendable, Hashable {
    /// The frame as sent.
    case full(PoseFrame)
    /// The coarse presence marker.
    case coarse(PoseFrame)

    /// The delivered frame.
    public var frame: PoseFrame {
        switch self {
        case .full(let f), .coarse(let f): f
        }
    }
}

/// Enforces privacy bubbles in the stream pipeline, **before encoding**: for each frame a user
/// sends, it decides per recipient what (if anything) is handed to that recipient's encoder, so
/// frames a recipient may not see are never encoded or transmitted for it.
///
/// The sender's position is the pelvis of the current frame, or the last one seen; with no
/// position known yet nobody receives anything (fail closed).
public struct PrivacyBubbleRouter: Sendable {
    /// The policy of each user; users without one get ``defaultPolicy``.
    public var policies: [Int: PrivacyBubblePolicy]
    /// The policy of users without their own.
    public var defaultPolicy: PrivacyBubblePolicy
    private var lastPosition: [Int: PoseVector] = [:]

    /// Creates a router.
    public init(policies: [Int: PrivacyBubblePolicy], defaultPolicy: PrivacyBubblePolicy = .open) {
        self.policies = policies
        self.defaultPolicy = defaultPolicy
    }

    /// Routes one frame of `sender` to the recipients at the given positions (metres; their
    /// horizontal `x, z` count).
    /// - Returns: the deliveries by recipient ID; recipients absent from it receive nothing. The
    ///   sender never receives its own frame.
    public mutating func route(_ frame: PoseFrame, from sender: Int, recipients: [Int: PoseVector]) -> [Int: BubbleDelivery] {
        if let pelvis = frame[.pelvis] { lastPosition[sender] = pelvis }
        guard let position = lastPosition[sender] else { return [:] }
        let policy = policies[sender] ?? defaultPolicy
        var out: [Int: BubbleDelivery] = [:]
        for (recipient, where_) in recipients where recipient != sender {
            let dx = where_.x - position.x, dz = where_.z - position.z
            let inside = (dx * dx + dz * dz).squareRoot() <= policy.radiusMeters
            let allowed = policy.allowed?.contains(recipient) ?? true
            if inside && allowed {
                out[recipient] = .full(frame)
            } else if case .coarse(let grid) = policy.outside {
                var joints = [PoseVector?](repeating: nil, count: PoseJoint.count)
                joints[0] = PoseVector(
                    (position.x / grid).rounded() * grid, (position.y / grid).rounded() * grid,
                    (position.z / grid).rounded() * grid)
                out[recipient] = .coarse(PoseFrame(timeSeconds: frame.timeSeconds, joints: joints))
            }
        }
        return out
    }
}
