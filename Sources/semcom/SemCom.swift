import ArgumentParser

/// `semcom`: semantic communication of health data — the command-line tool.
///
/// Commands parse their arguments, call the library and print; no domain logic lives here.
@main
struct SemCom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semcom",
        abstract: "Semantic communication of health data: codecs, channels, raw baseline, federated DP.",
        subcommands: [
            Demo.self, Bench.self, BER.self, KB.self, Eval.self, Encode.self, Transmit.self, Decode.self,
            PrivacyTools.self, Samples.self, Notes.self, Keygen.self, FederatedCommand.self, IncognitoCommand.self,
            ClinicCommand.self, Attack.self, Train.self,
        ])
}
