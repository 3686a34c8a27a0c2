import ArgumentParser
import Experiments
import Foundation
import KnowledgeBase
import SemanticCodec
import TabularCodec
import TensorCore

extension SemCom {
    /// `semcom encode`: records (CSV) → `.semf` frames, one per record.
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode records (CSV in the KB's schema, with or without the label column) to .semf frames.",
            discussion: """
                Step 1 of the file-based link (encode → transmit → decode). One frame per record: the KB's \
                fingerprint, a sequence number, the k channel symbols (power-normalized) in the chosen encoding, \
                a CRC-32C. The CSV has the schema's columns in order; the label column may be left out. With \
                labels, --labels-out writes them beside the frames (JSON lines) for `semcom decode --labels`.
                Input semantic noise: --noise name:rate[,name:rate…] with \
                \(SemanticNoiseCatalog.standard.kinds(for: .tabular).filter { $0.stage == .input }.map(\.name).joined(separator: ", ")).
                Example: semcom encode --kb KnowledgeBases/bcwd-tabular.semkb \
                --input Samples/bcwd/bcwd-unlabelled-sample.csv --out records.semf
                """)

        enum Encoding: String, ExpressibleByArgument, CaseIterable {
            case float32, float16, int8
            var symbolEncoding: SymbolEncoding {
                switch self {
                case .float32: .float32
                case .float16: .float16
                case .int8: .int8
                }
            }
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The knowledge base (.semkb) of the link.")
        var kb: String

        @Option(help: "The records: a CSV in the KB's schema, with or without the label column.")
        var input: String

        @Option(help: "Where to write the frames (.semf).")
        var out: String

        @Option(help: "Symbol encoding of the frames: float32 (exact), float16 or int8 (with a scale per frame).")
        var encoding: Encoding = .float32

        @Option(help: "Input semantic noise, name:rate[,name:rate…] (jitter, missing, swap) or none.")
        var noise: String = "none"

        @Option(help: "Write the records' labels beside the frames (JSON lines; needs a labelled CSV).")
        var labelsOut: String?

        @Option(help: "The first frame's sequence number.")
        var firstSequence: UInt64 = 0

        func validate() throws {
            do {
                _ = try Self.parseNoise(noise)
            } catch {
                throw ValidationError("\(error)")
            }
            try FrameFiles.checkDistinct(output: out, inputs: [kb, input], option: "--out")
            if let labelsOut {
                try FrameFiles.checkDistinct(output: labelsOut, inputs: [kb, input, out], option: "--labels-out")
            }
        }

        static func parseNoise(_ text: String) throws -> SemanticNoiseSpec {
            try SemanticNoiseCatalog.standard.parse(
                text, for: .tabular, stages: [.input],
                hint: "symbol noise belongs to the channel step: semcom transmit --noise")
        }

        func run() throws {
            global.apply()
            let codec = try TabularCodec(knowledgeBase: try KnowledgeBase(contentsOfFile: kb))
            let records = try TabularRecords.load(contentsOfFile: input, schema: codec.schema)
            let labels = FrameLabels.jsonLines(for: records, firstSequenceNumber: firstSequence)
            if labelsOut != nil && labels == nil {
                throw ValidationError(
                    "--labels-out needs labels, but \(input) has no label column '\(codec.schema.labelColumnName ?? "label")'"
                )
            }
            var rng = Xoshiro256(seed: global.seed)
            let summary = try FrameFiles.writeAtomically(out) { handle in
                var writer = SemanticFrameWriter(fileHandle: handle, file: out)
                return try FramePipeline.encode(
                    records, codec: codec, noise: try Self.parseNoise(noise), encoding: encoding.symbolEncoding,
                    firstSequenceNumber: firstSequence, to: &writer, using: &rng)
            }
            if let labelsOut, let labels { try FrameFiles.write(labels, to: labelsOut) }
            guard !global.quiet else { return }
            var line =
                "encoded \(summary.records) records from \(input) → \(out): \(summary.records) frames × "
                + "\(summary.symbolsPerFrame) complex symbols, \(summary.encoding), \(summary.bytes) bytes, "
                + "sequence \(summary.sequenceNumbers.lowerBound)…\(summary.sequenceNumbers.upperBound)"
            if summary.droppedRows > 0 { line += "; \(summary.droppedRows) rows dropped for missing values" }
            FrameFiles.note(line)
            FrameFiles.note(
                "KB fingerprint \(codec.frameFingerprint?.description ?? "-"); noise \(try Self.parseNoise(noise)); "
                    + (summary.labelled
                        ? (labelsOut.map { "labels → \($0)" } ?? "labels present (not written: use --labels-out)")
                        : "no label column"))
        }
    }
}
