import ArgumentParser
import Crypto
import Experiments
import Foundation
import HealthData
import Incognito
import KnowledgeBase
import PoseCodec
import Privacy
import TensorCore

extension SemCom {
    /// `semcom incognito`: local differential privacy for a pose stream's body attributes.
    struct IncognitoCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "incognito",
            abstract: "Incognito mode: privatize body attributes of a pose stream (secondary avatar), or evaluate it.",
            discussion: """
                `semcom incognito [apply] --input pose.jsonl --privacy high|medium|low|EPSILON --out private.jsonl` \
                measures the body in the stream, releases the chosen attributes once for the session with the bounded \
                Laplace mechanism (Holohan et al. 2018; ε per attribute: high 1, medium 3, low 5) and re-targets every \
                frame onto a secondary avatar with those attributes; `apply` is the default subcommand. \
                `semcom incognito eval` measures attackers, re-identification and activity accuracy on simulated users.
                """,
            subcommands: [Apply.self, Evaluate.self], defaultSubcommand: Apply.self)
    }
}

/// The bounded Laplace variant named on the command line.
private func parseVariant(_ name: String) throws -> BoundedLaplaceMechanism.Variant {
    guard let variant = BoundedLaplaceMechanism.Variant(rawValue: name) else {
        throw ValidationError("unknown --variant '\(name)'; expected truncated or clamped")
    }
    return variant
}

/// Runs `body`, turning privacy and incognito errors into validation errors (shown with usage).
private func validating<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as PrivacyError {
        throw ValidationError("--privacy: \(IncognitoError(error))")
    } catch let error as IncognitoError {
        throw ValidationError(error.description)
    }
}

