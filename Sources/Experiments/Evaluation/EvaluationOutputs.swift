import Foundation

/// The JSON document of `semcom eval`: the CLI contract's `command`, `seed`, `inputs` and `rows`,
/// plus every raw candidate (`raw_candidates`) and the comparison summary (`comparison`).
public struct EvaluationDocument: Encodable, Sendable {
    /// The command, `eval` (or `demo`).
    public var command: String
    /// The seed the command ran with.
    public var seed: UInt64
    /// The inputs the command used (option names in snake_case → values as text).
    public var inputs: [String: String]
    /// The rows: semantic, raw (best candidate), raw-ideal, eavesdroppers.
    public var rows: [EvaluationRow]
    /// Every raw candidate at every (channel, SNR).
    public var rawCandidates: [EvaluationRow]
    /// Raw channel uses needed to match the semantic accuracy, per (channel, SNR).
    public var comparison: [EvaluationComparison]

    /// Creates the document of `result`.
    public init(command: String = "eval", seed: UInt64, inputs: [String: String], result: EvaluationResult) {
        self.command = command
        self.seed = seed
        self.inputs = inputs
        self.rows = result.rows
        self.rawCandidates = result.rawCandidates
        self.comparison = result.comparisons
    }

    enum CodingKeys: String, CodingKey {
        case command, seed, inputs, rows
        case rawCandidates = "raw_candidates"
        case comparison
    }

    /// The rows alone as the project's standard ``ResultDocument``.
    public var resultDocument: ResultDocument<EvaluationRow> {
        ResultDocument(command: command, seed: seed, inputs: inputs, rows: rows)
    }

    /// Pretty-printed JSON with sorted keys (stable across runs); non-finite numbers as `"inf"`/`"nan"`.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}

/// Writers for an ``EvaluationResult``: JSON, CSV and SVG plots.
public enum EvaluationOutputs {
    /// Writes the ``EvaluationDocument`` as JSON to `path` (replacing the file).
    /// - Throws: ``ExperimentsError`` `.outputFailed` naming the path.
    public static func writeJSON(
        _ result: EvaluationResult, to path: String, command: String = "eval", seed: UInt64, inputs: [String: String]
    ) throws {
        let document = EvaluationDocument(command: command, seed: seed, inputs: inputs, result: result)
        try write(try document.jsonData(), to: path)
    }

