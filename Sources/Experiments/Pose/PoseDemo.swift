// The pose part of `semcom demo`: the shipped pose knowledge base over AWGN, with privacy.

import Foundation
import KnowledgeBase
import SemanticCodec

/// The pose section of the demo: the pose knowledge base's link over AWGN (activity accuracy, fall
/// recall, adaptive eavesdropper) and its privacy (attackers on symbols and on raw pose), as text
/// for the terminal and a section (table and accuracy-vs-SNR plot) for the HTML report.
public enum PoseDemo {
    /// Runs the pose evaluation of `knowledgeBasePath` at −5, 0, 5, 10, 20 dB over AWGN.
    /// - Returns: the text table and the report sections.
    /// - Throws: what ``PoseLinkEvaluation/run(knowledgeBase:dataPaths:privacy:attacker:configuration:using:progress:)`` throws.
    public static func run<G: RandomNumberGenerator>(
        knowledgeBasePath: String, using rng: inout G, progress: (String) -> Void = { _ in }
    ) throws -> (text: String, sections: [any ReportSection]) {
        let knowledgeBase = try KnowledgeBase(contentsOfFile: knowledgeBasePath)
        let configuration = EvaluationConfiguration(
            channels: try ChannelSpec.parseList("awgn"), snrDecibels: [-5, 0, 5, 10, 20], semanticPasses: 3)
        let (result, setup) = try PoseLinkEvaluation.run(
            knowledgeBase: knowledgeBase, configuration: configuration, using: &rng, progress: progress)
        let text = PoseLinkEvaluation.render(result, setup: setup)
        let privacyRows = result.rows.filter { $0.scheme == "privacy-attacker" }.map { row in
            "<tr><td class=\"text\">\(row.view ?? "")</td><td class=\"text\">\(row.target ?? "")</td>"
                + "<td>\(String(format: "%.4f", row.maeMeters ?? .nan))</td><td>\(String(format: "%.4f", row.meanPredictorMAEMeters ?? .nan))</td>"
                + "<td>\(String(format: "%.3f", row.maeRatio ?? .nan))</td></tr>"
        }.joined()
        let fallRows = result.rows.filter { $0.scheme == "semantic" }.map { row in
            "<tr><td>\(String(format: "%.1f", row.snrDecibels ?? .nan))</td><td>\(String(format: "%.3f", row.accuracy ?? .nan))</td>"
                + "<td>\(row.fallRecall.map { String(format: "%.3f", $0) } ?? "-")</td>"
                + "<td>\(row.fallFalseAlarmRate.map { String(format: "%.3f", $0) } ?? "-")</td></tr>"
        }.joined()
        let sections: [any ReportSection] = [
            EvaluationReportSection(
                result: result.link, title: "Pose — activity over the semantic link", filePrefix: "pose",
                summary:
                    "\(setup.testCount) one-second clips (17 joints, 30 fps) of subjects not seen in training; \(setup.channelUsesPerSample) complex channel uses per clip; 8 activities."
            ),
            HTMLFragmentSection(
                title: "Pose — fall detection and privacy of the symbols",
                html:
                    "<table><tr><th>SNR dB</th><th>activity accuracy</th><th>fall recall</th><th>fall false alarms</th></tr>\(fallRows)</table>"
                    + "<p>A fresh MLP attacker is trained on the training subjects' data and predicts the height and "
                    + "wingspan of other subjects; the ratio is its mean absolute error over that of always predicting "
                    + "the training mean (1 = learns nothing).</p>"
                    + "<table><tr><th class=\"text\">attacker sees</th><th class=\"text\">target</th><th>attacker MAE (m)</th>"
                    + "<th>mean-predictor MAE (m)</th><th>ratio</th></tr>\(privacyRows)</table>"),
        ]
        return (text, sections)
    }
}
