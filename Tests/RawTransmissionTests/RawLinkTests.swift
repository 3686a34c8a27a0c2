import Channels
import HealthData
import RawTransmission
import RealModule
import TensorCore
import Testing

/// Real Breast Cancer Wisconsin records (the embedded UCI table): 9 integer cytology scores in
/// 1…10 each; `count` rows spread over the whole table, starting at `seed`.
private func bcwdRecords(count: Int, seed: UInt64) -> [[Double]] {
    // The embedded table always parses; a failure here is a test failure, not a skip.
    let table = try! BreastCancerWisconsin.embedded()
    let stride = table.count / count
    return (0..<count).map { i in
        let row = (Int(seed) + i * stride) % table.count
        return Array(table.features.scalars[(row * 9)..<(row * 9 + 9)])
    }
}

/// A 10 s ECG-like window at 250 Hz: sum of sinusoids (1.2 Hz fundamental and harmonics, a
/// respiration wander) plus Gaussian noise, in mV.
private func ecgWindow(seed: UInt64) -> [Double] {
    var rng = Xoshiro256(seed: seed)
    return (0..<2500).map { n in
        let t = Double(n) / 250
        var v = 0.8 * Double.sin(2 * .pi * 1.2 * t) + 0.3 * Double.sin(2 * .pi * 2.4 * t + 0.5)
        v += 0.15 * Double.sin(2 * .pi * 7.2 * t + 1.0) + 0.1 * Double.sin(2 * .pi * 0.25 * t)
        return v + 0.02 * rng.nextStandardGaussian()
    }
}

/// BCWD quantizer: 4 bits over [0.5, 16.5] has unit cells whose midpoints are the integers 1…16.
private let bcwdQuantizer = UniformQuantizer(bitsPerValue: 4, lowerBound: 0.5, upperBound: 16.5)

private func link(
    _ source: RawSourceCoding, _ modulation: ModulationScheme = .qpsk, _ code: ChannelCode = .convolutionalK7,
    interleaver: BlockInterleaver? = nil, fallback: RawFallback = .fixed(.values([]))
) -> RawLink {
    RawLink(
        configuration: RawLinkConfiguration(
            source: source, modulation: modulation, code: code, interleaver: interleaver),
        fallback: fallback)
}

@Suite struct RawLinkTests {
    @Test func bcwdRecordsRoundTripExactlyAtHighSNR() throws {
        let records = bcwdRecords(count: 12, seed: 3)
        let source = RawSourceCoding(quantization: .fixed(bcwdQuantizer))
        var rng = Xoshiro256(seed: 11)
        var awgnLink = link(source)
        let awgn = try awgnLink.run(records.map(RawSample.values), over: AWGN(snrDecibels: 30), using: &rng)
        var fadingLink = link(source, .qam16, .convolutionalK7, interleaver: BlockInterleaver(rows: 8, columns: 12))
        let rayleigh = RayleighFading(coherence: .perSymbol, noise: .snr(decibels: 30))
        let faded = try fadingLink.run(records.map(RawSample.values), over: rayleigh, using: &rng)
        for (reports, summary) in [awgn, faded] {
            #expect(summary.decodeFailures == 0)
            #expect(summary.bitErrors == 0)
            for (report, record) in zip(reports, records) {
                #expect(report.output == .values(record))
                #expect(report.payloadBits == 9 * 4 + 4)  // 36 bits packed into 5 bytes
                #expect(report.informationBits == report.payloadBits + 32)
                #expect(report.codedBits == 2 * (report.informationBits + 6))
            }
        }
        // QPSK: 2 coded bits per channel use; 16-QAM: 4.
        #expect(awgn.reports[0].channelUses == (2 * (72 + 6) + 1) / 2)
        #expect(faded.reports[0].channelUses == (2 * (72 + 6) + 3) / 4)
        #expect(faded.summary.channelUsesPerSample == 39)
    }

    @Test func zeroForcedAndMMSEFadingOutputsAreUndoneForTheDemapper() throws {
        let records = bcwdRecords(count: 6, seed: 4)
        var rng = Xoshiro256(seed: 12)
        for equalization in [FadingEqualization.zeroForcing, .mmse] {
            var l = link(RawSourceCoding(quantization: .fixed(bcwdQuantizer)), .qam16)
            let channel = RayleighFading(coherence: .perSymbol, equalization: equalization, noise: .snr(decibels: 30))
            let result = try l.run(records.map(RawSample.values), over: channel, using: &rng)
            #expect(result.summary.decodeFailures == 0)
            #expect(result.reports.map(\.output) == records.map(RawSample.values))
        }
    }

