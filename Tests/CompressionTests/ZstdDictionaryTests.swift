import Compression
import Testing

@Suite struct ZstdDictionaryTests {
    static let trainingRecords = TestData.records(count: 2000, seed: 1)

    static func trained(seed: UInt64 = 1, capacity: Int = 8192) throws -> ZstdDictionary {
        try Zstd.trainDictionary(samples: TestData.records(count: 2000, seed: seed), capacity: capacity)
    }

    @Test func trainedDictionaryImprovesSmallMessages() throws {
        let dictionary = try Self.trained()
        #expect(dictionary.id != nil)
        #expect(dictionary.bytes.count <= 8192)
        let messages = TestData.records(count: 50, seed: 77)
        var plainTotal = 0
        var dictionaryTotal = 0
        for message in messages {
            let plain = try Zstd.compress(message)
            let packed = try Zstd.compress(message, dictionary: dictionary)
            plainTotal += plain.count
            dictionaryTotal += packed.count
            #expect(try Zstd.decompress(packed, maximumOutputSize: message.count, dictionary: dictionary) == message)
        }
        #expect(dictionaryTotal * 2 < plainTotal, "dictionary \(dictionaryTotal) B vs plain \(plainTotal) B")
    }

    @Test(arguments: [false, true])
    func dictionaryRoundTripOneShotAndStreaming(raw: Bool) throws {
        let dictionary = try raw ? ZstdDictionary(Self.trainingRecords.prefix(40).flatMap { $0 }) : Self.trained()
        #expect(dictionary.isRawContent == raw)
        for size in [0, 1, 300, 100_000] {
            let data = TestData.records(count: 1 + size / 150, seed: 5).flatMap { $0 }.prefix(size)
            let packed = try Zstd.compress(data, level: 7, dictionary: dictionary)
            #expect(try Zstd.decompress(packed, maximumOutputSize: size, dictionary: dictionary) == Array(data))

            var compressor = try ZstdCompressor(level: 7, dictionary: dictionary)
            var frame = [UInt8]()
            for start in stride(from: 0, to: data.count, by: 999) {
                frame += try compressor.compress(
                    data[(data.startIndex + start)..<min(data.startIndex + start + 999, data.endIndex)])
            }
            frame += try compressor.finish()
            var decompressor = try ZstdDecompressor(maximumOutputSize: size, dictionary: dictionary)
            var output = [UInt8]()
            for start in stride(from: 0, to: frame.count, by: 64) {
                output += try decompressor.decompress(frame[start..<min(start + 64, frame.count)])
            }
            try decompressor.finish()
            #expect(output == Array(data))
        }
    }

    @Test func trainedDictionaryMismatchIsDetectedByID() throws {
        let a = try Self.trained(seed: 1)
        let b = try Self.trained(seed: 2)
        #expect(a.id != b.id)
        let message = TestData.records(count: 3, seed: 9).flatMap { $0 }
        let packed = try Zstd.compress(message, dictionary: a)

        let wrong = try #require(throws: CompressionError.self) {
            try Zstd.decompress(packed, maximumOutputSize: 10_000, dictionary: b)
        }
        #expect(wrong.code == .dictionaryMismatch)
        #expect(wrong.offset == 0)
        let missing = try #require(throws: CompressionError.self) {
            try Zstd.decompress(packed, maximumOutputSize: 10_000)
        }
        #expect(missing.code == .dictionaryMismatch)

        // The streaming decoder relies on libzstd's own Dictionary_ID check.
        var decompressor = try ZstdDecompressor(dictionary: b)
        let streamed = try #require(throws: CompressionError.self) { _ = try decompressor.decompress(packed) }
        #expect(streamed.code == .dictionaryMismatch)
    }

    @Test func rawDictionaryMismatchIsDetectedByChecksum() throws {
        let content = Self.trainingRecords.prefix(60).flatMap { $0 }
        let right = try ZstdDictionary(content)
        let wrong = try ZstdDictionary(content.map { $0 ^ 0x20 })
        let message = Array(content[1000..<3000])  // entirely present in the dictionary
        let packed = try Zstd.compress(message, dictionary: right)
        #expect(packed.count < 100, "the frame should be mostly references into the dictionary")
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(packed, maximumOutputSize: 10_000, dictionary: wrong)
        }
        #expect(error.code == .dictionaryMismatch)
        let none = try #require(throws: CompressionError.self) {
            try Zstd.decompress(packed, maximumOutputSize: 10_000)
        }
        #expect(none.code == .corruptInput)
    }

    @Test func badDictionaryBytesThrow() throws {
        let empty = try #require(throws: CompressionError.self) { try ZstdDictionary([]) }
        #expect(empty.code == .invalidParameter)
        // The dictionary magic number 0xEC30A437 followed by garbage.
        let forged: [UInt8] = [0x37, 0xA4, 0x30, 0xEC, 1, 2, 3, 4] + TestData.random(count: 200, seed: 3)
        let corrupt = try #require(throws: CompressionError.self) { try ZstdDictionary(forged) }
        #expect(corrupt.code == .corruptDictionary)
    }

    @Test func trainingOnTooLittleDataFails() throws {
        let error = try #require(throws: CompressionError.self) {
            try Zstd.trainDictionary(samples: [[1, 2, 3], [4, 5, 6]], capacity: 4096)
        }
        #expect(error.code == .dictionaryTrainingFailed)
    }
}
