/// The industry-standard rate-1/2 convolutional code of constraint length K = 7 with
/// generators (133, 171) octal — the code of IEEE 802.11a/g (§17.3.5.6), DVB-S and CCSDS —
/// zero-tail terminated, optionally punctured to rate 2/3 or 3/4, with a soft-decision
/// Viterbi decoder.
///
/// ## Encoder
/// With input bits `u_t` (and `u_t = 0` for `t < 0`), each input bit produces two output bits,
/// sent in the order A then B:
/// - `A_t = u_t ⊕ u_{t−2} ⊕ u_{t−3} ⊕ u_{t−5} ⊕ u_{t−6}`  (g₀ = 133₈ = 1011011₂),
/// - `B_t = u_t ⊕ u_{t−1} ⊕ u_{t−2} ⊕ u_{t−3} ⊕ u_{t−6}`  (g₁ = 171₈ = 1111001₂),
///
/// the most significant generator bit tapping the current input `u_t` (as in 802.11 Fig. 17-8).
/// After the `k` message bits, 6 zero tail bits return the encoder to state 0, so the mother
/// code word has `2(k + 6)` bits. Example: the single input bit `1` gives the impulse response
/// `11 01 11 11 00 10 11` (A_t B_t for t = 0…6), i.e. the generator taps read MSB first.
///
/// ## Puncturing (IEEE 802.11-2020 §17.3.5.7)
/// The mother stream `A₀B₀A₁B₁…` (tail included) is punctured periodically; 1 = sent, 0 = deleted:
/// - rate 1/2: no puncturing;
/// - rate 2/3: period 2, A: `[1 1]`, B: `[1 0]` → sends `A₀ B₀ A₁` per 2 input bits;
/// - rate 3/4: period 3, A: `[1 1 0]`, B: `[1 0 1]` → sends `A₀ B₀ A₁ B₂` per 3 input bits.
///
/// The depuncturer puts LLR 0 (an erasure) at every deleted position.
///
/// ## Decoder
/// Soft-decision Viterbi (Viterbi, IEEE Trans. Inf. Theory 13(2), 1967; Forney, Proc. IEEE
/// 61(3), 1973) over the 64-state terminated trellis with the max-log / correlation metric:
/// a branch with output bits `(a, b)` scores `(1 − 2a)·L_A + (1 − 2b)·L_B`, the path with the
/// largest total score is the maximum-likelihood code word for BPSK/AWGN LLRs. LLRs follow the
/// module convention `L = ln P(b = 0 | y) / P(b = 1 | y)` (positive favours 0). The decoder keeps
/// one 64-bit survivor decision word per trellis step and traces back once from state 0 over the
/// whole block (no sliding window), so it is exact ML; memory is 8 bytes per step.
///
/// ```swift
/// let code = ConvolutionalCode(rate: .threeQuarters)
/// let coded = try code.encode(message)                 // code.encodedLength(informationBitCount:) bits
/// let decoded = try code.decode(llrs, informationBitCount: message.count)
/// ```
public struct ConvolutionalCode: Sendable, Hashable {
    /// The code rate after puncturing.
    public enum Rate: String, CaseIterable, Sendable, Hashable, Codable {
        /// Rate 1/2: the mother code, no puncturing.
        case oneHalf = "1/2"
        /// Rate 2/3: puncturing pattern A `[1 1]`, B `[1 0]`.
        case twoThirds = "2/3"
        /// Rate 3/4: puncturing pattern A `[1 1 0]`, B `[1 0 1]`.
        case threeQuarters = "3/4"

        /// The rate as a number (message bits per coded bit, tail ignored).
        public var value: Double {
            switch self {
            case .oneHalf: 0.5
            case .twoThirds: 2.0 / 3.0
            case .threeQuarters: 0.75
            }
        }

        /// The puncturing pattern over one period, interleaved as the mother stream
        /// `[A₀, B₀, A₁, B₁, …]`; 1 = sent, 0 = deleted.
        public var puncturingPattern: [UInt8] {
            switch self {
            case .oneHalf: [1, 1]
            case .twoThirds: [1, 1, 1, 0]
            case .threeQuarters: [1, 1, 1, 0, 0, 1]
            }
        }
    }

    /// Constraint length K (memory K − 1 = 6, 64 states).
    public static let constraintLength = 7
    /// Generator polynomials in octal notation: 133₈ (output A) and 171₈ (output B).
    public static let generators: (a: Int, b: Int) = (0o133, 0o171)
    /// Zero tail bits appended to terminate the trellis.
    public static let tailBitCount = 6

    /// The rate after puncturing.
    public let rate: Rate

    /// A K = 7 (133, 171) code at the given rate.
    public init(rate: Rate = .oneHalf) {
        self.rate = rate
    }

