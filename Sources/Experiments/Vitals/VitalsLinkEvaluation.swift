import Channels
import Compression
import Foundation
import HealthData
import KnowledgeBase
import RawTransmission
import SemanticCodec
import TensorCore
import VitalSignsCodec

/// One measured point of a vital-sign link evaluation (JSON keys in snake_case).
public struct VitalsEvaluationRow: Codable, Sendable {
    /// `semantic` or `raw` (the best raw configuration at this point, see ``rawConfiguration``).
    public var scheme: String
    /// The channel (``ChannelSpec`` description).
    public var channel: String
    /// Es/N0 (dB).
    public var snrDecibels: Double
    /// Complex channel uses per second of ECG.
    public var channelUsesPerSecond: Double
    /// Rhythm accuracy (rhythm KB).
    public var accuracy: Double?
    /// Heart-rate mean absolute error, bpm (rhythm KB).
    public var heartRateMAE: Double?
    /// Mean PRD over recordings, % (waveform KB).
    public var meanPRD: Double?
    /// Median PRD, % (waveform KB).
    public var medianPRD: Double?
    /// R-peak F1 within ±50 ms, decoded vs original (waveform KB).
    public var rPeakF1: Double?
    /// Raw only: the fraction of frames that failed (CRC) and fell back.
    public var decodeFailureRate: Double?
    /// Raw only: quantization bits, compression and modulation/code of the chosen configuration.
    public var rawConfiguration: String?
    /// Raw only: whether it reaches the semantic link's accuracy (or PRD) at this point; if no raw
    /// configuration does, the row is the raw configuration with the best quality.
    public var matchesSemantic: Bool?

    enum CodingKeys: String, CodingKey {
        case scheme, channel, accuracy
        case snrDecibels = "snr_db"
        case channelUsesPerSecond = "channel_uses_per_second"
        case heartRateMAE = "heart_rate_mae_bpm"
        case meanPRD = "mean_prd_percent"
        case medianPRD = "median_prd_percent"
        case rPeakF1 = "r_peak_f1"
        case decodeFailureRate = "decode_failure_rate"
        case rawConfiguration = "raw_configuration"
        case matchesSemantic = "matches_semantic"
    }
}

/// The vital-sign semantic links of `semcom eval`: a `vitals-rhythm` or `vitals-waveform` knowledge
/// base over channels and SNRs, against raw transmission of the same ECG.
///
/// **Test data**: fresh synthetic recordings (seeds never used in training: the KB's seed + 5 000 011),
/// with random artefacts, random recording rates resampled to 250 Hz.
///
/// **Raw baseline** (RawTransmission): the ECG of each rhythm window (10 s) or of each 2 s waveform
/// frame is quantized with `b` bits over its own range (adaptive; `b` ∈ {6, 8} for rhythm, {5, 6, 8}
/// for waveform), zstd-compressed (level 19), CRC-32C, convolutionally coded and modulated with each
/// of `DigitalScheme.standardCandidates`. The rhythm receiver classifies the decoded ECG with the
/// same rhythm codec over a noiseless link; a failed frame predicts normal sinus rhythm at 75 bpm.
/// The rhythm target is the semantic accuracy measured on the same windows the raw path sends.
/// A failed waveform frame is replaced by zeros (counted). Per SNR, the reported raw row is the
/// configuration with the **fewest channel uses per second** that reaches the semantic accuracy
/// (rhythm) or a mean PRD no larger than the semantic one (waveform); if none does, the one with the
/// best quality, marked `matches_semantic = false`.
public enum VitalsLinkEvaluation {
    /// Settings of a run.
    public struct Configuration: Sendable {
        /// Channels.
        public var channels: [ChannelSpec] = [ChannelSpec(kind: .awgn)]
        /// SNRs (dB).
        public var snrDecibels: [Double] = [-5, 0, 5, 10, 20]
        /// Semantic passes (channel realizations) per window.
        public var passes = 3
        /// Test recordings (rhythm: one 10 s window each; waveform: 20 s each).
        public var testRecordings = 200
        /// Of which sent over the raw path (it is slower).
        public var rawRecordings = 60
        /// Whether to run the raw baseline.
        public var compareRaw = true
        /// Creates the defaults.
        public init() {}
    }

