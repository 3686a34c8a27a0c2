import RealModule
import Testing

@testable import SecretKeyGeneration

/// The worked examples of NIST SP 800-22 Rev. 1a (sections 2.x.4 and 2.x.8).
@Suite struct RandomnessTestsTests {
    static func bits(_ s: String) -> [UInt8] { s.map { $0 == "1" ? 1 : 0 } }
    /// The 100-bit ε of the examples in §§2.1.8, 2.2.8, 2.3.8, 2.6.8, 2.12.8, 2.13.8.
    static let epsilon100 = bits(
        "1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000")

    @Test func specialFunctions() {
        typealias F = RandomnessSpecialFunctions
        for x in [0.1, 1.0, 3.5, 20.0] {
            #expect(abs(F.igamc(1, x) - Double.exp(-x)) < 1e-14 * max(1, Double.exp(-x)) + 1e-300)
        }
        // Q(2, x) = e^{-x}(1 + x); Q(3, x) = e^{-x}(1 + x + x²/2).
        #expect(abs(F.igamc(2, 0.8) - 0.808792135410999) < 1e-13)
        #expect(abs(F.igamc(3, 7.5) - Double.exp(-7.5) * (1 + 7.5 + 7.5 * 7.5 / 2)) < 1e-14)
        // erfc reference values (Abramowitz & Stegun table 7.1).
        #expect(abs(F.erfc(0) - 1) < 1e-15)
        #expect(abs(F.erfc(0.5) - 0.4795001221869535) < 1e-14)
        #expect(abs(F.erfc(1) - 0.1572992070502851) < 1e-14)
        #expect(abs(F.erfc(3) - 2.209049699858544e-05) < 1e-17)
        #expect(abs(F.erfc(-1) - 1.842700792949715) < 1e-14)
        #expect(abs(F.normalCDF(1.959963984540054) - 0.975) < 1e-12)
    }

    @Test func frequencyExamples() {
        #expect(abs(RandomnessTests.frequency(Self.bits("1011010101")) - 0.527089) < 1e-6)
        #expect(abs(RandomnessTests.frequency(Self.epsilon100) - 0.109599) < 1e-6)
    }

    @Test func blockFrequencyExamples() {
        #expect(abs(RandomnessTests.blockFrequency(Self.bits("0110011010"), blockLength: 3) - 0.801252) < 1e-6)
        #expect(abs(RandomnessTests.blockFrequency(Self.epsilon100, blockLength: 10) - 0.706438) < 1e-6)
    }

    @Test func runsExamples() {
        #expect(abs(RandomnessTests.runs(Self.bits("1001101011")) - 0.147232) < 1e-6)
        #expect(abs(RandomnessTests.runs(Self.epsilon100) - 0.500798) < 1e-6)
    }

    @Test func longestRunExample() {
        let e = Self.bits(
            "11001100000101010110110001001100111000000000001001001101010100010001001111010110100000001101011111001100111001101101100010110010"
        )
        // SP 800-22 §2.4.8: 0.180609 (computed there from χ² rounded to 4.882605).
        #expect(abs(RandomnessTests.longestRunOfOnes(e) - 0.180609) < 2e-5)
    }

    @Test func cumulativeSumsExamples() {
        #expect(abs(RandomnessTests.cumulativeSums(Self.bits("1011010111"), forward: true) - 0.4116588) < 1e-6)
        #expect(abs(RandomnessTests.cumulativeSums(Self.epsilon100, forward: true) - 0.219194) < 1e-6)
        #expect(abs(RandomnessTests.cumulativeSums(Self.epsilon100, forward: false) - 0.114866) < 1e-6)
    }

    @Test func approximateEntropyExamples() {
        #expect(abs(RandomnessTests.approximateEntropy(Self.bits("0100110101"), blockLength: 3) - 0.261961) < 1e-6)
        #expect(abs(RandomnessTests.approximateEntropy(Self.epsilon100, blockLength: 2) - 0.235301) < 1e-6)
    }

    @Test func serialExample() {
        let (p1, p2) = RandomnessTests.serial(Self.bits("0011011101"), blockLength: 3)
        #expect(abs(p1 - 0.808792) < 1e-6)
        #expect(abs(p2 - 0.670320) < 1e-6)
    }

    @Test func spectralTest() {
        // Not a document example: the reference is numpy's FFT with the §2.6 statistic on ε₁₀₀
        // (N₁ = 48 moduli below T = √(n·ln 20)).
        #expect(abs(RandomnessTests.spectral(Self.epsilon100) - 0.6463551955394902) < 1e-9)
        // A period-4 pattern puts its energy in one bin: N₁ = n/2 − 1 ≫ N₀ and the test fails.
        let periodic = (0..<1024).map { UInt8(($0 / 2) % 2) }
        #expect(RandomnessTests.spectral(periodic) < 0.01)
    }

    @Test func pValuesRespectMinimumLengths() {
        let short = [UInt8](repeating: 1, count: 99)
        #expect(RandomnessTests.pValues(.frequency, short) == nil)
        #expect(RandomnessTests.pValues(.spectral, Self.epsilon100) == nil)
        #expect(RandomnessTests.pValues(.serial, Self.epsilon100)?.count == 2)
        // An all-ones string fails the frequency test.
        #expect(RandomnessTests.pValues(.frequency, [UInt8](repeating: 1, count: 200))![0] < 1e-10)
    }
}
