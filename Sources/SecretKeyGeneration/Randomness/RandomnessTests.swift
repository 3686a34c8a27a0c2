import RealModule

/// A subset of the NIST SP 800-22 Rev. 1a statistical tests (Rukhin et al., "A statistical test
/// suite for random and pseudorandom number generators for cryptographic applications", 2010),
/// each returning its p-value(s); a sequence passes a test at level `α` when every p-value is
/// `≥ α`.
///
/// | test | section | parameter chosen here for `n` bits | needs |
/// |---|---|---|---|
/// | frequency (monobit) | 2.1 | — | n ≥ 100 |
/// | block frequency | 2.2 | `M = max(20, ⌊n/100⌋ + 1)` | n ≥ 100 |
/// | runs | 2.3 | — | n ≥ 100 |
/// | longest run of ones | 2.4 | `M = 8` (n < 6272), `128` (n < 750000) | n ≥ 128 |
/// | DFT (spectral) | 2.6 | — | n ≥ 1000 |
/// | serial (2 p-values) | 2.11 | `m = max(2, ⌊log₂n⌋ − 5)` | n ≥ 100 |
/// | approximate entropy | 2.12 | `m = max(1, ⌊log₂n⌋ − 6)` | n ≥ 100 |
/// | cumulative sums (forward, backward) | 2.13 | — | n ≥ 100 |
///
/// The fixed-parameter functions are public so the worked examples of SP 800-22 can be checked
/// with their own parameters.
public enum RandomnessTests {
    /// A test of the subset.
    public enum Test: String, Sendable, Hashable, CaseIterable, Codable {
        case frequency
        case blockFrequency = "block_frequency"
        case runs
        case longestRun = "longest_run"
        case cumulativeSums = "cumulative_sums"
        case approximateEntropy = "approximate_entropy"
        case serial
        case spectral = "dft"

        /// The shortest sequence this implementation tests.
        public var minimumLength: Int {
            switch self {
            case .longestRun: 128
            case .spectral: 1000
            default: 100
            }
        }
    }

    /// The p-values of `test` on `bits` (one or two), or `nil` when the sequence is shorter than
    /// ``Test/minimumLength``.
    public static func pValues(_ test: Test, _ bits: [UInt8]) -> [Double]? {
        let n = bits.count
        guard n >= test.minimumLength else { return nil }
        let log2n = Int(Double.log2(Double(n)).rounded(.down))
        switch test {
        case .frequency: return [frequency(bits)]
        case .blockFrequency: return [blockFrequency(bits, blockLength: Swift.max(20, n / 100 + 1))]
        case .runs: return [runs(bits)]
        case .longestRun: return [longestRunOfOnes(bits)]
        case .cumulativeSums: return [cumulativeSums(bits, forward: true), cumulativeSums(bits, forward: false)]
        case .approximateEntropy: return [approximateEntropy(bits, blockLength: Swift.max(1, log2n - 6))]
        case .serial:
            let p = serial(bits, blockLength: Swift.max(2, log2n - 5))
            return [p.0, p.1]
        case .spectral: return [spectral(bits)]
        }
    }

    /// Frequency (monobit) test, §2.1: `S = Σ(2εᵢ − 1)`, `p = erfc(|S|/√(2n))`.
    public static func frequency(_ bits: [UInt8]) -> Double {
        let s = bits.reduce(0) { $0 + (Int($1 & 1) * 2 - 1) }
        return RandomnessSpecialFunctions.erfc(Double(abs(s)) / (2 * Double(bits.count)).squareRoot())
    }

    /// Frequency within a block, §2.2: `N = ⌊n/M⌋` blocks, `χ² = 4M Σ(πᵢ − ½)²`,
    /// `p = igamc(N/2, χ²/2)`.
    public static func blockFrequency(_ bits: [UInt8], blockLength m: Int) -> Double {
        let blocks = bits.count / m
        guard blocks > 0 else { return 0 }
        var chi2 = 0.0
        for b in 0..<blocks {
            var ones = 0
            for i in 0..<m { ones += Int(bits[b * m + i] & 1) }
            let pi = Double(ones) / Double(m)
            chi2 += (pi - 0.5) * (pi - 0.5)
        }
        chi2 *= 4 * Double(m)
        return RandomnessSpecialFunctions.igamc(Double(blocks) / 2, chi2 / 2)
    }

