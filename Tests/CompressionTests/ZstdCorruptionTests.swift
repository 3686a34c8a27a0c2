import Compression
import Testing

@Suite struct ZstdCorruptionTests {
    static let original = TestData.text(count: 3000, seed: 42)

    @Test func emptyInputIsTruncated() throws {
        let error = try #require(throws: CompressionError.self) { try Zstd.decompress([], maximumOutputSize: 100) }
        #expect(error.code == .truncatedInput)
        #expect(error.offset == 0)
    }

    @Test func everyStrictPrefixIsTruncated() throws {
        let frame = try Zstd.compress(Self.original, level: 3)
        for length in 0..<frame.count {
            let error = try #require(throws: CompressionError.self) {
                try Zstd.decompress(frame[0..<length], maximumOutputSize: Self.original.count)
            }
            #expect(error.code == .truncatedInput, "prefix of \(length) of \(frame.count) bytes: \(error)")
        }
    }

    @Test func truncatedStreamIsDetectedByFinish() throws {
        var compressor = try ZstdCompressor()
        let frame = try compressor.compress(Self.original) + compressor.finish()
        for length in [1, 4, 10, frame.count / 2, frame.count - 1] {
            var decompressor = try ZstdDecompressor(maximumOutputSize: Self.original.count)
            do {
                _ = try decompressor.decompress(frame[0..<length])
                let error = try #require(throws: CompressionError.self) { try decompressor.finish() }
                #expect(error.code == .truncatedInput)
                #expect(error.offset == length)
            } catch let error as CompressionError {
                Issue.record("a prefix must not be reported as corrupt before the end: \(error)")
            }
        }
    }

    @Test func badMagicNumberNamesOffset() throws {
        var frame = try Zstd.compress(Self.original)
        frame[0] ^= 0xFF
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(frame, maximumOutputSize: 10_000)
        }
        #expect(error.code == .corruptInput)
        #expect(error.offset == 0)
        #expect(error.message.contains("0xFD2FB528"))

        // Trailing garbage after a valid frame: the second "frame" is at the first frame's end.
        let good = try Zstd.compress(Self.original)
        let trailing = try #require(throws: CompressionError.self) {
            try Zstd.decompress(good + [1, 2, 3, 4, 5], maximumOutputSize: 10_000)
        }
        #expect(trailing.code == .corruptInput)
        #expect(trailing.offset == good.count)
    }

    @Test func reservedBitIsRejected() throws {
        var frame = try Zstd.compress(Self.original)
        frame[4] |= 0x08
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(frame, maximumOutputSize: 10_000)
        }
        #expect(error.code == .corruptInput)
        #expect(error.offset == 4)
    }

    @Test func checksumCatchesPayloadCorruption() throws {
        var frame = try Zstd.compress(Self.original)
        frame[frame.count - 2] ^= 0x01  // inside the 4-byte content checksum
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(frame, maximumOutputSize: 10_000)
        }
        #expect(error.code == .corruptInput)
    }

    /// Every single-bit flip either throws or (rarely, for a bit the decoder does not use)
    /// reproduces the original; it never traps and never returns different bytes.
    @Test(arguments: [0x01, 0x10, 0x80] as [UInt8])
    func singleBitFlipsNeverCrashOrLie(mask: UInt8) throws {
        let frame = try Zstd.compress(Self.original, level: 5)
        var thrown = 0
        for position in 0..<frame.count {
            var corrupted = frame
            corrupted[position] ^= mask
            do {
                let output = try Zstd.decompress(corrupted, maximumOutputSize: 1 << 20)
                #expect(output == Self.original, "flip at \(position) returned different bytes")
            } catch is CompressionError {
                thrown += 1
            }
        }
        #expect(thrown * 100 >= frame.count * 95, "\(thrown) of \(frame.count) flips detected")
    }

    @Test func randomInputThrows() throws {
        var rng = TestGenerator(seed: 7)
        for trial in 0..<2000 {
            let count = Int(rng.next() % 300)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if trial % 2 == 1 && count >= 5 {
                // Valid magic number, random rest: exercises the block decoder.
                bytes.replaceSubrange(0..<4, with: [0x28, 0xB5, 0x2F, 0xFD])
            }
            do {
                let output = try Zstd.decompress(bytes, maximumOutputSize: 4096)
                #expect(output.count <= 4096)
            } catch is CompressionError {
            }
            var decompressor = try ZstdDecompressor(maximumOutputSize: 4096)
            do {
                _ = try decompressor.decompress(bytes)
                try decompressor.finish()
            } catch is CompressionError {
            }
        }
    }

    @Test func randomBytesWithoutMagicAlwaysThrow() throws {
        var rng = TestGenerator(seed: 8)
        for _ in 0..<500 {
            let bytes = (0..<(1 + Int(rng.next() % 100))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if bytes.count >= 4 && bytes[0..<4].elementsEqual([0x28, 0xB5, 0x2F, 0xFD]) { continue }
            #expect(throws: CompressionError.self) { try Zstd.decompress(bytes, maximumOutputSize: 4096) }
        }
    }
}

@Suite struct ZstdBoundTests {
    @Test func declaredSizeAboveBoundIsRefusedBeforeDecoding() throws {
        let data = TestData.text(count: 1 << 20, seed: 1)
        let packed = try Zstd.compress(data)
        #expect(try Zstd.decompress(packed, maximumOutputSize: data.count) == data)
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(packed, maximumOutputSize: data.count - 1)
        }
        #expect(error.code == .outputTooLarge)
        #expect(error.offset == 0)
        #expect(error.message.contains("\(data.count)"))
    }

    @Test func forgedHugeContentSizeIsRefused() throws {
        // Magic, descriptor (FCS_flag = 3 → 8-byte content size, single segment), content size 2^40,
        // then one empty raw last block (header 0x000001).
        var forged: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xE0]
        forged += withUnsafeBytes(of: (UInt64(1) << 40).littleEndian) { Array($0) }
        forged += [0x01, 0x00, 0x00]
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(forged, maximumOutputSize: 1 << 30)
        }
        #expect(error.code == .outputTooLarge)
        // With a large enough bound it is still rejected: 16 bytes cannot hold 2^40 bytes of content.
        let lie = try #require(throws: CompressionError.self) {
            try Zstd.decompress(forged, maximumOutputSize: Int.max)
        }
        #expect(lie.code == .corruptInput)
    }

    @Test func zeroBoundAcceptsOnlyEmptyContent() throws {
        #expect(try Zstd.decompress(Zstd.compress([UInt8]()), maximumOutputSize: 0) == [])
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(Zstd.compress([UInt8](repeating: 1, count: 1)), maximumOutputSize: 0)
        }
        #expect(error.code == .outputTooLarge)
    }

    @Test func errorDescriptionNamesCode() throws {
        let error = try #require(throws: CompressionError.self) { try Zstd.decompress([1, 2], maximumOutputSize: 1) }
        #expect(error.description.hasPrefix("CompressionError.truncatedInput: "))
    }

    @Test func outOfRangeLevelTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = try? Zstd.compress([1, 2, 3], level: 1000)
        }
    }
}
