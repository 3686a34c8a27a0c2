import Foundation
import TabularCodec

/// Plain-text tables of an evaluation, for the terminal (`semcom eval`, `semcom demo`).
public enum EvaluationTable {
    /// Renders one table per channel (rows: scheme × SNR) and the raw-vs-semantic comparison.
    /// - Parameters:
    ///   - result: the evaluation.
    ///   - setup: what the tabular evaluation used, printed as a header when given.
    /// - Returns: the text, lines separated by `\n`.
    public static func render(_ result: EvaluationResult, setup: TabularLinkEvaluation.Setup? = nil) -> String {
        var lines: [String] = []
        if let setup {
            lines.append(
                "data: \(setup.dataPath) — \(setup.testCount) test records; semantic codec: "
                    + "\(setup.channelUsesPerSample) channel uses per record")
            if let clean = setup.rawTaskModelCleanAccuracy {
                lines.append(
                    "raw task model (fitted on \(setup.trainCount) clean records): \(setup.rawTaskModel ?? "mlp-16"); "
                        + "accuracy \(fixed(clean)) on clean test records (semantic codec without channel: \(fixed(setup.semanticCleanAccuracy)))")
            }
            if let table = setup.rateTable {
                for channel in table.channels {
                    let choices = channel.points.map { "\(String(format: "%g", $0.snrDecibels)) dB → k=\($0.selected)" }
                    lines.append(
                        "rate table \(channel.name) (validation split, \(table.validationRecords) records): "
                            + choices.joined(separator: ", "))
                }
            }
            lines.append("naive eavesdropper: \(setup.eavesdropper)")
            lines.append("")
        }
        // A noise column only when some condition adds semantic noise (`--noise`).
        let noiseWidth = result.rows.contains { $0.noise != "none" } ? max(5, result.rows.map(\.noise.count).max() ?? 0) : 0
        var header = [pad("scheme", 22), pad("SNR dB", 7), pad("uses/record", 11), pad("accuracy", 8), pad("balanced", 8), "raw failures / scheme"]
        if noiseWidth > 0 { header.insert(pad("noise", noiseWidth), at: 1) }
        for channel in result.channels.map(\.description) {
            lines.append("channel \(channel)")
            lines.append(header.joined(separator: "  "))
            for row in result.rows where row.channel == channel {
                var extra = ""
                if let failures = row.decodeFailureRate {
                    extra = "\(fixed(failures)) \(row.modulation ?? "") \(row.code ?? "")"
                }
                var cells = [
                    pad(row.scheme.rawValue, 22), pad(String(format: "%6.1f", row.snrDecibels), 7),
                    pad(String(format: "%11.1f", row.channelUsesPerSample), 11), pad(fixed(row.accuracy), 8),
                    pad(fixed(row.balancedAccuracy), 8), extra,
                ]
                if noiseWidth > 0 { cells.insert(pad(row.noise, noiseWidth), at: 1) }
                lines.append(cells.joined(separator: "  "))
            }
            let comparisons = result.comparisons.filter { $0.channel == channel }
            if let first = comparisons.first {
                lines.append(
                    "raw channel uses needed to reach the semantic accuracy (raw ≥ semantic − tolerance; tolerance = \(first.toleranceRule)):")
                for c in comparisons {
                    let ratio = c.ratio.map { String(format: "%.1f×", $0) } ?? "unreached"
                    let uses = c.rawChannelUses.map { String(format: "%.0f", $0) } ?? "-"
                    let noise = noiseWidth > 0 ? " [\(c.noise)]" : ""
                    let rawScheme = c.rawModulation.map { " (\($0) \(c.rawCode ?? ""), \(fixed(c.rawAccuracy ?? 0)))" } ?? ""
                    lines.append(
                        "  \(pad(c.scheme.rawValue, 17)) \(String(format: "%6.1f", c.snrDecibels)) dB\(noise): "
                            + "\(fixed(c.semanticAccuracy)) with \(String(format: "%.0f", c.semanticChannelUses)) uses, "
                            + "tolerance \(fixed(c.tolerance)); raw \(uses) uses\(rawScheme) → \(ratio)")
                }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func fixed(_ value: Double) -> String { String(format: "%.3f", value) }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
