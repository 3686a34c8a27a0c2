import Foundation
import SecretKeyGeneration

/// The result document of `semcom keygen`: the contract's `command`, `seed`, `inputs` and `rows`,
/// plus the calibration, the per-test NIST results and the warnings.
public struct KeyGenerationDocument: Encodable, Sendable {
    /// `keygen`.
    public var command: String
    /// The seed.
    public var seed: UInt64
    /// The inputs (option names → values as text).
    public var inputs: [String: String]
    /// One row per (configuration, eavesdropper distance).
    public var rows: [KeyGenerationRow]
    /// Per configuration: the source estimate.
    public var calibration: [CalibrationEntry]
    /// Per configuration and NIST test: the pass proportion over the confirmed keys.
    public var nist: [NISTEntry]
    /// Warnings printed to stderr.
    public var warnings: [String]

    /// A configuration's calibration.
    public struct CalibrationEntry: Encodable, Sendable {
        public var quantizer: String
        public var snrDB: Double
        public var mcvEntropyPerBit: Double
        public var markovEntropyPerBit: Double
        public var pooledBits: Int
        public var errorRate: Double

        enum CodingKeys: String, CodingKey {
            case quantizer
            case snrDB = "snr_db"
            case mcvEntropyPerBit = "mcv_entropy_per_bit"
            case markovEntropyPerBit = "markov_entropy_per_bit"
            case pooledBits = "pooled_bits"
            case errorRate = "error_rate"
        }
    }

    /// One NIST test of one configuration.
    public struct NISTEntry: Encodable, Sendable {
        public var quantizer: String
        public var snrDB: Double
        public var result: RandomnessTestSummary

        enum CodingKeys: String, CodingKey {
            case quantizer
            case snrDB = "snr_db"
            case result
        }
    }

    /// Builds the document from the runs' summaries.
    public init(seed: UInt64, inputs: [String: String], summaries: [KeyGenerationSummary]) {
        command = "keygen"
        self.seed = seed
        self.inputs = inputs
        rows = summaries.flatMap(\.rows)
        calibration = summaries.compactMap { s in
            s.rows.first.map {
                CalibrationEntry(
                    quantizer: $0.quantizer, snrDB: $0.snrDB, mcvEntropyPerBit: s.calibration.mostCommonValueEntropy,
                    markovEntropyPerBit: s.calibration.markovEntropy, pooledBits: s.calibration.pooledBits,
                    errorRate: s.calibration.errorRate)
            }
        }
        nist = summaries.flatMap { s in
            s.randomness.map { NISTEntry(quantizer: s.rows.first?.quantizer ?? "", snrDB: s.rows.first?.snrDB ?? .nan, result: $0) }
        }
        warnings = summaries.flatMap(\.warnings)
    }

    /// Writes pretty-printed JSON with sorted keys (NaN as `"nan"`).
    /// - Throws: the file system's error.
    public func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Text table and SVG plot of key-generation rows.
public enum KeyGenerationOutputs {
    /// The table printed by `semcom keygen` and the demo.
    public static func table(_ rows: [KeyGenerationRow]) -> String {
        let header = [
            "quantizer", "SNR dB", "f_D Hz", "probes", "raw bits", "KDR before", "KDR after", "leaked", "H/bit", "H_min",
            "key bits", "min key", "bits/probe", "agree", "Eve d/λ", "Eve KDR", "Eve keys", "NIST min",
        ]
        var lines = [header]
        for r in rows {
            lines.append([
                r.quantizer, f(r.snrDB, 1), f(r.dopplerHz, 1), "\(r.probes)", f(r.rawBits, 1), f(r.kdrBefore, 4),
                f(r.kdrAfter, 4), f(r.leakedBits, 1), f(r.minEntropyPerBit, 3), f(r.minEntropyBits, 1), f(r.keyBits, 1), "\(r.keyBitsMin)",
                f(r.secretBitsPerProbe, 3), f(r.agreementRate, 3), f(r.eveDistanceWavelengths, 2), f(r.eveKDR, 3),
                "\(r.eveKeyMatches)/\(r.sessions)", r.nistPassRate.map { f($0, 3) } ?? "-",
            ])
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Eve's disagreement against her distance (one series per configuration), with Alice–Bob's
    /// disagreement before reconciliation as dashed reference lines.
    public static func svg(_ rows: [KeyGenerationRow]) -> String {
        var plot = SVGPlot(
            title: "Bit disagreement with Alice before reconciliation", xLabel: "eavesdropper distance (wavelengths)",
            yLabel: "bit disagreement rate")
        var groups: [(String, [KeyGenerationRow])] = []
        for row in rows where !row.eveDistanceWavelengths.isNaN {
            let name = "\(row.quantizer), \(f(row.snrDB, 0)) dB, \(f(row.dopplerHz, 0)) Hz"
            if let i = groups.firstIndex(where: { $0.0 == name }) { groups[i].1.append(row) } else { groups.append((name, [row])) }
        }
        for (name, group) in groups {
            let sorted = group.sorted { $0.eveDistanceWavelengths < $1.eveDistanceWavelengths }
            plot.series.append(
                .init(name: "Eve — \(name)", points: sorted.map { .init(x: $0.eveDistanceWavelengths, y: $0.eveKDR) }))
            plot.series.append(
                .init(
                    name: "Bob — \(name)",
                    points: sorted.map { .init(x: $0.eveDistanceWavelengths, y: $0.kdrBefore) }, dashed: true))
        }
        return plot.render()
    }

    static func f(_ x: Double, _ decimals: Int) -> String {
        x.isNaN ? "-" : String(format: "%.\(decimals)f", x)
    }
}
