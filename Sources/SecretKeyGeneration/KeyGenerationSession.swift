import RealModule

/// One key-generation session: probing → pre-processing → quantization (with the public index
/// exchange) → Cascade → privacy amplification (Toeplitz, leftover hash lemma) → key confirmation
/// (HMAC-SHA-256), and each eavesdropper's attempt with everything that was public.
public struct KeyGenerationSession: Sendable, Hashable {
    /// Bits after quantization (each party's string length), `n`.
    public var rawBits: Int
    /// Alice–Bob bit disagreement before reconciliation.
    public var disagreementBefore: Double
    /// Alice–Bob bit disagreement after Cascade.
    public var disagreementAfter: Double
    /// Parity bits revealed by Cascade.
    public var leakedBits: Int
    /// Indices announced by the quantizer's exchange.
    public var announcedIndices: Int
    /// Min-entropy credited to the reconciled string, `h·n` bits.
    public var minEntropyBits: Double
    /// The privacy-amplified length `ℓ` (0: no key).
    public var hashedBits: Int
    /// Whether key confirmation succeeded (Bob's tag check over Alice's nonce).
    public var confirmed: Bool
    /// Alice's key (empty when `ℓ = 0`).
    public var aliceKey: [UInt8]
    /// Bob's key.
    public var bobKey: [UInt8]
    /// Each eavesdropper's bit disagreement with Alice before reconciliation.
    public var eveDisagreement: [Double]
    /// Whether each eavesdropper's key (her bits hashed with the public seed) equals Alice's.
    public var eveKeyMatches: [Bool]
    /// Pearson correlation of Alice's and Bob's raw measurements (≈ 1 when the channel varies
    /// much more than the measurement noise; ≈ 0 in a static room).
    public var measurementCorrelation: Double

    /// The shortest key the session accepts.
    public var minimumKeyBits: Int

    /// The usable key length: `ℓ` if confirmed and at least ``minimumKeyBits``, else 0.
    public var keyBits: Int { confirmed && hashedBits >= minimumKeyBits ? hashedBits : 0 }
    /// Whether Alice and Bob hold identical confirmed keys of at least ``minimumKeyBits``.
    public var agreed: Bool { keyBits > 0 && aliceKey == bobKey }
}

/// Runs key-generation sessions and calibrations.
public enum SecretKeyGenerator {
    /// Estimates the source: runs `configuration.calibrationSessions` sessions through
    /// quantization and Cascade and applies the SP 800-90B estimators to the pooled reconciled
    /// bits; the error rate is the mean disagreement before reconciliation.
    /// - Throws: ``SecretKeyGenerationError`` for an invalid configuration.
    public static func calibrate<G: RandomNumberGenerator>(
        _ configuration: KeyGenerationConfiguration, using rng: inout G
    ) throws(SecretKeyGenerationError) -> KeyGenerationCalibration {
        try configuration.validate()
        var pooled: [UInt8] = []
        var disagreements: [Double] = []
        for _ in 0..<configuration.calibrationSessions {
            let measurements = try ChannelProbing.simulate(configuration.probing, using: &rng)
            let bits = try quantize(configuration, measurements)
            guard !bits.alice.isEmpty else { continue }
            disagreements.append(hamming(bits.alice, bits.bob))
            pooled += bits.alice  // after Cascade Bob holds Alice's string: the reconciled bits
        }
        guard pooled.count >= 2 else {
            return KeyGenerationCalibration(mostCommonValueEntropy: 0, markovEntropy: 0, pooledBits: pooled.count, errorRate: 0.5)
        }
        return KeyGenerationCalibration(
            mostCommonValueEntropy: MinEntropy.mostCommonValue(pooled), markovEntropy: MinEntropy.markov(pooled),
            pooledBits: pooled.count, errorRate: Statistics.mean(disagreements),
            planningErrorRate: Statistics.quantile(disagreements, 0.9))
    }

