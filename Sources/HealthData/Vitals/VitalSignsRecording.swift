/// A vital-sign recording held in memory: ECG and optional PPG, respiration and SpO2 channels at
/// one sample rate, with ground truth when it is synthetic.
public struct VitalSignsRecording: Sendable {
    /// Sample rate of every channel (Hz).
    public var sampleRateHertz: Double
    /// Single-lead ECG (mV).
    public var ecg: [Float]
    /// Photoplethysmogram (arbitrary units), empty when absent.
    public var ppg: [Float]
    /// Respiration (arbitrary units), empty when absent.
    public var respiration: [Float]
    /// Oxygen saturation (%), empty when absent.
    public var spo2: [Float]
    /// Ground-truth R peaks, sorted by time (empty for a loaded recording).
    public var beats: [Beat]
    /// The recording's rhythm, when known.
    public var rhythm: CardiacRhythm?

    /// Creates a recording.
    public init(
        sampleRateHertz: Double, ecg: [Float], ppg: [Float] = [], respiration: [Float] = [], spo2: [Float] = [],
        beats: [Beat] = [], rhythm: CardiacRhythm? = nil
    ) {
        self.sampleRateHertz = sampleRateHertz
        self.ecg = ecg
        self.ppg = ppg
        self.respiration = respiration
        self.spo2 = spo2
        self.beats = beats
        self.rhythm = rhythm
    }

    /// Duration (s).
    public var durationSeconds: Double { Double(ecg.count) / sampleRateHertz }

    /// The mean heart rate of the whole recording from its ground-truth beats (bpm), or `nil`.
    public var meanHeartRate: Double? { Beat.meanHeartRate(beats) }

    /// The ground-truth heart rate (bpm) of the window `[start, end)` (s): the mean over its beats.
    public func heartRate(windowStart: Double, windowEnd: Double) -> Double? {
        Beat.meanHeartRate(beats.filter { $0.time >= windowStart && $0.time < windowEnd })
    }

    /// The ground-truth rhythm label of the window `[start, end)` (s), or `nil` without a known rhythm.
    public func rhythmLabel(windowStart: Double, windowEnd: Double) -> CardiacRhythm? {
        guard let rhythm else { return nil }
        return CardiacRhythm.label(
            beats: beats, windowStart: windowStart, windowEnd: windowEnd,
            atrialFibrillation: rhythm == .atrialFibrillation)
    }
}
