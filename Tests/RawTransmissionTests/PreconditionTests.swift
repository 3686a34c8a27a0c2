import Channels
import RawTransmission
import Testing

/// Misuse traps with a precondition (exit tests, as NIO's `ByteBufferCrashTests`).
@Suite struct PreconditionTests {
    @Test func impossibleParametersTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = BERSimulationConfiguration(
                modulation: .bpsk, code: .none, channel: .awgn, ebNoDecibels: [0], targetBitErrors: 0)
        }
        await #expect(processExitsWith: .failure) {
            _ = RawSourceCoding(quantization: .adaptive(bitsPerValue: 0))
        }
        await #expect(processExitsWith: .failure) {
            _ = IdealDigitalBound.channelUses(payloadBits: -1, snrDecibels: 0)
        }
    }
}
