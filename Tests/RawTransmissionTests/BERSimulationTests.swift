import Channels
import Foundation
import RawTransmission
import RealModule
import TensorCore
import Testing

/// Heavier checks run only with `SEMCOM_SLOW_TESTS=1`.
private let slowTestsEnabled = ProcessInfo.processInfo.environment["SEMCOM_SLOW_TESTS"] != nil

@Suite struct BERSimulationTests {
    /// 10 000 errors give a relative standard error of 1 %, so 5 % is 5 standard errors.
    private func simulate(
        _ modulation: ModulationScheme, _ channel: BERChannel, _ ebNo: [Double], code: ChannelCode = .none,
        targetBitErrors: Int = 10_000, maximumBitCount: Int = 2_000_000, seed: UInt64 = 1
    ) -> [BERRow] {
        BERSimulation.run(
            BERSimulationConfiguration(
                modulation: modulation, code: code, channel: channel, ebNoDecibels: ebNo,
                maximumBitCount: maximumBitCount, targetBitErrors: targetBitErrors, framesPerBatch: 10, seed: seed))
    }

    @Test func uncodedBPSKOverAWGNMatchesQFunction() {
        let rows = simulate(.bpsk, .awgn, [0, 1])
        for row in rows {
            let theory = BERTheory.bpskAWGN(ebNoDecibels: row.ebNoDecibels)
            #expect(row.bitErrors >= 10_000)
            #expect(abs(row.ber - theory) / theory < 0.05, "Eb/N0 \(row.ebNoDecibels): \(row.ber) vs \(theory)")
        }
        #expect(abs(BERTheory.bpskAWGN(ebNoDecibels: 4) - 1.250e-2) < 1e-5)  // REFERENCE-NUMBERS.md
        #expect(abs(BERTheory.bpskAWGN(ebNoDecibels: 8) - 1.909e-4) < 1e-7)
    }

    @Test func uncodedBPSKOverRayleighMatchesClosedForm() {
        let rows = simulate(.bpsk, .rayleigh, [0, 5])
        for row in rows {
            let theory = BERTheory.bpskRayleigh(ebNoDecibels: row.ebNoDecibels)
            #expect(abs(row.ber - theory) / theory < 0.05, "Eb/N0 \(row.ebNoDecibels): \(row.ber) vs \(theory)")
        }
        #expect(abs(BERTheory.bpskRayleigh(ebNoDecibels: 0) - 0.5 * (1 - 0.5.squareRoot())) < 1e-12)
    }

    @Test func grayQPSKPerBitEqualsBPSK() {
        let row = simulate(.qpsk, .awgn, [1])[0]
        let theory = BERTheory.bpskAWGN(ebNoDecibels: 1)
        #expect(abs(row.ber - theory) / theory < 0.05)
        // Es/N0 = Eb/N0 + 10·log10(2) for uncoded QPSK.
        #expect(abs(row.snrDecibels - (1 + 10 * Double.log10(2))) < 1e-9)
    }

    @Test func earlyStoppingRuleIsRespected() {
        // Stopped by errors: one 100-bit frame per batch, so the count overshoots by < one frame.
        let byErrors = BERSimulation.run(
            BERSimulationConfiguration(
                modulation: .bpsk, code: .none, channel: .awgn, ebNoDecibels: [0], informationBitsPerFrame: 100,
                maximumBitCount: 1_000_000, targetBitErrors: 300, framesPerBatch: 1))[0]
        #expect(byErrors.bitErrors >= 300 && byErrors.bitErrors < 400)
        #expect(byErrors.bits < 1_000_000)
        // Stopped by the bit budget: at 9 dB BPSK (Pb ≈ 3.4e-5) 6000 bits see far fewer than 1000 errors.
        let byBits = BERSimulation.run(
            BERSimulationConfiguration(
                modulation: .bpsk, code: .none, channel: .awgn, ebNoDecibels: [9], informationBitsPerFrame: 1000,
                maximumBitCount: 5500, targetBitErrors: 1000, framesPerBatch: 4))[0]
        #expect(byBits.bits == 6000)  // ⌈5500 / 1000⌉ whole frames
        #expect(byBits.frames == 6)
        #expect(byBits.bitErrors < 1000)
        // Sionna's early stop: the sweep ends after the first error-free point.
        let stopped = BERSimulation.run(
            BERSimulationConfiguration(
                modulation: .bpsk, code: .convolutionalK7, channel: .awgn, ebNoDecibels: [0, 8, 9, 10],
                informationBitsPerFrame: 200, maximumBitCount: 2000, targetBitErrors: 100,
                stopAfterErrorFreePoint: true))
        #expect(stopped.count == 2)
        #expect(stopped.last?.bitErrors == 0)
    }

