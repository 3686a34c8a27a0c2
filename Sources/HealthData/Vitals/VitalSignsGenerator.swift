import RealModule
import TensorCore

/// A block of consecutive samples from a ``VitalSignsGenerator``.
public struct VitalSignsChunk: Sendable {
    /// Index of the first sample in the whole stream.
    public var startSample: Int
    /// Single-lead ECG (mV), `[count]`.
    public var ecg: [Float]
    /// Photoplethysmogram (arbitrary units, about 0…1.5), `[count]` or empty without auxiliary channels.
    public var ppg: [Float]
    /// Respiration (arbitrary units, −1…1), `[count]` or empty.
    public var respiration: [Float]
    /// Oxygen saturation (%), `[count]` or empty.
    public var spo2: [Float]
    /// The R peaks that fall inside the chunk (times in seconds from the stream start).
    public var beats: [Beat]
}

/// A seeded, streaming generator of synthetic vital signs: single-lead ECG from the McSharry et
/// al. dynamical model, PPG, respiration and SpO2, with rhythm, heart-rate variability, ectopy and
/// sensor artefacts, at any output rate, one chunk at a time in bounded memory.
///
/// **ECG.** The trajectory `(x, y, z)` follows McSharry, Clifford, Tarassenko & Smith, "A dynamical
/// model for generating synthetic electrocardiogram signals", IEEE TBME 2003:
///
/// ```
/// ẋ = αx − ωy,   ẏ = αy + ωx,   ż = −Σᵢ aᵢ Δθᵢ exp(−Δθᵢ²/2bᵢ²) − z,   α = 1 − √(x² + y²)
/// ```
///
/// integrated with fourth-order Runge–Kutta at 500 Hz. The angular speed is set beat by beat so
/// that the limit cycle passes `θ = 0` (the R attractor) exactly at each ground-truth R time: on
/// each RR interval `ω = (2π − θ)/(t_{k+1} − t)`, which is ECGSYN's `ω = 2π/RR` with its phase
/// drift removed. Between angle π and 2π the attractors of the *next* beat apply (its P and Q
/// waves), so a PVC has no P wave before it. Morphology is adapted to the mean heart rate as in
/// ECGSYN (``ECGMorphology/adapted(toHeartRate:)``); `z` is scaled so a normal beat's R peak has
/// the subject's amplitude in mV (ECGSYN rescales the whole record instead, which a stream cannot).
/// ECGSYN's respiratory baseline `z₀` is produced as baseline wander instead (``ECGNoiseLevels``).
///
/// **Heart-rate variability.** The sinus RR tachogram is `RR(t) = RR̄ (1 + Σⱼ Aⱼ sin(2πfⱼt + φⱼ))`
/// with 4 Mayer-wave components around 0.1 Hz (σ = 0.01 Hz) and 4 respiratory-sinus-arrhythmia
/// components around the breathing rate, LF/HF power ratio 0.5 — the bimodal spectrum of ECGSYN,
/// realized as a sum of sinusoids so that it can be evaluated one beat at a time.
///
/// **Rhythms.** Sinus rhythms use the tachogram; atrial fibrillation draws independent log-normal RR
/// intervals (irregularly irregular), removes P waves and adds fibrillatory f-waves (4–9 Hz,
/// 0.03–0.12 mV, slowly frequency-modulated); ventricular ectopy inserts PVCs (probability p after
/// a normal beat) at 55–75 % of the sinus RR with a full compensatory pause (the two intervals
/// around a PVC sum to 2 RR), wide QRS, no P wave and a discordant T wave.
///
/// **Other channels.** PPG: per beat a systolic and a diastolic Gaussian pulse after the pulse
/// transit time, amplitude modulated by breathing and reduced to 45 % after a PVC (weak ejection).
/// Respiration: a sinusoid at the subject's rate. SpO2: the subject's baseline with a slow ±0.7 %
/// oscillation.
///
/// **Output rate.** Every channel is produced at 500 Hz and converted to ``VitalSignsSynthesisConfiguration/sampleRateHertz``
/// by ``StreamingResampler``.
///
/// ```swift
/// var rng = Xoshiro256(seed: 1)
/// var generator = VitalSignsGenerator(configuration: .init(rhythm: .atrialFibrillation), using: &rng)
/// let chunk = generator.next(sampleCount: 2500)     // 10 s at 250 Hz
/// ```
public struct VitalSignsGenerator: Sendable {
    /// The internal integration rate (Hz).
    public static let internalRateHertz = 500.0

