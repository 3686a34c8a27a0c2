import RealModule

/// Min-entropy estimates of a binary source from NIST SP 800-90B (Turan et al., "Recommendation
/// for the entropy sources used for random bit generation", 2018), per bit.
///
/// SP 800-90B assesses a *source* from a large sample of its output, not one output string: the
/// key-generation run applies these to the pooled reconciled bits of calibration sessions and
/// credits each session's `n` bits with `n·h`.
public enum MinEntropy {
    /// The most-common-value estimate (§6.3.1): `p̂` = the frequency of the more common bit,
    /// `p_u = min(1, p̂ + 2.576·√(p̂(1−p̂)/(L−1)))` (its 99 % upper confidence bound),
    /// `H = −log₂ p_u` bits per bit.
    /// - Precondition: at least 2 bits.
    public static func mostCommonValue(_ bits: [UInt8]) -> Double {
        precondition(bits.count >= 2, "the MCV estimate needs at least 2 bits, got \(bits.count)")
        let ones = bits.reduce(0) { $0 + Int($1 & 1) }
        let l = Double(bits.count)
        let p = Double(Swift.max(ones, bits.count - ones)) / l
        let upper = Swift.min(1, p + 2.576 * (p * (1 - p) / (l - 1)).squareRoot())
        return -Double.log2(upper)
    }

    /// The Markov estimate (§6.3.3): a first-order Markov model of the bits (initial
    /// probabilities `P₀, P₁` and transitions `P₀₀, P₀₁, P₁₀, P₁₁`), the probability of the most
    /// likely 128-bit sequence among the six candidates of the standard, `H = min(−log₂ p_max/128, 1)`
    /// bits per bit. It catches correlation between consecutive bits that MCV does not see.
    /// - Precondition: at least 2 bits.
    public static func markov(_ bits: [UInt8]) -> Double {
        precondition(bits.count >= 2, "the Markov estimate needs at least 2 bits, got \(bits.count)")
        var count = [0, 0]
        var transitions = [[0, 0], [0, 0]]
        for (i, b) in bits.enumerated() {
            count[Int(b & 1)] += 1
            if i + 1 < bits.count { transitions[Int(b & 1)][Int(bits[i + 1] & 1)] += 1 }
        }
        let l = Double(bits.count)
        let p0 = Double(count[0]) / l
        let p1 = Double(count[1]) / l
        func transition(_ a: Int, _ b: Int) -> Double {
            let total = transitions[a][0] + transitions[a][1]
            return total == 0 ? 0 : Double(transitions[a][b]) / Double(total)
        }
        let p00 = transition(0, 0), p01 = transition(0, 1), p10 = transition(1, 0), p11 = transition(1, 1)
        func log2(_ x: Double) -> Double { x > 0 ? Double.log2(x) : -Double.infinity }
        let candidates = [
            log2(p0) + 127 * log2(p00),
            log2(p0) + log2(p01) + 126 * log2(p11),
            log2(p0) + 64 * log2(p01) + 63 * log2(p10),
            log2(p1) + log2(p10) + 126 * log2(p00),
            log2(p1) + 64 * log2(p10) + 63 * log2(p01),
            log2(p1) + 127 * log2(p11),
        ]
        let best = candidates.max()!
        return Swift.min(-best / 128, 1)
    }

    /// `min(mostCommonValue, markov)`: the source's per-bit estimate (SP 800-90B takes the lowest
    /// of its estimators).
    public static func estimate(_ bits: [UInt8]) -> Double {
        Swift.min(mostCommonValue(bits), markov(bits))
    }
}
