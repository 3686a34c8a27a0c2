import Channels
import TensorCore

/// One row of `semcom keygen`: a configuration's sessions, summarized for one eavesdropper
/// distance (Alice–Bob columns are the same on every row of a run).
public struct KeyGenerationRow: Sendable, Hashable, Codable {
    /// The quantizer's name.
    public var quantizer: String
    /// Channel-estimate SNR, dB.
    public var snrDB: Double
    /// Maximum Doppler, Hz.
    public var dopplerHz: Double
    /// Eavesdropper distance from Bob, wavelengths.
    public var eveDistanceWavelengths: Double
    /// Eavesdropper–Bob channel correlation `J0(2πd/λ)`.
    public var eveCorrelation: Double
    /// Probes per session.
    public var probes: Int
    /// Sessions run.
    public var sessions: Int
    /// Mean bits per party after quantization.
    public var rawBits: Double
    /// Mean Alice–Bob disagreement before reconciliation.
    public var kdrBefore: Double
    /// Mean Alice–Bob disagreement after Cascade.
    public var kdrAfter: Double
    /// Mean parity bits revealed by Cascade.
    public var leakedBits: Double
    /// The per-bit min-entropy credited (calibrated, SP 800-90B MCV and Markov, the lower).
    public var minEntropyPerBit: Double
    /// Mean min-entropy credited to a session's reconciled string, `h·n` bits (what privacy
    /// amplification starts from before subtracting the leakage).
    public var minEntropyBits: Double
    /// Mean accepted key length (0 for a session without a confirmed key of at least the minimum
    /// length).
    public var keyBits: Double
    /// Smallest confirmed key length over the sessions.
    public var keyBitsMin: Int
    /// Fraction of sessions with a confirmed key of at least 128 bits.
    public var key128Rate: Double
    /// The secret-key rate: the mean privacy-amplified length `ℓ` of confirmed sessions (counting
    /// those shorter than the minimum key length too) per probe.
    public var secretBitsPerProbe: Double
    /// Fraction of sessions where Alice and Bob hold identical confirmed keys.
    public var agreementRate: Double
    /// Mean Eve–Alice disagreement before reconciliation.
    public var eveKDR: Double
    /// Sessions in which Eve's key equals Alice's.
    public var eveKeyMatches: Int
    /// The smallest per-test NIST SP 800-22 pass proportion over the confirmed keys (`nil` when no
    /// key was long enough to test).
    public var nistPassRate: Double?
    /// Mean Pearson correlation of Alice's and Bob's raw measurements.
    public var measurementCorrelation: Double

    enum CodingKeys: String, CodingKey {
        case quantizer, probes, sessions
        case snrDB = "snr_db"
        case dopplerHz = "doppler_hz"
        case eveDistanceWavelengths = "eve_distance_wavelengths"
        case eveCorrelation = "eve_correlation"
        case rawBits = "raw_bits"
        case kdrBefore = "kdr_before"
        case kdrAfter = "kdr_after"
        case leakedBits = "leaked_bits"
        case minEntropyPerBit = "min_entropy_per_bit"
        case minEntropyBits = "min_entropy_bits"
        case keyBits = "key_bits"
        case keyBitsMin = "key_bits_min"
        case key128Rate = "key_128_rate"
        case secretBitsPerProbe = "secret_bits_per_probe"
        case agreementRate = "agreement_rate"
        case eveKDR = "eve_kdr"
        case eveKeyMatches = "eve_key_matches"
        case nistPassRate = "nist_pass_rate"
        case measurementCorrelation = "measurement_correlation"
    }
}

/// One NIST test's result over the confirmed keys of a run.
public struct RandomnessTestSummary: Sendable, Hashable, Codable {
    /// The test.
    public var test: String
    /// Keys tested (long enough for the test).
    public var keysTested: Int
    /// Fraction of tested keys whose p-values are all ≥ α.
    public var passProportion: Double
    /// The lower end of SP 800-22's acceptable range, `(1−α) − 3·√(α(1−α)/keys)` (§4.2.1).
    public var minimumPassProportion: Double

    enum CodingKeys: String, CodingKey {
        case test
        case keysTested = "keys_tested"
        case passProportion = "pass_proportion"
        case minimumPassProportion = "minimum_pass_proportion"
    }
}

/// Everything a key-generation run measured.
public struct KeyGenerationSummary: Sendable {
    /// One row per eavesdropper distance (one row with distance NaN when there is none).
    public var rows: [KeyGenerationRow]
    /// The calibration the sessions used.
    public var calibration: KeyGenerationCalibration
    /// Per-test NIST results over the confirmed keys.
    public var randomness: [RandomnessTestSummary]
    /// Warnings for the user (e.g. a static channel).
    public var warnings: [String]
    /// The first confirmed key (bits), if any, for sealing frames with it.
    public var firstKey: [UInt8]?
}