    /// The configuration.
    public let configuration: VitalSignsSynthesisConfiguration
    /// The subject (drawn when the configuration has none).
    public let subject: VitalSignsSubject
    /// The mean heart rate (bpm) the stream was built around.
    public let meanHeartRate: Double
    /// Sensor artefact levels.
    public var noise: ECGNoiseLevels { configuration.noise }

    private var rng: Xoshiro256
    private let normalBeat: ECGMorphology
    private let ventricularBeat: ECGMorphology
    private let scale: Double
    private let variability: Double
    private let ectopicProbability: Double
    private let hrvComponents: [(frequency: Double, amplitude: Double, phase: Double)]
    private let fibrillation: (amplitude: Double, frequency: Double)?
    private let phases: [Double]

    private var state: (x: Double, y: Double, z: Double)
    private var step = 0
    private var beatStart: Double
    private var beatEnd: Double
    private var currentType = BeatType.normal
    private var nextType = BeatType.normal
    private var compensation: Double?
    private var recentBeats: [Beat] = []
    private var fibrillationPhase = 0.0
    private var burstRemaining = 0
    private var motionEvents: [(start: Double, amplitude: Double)] = []

    private var resamplers: [StreamingResampler]
    private var pending: [[Float]]
    private var pendingBeats: [Beat] = []
    private var emitted = 0

    /// Creates a generator; the subject, heart rate and every later draw come from a generator
    /// seeded from `rng` (one draw per parameter, then one seed).
    /// - Precondition: the sample rate is in 50…2000 Hz and explicit rates and probabilities are in range.
    public init<G: RandomNumberGenerator>(configuration: VitalSignsSynthesisConfiguration, using rng: inout G) {
        precondition(
            configuration.sampleRateHertz >= 50 && configuration.sampleRateHertz <= 2000,
            "Vital-sign sample rate must be in 50…2000 Hz, got \(configuration.sampleRateHertz)")
        if let hr = configuration.heartRateBeatsPerMinute {
            precondition(hr >= 20 && hr <= 250, "Heart rate must be in 20…250 bpm, got \(hr)")
        }
        self.configuration = configuration
        let subject = configuration.subject ?? VitalSignsSubject.random(using: &rng)
        self.subject = subject
        let rhythm = configuration.rhythm
        let heartRate =
            configuration.heartRateBeatsPerMinute
            ?? rng.nextDouble(in: VitalSignsSynthesisConfiguration.heartRateRange(for: rhythm))
        self.meanHeartRate = heartRate
        let af = rhythm == .atrialFibrillation
        self.variability =
            configuration.heartRateVariability ?? (af ? rng.nextDouble(in: 0.12...0.28) : rng.nextDouble(in: 0.015...0.06))
        self.ectopicProbability = configuration.ectopicProbability ?? rng.nextDouble(in: 0.12...0.3)
        let adapted = subject.morphology.adapted(toHeartRate: heartRate)
        self.normalBeat = af ? adapted.withoutPWave : adapted
        self.ventricularBeat = adapted.ventricular(
            widening: subject.pvcWidening, rScale: subject.pvcRScale, tScale: subject.pvcTScale)
        self.fibrillation = af ? (rng.nextDouble(in: 0.03...0.12), rng.nextDouble(in: 4...9)) : nil
        var own = Xoshiro256(seed: rng.next())
        // Tachogram: LF/HF = 0.5 → 1/3 of the variance in the Mayer band, 2/3 in the RSA band.
        var components: [(Double, Double, Double)] = []
        let rrVariance = af ? 0 : variability * variability
        for j in 0..<8 {
            let lf = j < 4
            let centre = lf ? 0.1 : subject.respiratoryRateHertz
            let f = Swift.max(0.01, centre + 0.01 * own.nextStandardGaussian())
            let bandVariance = rrVariance * (lf ? 1.0 / 3 : 2.0 / 3) / 4
            components.append((f, (2 * bandVariance).squareRoot(), 2 * Double.pi * own.nextUnitDouble()))
        }
        self.hrvComponents = components
        self.phases = (0..<8).map { _ in 2 * Double.pi * own.nextUnitDouble() }
        self.scale = Self.calibrate(normalBeat, heartRate: heartRate, rAmplitude: subject.rAmplitudeMillivolts)
        // Start mid-cycle: the first R peak lies within the first RR interval of the stream.
        let rr = 60 / heartRate
        let offset = own.nextUnitDouble() * rr
        let warmUp = 2.0
        self.beatStart = offset - rr - warmUp
        self.beatEnd = offset - warmUp
        let theta = 2 * Double.pi * (1 - offset / rr)
        self.state = (Double.cos(theta), Double.sin(theta), 0)
        self.rng = own
        let channels = configuration.includesAuxiliaryChannels ? 4 : 1
        self.resamplers = (0..<channels).map { _ in
            StreamingResampler(inputRateHertz: Self.internalRateHertz, outputRateHertz: configuration.sampleRateHertz)
        }
        self.pending = Array(repeating: [], count: channels)
        // Warm up the trajectory for 2 s (not emitted) so z has settled.
        self.step = -Int(warmUp * Self.internalRateHertz)
        while step < 0 { _ = advance() }
    }

