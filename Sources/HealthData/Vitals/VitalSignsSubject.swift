import TensorCore

extension RandomNumberGenerator {
    /// A uniform `Double` in `[range.lowerBound, range.upperBound]`.
    mutating func nextDouble(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextUnitDouble()
    }
}

/// Sensor artefact levels of a synthetic ECG (all in mV at the generator's internal 500 Hz rate).
///
/// - baseline wander: a respiratory sinusoid plus a slower drift (0.05–0.15 Hz), peak amplitude;
/// - muscle (EMG) noise: white Gaussian noise of this RMS, with bursts of 3× lasting 0.5–2 s
///   (burst rate 1 per 20 s when the level is non-zero);
/// - powerline: a 50 or 60 Hz sinusoid with a 20 % third harmonic (removed by the anti-alias filter
///   when the output rate cannot carry it);
/// - electrode motion: transients `A (1 − e^{−t/τ₁}) e^{−t/τ₂}` (τ₁ = 40 ms, τ₂ = 300 ms) at a Poisson
///   rate, `A ~ N(0, level²)` — the step-and-recover shape of the MIT-BIH noise stress test "em" record.
public struct ECGNoiseLevels: Sendable, Hashable, Codable {
    /// Baseline wander peak amplitude (mV).
    public var baselineWanderMillivolts: Double
    /// Muscle noise RMS (mV).
    public var muscleNoiseMillivolts: Double
    /// Powerline amplitude (mV).
    public var powerlineMillivolts: Double
    /// Powerline frequency (Hz): 50 or 60.
    public var powerlineFrequencyHertz: Double
    /// Electrode-motion transient scale (mV).
    public var electrodeMotionMillivolts: Double
    /// Electrode-motion events per second.
    public var electrodeMotionRatePerSecond: Double

    /// Creates noise levels.
    public init(
        baselineWanderMillivolts: Double = 0, muscleNoiseMillivolts: Double = 0, powerlineMillivolts: Double = 0,
        powerlineFrequencyHertz: Double = 50, electrodeMotionMillivolts: Double = 0,
        electrodeMotionRatePerSecond: Double = 0
    ) {
        self.baselineWanderMillivolts = baselineWanderMillivolts
        self.muscleNoiseMillivolts = muscleNoiseMillivolts
        self.powerlineMillivolts = powerlineMillivolts
        self.powerlineFrequencyHertz = powerlineFrequencyHertz
        self.electrodeMotionMillivolts = electrodeMotionMillivolts
        self.electrodeMotionRatePerSecond = electrodeMotionRatePerSecond
    }

    /// No artefacts.
    public static let none = ECGNoiseLevels()

    /// A random ambulatory mix: wander 0–0.3 mV, EMG 0–0.04 mV RMS, powerline 0–0.04 mV at 50 or
    /// 60 Hz, electrode motion 0–0.3 mV at 0–0.1 events/s; each component is absent with probability 0.3.
    /// `severity` (0…1, default 1) scales every amplitude.
    public static func random<G: RandomNumberGenerator>(severity: Double = 1, using rng: inout G) -> ECGNoiseLevels {
        func level(_ upper: Double) -> Double {
            let on = rng.nextUnitDouble() >= 0.3
            let value = rng.nextDouble(in: 0...upper)
            return on ? value * severity : 0
        }
        let wander = level(0.3)
        let emg = level(0.04)
        let line = level(0.04)
        let frequency: Double = rng.nextUnitDouble() < 0.5 ? 50 : 60
        let motion = level(0.3)
        let rate = rng.nextDouble(in: 0...0.1)
        return ECGNoiseLevels(
            baselineWanderMillivolts: wander, muscleNoiseMillivolts: emg, powerlineMillivolts: line,
            powerlineFrequencyHertz: frequency, electrodeMotionMillivolts: motion,
            electrodeMotionRatePerSecond: motion > 0 ? rate : 0)
    }
}

/// One synthetic subject: ECG morphology, amplitudes and the physiology of the other channels.
///
/// Subjects vary so that codecs trained on them generalize: the five wave amplitudes ±25 %,
/// the widths (QRS 0.8–1.35×), angles ±5°, the R-peak amplitude 0.5–2.5 mV (with 15 % of subjects
/// having an inverted lead: negative R), the PVC shape, the pulse transit time, the respiratory
/// rate and the baseline SpO2.
public struct VitalSignsSubject: Sendable, Hashable, Codable {
    /// The normal beat (before heart-rate adaptation).
    public var morphology: ECGMorphology
    /// Peak R amplitude of a normal beat (mV, signed: negative for an inverted lead).
    public var rAmplitudeMillivolts: Double
    /// PVC QRS widening (× normal).
    public var pvcWidening: Double
    /// PVC R amplitude (× normal).
    public var pvcRScale: Double
    /// PVC T-wave magnitude (× normal T, inverted).
    public var pvcTScale: Double
    /// ECG R peak → PPG systolic peak delay (s).
    public var pulseTransitTimeSeconds: Double
    /// Breathing rate (Hz).
    public var respiratoryRateHertz: Double
    /// Mean SpO2 (%).
    public var baselineSpO2Percent: Double

