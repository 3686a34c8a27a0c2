import Compression
import Testing

/// Test vector produced outside this module, so the frame format is checked against the reference
/// implementation, not only against itself.
@Suite struct ZstdInteropTests {
    /// `printf 'SemCom zstd interoperability vector: heart_rate_bpm=72, spo2_percent=98.\n' > v.txt`
    /// then `zstd -19 --check v.txt -o v.zst` (Zstandard CLI v1.5.4), dumped with `xxd -i v.zst`.
    static let referenceFrame: [UInt8] = [
        0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x49, 0x1d, 0x02, 0x00, 0x92, 0xc4, 0x0f,
        0x11, 0x90, 0x7d, 0x00, 0x17, 0x0f, 0x37, 0x75, 0xc7, 0xd3, 0xef, 0x10,
        0x18, 0x09, 0x23, 0x87, 0x4f, 0x09, 0x60, 0x98, 0x93, 0x74, 0xfd, 0x87,
        0xff, 0x32, 0x62, 0x6f, 0x0e, 0x82, 0x94, 0x44, 0xaf, 0x63, 0xaf, 0x1b,
        0x66, 0x1a, 0xb7, 0x8f, 0x01, 0x61, 0xab, 0xdf, 0xef, 0xc0, 0xb5, 0x9c,
        0xd2, 0x35, 0xfc, 0xd7, 0xe2, 0xd7, 0x55, 0x06, 0xa8, 0x73, 0x0f, 0xd4,
        0x2a, 0xfa, 0x2b, 0x00, 0xeb, 0x89, 0xf3, 0x87,
    ]
    static let referenceText = "SemCom zstd interoperability vector: heart_rate_bpm=72, spo2_percent=98.\n"

    @Test func decodesTheReferenceCLIFrame() throws {
        #expect(try Zstd.declaredContentSize(of: Self.referenceFrame) == 73)
        let decoded = try Zstd.decompress(Self.referenceFrame, maximumOutputSize: 73)
        #expect(String(decoding: decoded, as: UTF8.self) == Self.referenceText)
        let error = try #require(throws: CompressionError.self) {
            try Zstd.decompress(Self.referenceFrame, maximumOutputSize: 72)
        }
        #expect(error.code == .outputTooLarge)
    }

    @Test func headerFieldsFollowRFC8878() throws {
        // Magic number 0xFD2FB528 little-endian; descriptor: FCS_flag 0, single segment, checksum.
        let frame = try Zstd.compress(Array(Self.referenceText.utf8), level: 19)
        #expect(Array(frame.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(frame[4] & 0x20 != 0, "Single_Segment_flag: content size known")
        #expect(frame[4] & 0x04 != 0, "Content_Checksum_flag")
        #expect(frame[4] & 0x08 == 0, "reserved bit")
        #expect(frame[5] == 73, "Frame_Content_Size (1 byte for a single-segment frame < 256 bytes)")
    }
}