    /// Runs test, §2.3: with `π` the fraction of ones (p = 0 if `|π − ½| ≥ 2/√n`, the frequency
    /// pre-test), `V` the number of runs, `p = erfc(|V − 2nπ(1−π)| / (2√(2n)·π(1−π)))`.
    public static func runs(_ bits: [UInt8]) -> Double {
        let n = Double(bits.count)
        let pi = Double(bits.reduce(0) { $0 + Int($1 & 1) }) / n
        guard abs(pi - 0.5) < 2 / n.squareRoot() else { return 0 }
        var v = 1
        for i in 1..<bits.count where bits[i] & 1 != bits[i - 1] & 1 { v += 1 }
        let numerator = abs(Double(v) - 2 * n * pi * (1 - pi))
        return RandomnessSpecialFunctions.erfc(numerator / (2 * (2 * n).squareRoot() * pi * (1 - pi)))
    }

    /// Longest run of ones in a block, §2.4 (`M = 8`, `K = 3` for `n < 6272`; `M = 128`, `K = 5`
    /// below 750 000; `M = 10⁴`, `K = 6` above), `p = igamc(K/2, χ²/2)`.
    public static func longestRunOfOnes(_ bits: [UInt8]) -> Double {
        let n = bits.count
        let m: Int
        let lowest: Int
        let pis: [Double]
        if n < 6272 {
            (m, lowest, pis) = (8, 1, [0.2148, 0.3672, 0.2305, 0.1875])
        } else if n < 750_000 {
            (m, lowest, pis) = (128, 4, [0.1174, 0.2430, 0.2493, 0.1752, 0.1027, 0.1124])
        } else {
            (m, lowest, pis) = (10_000, 10, [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727])
        }
        let blocks = n / m
        var counts = [Int](repeating: 0, count: pis.count)
        for b in 0..<blocks {
            var longest = 0
            var current = 0
            for i in 0..<m {
                if bits[b * m + i] & 1 == 1 {
                    current += 1
                    longest = Swift.max(longest, current)
                } else {
                    current = 0
                }
            }
            counts[Swift.min(pis.count - 1, Swift.max(0, longest - lowest))] += 1
        }
        var chi2 = 0.0
        for (count, pi) in zip(counts, pis) {
            let expected = Double(blocks) * pi
            chi2 += (Double(count) - expected) * (Double(count) - expected) / expected
        }
        return RandomnessSpecialFunctions.igamc(Double(pis.count - 1) / 2, chi2 / 2)
    }

    /// Cumulative sums, §2.13: `z` = the largest `|partial sum|` of `2εᵢ − 1` (forward or
    /// backward), `p = 1 − Σₖ[Φ((4k+1)z/√n) − Φ((4k−1)z/√n)] + Σₖ[Φ((4k+3)z/√n) − Φ((4k+1)z/√n)]`.
    public static func cumulativeSums(_ bits: [UInt8], forward: Bool) -> Double {
        let n = bits.count
        var s = 0
        var z = 0
        for i in 0..<n {
            let bit = bits[forward ? i : n - 1 - i] & 1
            s += Int(bit) * 2 - 1
            z = Swift.max(z, abs(s))
        }
        guard z > 0 else { return 1 }
        let rootN = Double(n).squareRoot()
        let zd = Double(z)
        let phi = RandomnessSpecialFunctions.normalCDF
        // Summation bounds with integer division as in NIST's reference code.
        let ratio = n / z
        var sum1 = 0.0
        for k in stride(from: (-ratio + 1) / 4, through: (ratio - 1) / 4, by: 1) {
            sum1 += phi(Double(4 * k + 1) * zd / rootN) - phi(Double(4 * k - 1) * zd / rootN)
        }
        var sum2 = 0.0
        for k in stride(from: (-ratio - 3) / 4, through: (ratio - 1) / 4, by: 1) {
            sum2 += phi(Double(4 * k + 3) * zd / rootN) - phi(Double(4 * k + 1) * zd / rootN)
        }
        return Swift.min(1, Swift.max(0, 1 - sum1 + sum2))
    }