    /// The CSV text: the header (``EvaluationRow/csvHeader``) and one line per row; with
    /// `includingCandidates`, every raw candidate follows the rows (scheme `raw`).
    public static func csv(_ result: EvaluationResult, includingCandidates: Bool = false) -> String {
        var lines = [EvaluationRow.csvHeader.joined(separator: ",")]
        let rows = includingCandidates ? result.rows + result.rawCandidates : result.rows
        lines += rows.map { $0.csvFields.joined(separator: ",") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``csv(_:includingCandidates:)`` to `path`.
    /// - Throws: ``ExperimentsError`` `.outputFailed` naming the path.
    public static func writeCSV(_ result: EvaluationResult, to path: String, includingCandidates: Bool = false) throws {
        try write(Data(csv(result, includingCandidates: includingCandidates).utf8), to: path)
    }

    /// Accuracy against SNR for every scheme over `channel`, one series per scheme (raw-ideal dashed).
    public static func accuracyVersusSNRPlot(_ result: EvaluationResult, channel: ChannelSpec) -> SVGPlot {
        var plot = SVGPlot(
            title: "Accuracy vs SNR — \(channel.displayName)", xLabel: "SNR Es/N0 (dB)", yLabel: "accuracy")
        let noises = Array(Set(result.rows.filter { $0.scheme == .semantic }.map(\.noise))).sorted {
            ($0 == "none" ? 0 : 1, $0) < ($1 == "none" ? 0 : 1, $1)
        }
        for scheme in EvaluationScheme.allCases {
            let here = result.rows.filter { $0.scheme == scheme && $0.channel == channel.description }
            let groups: [(String, [EvaluationRow])] =
                scheme == .raw || scheme == .rawIdeal || noises.count <= 1
                ? [(scheme.rawValue, here)]
                : noises.map { noise in ("\(scheme.rawValue) (\(noise))", here.filter { $0.noise == noise }) }
            for (name, rows) in groups where !rows.isEmpty {
                plot.series.append(
                    .init(
                        name: name, points: rows.map { SVGPlot.Point(x: $0.snrDecibels, y: $0.accuracy) },
                        dashed: scheme == .rawIdeal))
            }
        }
        return plot
    }

    /// Accuracy against SNR for every scheme over every channel (one series per scheme and channel,
    /// named `scheme @ channel`; series of the noise condition `none`, or of the first condition when
    /// there is no `none`): the single plot of `semcom eval --svg PATH`.
    public static func accuracyVersusSNRPlot(_ result: EvaluationResult) -> SVGPlot {
        let noises = result.rows.filter { $0.scheme == .semantic }.map(\.noise)
        let shown = noises.contains("none") ? "none" : (noises.first ?? "none")
        var plot = SVGPlot(
            title: "Accuracy vs SNR", xLabel: "SNR Es/N0 (dB)", yLabel: "accuracy", width: 860,
            height: Swift.max(480, 80 + 20 * Double(result.channels.count * EvaluationScheme.allCases.count)))
        for channel in result.channels {
            for scheme in EvaluationScheme.allCases {
                let points = result.rows.filter {
                    $0.scheme == scheme && $0.channel == channel.description
                        && ($0.noise == shown || scheme == .raw || scheme == .rawIdeal)
                }.map { SVGPlot.Point(x: $0.snrDecibels, y: $0.accuracy) }
                if !points.isEmpty {
                    plot.series.append(
                        .init(name: "\(scheme.rawValue) @ \(channel)", points: points, dashed: scheme == .rawIdeal))
                }
            }
        }
        return plot
    }

    /// Writes ``accuracyVersusSNRPlot(_:)`` (all channels) as one SVG file at `path`.
    /// - Throws: ``ExperimentsError`` `.outputFailed` naming the path.
    public static func writeSVG(_ result: EvaluationResult, to path: String) throws {
        try write(Data(accuracyVersusSNRPlot(result).render().utf8), to: path)
    }

    /// Accuracy against channel uses per sample (log x) at one (channel, SNR): the semantic link as
    /// one point, every raw candidate (joined in order of channel uses), and the ideal bound.
    public static func accuracyVersusChannelUsesPlot(
        _ result: EvaluationResult, channel: ChannelSpec, snrDecibels: Double
    ) -> SVGPlot {
        let here = { (row: EvaluationRow) in row.channel == channel.description && row.snrDecibels == snrDecibels }
        var plot = SVGPlot(
            title: "Accuracy vs channel uses — \(channel.displayName), \(csvNumber(snrDecibels)) dB",
            xLabel: "complex channel uses per sample", yLabel: "accuracy", xScale: .logarithmic)
        let point = { (row: EvaluationRow) in SVGPlot.Point(x: row.channelUsesPerSample, y: row.accuracy) }
        for scheme in [EvaluationScheme.semantic, .semanticAdaptive, .eavesdropperNaive, .eavesdropperAdaptive] {
            let rows = result.rows.filter { $0.scheme == scheme && here($0) }
            let noises = Set(rows.map(\.noise))
            for row in rows {
                let name = noises.count > 1 ? "\(scheme.rawValue) (\(row.noise))" : scheme.rawValue
                plot.series.append(.init(name: name, points: [point(row)]))
            }
        }
        let raw = result.rawCandidates.filter(here).sorted { $0.channelUsesPerSample < $1.channelUsesPerSample }
        if !raw.isEmpty { plot.series.append(.init(name: "raw candidates", points: raw.map(point))) }
        let ideal = result.rows.filter { $0.scheme == .rawIdeal && here($0) }.map(point)
        if !ideal.isEmpty { plot.series.append(.init(name: "raw-ideal", points: ideal)) }
        return plot
    }

    /// Every plot of `result` as (file name, SVG document): `accuracy-vs-snr-<channel>.svg` per
    /// channel and `accuracy-vs-uses-<channel>-<snr>dB.svg` per (channel, SNR) when raw ran. File
    /// names keep letters, digits, `-` and `.` only.
    public static func plots(_ result: EvaluationResult) -> [(fileName: String, svg: String)] {
        var files: [(String, String)] = []
        for channel in result.channels {
            let name = fileSafe(channel.description)
            files.append(("accuracy-vs-snr-\(name).svg", accuracyVersusSNRPlot(result, channel: channel).render()))
            guard !result.rawCandidates.isEmpty else { continue }
            for snr in result.snrDecibels {
                files.append(
                    (
                        "accuracy-vs-uses-\(name)-\(fileSafe(csvNumber(snr)))dB.svg",
                        accuracyVersusChannelUsesPlot(result, channel: channel, snrDecibels: snr).render()
                    ))
            }
        }
        return files
    }

    /// `text` with every character other than ASCII letters, digits, `-` and `.` replaced by `_`.
    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? $0 : "_" })
    }

    /// Writes `data` to `path` atomically.
    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ExperimentsError(code: .outputFailed, message: "cannot write '\(path)'", cause: error)
        }
    }
}
