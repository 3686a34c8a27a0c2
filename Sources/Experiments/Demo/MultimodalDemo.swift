import KnowledgeBase
import TensorCore

/// The demo's multi-modal section: the shipped fused record codec (`bcwd-multimodal.semkb`) over
/// AWGN at 5, 10 and 20 dB — fused on clean records and with the note replaced by noise, the table
/// missing or the note missing, against the KB's table-only and note-only codecs, and the
/// acceptance checks (fused under corruption ≥ the single-modality codec − 0.01). Short by design:
/// no raw baseline and no eavesdroppers (`semcom eval --kb KnowledgeBases/bcwd-multimodal.semkb`
/// runs those).
public enum MultimodalDemo {
    /// The SNRs (dB) of the section.
    public static let snrDecibels: [Double] = [5, 10, 20]

    /// Runs the section.
    /// - Parameters:
    ///   - knowledgeBasePath: the multi-modal KB.
    ///   - seed: the seed.
    ///   - progress: progress lines.
    /// - Returns: the printed text and the report section.
    /// - Throws: `MultimodalCodecError` for an unusable KB.
    public static func run(
        knowledgeBasePath: String, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> (text: String, section: any ReportSection) {
        let kb = try KnowledgeBase(contentsOfFile: knowledgeBasePath)
        var configuration = EvaluationConfiguration(
            channels: [try ChannelSpec.parse("awgn")], snrDecibels: snrDecibels, semanticPasses: 5)
        configuration.adaptiveEavesdropper = nil
        var rng = Xoshiro256(seed: seed)
        let output = try MultimodalLinkEvaluation.run(
            knowledgeBase: kb, compareRaw: false, configuration: configuration, using: &rng, progress: progress)
        var lines = [
            "\(output.setup.testCount) test records, \(output.setup.channelUsesPerSample) channel uses per record (every head)",
            "head        condition       SNR dB  accuracy",
        ]
        for r in output.headRows {
            lines.append(
                "\(r.head.rightPadded(10))  \(r.condition.rightPadded(14))  \(formatFixed(r.snrDecibels, decimals: 1).leftPadded(6))  \(formatFixed(r.accuracy, decimals: 3))")
        }
        lines.append("acceptance: fused under corruption ≥ single-modality codec − 0.01")
        for a in output.acceptance {
            lines.append(
                "  \(a.check.rightPadded(36)) \(formatFixed(a.snrDecibels, decimals: 1).leftPadded(5)) dB: \(formatFixed(a.fusedAccuracy, decimals: 3)) vs \(formatFixed(a.referenceAccuracy, decimals: 3)) → \(a.met ? "met" : "NOT met")")
        }
        let heads = output.headRows.map {
            "<tr><td>\($0.head)</td><td>\($0.condition)</td><td>\(formatFixed($0.snrDecibels, decimals: 1))</td><td>\(formatFixed($0.accuracy, decimals: 3))</td></tr>"
        }.joined()
        let checks = output.acceptance.map {
            "<tr><td>\($0.check)</td><td>\(formatFixed($0.snrDecibels, decimals: 1))</td><td>\(formatFixed($0.fusedAccuracy, decimals: 3))</td><td>\(formatFixed($0.referenceAccuracy, decimals: 3))</td><td>\($0.met ? "met" : "not met")</td></tr>"
        }.joined()
        let html =
            "<p>BCWD records (9 graded fields) paired with generated cytology reports, one message of \(output.setup.channelUsesPerSample) channel uses; \(output.setup.testCount) test records, 5 channel realizations each.</p>"
            + "<table><tr><th>head</th><th>condition</th><th>SNR dB</th><th>accuracy</th></tr>\(heads)</table>"
            + "<p>Acceptance: the fused codec under corruption against the single-modality codec (margin 0.01).</p>"
            + "<table><tr><th>check</th><th>SNR dB</th><th>fused</th><th>single-modality</th><th></th></tr>\(checks)</table>"
        return (
            lines.joined(separator: "\n"),
            HTMLFragmentSection(title: "Multi-modal records — fused vs table-only vs note-only", html: html)
        )
    }
}
