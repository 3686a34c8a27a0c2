import Channels
import Federated
import Privacy
import TensorCore
import Testing

@Suite struct FederatedTransportTests {
    /// Ten clinics with tiny shards, a quantizing codec, and a round's instructions.
    func setUp(secure: Bool, dropout: Double, link: UpdateLinkConfiguration = .ideal) throws -> (
        InProcessTransport, RoundInstructions, UpdateCodec
    ) {
        let (train, _) = try bcwdSplit()
        var rng = Xoshiro256(seed: 11)
        let shards = try ClinicPartition.iid.split(train.subset(Array(0..<60)), clinics: 10, using: &rng)
        let model = LinearSVMModel(featureCount: 9)
        let clinics = shards.enumerated().map {
            FederatedClinic(
                id: $0.offset, data: $0.element, model: model, rng: Xoshiro256(seed: UInt64(100 + $0.offset)))
        }
        let transport = try InProcessTransport(
            clinics: clinics, link: UpdateLink(link), dropoutRate: dropout, rng: Xoshiro256(seed: 12))
        let codec = UpdateCodec(dimension: 10, clipBound: 20, scale: 1_048_576, modulusBits: 48, rotationSeed: 3)
        let instructions = RoundInstructions(
            round: 0, globalParameters: [Double](repeating: 0.01, count: 10),
            procedure: .clippedGradientSum(samplingRate: 1, clipNorm: 1, learningRate: 1), codec: codec,
            secureAggregation: secure)
        return (transport, instructions, codec)
    }

    /// The sum of the quantized updates of `ids`, computed from copies of the clinics (same state).
    func expectedSum(
        _ transport: InProcessTransport, _ instructions: RoundInstructions, _ codec: UpdateCodec, ids: [Int]
    )
        -> [Double]
    {
        let quantizer = codec.makeQuantizer()
        var total = [UInt64](repeating: 0, count: quantizer.quantizedLength)
        let mask = (UInt64(1) << 48) - 1
        for id in ids {
            var clinic = transport.clinics[id]
            guard case .integers(let values) = clinic.respond(to: instructions).payload else { return [] }
            for j in total.indices { total[j] = (total[j] &+ values[j]) & mask }
        }
        return quantizer.dequantizeSum(total)
    }

    @Test func securelyAggregatedRoundRecoversTheSurvivorsSumExactly() throws {
        // With a 25 % dropout rate, some of the 10 clinics vanish after the key exchange.
        var (transport, instructions, codec) = try setUp(secure: true, dropout: 0.25)
        let before = transport
        let aggregate = try transport.runRound(instructions)
        #expect(aggregate.offline > 0 && aggregate.contributors.count == 10 - aggregate.offline)
        let sum = try #require(aggregate.sum)
        #expect(sum == expectedSum(before, instructions, codec, ids: aggregate.contributors))
    }

    @Test func secureAndPlainAggregationAgree() throws {
        var (secure, instructions, codec) = try setUp(secure: true, dropout: 0)
        var (plain, plainInstructions, _) = try setUp(secure: false, dropout: 0)
        let a = try secure.runRound(instructions)
        let b = try plain.runRound(plainInstructions)
        #expect(a.contributors == Array(0..<10) && b.contributors == Array(0..<10))
        // Plain: each update dequantized then summed (float rounding); secure: the integer sum dequantized.
        for (x, y) in zip(try #require(a.sum), try #require(b.sum)) { #expect(abs(x - y) < 1e-9) }
        #expect(a.totalWeight == b.totalWeight)
        _ = codec
    }

    @Test func aFailedFrameIsADropoutThatSecureAggregationSurvives() throws {
        // At 2 dB some QPSK/K=7 frames fail; their clinics' masked inputs are lost.
        var (transport, instructions, codec) = try setUp(
            secure: true, dropout: 0,
            link: .digital(snrDecibels: 2, modulation: .qpsk, code: .convolutionalK7, frameBits: 256))
        let before = transport
        let aggregate = try transport.runRound(instructions)
        #expect(aggregate.lostToChannel > 0 && aggregate.lostToChannel < 7)
        #expect(aggregate.link.frameErrors > 0)
        #expect(try #require(aggregate.sum) == expectedSum(before, instructions, codec, ids: aggregate.contributors))
    }

    @Test func tooFewSurvivorsAbortTheRound() throws {
        var (transport, instructions, _) = try setUp(secure: true, dropout: 0.15)
        instructions.minimumContributors = 10
        let aggregate = try transport.runRound(instructions)
        #expect(aggregate.sum == nil)
    }

    @Test func digitalLinkIsExactAtHighSNRAndAnalogNoiseMatchesTheSNR() {
        var rng = Xoshiro256(seed: 1)
        var statistics = LinkStatistics()
        let values: [UInt64] = (0..<40).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 & ((1 << 48) - 1) }
        let digital = UpdateLink(.digital(snrDecibels: 10))
        #expect(digital.send(integers: values, bits: 48, statistics: &statistics, using: &rng) == values)
        #expect(statistics.framesSent == 2 && statistics.frameErrors == 0)
        let analog = UpdateLink(.analog(snrDecibels: 10))
        var analogStatistics = LinkStatistics()
        let reals = (0..<4000).map { _ in rng.nextStandardGaussian() }
        _ = analog.send(reals: reals, statistics: &analogStatistics, using: &rng)
        // NMSE = N0 / Es = 0.1 at 10 dB (± 5 standard errors of 4000 squared Gaussians).
        #expect(abs(analogStatistics.analogNMSE - 0.1) < 5 * 0.1 * (2.0 / 4000).squareRoot())
    }
}
