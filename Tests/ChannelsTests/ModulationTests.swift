import Channels
import RealModule
import Testing
import TensorCore

private func randomBits(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = Xoshiro256(seed: seed)
    return (0..<count).map { _ in UInt8(rng.next() & 1) }
}

/// Adds circular complex Gaussian noise of variance `noiseVariance` per complex symbol.
private func addNoise(_ symbols: [Float], noiseVariance: Float, seed: UInt64) -> [Float] {
    var rng = Xoshiro256(seed: seed)
    let sigma = (Double(noiseVariance) / 2).squareRoot()
    return symbols.map { $0 + Float(sigma * rng.nextStandardGaussian()) }
}

/// Multiplies each complex symbol by a gain from `gains` (interleaved).
private func applyGains(_ symbols: [Float], _ gains: [Float]) -> [Float] {
    var out = symbols
    for k in 0..<(symbols.count / 2) {
        let xr = symbols[2 * k], xi = symbols[2 * k + 1]
        let hr = gains[2 * k], hi = gains[2 * k + 1]
        out[2 * k] = hr * xr - hi * xi
        out[2 * k + 1] = hr * xi + hi * xr
    }
    return out
}

/// Brute-force exact LLRs in Double: ln Σ_{b=0} exp(−|y − hx|²/N0) − ln Σ_{b=1} exp(…), no shifting.
private func bruteForceLLRs(
    _ constellation: Constellation, _ symbols: [Float], noiseVariance: Double, gains: [Float]?
) -> [Double] {
    let m = constellation.bitsPerSymbol
    var out: [Double] = []
    for k in 0..<(symbols.count / 2) {
        let hr = Double(gains?[2 * k] ?? 1), hi = Double(gains?[2 * k + 1] ?? 0)
        for i in 0..<m {
            var sum = [0.0, 0.0]
            for j in 0..<constellation.pointCount {
                let label = constellation.label(ofPoint: j)
                let xr = Double(constellation.points[2 * j]), xi = Double(constellation.points[2 * j + 1])
                let dr = Double(symbols[2 * k]) - (hr * xr - hi * xi)
                let di = Double(symbols[2 * k + 1]) - (hr * xi + hi * xr)
                sum[Int(label[i])] += Double.exp(-(dr * dr + di * di) / noiseVariance)
            }
            out.append(Double.log(sum[0]) - Double.log(sum[1]))
        }
    }
    return out
}

@Suite struct ModulationTests {
    @Test(arguments: ModulationScheme.allCases)
    func unitAverageEnergy(scheme: ModulationScheme) {
        let c = Constellation(scheme)
        #expect(c.points.count == 2 * scheme.pointCount)
        var energy = 0.0
        for j in 0..<c.pointCount {
            energy += Double(c.points[2 * j] * c.points[2 * j] + c.points[2 * j + 1] * c.points[2 * j + 1])
        }
        #expect(abs(energy / Double(c.pointCount) - 1) < 1e-6)
    }

    @Test(arguments: ModulationScheme.allCases)
    func grayNeighboursDifferInOneBit(scheme: ModulationScheme) {
        let c = Constellation(scheme)
        func distance(_ a: Int, _ b: Int) -> Float {
            let dr = c.points[2 * a] - c.points[2 * b], di = c.points[2 * a + 1] - c.points[2 * b + 1]
            return (dr * dr + di * di).squareRoot()
        }
        var minimum = Float.infinity
        for a in 0..<c.pointCount {
            for b in 0..<c.pointCount where a != b { minimum = min(minimum, distance(a, b)) }
        }
        var neighbourPairs = 0
        for a in 0..<c.pointCount {
            for b in (a + 1)..<c.pointCount where distance(a, b) < minimum * 1.001 {
                neighbourPairs += 1
                #expect((a ^ b).nonzeroBitCount == 1, "points \(a) and \(b) are neighbours")
            }
        }
        // Square M-QAM has 2·√M·(√M − 1) nearest-neighbour pairs; BPSK one.
        let side = 1 << (scheme.bitsPerSymbol / 2)
        let expectedPairs = scheme == .bpsk ? 1 : 2 * side * (side - 1)
        #expect(neighbourPairs == expectedPairs)
    }

