// The vital-sign semantic noises by name: what `--noise emg:0.05,drop:0.2` means for an ECG link.

import SemanticCodec

/// The vital-sign entries of the semantic-noise registry (`SemanticNoiseCatalog`) and what a
/// `SemanticNoiseSpec` stands for on an ECG link: sensor artefacts added to the ECG before it is
/// encoded (a ``StreamNoiseSpecification``) and the modality-agnostic symbol noises.
///
/// | spec | artefact (``StreamNoiseSpecification``) | rate |
/// |---|---|---|
/// | `wander:r` | baseline wander, 0.15 + 0.3 Hz sinusoids | peak amplitude, mV |
/// | `emg:r` | muscle noise, white Gaussian | RMS, mV |
/// | `powerline:r` | 50 Hz mains interference | amplitude, mV |
/// | `motion:r` | electrode-motion transients, 0.1 events/s | transient scale, mV |
/// | `drop:r` | dropped samples, 0.2 s runs repaired by linear interpolation | runs per second |
///
/// All five act on the encoder's input (stage `input`); `blank` and `jam` act on the symbols
/// (`SemanticNoiseCatalog.symbolPerturbation(for:)`). The artefact models follow the MIT-BIH Noise
/// Stress Test's components (Moody, Muldrow & Mark, "A noise stress test for arrhythmia
/// detectors", Computers in Cardiology 1984): baseline wander, muscle artefact, electrode motion.
///
/// ```swift
/// var catalog = SemanticNoiseCatalog()
/// catalog.register(VitalsNoise.kinds, for: .vitals)
/// let spec = try catalog.parse("emg:0.05,drop:0.2,jam:0.1", for: .vitals)
/// let noise = try VitalsNoise(spec: spec)   // sensor: emg 0.05 mV, 0.2 drops/s; symbols: jamming
/// ```
public struct VitalsNoise: Sendable {
    /// The vital-sign noises (stage `input`): `wander`, `emg`, `powerline`, `motion`, `drop`.
    public static let kinds: [SemanticNoiseKind] = [
        SemanticNoiseKind(
            name: "wander", stage: .input, summary: "ECG baseline wander (0.15 + 0.3 Hz), peak amplitude rate mV"),
        SemanticNoiseKind(name: "emg", stage: .input, summary: "ECG muscle noise, white Gaussian of RMS rate mV"),
        SemanticNoiseKind(name: "powerline", stage: .input, summary: "50 Hz mains interference of amplitude rate mV"),
        SemanticNoiseKind(
            name: "motion", stage: .input, summary: "electrode-motion transients of scale rate mV, 0.1 events per second"),
        SemanticNoiseKind(
            name: "drop", stage: .input,
            summary: "dropped ECG samples: rate runs of 0.2 s per second, filled by linear interpolation"),
    ]

    /// The spec's canonical spelling (`none` for no noise).
    public var name: String
    /// The sensor artefacts added to the ECG before encoding.
    public var sensor: StreamNoiseSpecification
    /// The symbol perturbations (`blank`, `jam`) in the spec's order.
    public var symbols: [any SemanticPerturbation]

    /// No noise.
    public static let none = VitalsNoise(name: "none", sensor: StreamNoiseSpecification(), symbols: [])

    init(name: String, sensor: StreamNoiseSpecification, symbols: [any SemanticPerturbation]) {
        self.name = name
        self.sensor = sensor
        self.symbols = symbols
    }

    /// The noise of a spec checked against a catalog holding ``kinds``.
    /// - Throws: ``VitalSignsCodecError`` `invalidNoiseSpecification` for a name that is neither a
    ///   vital-sign nor a symbol noise.
    public init(spec: SemanticNoiseSpec) throws(VitalSignsCodecError) {
        var sensor = StreamNoiseSpecification()
        var symbols: [any SemanticPerturbation] = []
        for term in spec.terms {
            switch term.name {
            case "wander": sensor.wanderMillivolts = term.rate
            case "emg": sensor.muscleMillivolts = term.rate
            case "powerline": sensor.powerlineMillivolts = term.rate
            case "motion": sensor.motionMillivolts = term.rate
            case "drop": sensor.dropRatePerSecond = term.rate
            default:
                guard let symbolNoise = SemanticNoiseCatalog.symbolPerturbation(for: term) else {
                    throw VitalSignsCodecError(
                        code: .invalidNoiseSpecification,
                        message: "unknown vital-sign noise '\(term.name)'; expected one of "
                            + (Self.kinds + SemanticNoiseCatalog.symbolKinds).map(\.name).joined(separator: ", "))
                }
                symbols.append(symbolNoise)
            }
        }
        self.init(name: spec.description, sensor: sensor, symbols: symbols)
    }
}
