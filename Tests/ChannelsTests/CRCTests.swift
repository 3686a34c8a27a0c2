import Channels
import Testing
import TensorCore

/// Unpacks bytes into bits, least significant bit first (the order a reflected CRC consumes them).
private func lsbFirstBits(_ bytes: [UInt8]) -> [UInt8] {
    bytes.flatMap { byte in (0..<8).map { UInt8((byte >> $0) & 1) } }
}

@Suite struct CRCTests {
    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// RFC 3720 (iSCSI) Appendix B.4 test vectors.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func incrementalAndBitLevelAgreeWithBytes() {
        let message = Array("123456789".utf8)
        var crc = CRC32C()
        crc.update(message[0..<4])
        crc.update(message[4...])
        #expect(crc.value == 0xE306_9283)
        #expect(CRC32C.checksum(bits: lsbFirstBits(message)) == 0xE306_9283)
        var mixed = CRC32C()
        mixed.update(message[0..<3])
        mixed.update(bits: lsbFirstBits(Array(message[3...])))
        #expect(mixed.value == 0xE306_9283)
    }

    @Test func appendAndCheckBits() throws {
        var rng = Xoshiro256(seed: 1)
        let payload = (0..<203).map { _ in UInt8(rng.next() & 1) }
        let framed = CRC32C.appendingChecksum(toBits: payload)
        #expect(framed.count == 235)
        #expect(CRC32C.hasValidChecksum(bits: framed))
        #expect(try CRC32C.verifiedPayload(bits: framed) == payload)
        // Every single-bit error, in payload or checksum, is detected.
        for i in 0..<framed.count {
            var corrupted = framed
            corrupted[i] ^= 1
            #expect(!CRC32C.hasValidChecksum(bits: corrupted), "single error at \(i) undetected")
        }
        // Every burst of length ≤ 32 is detected (a degree-32 CRC catches all of them).
        for _ in 0..<300 {
            let length = Int(rng.next() % 32) + 1
            let start = Int(rng.next() % UInt64(framed.count - length + 1))
            var corrupted = framed
            corrupted[start] ^= 1
            corrupted[start + length - 1] ^= 1
            if length > 2 {
                for i in (start + 1)..<(start + length - 1) { corrupted[i] ^= UInt8(rng.next() & 1) }
            }
            if length == 1 { corrupted[start] ^= 1 }  // undo the double flip
            #expect(!CRC32C.hasValidChecksum(bits: corrupted))
        }
        #expect { try CRC32C.verifiedPayload(bits: [UInt8](repeating: 0, count: 31)) } throws: {
            ($0 as? ChannelsError)?.code == .invalidLength
        }
        var bad = framed
        bad[7] ^= 1
        #expect { try CRC32C.verifiedPayload(bits: bad) } throws: {
            ($0 as? ChannelsError)?.code == .checksumMismatch
        }
    }

    @Test func appendAndCheckBytes() {
        let message = Array("semantic communication".utf8)
        let framed = CRC32C.appendingChecksum(toBytes: message)
        #expect(framed.count == message.count + 4)
        #expect(CRC32C.hasValidChecksum(bytes: framed))
        // Little-endian trailer, as iSCSI sends it: "123456789" → 83 92 06 E3.
        #expect(Array(CRC32C.appendingChecksum(toBytes: Array("123456789".utf8)).suffix(4)) == [0x83, 0x92, 0x06, 0xE3])
        for i in 0..<framed.count {
            for bit in 0..<8 {
                var corrupted = framed
                corrupted[i] ^= 1 << bit
                #expect(!CRC32C.hasValidChecksum(bytes: corrupted))
            }
        }
        #expect(!CRC32C.hasValidChecksum(bytes: [1, 2, 3]))
    }
}
