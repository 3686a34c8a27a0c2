import Channels
import RawTransmission
import TensorCore
import Testing

@testable import Experiments

@Suite struct EvaluationSpecTests {
    @Test(arguments: [
        ("awgn", "awgn"), ("AWGN", "awgn"), ("rayleigh", "rayleigh"), ("rayleigh-nocsi", "rayleigh-nocsi"),
        ("rician", "rician:3"), ("rician:5", "rician:5"), ("rician:k=0.5:block=8", "rician:0.5:block=8"),
        ("erasure", "erasure:0.1"), ("erasure:0.25", "erasure:0.25"), ("burst", "burst:0.1"),
        ("burst:0.2:length=8", "burst:0.2:length=8"), ("rayleigh:block=16", "rayleigh:block=16"),
    ])
    func parsesValidSpecsToCanonicalForm(input: String, canonical: String) throws {
        let spec = try ChannelSpec.parse(input)
        #expect(spec.description == canonical)
        #expect(try ChannelSpec.parse(spec.description) == spec)
    }

    @Test func defaultsAreThoseOfTheIssue() throws {
        #expect(try ChannelSpec.parse("rician").kFactor == 3)
        #expect(try ChannelSpec.parse("erasure").erasureProbability == 0.1)
        #expect(try ChannelSpec.parse("rayleigh").coherenceSymbols == nil)
        #expect(
            try ChannelSpec.parseList("awgn, rayleigh,rician:5").map(\.description) == ["awgn", "rayleigh", "rician:5"])
    }

    @Test(arguments: [
        ("fading", "'fading'"), ("rician:abc", "'abc'"), ("awgn:3", "'3'"), ("erasure:1.5", "'1.5'"),
        ("rayleigh:block=0", "'block=0'"), ("rayleigh:block=2.5", "'block=2.5'"), ("erasure:length=3", "'length=3'"),
        ("burst:0.9:length=2", "length"), ("", "unknown kind"), ("rician:k=-1", "'k=-1'"),
    ])
    func rejectsInvalidSpecsNamingTheBadToken(input: String, named: String) {
        do {
            _ = try ChannelSpec.parse(input)
            Issue.record("'\(input)' parsed")
        } catch let error as ExperimentsError {
            #expect(error.code == .invalidChannelSpec)
            #expect(error.message.contains(named), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parsesSNRLists() throws {
        #expect(try SNRList.parse("-10,-5,0,5,10,20") == [-10, -5, 0, 5, 10, 20])
        #expect(try SNRList.parse(" 0 : 5 : 20 ") == [0, 5, 10, 15, 20])
        #expect(try SNRList.parse("10:-5:0") == [10, 5, 0])
        #expect(try SNRList.parse("7") == [7])
    }

    @Test(arguments: [
        ("0,x,5", "'x'"), ("", "empty"), ("1,,2", "element 2"), ("0:0:5", "step"), ("5:1:0", "does not lead"),
        ("0:1", "start:step:stop"), ("0,inf", "'inf'"),
    ])
    func rejectsInvalidSNRLists(input: String, named: String) {
        #expect {
            try SNRList.parse(input)
        } throws: { error in
            guard let error = error as? ExperimentsError else { return false }
            return error.code == .invalidSNRList && error.message.contains(named)
        }
    }

    @Test func erasureChannelZeroesAboutPAndTellsTheRawReceiver() {
        let channel = ChannelSpec(kind: .erasure, erasureProbability: 0.3).channel(snrDecibels: 60)
        var rng = Xoshiro256(seed: 4)
        let n = 20_000
        let x = Tensor<Float>(shape: [1, 2 * n], scalars: [Float](repeating: 0.7071, count: 2 * n))
        let (y, state) = channel.transmit(x, using: &rng)
        guard case .erasures(let erasures) = state else {
            Issue.record("erasure channel returned state \(state)")
            return
        }
        let mask = erasures.mask.scalars
        let erased = mask.count { $0 == 0 }
        // Binomial(20000, 0.3): σ ≈ 65; 5σ ≈ 325.
        #expect(abs(erased - 6000) < 325)
        // Erased symbols carry only the (tiny, 60 dB) noise; received ones the signal.
        for s in 0..<n {
            let magnitude = abs(y.scalars[2 * s]) + abs(y.scalars[2 * s + 1])
            if mask[s] == 0 { #expect(magnitude < 0.05) } else { #expect(magnitude > 1) }
        }
        let observation = channel.coherentObservation(received: y, transmitted: x, state: state)
        let gains = observation.channelGains ?? []
        #expect(gains.count == 2 * n)
        #expect((0..<n).allSatisfy { gains[2 * $0] == mask[$0] && gains[2 * $0 + 1] == 0 })
    }

    @Test func burstChannelHasTheRequestedErasureRate() {
        let spec = ChannelSpec(kind: .burst, erasureProbability: 0.2, meanBurstLength: 5)
        #expect(abs(spec.gilbertElliott.stationaryEventProbability - 0.2) < 1e-12)
        #expect(abs(spec.gilbertElliott.meanBurstLength - 5) < 1e-12)
    }

    @Test func noCSIReceiverAssumesUnitGainsWhileCSIReceiverGetsThem() {
        var rng = Xoshiro256(seed: 6)
        let x = Tensor<Float>(shape: [2, 8], scalars: (0..<16).map { Float($0 % 3) - 1 })
        for (kind, hasGains) in [(ChannelSpec.Kind.rayleigh, true), (.rayleighNoCSI, false), (.rician, true)] {
            let channel = ChannelSpec(kind: kind).channel(snrDecibels: 10)
            let (y, state) = channel.transmit(x, using: &rng)
            let observation = channel.coherentObservation(received: y, transmitted: x, state: state)
            #expect((observation.channelGains != nil) == hasGains, "\(kind)")
        }
    }

    @Test func idealCapacityFollowsShannon() {
        #expect(abs(ChannelSpec(kind: .awgn).idealCapacity(snrDecibels: 10) - Capacity.awgn(snr: 10)) < 1e-12)
        #expect(
            abs(
                ChannelSpec(kind: .rayleigh).idealCapacity(snrDecibels: 10)
                    - IdealDigitalBound.capacity(
                        snrDecibels: 10, channel: .ergodicRayleigh)) < 1e-12)
        #expect(
            abs(ChannelSpec(kind: .erasure, erasureProbability: 0.25).idealCapacity(snrDecibels: 0) - 0.75) < 1e-12)
    }
}
