import Channels

/// A channel named on the command line, e.g. `awgn`, `rayleigh`, `rayleigh-nocsi`, `rician:3`,
/// `erasure:0.1` or `burst:0.1:length=8`: what ``LinkEvaluation`` sweeps over.
///
/// Every kind carries AWGN at the SNR of the sweep point (Es/N0 per complex channel use, relative to
/// unit symbol energy — what `PowerNormalization` and the unit-energy constellations of the raw
/// path both transmit), plus:
///
/// | kind | channel | receiver |
/// |---|---|---|
/// | `awgn` | `y = x + n` | — |
/// | `rayleigh` | block Rayleigh fading `y = h·x + n`, `h ~ CN(0, 1)` | perfect CSI, MMSE equalization |
/// | `rayleigh-nocsi` | the same fading | no CSI, no equalization (the decoder sees `h·x + n`) |
/// | `rician` | block Rician fading, K-factor `K` (default 3, linear) | perfect CSI, MMSE |
/// | `erasure` | each complex symbol erased with probability `p` (default 0.1), then AWGN | knows the erasures |
/// | `burst` | Gilbert–Elliott symbol erasures (Gilbert 1960): mean erasure rate `p` (default 0.1), mean burst length `length` symbols (default 4), then AWGN | knows the erasures |
///
/// **Block fading**: by default one coefficient per transmission of one sample (the `k` symbols of
/// a semantic sample, or one whole raw frame) — the quasi-static channel of a short packet.
/// `block=N` sets a coherence length of `N` symbols instead (`FadingCoherence.block`).
///
/// **Syntax**: `kind[:value][:name=value]…`. A bare value is the kind's main parameter (`K` for
/// `rician`, `p` for `erasure` and `burst`); named parameters are `k` (rician), `p` (erasure,
/// burst), `length` (burst) and `block` (the three fading kinds).
///
/// ```swift
/// let spec = try ChannelSpec.parse("rician:5:block=16")
/// let channel = spec.channel(snrDecibels: 10)      // an EvaluationChannel at Es/N0 = 10 dB
/// spec.description                                 // "rician:5:block=16"
/// ```
public struct ChannelSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The family of the channel.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Additive white Gaussian noise only.
        case awgn = "awgn"
        /// Block Rayleigh fading, receiver with perfect CSI and MMSE equalization.
        case rayleigh = "rayleigh"
        /// Block Rayleigh fading, receiver without CSI (no equalization).
        case rayleighNoCSI = "rayleigh-nocsi"
        /// Block Rician fading (K-factor), perfect CSI and MMSE equalization.
        case rician = "rician"
        /// Independent symbol erasures, then AWGN.
        case erasure = "erasure"
        /// Gilbert–Elliott (bursty) symbol erasures, then AWGN.
        case burst = "burst"
    }

    /// The family.
    public var kind: Kind
    /// The Rician K-factor (linear, LOS over scattered power); used by ``Kind/rician``.
    public var kFactor: Double
    /// The (mean) symbol erasure probability; used by ``Kind/erasure`` and ``Kind/burst``.
    public var erasureProbability: Double
    /// The mean length of an erasure burst in symbols; used by ``Kind/burst``.
    public var meanBurstLength: Double
    /// Symbols per fading coefficient, or `nil` for one coefficient per transmitted sample or frame.
    public var coherenceSymbols: Int?

    /// The default Rician K-factor, 3.
    public static let defaultKFactor = 3.0
    /// The default erasure probability, 0.1.
    public static let defaultErasureProbability = 0.1
    /// The default mean burst length, 4 symbols.
    public static let defaultMeanBurstLength = 4.0

    /// Creates a specification.
    /// - Precondition: `kFactor ≥ 0`, `0 ≤ erasureProbability < 1`, `meanBurstLength ≥ 1`,
    ///   `coherenceSymbols ≥ 1` when given, all finite; a burst channel needs
    ///   `erasureProbability ≤ 1 − 1/meanBurstLength` (so that the Markov chain exists).
    public init(
        kind: Kind, kFactor: Double = ChannelSpec.defaultKFactor,
        erasureProbability: Double = ChannelSpec.defaultErasureProbability,
        meanBurstLength: Double = ChannelSpec.defaultMeanBurstLength, coherenceSymbols: Int? = nil
    ) {
        precondition(kFactor.isFinite && kFactor >= 0, "Rician K-factor must be finite and ≥ 0, got \(kFactor)")
        precondition(
            erasureProbability >= 0 && erasureProbability < 1,
            "Erasure probability must be in [0, 1), got \(erasureProbability)")
        precondition(
            meanBurstLength.isFinite && meanBurstLength >= 1, "Mean burst length must be ≥ 1, got \(meanBurstLength)")
        precondition((coherenceSymbols ?? 1) >= 1, "Coherence must be ≥ 1 symbol, got \(coherenceSymbols ?? 0)")
        if kind == .burst {
            precondition(
                erasureProbability <= 1 - 1 / meanBurstLength + 1e-12,
                "Burst erasure rate \(erasureProbability) needs p ≤ 1 − 1/length = \(1 - 1 / meanBurstLength)")
        }
        self.kind = kind
        self.kFactor = kFactor
        self.erasureProbability = erasureProbability
        self.meanBurstLength = meanBurstLength
        self.coherenceSymbols = coherenceSymbols
    }

    /// Parses a specification (see the type's documentation for the syntax).
    /// - Parameter text: e.g. `rician:3`, `erasure:p=0.2`, `rayleigh:block=16`.
    /// - Returns: the specification.
    /// - Throws: ``ExperimentsError`` `.invalidChannelSpec` naming the token that is wrong and what
    ///   was expected.
    public static func parse(_ text: String) throws -> ChannelSpec {
        let tokens = text.trimmingWhitespace().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let first = tokens.first, let kind = Kind(rawValue: first.lowercased()) else {
            throw ExperimentsError(
                code: .invalidChannelSpec,
                message: "channel '\(text)': unknown kind '\(tokens.first ?? "")'; expected one of \(kinds)")
        }
        var k = defaultKFactor
        var p = defaultErasureProbability
        var length = defaultMeanBurstLength
        var block: Int?
        let primary: String? =
            switch kind {
            case .rician: "k"
            case .erasure, .burst: "p"
            case .awgn, .rayleigh, .rayleighNoCSI: nil
            }
        let allowed: [String] =
            switch kind {
            case .awgn: []
            case .rayleigh, .rayleighNoCSI: ["block"]
            case .rician: ["k", "block"]
            case .erasure: ["p"]
            case .burst: ["p", "length"]
            }
        for token in tokens.dropFirst() {
            func fail(_ expected: String) -> ExperimentsError {
                ExperimentsError(code: .invalidChannelSpec, message: "channel '\(text)': token '\(token)' \(expected)")
            }
            let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name: String
            let valueText: String
            if parts.count == 2 {
                name = parts[0].lowercased()
                valueText = parts[1]
            } else if let primary {
                name = primary
                valueText = token
            } else {
                throw fail(
                    "is not a parameter of '\(kind.rawValue)'; expected \(allowed.isEmpty ? "no parameters" : allowed.map { "\($0)=…" }.joined(separator: " or "))"
                )
            }
            guard allowed.contains(name) else {
                throw fail(
                    "names '\(name)', which '\(kind.rawValue)' does not take; expected \(allowed.isEmpty ? "no parameters" : allowed.joined(separator: ", "))"
                )
            }
            guard let value = Double(valueText), value.isFinite else {
                throw fail("has value '\(valueText)', not a finite number")
            }
            switch name {
            case "k":
                guard value >= 0 else { throw fail("needs a K-factor ≥ 0") }
                k = value
            case "p":
                guard value >= 0 && value < 1 else { throw fail("needs an erasure probability in [0, 1)") }
                p = value
            case "length":
                guard value >= 1 else { throw fail("needs a mean burst length ≥ 1 symbol") }
                length = value
            default:  // "block": the only other allowed name
                guard value >= 1, value == value.rounded(), value <= 1e9 else {
                    throw fail("needs a whole number of symbols ≥ 1")
                }
                block = Int(value)
            }
        }
        if kind == .burst && p > 1 - 1 / length + 1e-12 {
            throw ExperimentsError(
                code: .invalidChannelSpec,
                message:
                    "channel '\(text)': erasure rate p must be ≤ 1 − 1/length for bursts of mean length \(format(length))"
            )
        }
        return ChannelSpec(
            kind: kind, kFactor: k, erasureProbability: p, meanBurstLength: length, coherenceSymbols: block)
    }

    /// Parses a comma-separated list of specifications (e.g. `awgn,rayleigh,rician:5`).
    /// - Throws: ``ExperimentsError`` `.invalidChannelSpec` for an empty list or a bad element.
    public static func parseList(_ text: String) throws -> [ChannelSpec] {
        let items = text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !items.isEmpty else {
            throw ExperimentsError(code: .invalidChannelSpec, message: "channel list '\(text)' is empty")
        }
        return try items.map(parse)
    }

    /// The canonical spelling: the kind, its main parameter, and non-default named parameters,
    /// e.g. `awgn`, `rician:3`, `burst:0.1:length=8`, `rayleigh:block=16`. Parses back to `self`.
    public var description: String {
        var parts = [kind.rawValue]
        switch kind {
        case .awgn, .rayleigh, .rayleighNoCSI: break
        case .rician: parts.append(Self.format(kFactor))
        case .erasure: parts.append(Self.format(erasureProbability))
        case .burst:
            parts.append(Self.format(erasureProbability))
            if meanBurstLength != Self.defaultMeanBurstLength { parts.append("length=\(Self.format(meanBurstLength))") }
        }
        if let coherenceSymbols, [.rayleigh, .rayleighNoCSI, .rician].contains(kind) {
            parts.append("block=\(coherenceSymbols)")
        }
        return parts.joined(separator: ":")
    }

    /// A human-readable name for tables and plot titles, e.g. `Rician K = 3 (MMSE, CSI)`.
    public var displayName: String {
        let coherence = coherenceSymbols.map { ", \($0)-symbol blocks" } ?? ""
        switch kind {
        case .awgn: return "AWGN"
        case .rayleigh: return "Rayleigh block fading (CSI, MMSE\(coherence))"
        case .rayleighNoCSI: return "Rayleigh block fading (no CSI\(coherence))"
        case .rician: return "Rician K = \(Self.format(kFactor)) (CSI, MMSE\(coherence))"
        case .erasure: return "symbol erasures p = \(Self.format(erasureProbability)) + AWGN"
        case .burst:
            return
                "burst erasures p = \(Self.format(erasureProbability)), mean length \(Self.format(meanBurstLength)) + AWGN"
        }
    }

    /// The channel at Es/N0 = `snrDecibels` (per complex channel use, unit symbol energy).
    /// - Precondition: `snrDecibels` is finite.
    public func channel(snrDecibels: Double) -> EvaluationChannel {
        precondition(snrDecibels.isFinite, "SNR must be finite, got \(snrDecibels)")
        return EvaluationChannel(spec: self, noise: .snr(decibels: Float(snrDecibels)))
    }

    /// The capacity (bits per complex channel use) used by the ideal digital bound at Es/N0 =
    /// `snrDecibels`:
    /// - `awgn`: `log2(1 + SNR)` (Shannon 1948);
    /// - `rayleigh`, `rayleigh-nocsi`: the ergodic capacity `E[log2(1 + SNR·|h|²)]` with receiver CSI
    ///   (an upper bound for the no-CSI receiver and for quasi-static fading, where outage occurs);
    /// - `rician`: `log2(1 + SNR)`, an upper bound on the Rician ergodic capacity by Jensen's
    ///   inequality (`E|h|² = 1`);
    /// - `erasure`, `burst`: `(1 − p)·log2(1 + SNR)` — erasures known at the receiver remove a
    ///   fraction `p` of the uses (the burst channel's long-run erasure rate is `p`; memory can
    ///   only help, so this is conservative by at most the burst channel's memory gain).
    public func idealCapacity(snrDecibels: Double) -> Double {
        let snr = SNR.linear(fromDecibels: snrDecibels)
        switch kind {
        case .awgn, .rician: return Capacity.awgn(snr: snr)
        case .rayleigh, .rayleighNoCSI: return Capacity.ergodicRayleigh(snr: snr)
        case .erasure, .burst: return (1 - erasureProbability) * Capacity.awgn(snr: snr)
        }
    }

    /// The Gilbert–Elliott chain of a ``Kind/burst`` spec: `e_g = 0`, `e_b = 1` (Gilbert's channel),
    /// `p_bg = 1/length` and `p_gb = p·p_bg/(1 − p)`, so the stationary erasure rate is `p` and bursts
    /// last `length` symbols on average.
    var gilbertElliott: GilbertElliottChannel {
        let badToGood = 1 / meanBurstLength
        let goodToBad = Swift.min(1, erasureProbability * badToGood / (1 - erasureProbability))
        return GilbertElliottChannel(
            goodToBad: goodToBad, badToGood: badToGood, eventProbabilityGood: 0, eventProbabilityBad: 1,
            impairment: .symbolErasures)
    }

    /// A number without a trailing `.0` (`3`, `0.1`).
    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