    @Test func knownPoints() throws {
        #expect(Constellation(.bpsk).points == [1, 0, -1, 0])
        let q = Float(0.5).squareRoot()
        #expect(Constellation(.qpsk).points == [q, q, q, -q, -q, q, -q, -q])
        // 16-QAM: label 0b0001 → I bits 00 (+1), Q bits 01 (+3), over √10.
        let c16 = Constellation(.qam16)
        let s = 1 / Float(10).squareRoot()
        #expect(abs(c16.points[2] - s) < 1e-6 && abs(c16.points[3] - 3 * s) < 1e-6)
        // 64-QAM: label 0b111111 → I bits 111 → −(4 − pam(11)) = −(4 − (−3)) = −7.
        let c64 = Constellation(.qam64)
        #expect(abs(c64.points[126] + 7 / Float(42).squareRoot()) < 1e-6)
        #expect(c16.label(ofPoint: 0b1011) == [1, 0, 1, 1])
        #expect(try c16.map([0, 0, 0, 1]) == [c16.points[2], c16.points[3]])
    }

    @Test(arguments: ModulationScheme.allCases)
    func mapHardDemapRoundTrip(scheme: ModulationScheme) throws {
        let c = scheme.constellation
        let bits = randomBits(scheme.bitsPerSymbol * 500, seed: 7)
        let symbols = try c.map(bits)
        #expect(symbols.count == 1000)
        #expect(try c.hardDemap(symbols) == bits)
        #expect(try c.hardDemap(Tensor(shape: [symbols.count], scalars: symbols)) == bits)
        // With fading gains and perfect CSI.
        var rng = Xoshiro256(seed: 3)
        let gains = (0..<symbols.count).map { _ in Float(rng.nextStandardGaussian()) * 0.7 + 0.05 }
        let faded = applyGains(symbols, gains)
        #expect(try c.hardDemap(faded, channelGains: gains) == bits)
        // Max-log picks the nearest point; exact (bitwise MAP) LLRs may legitimately disagree for weak gains.
        let maxLog = try c.softDemap(faded, noiseVariance: 0.01, channelGains: gains, method: .maxLog)
        #expect(maxLog.map { $0 < 0 ? 1 : 0 } == bits)
    }

    @Test func bpskLLRIsFourRealPartOverN0() throws {
        let c = Constellation(.bpsk)
        let symbols: [Float] = [0.3, -0.2, -1.1, 0.5, 2.0, 0.0]
        for method in DemappingMethod.allCases {
            let llrs = try c.softDemap(symbols, noiseVariance: 0.5, method: method)
            for (k, llr) in llrs.enumerated() {
                #expect(abs(llr - 4 * symbols[2 * k] / 0.5) < 1e-4)
            }
        }
    }

    @Test(arguments: [ModulationScheme.qpsk, .qam16, .qam64])
    func exactLLRMatchesBruteForce(scheme: ModulationScheme) throws {
        let c = Constellation(scheme)
        let bits = randomBits(scheme.bitsPerSymbol * 200, seed: 11)
        let noiseVariance: Float = 0.2
        var rng = Xoshiro256(seed: 5)
        let gains = (0..<400).map { _ in Float(rng.nextStandardGaussian()) * 0.7 }
        for useGains in [false, true] {
            let clean = try c.map(bits)
            let transmitted = useGains ? applyGains(clean, gains) : clean
            let received = addNoise(transmitted, noiseVariance: noiseVariance, seed: 9)
            let llrs = try c.softDemap(
                received, noiseVariance: noiseVariance, channelGains: useGains ? gains : nil, method: .exact)
            let reference = bruteForceLLRs(
                c, received, noiseVariance: Double(noiseVariance), gains: useGains ? gains : nil)
            #expect(llrs.count == reference.count)
            for (a, b) in zip(llrs, reference) {
                #expect(abs(Double(a) - b) <= 1e-3 * max(1, abs(b)), "exact \(a) vs brute force \(b)")
            }
        }
    }