extension SemCom.IncognitoCommand {
    /// `semcom incognito apply` (default).
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Write the secondary-avatar version of a pose JSONL recording (the input is never modified).",
            discussion: """
                Example: semcom incognito --input Samples/pose/pose-s0-walking.jsonl --privacy high \
                --attributes height,wingspan --out private.jsonl --json incognito.json
                The session key comes from --session-key (hex, ≥ 16 bytes; use a fresh random key per session in \
                deployment) or, for reproducible runs, from --seed (not secret). Ground-truth labels are not copied.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The pose recording (JSONL, one frame per line).")
        var input: String

        @Option(help: "Privacy level: high (ε 1), medium (ε 3), low (ε 5) or a number ε > 0 per attribute.")
        var privacy: String = "high"

        @Option(help: "Attributes to privatize, comma-separated: height, wingspan, arm_length, leg_length, shoulder_width.")
        var attributes: String = "height,wingspan"

        @Option(help: "Domain overrides attribute=min:max (metres), comma-separated (default: population 1st–99th percentiles).")
        var bounds: String?

        @Option(help: "Bounded Laplace variant: truncated (Holohan et al.) or clamped.")
        var variant: String = "truncated"

        @Option(name: .customLong("session-key"), help: "Session key in hex (≥ 32 hex digits); default derived from --seed.")
        var sessionKey: String?

        @Option(name: .customLong("session-id"), help: "Public session identifier bound into the key derivation.")
        var sessionID: String = "session-0"

        @Option(help: "Where to write the private recording (JSONL).")
        var out: String

        @Option(help: "Write a summary document (JSON): measured and released values, ε spent.")
        var json: String?

        func configuration() throws -> IncognitoConfiguration {
            let variant = try parseVariant(variant)
            return try validating {
                try IncognitoConfiguration(
                    level: try PrivacyLevel(parsing: privacy), attributes: try PoseAttribute.parseList(attributes),
                    bounds: try bounds.map(IncognitoConfiguration.parseBounds) ?? [:], variant: variant)
            }
        }

        func key() throws -> SymmetricKey {
            guard let sessionKey else { return LocalPrivacySession.key(seed: global.seed) }
            let digits = Array(sessionKey.lowercased())
            guard digits.count >= 32, digits.count % 2 == 0 else {
                throw ValidationError("--session-key must be an even number (≥ 32) of hex digits, got \(digits.count)")
            }
            var bytes: [UInt8] = []
            for i in stride(from: 0, to: digits.count, by: 2) {
                guard let byte = UInt8(String(digits[i...i + 1]), radix: 16) else {
                    throw ValidationError("--session-key: '\(String(digits[i...i + 1]))' at offset \(i) is not hex")
                }
                bytes.append(byte)
            }
            return SymmetricKey(data: bytes)
        }

        func validate() throws {
            _ = try configuration()
            _ = try key()
            func canonical(_ path: String) -> String {
                URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            }
            guard canonical(input) != canonical(out) else {
                throw ValidationError("--out must differ from --input (the input is never modified)")
            }
        }

        func run() throws {
            global.apply()
            let configuration = try configuration()
            let loaded = try PoseJSONL.load(contentsOfFile: input)
            var session = try LocalPrivacySession(key: try key(), sessionID: sessionID)
            let result: IncognitoResult
            do {
                result = try IncognitoMode.apply(loaded.recording, configuration: configuration, session: &session)
            } catch {
                throw ValidationError("\(input): \(error)")
            }
            do {
                try Data(PoseJSONL.text(of: result.recording).utf8).write(to: URL(fileURLWithPath: out))
            } catch {
                throw ValidationError("\(out): cannot write the file (\(error.localizedDescription))")
            }
            var rows: [Row] = []
            for entry in configuration.entries {
                let a = entry.attribute
                rows.append(
                    Row(
                        attribute: a.name, epsilon: entry.mechanism.epsilon, lower: entry.mechanism.bounds.lower,
                        upper: entry.mechanism.bounds.upper, scale: entry.mechanism.scale, measured: result.measured[a]!,
                        released: result.released[a]!))
                print(
                    "\(a.name): measured \(String(format: "%.3f", result.measured[a]!)) m → avatar \(String(format: "%.3f", result.released[a]!)) m "
                        + "(ε = \(entry.mechanism.epsilon), bounds \(entry.mechanism.bounds), Laplace scale \(String(format: "%.3f", entry.mechanism.scale)) m, \(entry.mechanism.variant))"
                )
            }
            print(
                "session '\(sessionID)': ε spent \(session.totalEpsilon) (\(session.ledger.count) attributes); \(result.recording.frames.count) frames → \(out)"
            )
            if let json {
                try ResultDocument(
                    command: "incognito apply", seed: global.seed,
                    inputs: [
                        "input": input, "out": out, "privacy": privacy, "attributes": attributes, "variant": variant,
                        "session_id": sessionID, "session_epsilon": "\(session.totalEpsilon)",
                    ], rows: rows
                ).writeJSON(to: json)
            }
        }

        struct Row: Encodable, Sendable {
            var attribute: String
            var epsilon: Double
            var lower: Double
            var upper: Double
            var scale: Double
            var measured: Double
            var released: Double
            enum CodingKeys: String, CodingKey {
                case attribute, epsilon
                case lower = "bound_min_m", upper = "bound_max_m", scale = "laplace_scale_m"
                case measured = "measured_m", released = "released_m"
            }
        }
    }

    /// `semcom incognito eval`.
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Measure attribute inference, re-identification and activity accuracy on raw vs incognito streams.",
            discussion: """
                Rows: epsilon, attribute, attacker_error_raw, attacker_error_private (raw-trained attacker), \
                attacker_error_private_adaptive (attacker trained on incognito streams), baseline_error (mean \
                predictor), advantage_reduction(_adaptive), identification_accuracy_raw, \
                identification_accuracy_private, activity_accuracy_raw, activity_accuracy_private (errors in metres).
                Example: semcom incognito eval --users 100 --privacy 1,3,5 --json incognito-eval.json --svg incognito.svg
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Simulated users (≥ 4; re-identification is among all of them).")
        var users: Int = 100

