import Channels
import Testing
import TensorCore

private func randomBits(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = Xoshiro256(seed: seed)
    return (0..<count).map { _ in UInt8(rng.next() & 1) }
}

/// Noiseless BPSK LLRs (positive favours 0) of coded bits.
private func perfectLLRs(_ bits: [UInt8]) -> [Float] {
    bits.map { $0 == 0 ? 1 : -1 }
}

@Suite struct ConvolutionalCodeTests {
    /// Impulse response: the single input bit 1 followed by the 6-bit zero tail reads the
    /// generator taps MSB first: A = 133₈ = 1011011, B = 171₈ = 1111001, interleaved A_t B_t.
    @Test func impulseResponseIsTheGenerators() throws {
        let expected: [UInt8] = [1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1]
        #expect(ConvolutionalCode.encodeMother([1]) == expected)
        #expect(try ConvolutionalCode(rate: .oneHalf).encode([1]) == expected)
        // Rate 2/3 keeps A_t B_t for even t, A_t for odd t.
        #expect(try ConvolutionalCode(rate: .twoThirds).encode([1]) == [1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1])
        // Rate 3/4 keeps A_t B_t (t ≡ 0), A_t (t ≡ 1), B_t (t ≡ 2 mod 3).
        #expect(try ConvolutionalCode(rate: .threeQuarters).encode([1]) == [1, 1, 0, 1, 1, 1, 0, 0, 1, 1])
    }

    /// Input 1011 by superposition of impulse responses shifted by 0, 2 and 3 (XOR), by hand:
    /// t:   0  1  2  3  4  5  6  7  8  9
    /// s0: 11 01 11 11 00 10 11
    /// s2:       11 01 11 11 00 10 11
    /// s3:          11 01 11 11 00 10 11
    /// =   11 01 00 01 10 10 00 10 01 11
    @Test func knownOutputForShortInput() throws {
        let expected: [UInt8] = [1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1]
        #expect(ConvolutionalCode.encodeMother([1, 0, 1, 1]) == expected)
        // The code is linear: encoding the XOR of messages gives the XOR of code words.
        let a = randomBits(50, seed: 1), b = randomBits(50, seed: 2)
        let sum = zip(a, b).map { $0 ^ $1 }
        let codedSum = zip(ConvolutionalCode.encodeMother(a), ConvolutionalCode.encodeMother(b)).map { $0 ^ $1 }
        #expect(ConvolutionalCode.encodeMother(sum) == codedSum)
    }

    @Test(arguments: ConvolutionalCode.Rate.allCases)
    func noiselessRoundTrip(rate: ConvolutionalCode.Rate) throws {
        let code = ConvolutionalCode(rate: rate)
        for length in [0, 1, 2, 5, 17, 1000] {
            let message = randomBits(length, seed: UInt64(length) + 100)
            let coded = try code.encode(message)
            #expect(coded.count == code.encodedLength(informationBitCount: length))
            #expect(try code.decode(perfectLLRs(coded), informationBitCount: length) == message)
        }
        #expect(code.encodedLength(informationBitCount: 1200) == Int((Double(2 * 1206) * 0.5 / rate.value).rounded()))
    }

    @Test func puncturingAndDepuncturing() throws {
        let code = ConvolutionalCode(rate: .threeQuarters)
        let mother = (0..<24).map { Float($0 + 1) }  // k = 6 → 2(6 + 6) = 24 mother positions
        let punctured = code.puncture(mother)
        #expect(punctured == [1, 2, 3, 6, 7, 8, 9, 12, 13, 14, 15, 18, 19, 20, 21, 24])
        let restored = try code.depuncture(punctured, informationBitCount: 6)
        #expect(restored == [1, 2, 3, 0, 0, 6, 7, 8, 9, 0, 0, 12, 13, 14, 15, 0, 0, 18, 19, 20, 21, 0, 0, 24])
        let twoThirds = ConvolutionalCode(rate: .twoThirds)
        #expect(twoThirds.puncture(mother) == mother.enumerated().filter { $0.offset % 4 != 3 }.map(\.element))
    }

