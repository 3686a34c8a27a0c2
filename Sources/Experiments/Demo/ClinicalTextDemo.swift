import ClinicalTextCodec
import KnowledgeBase
import TensorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The demo's clinical-text section: the shipped noise-aware triage KB over AWGN at 5, 10 and
/// 20 dB, clean and with semantic noise (`synonym:0.2,reverse:0.1` and held-out synonyms at 0.2),
/// against raw transmission of the notes (zstd with and without a shared dictionary) and
/// eavesdroppers; and the codec trained without noise under the same noise, when its KB exists.
public enum ClinicalTextDemo {
    /// The noise conditions the demo measures.
    public static let noiseSpecs = ["none", "synonym:0.2,reverse:0.1", "synonym-heldout:0.2"]

    /// Runs the section.
    /// - Parameters:
    ///   - knowledgeBasePath: the noise-aware KB (`KnowledgeBases/clinical-triage.semkb`).
    ///   - cleanKnowledgeBasePath: the KB trained without noise, if shipped.
    ///   - seed: the seed.
    ///   - progress: progress lines.
    /// - Returns: the printed text and the report sections.
    public static func run(
        knowledgeBasePath: String, cleanKnowledgeBasePath: String?, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> (text: String, sections: [any ReportSection]) {
        let kb = try KnowledgeBase(contentsOfFile: knowledgeBasePath)
        let configuration = EvaluationConfiguration(channels: [try ChannelSpec.parse("awgn")], snrDecibels: [5, 10, 20])
        var rng = Xoshiro256(seed: seed)
        let output = try TextLinkEvaluation.run(
            knowledgeBase: kb, noiseSpecs: noiseSpecs, configuration: configuration, using: &rng, progress: progress)
        var text = TextLinkEvaluation.render(output)
        var cleanRows: [TextLinkEvaluation.ConceptRow] = []
        if let cleanKnowledgeBasePath, FileManager.default.fileExists(atPath: cleanKnowledgeBasePath) {
            let clean = try KnowledgeBase(contentsOfFile: cleanKnowledgeBasePath)
            var cleanRNG = Xoshiro256(seed: seed &+ 1)
            var cleanConfiguration = configuration
            cleanConfiguration.adaptiveEavesdropper = nil
            let cleanOutput = try TextLinkEvaluation.run(
                knowledgeBase: clean, noiseSpecs: noiseSpecs, eavesdropperKnowledgeBase: kb, compareRaw: false,
                configuration: cleanConfiguration, using: &cleanRNG, progress: progress)
            cleanRows = cleanOutput.conceptRows
            text += "\n\nthe same noise against the codec trained without noise (\(cleanKnowledgeBasePath))\n"
            text += "channel  SNR dB  noise                        triage  concept F1\n"
            for row in cleanRows {
                text += "\(row.channel)     \(formatFixed(row.snrDecibels, decimals: 1))    \(row.noise.rightPadded(27))  \(formatFixed(row.triageAccuracy, decimals: 3))   \(formatFixed(row.conceptF1, decimals: 3))\n"
            }
        }
        var sections: [any ReportSection] = [
            EvaluationReportSection(
                result: output.result, title: "Clinical notes — triage over the semantic link", filePrefix: "notes",
                summary: "\(output.setup.testCount) test notes with held-out sentence templates; raw = UTF-8 → zstd with a shared dictionary → CRC → FEC → modulation; naive eavesdropper: \(output.setup.eavesdropper)."
                    + rateSummary(output.setup)),
            HTMLFragmentSection(title: "Clinical notes — concept sets and semantic noise (noise-aware KB)", html: conceptTable(output.conceptRows)),
        ]
        if !cleanRows.isEmpty {
            sections.append(HTMLFragmentSection(title: "Clinical notes — the codec trained without noise", html: conceptTable(cleanRows)))
        }
        return (text, sections)
    }

    /// The report's concept table: one row per (SNR, head, noise), with the head's channel uses.
    static func conceptTable(_ rows: [TextLinkEvaluation.ConceptRow]) -> String {
        "<table><tr><th>SNR dB</th><th>channel uses k</th><th>noise</th><th>triage accuracy</th><th>concept F1</th></tr>"
            + rows.map {
                "<tr><td>\(formatFixed($0.snrDecibels, decimals: 1))</td><td>\($0.channelUsesPerSample)</td><td>\($0.noise)</td><td>\(formatFixed($0.triageAccuracy, decimals: 3))</td><td>\(formatFixed($0.conceptF1, decimals: 3))</td></tr>"
            }.joined() + "</table>"
    }

    /// For a rate-adaptive KB, the sentence naming the head each SNR sends with (empty otherwise).
    static func rateSummary(_ setup: TextLinkEvaluation.Setup) -> String {
        guard !setup.rateSelections.isEmpty else { return "" }
        return " Rate-adaptive knowledge base: the semantic rows send with the head (k channel uses per note) that the validation notes choose at each SNR — "
            + setup.rateSelections.map { "k = \($0.channelUsesPerSample) at \(formatFixed($0.snrDecibels, decimals: 0)) dB" }
            .joined(separator: ", ") + "; the concept table adds the main head (k = \(setup.channelUsesPerSample)) where a smaller one sends."
    }
}
