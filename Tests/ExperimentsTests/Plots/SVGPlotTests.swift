import Foundation
import Testing

@testable import Experiments

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects element names and attributes while checking that the document is well-formed XML.
private final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append((elementName, attributes))
        text += "|"
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        text += "|"
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string.filter { $0 != "\n" }  // the document's own line breaks
    }
}

private func parse(_ svg: String) -> (ok: Bool, collector: SVGCollector) {
    let collector = SVGCollector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = collector
    return (parser.parse(), collector)
}

@Suite struct SVGPlotTests {
    private func berPlot() -> SVGPlot {
        SVGPlot(
            title: "BER <test> & more", xLabel: "Eb/N0 (dB)", yLabel: "BER", yScale: .logarithmic,
            series: [
                .init(name: "bpsk", points: [.init(x: 0, y: 0.0786), .init(x: 4, y: 0.0125), .init(x: 8, y: 1.9e-4)]),
                .init(
                    name: "qpsk \"coded\"",
                    points: [
                        .init(x: 0, y: 0.05), .init(x: 2, y: 0), .init(x: 4, y: 1e-3),
                        .init(x: 6, y: 2e-5),
                    ]),
                .init(name: "theory", points: [.init(x: 0, y: 0.0786), .init(x: 8, y: 1.9e-4)], dashed: true),
            ])
    }

    @Test func rendersWellFormedSVGWithLegendTicksAndOneLinePerSegment() {
        let svg = berPlot().render()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let (ok, collector) = parse(svg)
        #expect(ok)
        // bpsk: 1 polyline; qpsk: the zero BER splits it into [0] and [4, 6] → 1 polyline (the
        // single point is only a marker); theory: 1 dashed polyline.
        let polylines = collector.elements.filter { $0.name == "polyline" }
        #expect(polylines.count == 3)
        #expect(polylines.filter { $0.attributes["stroke-dasharray"] != nil }.count == 1)
        #expect(collector.elements.filter { $0.name == "circle" }.count == 3 + 3)
        // Escaped text survives the round trip; legend names and axis labels are present.
        #expect(collector.text.contains("BER <test> & more"))
        #expect(collector.text.contains("qpsk \"coded\""))
        #expect(collector.text.contains("Eb/N0 (dB)"))
        // Decades 10^-5 … 10^-1 (the data spans 1.9e-4 … 0.0786 → −4 … −1, plus 2e-5 → −5).
        for exponent in 1...5 { #expect(collector.text.contains("10|\u{2212}\(exponent)|")) }
    }

    @Test func logAxisPutsLargerValuesHigher() {
        let svg = berPlot().render()
        let (_, collector) = parse(svg)
        let circles = collector.elements.filter { $0.name == "circle" }.prefix(3)
        let ys = circles.compactMap { Double($0.attributes["cy"] ?? "") }
        #expect(ys.count == 3)
        #expect(ys[0] < ys[1] && ys[1] < ys[2])  // BER falls, so the pixel y grows
        // Equal log ratios give equal pixel distances: 0.0786 → 0.0125 → 1.9e-4.
        let expected = log10(0.0786 / 0.0125) / log10(0.0125 / 1.9e-4)
        #expect(abs((ys[1] - ys[0]) / (ys[2] - ys[1]) - expected) < 0.01)
    }

    @Test func linearAxesGetNiceTicks() {
        var plot = SVGPlot(title: "accuracy", xLabel: "SNR (dB)", yLabel: "accuracy")
        plot.series = [.init(name: "a", points: [.init(x: -5, y: 0.52), .init(x: 20, y: 0.97)])]
        let (ok, collector) = parse(plot.render())
        #expect(ok)
        for label in ["|-5|", "|0|", "|5|", "|10|", "|15|", "|20|", "|0.5|", "|0.9|", "|1.0|"] {
            #expect(collector.text.contains(label), "missing tick \(label)")
        }
        #expect(formatFixed(2.5, decimals: 2) == "2.50")
        #expect(formatFixed(-0.05, decimals: 2) == "-0.05")
        #expect(formatFixed(0.3, decimals: 1) == "0.3")
        #expect(formatFixed(1234, decimals: 0) == "1234")
        #expect(escapeXML("a<b & 'c'") == "a&lt;b &amp; &apos;c&apos;")
    }

    @Test func emptyAndDegeneratePlotsStillRender() {
        let empty = SVGPlot(title: "empty", xLabel: "x", yLabel: "y", yScale: .logarithmic)
        #expect(parse(empty.render()).ok)
        let zeros = SVGPlot(
            title: "zeros", xLabel: "x", yLabel: "y", yScale: .logarithmic,
            series: [.init(name: "all zero", points: [.init(x: 1, y: 0), .init(x: 1, y: 0)])])
        let (ok, collector) = parse(zeros.render())
        #expect(ok)
        #expect(collector.elements.filter { $0.name == "polyline" }.isEmpty)
        #expect(collector.text.contains("all zero"))
    }
}