    /// The next `sampleCount` samples of every channel.
    public mutating func next(sampleCount: Int) -> VitalSignsChunk {
        precondition(sampleCount >= 0, "sampleCount must be ≥ 0, got \(sampleCount)")
        let blockSize = 500
        var block: [[Float]] = Array(repeating: [], count: pending.count)
        while pending[0].count < sampleCount {
            for i in block.indices { block[i].removeAll(keepingCapacity: true) }
            for _ in 0..<blockSize {
                let values = advance()
                block[0].append(values.ecg)
                if block.count > 1 {
                    block[1].append(values.ppg)
                    block[2].append(values.respiration)
                    block[3].append(values.spo2)
                }
            }
            for i in block.indices { pending[i] += resamplers[i].process(block[i]) }
        }
        var taken: [[Float]] = []
        for i in pending.indices {
            taken.append(Array(pending[i].prefix(sampleCount)))
            pending[i].removeFirst(sampleCount)
        }
        let endTime = Double(emitted + sampleCount) / configuration.sampleRateHertz
        let beats = pendingBeats.filter { $0.time < endTime }
        pendingBeats.removeAll { $0.time < endTime }
        let chunk = VitalSignsChunk(
            startSample: emitted, ecg: taken[0], ppg: taken.count > 1 ? taken[1] : [],
            respiration: taken.count > 1 ? taken[2] : [], spo2: taken.count > 1 ? taken[3] : [], beats: beats)
        emitted += sampleCount
        return chunk
    }

    /// Synthesizes a whole recording of `durationSeconds`.
    public static func record<G: RandomNumberGenerator>(
        durationSeconds: Double, configuration: VitalSignsSynthesisConfiguration, using rng: inout G
    ) -> VitalSignsRecording {
        precondition(durationSeconds > 0 && durationSeconds.isFinite, "Duration must be > 0 s, got \(durationSeconds)")
        var generator = VitalSignsGenerator(configuration: configuration, using: &rng)
        let count = Int((durationSeconds * configuration.sampleRateHertz).rounded())
        let chunk = generator.next(sampleCount: count)
        return VitalSignsRecording(
            sampleRateHertz: configuration.sampleRateHertz, ecg: chunk.ecg, ppg: chunk.ppg,
            respiration: chunk.respiration, spo2: chunk.spo2, beats: chunk.beats, rhythm: configuration.rhythm)
    }

    // MARK: - The model

