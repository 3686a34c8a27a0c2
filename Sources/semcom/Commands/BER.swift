import ArgumentParser
import Channels
import Experiments
import Foundation
import RawTransmission

extension SemCom {
    /// `semcom ber`: bit error rate of a modulation and channel code over AWGN or Rayleigh fading.
    struct BER: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ber",
            abstract: "Simulate the bit error rate of a modulation and channel code over a channel.",
            discussion: """
                Each Eb/N0 point sends random frames until it has counted --target-errors bit errors or \
                sent --bits information bits (Sionna's early stopping). Eb/N0 counts the code rate (tail \
                bits included) and the bits per symbol. Example: \
                semcom ber --modulation qpsk --code conv-k7 --channel awgn --ebn0-db 0:1:6 --json ber.json --svg ber.svg
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Modulation: bpsk, qpsk, 16qam or 64qam.")
        var modulation: String = "bpsk"

        @Option(help: "Channel code: none, hamming74, conv-k7, conv-k7-2/3 or conv-k7-3/4.")
        var code: String = "none"

        @Option(help: "Channel: awgn, rayleigh (fast fading, perfect CSI) or rayleigh-block.")
        var channel: String = "awgn"

        @Option(name: .customLong("ebn0-db"), parsing: .unconditional, help: "Eb/N0 points in dB: start:step:stop or a comma list.")
        var ebn0: String = "0:1:10"

        @Option(help: "Maximum information bits per point.")
        var bits: Int = 1_000_000

        @Option(help: "Stop a point after this many bit errors.")
        var targetErrors: Int = 1000

        @Option(help: "Write the result document (JSON) to this path.")
        var json: String?

        @Option(help: "Write the BER curves (SVG) to this path.")
        var svg: String?

        func validate() throws {
            guard bits > 0 else { throw ValidationError("--bits must be positive, got \(bits)") }
            guard targetErrors > 0 else { throw ValidationError("--target-errors must be positive, got \(targetErrors)") }
            _ = try parsed()
        }

        /// The parsed option values, with the library's parse errors turned into CLI messages.
        private func parsed() throws -> BERSimulationConfiguration {
            do {
                return BERSimulationConfiguration(
                    modulation: try ModulationScheme(parsing: modulation), code: try ChannelCode(parsing: code),
                    channel: try BERChannel(parsing: channel), ebNoDecibels: try BERSimulation.parseEbNoList(ebn0),
                    maximumBitCount: bits, targetBitErrors: targetErrors, seed: global.seed)
            } catch {
                throw ValidationError("\(error)")
            }
        }

        func run() throws {
            global.apply()
            let configuration = try parsed()
            global.progress("simulating \(configuration.ebNoDecibels.count) Eb/N0 points …")
            let rows = BERSimulation.run(configuration)
            print("modulation  code         channel   Eb/N0 dB  SNR dB        bits  bit errors  BER         frames  frame errors")
            for row in rows {
                print(
                    [
                        pad(row.modulation.rawValue, 10), pad(row.code.rawValue, 11), pad(row.channel.rawValue, 8),
                        pad(String(format: "%8.2f", row.ebNoDecibels), 8), pad(String(format: "%6.2f", row.snrDecibels), 6),
                        pad(String(format: "%10d", row.bits), 10), pad(String(format: "%10d", row.bitErrors), 10),
                        pad(String(format: "%.3e", row.ber), 10), pad(String(format: "%6d", row.frames), 6),
                        String(format: "%12d", row.frameErrors),
                    ].joined(separator: "  "))
            }
            if let json {
                try ResultDocument(
                    command: "ber", seed: global.seed,
                    inputs: [
                        "modulation": modulation, "code": code, "channel": channel, "ebn0_db": ebn0,
                        "bits": "\(bits)", "target_errors": "\(targetErrors)",
                    ], rows: rows
                ).writeJSON(to: json)
            }
            if let svg {
                try SVGPlot.berCurves(rows: rows).render().write(toFile: svg, atomically: true, encoding: .utf8)
            }
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
    }
}
