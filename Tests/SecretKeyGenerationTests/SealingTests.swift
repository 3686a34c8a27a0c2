import TensorCore
import Testing

@testable import SecretKeyGeneration

@Suite struct SealingTests {
    static func key(_ seed: UInt64, bits: Int = 160) -> [UInt8] {
        var rng = Xoshiro256(seed: seed)
        return (0..<bits).map { _ in UInt8(rng.next() & 1) }
    }

    @Test(arguments: SealingCipher.allCases) func roundTripAndTamperingAndReplay(cipher: SealingCipher) throws {
        let keys = try SealingKeys(keyBits: Self.key(1))
        var sealer = FrameSealer(keys: keys, cipher: cipher)
        var opener = FrameOpener(keys: keys, cipher: cipher)
        let payload = Array("SEMF frame payload: 4 symbols".utf8)
        let sealed = try sealer.seal(payload)
        #expect(sealed.count == SealedFrame.headerLength + payload.count + SealedFrame.tagLength)
        #expect(!sealed.indices.dropFirst(SealedFrame.headerLength).prefix(payload.count).allSatisfy { sealed[$0] == payload[$0 - SealedFrame.headerLength] })
        // Every flipped byte is rejected.
        for i in sealed.indices {
            var tampered = sealed
            tampered[i] ^= 0x01
            var fresh = FrameOpener(keys: keys, cipher: cipher)
            #expect(throws: SecretKeyGenerationError.self) { try fresh.open(tampered) }
        }
        let opened = try opener.open(sealed)
        #expect(opened.payload == payload && opened.sequence == 0)
        // Replay of the same frame.
        do {
            _ = try opener.open(sealed)
            Issue.record("a replayed frame was accepted")
        } catch { #expect(error.code == .replayedFrame) }
        // Out of order inside the window is fine, once.
        let f1 = try sealer.seal([1])
        let f2 = try sealer.seal([2])
        #expect(try opener.open(f2).payload == [2])
        #expect(try opener.open(f1).payload == [1])
        #expect(throws: SecretKeyGenerationError.self) { try opener.open(f1) }
        // Another key or the other direction cannot open it.
        var stranger = FrameOpener(keys: try SealingKeys(keyBits: Self.key(2)), cipher: cipher)
        #expect(throws: SecretKeyGenerationError.self) { try stranger.open(try sealer.seal([3])) }
        var reverse = FrameOpener(keys: keys, cipher: cipher, direction: .bobToAlice)
        #expect(throws: SecretKeyGenerationError.self) { try reverse.open(try sealer.seal([4])) }
    }

    @Test func truncatedAndMalformedFramesAreRejected() throws {
        let keys = try SealingKeys(keyBits: Self.key(3))
        var sealer = FrameSealer(keys: keys)
        let sealed = try sealer.seal([UInt8](repeating: 9, count: 40))
        for length in 0..<sealed.count {
            var opener = FrameOpener(keys: keys)
            do {
                _ = try opener.open(Array(sealed.prefix(length)))
                Issue.record("a frame truncated to \(length) bytes was accepted")
            } catch {
                #expect(error.code == .truncatedFrame || error.code == .malformedFrame, "\(length): \(error)")
                if length < 4 || length >= SealedFrame.headerLength { #expect(error.code == .truncatedFrame) }
            }
        }
        var opener = FrameOpener(keys: keys)
        do {
            _ = try opener.open(sealed + [0])
            Issue.record("trailing bytes accepted")
        } catch { #expect(error.code == .malformedFrame) }
    }

    @Test func keyLengthIsChecked() {
        #expect(throws: SecretKeyGenerationError.self) { try SealingKeys(keyBits: Self.key(1, bits: 127)) }
        #expect(throws: SecretKeyGenerationError.self) { try SealingKeys(keyBits: [UInt8](repeating: 2, count: 128)) }
        #expect(throws: SecretKeyGenerationError.self) { try SealingCipher.named("rc4") }
    }

    @Test func scramblingIsAnOrthogonalPerFrameBasis() throws {
        let keys = try SealingKeys(keyBits: Self.key(4))
        let scrambler = LatentScrambler(keys: keys)
        let d = 8
        let q = scrambler.rotation(sequence: 5, dimension: d)
        for i in 0..<d {
            for j in 0..<d {
                var dot = 0.0
                for r in 0..<d { dot += q[r * d + i] * q[r * d + j] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
            }
        }
        #expect(scrambler.rotation(sequence: 6, dimension: d) != q)
        #expect(LatentScrambler(keys: try SealingKeys(keyBits: Self.key(5))).rotation(sequence: 5, dimension: d) != q)
        #expect(scrambler.rotation(sequence: 5, dimension: d) == q)
        var rng = Xoshiro256(seed: 8)
        let x = Tensor<Float>.gaussian(shape: [3, d], standardDeviation: 1, using: &rng)
        let y = try scrambler.apply(x, firstSequence: 100)
        let back = try scrambler.apply(y, firstSequence: 100, inverse: true)
        for i in 0..<x.scalars.count { #expect(abs(back.scalars[i] - x.scalars[i]) < 1e-5) }
        for b in 0..<3 {
            let nx = (0..<d).reduce(0) { $0 + x.scalars[b * d + $1] * x.scalars[b * d + $1] }
            let ny = (0..<d).reduce(0) { $0 + y.scalars[b * d + $1] * y.scalars[b * d + $1] }
            #expect(abs(nx - ny) < 1e-4 * nx)
        }
        #expect(throws: SecretKeyGenerationError.self) { try scrambler.apply(Tensor<Float>(shape: [d], scalars: [Float](repeating: 0, count: d)), firstSequence: 0) }
    }
}
