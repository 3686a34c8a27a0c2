import Channels
import Testing

@Suite struct HammingTests {
    private func bits(_ value: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8((value >> (count - 1 - $0)) & 1) }
    }

    @Test func codewordsAreSystematicWithDistanceThree() throws {
        var words: [[UInt8]] = []
        for data in 0..<16 {
            let word = try Hamming74.encode(bits(data, count: 4))
            #expect(word.count == 7)
            #expect(Array(word[0..<4]) == bits(data, count: 4))
            let d = word.map(Int.init)
            #expect(word[4] == UInt8((d[0] + d[1] + d[3]) % 2))
            #expect(word[5] == UInt8((d[0] + d[2] + d[3]) % 2))
            #expect(word[6] == UInt8((d[1] + d[2] + d[3]) % 2))
            words.append(word)
        }
        var minimum = 7
        for a in 0..<16 {
            for b in (a + 1)..<16 { minimum = min(minimum, zip(words[a], words[b]).filter { $0 != $1 }.count) }
        }
        #expect(minimum == 3)
        #expect(try Hamming74.encode([1, 0, 1, 1]) == [1, 0, 1, 1, 0, 1, 0])  // p0 = 1⊕0⊕1, p1 = 1⊕1⊕1, p2 = 0⊕1⊕1
    }

    @Test func correctsEverySingleBitError() throws {
        for data in 0..<16 {
            let message = bits(data, count: 4)
            let word = try Hamming74.encode(message)
            #expect(try Hamming74.decodeHard(word, informationBitCount: 4) == message)
            for position in 0..<7 {
                var received = word
                received[position] ^= 1
                #expect(try Hamming74.decodeHard(received, informationBitCount: 4) == message)
                // Soft ML with unit-magnitude LLRs (positive = 0) also corrects it.
                let llrs = received.map { Float($0 == 0 ? 1 : -1) }
                #expect(try Hamming74.decode(llrs, informationBitCount: 4) == message)
            }
        }
    }

    @Test func softDecodingUsesReliabilities() throws {
        // Codeword 0000000 sent; bits 0 and 1 received wrong but unreliable, the rest reliable.
        // Hard decoding miscorrects (two errors), soft ML finds the all-zero word.
        let llrs: [Float] = [-0.2, -0.2, 3, 3, 3, 3, 3]
        #expect(try Hamming74.decode(llrs, informationBitCount: 4) == [0, 0, 0, 0])
        #expect(try Hamming74.decodeHard([1, 1, 0, 0, 0, 0, 0], informationBitCount: 4) != [0, 0, 0, 0])
    }

    @Test func paddingAndLengths() throws {
        let message: [UInt8] = [1, 0, 1, 1, 0, 1]
        let coded = try Hamming74.encode(message)
        #expect(coded.count == 14 && Hamming74.encodedLength(informationBitCount: 6) == 14)
        #expect(try Hamming74.decodeHard(coded, informationBitCount: 6) == message)
        #expect(try ChannelCode.hamming74.decode(coded.map { $0 == 0 ? 1 : -1 }, informationBitCount: 6) == message)
        #expect { try Hamming74.decodeHard(Array(coded.dropLast()), informationBitCount: 6) } throws: {
            let error = $0 as? ChannelsError
            return error?.code == .invalidLength && error!.message.contains("13") && error!.message.contains("14")
        }
        #expect { try Hamming74.decode([Float](repeating: 1, count: 15), informationBitCount: 6) } throws: {
            ($0 as? ChannelsError)?.code == .invalidLength
        }
        #expect { try Hamming74.encode([0, 3]) } throws: { ($0 as? ChannelsError)?.code == .nonBinaryInput }
    }
}
