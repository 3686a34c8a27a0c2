import Foundation
import SecretKeyGeneration
import TensorCore

/// The key-generation section of `semcom demo`: a walking wearable (f_D = 10 Hz, probing at
/// 100 Hz, 20 dB) against a static room, eavesdroppers at 0.05 to 2 wavelengths.
public enum KeyGenerationDemo {
    /// What the section measured.
    public struct Result: Sendable {
        /// The mobile and static-room rows.
        public var rows: [KeyGenerationRow]
        /// Warnings (the static room's).
        public var warnings: [String]
    }

    /// Runs the section.
    /// - Parameters:
    ///   - sessions: sessions per scenario (the demo uses 200).
    ///   - rng: the generator (one draw per scenario).
    /// - Throws: ``SecretKeyGenerationError`` (not for the fixed scenarios).
    public static func run<G: RandomNumberGenerator>(sessions: Int = 200, using rng: inout G) throws -> Result {
        var rows: [KeyGenerationRow] = []
        var warnings: [String] = []
        for doppler in [10.0, 0.0] {
            let configuration = KeyGenerationConfiguration(
                probing: ProbingConfiguration(
                    probes: 640, snrDecibels: 20, dopplerHertz: doppler, probeRateHertz: 100,
                    eveDistancesWavelengths: [0.05, 0.5, 1, 2]),
                quantizer: try Quantizer.named(doppler > 0 ? "multibit" : "mean"))
            let summary = try KeyGenerationExperiment.run(configuration, sessions: sessions, using: &rng)
            rows += summary.rows
            warnings += summary.warnings
        }
        return Result(rows: rows, warnings: warnings)
    }

    /// The text printed by the demo.
    public static func render(_ result: Result) -> String {
        var text = "Physical-layer secret keys — wearable ↔ access point, TDD probing at 100 Hz, 640 probes, 20 dB; "
            + "mobile (f_D = 10 Hz, multibit) and static room (f_D = 0, mean threshold)\n"
        text += KeyGenerationOutputs.table(result.rows)
        for warning in result.warnings { text += "\nwarning: " + warning }
        return text
    }

    /// The report section (table and Eve-distance plot).
    public static func section(_ result: Result) -> HTMLFragmentSection {
        let escaped = render(result).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return HTMLFragmentSection(
            title: "Physical-layer secret key generation",
            html: "<pre>\(escaped)</pre>" + KeyGenerationOutputs.svg(result.rows.filter { $0.dopplerHz > 0 }))
    }
}
