/// Turns each party's processed measurements into bits, with the public index exchange the
/// scheme needs. Bits are `UInt8` 0/1.
///
/// - ``threshold(_:)``: one bit per sample, `x > θ` with `θ` the party's own mean or median
///   (Azimi-Sadjadi et al., "Robust key generation from signal envelopes in wireless networks",
///   CCS 2007). No exchange.
/// - ``levelCrossing(alpha:minimumRun:)``: Mathur et al. (MobiCom 2008): thresholds
///   `q± = μ ± α·σ`; Alice finds excursions (maximal runs of at least `m` consecutive samples
///   above `q+` or below `q−`) and announces the index of each excursion's centre; Bob accepts an
///   index when his own run through it lies on the same side and is at least `m − 1` samples long,
///   and announces the accepted indices; each accepted excursion gives one bit (1 above, 0 below).
/// - ``multibit(bitsPerSample:guardBand:)``: Jana et al. (MobiCom 2009, adaptive multi-bit
///   quantization): in the party's own empirical-CDF (rank) units, `2^b` levels of equal mass
///   `(1 − g)/2^b` separated by `2^b − 1` guard bands of mass `g/(2^b − 1)` each (so the kept
///   levels stay equiprobable and the bits unbiased); Alice announces the indices of her samples
///   inside a guard band, both drop them, Bob quantizes the rest with thresholds at the guard
///   bands' midpoints, and each kept sample gives the `b`-bit Gray code of its level (so a
///   one-level error costs one bit).
///
/// Eavesdroppers quantize their own measurements in the same way and use the same public index
/// lists (they hear every announcement): a threshold bit of their own sample at each kept index.
public enum Quantizer: Sendable, Hashable, CustomStringConvertible {
    /// The statistic of a one-bit threshold quantizer.
    public enum Statistic: String, Sendable, Hashable, CaseIterable {
        case mean, median
    }

    /// One bit per sample against the party's own mean or median.
    case threshold(Statistic)
    /// Level crossing with thresholds `μ ± α·σ` and excursions of at least `minimumRun` samples.
    case levelCrossing(alpha: Double, minimumRun: Int)
    /// `bitsPerSample`-bit Gray quantization with a fraction `guardBand` of each party's samples
    /// in guard bands.
    case multibit(bitsPerSample: Int, guardBand: Double)

    /// The CLI names: `mean`, `median`, `level-crossing`, `multibit`.
    public static let names = ["mean", "median", "level-crossing", "multibit"]

