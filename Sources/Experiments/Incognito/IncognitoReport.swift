// Tables, plots and the demo section of the incognito evaluation.

import Foundation
import HealthData
import KnowledgeBase
import PoseCodec

extension IncognitoEvaluation {
    /// A fixed-width text table of the rows (errors in cm, accuracies as fractions).
    public static func table(_ rows: [IncognitoEvaluationRow]) -> String {
        func f(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        func cm(_ v: Double) -> String { String(format: "%.2f", 100 * v) }
        let header = [
            "epsilon", "attribute", "raw cm", "private cm", "adaptive cm", "mean cm", "adv. cut", "adaptive cut",
            "re-id raw", "re-id private", "activity raw", "activity private",
        ]
        var lines = [header]
        for r in rows {
            lines.append([
                f(r.epsilon, 1), r.attribute, cm(r.attackerErrorRaw), cm(r.attackerErrorPrivate),
                cm(r.attackerErrorPrivateAdaptive), cm(r.baselineError), f(r.advantageReduction),
                f(r.advantageReductionAdaptive), f(r.identificationAccuracyRaw), f(r.identificationAccuracyPrivate),
                f(r.activityAccuracyRaw), f(r.activityAccuracyPrivate),
            ])
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }  // header row exists
        return lines.map { line in
            line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Attacker error (cm) against ε: the raw-trained and adaptive attackers on incognito streams,
    /// with the raw attacker and the mean predictor as dashed references, per attribute.
    public static func plot(_ rows: [IncognitoEvaluationRow]) -> SVGPlot {
        var plot = SVGPlot(title: "Incognito: attribute inference vs ε", xLabel: "ε per attribute", yLabel: "attacker MAE (cm)")
        for attribute in Array(Set(rows.map(\.attribute))).sorted() {
            let r = rows.filter { $0.attribute == attribute }.sorted { $0.epsilon < $1.epsilon }
            func series(_ name: String, _ value: (IncognitoEvaluationRow) -> Double, dashed: Bool = false) -> SVGPlot.Series {
                SVGPlot.Series(
                    name: "\(attribute) \(name)", points: r.map { SVGPlot.Point(x: $0.epsilon, y: 100 * value($0)) },
                    dashed: dashed)
            }
            plot.series += [
                series("incognito", \.attackerErrorPrivate), series("incognito, adaptive", \.attackerErrorPrivateAdaptive),
                series("raw", \.attackerErrorRaw, dashed: true), series("mean predictor", \.baselineError, dashed: true),
            ]
        }
        return plot
    }
}

/// The incognito section of `semcom demo`: the evaluation on 100 simulated users (1 clip per
/// activity, ε = 1, 3, 5, height and wingspan) with the shipped pose knowledge base.
public enum IncognitoDemo {
    /// Runs the demo evaluation.
    /// - Returns: the text table and the report section.
    public static func run(
        knowledgeBasePath: String, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> (text: String, section: any ReportSection) {
        let kb = try KnowledgeBase(contentsOfFile: knowledgeBasePath)
        let codec = try PoseCodec(knowledgeBase: kb)
        let noise = try PoseKnowledgeBase.description(of: kb).dataset.noise
        let configuration = IncognitoEvaluationConfiguration(
            users: 100, clipsPerActivity: 1, attacker: PoseAttributeAttacker(epochs: 40))
        let (rows, withheld) = try IncognitoEvaluation.run(
            configuration, codec: codec, dataset: noise, seed: seed, progress: progress)
        let text = IncognitoEvaluation.table(rows) + (withheld > 0 ? "\n(\(withheld) clips withheld: joints missing)" : "")
        let html =
            "<p>100 simulated users × 8 activities; each clip is its own incognito session (height and wingspan "
            + "released once with the bounded Laplace mechanism of Holohan et al., then the clip is re-targeted onto "
            + "the secondary avatar). Attackers (MLP on raw pose + bone lengths) are trained on 70 users and scored on "
            + "the other 30; 'adaptive' attackers are trained on incognito streams. Re-identification: nearest "
            + "centroid of bone lengths among all 100 users (chance 0.01). Activity: the pose codec over AWGN 10 dB.</p>"
            + "<pre>\(text)</pre><img src=\"incognito.svg\" alt=\"attacker error vs epsilon\">"
        return (text, IncognitoReportSection(html: html, svg: IncognitoEvaluation.plot(rows).render()))
    }
}

/// The incognito report section: a table and the attacker-error plot.
struct IncognitoReportSection: ReportSection {
    var title: String { "Incognito mode — attribute inference, re-identification and activity" }
    var html: String
    var svg: String
    func bodyHTML() -> String { html }
    func files() -> [ReportFile] { [ReportFile(name: "incognito.svg", contents: svg)] }
}
