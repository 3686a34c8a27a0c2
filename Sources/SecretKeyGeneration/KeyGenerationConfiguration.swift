/// Everything one key-generation run needs: the probing scenario, pre-processing, quantizer,
/// reconciliation and the security parameter.
public struct KeyGenerationConfiguration: Sendable, Hashable {
    /// The probing scenario.
    public var probing: ProbingConfiguration
    /// Pre-processing applied by each party to its own measurements.
    public var preprocessing: Preprocessing
    /// The quantizer.
    public var quantizer: Quantizer
    /// Cascade reconciliation.
    public var cascade: Cascade
    /// `ε_sec` of the leftover hash lemma (default 10⁻⁶: `2·log₂(1/ε) ≈ 39.9` bits are given up).
    public var securityParameter: Double
    /// Calibration sessions run (with their own randomness) to estimate the source's per-bit
    /// min-entropy and the expected disagreement rate Cascade is tuned for (default 100).
    public var calibrationSessions: Int
    /// The shortest key a session accepts (default 128 bits): a session whose privacy-amplified
    /// length ℓ is shorter produces no key, because an eavesdropper guesses an ℓ-bit key with
    /// probability 2^−ℓ whatever the bound says.
    public var minimumKeyBits: Int

    /// Creates a configuration; ``preprocessing`` defaults to the quantizer's preference: a DCT
    /// band for ``Preprocessing/dctBand(dopplerHertz:probeRateHertz:window:)`` for threshold and
    /// multibit quantizers, the smoothed time series for level crossing.
    public init(
        probing: ProbingConfiguration, quantizer: Quantizer, preprocessing: Preprocessing? = nil,
        cascade: Cascade? = nil, securityParameter: Double = 1e-6, calibrationSessions: Int = 100,
        minimumKeyBits: Int = 128
    ) {
        self.probing = probing
        self.quantizer = quantizer
        self.preprocessing =
            preprocessing
            ?? (quantizer.prefersDecorrelatedInput
                ? Preprocessing(
                    decorrelation: Preprocessing.dctBand(
                        dopplerHertz: probing.dopplerHertz, probeRateHertz: probing.probeRateHertz))
                : Preprocessing(smoothingWindow: 3))
        // Cascade's default initializer cannot fail.
        self.cascade = cascade ?? (try! Cascade())
        self.securityParameter = securityParameter
        self.calibrationSessions = calibrationSessions
        self.minimumKeyBits = minimumKeyBits
    }

    /// Checks every part.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidParameter`` naming the field.
    public func validate() throws(SecretKeyGenerationError) {
        try probing.validate()
        try preprocessing.validate()
        try quantizer.validate()
        guard securityParameter > 0, securityParameter < 1 else {
            throw SecretKeyGenerationError(
                code: .invalidParameter, message: "security parameter ε_sec must be in (0, 1), got \(securityParameter)")
        }
        guard minimumKeyBits >= 1, minimumKeyBits <= 1 << 20 else {
            throw SecretKeyGenerationError(
                code: .invalidParameter, message: "minimum key bits must be in 1…1048576, got \(minimumKeyBits)")
        }
        guard calibrationSessions >= 1, calibrationSessions <= 100_000 else {
            throw SecretKeyGenerationError(
                code: .invalidParameter, message: "calibration sessions must be in 1…100000, got \(calibrationSessions)")
        }
    }
}

/// What calibration measured about the source.
public struct KeyGenerationCalibration: Sendable, Hashable {
    /// The SP 800-90B most-common-value estimate on the pooled reconciled bits, bits per bit.
    public var mostCommonValueEntropy: Double
    /// The SP 800-90B Markov estimate on the pooled reconciled bits, bits per bit.
    public var markovEntropy: Double
    /// Bits pooled.
    public var pooledBits: Int
    /// The mean bit disagreement between Alice and Bob before reconciliation.
    public var errorRate: Double
    /// The 90th percentile of the sessions' disagreement: what Cascade's first block size is
    /// chosen for (a session with more errors than planned for is where residual errors come from,
    /// and the disagreement varies a lot from session to session with the fading).
    public var planningErrorRate: Double

    /// The per-bit min-entropy credited to a session: the lower estimate.
    public var entropyPerBit: Double { Swift.min(mostCommonValueEntropy, markovEntropy) }

    /// Creates a calibration from given values (tests, or a previous run).
    public init(
        mostCommonValueEntropy: Double, markovEntropy: Double, pooledBits: Int, errorRate: Double,
        planningErrorRate: Double? = nil
    ) {
        self.mostCommonValueEntropy = mostCommonValueEntropy
        self.markovEntropy = markovEntropy
        self.pooledBits = pooledBits
        self.errorRate = errorRate
        self.planningErrorRate = planningErrorRate ?? errorRate
    }
}
