import Foundation
import SemanticCodec
import TensorCore
import Testing

@Suite struct FrameTests {
    static let kb = KBFingerprint(bytes: [0x3F, 0xA1, 0xC2, 0x00, 0x17, 0x88, 0xFE, 0x42])
    static let otherKB = KBFingerprint(bytes: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])

    static func randomSymbols(count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var rng = Xoshiro256(seed: seed)
        return (0..<count).map { _ in scale * Float(rng.nextStandardGaussian()) }
    }

    static func stream(frames: Int, symbolCount: Int = 3, encoding: SymbolEncoding = .float32) -> [SemanticFrame] {
        (0..<frames).map { i in
            SemanticFrame(
                symbols: randomSymbols(count: 2 * symbolCount, seed: UInt64(i)), encoding: encoding, modality: .tabular,
                taskID: 7, knowledgeBase: kb, sequenceNumber: 1000 + UInt64(i))
        }
    }

    @Test(arguments: SymbolEncoding.allCases)
    func roundTripWithinEncodingErrorBound(encoding: SymbolEncoding) throws {
        let symbols = Self.randomSymbols(count: 64, seed: 3, scale: 1.7) + [0, -0, 1e-6, -3.25]
        let frame = SemanticFrame(
            symbols: symbols, encoding: encoding, modality: .vitals, taskID: 0xDEAD_BEEF, knowledgeBase: Self.kb,
            sequenceNumber: .max)
        let bytes = frame.serialized()
        #expect(bytes.count == 32 + encoding.payloadByteCount(symbolCount: 34) + 4)
        var reader = SemanticFrameReader(bytes: bytes)
        let decoded = try #require(try reader.next())
        #expect(try reader.next() == nil)
        #expect(decoded == frame)
        #expect(decoded.modality == .vitals && decoded.taskID == 0xDEAD_BEEF && decoded.sequenceNumber == .max)
        #expect(decoded.knowledgeBase == Self.kb && decoded.symbolCount == 34 && decoded.encoding == encoding)
        let bound = encoding.maximumError(for: symbols)
        var worst: Float = 0
        for (a, b) in zip(symbols, decoded.symbols) { worst = max(worst, abs(a - b)) }
        #expect(worst <= bound, "\(encoding): error \(worst) > bound \(bound)")
        switch encoding {
        case .float32:
            #expect(decoded.symbols == symbols)
        case .float16:
            // 2⁻¹¹ relative to the largest |x| ≈ 5 is about 2.4e-3.
            #expect(bound < 3e-3 && worst > 0)
        case .int8:
            let largest = symbols.map(abs).max()!
            #expect(abs(bound - largest / 254) < 1e-5 && worst > bound / 10)
        }
    }

    @Test func float16MatchesIEEEBinary16() {
        // Hand-checked bit patterns: 1 → 0x3C00, −2 → 0xC000, 65504 → 0x7BFF, 2⁻²⁴ → 0x0001,
        // 1/3 → 0x3555 (round to nearest), 1 + 2⁻¹¹ (halfway) → 0x3C00 (ties to even).
        let cases: [(Float, UInt16)] = [
            (1, 0x3C00), (-2, 0xC000), (65504, 0x7BFF), (0x1p-24, 0x0001), (1.0 / 3, 0x3555), (1 + 0x1p-11, 0x3C00),
            (1 + 3 * 0x1p-11, 0x3C02), (0x1p-14, 0x0400), (1e6, 0x7BFF), (0, 0),
        ]
        for (value, bits) in cases {
            let frame = SemanticFrame(
                symbols: [value, 0], encoding: .float16, modality: .text, taskID: 0, knowledgeBase: Self.kb,
                sequenceNumber: 0)
            #expect(UInt16(frame.payload[0]) | UInt16(frame.payload[1]) << 8 == bits, "\(value)")
        }
        #if !(os(macOS) && arch(x86_64))
            // Against the platform's Float16 (round to nearest even) on many random magnitudes.
            var rng = Xoshiro256(seed: 1)
            let values = (0..<4000).map { _ in
                Float(rng.nextStandardGaussian())
                    * Float(sign: .plus, exponent: Int(rng.next() % 40) - 26, significand: 1)
            }
            let frame = SemanticFrame(
                symbols: values, encoding: .float16, modality: .pose, taskID: 1, knowledgeBase: Self.kb,
                sequenceNumber: 0)
            let expected = values.map { Float(Float16(min(max($0, -65504), 65504))) }
            #expect(frame.symbols == expected)
        #endif
    }

    @Test func int8QuantizesSymmetricallyWithScale() throws {
        let symbols: [Float] = [1.27, -1.27, 0.005, 0.015, 0, 0.635]
        let frame = SemanticFrame(
            symbols: symbols, encoding: .int8, modality: .tabular, taskID: 1, knowledgeBase: Self.kb, sequenceNumber: 2)
        let scale = Float(
            bitPattern: UInt32(frame.payload[0]) | UInt32(frame.payload[1]) << 8 | UInt32(frame.payload[2]) << 16
                | UInt32(frame.payload[3]) << 24)
        #expect(abs(scale - 0.01) < 1e-8)
        #expect(frame.payload[4...].map { Int8(bitPattern: $0) } == [127, -127, 0, 2, 0, 64])
        // All-zero frame: scale 0, decodes to zeros.
        let zero = SemanticFrame(
            symbols: [0, 0, 0, 0], encoding: .int8, modality: .tabular, taskID: 1, knowledgeBase: Self.kb,
            sequenceNumber: 3)
        #expect(zero.symbols == [0, 0, 0, 0])
    }

    @Test func streamsManyFramesThroughAFile() throws {
        let frames = (0..<300).map { i in
            SemanticFrame(
                symbols: Self.randomSymbols(count: 2 * (1 + i % 5), seed: UInt64(i)),
                encoding: SymbolEncoding.allCases[i % 3], modality: Modality.allCases[i % 5], taskID: UInt32(i % 4),
                knowledgeBase: Self.kb, sequenceNumber: UInt64(i))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("semcodec-\(UUID().uuidString).semf")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let output = try FileHandle(forWritingTo: url)
        var writer = SemanticFrameWriter(fileHandle: output, file: url.path)
        for frame in frames { try writer.write(frame) }
        try output.close()
        #expect(writer.frameCount == 300)
        #expect(writer.offset == SemanticFrame.serialized(frames).count)

        let input = try FileHandle(forReadingFrom: url)
        defer { try? input.close() }
        // A small chunk size forces frames to straddle buffer refills.
        var reader = SemanticFrameReader(
            source: FileHandleByteSource(input, chunkSize: 37), file: url.path, expectedKnowledgeBase: Self.kb)
        var count = 0
        while let frame = try reader.next() {
            #expect(frame == frames[count])
            count += 1
        }
        #expect(count == 300)
        #expect(reader.offset == writer.offset)

        // In memory, through the writer's sink and `readAll`.
        var memory = SemanticFrameWriter()
        for frame in frames.prefix(10) { try memory.write(frame) }
        var again = SemanticFrameReader(bytes: memory.sink.bytes)
        #expect(try again.readAll() == Array(frames.prefix(10)))
    }

    @Test func truncationAtEveryLengthNamesTheOffset() throws {
        let frames = Self.stream(frames: 3, symbolCount: 2, encoding: .int8)
        let bytes = SemanticFrame.serialized(frames)
        let boundaries = frames.reduce(into: [0]) { $0.append($0.last! + $1.serializedByteCount) }
        for length in 0..<bytes.count {
            var reader = SemanticFrameReader(bytes: bytes[0..<length], file: "cut.semf")
            if boundaries.contains(length) {
                let read = try reader.readAll()
                #expect(read == Array(frames.prefix(boundaries.firstIndex(of: length)!)))
                continue
            }
            let frameIndex = boundaries.lastIndex { $0 < length }!
            let start = boundaries[frameIndex]
            do {
                _ = try reader.readAll()
                Issue.record("length \(length): no error")
            } catch let error as SemanticCodecError {
                #expect(error.code == .truncatedFrame)
                #expect(error.offset == start && error.frameIndex == frameIndex && error.file == "cut.semf")
                #expect(error.description.contains("offset \(start)"))
                #expect(error.message.contains("ends at offset \(length)"))
            }
        }
    }

    @Test func corruptedPayloadByteGivesChecksumErrorNamingTheFrame() throws {
        let frames = Self.stream(frames: 4)
        let bytes = SemanticFrame.serialized(frames)
        let size = frames[0].serializedByteCount
        for target in 0..<4 {
            // Every byte whose value does not change the frame's length or structure: task id,
            // KB fingerprint, sequence number, payload, checksum — and modality/reserved, which are
            // checked after the CRC.
            let fieldBytes = [5, 7] + Array(8..<28) + Array(32..<size)
            for field in fieldBytes {
                var corrupted = bytes
                corrupted[target * size + field] ^= 0x10
                var reader = SemanticFrameReader(bytes: corrupted, expectedKnowledgeBase: Self.kb)
                do {
                    _ = try reader.readAll()
                    Issue.record("byte \(field) of frame \(target): no error")
                } catch let error as SemanticCodecError {
                    #expect(error.code == .checksumMismatch, "byte \(field): \(error)")
                    #expect(error.frameIndex == target && error.offset == target * size)
                    #expect(error.message.contains("frame #\(target)"))
                }
            }
        }
    }

    @Test func anySingleByteFlipIsATypedErrorNeverSilentOrACrash() {
        let bytes = SemanticFrame.serialized(Self.stream(frames: 2, symbolCount: 2, encoding: .float16))
        for i in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var corrupted = bytes
                corrupted[i] ^= mask
                var reader = SemanticFrameReader(bytes: corrupted, maximumSymbolCount: 1 << 16)
                #expect(throws: SemanticCodecError.self, "byte \(i) ^ \(mask)") { try reader.readAll() }
            }
        }
    }

    @Test func headerErrorsNameTheField() {
        let frame = Self.stream(frames: 1)[0]
        func error(_ mutate: (inout [UInt8]) -> Void, maximum: Int = 1 << 20) -> SemanticCodecError? {
            var bytes = frame.serialized()
            mutate(&bytes)
            var reader = SemanticFrameReader(bytes: bytes, maximumSymbolCount: maximum)
            do {
                _ = try reader.readAll()
                return nil
            } catch {
                return error as? SemanticCodecError
            }
        }
        #expect(error { $0[0] = 0x58 }?.code == .badMagic)
        #expect(error { $0[4] = 2 }?.code == .unsupportedVersion)
        #expect(error { $0[6] = 9 }?.code == .unsupportedEncoding)
        #expect(error { $0[6] = 9 }?.offset == 6)
        // A valid CRC over a bad modality byte: the modality error, not a checksum error.
        let badModality = error { bytes in
            bytes[5] = 0
            let body = bytes.count - 4
            var crc = CRCForTests.crc32c(bytes[0..<body])
            for i in 0..<4 {
                bytes[body + i] = UInt8(crc & 0xFF)
                crc >>= 8
            }
        }
        #expect(badModality?.code == .unsupportedModality)
        #expect(badModality?.offset == 5)
    }

    @Test func oversizedSymbolCountIsRefusedBeforeAllocating() throws {
        var bytes = Self.stream(frames: 1)[0].serialized()
        // Declare 0xFFFFFFFF symbols: ~32 GiB of float32 payload.
        for i in 28..<32 { bytes[i] = 0xFF }
        var reader = SemanticFrameReader(bytes: bytes)
        do {
            _ = try reader.next()
            Issue.record("no error")
        } catch let error as SemanticCodecError {
            #expect(error.code == .oversizedFrame)
            #expect(error.offset == 28 && error.frameIndex == 0)
            #expect(error.message.contains("4294967295"))
        }
        // A frame within an explicit lower limit passes; above it, it is refused.
        let frame = Self.stream(frames: 1, symbolCount: 10)[0]
        var small = SemanticFrameReader(bytes: frame.serialized(), maximumSymbolCount: 9)
        #expect(throws: SemanticCodecError.self) { try small.next() }
        var exact = SemanticFrameReader(bytes: frame.serialized(), maximumSymbolCount: 10)
        #expect(try exact.next() == frame)
    }

    @Test func framesFromAnotherKnowledgeBaseAreRefused() throws {
        let frames = Self.stream(frames: 3)
        var foreign = frames
        foreign[1] = SemanticFrame(
            symbols: frames[1].symbols, modality: .tabular, taskID: 7, knowledgeBase: Self.otherKB, sequenceNumber: 1001
        )
        var reader = SemanticFrameReader(bytes: SemanticFrame.serialized(foreign), expectedKnowledgeBase: Self.kb)
        #expect(try reader.next() == frames[0])
        do {
            _ = try reader.next()
            Issue.record("no error")
        } catch let error as SemanticCodecError {
            #expect(error.code == .knowledgeBaseMismatch)
            #expect(error.frameIndex == 1)
            #expect(error.message.contains("expected KB fingerprint 3fa1c2001788fe42"))
            #expect(error.message.contains("frame carries 0102030405060708"))
        }
        // The reader stops after an error.
        #expect(try reader.next() == nil)
        // Without an expectation the reader accepts it; the decoder-side batch check refuses it.
        var lenient = SemanticFrameReader(bytes: SemanticFrame.serialized(foreign))
        let all = try lenient.readAll()
        #expect(throws: SemanticCodecError.self) {
            try SemanticFrame.symbolBatch(all, knowledgeBase: Self.kb, symbolCount: 3)
        }
    }

    @Test func symbolBatchStacksFramesForTheDecoder() throws {
        var rng = Xoshiro256(seed: 8)
        let symbols = Tensor<Float>.gaussian(shape: [5, 6], using: &rng)
        let frames = SemanticFrame.frames(
            symbols: symbols, modality: .tabular, taskID: 3, knowledgeBase: Self.kb, firstSequenceNumber: 40)
        #expect(frames.map(\.sequenceNumber) == [40, 41, 42, 43, 44])
        let batch = try SemanticFrame.symbolBatch(
            frames, knowledgeBase: Self.kb, symbolCount: 3, modality: .tabular, taskID: 3)
        #expect(batch == symbols)
        #expect(throws: SemanticCodecError.self) {
            try SemanticFrame.symbolBatch(frames, knowledgeBase: Self.kb, symbolCount: 4)
        }
        #expect(throws: SemanticCodecError.self) {
            try SemanticFrame.symbolBatch(frames, knowledgeBase: Self.kb, symbolCount: 3, modality: .text)
        }
        #expect(throws: SemanticCodecError.self) {
            try SemanticFrame.symbolBatch(frames, knowledgeBase: Self.kb, symbolCount: 3, taskID: 4)
        }
    }

    /// The worked example of the SemFFormat DocC article (Sources/SemanticCodec/Documentation.docc/SemFFormat.md),
    /// byte for byte; its CRC was computed independently (Python bitwise CRC-32C).
    @Test func documentedExampleMatchesTheFormatArticle() throws {
        let frame = SemanticFrame(
            symbols: [0.5, -1.0], encoding: .float32, modality: .tabular, taskID: 1, knowledgeBase: Self.kb,
            sequenceNumber: 5)
        let expected: [UInt8] = [
            0x53, 0x45, 0x4D, 0x46, 0x01, 0x01, 0x01, 0x00,
            0x01, 0x00, 0x00, 0x00,
            0x3F, 0xA1, 0xC2, 0x00, 0x17, 0x88, 0xFE, 0x42,
            0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x01, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0xBF,
            0x03, 0xAD, 0x06, 0x40,
        ]
        #expect(frame.serialized() == expected)
        #expect(CRCForTests.crc32c(expected[0..<40]) == 0x4006_AD03)
        var reader = SemanticFrameReader(bytes: expected)
        #expect(try reader.next()?.symbols == [0.5, -1.0])
    }

    @Test func fingerprintFromDigestKeepsTheFirstEightBytes() {
        let digest = [UInt8](0..<32)
        #expect(KBFingerprint(digest: digest).bytes == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(KBFingerprint(digest: digest).description == "0001020304050607")
    }
}

/// An independent bitwise CRC-32C (reflected polynomial 0x82F63B78) for forging test frames.
enum CRCForTests {
    static func crc32c(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
