import Channels
import Testing
import TensorCore

@Suite struct InterleaverTests {
    @Test func knownPermutation() {
        let interleaver = BlockInterleaver(rows: 2, columns: 3)
        #expect(interleaver.interleave([0, 1, 2, 3, 4, 5] as [UInt8]) == [0, 3, 1, 4, 2, 5])
        #expect(interleaver.deinterleave([0, 3, 1, 4, 2, 5] as [UInt8]) == [0, 1, 2, 3, 4, 5])
        // Two full blocks, then a pruned block of 4: rows [12 13 14], [15] → columns 12 15 13 14.
        let input = Array(0..<16)
        #expect(interleaver.interleave(input) == [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11, 12, 15, 13, 14])
    }

    @Test(arguments: [(4, 8), (5, 7), (1, 9), (9, 1), (16, 16)])
    func roundTripForEveryLength(rows: Int, columns: Int) {
        let interleaver = BlockInterleaver(rows: rows, columns: columns)
        var rng = Xoshiro256(seed: 99)
        for length in [0, 1, rows * columns - 1, rows * columns, rows * columns + 3, 3 * rows * columns + 5] {
            let bits = (0..<length).map { _ in UInt8(rng.next() & 1) }
            let llrs = (0..<length).map { _ in Float(rng.nextStandardGaussian()) }
            #expect(interleaver.deinterleave(interleaver.interleave(bits)) == bits)
            #expect(interleaver.deinterleave(interleaver.interleave(llrs)) == llrs)
            let indices = Array(0..<length)
            #expect(interleaver.interleave(indices).sorted() == indices)  // a permutation
        }
    }

    @Test func spreadsBursts() {
        let interleaver = BlockInterleaver(rows: 8, columns: 12)
        let permuted = interleaver.interleave(Array(0..<96))
        // Any burst of ≤ 8 consecutive channel positions within a column hits inputs 12 apart.
        for column in 0..<12 {
            let burst = permuted[(column * 8)..<(column * 8 + 8)]
            for (a, b) in zip(burst, burst.dropFirst()) { #expect(b - a == 12) }
        }
    }
}
