import Foundation
import RealModule
import TensorCore

/// Semantic noise for ECG streams: sensor artefacts and dropped samples applied to the input
/// signal before encoding, parsed from a compact specification.
///
/// Grammar (comma-separated items, amplitudes in mV, no spaces needed):
/// ```
/// spec   := "none" | item ("," item)*
/// item   := "wander:" A            baseline wander, 0.15 Hz + 0.3 Hz sinusoids of peak A
///         | "emg:" S               muscle noise, white Gaussian of RMS S
///         | "powerline:" A ["@" F] powerline sinusoid of amplitude A at F Hz (default 50)
///         | "motion:" A ["@" R]    electrode-motion transients A·(1 − e^{−t/40 ms})·e^{−t/300 ms},
///                                  A ~ N(0, A²), R events per second (default 0.1)
///         | "drop:" P ["@" L]      dropped samples: runs of L s (default 0.2) starting with
///                                  probability P per second; each run is replaced by linear
///                                  interpolation between its neighbours (the erasure handling of
///                                  the ECG loader)
/// ```
/// Example: `wander:0.2,emg:0.03,powerline:0.02@60,drop:0.1`.
public struct StreamNoiseSpecification: Sendable, Hashable, CustomStringConvertible {
    /// Baseline wander peak (mV).
    public var wanderMillivolts = 0.0
    /// EMG RMS (mV).
    public var muscleMillivolts = 0.0
    /// Powerline amplitude (mV) and frequency (Hz).
    public var powerlineMillivolts = 0.0
    /// Powerline frequency (Hz).
    public var powerlineHertz = 50.0
    /// Electrode-motion scale (mV).
    public var motionMillivolts = 0.0
    /// Electrode-motion events per second.
    public var motionRatePerSecond = 0.1
    /// Dropped-run starts per second.
    public var dropRatePerSecond = 0.0
    /// Dropped-run length (s).
    public var dropSeconds = 0.2

    /// No noise.
    public init() {}

    /// Parses a specification (grammar in the type's documentation).
    /// - Throws: ``VitalSignsCodecError`` `invalidNoiseSpecification` naming the item and what was expected.
    public init(parsing text: String) throws(VitalSignsCodecError) {
        self.init()
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Self.error("empty noise specification; use 'none'") }
        if trimmed == "none" { return }
        for rawItem in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let item = rawItem.trimmingCharacters(in: .whitespaces)
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw Self.error("item '\(item)' must be name:value") }
            let valueParts = parts[1].split(separator: "@", omittingEmptySubsequences: false).map(String.init)
            guard valueParts.count <= 2, let value = Double(valueParts[0]), value.isFinite, value >= 0 else {
                throw Self.error("item '\(item)': value must be a finite number ≥ 0, optionally followed by @parameter")
            }
            let parameter: Double?
            if valueParts.count == 2 {
                guard let p = Double(valueParts[1]), p.isFinite, p > 0 else {
                    throw Self.error("item '\(item)': the @parameter must be a finite number > 0")
                }
                parameter = p
            } else {
                parameter = nil
            }
            switch parts[0] {
            case "wander": wanderMillivolts = value
            case "emg": muscleMillivolts = value
            case "powerline":
                powerlineMillivolts = value
                powerlineHertz = parameter ?? 50
            case "motion":
                motionMillivolts = value
                motionRatePerSecond = parameter ?? 0.1
            case "drop":
                guard value <= 10 else { throw Self.error("item '\(item)': drop rate must be ≤ 10 runs per second") }
                dropRatePerSecond = value
                dropSeconds = parameter ?? 0.2
            default:
                throw Self.error("unknown noise '\(parts[0])'; expected wander, emg, powerline, motion or drop")
            }
            if parameter != nil && !["powerline", "motion", "drop"].contains(parts[0]) {
                throw Self.error("item '\(item)': \(parts[0]) takes no @parameter")
            }
        }
    }

    private static func error(_ message: String) -> VitalSignsCodecError {
        VitalSignsCodecError(code: .invalidNoiseSpecification, message: message)
    }

    /// Whether it changes nothing.
    public var isNone: Bool { self == StreamNoiseSpecification() }

    public var description: String {
        guard !isNone else { return "none" }
        var items: [String] = []
        if wanderMillivolts > 0 { items.append("wander:\(wanderMillivolts)") }
        if muscleMillivolts > 0 { items.append("emg:\(muscleMillivolts)") }
        if powerlineMillivolts > 0 { items.append("powerline:\(powerlineMillivolts)@\(powerlineHertz)") }
        if motionMillivolts > 0 { items.append("motion:\(motionMillivolts)@\(motionRatePerSecond)") }
        if dropRatePerSecond > 0 { items.append("drop:\(dropRatePerSecond)@\(dropSeconds)") }
        return items.joined(separator: ",")
    }

    /// Applies the noise to a signal (mV) sampled at `sampleRateHertz`.
    /// - Returns: the noisy signal and the number of dropped (interpolated) samples.
    public func apply<G: RandomNumberGenerator>(
        to signal: [Float], sampleRateHertz: Double, using rng: inout G
    ) -> (signal: [Float], droppedSamples: Int) {
        guard !isNone, !signal.isEmpty else { return (signal, 0) }
        var x = signal
        let dt = 1 / sampleRateHertz
        let phases = (0..<3).map { _ in 2 * Double.pi * rng.nextUnitDouble() }
        var events: [(start: Double, amplitude: Double)] = []
        for i in x.indices {
            let t = Double(i) * dt
            var v = 0.0
            if wanderMillivolts > 0 {
                v += wanderMillivolts
                    * (0.6 * Double.sin(2 * Double.pi * 0.3 * t + phases[0]) + 0.4 * Double.sin(2 * Double.pi * 0.15 * t + phases[1]))
            }
            if muscleMillivolts > 0 { v += muscleMillivolts * rng.nextStandardGaussian() }
            if powerlineMillivolts > 0 { v += powerlineMillivolts * Double.sin(2 * Double.pi * powerlineHertz * t + phases[2]) }
            if motionMillivolts > 0 {
                if rng.nextUnitDouble() < motionRatePerSecond * dt {
                    events.append((t, motionMillivolts * rng.nextStandardGaussian()))
                }
                events.removeAll { t - $0.start > 3 }
                for e in events {
                    let u = t - e.start
                    v += e.amplitude * (1 - Double.exp(-u / 0.04)) * Double.exp(-u / 0.3)
                }
            }
            x[i] += Float(v)
        }
        var dropped = 0
        if dropRatePerSecond > 0 {
            let length = Swift.max(1, Int(dropSeconds * sampleRateHertz))
            var i = 1
            while i < x.count - 1 {
                if rng.nextUnitDouble() < dropRatePerSecond * dt {
                    let end = Swift.min(x.count - 1, i + length)
                    let a = x[i - 1]
                    let b = x[end]
                    for j in i..<end { x[j] = a + (b - a) * Float(j - i + 1) / Float(end - i + 1) }
                    dropped += end - i
                    i = end + 1
                } else {
                    i += 1
                }
            }
        }
        return (x, dropped)
    }
}
