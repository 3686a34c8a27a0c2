import Channels
import SemanticCodec
import TensorCore
import Testing

/// Programmer mistakes trap with a precondition (exit tests).
@Suite struct MisuseTests {
    @Test func encoderAndDecoderMustAgreeOnChannelUses() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            _ = SemanticPipeline(
                encoder: NetworkEncoder(inputSize: 3, hiddenSizes: [], channelUsesPerSample: 2, using: &rng),
                decoder: NetworkDecoder(channelUsesPerSample: 3, hiddenSizes: [], outputSize: 2, using: &rng))
        }
    }

    @Test func fingerprintNeedsEightBytes() async {
        await #expect(processExitsWith: .failure) {
            _ = KBFingerprint(bytes: [1, 2, 3])
        }
    }

    @Test func perturbationChainNeedsOneStage() async {
        await #expect(processExitsWith: .failure) {
            _ = PerturbationChain([IdentityPerturbation(stage: .input), IdentityPerturbation(stage: .symbols)])
        }
    }

    @Test func nonFiniteSymbolsCannotBeFramed() async {
        await #expect(processExitsWith: .failure) {
            _ = SemanticFrame(
                symbols: [.nan, 0], modality: .tabular, taskID: 0,
                knowledgeBase: KBFingerprint(bytes: [UInt8](repeating: 0, count: 8)),
                sequenceNumber: 0)
        }
    }
}