    /// Runs the evaluation for a vitals knowledge base (rhythm or waveform, from its task).
    /// - Throws: ``VitalSignsCodecError`` for a KB that is not a vitals codec, `RawTransmissionError`.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBase kb: KnowledgeBase, configuration: Configuration, using rng: inout G,
        progress: (String) -> Void = { _ in }
    ) throws -> [VitalsEvaluationRow] {
        let seed = (kb.manifest.provenance?.seed ?? 0) &+ 5_000_011
        if kb.manifest.task == RhythmCodec.task {
            return try rhythm(RhythmCodec(knowledgeBase: kb), seed: seed, configuration, &rng, progress)
        }
        return try waveform(WaveformCodec(knowledgeBase: kb), seed: seed, configuration, &rng, progress)
    }

    static let rawSchemes = DigitalScheme.standardCandidates

    private static func rhythm<G: RandomNumberGenerator>(
        _ codec: RhythmCodec, seed: UInt64, _ c: Configuration, _ rng: inout G, _ progress: (String) -> Void
    ) throws -> [VitalsEvaluationRow] {
        progress("synthesizing \(c.testRecordings) test windows …")
        let test = VitalSignsTrainingData.windows(
            recordings: c.testRecordings, windowsPerRecording: 1, windowSeconds: RhythmCodec.windowSeconds, seed: seed)
        let inputs = codec.inputs(forWindows: test.map(\.ecg))
        let labels = test.map(\.rhythm.rawValue)
        let rates = test.map(\.heartRate)
        let rawTest = Array(test.prefix(c.rawRecordings))
        var rows: [VitalsEvaluationRow] = []
        for spec in c.channels {
            for snr in c.snrDecibels {
                let e = codec.evaluate(
                    inputs: inputs, labels: labels, heartRates: rates, over: spec.channel(snrDecibels: snr),
                    repeats: c.passes, using: &rng)
                progress("semantic \(spec) \(snr) dB: accuracy \(String(format: "%.3f", e.accuracy)), HR MAE \(String(format: "%.2f", e.heartRateMAE))")
                rows.append(
                    VitalsEvaluationRow(
                        scheme: "semantic", channel: spec.description, snrDecibels: snr,
                        channelUsesPerSecond: Double(codec.channelUsesPerWindow) / RhythmCodec.windowSeconds,
                        accuracy: e.accuracy, heartRateMAE: e.heartRateMAE))
                guard c.compareRaw else { continue }
                // The target: the semantic accuracy on the same windows the raw path sends.
                let subset = codec.evaluate(
                    inputs: codec.inputs(forWindows: rawTest.map(\.ecg)), labels: rawTest.map(\.rhythm.rawValue),
                    heartRates: rawTest.map(\.heartRate), over: spec.channel(snrDecibels: snr), repeats: c.passes, using: &rng)
                var candidates: [VitalsEvaluationRow] = []
                for bits in [6, 8] {
                    for scheme in rawSchemes {
                        var link = RawLink(
                            configuration: RawLinkConfiguration(
                                source: RawSourceCoding(quantization: .adaptive(bitsPerValue: bits), compression: .zstd(level: 19)),
                                modulation: scheme.modulation, code: scheme.code),
                            fallback: .fixed(.values([0])))
                        var uses = 0
                        var failures = 0
                        var received: [[Float]] = []
                        var ok: [Bool] = []
                        for w in rawTest {
                            let report = try link.transmit(
                                .values(w.ecg.map(Double.init)), over: spec.channel(snrDecibels: snr), using: &rng)
                            uses += report.channelUses
                            if case .values(let v) = report.output, report.frameSucceeded {
                                received.append(v.map(Float.init))
                                ok.append(true)
                            } else {
                                failures += 1
                                received.append(w.ecg)
                                ok.append(false)
                            }
                        }
                        let outputs = RhythmCodec.interpret(codec.pipeline(codec.inputs(forWindows: received), over: IdentityChannel(), using: &rng))
                        var correct = 0
                        var absError = 0.0
                        for (i, w) in rawTest.enumerated() {
                            let predicted = ok[i] ? outputs[i].rhythm : .normalSinus
                            let rate = ok[i] ? outputs[i].heartRate : 75
                            if predicted == w.rhythm { correct += 1 }
                            absError += Swift.abs(rate - w.heartRate)
                        }
                        let n = Double(rawTest.count)
                        candidates.append(
                            VitalsEvaluationRow(
                                scheme: "raw", channel: spec.description, snrDecibels: snr,
                                channelUsesPerSecond: Double(uses) / (n * RhythmCodec.windowSeconds),
                                accuracy: Double(correct) / n, heartRateMAE: absError / n,
                                decodeFailureRate: Double(failures) / n,
                                rawConfiguration: "\(bits) bit adaptive, zstd 19, \(scheme)"))
                    }
                }
                rows.append(best(candidates, reaching: { ($0.accuracy ?? 0) >= subset.accuracy }, quality: { $0.accuracy ?? 0 }))
                progress("raw \(spec) \(snr) dB: \(rows.last?.rawConfiguration ?? "") \(String(format: "%.1f", rows.last?.channelUsesPerSecond ?? 0)) uses/s, accuracy \(String(format: "%.3f", rows.last?.accuracy ?? 0))")
            }
        }
        return rows
    }

    private static func waveform<G: RandomNumberGenerator>(
        _ codec: WaveformCodec, seed: UInt64, _ c: Configuration, _ rng: inout G, _ progress: (String) -> Void
    ) throws -> [VitalsEvaluationRow] {
        let recordings = Swift.max(1, c.testRecordings / 5)
        progress("synthesizing \(recordings) test recordings of 20 s …")
        let test = VitalSignsTrainingData.windows(
            recordings: recordings, windowsPerRecording: 1, windowSeconds: 20, seed: seed, noiseSeverity: 0.5)
        let rawTest = Array(test.prefix(Swift.max(1, c.rawRecordings / 6)))
        let frame = 500  // 2 s raw frames
        var rows: [VitalsEvaluationRow] = []
        for spec in c.channels {
            for snr in c.snrDecibels {
                var e = codec.evaluate(recordings: test, over: spec.channel(snrDecibels: snr), using: &rng)
                for _ in 1..<c.passes {
                    let more = codec.evaluate(recordings: test, over: spec.channel(snrDecibels: snr), using: &rng)
                    e.meanPRD += more.meanPRD
                    e.peakF1 += more.peakF1
                }
                e.meanPRD /= Double(c.passes)
                e.peakF1 /= Double(c.passes)
                progress("semantic \(spec) \(snr) dB: PRD \(String(format: "%.2f", e.meanPRD)) %, F1 \(String(format: "%.4f", e.peakF1))")
                rows.append(
                    VitalsEvaluationRow(
                        scheme: "semantic", channel: spec.description, snrDecibels: snr,
                        channelUsesPerSecond: codec.channelUsesPerSample * ECGPreprocessing.internalRateHertz,
                        meanPRD: e.meanPRD, medianPRD: e.medianPRD, rPeakF1: e.peakF1))
                guard c.compareRaw else { continue }
                var candidates: [VitalsEvaluationRow] = []
                let detector = RPeakDetector(sampleRateHertz: ECGPreprocessing.internalRateHertz)
                for bits in [5, 6, 8] {
                    for scheme in rawSchemes {
                        var link = RawLink(
                            configuration: RawLinkConfiguration(
                                source: RawSourceCoding(quantization: .adaptive(bitsPerValue: bits), compression: .zstd(level: 19)),
                                modulation: scheme.modulation, code: scheme.code),
                            fallback: .fixed(.values(Array(repeating: 0, count: frame))))
                        var uses = 0
                        var failures = 0
                        var frames = 0
                        var prds: [Double] = []
                        var tp = 0, fp = 0, fn = 0
                        for r in rawTest {
                            var decoded: [Float] = []
                            var start = 0
                            while start < r.ecg.count {
                                let piece = Array(r.ecg[start..<Swift.min(r.ecg.count, start + frame)])
                                let report = try link.transmit(
                                    .values(piece.map(Double.init)), over: spec.channel(snrDecibels: snr), using: &rng)
                                uses += report.channelUses
                                frames += 1
                                if case .values(let v) = report.output, report.frameSucceeded, v.count == piece.count {
                                    decoded += v.map(Float.init)
                                } else {
                                    failures += 1
                                    decoded += Array(repeating: 0, count: piece.count)
                                }
                                start += frame
                            }
                            prds.append(WaveformCodec.prd(original: r.ecg, reconstruction: decoded))
                            let m = RPeakDetector.match(
                                detected: detector.detect(decoded), reference: detector.detect(r.ecg), toleranceSamples: 12)
                            tp += m.truePositives
                            fp += m.falsePositives
                            fn += m.falseNegatives
                        }
                        let seconds = Double(rawTest.map(\.ecg.count).reduce(0, +)) / ECGPreprocessing.internalRateHertz
                        let sorted = prds.sorted()
                        candidates.append(
                            VitalsEvaluationRow(
                                scheme: "raw", channel: spec.description, snrDecibels: snr,
                                channelUsesPerSecond: Double(uses) / seconds,
                                meanPRD: prds.reduce(0, +) / Double(prds.count), medianPRD: sorted[sorted.count / 2],
                                rPeakF1: tp + fp + fn == 0 ? 1 : Double(2 * tp) / Double(2 * tp + fp + fn),
                                decodeFailureRate: Double(failures) / Double(frames),
                                rawConfiguration: "\(bits) bit adaptive, zstd 19, \(scheme)"))
                    }
                }
                rows.append(best(candidates, reaching: { ($0.meanPRD ?? .infinity) <= e.meanPRD }, quality: { -($0.meanPRD ?? .infinity) }))
                progress("raw \(spec) \(snr) dB: \(rows.last?.rawConfiguration ?? "") \(String(format: "%.1f", rows.last?.channelUsesPerSecond ?? 0)) uses/s, PRD \(String(format: "%.2f", rows.last?.meanPRD ?? 0))")
            }
        }
        return rows
    }

    /// The cheapest candidate that reaches the target, else the best-quality one (marked).
    private static func best(
        _ candidates: [VitalsEvaluationRow], reaching: (VitalsEvaluationRow) -> Bool,
        quality: (VitalsEvaluationRow) -> Double
    ) -> VitalsEvaluationRow {
        if var cheapest = candidates.filter(reaching).min(by: { $0.channelUsesPerSecond < $1.channelUsesPerSecond }) {
            cheapest.matchesSemantic = true
            return cheapest
        }
        // Candidates are never empty (13 schemes × several bit depths); among the best quality, the cheapest.
        let bestQuality = candidates.map(quality).max()!
        var top = candidates.filter { quality($0) == bestQuality }.min(by: { $0.channelUsesPerSecond < $1.channelUsesPerSecond })!
        top.matchesSemantic = false
        return top
    }

    /// A plain-text table of rows.
    public static func table(_ rows: [VitalsEvaluationRow]) -> String {
        var out = "scheme    channel  snr_db  uses/s    accuracy  hr_mae  prd%    f1      config\n"
        for r in rows {
            func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
            out += [
                r.scheme.padding(toLength: 9, withPad: " ", startingAt: 0), r.channel.padding(toLength: 8, withPad: " ", startingAt: 0),
                f(r.snrDecibels, "%6.1f"), f(r.channelUsesPerSecond, "%8.2f"), f(r.accuracy, "%8.3f"), f(r.heartRateMAE, "%7.2f"),
                f(r.meanPRD, "%6.2f"), f(r.rPeakF1, "%6.4f"), r.rawConfiguration ?? "",
            ].joined(separator: "  ") + "\n"
        }
        return out
    }
}