    @Test(arguments: ConvolutionalCode.Rate.allCases)
    func correctsSparseErrors(rate: ConvolutionalCode.Rate) throws {
        let code = ConvolutionalCode(rate: rate)
        let message = randomBits(3000, seed: 7)
        let coded = try code.encode(message)
        var llrs = perfectLLRs(coded)
        // Flip one coded bit in every 40 (hard-decision errors at full confidence).
        var flipped = 0
        for i in stride(from: 13, to: llrs.count, by: 40) {
            llrs[i] = -llrs[i]
            flipped += 1
        }
        #expect(flipped >= 100)
        let uncodedErrors = zip(llrs.map { $0 < 0 ? UInt8(1) : 0 }, coded).filter { $0 != $1 }.count
        #expect(uncodedErrors == flipped)
        #expect(try code.decode(llrs, informationBitCount: message.count) == message)
    }

    @Test func erasuresAreTolerated() throws {
        // Erase (LLR 0) every 5th coded bit of the rate-1/2 code on top of its own redundancy.
        let code = ConvolutionalCode()
        let message = randomBits(2000, seed: 9)
        var llrs = perfectLLRs(try code.encode(message))
        for i in stride(from: 0, to: llrs.count, by: 5) { llrs[i] = 0 }
        #expect(try code.decode(llrs, informationBitCount: message.count) == message)
        // Infinite LLRs are clamped, not propagated as NaN.
        let infinite = perfectLLRs(try code.encode(message)).map { $0 * Float.infinity }
        #expect(try code.decode(infinite, informationBitCount: message.count) == message)
    }

    @Test func wrongLengthThrows() throws {
        for rate in ConvolutionalCode.Rate.allCases {
            let code = ConvolutionalCode(rate: rate)
            let expected = code.encodedLength(informationBitCount: 100)
            for actual in [expected - 1, expected + 1, 0] {
                do {
                    _ = try code.decode([Float](repeating: 1, count: actual), informationBitCount: 100)
                    Issue.record("rate \(rate) decoded \(actual) LLRs for 100 bits")
                } catch let error as ChannelsError {
                    #expect(error.code == .invalidLength)
                    #expect(error.message.contains("\(expected)") && error.message.contains("\(actual)"))
                }
            }
        }
        #expect { try ConvolutionalCode().decode([Float](repeating: .nan, count: 212), informationBitCount: 100) } throws: {
            ($0 as? ChannelsError)?.code == .nonFiniteInput
        }
    }

    @Test func channelCodeParsingAndDispatch() throws {
        let spellings = ["none", "hamming74", "conv-k7", "conv-k7-2/3", "conv-k7-3/4"]
        let codes = try spellings.map { try ChannelCode(parsing: $0) }
        #expect(codes == ChannelCode.allCases)
        #expect(codes.map(\.description) == spellings)
        #expect(try ChannelCode(parsing: "CONV-K7-1/2") == .convolutionalK7)
        #expect(codes.map(\.rate) == [1, 4.0 / 7.0, 0.5, 2.0 / 3.0, 0.75])
        #expect { try ChannelCode(parsing: "turbo") } throws: { ($0 as? ChannelsError)?.code == .invalidParameter }
        let message = randomBits(333, seed: 3)
        for code in codes {
            let coded = try code.encode(message)
            #expect(coded.count == code.encodedLength(informationBitCount: message.count))
            #expect(try code.decode(perfectLLRs(coded), informationBitCount: message.count) == message)
            let expected = coded.count
            #expect { try code.decode([Float](repeating: 1, count: expected + 1), informationBitCount: 333) } throws: {
                let error = $0 as? ChannelsError
                return error?.code == .invalidLength && error!.message.contains("\(expected)")
                    && error!.message.contains("\(expected + 1)")
            }
        }
    }
}
