import Foundation
import KnowledgeBase
import Robustness

/// The demo report's robustness section: the standard and the adversarially trained BCWD codecs
/// under PGD on the input (robust accuracy against the L∞ budget, 0…3 grades), the per-input and
/// universal symbol attacks (with Gaussian noise of the same power), and — when the text KBs are
/// present — the clean-trained and noise-aware clinical-text codecs under the synonym attack.
public struct RobustnessReportSection: ReportSection {
    /// The section heading.
    public var title = "Robustness — adversarial attacks and adversarial training"
    /// PGD rows of both BCWD codecs over the budgets.
    public var curveRows: [AttackRow]
    /// Symbol-attack rows (symbol-pgd, universal, gaussian, symbol-deepfool, symbol-certified) of both BCWD codecs.
    public var symbolRows: [AttackRow]
    /// Synonym-attack rows of the text codecs (may be empty).
    public var textRows: [AttackRow]

    /// Creates a section from measured rows.
    public init(curveRows: [AttackRow], symbolRows: [AttackRow], textRows: [AttackRow]) {
        self.curveRows = curveRows
        self.symbolRows = symbolRows
        self.textRows = textRows
    }

    /// The PGD L∞ budgets of the curve (grades).
    public static let budgets: [Double] = [0, 0.5, 1, 1.5, 2, 2.5, 3]

    /// Measures the section: PGD (10 steps, L∞, 5 channel realizations per record) and the symbol
    /// attacks and their bounds (DeepFool at the channel realization, the CROWN certificate) at SPR
    /// 10 dB over AWGN 10 dB on each tabular KB's test split; the synonym attack
    /// (≤ 20 % of words) on the first `textNotes` test notes of each text KB at 10 dB.
    /// - Parameters:
    ///   - tabularKBs: paths of the standard and adversarially trained tabular KBs (missing ones are skipped).
    ///   - textKBs: paths of the clean-trained and noise-aware text KBs (missing ones are skipped).
    ///   - seed: the attack and evaluation seed.
    public static func run(
        tabularKBs: [String], textKBs: [String], textNotes: Int = 200, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> RobustnessReportSection {
        var curve: [AttackRow] = []
        var symbols: [AttackRow] = []
        var text: [AttackRow] = []
        for path in tabularKBs where FileManager.default.fileExists(atPath: path) {
            let kb = try KnowledgeBase(contentsOfFile: path)
            curve += try RobustnessEvaluation.run(
                knowledgeBase: kb, options: .init(attack: .pgd, budgets: budgets, repeats: 5, seed: seed), progress: progress)
            symbols += try RobustnessEvaluation.run(
                knowledgeBase: kb, options: .init(attack: .symbolPGD, budgets: [10], repeats: 5, seed: seed),
                progress: progress)
            symbols += try RobustnessEvaluation.run(
                knowledgeBase: kb, options: .init(attack: .universal, budgets: [10], repeats: 5, seed: seed),
                progress: progress)
            symbols += try RobustnessEvaluation.run(
                knowledgeBase: kb, options: .init(attack: .symbolBounds, budgets: [10], repeats: 5, seed: seed),
                progress: progress)
        }
        for path in textKBs where FileManager.default.fileExists(atPath: path) {
            let kb = try KnowledgeBase(contentsOfFile: path)
            text += try RobustnessEvaluation.run(
                knowledgeBase: kb, options: .init(attack: .synonym, budgets: [0.2], maximumExamples: textNotes, seed: seed),
                progress: progress)
        }
        return RobustnessReportSection(curveRows: curve, symbolRows: symbols, textRows: text)
    }

    /// The plain-text table the demo prints.
    public var text: String {
        var lines = ["kb                            attack            budget  clean  robust  success"]
        for row in curveRows + symbolRows + textRows {
            lines.append(
                row.knowledgeBase.padding(toLength: 30, withPad: " ", startingAt: 0)
                    + row.attack.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%6.2f  %.3f  %.3f   %.3f", row.budget, row.cleanAccuracy, row.robustAccuracy, row.attackSuccessRate))
        }
        return lines.joined(separator: "\n")
    }

    /// `robustness-pgd.svg`: robust accuracy against the PGD budget for each codec.
    public func files() -> [ReportFile] {
        guard !curveRows.isEmpty else { return [] }
        let plot = RobustnessEvaluation.plot(
            curveRows, title: "BCWD, AWGN 10 dB: PGD (L∞, 10 steps) on the input",
            budgetLabel: "budget ε (grades on the 1–10 scale)")
        return [ReportFile(name: "robustness-pgd.svg", contents: plot.render())]
    }

    /// The section body.
    public func bodyHTML() -> String {
        func table(_ rows: [AttackRow]) -> String {
            var html = "<table><tr><th>knowledge base</th><th>attack</th><th>budget</th><th>clean accuracy</th><th>robust accuracy</th><th>attack success</th><th>mean perturbation</th></tr>"
            for r in rows {
                html += "<tr><td>\(escapeXML(r.knowledgeBase))</td><td>\(r.attack)</td><td>\(r.budget)</td>"
                    + String(format: "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>", r.cleanAccuracy, r.robustAccuracy, r.attackSuccessRate, r.meanPerturbation)
            }
            return html + "</table>"
        }
        guard !curveRows.isEmpty || !textRows.isEmpty else {
            return "<p>No knowledge base for the robustness section was found.</p>"
        }
        var html = """
            <p>White-box attacks through each codec's own backpropagation, with the channel (AWGN, 10 dB) in \
            the loop. Input attacks work in the features' own units (BCWD grades, 1–10) inside their valid \
            range; symbol attacks add a perturbation to the transmitted symbols with a power budget \
            (signal-to-perturbation ratio, SPR); the universal perturbation is one signal for every record \
            and is shown beside Gaussian noise of the same power. <code>symbol-deepfool</code> is a \
            per-input attack that knows the channel noise; <code>symbol-certified</code> counts a record as \
            robust only when a CROWN certificate proves that no perturbation within the budget changes its \
            decision — a lower bound of the robust accuracy under any symbol attack. Clean and attacked \
            predictions share each channel realization. Reproduce with <code>semcom attack</code>.</p>
            """
        if !curveRows.isEmpty {
            html += "<p><img src=\"robustness-pgd.svg\" alt=\"robust accuracy against PGD budget\"></p>"
            html += "<h3>PGD on the input (L∞, 10 steps)</h3>" + table(curveRows)
            html += "<h3>Symbol attacks (SPR in dB)</h3>" + table(symbolRows)
        }
        if !textRows.isEmpty {
            html += "<h3>Clinical notes: greedy KB-synonym substitution (≤ 20 % of words)</h3>" + table(textRows)
        }
        return html
    }
}