    private static func calibrate(_ beat: ECGMorphology, heartRate: Double, rAmplitude: Double) -> Double {
        let dt = 1 / internalRateHertz
        let omega = 2 * Double.pi * heartRate / 60
        var s = (x: -1.0, y: 0.0, z: 0.0)
        var peak = 0.0
        let steps = Int(3 * 60 / heartRate * internalRateHertz)
        // The R deflection: the largest z while the trajectory is near the R attractor (θ = 0).
        for i in 0..<steps {
            s = rungeKutta(s, omega: omega, beat: beat, dt: dt)
            let theta = Double.atan2(y: s.y, x: s.x)
            if i > steps / 3 && Swift.abs(theta) < 2 * beat.widths[2] { peak = Swift.max(peak, s.z) }
        }
        return peak > 0 ? rAmplitude / peak : rAmplitude
    }

    private static func derivative(
        _ s: (x: Double, y: Double, z: Double), omega: Double, beat: ECGMorphology
    ) -> (Double, Double, Double) {
        let alpha = 1 - (s.x * s.x + s.y * s.y).squareRoot()
        let theta = Double.atan2(y: s.y, x: s.x)
        return (alpha * s.x - omega * s.y, alpha * s.y + omega * s.x, beat.forcing(theta: theta) - s.z)
    }