    @Test func ecgWindowReconstructsWithinHalfAStep() throws {
        let window = ecgWindow(seed: 5)
        let quantizer = RawSourceCoding.adaptiveQuantizer(window, bitsPerValue: 10)
        let source = RawSourceCoding(quantization: .adaptive(bitsPerValue: 10), compression: .zstd(level: 3))
        var rng = Xoshiro256(seed: 13)
        let channels: [(String, any CoherentReceiverChannel)] = [
            ("awgn", AWGN(snrDecibels: 30)),
            ("rayleigh", RayleighFading(coherence: .perSymbol, noise: .snr(decibels: 30))),
        ]
        for (name, channel) in channels {
            var l = link(source, .qpsk, .convolutionalK7TwoThirds)
            let report = try send(&l, .values(window), over: channel, using: &rng)
            #expect(report.frameSucceeded, "\(name)")
            #expect(report.bitErrors == 0, "\(name)")
            guard case .values(let out) = report.output else {
                Issue.record("\(name): expected values")
                continue
            }
            #expect(out.count == 2500)
            let worst = zip(out, window).map { abs($0 - $1) }.max() ?? .infinity
            #expect(
                worst <= quantizer.step / 2 + 1e-12, "\(name): worst error \(worst), half step \(quantizer.step / 2)")
        }
    }

    private func send<G: RandomNumberGenerator>(
        _ l: inout RawLink, _ sample: RawSample, over channel: any CoherentReceiverChannel, using rng: inout G
    ) throws -> RawTransmissionReport {
        try l.transmit(sample, over: channel, using: &rng)
    }

    @Test func everySampleKindRoundTripsOverTheIdentityChannel() throws {
        var rng = Xoshiro256(seed: 17)
        let note = "Fine-needle aspirate: uniform cell size, bland nuclei. Benign (2)."
        let cases: [(RawSourceCoding, RawSample)] = [
            (RawSourceCoding(quantization: .fixed(bcwdQuantizer)), .values([10, 1, 4, 7, 2, 9, 3, 5, 6])),
            (RawSourceCoding(quantization: .fixed(bcwdQuantizer), compression: .zstd(level: 1)), .values([1, 1, 1])),
            (RawSourceCoding(quantization: .adaptive(bitsPerValue: 8)), .text(note)),
            (RawSourceCoding(quantization: .adaptive(bitsPerValue: 8), compression: .zstd()), .text(note)),
        ]
        for (index, (source, sample)) in cases.enumerated() {
            for modulation in ModulationScheme.allCases {
                for code in ChannelCode.allCases {
                    var l = link(source, modulation, code, interleaver: BlockInterleaver(rows: 5, columns: 7))
                    let report = try l.transmit(sample, over: IdentityChannel(), using: &rng)
                    #expect(report.output == sample, "case \(index), \(modulation)/\(code)")
                    #expect(report.bitErrors == 0 && report.frameSucceeded)
                    let coded = code.encodedLength(informationBitCount: report.informationBits)
                    #expect(report.codedBits == coded)
                    #expect(report.channelUses == (coded + modulation.bitsPerSymbol - 1) / modulation.bitsPerSymbol)
                }
            }
        }
        // A constant window gets the [v − ½, v + ½] range and comes back within half a step.
        var constant = link(RawSourceCoding(quantization: .adaptive(bitsPerValue: 6)))
        let flat = try constant.transmit(.values([3.25, 3.25]), over: IdentityChannel(), using: &rng)
        guard case .values(let out) = flat.output else {
            Issue.record("expected values, got \(flat.output)")
            return
        }
        #expect(out.count == 2 && out.allSatisfy { abs($0 - 3.25) <= 0.5 / 64 })
    }

    @Test func ricianAndJakesChannelsWorkWithCSI() throws {
        let records = bcwdRecords(count: 4, seed: 9).map(RawSample.values)
        var rng = Xoshiro256(seed: 18)
        var l = link(RawSourceCoding(quantization: .fixed(bcwdQuantizer)), .qam16)
        let rician = RicianFading(kFactorDecibels: 6, coherence: .perSymbol, noise: .snr(decibels: 30))
        #expect(try l.run(records, over: rician, using: &rng).summary.decodeFailures == 0)
        let jakes = JakesFading(
            maximumDopplerHertz: 100, samplePeriodSeconds: 1e-3, equalization: .zeroForcing,
            noise: .snr(decibels: 30))
        let result = try l.run(records, over: jakes, using: &rng)
        // Slow fading can park a whole short frame in a deep fade; most frames must pass, and
        // every passing frame must be exact.
        #expect(result.summary.decodeFailures <= 1)
        for (report, record) in zip(result.reports, records) where report.frameSucceeded {
            #expect(report.output == record)
        }
    }

    @Test func lowSNRFallsBackWithoutCrashing() throws {
        let records = bcwdRecords(count: 10, seed: 6)
        let means = (0..<9).map { f in records.map { $0[f] }.reduce(0, +) / Double(records.count) }
        var rng = Xoshiro256(seed: 14)
        // A fixed default (the field means).
        var fixed = link(RawSourceCoding(quantization: .fixed(bcwdQuantizer)), fallback: .fixed(.values(means)))
        for channel in [AWGN(snrDecibels: -5)] as [AWGN] {
            let result = try fixed.run(records.map(RawSample.values), over: channel, using: &rng)
            #expect(result.summary.decodeFailures == records.count)
            #expect(result.summary.frameErrors == records.count)
            #expect(result.summary.ber > 0.05)
            #expect(result.reports.allSatisfy { $0.output == .values(means) && $0.failure == .checksumMismatch })
        }
        let faded = try fixed.run(
            records.map(RawSample.values), over: RayleighFading(coherence: .perSymbol, noise: .snr(decibels: -5)),
            using: &rng)
        #expect(faded.summary.decodeFailures == records.count)
        // The last good value: succeed at 30 dB, then fail at −5 dB.
        var last = link(
            RawSourceCoding(quantization: .fixed(bcwdQuantizer)), fallback: .lastGood(initial: .values(means)))
        #expect(last.currentFallback == .values(means))
        let good = try last.transmit(.values(records[0]), over: AWGN(snrDecibels: 30), using: &rng)
        #expect(good.frameSucceeded)
        let bad = try last.transmit(.values(records[1]), over: AWGN(snrDecibels: -5), using: &rng)
        #expect(!bad.frameSucceeded)
        #expect(bad.output == .values(records[0]))
        // Text over a terrible channel: the fallback, never a crash.
        var text = link(
            RawSourceCoding(quantization: .adaptive(bitsPerValue: 8), compression: .zstd()), .qam64, .none,
            fallback: .fixed(.text("")))
        let note = try text.transmit(
            .text("Mass palpable, left breast, 2 cm."), over: AWGN(snrDecibels: -5), using: &rng)
        #expect(!note.frameSucceeded && note.output == .text(""))
    }

    @Test func sweepReportsFailuresAtLowSNRAndNoneAtHighSNR() throws {
        let records = bcwdRecords(count: 8, seed: 10).map(RawSample.values)
        var rng = Xoshiro256(seed: 19)
        var l = link(RawSourceCoding(quantization: .fixed(bcwdQuantizer)), fallback: .fixed(.values([])))
        l.configuration.scheme = DigitalScheme(modulation: .qam16, code: .convolutionalK7ThreeQuarters)
        #expect(l.configuration.modulation == .qam16 && l.configuration.code == .convolutionalK7ThreeQuarters)
        let points = try l.sweep(
            records, snrDecibels: [-5, 30], channel: { AWGN(snrDecibels: Float($0)) }, using: &rng)
        #expect(points.map(\.snrDecibels) == [-5, 30])
        #expect(points[0].summary.decodeFailures == records.count && points[0].summary.fer == 1)
        #expect(points[1].summary.decodeFailures == 0 && points[1].summary.ber == 0)
        // 72 information bits at rate 3/4 with tail: 104 coded bits, 26 16-QAM symbols per record.
        #expect(points.allSatisfy { $0.summary.channelUsesPerSample == 26 && $0.summary.samples == records.count })
        #expect(points[0].summary.informationBits == 72 * records.count)
    }

    @Test func crcFlagsExactlyTheFramesWithBitErrors() throws {
        // Uncoded QPSK at 9 dB: BER ≈ Q(√8) ≈ 2.3e-3, so roughly a third of 168-bit frames are hit.
        let records = bcwdRecords(count: 120, seed: 7).map { $0 + $0 + $0 }  // 27 fields, 108 + 32 + … bits
        var l = link(RawSourceCoding(quantization: .fixed(bcwdQuantizer)), .qpsk, .none)
        var rng = Xoshiro256(seed: 15)
        let result = try l.run(records.map(RawSample.values), over: AWGN(snrDecibels: 9), using: &rng)
        #expect(result.summary.decodeFailures > 10)
        #expect(result.summary.decodeFailures < records.count - 10)
        #expect(result.summary.undetectedErrors == 0)
        for (report, record) in zip(result.reports, records) {
            #expect(report.frameSucceeded == (report.bitErrors == 0))
            if report.frameSucceeded { #expect(report.output == .values(record)) }
        }
        // Every single- and double-bit corruption of a framed payload is caught by CRC-32C.
        let framed = CRC32C.appendingChecksum(toBits: BitPacking.bits(of: [0x12, 0x34, 0x56, 0x78, 0x9A]))
        for i in 0..<framed.count {
            var corrupted = framed
            corrupted[i] ^= 1
            #expect(!CRC32C.hasValidChecksum(bits: corrupted))
            let j = (i * 7 + 3) % framed.count
            if j != i {
                corrupted[j] ^= 1
                #expect(!CRC32C.hasValidChecksum(bits: corrupted))
            }
        }
    }

    @Test func corruptPayloadsDecodeToFailuresNotCrashes() throws {
        var rng = Xoshiro256(seed: 16)
        let zstd = RawSourceCoding(quantization: .fixed(bcwdQuantizer), compression: .zstd())
        let plain = RawSourceCoding(quantization: .adaptive(bitsPerValue: 8))
        for length in [0, 1, 3, 5, 17, 40] {
            var garbage = [UInt8](repeating: 0, count: length)
            for i in 0..<length { garbage[i] = UInt8(truncatingIfNeeded: rng.next()) }
            if case .sample = zstd.decode(garbage, layout: .values(count: 9)) { Issue.record("garbage decoded") }
            if case .sample = zstd.decode(garbage, layout: .text(maximumByteCount: 64)) {
                Issue.record("garbage decoded as text")
            }
        }
        // Wrong length, and a range header that is not a valid range, are unpack failures.
        #expect(plain.decode([1, 2, 3], layout: .values(count: 9)) == .failure(.unpackFailed))
        let nanHeader = [UInt8](repeating: 0xFF, count: 16) + [UInt8](repeating: 0, count: 9)
        #expect(plain.decode(nanHeader, layout: .values(count: 9)) == .failure(.unpackFailed))
        let plainText = RawSourceCoding(quantization: .adaptive(bitsPerValue: 8))
        #expect(plainText.decode([0xFF, 0xFE], layout: .text(maximumByteCount: 16)) == .failure(.unpackFailed))
    }

    @Test func sourceCodingRoundTripsAndRejectsBadInput() throws {
        let dictionarySource = bcwdRecords(count: 64, seed: 8).flatMap {
            BitPacking.pack(bcwdQuantizer.quantize($0), bitsPerValue: 4)
        }
        let dictionary = try RawSourceCoding.dictionary(dictionarySource)
        let withDictionary = RawSourceCoding(
            quantization: .fixed(bcwdQuantizer), compression: .zstd(dictionary: dictionary))
        let record: [Double] = [5, 1, 1, 1, 2, 1, 3, 1, 1]
        let payload = try withDictionary.encode(.values(record))
        #expect(withDictionary.decode(payload, layout: .values(count: 9)) == .sample(.values(record)))
        let text = RawSourceCoding(quantization: .adaptive(bitsPerValue: 8), compression: .zstd())
        let note = String(repeating: "No evidence of malignancy. ", count: 20)
        let compressed = try text.encode(.text(note))
        #expect(compressed.count < note.utf8.count / 4)
        #expect(text.decode(compressed, layout: .text(maximumByteCount: 4096)) == .sample(.text(note)))
        // Over the bound: refused.
        #expect(text.decode(compressed, layout: .text(maximumByteCount: 100)) == .failure(.decompressionFailed))

        let fixed = RawSourceCoding(quantization: .fixed(bcwdQuantizer))
        #expect(throws: RawTransmissionError.self) { try fixed.encode(.values([1, .nan, 3])) }
        do {
            _ = try fixed.encode(.values([1, 2, .nan]))
        } catch let error as RawTransmissionError {
            #expect(error.code == .nonFiniteValue)
            #expect(error.message.contains("values[2]"))
        }
        for empty in [RawSample.values([]), .text("")] {
            do {
                _ = try text.encode(empty)
                Issue.record("empty sample accepted")
            } catch let error as RawTransmissionError {
                #expect(error.code == .emptyPayload)
            }
        }
    }
}
