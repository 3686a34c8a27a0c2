import Compression
import Testing

@Suite struct ZstdStreamingTests {
    /// Splits `bytes` into chunks of `size` (the last one shorter).
    static func chunks(_ bytes: [UInt8], size: Int) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
    }

    @Test(arguments: [(1, 20_000), (7, 50_000), (4096, 300_000), (65_536, 1 << 20), (1 << 20, 300_000)])
    func streamingRoundTrip(chunkSize: Int, total: Int) throws {
        let data = TestData.text(count: total, seed: UInt64(chunkSize))
        var compressor = try ZstdCompressor(level: 3)
        var frame = [UInt8]()
        for chunk in Self.chunks(data, size: chunkSize) { frame += try compressor.compress(chunk) }
        frame += try compressor.finish()
        let (bytesIn, bytesOut) = (compressor.inputByteCount, compressor.outputByteCount)
        #expect(bytesIn == total)
        #expect(bytesOut == frame.count)
        // A streamed frame does not declare its size; one-shot decoding streams it under the bound.
        #expect(try Zstd.declaredContentSize(of: frame) == nil)
        #expect(try Zstd.decompress(frame, maximumOutputSize: total) == data)
        #expect(throws: CompressionError.self) { try Zstd.decompress(frame, maximumOutputSize: total - 1) }

        // Decode with a different chunking of the compressed bytes.
        var decompressor = try ZstdDecompressor(maximumOutputSize: total)
        var output = [UInt8]()
        for chunk in Self.chunks(frame, size: max(1, chunkSize / 3)) { output += try decompressor.decompress(chunk) }
        try decompressor.finish()
        #expect(output == data)
        let (atBoundary, consumed) = (decompressor.isAtFrameBoundary, decompressor.inputByteCount)
        #expect(atBoundary)
        #expect(consumed == frame.count)
    }

    @Test func pledgedSizeIsRecordedAndEnforced() throws {
        let data = TestData.text(count: 10_000, seed: 4)
        var compressor = try ZstdCompressor()
        try compressor.pledgeContentSize(data.count)
        var frame = try compressor.compress(data)
        frame += try compressor.finish()
        #expect(try Zstd.declaredContentSize(of: frame) == data.count)
        #expect(try Zstd.decompress(frame, maximumOutputSize: data.count) == data)

        try compressor.pledgeContentSize(data.count + 1)
        _ = try compressor.compress(data)
        let error = try #require(throws: CompressionError.self) { _ = try compressor.finish() }
        #expect(error.code == .invalidParameter)
        // The compressor recovers: the next frame is fine.
        let next = try compressor.compress(data) + compressor.finish()
        #expect(try Zstd.decompress(next, maximumOutputSize: data.count) == data)
    }

    @Test func flushMakesEverythingSentSoFarDecodable() throws {
        let first = TestData.text(count: 5000, seed: 10)
        let second = TestData.text(count: 5000, seed: 11)
        var compressor = try ZstdCompressor()
        var decompressor = try ZstdDecompressor()
        let part1 = try compressor.compress(first) + compressor.flush()
        let decoded1 = try decompressor.decompress(part1)
        #expect(decoded1 == first)
        let midFrame = !decompressor.isAtFrameBoundary
        #expect(midFrame)
        let part2 = try compressor.compress(second) + compressor.finish()
        let decoded2 = try decompressor.decompress(part2)
        #expect(decoded2 == second)
        try decompressor.finish()
    }

    @Test func memoryPerCallIsBoundedForHighlyCompressibleInput() throws {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        var compressor = try ZstdCompressor(level: 1)
        var frame = [UInt8]()
        for chunk in Self.chunks(zeros, size: 1 << 20) {
            try compressor.compress(chunk) { frame.append(contentsOf: $0) }
        }
        try compressor.finish { frame.append(contentsOf: $0) }
        #expect(frame.count < 1000)

        var decompressor = try ZstdDecompressor(maximumOutputSize: zeros.count)
        var largestPiece = 0
        var total = 0
        try decompressor.decompress(frame) { piece in
            largestPiece = max(largestPiece, piece.count)
            total += piece.count
            #expect(piece.allSatisfy { $0 == 0 })
        }
        try decompressor.finish()
        #expect(total == zeros.count)
        #expect(largestPiece <= 1 << 17, "pieces are at most ZSTD_DStreamOutSize() bytes")
    }

    @Test func decompressionBombStopsAtTheBound() throws {
        var compressor = try ZstdCompressor(level: 1)
        let bomb = try compressor.compress([UInt8](repeating: 7, count: 8 << 20)) + compressor.finish()
        var decompressor = try ZstdDecompressor(maximumOutputSize: 1000)
        var emitted = 0
        let error = try #require(throws: CompressionError.self) {
            try decompressor.decompress(bomb) { emitted += $0.count }
        }
        #expect(error.code == .outputTooLarge)
        #expect(emitted <= 1000)
        #expect(error.offset != nil)
        // The failure is sticky.
        #expect(throws: CompressionError.self) { try decompressor.finish() }
    }

    @Test func emptyStreamIsTruncated() throws {
        let decompressor = try ZstdDecompressor()
        let error = try #require(throws: CompressionError.self) { try decompressor.finish() }
        #expect(error.code == .truncatedInput)
    }
}