    private static func rungeKutta(
        _ s: (x: Double, y: Double, z: Double), omega: Double, beat: ECGMorphology, dt: Double
    ) -> (x: Double, y: Double, z: Double) {
        let k1 = derivative(s, omega: omega, beat: beat)
        let k2 = derivative((s.x + dt / 2 * k1.0, s.y + dt / 2 * k1.1, s.z + dt / 2 * k1.2), omega: omega, beat: beat)
        let k3 = derivative((s.x + dt / 2 * k2.0, s.y + dt / 2 * k2.1, s.z + dt / 2 * k2.2), omega: omega, beat: beat)
        let k4 = derivative((s.x + dt * k3.0, s.y + dt * k3.1, s.z + dt * k3.2), omega: omega, beat: beat)
        return (
            s.x + dt / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
            s.y + dt / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1),
            s.z + dt / 6 * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2)
        )
    }

    private func sinusInterval(at time: Double) -> Double {
        var modulation = 1.0
        for c in hrvComponents { modulation += c.amplitude * Double.sin(2 * Double.pi * c.frequency * time + c.phase) }
        return 60 / meanHeartRate * Swift.max(0.5, modulation)
    }

    /// Starts the next RR interval at `beatEnd`.
    private mutating func startNextBeat() {
        beatStart = beatEnd
        currentType = nextType
        let rr: Double
        switch configuration.rhythm {
        case .normalSinus, .sinusTachycardia, .sinusBradycardia:
            rr = sinusInterval(at: beatStart)
            nextType = .normal
        case .atrialFibrillation:
            let g = rng.nextStandardGaussian()
            rr = Swift.min(2.0, Swift.max(0.28, 60 / meanHeartRate * Double.exp(variability * g - variability * variability / 2)))
            nextType = .normal
        case .ventricularEctopy:
            let sinus = sinusInterval(at: beatStart)
            if let pause = compensation {
                rr = pause
                compensation = nil
                nextType = .normal
            } else if currentType == .normal && rng.nextUnitDouble() < ectopicProbability {
                let coupling = rng.nextDouble(in: 0.55...0.75)
                rr = coupling * sinus
                compensation = (2 - coupling) * sinus
                nextType = .prematureVentricular
            } else {
                rr = sinus
                nextType = .normal
            }
        }
        beatEnd = beatStart + rr
        if beatStart >= 0 {
            let beat = Beat(time: beatStart, type: currentType)
            pendingBeats.append(beat)
            recentBeats.append(beat)
            if recentBeats.count > 4 { recentBeats.removeFirst() }
        }
    }

    /// One 500 Hz step: the sample at the current time, then the trajectory advanced by one step.
    private mutating func advance() -> (ecg: Float, ppg: Float, respiration: Float, spo2: Float) {
        let dt = 1 / Self.internalRateHertz
        let t = Double(step) * dt
        step += 1
        while t >= beatEnd { startNextBeat() }
        var theta = Double.atan2(y: state.y, x: state.x)
        if theta < 0 { theta += 2 * Double.pi }
        let rr = beatEnd - beatStart
        if theta > Double.pi && t - beatStart < 0.25 * rr { theta -= 2 * Double.pi }
        let omega = Swift.max(0, 2 * Double.pi - theta) / Swift.max(beatEnd - t, dt)
        let beat = theta < Double.pi ? morphology(currentType) : morphology(nextType)
        let ecgClean = scale * state.z
        state = Self.rungeKutta(state, omega: omega, beat: beat, dt: dt)

        var ecg = ecgClean + artefacts(at: t)
        if let fibrillation {
            let f = fibrillation.frequency + 0.5 * Double.sin(2 * Double.pi * 0.13 * t + phases[5])
            fibrillationPhase += 2 * Double.pi * f * dt
            ecg += fibrillation.amplitude * (Double.sin(fibrillationPhase) + 0.3 * Double.sin(2 * fibrillationPhase + 0.7))
        }
        guard configuration.includesAuxiliaryChannels else { return (Float(ecg), 0, 0, 0) }
        let breathing = Double.sin(2 * Double.pi * subject.respiratoryRateHertz * t + phases[0])
        var ppg = 0.1 * breathing
        for b in recentBeats {
            let u = t - b.time - subject.pulseTransitTimeSeconds
            guard u > -0.4 && u < 1.2 else { continue }
            let amplitude = (b.type == .prematureVentricular ? 0.45 : 1) * (1 + 0.1 * breathing)
            ppg += amplitude * (Double.exp(-u * u / (2 * 0.06 * 0.06)) + 0.4 * Double.exp(-(u - 0.25) * (u - 0.25) / (2 * 0.09 * 0.09)))
        }
        let spo2 = Swift.min(100, subject.baselineSpO2Percent + 0.7 * Double.sin(2 * Double.pi * t / 90 + phases[1]))
        return (Float(ecg), Float(ppg), Float(breathing), Float(spo2))
    }

    private func morphology(_ type: BeatType) -> ECGMorphology {
        type == .normal ? normalBeat : ventricularBeat
    }

    /// The sum of the configured sensor artefacts at time `t` (mV).
    private mutating func artefacts(at t: Double) -> Double {
        let n = configuration.noise
        let dt = 1 / Self.internalRateHertz
        var value = 0.0
        if n.baselineWanderMillivolts > 0 {
            let drift = 0.05 + 0.1 * (phases[2] / (2 * Double.pi))
            value += n.baselineWanderMillivolts
                * (0.6 * Double.sin(2 * Double.pi * subject.respiratoryRateHertz * t + phases[0])
                    + 0.4 * Double.sin(2 * Double.pi * drift * t + phases[3]))
        }
        if n.muscleNoiseMillivolts > 0 {
            if burstRemaining > 0 {
                burstRemaining -= 1
            } else if rng.nextUnitDouble() < dt / 20 {
                burstRemaining = Int(rng.nextDouble(in: 0.5...2) * Self.internalRateHertz)
            }
            value += n.muscleNoiseMillivolts * (burstRemaining > 0 ? 3 : 1) * rng.nextStandardGaussian()
        }
        if n.powerlineMillivolts > 0 {
            let w = 2 * Double.pi * n.powerlineFrequencyHertz * t
            value += n.powerlineMillivolts * (Double.sin(w + phases[4]) + 0.2 * Double.sin(3 * w + phases[6]))
        }
        if n.electrodeMotionMillivolts > 0 && n.electrodeMotionRatePerSecond > 0 {
            if rng.nextUnitDouble() < n.electrodeMotionRatePerSecond * dt {
                motionEvents.append((t, n.electrodeMotionMillivolts * rng.nextStandardGaussian()))
            }
            motionEvents.removeAll { t - $0.start > 3 }
            for e in motionEvents {
                let u = t - e.start
                value += e.amplitude * (1 - Double.exp(-u / 0.04)) * Double.exp(-u / 0.3)
            }
        }
        return value
    }
}
