import ClinicalTextCodec
import Foundation
import HealthData
import KnowledgeBase
import TensorCore
import Testing

@testable import Experiments

@Suite struct TextLinkEvaluationTests {
    /// A tiny rate-adaptive text KB (main k = 8, rate head k = 2, 10 % validation notes) and its notes file.
    static func knowledgeBase() throws -> (KnowledgeBase, String) {
        var rng = Xoshiro256(seed: 11)
        let generator = ClinicalNoteGenerator()
        let notes = generator.generate(count: 200, split: .train, using: &rng)
            + generator.generate(count: 40, split: .test, firstIndex: 200, using: &rng)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("text-link-\(UUID().uuidString).jsonl").path
        try Data(ClinicalNote.jsonLines(notes)).write(to: URL(fileURLWithPath: path))
        var configuration = ClinicalTextCodecConfiguration.tiny
        configuration.epochs = 2
        configuration.rateHeadChannelUses = [2]
        configuration.validationFraction = 0.1
        return (try ClinicalTextKnowledgeBase.build(dataPath: path, configuration: configuration).knowledgeBase, path)
    }

    @Test func aRateAdaptiveKBSendsWithTheHeadItsValidationNotesChoose() throws {
        let (kb, path) = try Self.knowledgeBase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = EvaluationConfiguration(
            channels: [try ChannelSpec.parse("awgn")], snrDecibels: [0, 20], semanticPasses: 1)
        configuration.adaptiveEavesdropper = nil
        var rng = Xoshiro256(seed: 3)
        let output = try TextLinkEvaluation.run(
            knowledgeBase: kb, eavesdropperKnowledgeBase: kb, compareRaw: false, configuration: configuration, using: &rng)
        #expect(output.setup.availableChannelUses == [2, 8])
        #expect(output.setup.rateSelections.map(\.snrDecibels) == [0, 20])
        for selection in output.setup.rateSelections {
            #expect(selection.validationNotes == 20 && Set(selection.validationAccuracies.keys) == ["2", "8"])
            let best = selection.validationAccuracies.values.max()!
            #expect(selection.validationAccuracies[String(selection.channelUsesPerSample)]! >= best - selection.margin - 1e-12)
            // The semantic row and the concept row of that point use the chosen head's k.
            let row = try #require(output.result.rows.first { $0.scheme == .semantic && $0.snrDecibels == selection.snrDecibels })
            #expect(row.channelUsesPerSample == Double(selection.channelUsesPerSample))
            let concept = try #require(output.conceptRows.first { $0.snrDecibels == selection.snrDecibels })
            #expect(concept.channelUsesPerSample == selection.channelUsesPerSample)
            // Where a smaller head sends, the main head's concept row is there too (and only then).
            let atPoint = output.conceptRows.filter { $0.snrDecibels == selection.snrDecibels }
            let main = output.setup.channelUsesPerSample
            #expect(atPoint.map(\.channelUsesPerSample) == (selection.channelUsesPerSample == main
                ? [main] : [selection.channelUsesPerSample, main]))
        }
        // The eavesdropper KB has the same heads: a naive row at every point.
        #expect(output.result.rows.filter { $0.scheme == .eavesdropperNaive }.count == 2)
        #expect(TextLinkEvaluation.render(output).contains("rate-adaptive semantic codec: k = 2, 8"))
        // The demo's report names the head of every concept row and the choice per SNR.
        let table = ClinicalTextDemo.conceptTable(output.conceptRows)
        #expect(table.contains("<th>channel uses k</th>"))
        for row in output.conceptRows { #expect(table.contains("<td>\(row.channelUsesPerSample)</td>")) }
        let summary = ClinicalTextDemo.rateSummary(output.setup)
        for selection in output.setup.rateSelections {
            #expect(summary.contains("k = \(selection.channelUsesPerSample) at \(Int(selection.snrDecibels)) dB"))
        }
    }
}
