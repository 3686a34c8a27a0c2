import Foundation
import NeuralNet
import TensorCore
import Testing

@Suite struct CheckpointTests {
    static func parameters() -> [Tensor<Double>] {
        var rng = Xoshiro256(seed: 1)
        return [
            Tensor.gaussian(shape: [3, 4], using: &rng), Tensor.gaussian(shape: [4], using: &rng),
            Tensor(2.5), Tensor(zeros: [0, 3]), Tensor.gaussian(shape: [2, 1, 3], using: &rng),
        ]
    }

    @Test func crc32TestVector() {
        #expect(Checkpoint.crc32(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    }

    @Test func roundTripsInBothPrecisions() throws {
        let p = Self.parameters()
        let exact = try Checkpoint.decode(Checkpoint.encode(p, precision: .float64), as: Double.self)
        #expect(exact == p)
        let single = try Checkpoint.decode(Checkpoint.encode(p), as: Double.self)
        #expect(single.map(\.shape) == p.map(\.shape))
        for (a, b) in zip(single, p) where a.count > 0 {
            #expect(a.maxAbsoluteDifference(b) < 1e-6)
        }
        let asFloat = try Checkpoint.decode(Checkpoint.encode(p), as: Float.self, expectedShapes: p.map(\.shape))
        #expect(asFloat.count == p.count)
    }

    @Test func documentedLayout() {
        let bytes = Checkpoint.encode([Tensor<Float>([1])])
        // magic, version 1, float32, reserved, count 1, rank 1, extent 1, 1.0f, CRC.
        #expect(Array(bytes[0..<12]) == [0x53, 0x43, 0x4E, 0x50, 1, 0, 1, 0, 1, 0, 0, 0])
        #expect(Array(bytes[12..<21]) == [1, 1, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F])
        #expect(bytes.count == 25)
    }

    @Test func everyTruncationThrowsTruncated() {
        let bytes = Checkpoint.encode(Self.parameters())
        for length in 0..<bytes.count {
            do {
                _ = try Checkpoint.decode(Array(bytes[0..<length]), as: Double.self)
                Issue.record("prefix of \(length) bytes decoded")
            } catch let error as NeuralNetError {
                #expect(error.code == .truncated, "\(length): \(error)")
                #expect(error.message.contains("offset"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func corruptionIsDetected() throws {
        let bytes = Checkpoint.encode(Self.parameters())
        func code(_ data: [UInt8]) -> NeuralNetError.Code? {
            do {
                _ = try Checkpoint.decode(data, as: Double.self)
                return nil
            } catch let error as NeuralNetError {
                return error.code
            } catch {
                return nil
            }
        }
        var flipped = bytes
        flipped[40] ^= 0x10  // inside the first payload
        #expect(code(flipped) == .corrupted)
        var magic = bytes
        magic[0] = 0x58
        #expect(code(magic) == .corrupted)
        var version = bytes
        version[4] = 2
        #expect(code(version) == .unsupportedVersion)
        var encoding = bytes
        encoding[6] = 7
        #expect(code(encoding) == .corrupted)
        var rank = bytes
        rank[12] = 9
        #expect(code(rank) == .corrupted)
        #expect(code(bytes + [0]) == .corrupted)
        var huge = bytes
        huge[13] = 0xFF
        huge[14] = 0xFF
        huge[15] = 0xFF
        huge[16] = 0x7F
        #expect(code(huge) == .truncated)
    }

    @Test func randomBytesNeverCrash() {
        var rng = Xoshiro256(seed: 77)
        for trial in 0..<300 {
            let length = Int.random(in: 0..<64, using: &rng)
            var bytes = Checkpoint.magic + [1, 0, 1, 0]
            bytes += (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if trial % 2 == 0 && bytes.count > 8 { bytes[8] = UInt8(trial % 4) }  // small counts
            #expect(throws: NeuralNetError.self) { try Checkpoint.decode(bytes, as: Float.self) }
        }
    }

    @Test func shapeMismatchIsReported() {
        let p = Self.parameters()
        let bytes = Checkpoint.encode(p)
        var shapes = p.map(\.shape)
        shapes[1] = [5]
        do {
            _ = try Checkpoint.decode(bytes, as: Double.self, expectedShapes: shapes)
            Issue.record("mismatched shapes decoded")
        } catch let error as NeuralNetError {
            #expect(error.code == .mismatch)
            #expect(error.message.contains("tensor 1"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: NeuralNetError.self) {
            try Checkpoint.decode(bytes, as: Double.self, expectedShapes: Array(shapes.prefix(2)))
        }
    }

    @Test func filesRoundTripAndMissingFilesThrow() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("semcom-checkpoint-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var rng = Xoshiro256(seed: 3)
        var model = Sequential<Float>(
            Dense<Float>(inputSize: 3, outputSize: 4, using: &rng), ReLU<Float>(), Dense<Float>(inputSize: 4, outputSize: 2, using: &rng))
        let path = directory.appendingPathComponent("model.scnp").path
        try Checkpoint.write(model.parameters, to: path)
        let saved = model.parameters
        model.parameters = model.parameters.map { Tensor(zeros: $0.shape) }
        model.parameters = try Checkpoint.read(from: path, as: Float.self, expectedShapes: saved.map(\.shape))
        #expect(model.parameters == saved)
        do {
            _ = try Checkpoint.read(from: directory.appendingPathComponent("missing").path, as: Float.self)
            Issue.record("missing file read")
        } catch let error as NeuralNetError {
            #expect(error.code == .io)
        }
    }
}