/// Runs many sessions of one configuration: calibration, sessions, NIST tests, warnings.
public enum KeyGenerationExperiment {
    /// Runs `sessions` sessions.
    /// - Parameters:
    ///   - configuration: the configuration.
    ///   - sessions: sessions to run (≥ 1).
    ///   - significance: the NIST test level `α` (default 0.01).
    ///   - rng: the generator: one draw seeds calibration (stream 0) and session `s` (stream `s + 1`).
    ///   - progress: a line every 100 sessions.
    /// - Throws: ``SecretKeyGenerationError`` for an invalid configuration or session count.
    public static func run<G: RandomNumberGenerator>(
        _ configuration: KeyGenerationConfiguration, sessions: Int, significance: Double = 0.01,
        using rng: inout G, progress: (String) -> Void = { _ in }
    ) throws(SecretKeyGenerationError) -> KeyGenerationSummary {
        try configuration.validate()
        guard sessions >= 1, sessions <= 1_000_000 else {
            throw SecretKeyGenerationError(code: .invalidParameter, message: "sessions must be in 1…1000000, got \(sessions)")
        }
        let base = Xoshiro256(seed: rng.next())
        var calibrationRNG = base.fork(stream: 0)
        let calibration = try SecretKeyGenerator.calibrate(configuration, using: &calibrationRNG)
        var results: [KeyGenerationSession] = []
        results.reserveCapacity(sessions)
        for s in 0..<sessions {
            var sessionRNG = base.fork(stream: UInt64(s) + 1)
            results.append(try SecretKeyGenerator.runSession(configuration, calibration: calibration, using: &sessionRNG))
            if (s + 1) % 100 == 0 { progress("session \(s + 1)/\(sessions)") }
        }
        let keys = results.filter(\.agreed).map(\.aliceKey)
        let randomness = RandomnessTests.Test.allCases.map { test -> RandomnessTestSummary in
            let tested = keys.compactMap { RandomnessTests.pValues(test, $0) }
            let passed = tested.filter { $0.allSatisfy { $0 >= significance } }.count
            let count = Double(tested.count)
            return RandomnessTestSummary(
                test: test.rawValue, keysTested: tested.count,
                passProportion: tested.isEmpty ? 0 : Double(passed) / count,
                minimumPassProportion: tested.isEmpty
                    ? 0 : (1 - significance) - 3 * (significance * (1 - significance) / count).squareRoot())
        }
        let testedSummaries = randomness.filter { $0.keysTested > 0 }
        let nist = testedSummaries.isEmpty ? nil : testedSummaries.map(\.passProportion).min()
        let n = Double(sessions)
        func mean(_ f: (KeyGenerationSession) -> Double) -> Double { results.reduce(0) { $0 + f($1) } / n }
        let probing = configuration.probing
        let distances = probing.eveDistancesWavelengths.isEmpty ? [Double.nan] : probing.eveDistancesWavelengths
        let rows = distances.enumerated().map { e, d in
            KeyGenerationRow(
                quantizer: configuration.quantizer.name, snrDB: probing.snrDecibels, dopplerHz: probing.dopplerHertz,
                eveDistanceWavelengths: d,
                eveCorrelation: d.isNaN ? .nan : SpecialFunctions.besselJ0(2 * Double.pi * d),
                probes: probing.probes, sessions: sessions, rawBits: mean { Double($0.rawBits) },
                kdrBefore: mean(\.disagreementBefore), kdrAfter: mean(\.disagreementAfter),
                leakedBits: mean { Double($0.leakedBits) }, minEntropyPerBit: calibration.entropyPerBit,
                minEntropyBits: mean(\.minEntropyBits),
                keyBits: mean { Double($0.keyBits) }, keyBitsMin: results.map(\.keyBits).min() ?? 0,
                key128Rate: Double(results.filter { $0.keyBits >= 128 }.count) / n,
                secretBitsPerProbe: mean { $0.confirmed ? Double($0.hashedBits) : 0 } / Double(probing.probes),
                agreementRate: Double(results.filter(\.agreed).count) / n,
                eveKDR: d.isNaN ? .nan : mean { $0.eveDisagreement[e] },
                eveKeyMatches: d.isNaN ? 0 : results.filter { $0.agreed && $0.eveKeyMatches[e] }.count,
                nistPassRate: nist, measurementCorrelation: mean(\.measurementCorrelation))
        }
        var warnings: [String] = []
        let correlation = rows.first?.measurementCorrelation ?? 0
        let meanKey = rows.first?.keyBits ?? 0
        if correlation < 0.5 || meanKey == 0 || calibration.errorRate > 0.25 {
            warnings.append(
                "low shared entropy: Alice's and Bob's measurements correlate at \(format(correlation)) and disagree on "
                    + "\(format(calibration.errorRate)) of their bits before reconciliation; Cascade reveals "
                    + "\(format(rows.first?.leakedBits ?? 0)) of \(format(rows.first?.rawBits ?? 0)) bits, leaving "
                    + "\(format(meanKey)) key bits per session"
                    + (probing.dopplerHertz == 0
                        ? " (static channel, f_D = 0: the bits are measurement noise, not shared channel randomness; "
                            + "move, add probes over a longer time, or use another source of entropy)" : ""))
        }
        return KeyGenerationSummary(
            rows: rows, calibration: calibration, randomness: randomness, warnings: warnings,
            firstKey: results.first(where: \.agreed)?.aliceKey)
    }

    static func format(_ x: Double) -> String {
        let scaled = (x * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
