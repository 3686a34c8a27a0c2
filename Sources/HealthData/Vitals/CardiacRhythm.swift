/// The five rhythm classes of a vital-sign window, in the order the rhythm codec numbers them.
///
/// A window's label is derived from its ground-truth beats by ``CardiacRhythm/label(beats:windowStart:windowEnd:atrialFibrillation:)``:
/// atrial fibrillation if the recording is in AF; otherwise ventricular ectopy if any beat in the
/// window is a premature ventricular contraction (PVC); otherwise by the mean heart rate of the
/// window's normal beats: below 60 bpm sinus bradycardia, above 100 bpm sinus tachycardia, else
/// normal sinus rhythm (the conventional adult thresholds).
public enum CardiacRhythm: Int, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Normal sinus rhythm, 60–100 bpm.
    case normalSinus = 0
    /// Sinus tachycardia, above 100 bpm.
    case sinusTachycardia = 1
    /// Sinus bradycardia, below 60 bpm.
    case sinusBradycardia = 2
    /// Atrial fibrillation: irregularly irregular RR intervals, no P waves, fibrillatory baseline.
    case atrialFibrillation = 3
    /// Sinus rhythm with premature ventricular contractions (wide QRS, no P wave, compensatory pause).
    case ventricularEctopy = 4

    /// The snake_case name used in files and on the command line.
    public var name: String {
        switch self {
        case .normalSinus: "normal_sinus"
        case .sinusTachycardia: "sinus_tachycardia"
        case .sinusBradycardia: "sinus_bradycardia"
        case .atrialFibrillation: "atrial_fibrillation"
        case .ventricularEctopy: "ventricular_ectopy"
        }
    }

    public var description: String { name }

    /// The rhythm whose ``name`` is `name`, or `nil`.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// The ground-truth label of the window `[windowStart, windowEnd)` (seconds).
    /// - Parameters:
    ///   - beats: the recording's beats (any order; those outside the window are ignored).
    ///   - atrialFibrillation: whether the recording is in atrial fibrillation during the window.
    /// - Returns: the label (normal sinus when the window holds fewer than two normal beats and no PVC).
    public static func label(
        beats: [Beat], windowStart: Double, windowEnd: Double, atrialFibrillation: Bool
    ) -> CardiacRhythm {
        if atrialFibrillation { return .atrialFibrillation }
        let inside = beats.filter { $0.time >= windowStart && $0.time < windowEnd }
        if inside.contains(where: { $0.type == .prematureVentricular }) { return .ventricularEctopy }
        guard let rate = Beat.meanHeartRate(inside) else { return .normalSinus }
        if rate > 100 { return .sinusTachycardia }
        if rate < 60 { return .sinusBradycardia }
        return .normalSinus
    }
}

/// The type of one heartbeat.
public enum BeatType: UInt8, Sendable, Hashable, Codable {
    /// A normal (sinus or atrially conducted) beat with a narrow QRS.
    case normal = 0
    /// A premature ventricular contraction: early, wide QRS, no P wave, discordant T wave.
    case prematureVentricular = 1
}

/// One ground-truth heartbeat: the time of its R peak and its type.
public struct Beat: Sendable, Hashable, Codable {
    /// Time of the R peak (s from the recording start).
    public var time: Double
    /// The beat type.
    public var type: BeatType

    /// Creates a beat.
    public init(time: Double, type: BeatType) {
        self.time = time
        self.type = type
    }

    /// The mean heart rate (bpm) of a sorted beat sequence: 60 / mean RR interval over all
    /// consecutive pairs, or `nil` with fewer than two beats.
    public static func meanHeartRate(_ beats: [Beat]) -> Double? {
        guard beats.count >= 2, let first = beats.first, let last = beats.last, last.time > first.time else {
            return nil
        }
        return 60 * Double(beats.count - 1) / (last.time - first.time)
    }
}