    @Test func rowsAreConsistentAndDeterministic() throws {
        let configuration = BERSimulationConfiguration(
            modulation: .qam16, code: .hamming74, channel: .rayleighBlock, ebNoDecibels: [2, 6],
            informationBitsPerFrame: 400, maximumBitCount: 20_000, targetBitErrors: 500, framesPerBatch: 5, seed: 9)
        let rows = BERSimulation.run(configuration)
        #expect(rows == BERSimulation.run(configuration))
        for row in rows {
            #expect(row.ber == Double(row.bitErrors) / Double(row.bits))
            #expect(row.bits == row.frames * 400)
            #expect(row.frameErrors <= row.frames && row.frameErrors <= row.bitErrors)
            #expect(row.modulation == .qam16 && row.code == .hamming74 && row.channel == .rayleighBlock)
            // 400 bits → 700 coded → 175 16-QAM symbols: rate 400/700.
            let expected = row.ebNoDecibels + 10 * Double.log10(400.0 / 700.0 * 4)
            #expect(abs(row.snrDecibels - expected) < 1e-9)
        }
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(rows[0])) as? [String: Any]
        #expect(
            Set(json?.keys.map { $0 } ?? [])
                == [
                    "modulation", "code", "channel", "ebn0_db", "snr_db", "bits", "bit_errors", "ber", "frames",
                    "frame_errors",
                ])
        #expect(json?["modulation"] as? String == "16qam")
        #expect(json?["code"] as? String == "hamming74")
        let decoded = try JSONDecoder().decode([BERRow].self, from: JSONEncoder().encode(rows))
        #expect(decoded == rows)
    }

    @Test func codingHelpsAtModerateSNR() {
        let uncoded = simulate(.qpsk, .awgn, [4], code: .none, targetBitErrors: 200, maximumBitCount: 60_000)[0]
        let coded = simulate(.qpsk, .awgn, [4], code: .convolutionalK7, targetBitErrors: 200, maximumBitCount: 60_000)[
            0]
        #expect(uncoded.ber > 5e-3)
        #expect(coded.ber < uncoded.ber / 10)
    }

    @Test func ebNoListParser() throws {
        #expect(try BERSimulation.parseEbNoList("0:1:10") == (0...10).map(Double.init))
        #expect(try BERSimulation.parseEbNoList(" 0 : 0.1 : 0.3 ") == [0, 0.1, 0.2, 0.3])
        #expect(try BERSimulation.parseEbNoList("10:-2.5:0") == [10, 7.5, 5, 2.5, 0])
        #expect(try BERSimulation.parseEbNoList("0:2:5") == [0, 2, 4])
        #expect(try BERSimulation.parseEbNoList("3:1:3") == [3])
        #expect(try BERSimulation.parseEbNoList("0,2.5,-1") == [0, 2.5, -1])
        #expect(try BERSimulation.parseEbNoList("7") == [7])
        for bad in [
            "", "  ", "a", "0:1", "0:1:2:3", "0:0:10", "10:1:0", "0:-1:5", "1,,2", "1,", "nan", "0:1:inf",
            "0:1e-9:10", "1;2", "0..10",
        ] {
            #expect(throws: RawTransmissionError.self, "\(bad)") { try BERSimulation.parseEbNoList(bad) }
        }
        do {
            _ = try BERSimulation.parseEbNoList("0:x:4")
        } catch let error as RawTransmissionError {
            #expect(error.code == .invalidSyntax)
            #expect(error.message.contains("step 'x'"))
        }
        #expect(try BERChannel(parsing: "Rayleigh") == .rayleigh)
        #expect(throws: RawTransmissionError.self) { try BERChannel(parsing: "rician") }
    }

    @Test(.enabled(if: slowTestsEnabled)) func slowSixteenQAMAndConvolutionalFigures() {
        // 16-QAM vs the Gray nearest-neighbour approximation where it is tight (BER ≤ 1e-2).
        for row in simulate(.qam16, .awgn, [8, 10], maximumBitCount: 10_000_000) {
            let theory = BERTheory.grayQAMAWGN(.qam16, ebNoDecibels: row.ebNoDecibels)
            #expect(abs(row.ber - theory) / theory < 0.05, "16-QAM Eb/N0 \(row.ebNoDecibels): \(row.ber) vs \(theory)")
        }
        // K = 7 rate 1/2 at Eb/N0 = 4 dB over 1e6 information bits: BER well below 1e-4.
        let conv = simulate(
            .bpsk, .awgn, [4], code: .convolutionalK7, targetBitErrors: Int.max, maximumBitCount: 1_000_000)[0]
        #expect(conv.bits >= 1_000_000)
        #expect(conv.ber < 1e-4)
    }
}
