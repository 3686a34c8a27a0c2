import RealModule

/// Finds the noise multiplier that meets a target (ε, δ) for a training schedule.
///
/// ε(σ) decreases in σ for every accountant, so the smallest σ with ε(σ) ≤ ε_target is found by
/// expanding a bracket geometrically from σ = 1 within `bounds` and then bisecting on log σ
/// (as dp-accounting's `calibrate_dp_mechanism`, which bisects with an explicit bracket).
public enum NoiseCalibration {
    /// The smallest noise multiplier σ (within `relativeTolerance`) whose ε at δ after `steps`
    /// Poisson-subsampled Gaussian steps is ≤ `targetEpsilon`.
    ///
    /// If even `bounds.lowerBound` meets the target, that lower bound is returned.
    /// - Parameters:
    ///   - targetEpsilon: ε > 0.
    ///   - delta: δ ∈ (0, 1).
    ///   - samplingRate: q ∈ (0, 1].
    ///   - steps: T ≥ 1.
    ///   - accountant: ``AccountantKind/rdp`` (default) or ``AccountantKind/pld``.
    ///   - bounds: the allowed range of σ (default 0.05 … 500).
    ///   - relativeTolerance: the relative width of the final bracket (default 1e-6).
    ///   - pldValueDiscretizationInterval: the PLD grid h when `accountant` is `.pld` (default
    ///     2e-5, as ``PLDAccountant``; each evaluation then takes ~0.5–1 s in release for
    ///     T = 1000, q = 0.01 — use 5e-5 with a looser tolerance for interactive use).
    /// - Returns: σ with ε(σ) ≤ `targetEpsilon`.
    /// - Throws: ``PrivacyError`` for bad parameters, and `.unreachableTarget` (with the smallest
    ///   reachable ε) when even `bounds.upperBound` spends more than the target.
    public static func noiseMultiplier(
        targetEpsilon: Double, delta: Double, samplingRate: Double, steps: Int,
        accountant: AccountantKind = .rdp, bounds: ClosedRange<Double> = 0.05...500,
        relativeTolerance: Double = 1e-6, pldValueDiscretizationInterval: Double = 2e-5
    ) throws -> Double {
        try PrivacyValidation.epsilon(targetEpsilon)
        try PrivacyValidation.delta(delta)
        try PrivacyValidation.samplingRate(samplingRate)
        try PrivacyValidation.steps(steps)
        guard pldValueDiscretizationInterval > 0, pldValueDiscretizationInterval <= 1 else {
            throw PrivacyError(
                code: .invalidParameter,
                message: "PLD discretization interval must be in (0, 1], got \(pldValueDiscretizationInterval)")
        }
        func spent(_ sigma: Double) throws -> Double {
            var tracker: any PrivacyAccountant =
                switch accountant {
                case .rdp: RDPAccountant()
                case .pld: PLDAccountant(valueDiscretizationInterval: pldValueDiscretizationInterval)
                }
            try tracker.record(noiseMultiplier: sigma, samplingRate: samplingRate, steps: steps)
            return try tracker.epsilon(delta: delta)
        }
        return try smallestNoise(
            targetEpsilon: targetEpsilon, bounds: bounds, relativeTolerance: relativeTolerance,
            context: "q = \(samplingRate), steps = \(steps), delta = \(delta), \(accountant) accountant",
            epsilonOf: spent)
    }

    /// The smallest noise parameter σ in `bounds` (within `relativeTolerance`) whose spent ε,
    /// given by `epsilonOf`, is ≤ `targetEpsilon`, for any mechanism whose ε decreases in σ
    /// (the search behind ``noiseMultiplier(targetEpsilon:delta:samplingRate:steps:accountant:bounds:relativeTolerance:pldValueDiscretizationInterval:)``,
    /// also used for the distributed discrete Gaussian).
    /// - Parameters:
    ///   - targetEpsilon: ε > 0.
    ///   - bounds: the allowed range of σ (finite, > 0).
    ///   - relativeTolerance: the relative width of the final bracket, in (0, 1).
    ///   - context: a description of the schedule for the unreachable-target message.
    ///   - epsilonOf: ε spent with noise σ.
    /// - Returns: σ with ε(σ) ≤ `targetEpsilon` (`bounds.lowerBound` if that already meets it).
    /// - Throws: ``PrivacyError`` `.invalidEpsilon`/`.invalidParameter` for bad arguments,
    ///   `.unreachableTarget` (naming the smallest reachable ε) when `bounds.upperBound` spends
    ///   more than the target, and whatever `epsilonOf` throws.
    public static func smallestNoise(
        targetEpsilon: Double, bounds: ClosedRange<Double>, relativeTolerance: Double = 1e-6, context: String,
        epsilonOf spent: (Double) throws -> Double
    ) throws -> Double {
        try PrivacyValidation.epsilon(targetEpsilon)
        guard bounds.lowerBound > 0, bounds.upperBound.isFinite else {
            throw PrivacyError(
                code: .invalidParameter, message: "noise multiplier bounds must be finite and > 0, got \(bounds)")
        }
        guard relativeTolerance > 0, relativeTolerance < 1 else {
            throw PrivacyError(
                code: .invalidParameter, message: "relative tolerance must be in (0, 1), got \(relativeTolerance)")
        }
        var low = Swift.min(Swift.max(1, bounds.lowerBound), bounds.upperBound)
        var high = low
        if try spent(low) <= targetEpsilon {
            // Walk down until the target is missed (or the lower bound meets it).
            while true {
                if low <= bounds.lowerBound { return bounds.lowerBound }
                let next = Swift.max(bounds.lowerBound, low / 2)
                if try spent(next) > targetEpsilon {
                    high = low
                    low = next
                    break
                }
                low = next
            }
        } else {
            // Walk up until the target is met.
            while true {
                if high >= bounds.upperBound {
                    let best = try spent(bounds.upperBound)
                    throw PrivacyError(
                        code: .unreachableTarget,
                        message:
                            "target epsilon \(targetEpsilon) is unreachable with noise multiplier ≤ \(bounds.upperBound) "
                            + "(\(context)); the smallest reachable epsilon is \(best): targets ≥ \(best) are reachable "
                            + "(or allow more noise, fewer steps or a smaller sampling rate)")
                }
                let next = Swift.min(bounds.upperBound, high * 2)
                if try spent(next) <= targetEpsilon {
                    low = high
                    high = next
                    break
                }
                high = next
                low = high
            }
        }
        // Invariant: ε(low) > target ≥ ε(high).
        while high / low - 1 > relativeTolerance {
            let middle = (low * high).squareRoot()
            if try spent(middle) > targetEpsilon { low = middle } else { high = middle }
        }
        return high
    }
}
