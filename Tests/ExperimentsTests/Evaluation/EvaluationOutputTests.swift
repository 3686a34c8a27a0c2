import Foundation
import Testing

@testable import Experiments

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Counts elements while checking that a document is well-formed XML.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var names: [String] = []
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        names.append(elementName)
    }
}

private func parseXML(_ text: String) -> (ok: Bool, names: [String]) {
    let counter = ElementCounter()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = counter
    return (parser.parse(), counter.names)
}

@Suite struct EvaluationOutputTests {
    typealias F = EvaluationFixtures

    @Test func jsonDocumentHasTheContractKeys() throws {
        let document = EvaluationDocument(seed: 0, inputs: ["channel": "awgn"], result: F.awgnResult)
        let object = try #require(try JSONSerialization.jsonObject(with: document.jsonData()) as? [String: Any])
        #expect(object["command"] as? String == "eval")
        #expect(object["seed"] as? Int == 0)
        for key in ["inputs", "rows", "raw_candidates", "comparison"] { #expect(object[key] != nil, "\(key)") }
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == F.awgnResult.rows.count)
        for row in rows {
            for key in [
                "scheme", "channel", "snr_db", "noise", "channel_uses_per_sample", "accuracy", "balanced_accuracy",
                "samples",
            ] {
                #expect(row[key] != nil, "\(key) missing in \(row)")
            }
        }
        let raw = try #require(rows.first { $0["scheme"] as? String == "raw" })
        for key in ["decode_failure_rate", "modulation", "code", "payload_bits"] { #expect(raw[key] != nil, "\(key)") }
        let schemes = Set(rows.compactMap { $0["scheme"] as? String })
        #expect(schemes == ["semantic", "raw", "raw-ideal", "eavesdropper-naive", "eavesdropper-adaptive"])
        let comparison = try #require((object["comparison"] as? [[String: Any]])?.first)
        for key in ["channel", "snr_db", "semantic_accuracy", "semantic_channel_uses", "status"] {
            #expect(comparison[key] != nil, "\(key)")
        }
        let plain = try JSONSerialization.jsonObject(with: document.resultDocument.jsonData()) as? [String: Any]
        #expect((plain?["rows"] as? [Any])?.count == rows.count)
    }

    @Test func csvHasHeaderAndOneLinePerRow() {
        let csv = EvaluationOutputs.csv(F.awgnResult)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(
            lines[0]
                == "scheme,channel,snr_db,noise,channel_uses_per_sample,accuracy,balanced_accuracy,decode_failure_rate,modulation,code,payload_bits,samples"
        )
        #expect(lines.count == 1 + F.awgnResult.rows.count)
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 12 })
        let withCandidates = EvaluationOutputs.csv(F.awgnResult, includingCandidates: true)
        #expect(
            withCandidates.split(separator: "\n").count == 1 + F.awgnResult.rows.count
                + F.awgnResult.rawCandidates.count)
        // A raw candidate's code contains '/', which needs no quoting; commas would.
        #expect(csvEscape("a,b") == "\"a,b\"")
        #expect(csvEscape("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test func plotsAreWellFormedSVG() {
        let plots = EvaluationOutputs.plots(F.awgnResult)
        // One accuracy-vs-SNR plot for the channel, one accuracy-vs-uses plot per SNR.
        #expect(
            plots.map(\.fileName) == [
                "accuracy-vs-snr-awgn.svg", "accuracy-vs-uses-awgn--20dB.svg", "accuracy-vs-uses-awgn-20dB.svg",
            ])
        for plot in plots {
            let (ok, names) = parseXML(plot.svg)
            #expect(ok, "\(plot.fileName) is not well-formed XML")
            #expect(names.first == "svg")
            #expect(names.contains("polyline") || names.contains("circle"))
        }
        let snrPlot = EvaluationOutputs.accuracyVersusSNRPlot(F.awgnResult, channel: ChannelSpec(kind: .awgn))
        let present = Set(F.awgnResult.rows.map(\.scheme))
        #expect(snrPlot.series.map(\.name) == EvaluationScheme.allCases.filter(present.contains).map(\.rawValue))
        let usesPlot = EvaluationOutputs.accuracyVersusChannelUsesPlot(
            F.awgnResult, channel: ChannelSpec(kind: .awgn), snrDecibels: 20)
        #expect(usesPlot.xScale == .logarithmic)
        #expect(usesPlot.series.first { $0.name == "raw candidates" }?.points.count == F.candidates.count)
    }

    @Test func htmlReportHasTablesPlotsAndTheEavesdropperExplanation() throws {
        let section = EvaluationReportSection(
            result: F.awgnResult, title: "BCWD <tabular>", filePrefix: "bcwd", summary: "Tiny test codec.")
        let report = HTMLReport(
            title: "SemCom report", summary: "Test run.",
            sections: [HTMLFragmentSection(title: "About", html: "<p>Later modalities add sections.</p>"), section])
        let html = report.render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"en\">") && html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("BCWD &lt;tabular&gt;"))
        #expect(html.components(separatedBy: "<table>").count - 1 >= 3)  // comparison, rows, candidates
        #expect(html.contains("weak secrecy"))
        #expect(html.contains("physical-layer keys"))
        let files = section.files()
        #expect(!files.isEmpty)
        for file in files { #expect(html.contains("<img src=\"\(file.name)\""), "\(file.name)") }
        #expect(html.components(separatedBy: "<section").count - 1 == 2)

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("semcom-report-test-\(ProcessInfo.processInfo.globallyUniqueString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try report.write(toDirectory: directory.path)
        #expect(written.count == 1 + files.count)
        #expect(written[0].hasSuffix("index.html"))
        for path in written { #expect(FileManager.default.fileExists(atPath: path)) }
        let svgText = try String(contentsOfFile: written[1], encoding: .utf8)
        #expect(parseXML(svgText).ok)
    }

    @Test func writersReportUnwritablePaths() {
        #expect {
            try EvaluationOutputs.writeCSV(F.awgnResult, to: "/nonexistent-dir-semcom/x.csv")
        } throws: { error in
            (error as? ExperimentsError)?.code == .outputFailed
                && (error as? ExperimentsError)?.message.contains("/nonexistent-dir-semcom/x.csv") == true
        }
    }
}
