import ArgumentParser
import Experiments
import Foundation
import KnowledgeBase
import SemanticCodec
import TabularCodec

extension SemCom {
    /// `semcom decode`: received `.semf` frames → one JSON line per record.
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode received .semf frames with a knowledge base: one JSON line per record.",
            discussion: """
                Step 3 of the file-based link. Frames encoded with another knowledge base are refused (the \
                error names both fingerprints). Each output line: {"label" (when --labels gives it), \
                "predicted", "probabilities": {class: p}, "sequence"}. A summary (records, predictions per \
                class, accuracy when labels are known) goes to stderr.
                Example: semcom decode --kb KnowledgeBases/bcwd-tabular.semkb --in received.semf --out decisions.jsonl
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The receiver's knowledge base (.semkb).")
        var kb: String

        @Option(name: .customLong("in"), help: "The received frames (.semf).")
        var input: String

        @Option(help: "Where to write the decisions (JSON lines).")
        var out: String

        @Option(help: "The labels written by `semcom encode --labels-out`, to measure accuracy.")
        var labels: String?

        @Option(help: "Write the decoding summary (JSON).")
        var json: String?

        func validate() throws {
            try FrameFiles.checkDistinct(
                output: out, inputs: [kb, input] + (labels.map { [$0] } ?? []), option: "--out")
        }

        /// The `--json` row.
        struct Row: Encodable, Sendable {
            var records: Int
            var labelled: Int
            var correct: Int
            var accuracy: Double?
            var predicted: [String: Int]
        }

        func run() throws {
            global.apply()
            let codec = try TabularCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: kb))
            let truth = try labels.map { path in
                try FrameLabels.parse(
                    FrameFiles.read(path, what: "labels file"), source: path, labelNames: codec.labelNames)
            }
            var (reader, inputHandle) = try FrameFiles.reader(input, expectedKnowledgeBase: codec.frameFingerprint)
            defer { try? inputHandle.close() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let summary = try FrameFiles.writeAtomically(out) { handle in
                try FramePipeline.decode(from: &reader, codec: codec, labels: truth) { record in
                    try handle.write(contentsOf: encoder.encode(record) + Data("\n".utf8))
                }
            }
            let predicted = Dictionary(uniqueKeysWithValues: zip(codec.labelNames, summary.predictedCounts))
            if let json {
                try ResultDocument(
                    command: "decode", seed: global.seed,
                    inputs: ["kb": kb, "in": input, "out": out, "labels": labels ?? "none"],
                    rows: [
                        Row(
                            records: summary.records, labelled: summary.labelled, correct: summary.correct,
                            accuracy: summary.accuracy, predicted: predicted)
                    ]
                ).writeJSON(to: json)
            }
            var line =
                "decoded \(summary.records) records from \(input) → \(out): "
                + zip(codec.labelNames, summary.predictedCounts).map { "\($1) \($0)" }.joined(separator: ", ")
            if let accuracy = summary.accuracy {
                line +=
                    "; accuracy \(String(format: "%.3f", accuracy)) (\(summary.correct)/\(summary.labelled) labelled)"
            } else {
                line += "; no labels (pass --labels from `semcom encode --labels-out` to measure accuracy)"
            }
            FrameFiles.note(line)
        }
    }
}
