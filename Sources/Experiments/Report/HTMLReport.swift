import Foundation

/// A file written beside a report's `index.html` (an SVG plot, a CSV table).
public struct ReportFile: Sendable, Hashable {
    /// The file name, relative to the report directory (letters, digits, `-`, `_`, `.`).
    public var name: String
    /// The file's text.
    public var contents: String

    /// Creates a file.
    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// One section of an ``HTMLReport``: each modality or experiment contributes its own (the tabular
/// link, pose, clinical notes, key generation, and so on).
public protocol ReportSection: Sendable {
    /// The section heading (plain text; escaped by the report).
    var title: String { get }
    /// The section body as an HTML5 fragment (the report wraps it in `<section>` under an `<h2>`).
    func bodyHTML() -> String
    /// The files the body references (e.g. SVG plots in `<img src>`), written beside `index.html`.
    func files() -> [ReportFile]
}

/// A section made of a ready HTML fragment (e.g. an introduction or a note).
public struct HTMLFragmentSection: ReportSection {
    /// The heading.
    public var title: String
    /// The body, an HTML5 fragment (not escaped).
    public var html: String

    /// Creates a section.
    public init(title: String, html: String) {
        self.title = title
        self.html = html
    }

    /// ``html``.
    public func bodyHTML() -> String { html }
    /// None.
    public func files() -> [ReportFile] { [] }
}

/// A self-contained static HTML5 report: `index.html` with inline CSS and the sections in order, and
/// the files the sections reference (SVG plots) beside it — no scripts, no network resources, so
/// it opens from disk in any browser (`semcom-report/index.html`).
///
/// ```swift
/// let report = HTMLReport(title: "SemCom demo", sections: [EvaluationReportSection(result: result, title: "BCWD")])
/// try report.write(toDirectory: "semcom-report")
/// ```
public struct HTMLReport: Sendable {
    /// The page title and top heading.
    public var title: String
    /// An optional introductory paragraph (plain text; escaped).
    public var summary: String?
    /// The sections, in order.
    public var sections: [any ReportSection]

    /// Creates a report.
    public init(title: String, summary: String? = nil, sections: [any ReportSection]) {
        self.title = title
        self.summary = summary
        self.sections = sections
    }

    /// The `index.html` document.
    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escapeXML(title))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
            th { background: #f3f3f3; }
            td.text, th.text { text-align: left; }
            figure { margin: 1em 0; }
            img { max-width: 100%; height: auto; }
            .note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.6em 1em; }
            </style>
            </head>
            <body>
            <h1>\(escapeXML(title))</h1>

