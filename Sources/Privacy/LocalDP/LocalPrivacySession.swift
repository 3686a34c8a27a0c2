// One user's local-DP session: noise drawn once per attribute from a session key, and the ε spent.

import Crypto
import TensorCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A user's privacy session (e.g. one VR visit): every attribute is privatized **once**, from a
/// generator derived from a secret session key, and every later request for that attribute gets
/// the same released value.
///
/// Why once: a stream shows the same body in every frame. If each frame carried fresh noise, an
/// observer averaging `n` frames would shrink the noise by `√n` and read the attribute off (and
/// the privacy loss would compose to `n·ε`); drawing once per session (MetaGuard, Nair, Garrido &
/// Song 2022) makes every frame a post-processing of one ε-DP release, so the session costs ε
/// per attribute however long it lasts.
///
/// Key schedule (swift-crypto, no hand-written cryptography): the generator of attribute `a` is
/// `Xoshiro256(state:)` seeded with the 32 bytes
/// `HKDF-SHA256(ikm: session key, salt: "SemCom incognito v1" ‖ session ID, info: "attribute" ‖ a)`
/// (RFC 5869). The same key and session ID always give the same releases; another session ID
/// (or key) gives independent ones. Deployments use a fresh random key per session
/// (``randomKey()``); experiments derive keys from a seed so that runs are reproducible.
///
/// Accounting: the ``ledger`` records the ε of each attribute's one release; by basic sequential
/// composition of pure-DP releases the session is ``totalEpsilon``-DP for the user's whole
/// attribute vector (Dwork & Roth 2014, Theorem 3.16). Repeated requests for a released
/// attribute cost nothing (post-processing). An optional ``budget`` refuses releases beyond it.
public struct LocalPrivacySession: Sendable {
    /// The session identifier bound into every derivation (the HKDF salt).
    public let sessionID: String
    /// The largest total ε the session may spend, or `nil` for no limit.
    public let budget: Double?
    private let key: SymmetricKey
    private var releases: [String: Double] = [:]
    private var spent: [(attribute: String, epsilon: Double)] = []

    /// Creates a session.
    /// - Parameters:
    ///   - key: the secret session key (≥ 16 bytes recommended; 32 from ``randomKey()``).
    ///   - sessionID: a public identifier of the session.
    ///   - budget: a total ε the session may not exceed (`nil`: unlimited).
    /// - Throws: ``PrivacyError`` `.invalidEpsilon` for a budget that is not finite and > 0.
    public init(key: SymmetricKey, sessionID: String, budget: Double? = nil) throws(PrivacyError) {
        if let budget { try PrivacyValidation.epsilon(budget) }
        self.key = key
        self.sessionID = sessionID
        self.budget = budget
    }

    /// A fresh 256-bit session key from the system's secure generator.
    public static func randomKey() -> SymmetricKey { SymmetricKey(size: .bits256) }

    /// A reproducible session key from a seed (for experiments and `--seed`): the 8 little-endian
    /// bytes of `seed`, used as HKDF input key material. Not secret — never use it to protect
    /// real users.
    public static func key(seed: UInt64) -> SymmetricKey {
        SymmetricKey(data: (0..<8).map { UInt8((seed >> (8 * UInt64($0))) & 0xFF) })
    }

    /// The generator of `attribute` in this session (see the type's key schedule).
    public func generator(for attribute: String) -> Xoshiro256 {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, salt: Data(("SemCom incognito v1" + sessionID).utf8),
            info: Data(("attribute" + attribute).utf8), outputByteCount: 32)
        let words: [UInt64] = derived.withUnsafeBytes { raw in
            (0..<4).map { w in (0..<8).reduce(UInt64(0)) { $0 | UInt64(raw[w * 8 + $1]) << (8 * UInt64($1)) } }
        }
        // HKDF output is all zero with probability 2⁻²⁵⁶; the state must not be.
        return Xoshiro256(state: (words[0] | (words.allSatisfy { $0 == 0 } ? 1 : 0), words[1], words[2], words[3]))
    }

    /// The released value of a continuous attribute: privatized with `mechanism` on the first
    /// request, the same value afterwards (whatever `value` is then).
    /// - Throws: ``PrivacyError`` `.budgetExceeded` if the first release would exceed ``budget``.
    public mutating func release(
        _ value: Double, attribute: String, mechanism: BoundedLaplaceMechanism
    ) throws(PrivacyError) -> Double {
        if let released = releases[attribute] { return released }
        try charge(mechanism.epsilon, attribute: attribute)
        var rng = generator(for: attribute)
        let released = mechanism.release(value, using: &rng)
        releases[attribute] = released
        return released
    }

    /// The released category of a categorical attribute (k-ary randomized response), once per
    /// session like ``release(_:attribute:mechanism:)-(Double,_,_)``.
    /// - Throws: ``PrivacyError`` `.budgetExceeded`.
    public mutating func release(
        category: Int, attribute: String, mechanism: RandomizedResponse
    ) throws(PrivacyError) -> Int {
        if let released = releases[attribute] { return Int(released) }
        try charge(mechanism.epsilon, attribute: attribute)
        var rng = generator(for: attribute)
        let released = mechanism.release(category, using: &rng)
        releases[attribute] = Double(released)
        return released
    }

    private mutating func charge(_ epsilon: Double, attribute: String) throws(PrivacyError) {
        if let budget, totalEpsilon + epsilon > budget * (1 + 1e-12) {
            throw PrivacyError(
                code: .budgetExceeded,
                message:
                    "releasing '\(attribute)' at ε = \(epsilon) would bring the session to ε = \(totalEpsilon + epsilon), over its budget \(budget)"
            )
        }
        spent.append((attribute, epsilon))
    }

    /// The attributes released so far with their ε, in release order.
    public var ledger: [(attribute: String, epsilon: Double)] { spent }

    /// The total ε the session has spent (sum over released attributes).
    public var totalEpsilon: Double { spent.reduce(0) { $0 + $1.epsilon } }

    /// The session's guarantee for all released attributes together.
    public var privacy: PrivacyGuarantee { .pure(epsilon: totalEpsilon) }
}
