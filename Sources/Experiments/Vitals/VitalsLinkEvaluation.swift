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
    /// `semantic`, `raw` (the best raw configuration at this point, see ``rawConfiguration``),
    /// `sealed-semantic` (the keyed, scrambled link's legitimate receiver), `sealed-eve-naive` (an
    /// eavesdropper holding the KB but not the key), or — waveform over AWGN — the reference
    /// distortions of `VitalSignsCodec.WaveformDistortionBounds` at the semantic link's budget:
    /// `bound-gaussian` (Gaussian OPTA) and `bound-linear` (best linear code), with ``rmsPRD`` only.
    public var scheme: String
    /// The channel (``ChannelSpec`` description).
    public var channel: String
    /// Es/N0 (dB).
    public var snrDecibels: Double
    /// The semantic-noise condition (a `SemanticNoiseSpec` spelling, `none` for the clean link).
    public var noise: String = "none"
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
    /// Root-mean-square PRD over recordings, `√(mean PRD²)`, % (waveform KB; the figure the
    /// `bound-*` rows bound).
    public var rmsPRD: Double?
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
        case scheme, channel, accuracy, noise
        case snrDecibels = "snr_db"
        case channelUsesPerSecond = "channel_uses_per_second"
        case heartRateMAE = "heart_rate_mae_bpm"
        case meanPRD = "mean_prd_percent"
        case medianPRD = "median_prd_percent"
        case rmsPRD = "rms_prd_percent"
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
        /// Whether to run the raw baseline (on the clean condition only).
        public var compareRaw = true
        /// The semantic-noise conditions, each with its own semantic rows (sensor artefacts on the
        /// ECG sent, scored against the clean ECG; symbol noise on the air).
        public var noises: [VitalsNoise] = [.none]
        /// The keyed scrambled link: adds `sealed-semantic` and `sealed-eve-naive` rows.
        public var sealing: SealedLink?
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

    /// The noisy versions of the test ECGs under each condition (sensor artefacts at 250 Hz; the
    /// clean ECG for a condition without them), one generator fork per condition.
    private static func sentSignals<G: RandomNumberGenerator>(
        _ ecgs: [[Float]], noises: [VitalsNoise], using rng: inout G
    ) -> [[[Float]]] {
        let base = Xoshiro256(seed: rng.next())
        return noises.enumerated().map { index, noise in
            guard !noise.sensor.isNone else { return ecgs }
            var noiseRNG = base.fork(stream: UInt64(index))
            return ecgs.map {
                noise.sensor.apply(to: $0, sampleRateHertz: ECGPreprocessing.internalRateHertz, using: &noiseRNG).signal
            }
        }
    }

    /// The scrambled link's rows: its legitimate receiver (`sealed-semantic`) and an eavesdropper
    /// with the same KB but no key, decoding the intercepted symbols over its own channel draw
    /// (`sealed-eve-naive`). `score` turns a link (inputs → decoder outputs) into a row.
    private static func sealedRows<E: SemanticEncoder, D: SemanticDecoder, C: ChannelModel, G: RandomNumberGenerator>(
        _ sealing: SealedLink, pipeline: SemanticPipeline<E, D>, channel: C, sequence: inout UInt64, using rng: inout G,
        score: (String, (Tensor<Float>) throws -> Tensor<Float>) throws -> VitalsEvaluationRow
    ) throws -> [VitalsEvaluationRow] {
        let legitimate = try score("sealed-semantic") { inputs in
            defer { sequence &+= UInt64(inputs.shape[0]) }
            return try sealing.transmit(pipeline, inputs, over: channel, firstSequence: sequence, using: &rng).output
        }
        let eavesdropper = try score("sealed-eve-naive") { inputs in
            defer { sequence &+= UInt64(inputs.shape[0]) }
            let onAir = try sealing.transmit(pipeline, inputs, over: channel, firstSequence: sequence, using: &rng).symbols
            return pipeline.decode(channel.transmit(onAir, using: &rng).output)
        }
        return [legitimate, eavesdropper]
    }

    private static func rhythm<G: RandomNumberGenerator>(
        _ codec: RhythmCodec, seed: UInt64, _ c: Configuration, _ rng: inout G, _ progress: (String) -> Void
    ) throws -> [VitalsEvaluationRow] {
        progress("synthesizing \(c.testRecordings) test windows …")
        let test = VitalSignsTrainingData.windows(
            recordings: c.testRecordings, windowsPerRecording: 1, windowSeconds: RhythmCodec.windowSeconds, seed: seed)
        let labels = test.map(\.rhythm.rawValue)
        let rates = test.map(\.heartRate)
        let rawTest = Array(test.prefix(c.rawRecordings))
        let sent = sentSignals(test.map(\.ecg), noises: c.noises, using: &rng)
        let usesPerSecond = Double(codec.channelUsesPerWindow) / RhythmCodec.windowSeconds
        var sequence: UInt64 = 0
        var rows: [VitalsEvaluationRow] = []
        for spec in c.channels {
            for snr in c.snrDecibels {
                let channel = spec.channel(snrDecibels: snr)
                for (noise, signals) in zip(c.noises, sent) {
                    var noisy = codec
                    noisy.pipeline.perturbations += noise.symbols
                    let inputs = noisy.inputs(forWindows: signals)
                    func row(_ scheme: String, _ link: (Tensor<Float>) throws -> Tensor<Float>) throws -> VitalsEvaluationRow {
                        let e = try noisy.evaluate(inputs: inputs, labels: labels, heartRates: rates, repeats: c.passes, link: link)
                        progress("\(scheme) \(spec) \(snr) dB \(noise.name): accuracy \(String(format: "%.3f", e.accuracy)), HR MAE \(String(format: "%.2f", e.heartRateMAE))")
                        return VitalsEvaluationRow(
                            scheme: scheme, channel: spec.description, snrDecibels: snr, noise: noise.name,
                            channelUsesPerSecond: usesPerSecond, accuracy: e.accuracy, heartRateMAE: e.heartRateMAE)
                    }
                    rows.append(try row("semantic") { noisy.pipeline($0, over: channel, using: &rng) })
                    if let sealing = c.sealing {
                        rows += try sealedRows(
                            sealing, pipeline: noisy.pipeline, channel: channel, sequence: &sequence, using: &rng, score: row)
                    }
                }
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
        let sent = sentSignals(test.map(\.ecg), noises: c.noises, using: &rng)
        let frame = 500  // 2 s raw frames
        let usesPerSecond = codec.channelUsesPerSample * ECGPreprocessing.internalRateHertz
        // The bounds assume AWGN: computed only when an AWGN channel is evaluated.
        let bounds =
            try c.channels.contains { $0.kind == .awgn }
            ? WaveformDistortionBounds(
                recordings: test.map(\.ecg), windowLength: codec.windowLength, hop: Swift.max(1, codec.windowLength / 8))
            : nil
        var sequence: UInt64 = 0
        var rows: [VitalsEvaluationRow] = []
        for spec in c.channels {
            for snr in c.snrDecibels {
                let channel = spec.channel(snrDecibels: snr)
                var semanticPRD = Double.infinity
                for (noise, signals) in zip(c.noises, sent) {
                    var noisy = codec
                    noisy.pipeline.perturbations += noise.symbols
                    func row(_ scheme: String, _ link: (Tensor<Float>) throws -> Tensor<Float>) throws -> VitalsEvaluationRow {
                        var e = try noisy.evaluate(recordings: test, sent: signals, link: link)
                        var meanSquare = e.rmsPRD * e.rmsPRD
                        for _ in 1..<c.passes {
                            let more = try noisy.evaluate(recordings: test, sent: signals, link: link)
                            e.meanPRD += more.meanPRD
                            e.peakF1 += more.peakF1
                            meanSquare += more.rmsPRD * more.rmsPRD
                        }
                        e.meanPRD /= Double(c.passes)
                        e.peakF1 /= Double(c.passes)
                        e.rmsPRD = (meanSquare / Double(c.passes)).squareRoot()
                        progress("\(scheme) \(spec) \(snr) dB \(noise.name): PRD \(String(format: "%.2f", e.meanPRD)) %, F1 \(String(format: "%.4f", e.peakF1))")
                        return VitalsEvaluationRow(
                            scheme: scheme, channel: spec.description, snrDecibels: snr, noise: noise.name,
                            channelUsesPerSecond: usesPerSecond, meanPRD: e.meanPRD, medianPRD: e.medianPRD,
                            rmsPRD: e.rmsPRD, rPeakF1: e.peakF1)
                    }
                    let semantic = try row("semantic") { noisy.pipeline($0, over: channel, using: &rng) }
                    if noise.name == "none" { semanticPRD = semantic.meanPRD ?? .infinity }
                    rows.append(semantic)
                    if let sealing = c.sealing {
                        rows += try sealedRows(
                            sealing, pipeline: noisy.pipeline, channel: channel, sequence: &sequence, using: &rng, score: row)
                    }
                }
                if spec.kind == .awgn, let bounds {
                    let k = codec.channelUsesPerWindow
                    for (scheme, prd) in [
                        ("bound-gaussian", bounds.gaussianPRD(channelUsesPerWindow: k, snrDecibels: snr)),
                        ("bound-linear", bounds.linearPRD(channelUsesPerWindow: k, snrDecibels: snr)),
                    ] {
                        rows.append(
                            VitalsEvaluationRow(
                                scheme: scheme, channel: spec.description, snrDecibels: snr,
                                channelUsesPerSecond: usesPerSecond, rmsPRD: prd))
                    }
                }
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
                                rmsPRD: WaveformCodec.rootMeanSquare(prds),
                                rPeakF1: tp + fp + fn == 0 ? 1 : Double(2 * tp) / Double(2 * tp + fp + fn),
                                decodeFailureRate: Double(failures) / Double(frames),
                                rawConfiguration: "\(bits) bit adaptive, zstd 19, \(scheme)"))
                    }
                }
                rows.append(best(candidates, reaching: { ($0.meanPRD ?? .infinity) <= semanticPRD }, quality: { -($0.meanPRD ?? .infinity) }))
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

    /// The rows as CSV (header: the JSON keys; empty cells for absent values).
    public static func csv(_ rows: [VitalsEvaluationRow]) -> String {
        func number(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        func text(_ v: String?) -> String {
            guard let v else { return "" }
            return v.contains(",") || v.contains("\"") ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }
        var out =
            "scheme,channel,snr_db,noise,channel_uses_per_second,accuracy,heart_rate_mae_bpm,mean_prd_percent,"
            + "median_prd_percent,rms_prd_percent,r_peak_f1,decode_failure_rate,raw_configuration,matches_semantic\n"
        for r in rows {
            out += [
                text(r.scheme), text(r.channel), number(r.snrDecibels), text(r.noise), number(r.channelUsesPerSecond),
                number(r.accuracy), number(r.heartRateMAE), number(r.meanPRD), number(r.medianPRD), number(r.rmsPRD),
                number(r.rPeakF1),
                number(r.decodeFailureRate), text(r.rawConfiguration), r.matchesSemantic.map { "\($0)" } ?? "",
            ].joined(separator: ",") + "\n"
        }
        return out
    }

    /// Writes ``csv(_:)`` to `path`.
    /// - Throws: ``ExperimentsError`` `outputFailed`.
    public static func writeCSV(_ rows: [VitalsEvaluationRow], to path: String) throws {
        try EvaluationOutputs.write(Data(csv(rows).utf8), to: path)
    }

    /// A metric against SNR: one series per (scheme, channel, noise) present in `rows` (raw dashed).
    public static func plot(
        _ rows: [VitalsEvaluationRow], title: String, y: String, logarithmic: Bool = false,
        value: (VitalsEvaluationRow) -> Double?
    ) -> SVGPlot {
        var keys: [String] = []
        var points: [String: [SVGPlot.Point]] = [:]
        let channels = Set(rows.map(\.channel))
        let noises = Set(rows.map(\.noise))
        for r in rows {
            guard let v = value(r) else { continue }
            var key = r.scheme
            if channels.count > 1 { key += " \(r.channel)" }
            if noises.count > 1 && r.scheme != "raw" { key += " (\(r.noise))" }
            if points[key] == nil { keys.append(key) }
            points[key, default: []].append(SVGPlot.Point(x: r.snrDecibels, y: v))
        }
        return SVGPlot(
            title: title, xLabel: "Es/N0 (dB)", yLabel: y, yScale: logarithmic ? .logarithmic : .linear,
            series: keys.map { SVGPlot.Series(name: $0, points: points[$0]!, dashed: $0.hasPrefix("raw")) })  // keys come from points
    }

    /// Writes the task metric against SNR to `path`: rhythm accuracy for rhythm rows, mean PRD for
    /// waveform rows.
    /// - Throws: ``ExperimentsError`` `outputFailed`.
    public static func writeSVG(_ rows: [VitalsEvaluationRow], to path: String) throws {
        let waveform = rows.contains { $0.meanPRD != nil }
        let svg =
            waveform
            ? plot(rows, title: "ECG waveform reconstruction", y: "mean PRD (%)", value: \.meanPRD)
            : plot(rows, title: "Rhythm accuracy (5 classes, 10 s)", y: "accuracy", value: \.accuracy)
        try EvaluationOutputs.write(Data(svg.render().utf8), to: path)
    }

    /// A plain-text table of rows.
    public static func table(_ rows: [VitalsEvaluationRow]) -> String {
        var out = "scheme           channel  snr_db  noise     uses/s    accuracy  hr_mae  prd%    rms%    f1      config\n"
        for r in rows {
            func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
            out += [
                r.scheme.padding(toLength: 16, withPad: " ", startingAt: 0), r.channel.padding(toLength: 8, withPad: " ", startingAt: 0),
                f(r.snrDecibels, "%6.1f"), r.noise.count >= 8 ? r.noise : r.noise.padding(toLength: 8, withPad: " ", startingAt: 0), f(r.channelUsesPerSecond, "%8.2f"), f(r.accuracy, "%8.3f"), f(r.heartRateMAE, "%7.2f"),
                f(r.meanPRD, "%6.2f"), f(r.rmsPRD, "%6.2f"), f(r.rPeakF1, "%6.4f"), r.rawConfiguration ?? "",
            ].joined(separator: "  ") + "\n"
        }
        return out
    }
}