    @Test(arguments: [ModulationScheme.qpsk, .qam16, .qam64])
    func exactAndMaxLogAgreeAtHighSNR(scheme: ModulationScheme) throws {
        let c = Constellation(scheme)
        let bits = randomBits(scheme.bitsPerSymbol * 500, seed: 21)
        let noiseVariance: Float = 1e-3  // 30 dB
        let received = addNoise(try c.map(bits), noiseVariance: noiseVariance, seed: 22)
        let exact = try c.softDemap(received, noiseVariance: noiseVariance, method: .exact)
        let maxLog = try c.softDemap(received, noiseVariance: noiseVariance, method: .maxLog)
        let bound = Float.log(Float(c.pointCount / 2)) + 1e-3
        for (e, m) in zip(exact, maxLog) {
            // Each log-sum-exp exceeds its maximum by at most ln(M/2).
            #expect(abs(e - m) <= bound)
            #expect(abs(e - m) <= 0.02 * abs(m), "exact \(e) vs max-log \(m)")
        }
        // At any SNR the bound holds and the LLRs keep their sign relation to the hard decision.
        let noisy = addNoise(try c.map(bits), noiseVariance: 0.3, seed: 23)
        let exactLow = try c.softDemap(noisy, noiseVariance: 0.3, method: .exact)
        let maxLogLow = try c.softDemap(noisy, noiseVariance: 0.3, method: .maxLog)
        for (e, m) in zip(exactLow, maxLogLow) { #expect(abs(e - m) <= bound) }
    }

    @Test(arguments: ModulationScheme.allCases)
    func llrSignEqualsHardDecision(scheme: ModulationScheme) throws {
        let c = Constellation(scheme)
        let bits = randomBits(scheme.bitsPerSymbol * 1000, seed: 31)
        let symbols = try c.map(bits)
        // Max-log LLR sign is exactly the nearest-point label bit, at any SNR.
        let noisy = addNoise(symbols, noiseVariance: 0.5, seed: 32)
        let hardLow = try c.hardDemap(noisy)
        let maxLog = try c.softDemap(noisy, noiseVariance: 0.5, method: .maxLog)
        #expect(maxLog.map { $0 < 0 ? UInt8(1) : 0 } == hardLow)
        // The exact (bitwise MAP) sign agrees with the nearest point once the noise is small.
        let received = addNoise(symbols, noiseVariance: 0.01, seed: 33)
        let hard = try c.hardDemap(received)
        let exact = try c.softDemap(received, noiseVariance: 0.01, method: .exact)
        #expect(exact.map { $0 < 0 ? UInt8(1) : 0 } == hard)
    }

    @Test func exactLLRStaysFiniteAtExtremeSNR() throws {
        let c = Constellation(.qam64)
        let bits = randomBits(6 * 50, seed: 41)
        let symbols = try c.map(bits)
        let llrs = try c.softDemap(symbols, noiseVariance: 1e-6, method: .exact)
        #expect(llrs.allSatisfy { $0.isFinite })
        #expect(llrs.map { $0 < 0 ? UInt8(1) : 0 } == bits)
    }

    @Test func tensorSoftDemapShape() throws {
        let c = Constellation(.qam16)
        let bits = randomBits(4 * 6, seed: 51)
        let symbols = try c.map(bits)
        let tensor = Tensor(shape: [2, 6], scalars: symbols)
        let llrs = try c.softDemap(tensor, noiseVariance: 0.1)
        #expect(llrs.shape == [2, 12])
        #expect(llrs.scalars == (try c.softDemap(symbols, noiseVariance: 0.1)))
        #expect(try c.mapToTensor(bits).shape == [12])
    }

    @Test func badLengthsAndValuesThrow() {
        let c = Constellation(.qam16)
        #expect(throws: ChannelsError.self) { try c.map([0, 1, 0]) }
        do {
            _ = try c.map([0, 1, 0])
            Issue.record("map of 3 bits to 16-QAM did not throw")
        } catch let error as ChannelsError {
            #expect(error.code == .invalidLength)
            #expect(error.message.contains("3") && error.message.contains("4"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect { try c.map([0, 1, 2, 0]) } throws: { ($0 as? ChannelsError)?.code == .nonBinaryInput }
        #expect { try c.hardDemap([0.1, 0.2, 0.3]) } throws: { ($0 as? ChannelsError)?.code == .invalidLength }
        #expect { try c.softDemap([0.1, 0.2], noiseVariance: 1, channelGains: [1]) } throws: {
            ($0 as? ChannelsError)?.code == .invalidLength
        }
        #expect { try c.softDemap([Float.nan, 0.2], noiseVariance: 1) } throws: {
            ($0 as? ChannelsError)?.code == .nonFiniteInput
        }
    }

    @Test func nonPositiveNoiseVarianceTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = try? Constellation(.bpsk).softDemap([1, 0], noiseVariance: 0)
        }
    }

    @Test func parsing() throws {
        #expect(try ModulationScheme(parsing: "bpsk") == .bpsk)
        #expect(try ModulationScheme(parsing: "QPSK") == .qpsk)
        #expect(try ModulationScheme(parsing: "16qam") == .qam16)
        #expect(try ModulationScheme(parsing: "64-QAM") == .qam64)
        #expect(ModulationScheme(rawValue: "64qam") == .qam64)
        #expect(ModulationScheme.allCases.map(\.bitsPerSymbol) == [1, 2, 4, 6])
        #expect { try ModulationScheme(parsing: "8psk") } throws: {
            ($0 as? ChannelsError)?.code == .invalidParameter
        }
    }
}