    /// The quantizer named `name` with the given (or default) parameters.
    /// - Parameters:
    ///   - name: one of ``names``.
    ///   - alpha: level-crossing `α` (default 0.2).
    ///   - minimumRun: level-crossing `m` (default 2).
    ///   - bitsPerSample: multibit `b` (default 2).
    ///   - guardBand: multibit `g`, the fraction of samples in guard bands (default 0.3).
    /// - Throws: ``SecretKeyGenerationError/Code/unknownName`` or an out-of-range parameter.
    public static func named(
        _ name: String, alpha: Double = 0.2, minimumRun: Int = 2, bitsPerSample: Int = 2, guardBand: Double = 0.3
    ) throws(SecretKeyGenerationError) -> Quantizer {
        let quantizer: Quantizer
        switch name.lowercased() {
        case "mean": quantizer = .threshold(.mean)
        case "median": quantizer = .threshold(.median)
        case "level-crossing": quantizer = .levelCrossing(alpha: alpha, minimumRun: minimumRun)
        case "multibit": quantizer = .multibit(bitsPerSample: bitsPerSample, guardBand: guardBand)
        default:
            throw SecretKeyGenerationError(
                code: .unknownName, message: "unknown quantizer '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
        try quantizer.validate()
        return quantizer
    }

    /// `mean`, `median`, `level-crossing` or `multibit`.
    public var name: String {
        switch self {
        case .threshold(let s): s.rawValue
        case .levelCrossing: "level-crossing"
        case .multibit: "multibit"
        }
    }

    public var description: String {
        switch self {
        case .threshold(let s): s.rawValue
        case .levelCrossing(let a, let m): "level-crossing(α=\(a), m=\(m))"
        case .multibit(let b, let g): "multibit(\(b) bits, guard fraction \(g))"
        }
    }

    /// Whether the quantizer wants decorrelated input (the DCT of ``Preprocessing``): level
    /// crossing looks for runs in the time series and does not.
    public var prefersDecorrelatedInput: Bool {
        if case .levelCrossing = self { return false }
        return true
    }

    /// Checks the parameters: `0 ≤ α ≤ 3`, `1 ≤ m ≤ 64`, `1 ≤ b ≤ 4`, `0 ≤ g ≤ 0.9`.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidParameter`` naming the parameter.
    public func validate() throws(SecretKeyGenerationError) {
        switch self {
        case .threshold: return
        case .levelCrossing(let alpha, let m):
            guard alpha.isFinite, alpha >= 0, alpha <= 3 else {
                throw SecretKeyGenerationError(
                    code: .invalidParameter, message: "level-crossing alpha must be in [0, 3], got \(alpha)")
            }
            guard m >= 1, m <= 64 else {
                throw SecretKeyGenerationError(
                    code: .invalidParameter, message: "level-crossing minimum run m must be in 1…64, got \(m)")
            }
        case .multibit(let b, let g):
            guard b >= 1, b <= 4 else {
                throw SecretKeyGenerationError(
                    code: .invalidParameter, message: "multibit bits per sample must be in 1…4, got \(b)")
            }
            guard g.isFinite, g >= 0, g <= 0.9 else {
                throw SecretKeyGenerationError(
                    code: .invalidParameter, message: "multibit guard band must be a fraction in [0, 0.9], got \(g)")
            }
        }
    }

    /// Quantizes one session.
    /// - Parameters:
    ///   - alice, bob: the two parties' processed sequences (same length).
    ///   - eves: each eavesdropper's processed sequence (same length).
    /// - Returns: the bit strings and the number of indices announced publicly.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidInput`` for sequences of different lengths.
    public func quantize(alice: [Double], bob: [Double], eves: [[Double]] = []) throws(SecretKeyGenerationError)
        -> QuantizationOutcome
    {
        try validate()
        guard bob.count == alice.count, eves.allSatisfy({ $0.count == alice.count }) else {
            throw SecretKeyGenerationError(
                code: .invalidInput,
                message: "all parties need sequences of the same length; Alice \(alice.count), Bob \(bob.count), "
                    + "eavesdroppers \(eves.map(\.count))")
        }
        switch self {
        case .threshold(let statistic):
            func bits(_ x: [Double]) -> [UInt8] {
                let theta = statistic == .mean ? Statistics.mean(x) : Statistics.quantile(x, 0.5)
                return x.map { $0 > theta ? 1 : 0 }
            }
            return QuantizationOutcome(
                alice: bits(alice), bob: bits(bob), eves: eves.map(bits), keptIndices: Array(alice.indices),
                announcedIndices: 0)
        case .levelCrossing(let alpha, let m):
            return Self.levelCrossing(alice: alice, bob: bob, eves: eves, alpha: alpha, m: m)
        case .multibit(let b, let g):
            return Self.multibit(alice: alice, bob: bob, eves: eves, bits: b, guardBand: g)
        }
    }

    /// Above (`+1`), below (`−1`) or between (`0`) the level-crossing thresholds.
    static func levelStates(_ x: [Double], alpha: Double) -> [Int] {
        let mu = Statistics.mean(x)
        let sigma = Statistics.standardDeviation(x)
        return x.map { $0 > mu + alpha * sigma ? 1 : ($0 < mu - alpha * sigma ? -1 : 0) }
    }

    /// Maximal runs `(start, length, state)` of equal non-zero states.
    static func runs(_ states: [Int]) -> [(start: Int, length: Int, state: Int)] {
        var out: [(Int, Int, Int)] = []
        var i = 0
        while i < states.count {
            var j = i
            while j + 1 < states.count && states[j + 1] == states[i] { j += 1 }
            if states[i] != 0 { out.append((i, j - i + 1, states[i])) }
            i = j + 1
        }
        return out
    }

    static func levelCrossing(alice: [Double], bob: [Double], eves: [[Double]], alpha: Double, m: Int)
        -> QuantizationOutcome
    {
        let aliceStates = levelStates(alice, alpha: alpha)
        let bobStates = levelStates(bob, alpha: alpha)
        // Alice announces the centre of every excursion of ≥ m samples.
        let candidates = runs(aliceStates).filter { $0.length >= m }.map { (index: $0.start + $0.length / 2, state: $0.state) }
        // Bob's run length through each index.
        var bobRunLength = [Int](repeating: 0, count: bob.count)
        for run in runs(bobStates) {
            for i in run.start..<(run.start + run.length) { bobRunLength[i] = run.length }
        }
        var kept: [Int] = []
        var aliceBits: [UInt8] = []
        var bobBits: [UInt8] = []
        for c in candidates where bobStates[c.index] != 0 && bobRunLength[c.index] >= Swift.max(1, m - 1) {
            kept.append(c.index)
            aliceBits.append(c.state > 0 ? 1 : 0)
            bobBits.append(bobStates[c.index] > 0 ? 1 : 0)
        }
        let eveBits = eves.map { x -> [UInt8] in
            let mu = Statistics.mean(x)
            return kept.map { x[$0] > mu ? 1 : 0 }
        }
        return QuantizationOutcome(
            alice: aliceBits, bob: bobBits, eves: eveBits, keptIndices: kept,
            announcedIndices: candidates.count + kept.count)
    }

    static func multibit(alice: [Double], bob: [Double], eves: [[Double]], bits: Int, guardBand: Double)
        -> QuantizationOutcome
    {
        let levels = 1 << bits
        // In rank (empirical CDF) units: L levels of mass w separated by L − 1 guard bands of mass g/(L − 1).
        let band = levels > 1 ? guardBand / Double(levels - 1) : 0
        let width = (1 - guardBand) / Double(levels)
        /// Level of each sample (nil inside a guard band) from its own rank.
        func classify(_ x: [Double], guarded: Bool) -> [Int?] {
            let order = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
            var out = [Int?](repeating: nil, count: x.count)
            for (rank, i) in order.enumerated() {
                let r = (Double(rank) + 0.5) / Double(x.count)
                if !guarded {  // boundaries at the guard bands' midpoints
                    out[i] = Swift.min(levels - 1, Int((r + band / 2) / (width + band)))
                    continue
                }
                let level = Swift.min(levels - 1, Int(r / (width + band)))
                out[i] = r - Double(level) * (width + band) <= width ? level : nil
            }
            return out
        }
        func gray(_ assigned: [Int?], _ kept: [Int]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(kept.count * bits)
            for i in kept {
                let l = assigned[i] ?? 0
                let g = l ^ (l >> 1)
                for j in stride(from: bits - 1, through: 0, by: -1) { out.append(UInt8((g >> j) & 1)) }
            }
            return out
        }
        // Alice announces her samples inside guard bands; Bob (and every eavesdropper) quantizes
        // the kept indices with thresholds at the guard bands' midpoints. (Bob announcing his own
        // guarded samples too would lower the disagreement but bias the bits: inner levels border
        // two guard bands and would lose more samples.)
        let aliceLevels = classify(alice, guarded: true)
        let kept = alice.indices.filter { aliceLevels[$0] != nil }
        return QuantizationOutcome(
            alice: gray(aliceLevels, kept), bob: gray(classify(bob, guarded: false), kept),
            eves: eves.map { gray(classify($0, guarded: false), kept) }, keptIndices: kept,
            announcedIndices: alice.count - kept.count)
    }
}

/// The bits of one quantized session and what was announced.
public struct QuantizationOutcome: Sendable, Hashable {
    /// Alice's bits (0/1).
    public var alice: [UInt8]
    /// Bob's bits (0/1), same length.
    public var bob: [UInt8]
    /// Each eavesdropper's bits (0/1), same length.
    public var eves: [[UInt8]]
    /// The sample indices that produced bits (public).
    public var keptIndices: [Int]
    /// How many indices the parties announced (public side information about which samples are
    /// near a threshold; it reveals nothing about the kept samples' levels).
    public var announcedIndices: Int

    /// Creates an outcome.
    public init(alice: [UInt8], bob: [UInt8], eves: [[UInt8]], keptIndices: [Int], announcedIndices: Int) {
        self.alice = alice
        self.bob = bob
        self.eves = eves
        self.keptIndices = keptIndices
        self.announcedIndices = announcedIndices
    }
}

/// Small sample statistics.
enum Statistics {
    static func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// The `q`-quantile with linear interpolation between order statistics (type 7).
    static func quantile(_ x: [Double], _ q: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        let sorted = x.sorted()
        let position = q * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (position - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