    /// Creates a subject.
    public init(
        morphology: ECGMorphology = .standard, rAmplitudeMillivolts: Double = 1.2, pvcWidening: Double = 2.8,
        pvcRScale: Double = 1.2, pvcTScale: Double = 1.2, pulseTransitTimeSeconds: Double = 0.22,
        respiratoryRateHertz: Double = 0.25, baselineSpO2Percent: Double = 97.5
    ) {
        self.morphology = morphology
        self.rAmplitudeMillivolts = rAmplitudeMillivolts
        self.pvcWidening = pvcWidening
        self.pvcRScale = pvcRScale
        self.pvcTScale = pvcTScale
        self.pulseTransitTimeSeconds = pulseTransitTimeSeconds
        self.respiratoryRateHertz = respiratoryRateHertz
        self.baselineSpO2Percent = baselineSpO2Percent
    }

    /// A random subject (ranges in the type's documentation).
    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> VitalSignsSubject {
        let base = ECGMorphology.standard
        var amplitudes = base.amplitudes.map { $0 * rng.nextDouble(in: 0.75...1.25) }
        amplitudes[4] *= rng.nextDouble(in: 0.5...1.1)  // T waves vary most between people
        let qrsWidth = rng.nextDouble(in: 0.8...1.35)
        var widths = base.widths
        for i in 1...3 { widths[i] *= qrsWidth }
        widths[0] *= rng.nextDouble(in: 0.8...1.2)
        widths[4] *= rng.nextDouble(in: 0.85...1.15)
        let angles = base.angles.enumerated().map { i, a in
            i == 2 ? a : a + rng.nextDouble(in: -5...5) * Double.pi / 180
        }
        let magnitude = rng.nextDouble(in: 0.5...2.5)
        let inverted = rng.nextUnitDouble() < 0.15
        return VitalSignsSubject(
            morphology: ECGMorphology(angles: angles, amplitudes: amplitudes, widths: widths),
            rAmplitudeMillivolts: inverted ? -magnitude : magnitude,
            pvcWidening: rng.nextDouble(in: 2.2...3.4), pvcRScale: rng.nextDouble(in: 0.9...1.6),
            pvcTScale: rng.nextDouble(in: 0.8...1.6), pulseTransitTimeSeconds: rng.nextDouble(in: 0.15...0.3),
            respiratoryRateHertz: rng.nextDouble(in: 0.18...0.35), baselineSpO2Percent: rng.nextDouble(in: 94...99))
    }
}

/// What to synthesize: rhythm, heart rate and variability, subject, artefacts and output rate.
public struct VitalSignsSynthesisConfiguration: Sendable, Hashable {
    /// The rhythm of the recording.
    public var rhythm: CardiacRhythm
    /// Mean heart rate (bpm); `nil` draws one from the rhythm's range (normal 62–96, tachycardia
    /// 106–165, bradycardia 36–55, AF ventricular response 60–150, ectopy underlying sinus 55–100).
    public var heartRateBeatsPerMinute: Double?
    /// Standard deviation of the sinus RR tachogram as a fraction of the mean RR (`nil`: 1.5–6 %);
    /// for AF, the log-normal σ of the RR intervals (`nil`: 0.12–0.28).
    public var heartRateVariability: Double?
    /// For ventricular ectopy, the probability that a beat after a normal beat is a PVC (`nil`: 0.12–0.3).
    public var ectopicProbability: Double?
    /// Output sample rate (Hz), any value in 50…2000 (the model runs at 500 Hz and is resampled).
    public var sampleRateHertz: Double
    /// Sensor artefacts.
    public var noise: ECGNoiseLevels
    /// The subject (`nil`: a random one).
    public var subject: VitalSignsSubject?
    /// Whether to produce the PPG, respiration and SpO2 channels (the streaming benchmark turns them off).
    public var includesAuxiliaryChannels: Bool

    /// Creates a configuration.
    public init(
        rhythm: CardiacRhythm, heartRateBeatsPerMinute: Double? = nil, heartRateVariability: Double? = nil,
        ectopicProbability: Double? = nil, sampleRateHertz: Double = 250, noise: ECGNoiseLevels = .none,
        subject: VitalSignsSubject? = nil, includesAuxiliaryChannels: Bool = true
    ) {
        self.rhythm = rhythm
        self.heartRateBeatsPerMinute = heartRateBeatsPerMinute
        self.heartRateVariability = heartRateVariability
        self.ectopicProbability = ectopicProbability
        self.sampleRateHertz = sampleRateHertz
        self.noise = noise
        self.subject = subject
        self.includesAuxiliaryChannels = includesAuxiliaryChannels
    }

    /// The heart-rate range (bpm) drawn from when ``heartRateBeatsPerMinute`` is `nil`.
    public static func heartRateRange(for rhythm: CardiacRhythm) -> ClosedRange<Double> {
        switch rhythm {
        case .normalSinus: 62...96
        case .sinusTachycardia: 106...165
        case .sinusBradycardia: 36...55
        case .atrialFibrillation: 60...150
        case .ventricularEctopy: 55...100
        }
    }
}
