import ArgumentParser
import Experiments
import Foundation
import SecretKeyGeneration
import TensorCore

extension SemCom {
    /// `semcom keygen`: physical-layer secret key generation between a wearable and an access point.
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate secret keys from a reciprocal fading channel (probing, quantization, Cascade, Toeplitz hashing).",
            discussion: """
                Simulates TDD ping-pong probing of a Jakes-fading channel (Doppler f_D, probing delay, independent \
                measurement noise at each end), quantizes (mean, median, level-crossing, multibit), reconciles with \
                Cascade (every revealed parity counted), hashes with a public-seed Toeplitz matrix to \
                ℓ = H_min − leaked − 2·log2(1/ε) bits (H_min: NIST SP 800-90B MCV and Markov estimates on \
                calibration sessions), confirms with HMAC-SHA-256, and lets eavesdroppers at the given distances \
                try the same with everything public. Rows: quantizer, snr_db, doppler_hz, eve_distance_wavelengths, \
                probes, raw_bits, kdr_before, kdr_after, leaked_bits, key_bits, secret_bits_per_probe, \
                agreement_rate, eve_kdr, eve_key_matches, nist_pass_rate (and more).
                Example: semcom keygen --probes 640 --snr-db 20 --doppler-hz 10 --probe-rate-hz 100 \
                --eve-distance-wavelengths 0.05,0.5,1 --quantizer multibit --sessions 1000 --json keygen.json
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Probes per session.")
        var probes: Int = 640

        @Option(name: .customLong("snr-db"), parsing: .unconditional, help: "Channel-estimate SNRs in dB: a comma list or start:step:stop.")
        var snrDB: String = "20"

        @Option(name: .customLong("doppler-hz"), help: "Maximum Doppler frequency in Hz (0: static room).")
        var dopplerHz: Double = 10

        @Option(name: .customLong("probe-rate-hz"), help: "Probes per second.")
        var probeRateHz: Double = 100

        @Option(name: .customLong("probing-delay-ms"), help: "Delay between Bob's and Alice's measurement of a probe, ms (must divide the probe period).")
        var probingDelayMs: Double = 1

        @Option(name: .customLong("eve-distance-wavelengths"), help: "Eavesdropper distances from Bob in wavelengths, comma-separated.")
        var eveDistanceWavelengths: String = "0.05,0.5,1,2"

        @Option(help: "Quantizers, comma-separated: mean, median, level-crossing, multibit.")
        var quantizer: String = "multibit"

        @Option(help: "Level crossing: thresholds μ ± alpha·σ (0…3).")
        var alpha: Double = 0.2

        @Option(name: .customLong("run-length"), help: "Level crossing: minimum excursion length m (1…64).")
        var runLength: Int = 2

        @Option(name: .customLong("bits-per-sample"), help: "Multibit: bits per sample (1…4).")
        var bitsPerSample: Int = 2

        @Option(name: .customLong("guard-band"), help: "Multibit: fraction of samples in guard bands (0…0.9).")
        var guardBand: Double = 0.3

        @Option(help: "Information reconciliation (cascade).")
        var reconciliation: String = "cascade"

        @Option(name: .customLong("cascade-passes"), help: "Cascade passes.")
        var cascadePasses: Int = 8

        @Option(help: "Sessions per configuration.")
        var sessions: Int = 1000

        @Option(name: .customLong("calibration-sessions"), help: "Sessions pooled for the SP 800-90B min-entropy estimate.")
        var calibrationSessions: Int = 100

        @Option(help: "Security parameter ε_sec of the leftover hash lemma.")
        var epsilon: Double = 1e-6

        @Option(name: .customLong("min-key-bits"), help: "Shortest key a session accepts (shorter: no key).")
        var minKeyBits: Int = 128

        @Option(help: "Measured quantity: amplitude (CSI) or rssi (dB).")
        var measure: String = "amplitude"

        @Option(help: "Write the result document (JSON).")
        var json: String?

        @Option(help: "Write Eve's and Bob's disagreement against Eve's distance (SVG).")
        var svg: String?

        @Option(name: .customLong("key-out"), help: "Write the first confirmed key (hex) for `semcom eval --seal --seal-key`.")
        var keyOut: String?

        func configurations() throws -> [KeyGenerationConfiguration] {
            guard reconciliation.lowercased() == "cascade" else {
                throw ValidationError("unknown --reconciliation '\(reconciliation)'; expected cascade")
            }
            guard let quantity = MeasuredQuantity(rawValue: measure.lowercased()) else {
                throw ValidationError("unknown --measure '\(measure)'; expected amplitude or rssi")
            }
            var distances: [Double] = []
            for token in eveDistanceWavelengths.split(separator: ",") {
                guard let d = Double(token.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--eve-distance-wavelengths: '\(token)' is not a number")
                }
                distances.append(d)
            }
            let snrs: [Double]
            do { snrs = try SNRList.parse(snrDB) } catch { throw ValidationError("--snr-db: \(error)") }
            var out: [KeyGenerationConfiguration] = []
            let result = Result { () throws(SecretKeyGenerationError) in
                let cascade = try Cascade(passes: cascadePasses)
                for name in quantizer.split(separator: ",").map(String.init) {
                    let q = try Quantizer.named(
                        name, alpha: alpha, minimumRun: runLength, bitsPerSample: bitsPerSample, guardBand: guardBand)
                    for snr in snrs {
                        let configuration = KeyGenerationConfiguration(
                            probing: ProbingConfiguration(
                                probes: probes, snrDecibels: snr, dopplerHertz: dopplerHz, probeRateHertz: probeRateHz,
                                probingDelaySeconds: probingDelayMs / 1000, eveDistancesWavelengths: distances,
                                quantity: quantity),
                            quantizer: q, cascade: cascade, securityParameter: epsilon,
                            calibrationSessions: calibrationSessions, minimumKeyBits: minKeyBits)
                        try configuration.validate()
                        out.append(configuration)
                    }
                }
            }
            if case .failure(let error) = result { throw ValidationError(error.message) }
            return out
        }

        func validate() throws {
            guard sessions >= 1 else { throw ValidationError("--sessions must be at least 1, got \(sessions)") }
            guard probes >= 1 else { throw ValidationError("--probes must be at least 1, got \(probes)") }
            _ = try configurations()
        }

        func run() throws {
            global.apply()
            var rng = Xoshiro256(seed: global.seed)
            var summaries: [KeyGenerationSummary] = []
            for configuration in try configurations() {
                global.progress("\(configuration.quantizer) at \(configuration.probing.snrDecibels) dB …")
                summaries.append(
                    try KeyGenerationExperiment.run(
                        configuration, sessions: sessions, using: &rng, progress: { global.progress($0) }))
            }
            print(KeyGenerationOutputs.table(summaries.flatMap(\.rows)))
            for summary in summaries {
                let c = summary.calibration
                let q = summary.rows.first.map { "\($0.quantizer) \($0.snrDB) dB" } ?? ""
                print(
                    "\(q): calibration \(c.pooledBits) bits, MCV \(String(format: "%.3f", c.mostCommonValueEntropy)), "
                        + "Markov \(String(format: "%.3f", c.markovEntropy)) bits/bit, expected KDR \(String(format: "%.4f", c.errorRate)); NIST "
                        + summary.randomness.filter { $0.keysTested > 0 }
                        .map { "\($0.test) \(String(format: "%.2f", $0.passProportion))" }.joined(separator: ", "))
            }
            for warning in summaries.flatMap(\.warnings) {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            let inputs = [
                "probes": "\(probes)", "snr_db": snrDB, "doppler_hz": "\(dopplerHz)", "probe_rate_hz": "\(probeRateHz)",
                "probing_delay_ms": "\(probingDelayMs)", "eve_distance_wavelengths": eveDistanceWavelengths,
                "quantizer": quantizer, "reconciliation": reconciliation, "sessions": "\(sessions)",
                "calibration_sessions": "\(calibrationSessions)", "epsilon": "\(epsilon)", "measure": measure,
                "alpha": "\(alpha)", "run_length": "\(runLength)", "bits_per_sample": "\(bitsPerSample)",
                "guard_band": "\(guardBand)", "cascade_passes": "\(cascadePasses)", "min_key_bits": "\(minKeyBits)",
            ]
            if let json {
                try KeyGenerationDocument(seed: global.seed, inputs: inputs, summaries: summaries).writeJSON(to: json)
            }
            if let svg {
                try KeyGenerationOutputs.svg(summaries.flatMap(\.rows)).write(toFile: svg, atomically: true, encoding: .utf8)
            }
            if let keyOut {
                guard let key = summaries.lazy.compactMap(\.firstKey).first else {
                    throw ValidationError("no session produced a confirmed key; nothing written to \(keyOut)")
                }
                try (KeyBits.hex(key) + "\n").write(toFile: keyOut, atomically: true, encoding: .utf8)
            }
        }
    }
}
