import RawTransmission
import Testing
import TensorCore

@Suite struct QuantizationTests {
    @Test(arguments: [1, 4, 8, 12, 16])
    func errorIsAtMostHalfACell(bits: Int) {
        let q = UniformQuantizer(bitsPerValue: bits, lowerBound: -2, upperBound: 3)
        var rng = Xoshiro256(seed: UInt64(bits))
        for _ in 0..<2000 {
            let v = -2 + 5 * rng.nextUnitDouble()
            let r = q.value(of: q.index(of: v))
            #expect(abs(r - v) <= q.step / 2 + 1e-12)
        }
    }

    @Test func clipsOutOfRangeAndNaN() {
        let q = UniformQuantizer(bitsPerValue: 3, lowerBound: 0, upperBound: 1)
        #expect(q.index(of: -5) == 0)
        #expect(q.index(of: 7) == 7)
        #expect(q.index(of: 1) == 7)
        #expect(q.index(of: .nan) == 0)
        #expect(q.index(of: .infinity) == 7)
        #expect(q.value(of: 0) == 1.0 / 16)
    }

    @Test(arguments: [1, 3, 7, 8, 13, 32])
    func packUnpackRoundTrip(bits: Int) throws {
        var rng = Xoshiro256(seed: 9)
        let mask: UInt64 = bits == 32 ? UInt64(UInt32.max) : (UInt64(1) << UInt64(bits)) - 1
        let values = (0..<101).map { _ in UInt32(rng.next() & mask) }
        let packed = BitPacking.pack(values, bitsPerValue: bits)
        #expect(packed.count == (101 * bits + 7) / 8)
        let unpacked = try #require(BitPacking.unpack(packed, count: values.count, bitsPerValue: bits))
        #expect(unpacked == values)
        // One byte short of the needed bits: refused, not read past the end.
        #expect(BitPacking.unpack(Array(packed.dropLast()), count: values.count, bitsPerValue: bits) == nil)
    }

    @Test func bitsAndBytesRoundTrip() {
        let bytes: [UInt8] = [0x00, 0xFF, 0xA5, 0x3C]
        let bits = BitPacking.bits(of: bytes)
        #expect(bits.prefix(16) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(Array(bits[16..<24]) == [1, 0, 1, 0, 0, 1, 0, 1])
        #expect(BitPacking.bytes(fromBits: bits) == bytes)
        #expect(BitPacking.bytes(fromBits: [1, 0, 1]) == [0xA0])
    }
}
