/// One entry of an accountant's compressed history: `steps` consecutive steps of the
/// Poisson-subsampled Gaussian mechanism with the same noise multiplier and sampling rate.
public struct AccountingEntry: Sendable, Hashable {
    /// σ, the noise standard deviation per unit of L2 sensitivity (clipping norm).
    public let noiseMultiplier: Double
    /// q, the Poisson sampling probability of each record (1 = no subsampling).
    public let samplingRate: Double
    /// The number of steps T ≥ 1.
    public var steps: Int

    /// Validates and creates an entry.
    /// - Parameters:
    ///   - noiseMultiplier: σ > 0.
    ///   - samplingRate: q ∈ (0, 1].
    ///   - steps: T ≥ 1.
    /// - Throws: ``PrivacyError`` with `.invalidNoiseMultiplier`, `.invalidSamplingRate` or `.invalidSteps`.
    public init(noiseMultiplier: Double, samplingRate: Double, steps: Int) throws {
        try PrivacyValidation.noiseMultiplier(noiseMultiplier)
        try PrivacyValidation.samplingRate(samplingRate)
        try PrivacyValidation.steps(steps)
        self.noiseMultiplier = noiseMultiplier
        self.samplingRate = samplingRate
        self.steps = steps
    }
}

extension AccountingEntry {
    /// Appends an entry, merging it into the last one when σ and q are equal (Opacus's
    /// compressed history).
    static func appendCompressed(_ entry: AccountingEntry, to history: inout [AccountingEntry]) {
        if let last = history.indices.last, history[last].noiseMultiplier == entry.noiseMultiplier,
            history[last].samplingRate == entry.samplingRate
        {
            history[last].steps += entry.steps
        } else {
            history.append(entry)
        }
    }
}

/// The accountant families. An enum, not a registry of names (unlike Opacus's `_ACCOUNTANTS`).
public enum AccountantKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Rényi DP (``RDPAccountant``): fast, a slightly loose upper bound.
    case rdp
    /// Privacy loss distributions (``PLDAccountant``): tight, slower.
    case pld

    /// `"rdp"` or `"pld"`.
    public var description: String { rawValue }

    /// A fresh accountant of this kind with default settings.
    public func makeAccountant() -> any PrivacyAccountant {
        switch self {
        case .rdp: RDPAccountant()
        case .pld: PLDAccountant()
        }
    }

    /// ε(δ) of `steps` steps of the Poisson-subsampled Gaussian mechanism.
    /// - Parameters:
    ///   - noiseMultiplier: σ > 0.
    ///   - samplingRate: q ∈ (0, 1].
    ///   - steps: T ≥ 1.
    ///   - delta: δ ∈ (0, 1).
    /// - Throws: ``PrivacyError`` for any parameter out of range.
    public func epsilon(noiseMultiplier: Double, samplingRate: Double, steps: Int, delta: Double) throws -> Double {
        var accountant = makeAccountant()
        try accountant.record(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, steps: steps)
        return try accountant.epsilon(delta: delta)
    }
}

/// A privacy accountant: records the steps of a training run and reports the (ε, δ) spent.
///
/// Following Opacus's split, conforming types hold only the compressed history of
/// (σ, q, steps); the mathematics lives in the pure ``RDPAnalysis`` and ``PLDAnalysis``.
public protocol PrivacyAccountant: Sendable {
    /// Which family this accountant belongs to.
    var kind: AccountantKind { get }
    /// The compressed history, oldest first.
    var history: [AccountingEntry] { get }
    /// Records `steps` steps of the Poisson-subsampled Gaussian mechanism.
    /// - Parameters:
    ///   - noiseMultiplier: σ > 0 (noise std / clipping norm).
    ///   - samplingRate: q ∈ (0, 1].
    ///   - steps: T ≥ 1.
    /// - Throws: ``PrivacyError`` for any parameter out of range.
    mutating func record(noiseMultiplier: Double, samplingRate: Double, steps: Int) throws
    /// The ε spent so far at the given δ.
    /// - Parameter delta: δ ∈ (0, 1).
    /// - Throws: ``PrivacyError`` for δ ∉ (0, 1).
    func epsilon(delta: Double) throws -> Double
}
