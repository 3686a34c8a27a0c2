import TensorCore
import Testing

@testable import Privacy

/// χ² statistic of observed bin counts against a uniform expectation.
private func shamirChiSquare(_ counts: [Int]) -> Double {
    let total = Double(counts.reduce(0, +))
    let expected = total / Double(counts.count)
    return counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
}

/// Shamir secret sharing over GF(2^61 − 1) (Shamir 1979).
@Suite struct SecureAggregationShamirTests {
    @Test func fieldArithmeticMatchesWideIntegerReference() {
        var rng = Xoshiro256(seed: 1)
        let p = ShamirSecretSharing.prime
        let edge: [UInt64] = [0, 1, 2, p - 1, p - 2, 1 << 60, (1 << 60) + 12345]
        var pairs: [(UInt64, UInt64)] = []
        for a in edge { for b in edge { pairs.append((a, b)) } }
        for _ in 0..<2000 { pairs.append((rng.next() % p, rng.next() % p)) }
        for (a, b) in pairs {
            let product = UInt64((UInt128(a) * UInt128(b)) % UInt128(p))
            #expect(ShamirSecretSharing.multiply(a, b) == product)
            #expect(ShamirSecretSharing.add(a, b) == UInt64((UInt128(a) + UInt128(b)) % UInt128(p)))
            #expect(ShamirSecretSharing.subtract(a, b) == UInt64((UInt128(a) + UInt128(p) - UInt128(b)) % UInt128(p)))
            if a != 0 { #expect(ShamirSecretSharing.multiply(a, ShamirSecretSharing.inverse(a)) == 1) }
        }
    }

    @Test func anyThresholdSubsetReconstructs() throws {
        var rng = Xoshiro256(seed: 2)
        let secret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let shares = ShamirSecretSharing.split(secret: secret, threshold: 3, shareCount: 6, using: &rng)
        #expect(shares.map(\.x) == [1, 2, 3, 4, 5, 6])
        var subsets = 0
        for i in 0..<6 {
            for j in (i + 1)..<6 {
                for k in (j + 1)..<6 {
                    #expect(try ShamirSecretSharing.combine([shares[k], shares[i], shares[j]]) == secret)
                    subsets += 1
                }
            }
        }
        #expect(subsets == 20)
        #expect(try ShamirSecretSharing.combine(shares) == secret)
        #expect(try ShamirSecretSharing.combine(Array(shares[1...4])) == secret)
    }

    @Test(arguments: [1, 6, 7, 8, 13, 14, 32, 33])
    func secretsOfEveryLengthRoundTrip(byteCount: Int) throws {
        var rng = Xoshiro256(seed: UInt64(byteCount))
        let secret: [UInt8] = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let shares = ShamirSecretSharing.split(secret: secret, threshold: 2, shareCount: 3, using: &rng)
        #expect(shares[0].values.count == (byteCount + 6) / 7)
        #expect(try ShamirSecretSharing.combine([shares[2], shares[0]]) == secret)
    }

    @Test func serializedSharesRoundTripAndBadBytesThrow() throws {
        var rng = Xoshiro256(seed: 3)
        let secret: [UInt8] = Array(0..<32)
        let shares = ShamirSecretSharing.split(secret: secret, threshold: 2, shareCount: 4, using: &rng)
        let decoded = try shares.map { try ShamirShare(serialized: $0.serialized()) }
        #expect(decoded == shares)
        #expect(try ShamirSecretSharing.combine([decoded[3], decoded[1]]) == secret)

        let bytes = shares[0].serialized()
        #expect(bytes.count == 16 + 8 * 5)
        func code(_ bytes: [UInt8]) -> SecureAggregationError.Code? {
            do {
                _ = try ShamirShare(serialized: bytes)
                return nil
            } catch let error as SecureAggregationError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code(Array(bytes.dropLast())) == .malformedMessage)
        #expect(code(Array(bytes.prefix(10))) == .malformedMessage)
        var zeroX = bytes
        for k in 0..<8 { zeroX[k] = 0 }
        #expect(code(zeroX) == .malformedMessage)
        var oversized = bytes
        for k in 16..<24 { oversized[k] = 0xFF }  // a value ≥ p
        #expect(code(oversized) == .malformedMessage)
        var lowThreshold = bytes
        lowThreshold[8] = 1
        #expect(code(lowThreshold) == .malformedMessage)
    }

    @Test func tooFewOrDuplicateSharesThrow() {
        var rng = Xoshiro256(seed: 4)
        let shares = ShamirSecretSharing.split(secret: Array(0..<32), threshold: 3, shareCount: 5, using: &rng)
        #expect(throws: SecureAggregationError.self) { try ShamirSecretSharing.combine(Array(shares.prefix(2))) }
        #expect(throws: SecureAggregationError.self) { try ShamirSecretSharing.combine([]) }
        #expect(throws: SecureAggregationError.self) {
            try ShamirSecretSharing.combine([shares[0], shares[0], shares[1]])
        }
    }

