import ArgumentParser
import Experiments
import Foundation
import KnowledgeBase
import VitalSignsCodec

extension SemCom {
    /// `semcom bench`: SemCom's side of the speed comparisons with ../shared/peers/.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a workload of the peer comparison and print its figures as JSON.",
            discussion: """
                mlp-codec: the MLP semantic codec of peers/torch_mlp_codec.py (train steps/s, batch-1 \
                latency, batch-1024 throughput). gaussian: 2^24 standard Gaussian float32 samples into a \
                reused buffer. awgn: AWGN at 10 dB on 2^24 unit-power float32 symbols \
                (peers/numpy_awgn.py). federated: 20 clinics × 100 rounds on BCWD with record-level distributed \
                DP and secure aggregation (ideal link and AWGN 10 dB). federated-scale: 10 rounds with 125, 250, \
                500 and 1,000 simulated clinics. vitals-stream: --hours of 250 Hz synthetic ECG through the \
                vitals-rhythm and vitals-waveform streaming codecs → AWGN (--snr-db) → decoders, in bounded \
                memory. Build in release (`swift run -c release semcom bench …`).
                """)

        enum Workload: String, ExpressibleByArgument, CaseIterable {
            case mlpCodec = "mlp-codec"
            case gaussian
            case awgn
            case federated
            case federatedScale = "federated-scale"
            case vitalsStream = "vitals-stream"
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The workload: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
        var workload: Workload

        @Option(help: "Write the result document (JSON) to this path as well.")
        var json: String?

        @Option(help: "vitals-stream: the rhythm knowledge base.")
        var rhythmKB = "KnowledgeBases/vitals-rhythm.semkb"

        @Option(help: "vitals-stream: the waveform knowledge base.")
        var waveformKB = "KnowledgeBases/vitals-waveform.semkb"

        @Option(help: "vitals-stream: hours of ECG.")
        var hours: Double = 24

        @Option(name: .customLong("snr-db"), help: "vitals-stream: AWGN Es/N0 (dB).")
        var snrDB: Double = 10

        func run() throws {
            global.apply()
            switch workload {
            case .mlpCodec: try emit(MLPCodecBenchmark.run(threads: global.threads, seed: global.seed))
            case .gaussian: try emit(NoiseBenchmark.gaussian(threads: global.threads, seed: global.seed))
            case .awgn: try emit(NoiseBenchmark.awgn(threads: global.threads, seed: global.seed))
            case .federated: try emitRows(FederatedBenchmark.acceptance(seed: global.seed))
            case .federatedScale: try emitRows(FederatedBenchmark.scale(seed: global.seed))
            case .vitalsStream:
                guard hours > 0 && hours <= 168 else { throw ValidationError("--hours must be in (0, 168], got \(hours)") }
                try emit(
                    VitalsStreamBenchmark.run(
                        rhythm: try RhythmCodec(knowledgeBase: KnowledgeBase(contentsOfFile: rhythmKB)),
                        waveform: try WaveformCodec(knowledgeBase: KnowledgeBase(contentsOfFile: waveformKB)),
                        hours: hours, snrDecibels: snrDB, seed: global.seed))
            }
        }

        /// Prints the result as one JSON line and, with `--json`, writes the result document.
        private func emit<Result: Encodable & Sendable>(_ result: Result) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            if let json {
                try ResultDocument(command: "bench", seed: global.seed, inputs: inputs, rows: [result]).writeJSON(to: json)
            }
        }

        /// Prints each row as one JSON line and, with `--json`, writes them as the document's rows.
        private func emitRows<Row: Encodable & Sendable>(_ rows: [Row]) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for row in rows { print(String(decoding: try encoder.encode(row), as: UTF8.self)) }
            if let json {
                try ResultDocument(command: "bench", seed: global.seed, inputs: inputs, rows: rows).writeJSON(to: json)
            }
        }

        private var inputs: [String: String] { ["workload": workload.rawValue, "threads": "\(global.threads)"] }
    }
}