    /// Frequencies of all overlapping `m`-bit patterns of the sequence extended circularly by
    /// its first `m − 1` bits.
    static func patternCounts(_ bits: [UInt8], _ m: Int) -> [Int] {
        guard m > 0 else { return [bits.count] }
        let n = bits.count
        var counts = [Int](repeating: 0, count: 1 << m)
        for i in 0..<n {
            var pattern = 0
            for j in 0..<m { pattern = pattern << 1 | Int(bits[(i + j) % n] & 1) }
            counts[pattern] += 1
        }
        return counts
    }

    /// Approximate entropy, §2.12: `ApEn = φ(m) − φ(m+1)`, `φ(m) = Σ πᵢ ln πᵢ` over circular
    /// overlapping `m`-bit patterns, `χ² = 2n(ln 2 − ApEn)`, `p = igamc(2^{m−1}, χ²/2)`.
    public static func approximateEntropy(_ bits: [UInt8], blockLength m: Int) -> Double {
        let n = Double(bits.count)
        func phi(_ m: Int) -> Double {
            patternCounts(bits, m).reduce(0.0) { acc, c in
                c == 0 ? acc : acc + Double(c) / n * Double.log(Double(c) / n)
            }
        }
        let apEn = phi(m) - phi(m + 1)
        let chi2 = 2 * n * (Double.log(2) - apEn)
        return RandomnessSpecialFunctions.igamc(Double.pow(2, Double(m - 1)), chi2 / 2)
    }

    /// Serial test, §2.11: `ψ²ₘ = (2ᵐ/n) Σ νᵢ² − n` over circular overlapping patterns,
    /// `∇ψ² = ψ²ₘ − ψ²ₘ₋₁`, `∇²ψ² = ψ²ₘ − 2ψ²ₘ₋₁ + ψ²ₘ₋₂`,
    /// `p₁ = igamc(2^{m−2}, ∇ψ²/2)`, `p₂ = igamc(2^{m−3}, ∇²ψ²/2)`.
    /// - Precondition: `m ≥ 2`.
    public static func serial(_ bits: [UInt8], blockLength m: Int) -> (Double, Double) {
        precondition(m >= 2, "the serial test needs m ≥ 2, got \(m)")
        let n = Double(bits.count)
        func psi2(_ m: Int) -> Double {
            guard m > 0 else { return 0 }
            let sumSquares = patternCounts(bits, m).reduce(0.0) { $0 + Double($1) * Double($1) }
            return Double.pow(2, Double(m)) / n * sumSquares - n
        }
        let (a, b, c) = (psi2(m), psi2(m - 1), psi2(m - 2))
        let p1 = RandomnessSpecialFunctions.igamc(Double.pow(2, Double(m - 2)), Swift.max(0, a - b) / 2)
        let p2 = RandomnessSpecialFunctions.igamc(Double.pow(2, Double(m - 3)), Swift.max(0, a - 2 * b + c) / 2)
        return (p1, p2)
    }

    /// Discrete Fourier transform (spectral) test, §2.6: `X = 2ε − 1`, moduli `|Sⱼ|` of the first
    /// `n/2` DFT coefficients, threshold `T = √(ln(1/0.05)·n)`, `N₀ = 0.95·n/2`, `N₁ = #{|Sⱼ| < T}`,
    /// `d = (N₁ − N₀)/√(n·0.95·0.05/4)`, `p = erfc(|d|/√2)`. (A direct O(n²) DFT.)
    public static func spectral(_ bits: [UInt8]) -> Double {
        let n = bits.count
        let x = bits.map { Double(Int($0 & 1) * 2 - 1) }
        var cosines = [Double](repeating: 0, count: n)
        var sines = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let angle = 2 * Double.pi * Double(k) / Double(n)
            cosines[k] = Double.cos(angle)
            sines[k] = Double.sin(angle)
        }
        let threshold = (Double.log(1 / 0.05) * Double(n)).squareRoot()
        var below = 0
        for j in 0..<(n / 2) {
            var re = 0.0
            var im = 0.0
            var index = 0
            for t in 0..<n {
                re += x[t] * cosines[index]
                im -= x[t] * sines[index]
                index += j
                if index >= n { index -= n }
            }
            if (re * re + im * im).squareRoot() < threshold { below += 1 }
        }
        let expected = 0.95 * Double(n) / 2
        let d = (Double(below) - expected) / (Double(n) * 0.95 * 0.05 / 4).squareRoot()
        return RandomnessSpecialFunctions.erfc(abs(d) / 2.0.squareRoot())
    }
}