    /// With t − 1 shares, every candidate secret is equally consistent: interpolating the t − 1 shares
    /// gives a value uniform on GF(p) whatever the secret. We check its top 4 bits are uniform for two
    /// very different secrets, and that the two histograms agree (χ², 5σ tolerance).
    @Test func thresholdMinusOneSharesRevealNothing() throws {
        var rng = Xoshiro256(seed: 5)
        let trials = 3200
        let secrets: [[UInt8]] = [[UInt8](repeating: 0, count: 7), [UInt8](repeating: 0xFF, count: 7)]
        var histograms: [[Int]] = []
        for secret in secrets {
            var counts = [Int](repeating: 0, count: 16)
            var hitsSecret = 0
            for _ in 0..<trials {
                let shares = ShamirSecretSharing.split(secret: secret, threshold: 3, shareCount: 5, using: &rng)
                let guess = try ShamirSecretSharing.interpolateAtZero([
                    (shares[1].x, shares[1].values[0]), (shares[3].x, shares[3].values[0]),
                ])
                counts[Int(guess >> 57)] += 1
                if guess == ShamirSecretSharing.encode(secret)[0] { hitsSecret += 1 }
            }
            // 15 degrees of freedom: mean 15, sd √30 ≈ 5.5.
            #expect(shamirChiSquare(counts) < 15 + 5 * 30.0.squareRoot(), "\(counts)")
            #expect(hitsSecret == 0)
            histograms.append(counts)
        }
        // Two-sample χ² (homogeneity), 15 degrees of freedom.
        var statistic = 0.0
        for bin in 0..<16 {
            let total = Double(histograms[0][bin] + histograms[1][bin])
            guard total > 0 else { continue }
            for h in histograms {
                let expected = total / 2
                statistic += (Double(h[bin]) - expected) * (Double(h[bin]) - expected) / expected
            }
        }
        #expect(statistic < 15 + 5 * 30.0.squareRoot())
        // t shares do reconstruct, as a control.
        let shares = ShamirSecretSharing.split(secret: secrets[1], threshold: 3, shareCount: 5, using: &rng)
        #expect(try ShamirSecretSharing.combine([shares[1], shares[3], shares[4]]) == secrets[1])
    }

    @Test func splittingIsDeterministicPerSeed() {
        var a = Xoshiro256(seed: 6)
        var b = Xoshiro256(seed: 6)
        var c = Xoshiro256(seed: 7)
        let secret: [UInt8] = Array(100..<132)
        let sa = ShamirSecretSharing.split(secret: secret, threshold: 4, shareCount: 7, using: &a)
        let sb = ShamirSecretSharing.split(secret: secret, threshold: 4, shareCount: 7, using: &b)
        let sc = ShamirSecretSharing.split(secret: secret, threshold: 4, shareCount: 7, using: &c)
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test func thresholdAboveShareCountTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            _ = ShamirSecretSharing.split(secret: [1, 2, 3], threshold: 4, shareCount: 3, using: &rng)
        }
    }

    @Test func thresholdBelowTwoTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            _ = ShamirSecretSharing.split(secret: [1, 2, 3], threshold: 1, shareCount: 3, using: &rng)
        }
    }
}
