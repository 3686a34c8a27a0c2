import Compression
import Foundation
import Testing

@Suite struct ZstdRoundTripTests {
    static let sizes = [0, 1, 2, 100, 4096, 100_000, 1 << 20]
    static let levels = [-5, 1, 3, 12]

    @Test(arguments: sizes, levels)
    func oneShotRoundTrip(size: Int, level: Int) throws {
        let data = TestData.text(count: size, seed: UInt64(size))
        let packed = try Zstd.compress(data, level: level)
        #expect(packed.count <= Zstd.maximumCompressedSize(forInputCount: size))
        #expect(try Zstd.declaredContentSize(of: packed) == size)
        let unpacked = try Zstd.decompress(packed, maximumOutputSize: size)
        #expect(unpacked == data)
        if size >= 4096 { #expect(packed.count < size / 2, "text-like data should compress at least 2×") }
    }

    @Test(arguments: [0, 1, 1000, 1 << 20])
    func incompressibleRoundTrip(size: Int) throws {
        let data = TestData.random(count: size, seed: 99)
        let packed = try Zstd.compress(data, level: 19)
        #expect(try Zstd.decompress(packed, maximumOutputSize: size) == data)
    }

    @Test func highestLevelRoundTrip() throws {
        let data = TestData.text(count: 50_000, seed: 5)
        let packed = try Zstd.compress(data, level: Zstd.levels.upperBound)
        #expect(try Zstd.decompress(packed, maximumOutputSize: data.count) == data)
        #expect(Zstd.levels.upperBound == 22)
        #expect(Zstd.defaultLevel == 3)
    }

    @Test func acceptsFoundationDataAndSlices() throws {
        let bytes = TestData.text(count: 10_000, seed: 3)
        let packed = try Zstd.compress(Data(bytes))
        #expect(try Zstd.decompress(Data(packed), maximumOutputSize: bytes.count) == bytes)
        let slice = bytes[100..<9_000]
        let packedSlice = try Zstd.compress(slice)
        #expect(try Zstd.decompress(packedSlice[...], maximumOutputSize: slice.count) == Array(slice))
    }

    @Test func withoutChecksumStillRoundTrips() throws {
        let data = TestData.text(count: 20_000, seed: 8)
        let withSum = try Zstd.compress(data, checksum: true)
        let withoutSum = try Zstd.compress(data, checksum: false)
        #expect(withSum.count == withoutSum.count + 4)
        #expect(try Zstd.decompress(withoutSum, maximumOutputSize: data.count) == data)
    }

    @Test func concatenatedFramesAndSkippableFrames() throws {
        let a = TestData.text(count: 3000, seed: 1)
        let b = TestData.text(count: 5000, seed: 2)
        // A skippable frame (RFC 8878 §3.1.2): magic 0x184D2A53, 4-byte little-endian size, payload.
        let skippable: [UInt8] = [0x53, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 0xAA, 0xBB, 0xCC]
        let stream = try Zstd.compress(a) + skippable + Zstd.compress(b)
        #expect(try Zstd.decompress(stream, maximumOutputSize: 8000) == a + b)
        #expect(try Zstd.decompress(skippable, maximumOutputSize: 0) == [])
        #expect(throws: CompressionError.self) { try Zstd.decompress(stream, maximumOutputSize: 7999) }
    }

    @Test func reusedCompressorMakesIndependentFrames() throws {
        var compressor = try ZstdCompressor(level: 5)
        for seed in 0..<5 as Range<UInt64> {
            let data = TestData.text(count: 1000 + Int(seed) * 300, seed: seed)
            let frame = try compressor.compressFrame(data)
            #expect(try Zstd.decompress(frame, maximumOutputSize: data.count) == data)
        }
        let frames = compressor.frameCount
        #expect(frames == 5)
    }
}
