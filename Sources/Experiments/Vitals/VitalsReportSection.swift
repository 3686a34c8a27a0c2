import Foundation
import KnowledgeBase
import TensorCore

/// The demo report's vital-sign section: rhythm and waveform semantic links against raw
/// transmission (tables and SVG plots of quality and channel uses per second against SNR).
public struct VitalsReportSection: ReportSection {
    /// The heading.
    public var title = "Vital signs — ECG rhythm and waveform semantic links"
    /// Rows of the rhythm evaluation.
    public var rhythmRows: [VitalsEvaluationRow]
    /// Rows of the waveform evaluation.
    public var waveformRows: [VitalsEvaluationRow]

    /// Creates the section.
    public init(rhythmRows: [VitalsEvaluationRow], waveformRows: [VitalsEvaluationRow]) {
        self.rhythmRows = rhythmRows
        self.waveformRows = waveformRows
    }

    /// Runs both evaluations (AWGN) for the demo: the KBs at the given paths, small test sets.
    public static func run(rhythmKB: String, waveformKB: String, seed: UInt64, progress: (String) -> Void = { _ in })
        throws -> VitalsReportSection
    {
        var configuration = VitalsLinkEvaluation.Configuration()
        configuration.snrDecibels = [0, 5, 10, 20]
        configuration.testRecordings = 100
        configuration.rawRecordings = 30
        configuration.passes = 2
        var rng = Xoshiro256(seed: seed)
        let rhythm = try VitalsLinkEvaluation.run(
            knowledgeBase: KnowledgeBase(contentsOfFile: rhythmKB), configuration: configuration, using: &rng, progress: progress)
        let waveform = try VitalsLinkEvaluation.run(
            knowledgeBase: KnowledgeBase(contentsOfFile: waveformKB), configuration: configuration, using: &rng,
            progress: progress)
        return VitalsReportSection(rhythmRows: rhythm, waveformRows: waveform)
    }

    private func plot(_ rows: [VitalsEvaluationRow], title: String, y: String, value: (VitalsEvaluationRow) -> Double?, log: Bool = false)
        -> SVGPlot
    {
        VitalsLinkEvaluation.plot(rows.filter { $0.noise == "none" }, title: title, y: y, logarithmic: log, value: value)
    }

    public func files() -> [ReportFile] {
        [
            ReportFile(name: "vitals-rhythm-accuracy.svg", contents: plot(rhythmRows, title: "Rhythm accuracy (5 classes, 10 s)", y: "accuracy", value: \.accuracy).render()),
            ReportFile(name: "vitals-rhythm-uses.svg", contents: plot(rhythmRows, title: "Channel uses per second of ECG (rhythm)", y: "complex uses / s", value: \.channelUsesPerSecond, log: true).render()),
            ReportFile(name: "vitals-waveform-prd.svg", contents: plot(waveformRows, title: "Waveform PRD", y: "mean PRD (%)", value: \.meanPRD).render()),
            ReportFile(name: "vitals-waveform-uses.svg", contents: plot(waveformRows, title: "Channel uses per second of ECG (waveform)", y: "complex uses / s", value: \.channelUsesPerSecond, log: true).render()),
        ]
    }

    public func bodyHTML() -> String {
        func cell(_ v: Double?, _ f: String) -> String { "<td>\(v.map { String(format: f, $0) } ?? "–")</td>" }
        func table(_ rows: [VitalsEvaluationRow]) -> String {
            "<table><tr><th>scheme</th><th>channel</th><th>SNR dB</th><th>uses/s</th><th>accuracy</th><th>HR MAE bpm</th><th>PRD %</th><th>RMS PRD %</th><th>R-peak F1</th><th>raw configuration</th></tr>"
                + rows.map { r in
                    "<tr><td>\(r.scheme)</td><td>\(r.channel)</td>" + cell(r.snrDecibels, "%.0f") + cell(r.channelUsesPerSecond, "%.2f")
                        + cell(r.accuracy, "%.3f") + cell(r.heartRateMAE, "%.2f") + cell(r.meanPRD, "%.2f") + cell(r.rmsPRD, "%.2f")
                        + cell(r.rPeakF1, "%.4f")
                        + "<td>\(r.rawConfiguration ?? "")\(r.matchesSemantic == false ? " (does not reach semantic)" : "")</td></tr>"
                }.joined() + "</table>"
        }
        return """
            <p>Synthetic single-lead ECG (McSharry et al. 2003 model, five rhythms, artefacts), test seeds unseen in training. \
            Raw: adaptive quantization, zstd, CRC, convolutional code and modulation; per SNR the cheapest configuration \
            reaching the semantic quality.</p>
            <h3>Rhythm and heart rate</h3>\(table(rhythmRows))
            <p><img src="vitals-rhythm-accuracy.svg" alt="rhythm accuracy"> <img src="vitals-rhythm-uses.svg" alt="rhythm channel uses"></p>
            <h3>Waveform reconstruction</h3>\(table(waveformRows))
            <p>PRD is the mean over recordings, RMS PRD the root-mean-square. The <code>bound-gaussian</code> rows give the \
            RMS PRD a Gaussian source with the test windows' covariance reaches at the channel's capacity (the best any \
            code relying on second-order statistics can do, unlimited block length); <code>bound-linear</code> the best \
            linear code (Karhunen–Loève components, optimal power allocation, linear MMSE receiver).</p>
            <p><img src="vitals-waveform-prd.svg" alt="waveform PRD"> <img src="vitals-waveform-uses.svg" alt="waveform channel uses"></p>
            """
    }
}