            """
        if let summary { html += "<p>\(escapeXML(summary))</p>\n" }
        if sections.count > 1 {
            html += "<nav><ul>\n"
            for (index, section) in sections.enumerated() {
                html += "<li><a href=\"#section-\(index + 1)\">\(escapeXML(section.title))</a></li>\n"
            }
            html += "</ul></nav>\n"
        }
        for (index, section) in sections.enumerated() {
            html += "<section id=\"section-\(index + 1)\">\n<h2>\(escapeXML(section.title))</h2>\n"
            html += section.bodyHTML()
            html += "\n</section>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// Writes `index.html` and every section's files into `directory` (created if needed; files
    /// of the same name are replaced).
    /// - Returns: the paths written, `index.html` first.
    /// - Throws: ``ExperimentsError`` `.outputFailed` naming the directory or file.
    @discardableResult
    public func write(toDirectory directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExperimentsError(code: .outputFailed, message: "cannot create directory '\(directory)'", cause: error)
        }
        let base = URL(fileURLWithPath: directory)
        var written: [String] = []
        let index = base.appendingPathComponent("index.html").path
        try EvaluationOutputs.write(Data(render().utf8), to: index)
        written.append(index)
        for section in sections {
            for file in section.files() {
                let path = base.appendingPathComponent(file.name).path
                try EvaluationOutputs.write(Data(file.contents.utf8), to: path)
                written.append(path)
            }
        }
        return written
    }
}

/// The report section of one ``EvaluationResult``: the plain-language reading, the comparison
/// summary, the rows, the plots (SVG files referenced by `<img>`), the raw candidates, and what the
/// eavesdropper numbers mean.
public struct EvaluationReportSection: ReportSection {
    /// What was evaluated.
    public var result: EvaluationResult
    /// The heading, e.g. `Breast Cancer Wisconsin — tabular codec`.
    public var title: String
    /// A prefix for the SVG file names, so that several sections can share a directory.
    public var filePrefix: String
    /// An optional description of the data, codec and task model (plain text; escaped).
    public var summary: String?

    /// Creates a section.
    public init(result: EvaluationResult, title: String, filePrefix: String = "eval", summary: String? = nil) {
        self.result = result
        self.title = title
        self.filePrefix = EvaluationOutputs.fileSafe(filePrefix)
        self.summary = summary
    }

    /// The SVG plots, named `<prefix>-<plot>.svg`.
    public func files() -> [ReportFile] {
        EvaluationOutputs.plots(result).map { ReportFile(name: "\(filePrefix)-\($0.fileName)", contents: $0.svg) }
    }

    /// The section body.
    public func bodyHTML() -> String {
        var html = ""
        if let summary { html += "<p>\(escapeXML(summary))</p>\n" }
        html += """
            <p>Every scheme is measured over the same channel at the same SNR (Es/N0 per complex channel \
            use). <em>semantic</em>: the encoder sends a few task-specific symbols that the decoder \
            sharing the knowledge base turns into a diagnosis, with the knowledge base's fixed \
            bandwidth (over fading without CSI, its non-coherent head, trained with that channel in \
            the loop). <em>semantic-adaptive</em>: the transmitter picks the bandwidth k per channel \
            and SNR from the knowledge base's rate table (the smallest k whose accuracy on the \
            validation split is within one standard error of the largest k), as raw picks its \
            modulation and code. <em>raw</em>: the record is quantized \
            exactly, protected by a CRC-32C and a convolutional code, modulated, and the received \
            record is classified by a model of clean records chosen on the validation split (the \
            semantic codec's own networks without a channel, an MLP or a logistic regression), so \
            raw is as strong as the semantic decoder on clean data; the row shows the best \
            (modulation, code) at each SNR, and a frame that fails its CRC falls back to the \
            training-set majority class. <em>raw-ideal</em>: the Shannon bound — the record delivered \
            without error at channel capacity.</p>

            """
        if !result.comparisons.isEmpty {
            html += "<h3>Channel uses needed by raw transmission to match the semantic accuracy</h3>\n"
            html += table(
                header: [
                    "scheme", "channel", "SNR (dB)", "semantic accuracy", "semantic uses", "tolerance", "raw uses",
                    "raw scheme", "ratio",
                ],
                textColumns: [0, 1, 7],
                rows: result.comparisons.map { c in
                    [
                        c.scheme.rawValue, c.channel, csvNumber(c.snrDecibels), fixed(c.semanticAccuracy),
                        fixed(c.semanticChannelUses, 1),
                        fixed(c.tolerance), c.rawChannelUses.map { fixed($0, 1) } ?? "unreached",
                        c.rawModulation.map { "\($0)/\(c.rawCode ?? "")" } ?? "—",
                        c.ratio.map { fixed($0, 1) + "×" } ?? "unreached",
                    ]
                })
            html += "<p>Raw uses: the fewest channel uses per record among the raw candidates whose accuracy is "
            html += "at least the semantic accuracy minus the tolerance: "
            html += "\(escapeXML(result.comparisons[0].toleranceRule))."
            if let clean = result.rawCleanAccuracy {
                html += " The raw task model classifies clean records with accuracy \(fixed(clean)); raw "
                html += "transmission can do no better, so a semantic accuracy above that is unreached at any SNR."
            }
            html += "</p>\n"
        }
        html += "<h3>Results</h3>\n"
        html += rowTable(result.rows)
        html += "<h3>Plots</h3>\n"
        for file in files() {
            html += "<figure><img src=\"\(escapeXML(file.name))\" alt=\"\(escapeXML(file.name))\"></figure>\n"
        }
        if result.rows.contains(where: { $0.scheme == .eavesdropperNaive || $0.scheme == .eavesdropperAdaptive }) {
            html += "<h3>What the eavesdropper numbers mean</h3>\n"
            html += """
                <p class="note">The <em>naive</em> eavesdropper intercepts the same symbols over its own \
                realization of the channel and decodes them with a knowledge base of its own — the same \
                architecture trained on the same kind of data with another seed. Its accuracy shows how \
                much an outsider gets without the shared KB; for a two-class diagnosis an accuracy far \
                <em>below</em> one half is as revealing as one far above (the eavesdropper only has to \
                swap its answers), so the balanced accuracy is shown too. The <em>adaptive</em> eavesdropper knows \
                the diagnoses of a few records (5 % by default), fits a small decoder on the symbols it \
                intercepted for them, and classifies everyone else. When its accuracy approaches the \
                legitimate receiver's, the message is plain: <strong>a shared knowledge base alone is \
                weak secrecy</strong> — the symbols are a learnable code, not a cipher, and an attacker \
                who can collect labelled examples learns to read them. Confidentiality needs \
                cryptography or physical-layer keys derived from the legitimate channel (the key-generation \
                section of this report, and the sealed rows of <code>semcom eval --seal</code>), not the \
                obscurity of the KB.</p>

                """
        }
        if !result.rawCandidates.isEmpty {
            html += "<details><summary>All raw candidates (\(result.rawCandidates.count) rows)</summary>\n"
            html += rowTable(result.rawCandidates)
            html += "</details>\n"
        }
        return html
    }

    private func rowTable(_ rows: [EvaluationRow]) -> String {
        table(
            header: [
                "scheme", "channel", "SNR (dB)", "noise", "channel uses", "accuracy", "balanced accuracy",
                "decode failures", "modulation/code", "samples",
            ],
            textColumns: [0, 1, 3, 8],
            rows: rows.map { r in
                [
                    r.scheme.rawValue, r.channel, csvNumber(r.snrDecibels), r.noise, fixed(r.channelUsesPerSample, 1),
                    fixed(r.accuracy), fixed(r.balancedAccuracy), r.decodeFailureRate.map { fixed($0) } ?? "",
                    r.modulation.map { "\($0)/\(r.code ?? "")" } ?? "", String(r.samples),
                ]
            })
    }

    private func table(header: [String], textColumns: Set<Int>, rows: [[String]]) -> String {
        func cell(_ tag: String, _ column: Int, _ text: String) -> String {
            let cls = textColumns.contains(column) ? " class=\"text\"" : ""
            return "<\(tag)\(cls)>\(escapeXML(text))</\(tag)>"
        }
        var html = "<table>\n<thead><tr>"
        html += header.enumerated().map { cell("th", $0.offset, $0.element) }.joined()
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr>" + row.enumerated().map { cell("td", $0.offset, $0.element) }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func fixed(_ value: Double, _ decimals: Int = 3) -> String {
        value.isFinite ? formatFixed(value, decimals: decimals) : "∞"
    }
}
