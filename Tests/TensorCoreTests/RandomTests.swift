import Testing

@testable import TensorCore

@Suite struct RandomTests {
    /// Reference outputs of Vigna's splitmix64.c for seed 1234567.
    @Test func splitMix64MatchesReference() {
        var sm = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ]
        #expect((0..<5).map { _ in sm.next() } == expected)
    }

    /// xoshiro256** from state (1, 2, 3, 4), worked by hand from the reference algorithm.
    @Test func xoshiro256StarStarMatchesHandComputedOutputs() {
        var g = Xoshiro256(state: (1, 2, 3, 4))
        let outputs = (0..<3).map { _ in g.next() }
        #expect(outputs == [11520, 0, 1_509_978_240])
    }

    @Test func xoshiroIsReproduciblePerSeed() {
        for seed: UInt64 in [0, 1, 42, .max] {
            var a = Xoshiro256(seed: seed)
            var b = Xoshiro256(seed: seed)
            #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        }
        var a = Xoshiro256(seed: 1)
        var b = Xoshiro256(seed: 2)
        #expect((0..<10).map { _ in a.next() } != (0..<10).map { _ in b.next() })
    }

    @Test func jumpStreamsAreDistinct() {
        var jumped = Xoshiro256(seed: 5)
        jumped.jump()
        #expect(Xoshiro256(seed: 5, stream: 1) == jumped)
        #expect(Xoshiro256(seed: 5, stream: 0) == Xoshiro256(seed: 5))
        var firsts = Set<UInt64>()
        for s in 0..<4 {
            var g = Xoshiro256(seed: 5, stream: s)
            for _ in 0..<16 { firsts.insert(g.next()) }
        }
        #expect(firsts.count == 64)
    }

    @Test func manyJumpsAtOnceEqualSuccessiveJumps() {
        for stream in [65, 200, 1_029] {
            var slow = Xoshiro256(seed: 42)
            for _ in 0..<stream { slow.jump() }
            #expect(Xoshiro256(seed: 42, stream: stream) == slow, "stream \(stream)")
        }
        var a = Xoshiro256(seed: 7, stream: 3)
        a.jump(times: 0)
        #expect(a == Xoshiro256(seed: 7, stream: 3))
    }

    @Test func splitAndForkGiveDistinctStreams() {
        var parent = Xoshiro256(seed: 9)
        let before = parent
        var child = parent.split()
        #expect(parent != before)  // split advances the parent
        var outputs = Set<UInt64>()
        for _ in 0..<32 {
            outputs.insert(parent.next())
            outputs.insert(child.next())
        }
        #expect(outputs.count == 64)

        let base = Xoshiro256(seed: 9)
        #expect(base.fork(stream: 3) == base.fork(stream: 3))  // pure
        var forks = Set<UInt64>()
        for s: UInt64 in 0..<8 {
            var f = base.fork(stream: s)
            for _ in 0..<8 { forks.insert(f.next()) }
        }
        #expect(forks.count == 64)
        #expect(base == Xoshiro256(seed: 9))
    }

    @Test func unitUniformsStayInRange() {
        var g = Xoshiro256(seed: 3)
        for _ in 0..<10_000 {
            let f = g.nextUnitFloat()
            let d = g.nextUnitDouble()
            #expect(f >= 0 && f < 1 && d >= 0 && d < 1)
        }
        let t = Tensor<Float>.uniform(shape: [100], in: -2..<3, using: &g)
        #expect(t.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    @Test(.tags(.statistical)) func scalarGaussianMoments() {
        var g = Xoshiro256(seed: 4)
        let n = 100_000
        let z = (0..<n).map { _ in g.nextStandardGaussian() }
        let m = moments(z)
        #expect(abs(m.mean) < 5 / Double(n).squareRoot())
        #expect(abs(m.variance - 1) < 5 * (2 / Double(n)).squareRoot())
    }
}
