import ArgumentParser
import Experiments
import Foundation
import SemanticCodec
import TensorCore

extension SemCom {
    /// `semcom transmit`: `.semf` frames through a channel at an SNR → received `.semf` frames.
    struct Transmit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send .semf frames through a channel at an SNR and write the received frames.",
            discussion: """
                Step 2 of the file-based link. The channel acts on the analog symbols; the frame container \
                models the link-layer framing: each frame's symbols go through the channel and are written \
                again as a frame with the same header (KB fingerprint, sequence number, encoding) and a fresh, \
                valid CRC-32C. A CRC error therefore means a damaged file, not a noisy channel.
                Channels: awgn, rayleigh (block fading, CSI, MMSE), rayleigh-nocsi, rician[:K], erasure[:p], \
                burst[:p][:length=L]. SNR: Es/N0 per complex channel use (unit symbol power), dB.
                Symbol semantic noise: --noise blank:rate (symbols zeroed) or jam:rate (Gaussian jamming of \
                power rate); input noise belongs to `semcom encode --noise`.
                Example: semcom transmit --channel awgn --snr-db 20 --in records.semf --out received.semf
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The channel (awgn, rayleigh, rayleigh-nocsi, rician[:K], erasure[:p], burst[:p]).")
        var channel: String

        @Option(
            name: .customLong("snr-db"), parsing: .unconditional, help: "Es/N0 per complex channel use, dB (one value)."
        )
        var snrDB: String

        @Option(help: "Symbol semantic noise, name:rate[,name:rate…] (blank, jam) or none.")
        var noise: String = "none"

        @Option(name: .customLong("in"), help: "The transmitted frames (.semf).")
        var input: String

        @Option(help: "Where to write the received frames (.semf).")
        var out: String

        @Option(help: "Write the transmission summary (JSON).")
        var json: String?

        func validate() throws {
            do {
                _ = try ChannelSpec.parse(channel)
                _ = try Self.parseSNR(snrDB)
                _ = try Self.parseNoise(noise)
            } catch {
                throw ValidationError("\(error)")
            }
            try FrameFiles.checkDistinct(output: out, inputs: [input], option: "--out")
        }

        /// One SNR in dB.
        static func parseSNR(_ text: String) throws -> Double {
            let values = try SNRList.parse(text)
            guard values.count == 1 else {
                throw ExperimentsError(
                    code: .invalidSNRList,
                    message:
                        "SNR '\(text)': transmit takes one SNR in dB, got \(values.count) values; run it once per SNR")
            }
            return values[0]
        }

        static func parseNoise(_ text: String) throws -> SemanticNoiseSpec {
            // The frames' modality is only known after reading them; the symbol noises are the same
            // for every modality, and only those are allowed here.
            try SemanticNoiseCatalog.standard.parse(
                text, for: .tabular, stages: [.symbols],
                hint: "input noise belongs to the transmitter: semcom encode --noise")
        }

        /// The `--json` row.
        struct Row: Encodable, Sendable {
            var channel: String
            var snrDB: Double
            var noise: String
            var frames: Int
            var symbols: Int
            var transmittedPower: Double
            var distortionPower: Double
            var measuredSNRDB: Double

            enum CodingKeys: String, CodingKey {
                case channel, noise, frames, symbols
                case snrDB = "snr_db"
                case transmittedPower = "transmitted_power"
                case distortionPower = "distortion_power"
                case measuredSNRDB = "measured_snr_db"
            }
        }

        func run() throws {
            global.apply()
            let spec = try ChannelSpec.parse(channel)
            let snr = try Self.parseSNR(snrDB)
            let noiseSpec = try Self.parseNoise(noise)
            var rng = Xoshiro256(seed: global.seed)
            var (reader, inputHandle) = try FrameFiles.reader(input)
            defer { try? inputHandle.close() }
            let summary = try FrameFiles.writeAtomically(out) { handle in
                var writer = SemanticFrameWriter(fileHandle: handle, file: out)
                return try FramePipeline.transmit(
                    from: &reader, to: &writer, channel: spec, snrDecibels: snr, noise: noiseSpec, using: &rng)
            }
            if let json {
                let row = Row(
                    channel: spec.description, snrDB: snr, noise: noiseSpec.description, frames: summary.frames,
                    symbols: summary.symbols, transmittedPower: summary.transmittedPower,
                    distortionPower: summary.distortionPower, measuredSNRDB: summary.measuredSNRDecibels)
                try ResultDocument(
                    command: "transmit", seed: global.seed,
                    inputs: [
                        "in": input, "out": out, "channel": spec.description, "snr_db": snrDB,
                        "noise": noiseSpec.description,
                    ],
                    rows: [row]
                ).writeJSON(to: json)
            }
            guard !global.quiet else { return }
            FrameFiles.note(
                "transmitted \(summary.frames) frames (\(summary.symbols) complex symbols) from \(input) over "
                    + "\(spec.displayName) at \(snr) dB, noise \(noiseSpec) → \(out)")
            FrameFiles.note(
                "mean symbol power \(String(format: "%.3f", summary.transmittedPower)), distortion power "
                    + "\(String(format: "%.4f", summary.distortionPower)) → measured SNR "
                    + "\(String(format: "%.2f", summary.measuredSNRDecibels)) dB")
        }
    }
}