/// Parsing of SNR lists for sweeps.
public enum SNRList {
    /// Parses SNRs in dB: a comma-separated list (`-10,-5,0,5,10,20`) or a range
    /// `start:step:stop` (inclusive, e.g. `0:5:20`), like `BERSimulation.parseEbNoList`.
    /// - Parameter text: the list.
    /// - Returns: the SNRs in dB, in the given order (at most 10 000 points).
    /// - Throws: ``ExperimentsError`` `.invalidSNRList` naming the token that is not a finite number,
    ///   a step of 0 or one that does not lead from start to stop, or an empty list.
    public static func parse(_ text: String) throws -> [Double] {
        let compact = String(text.filter { !$0.isWhitespace })
        func fail(_ message: String) -> ExperimentsError {
            ExperimentsError(code: .invalidSNRList, message: "SNR list '\(text)': \(message)")
        }
        guard !compact.isEmpty else { throw fail("is empty; expected a,b,c or start:step:stop in dB") }
        func number(_ token: Substring, _ role: String) throws -> Double {
            guard let value = Double(token), value.isFinite else {
                throw fail("\(role) '\(token)' is not a finite number in dB")
            }
            return value
        }
        if compact.contains(":") {
            let parts = compact.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3 else {
                throw fail("has \(parts.count) ':'-separated parts; expected start:step:stop")
            }
            let start = try number(parts[0], "start")
            let step = try number(parts[1], "step")
            let stop = try number(parts[2], "stop")
            guard step != 0 else { throw fail("step '\(parts[1])' is 0") }
            let span = (stop - start) / step
            guard span >= -1e-9 else { throw fail("step '\(parts[1])' does not lead from \(parts[0]) to \(parts[2])") }
            guard span <= 9_999 + 1e-9 else { throw fail("has more than 10000 points") }
            let count = Int((span + 1e-9).rounded(.down)) + 1
            return (0..<count).map { start + Double($0) * step }
        }
        let tokens = compact.split(separator: ",", omittingEmptySubsequences: false)
        guard tokens.count <= 10_000 else { throw fail("has more than 10000 points") }
        return try tokens.enumerated().map { index, token in
            guard !token.isEmpty else { throw fail("element \(index + 1) is empty") }
            return try number(token, "element \(index + 1)")
        }
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