    /// Number of transmitted bits for `informationBitCount` message bits (tail and puncturing included).
    /// - Precondition: `informationBitCount ≥ 0`.
    public func encodedLength(informationBitCount: Int) -> Int {
        precondition(informationBitCount >= 0, "informationBitCount must be ≥ 0, got \(informationBitCount)")
        let motherLength = 2 * (informationBitCount + Self.tailBitCount)
        let pattern = rate.puncturingPattern
        let kept = pattern.reduce(0) { $0 + Int($1) }
        var length = (motherLength / pattern.count) * kept
        for i in 0..<(motherLength % pattern.count) { length += Int(pattern[i]) }
        return length
    }

    /// Encodes, terminates with 6 zero tail bits and punctures.
    /// - Parameter bits: `[k]` message bits (0/1).
    /// - Returns: `[encodedLength(informationBitCount: k)]` coded bits.
    /// - Throws: ``ChannelsError`` `.nonBinaryInput` if a bit is not 0 or 1.
    public func encode(_ bits: [UInt8]) throws -> [UInt8] {
        try ChannelsError.checkCodingBits(bits, field: "bits")
        let mother = Self.encodeMother(bits)
        return puncture(mother)
    }

    /// Soft-decision Viterbi decoding of a (punctured) code word.
    /// - Parameters:
    ///   - llrs: `[encodedLength(informationBitCount: k)]` LLRs, `ln P(b = 0) / P(b = 1)`.
    ///     Infinite LLRs are clamped to ±1e6.
    ///   - informationBitCount: `k`, the message length.
    /// - Returns: `[k]` decoded message bits.
    /// - Throws: ``ChannelsError`` `.invalidLength` naming expected and actual length,
    ///   `.nonFiniteInput` for a NaN LLR.
    /// - Complexity: O(64 · (k + 6)) time, 8 · (k + 6) bytes of survivor memory.
    public func decode(_ llrs: [Float], informationBitCount: Int) throws -> [UInt8] {
        let mother = try depuncture(llrs, informationBitCount: informationBitCount)
        return Self.viterbiDecode(motherLLRs: mother, informationBitCount: informationBitCount)
    }

    /// Deletes the punctured positions from a mother code word (or from its LLRs).
    /// - Parameter mother: `[2(k + 6)]` mother-code values in the order `A₀ B₀ A₁ B₁ …`.
    /// - Returns: the kept values in order, `[encodedLength(informationBitCount: k)]`.
    /// - Precondition: `mother.count` is even.
    public func puncture<Element>(_ mother: [Element]) -> [Element] {
        precondition(mother.count % 2 == 0, "mother code word length must be even, got \(mother.count)")
        let pattern = rate.puncturingPattern
        if pattern.allSatisfy({ $0 == 1 }) { return mother }
        var out: [Element] = []
        out.reserveCapacity(mother.count)
        for (i, value) in mother.enumerated() where pattern[i % pattern.count] == 1 { out.append(value) }
        return out
    }

    /// Re-inserts erasures (LLR 0) at the punctured positions.
    /// - Parameters:
    ///   - llrs: `[encodedLength(informationBitCount: k)]` received LLRs.
    ///   - informationBitCount: `k`.
    /// - Returns: `[2(k + 6)]` mother-code LLRs, 0 where a bit was not sent.
    /// - Throws: ``ChannelsError`` `.invalidLength` naming expected and actual length,
    ///   `.nonFiniteInput` for a NaN LLR.
    public func depuncture(_ llrs: [Float], informationBitCount: Int) throws -> [Float] {
        try ChannelsError.checkCodingLength(
            "convolutional K=7 rate \(rate.rawValue) LLRs",
            expected: encodedLength(informationBitCount: informationBitCount), actual: llrs.count)
        if let offset = llrs.firstIndex(where: { $0.isNaN }) {
            throw ChannelsError(code: .nonFiniteInput, message: "llrs[\(offset)] is NaN")
        }
        let pattern = rate.puncturingPattern
        let motherLength = 2 * (informationBitCount + Self.tailBitCount)
        var out = [Float](repeating: 0, count: motherLength)
        var next = 0
        for i in 0..<motherLength where pattern[i % pattern.count] == 1 {
            out[i] = llrs[next]
            next += 1
        }
        return out
    }

    /// The unpunctured, zero-tail-terminated rate-1/2 code word `A₀ B₀ A₁ B₁ …` of `bits`.
    /// - Parameter bits: `[k]` message bits (0/1).
    /// - Returns: `[2(k + 6)]` bits.
    /// - Precondition: every bit is 0 or 1.
    public static func encodeMother(_ bits: [UInt8]) -> [UInt8] {
        let steps = bits.count + tailBitCount
        var out = [UInt8](repeating: 0, count: 2 * steps)
        var state = 0  // bit 5 = u_{t-1}, …, bit 0 = u_{t-6}
        for t in 0..<steps {
            let u = t < bits.count ? Int(bits[t]) : 0
            precondition(u <= 1, "convolutional encoder needs bits of 0 or 1, got \(u) at offset \(t)")
            let register = (u << 6) | state
            out[2 * t] = UInt8((register & generators.a).nonzeroBitCount & 1)
            out[2 * t + 1] = UInt8((register & generators.b).nonzeroBitCount & 1)
            state = register >> 1
        }
        return out
    }