    /// Runs one session.
    /// - Parameters:
    ///   - configuration: the run's configuration.
    ///   - calibration: the source estimate (per-bit min-entropy, expected error rate).
    ///   - rng: the session's randomness: the channel and noise, then the public randomness
    ///     (Cascade permutations, Toeplitz seed, confirmation nonce).
    /// - Throws: ``SecretKeyGenerationError`` for an invalid configuration.
    public static func runSession<G: RandomNumberGenerator>(
        _ configuration: KeyGenerationConfiguration, calibration: KeyGenerationCalibration, using rng: inout G
    ) throws(SecretKeyGenerationError) -> KeyGenerationSession {
        try configuration.validate()
        let measurements = try ChannelProbing.simulate(configuration.probing, using: &rng)
        let bits = try quantize(configuration, measurements)
        let n = bits.alice.count
        var bob = bits.bob
        let before = n == 0 ? 0.5 : hamming(bits.alice, bob)
        let report = try configuration.cascade.reconcile(
            alice: bits.alice, bob: &bob, errorRate: Swift.min(0.5, Swift.max(0, calibration.planningErrorRate)), using: &rng)
        let after = n == 0 ? 0 : hamming(bits.alice, bob)
        let entropy = calibration.entropyPerBit * Double(n)
        let length = PrivacyAmplification.outputLength(
            minEntropy: entropy, leakedBits: report.revealedParityBits, securityParameter: configuration.securityParameter)
        var aliceKey: [UInt8] = []
        var bobKey: [UInt8] = []
        var confirmed = false
        var eveMatches = [Bool](repeating: false, count: bits.eves.count)
        if length > 0 {
            let hash = try ToeplitzHash(inputLength: n, outputLength: length, using: &rng)
            aliceKey = try hash.hash(bits.alice)
            bobKey = try hash.hash(bob)
            var nonce = [UInt8](repeating: 0, count: 16)
            for i in nonce.indices { nonce[i] = UInt8(truncatingIfNeeded: rng.next()) }
            let tag = try KeyConfirmation.tag(key: aliceKey, nonce: nonce)
            confirmed = KeyConfirmation.verify(key: bobKey, nonce: nonce, tag: tag)
            // Eve hashes her own bits with the public seed (she cannot take part in Cascade).
            eveMatches = try bits.eves.map { eve throws(SecretKeyGenerationError) in try hash.hash(eve) == aliceKey }
        }
        return KeyGenerationSession(
            rawBits: n, disagreementBefore: before, disagreementAfter: after, leakedBits: report.revealedParityBits,
            announcedIndices: bits.announcedIndices, minEntropyBits: entropy, hashedBits: length, confirmed: confirmed,
            aliceKey: aliceKey, bobKey: bobKey,
            eveDisagreement: bits.eves.map { n == 0 ? 0.5 : hamming(bits.alice, $0) }, eveKeyMatches: eveMatches,
            measurementCorrelation: correlation(measurements.alice, measurements.bob),
            minimumKeyBits: configuration.minimumKeyBits)
    }

    /// Pre-processing and quantization of one session's measurements.
    static func quantize(_ configuration: KeyGenerationConfiguration, _ m: ProbeMeasurements)
        throws(SecretKeyGenerationError) -> QuantizationOutcome
    {
        let p = configuration.preprocessing
        return try configuration.quantizer.quantize(
            alice: try p.apply(m.alice), bob: try p.apply(m.bob),
            eves: try m.eves.map { x throws(SecretKeyGenerationError) in try p.apply(x) })
    }

    /// Fraction of positions where two equal-length bit strings differ.
    static func hamming(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard !a.isEmpty else { return 0 }
        return Double(zip(a, b).filter { $0 != $1 }.count) / Double(a.count)
    }

    /// Pearson correlation (0 when either side is constant).
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = Statistics.mean(a), mb = Statistics.mean(b)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }
}