        @Option(name: .customLong("clips-per-activity"), help: "One-second clips per user and activity.")
        var clipsPerActivity: Int = 2

        @Option(help: "Privacy levels, comma-separated: high, medium, low or numbers ε > 0.")
        var privacy: String = "1,3,5"

        @Option(help: "Privatized and attacked attributes, comma-separated.")
        var attributes: String = "height,wingspan"

        @Option(help: "Bounded Laplace variant: truncated (Holohan et al.) or clamped.")
        var variant: String = "truncated"

        @Option(help: "Attacker training epochs.")
        var epochs: Int = 60

        @Option(name: .customLong("snr-db"), help: "AWGN Es/N0 for the activity accuracy, dB.")
        var snrDB: Float = 10

        @Option(help: "The pose knowledge base (activity accuracy; skipped when missing).")
        var kb: String = "KnowledgeBases/pose-activity.semkb"

        @Option(help: "Write the result document (JSON).")
        var json: String?

        @Option(help: "Write attacker error against ε (SVG).")
        var svg: String?

        func parsed() throws -> (epsilons: [Double], attributes: [PoseAttribute], variant: BoundedLaplaceMechanism.Variant) {
            let variant = try parseVariant(variant)
            let epsilons = try validating { try privacy.split(separator: ",").map { try PrivacyLevel(parsing: String($0)).epsilon } }
            guard !epsilons.isEmpty else { throw ValidationError("--privacy is empty") }
            return (epsilons, try validating { try PoseAttribute.parseList(attributes) }, variant)
        }

        func validate() throws {
            guard users >= 4 else { throw ValidationError("--users must be at least 4, got \(users)") }
            guard clipsPerActivity >= 1 else { throw ValidationError("--clips-per-activity must be ≥ 1") }
            guard epochs >= 1 else { throw ValidationError("--epochs must be ≥ 1") }
            guard snrDB.isFinite else { throw ValidationError("--snr-db must be finite") }
            _ = try parsed()
        }

        func run() throws {
            global.apply()
            let (epsilons, attributes, variant) = try parsed()
            var codec: PoseCodec?
            var noise = PoseTrackingNoise()
            if FileManager.default.fileExists(atPath: kb) {
                let knowledgeBase = try KnowledgeBase(contentsOfFile: kb)
                codec = try PoseCodec(knowledgeBase: knowledgeBase)
                noise = try PoseKnowledgeBase.description(of: knowledgeBase).dataset.noise
            } else {
                FileHandle.standardError.write(Data("\(kb) not found: activity accuracy skipped\n".utf8))
            }
            let configuration = IncognitoEvaluationConfiguration(
                users: users, clipsPerActivity: clipsPerActivity, epsilons: epsilons, attributes: attributes,
                variant: variant, attacker: PoseAttributeAttacker(epochs: epochs), snrDecibels: snrDB)
            let (rows, withheld) = try IncognitoEvaluation.run(
                configuration, codec: codec, dataset: noise, seed: global.seed, progress: { global.progress($0) })
            print(IncognitoEvaluation.table(rows))
            if withheld > 0 { print("\(withheld) incognito clips withheld (joints missing)") }
            if let json {
                try ResultDocument(
                    command: "incognito eval", seed: global.seed,
                    inputs: [
                        "users": "\(users)", "clips_per_activity": "\(clipsPerActivity)", "privacy": privacy,
                        "attributes": attributes.map(\.name).joined(separator: ","), "variant": variant.rawValue, "epochs": "\(epochs)",
                        "snr_db": "\(snrDB)", "kb": codec == nil ? "" : kb, "withheld_clips": "\(withheld)",
                        "threads": "\(global.threads)",
                    ], rows: rows
                ).writeJSON(to: json)
            }
            if let svg {
                do {
                    try IncognitoEvaluation.plot(rows).render().write(toFile: svg, atomically: true, encoding: .utf8)
                } catch {
                    throw ValidationError("\(svg): cannot write the file (\(error.localizedDescription))")
                }
            }
        }
    }
}