    /// Soft Viterbi decoding of an unpunctured, terminated mother code word.
    ///
    /// Uses the butterfly structure of the trellis: states `2j` and `2j + 1` both lead to states
    /// `j` (input 0) and `j + 32` (input 1), and because both generators tap the newest and the
    /// oldest bit, the four branch outputs of a butterfly are one output pair and its complement.
    /// One table of 32 output labels therefore describes the whole trellis.
    ///
    /// - Parameters:
    ///   - motherLLRs: `[2(k + 6)]` LLRs in the order `A₀ B₀ A₁ B₁ …` (0 = erased).
    ///   - informationBitCount: `k`.
    /// - Returns: `[k]` decoded bits.
    /// - Precondition: `motherLLRs.count == 2(k + 6)`.
    public static func viterbiDecode(motherLLRs: [Float], informationBitCount: Int) -> [UInt8] {
        let steps = informationBitCount + tailBitCount
        precondition(
            informationBitCount >= 0 && motherLLRs.count == 2 * steps,
            "Viterbi needs 2(k + 6) = \(2 * max(steps, 0)) mother LLRs for k = \(informationBitCount), got \(motherLLRs.count)"
        )
        let clampLimit: Float = 1e6
        var decisions = [UInt64](repeating: 0, count: steps)
        // Two banks of 64 path metrics (current, next).
        var metrics = [Float](repeating: -Float.infinity, count: 128)
        metrics[0] = 0
        var current = 0
        convolutionalButterflyLabels.withUnsafeBufferPointer { labels in
            motherLLRs.withUnsafeBufferPointer { llr in
                decisions.withUnsafeMutableBufferPointer { decision in
                    metrics.withUnsafeMutableBufferPointer { pm in
                        var branch: (Float, Float, Float, Float) = (0, 0, 0, 0)
                        for t in 0..<steps {
                            let la = min(max(llr[2 * t], -clampLimit), clampLimit)
                            let lb = min(max(llr[2 * t + 1], -clampLimit), clampLimit)
                            // Branch score of output label (a << 1 | b): (1 − 2a)·la + (1 − 2b)·lb.
                            branch = (la + lb, la - lb, lb - la, -la - lb)
                            let old = pm.baseAddress! + current  // non-nil: 128 elements
                            let new = pm.baseAddress! + (64 - current)
                            var word: UInt64 = 0
                            for j in 0..<32 {
                                let m: Float
                                switch labels[j] {
                                case 0: m = branch.0
                                case 1: m = branch.1
                                case 2: m = branch.2
                                default: m = branch.3
                                }
                                let p0 = old[2 * j], p1 = old[2 * j + 1]
                                // To state j (input 0): from 2j with +m, from 2j + 1 with −m.
                                let a0 = p0 + m, a1 = p1 - m
                                // To state j + 32 (input 1): from 2j with −m, from 2j + 1 with +m.
                                let b0 = p0 - m, b1 = p1 + m
                                if a1 > a0 {
                                    new[j] = a1
                                    word |= 1 << UInt64(j)
                                } else {
                                    new[j] = a0
                                }
                                if b1 > b0 {
                                    new[j + 32] = b1
                                    word |= 1 << UInt64(j + 32)
                                } else {
                                    new[j + 32] = b0
                                }
                            }
                            decision[t] = word
                            current = 64 - current
                            // Keep metrics bounded: state 0 stays reachable, so new[0] is finite.
                            if t & 7 == 7 {
                                let reference = new[0]
                                for s in 0..<64 { new[s] -= reference }
                            }
                        }
                    }
                }
            }
        }
        // Trace back from the terminating state 0.
        var out = [UInt8](repeating: 0, count: informationBitCount)
        var state = 0
        var t = steps - 1
        while t >= 0 {
            let input = state >> 5
            if t < informationBitCount { out[t] = UInt8(input) }
            let chosen = Int((decisions[t] >> UInt64(state)) & 1)
            state = ((state & 31) << 1) | chosen
            t -= 1
        }
        return out
    }
}

/// Output label `(A << 1) | B` of the branch from state `2j` with input 0, for `j` in 0..<32.
/// The other three branches of butterfly `j` are its complements (see `viterbiDecode`).
private let convolutionalButterflyLabels: [UInt8] = (0..<32).map { j -> UInt8 in
    let register = 2 * j  // input bit 0 at position 6, state 2j below it
    let a = (register & ConvolutionalCode.generators.a).nonzeroBitCount & 1
    let b = (register & ConvolutionalCode.generators.b).nonzeroBitCount & 1
    return UInt8((a << 1) | b)
}
