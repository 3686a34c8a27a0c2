import RealModule
import TensorCore
import Testing

@testable import SecretKeyGeneration

@Suite struct ReconciliationAmplificationTests {
    static func binaryEntropy(_ p: Double) -> Double { -p * Double.log2(p) - (1 - p) * Double.log2(1 - p) }

    @Test func cascadeCorrectsAndCountsEveryParity() throws {
        var rng = Xoshiro256(seed: 11)
        let n = 2000
        let p = 0.03
        let alice = (0..<n).map { _ in UInt8(rng.next() & 1) }
        var bob = alice.map { rng.nextUnitDouble() < p ? $0 ^ 1 : $0 }
        let errors = zip(alice, bob).filter { $0 != $1 }.count
        let report = try Cascade().reconcile(alice: alice, bob: &bob, errorRate: p, using: &rng)
        #expect(bob == alice)
        #expect(report.correctedBits >= errors && (report.correctedBits - errors) % 2 == 0)
        // No protocol can reveal fewer than n·h(p) bits (Slepian–Wolf); Cascade is within ~1.5×.
        let bound = Double(n) * Self.binaryEntropy(Double(errors) / Double(n))
        #expect(Double(report.revealedParityBits) > bound)
        #expect(Double(report.revealedParityBits) < 1.6 * bound + 40)
    }

    @Test func cascadeOnEqualStringsRevealsOnlyBlockParities() throws {
        var rng = Xoshiro256(seed: 1)
        let alice = (0..<256).map { _ in UInt8(rng.next() & 1) }
        var bob = alice
        let cascade = try Cascade(passes: 2)
        let report = try cascade.reconcile(alice: alice, bob: &bob, errorRate: 0.05, using: &rng)
        // Blocks of 15 then 30 bits: ⌈256/15⌉ + ⌈256/30⌉ parities, no BINARY steps.
        #expect(report.revealedParityBits == 18 + 9)
        #expect(report.correctedBits == 0)
    }

    @Test func cascadeRejectsBadInput() {
        var rng = Xoshiro256(seed: 1)
        var bob: [UInt8] = [0, 1]
        #expect(throws: SecretKeyGenerationError.self) { try Cascade(passes: 0) }
        #expect(throws: SecretKeyGenerationError.self) {
            try Cascade().reconcile(alice: [0, 1, 1], bob: &bob, errorRate: 0.1, using: &rng)
        }
        #expect(throws: SecretKeyGenerationError.self) {
            try Cascade().reconcile(alice: [0, 1], bob: &bob, errorRate: 0.7, using: &rng)
        }
    }

    @Test func toeplitzMatchesTheMatrixDefinitionAndIsLinear() throws {
        var rng = Xoshiro256(seed: 3)
        for (n, l) in [(1, 1), (70, 33), (200, 130), (64, 64)] {
            let hash = try ToeplitzHash(inputLength: n, outputLength: l, using: &rng)
            let x = (0..<n).map { _ in UInt8(rng.next() & 1) }
            let y = (0..<n).map { _ in UInt8(rng.next() & 1) }
            var expected = [UInt8](repeating: 0, count: l)
            for i in 0..<l { for j in 0..<n { expected[i] ^= hash.seed[i - j + n - 1] & x[j] } }
            #expect(try hash.hash(x) == expected)
            let xy = zip(x, y).map { $0 ^ $1 }
            #expect(try hash.hash(xy) == zip(try hash.hash(x), try hash.hash(y)).map { $0 ^ $1 })
        }
        #expect(throws: SecretKeyGenerationError.self) { try ToeplitzHash(seed: [1, 0], inputLength: 4, outputLength: 2) }
        let hash = try ToeplitzHash(inputLength: 8, outputLength: 4, using: &rng)
        #expect(throws: SecretKeyGenerationError.self) { try hash.hash([1, 0, 1]) }
    }

    @Test func leftoverHashLength() {
        // 300 − 80 − 2·log2(10⁶) = 180.13… → 180; never a pretend key.
        #expect(PrivacyAmplification.outputLength(minEntropy: 300, leakedBits: 80, securityParameter: 1e-6) == 180)
        #expect(PrivacyAmplification.outputLength(minEntropy: 100, leakedBits: 90, securityParameter: 1e-6) == 0)
    }

    @Test func minEntropyEstimators() {
        // 600 ones in 1000: p_u = 0.6 + 2.576·√(0.24/999) → H = 0.64405.
        let biased = (0..<1000).map { UInt8($0 < 600 ? 1 : 0) }
        #expect(abs(MinEntropy.mostCommonValue(biased) - 0.644_05) < 1e-4)
        // Alternating bits: MCV sees a fair coin, Markov sees a deterministic sequence.
        let alternating = (0..<1000).map { UInt8($0 % 2) }
        #expect(MinEntropy.mostCommonValue(alternating) > 0.88)  // p_u = 0.5 + 2.576·√(0.25/999)
        #expect(MinEntropy.markov(alternating) < 0.01)
        var rng = Xoshiro256(seed: 5)
        let fair = (0..<100_000).map { _ in UInt8(rng.next() & 1) }
        #expect(MinEntropy.estimate(fair) > 0.98)
    }

    @Test func keyConfirmation() throws {
        let key = (0..<160).map { UInt8($0 % 3 == 0 ? 1 : 0) }
        let nonce = [UInt8](repeating: 7, count: 16)
        let tag = try KeyConfirmation.tag(key: key, nonce: nonce)
        #expect(tag.count == 32)
        #expect(KeyConfirmation.verify(key: key, nonce: nonce, tag: tag))
        var other = key
        other[100] ^= 1
        #expect(!KeyConfirmation.verify(key: other, nonce: nonce, tag: tag))
        #expect(throws: SecretKeyGenerationError.self) { try KeyConfirmation.tag(key: [], nonce: nonce) }
        #expect(KeyBits.unpack(KeyBits.pack(Array(key.prefix(128)))) == Array(key.prefix(128)))
    }
}
