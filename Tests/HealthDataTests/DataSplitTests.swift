import HealthData
import TensorCore
import Testing

@Suite struct DataSplitTests {
    static let labels = (try? BreastCancerWisconsin.embedded().labels) ?? []

    /// Checks that the test sets partition 0..<n and each split's train/test partition 0..<n.
    static func expectPartition(_ splits: [DataSplit], count: Int) {
        var seen = [Int](repeating: 0, count: count)
        for split in splits {
            #expect(Set(split.trainIndices).isDisjoint(with: split.testIndices))
            #expect(split.trainIndices.count + split.testIndices.count == count)
            #expect(Set(split.trainIndices + split.testIndices) == Set(0..<count))
            #expect(split.trainIndices == split.trainIndices.sorted())
            #expect(split.testIndices == split.testIndices.sorted())
            for index in split.testIndices { seen[index] += 1 }
        }
        #expect(seen.allSatisfy { $0 == 1 }, "every row is tested exactly once")
    }

    @Test(arguments: [2, 5, 10])
    func stratifiedKFoldPartitionsAndStratifies(folds: Int) throws {
        #expect(Self.labels.count == 683)
        var rng = Xoshiro256(seed: 42)
        let splits = DataSplit.stratifiedKFold(labels: Self.labels, folds: folds, using: &rng)
        #expect(splits.count == folds)
        Self.expectPartition(splits, count: Self.labels.count)
        let sizes = splits.map(\.testIndices.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        for split in splits {
            for (label, total) in [(0, 444), (1, 239)] {
                let inFold = split.testIndices.filter { Self.labels[$0] == label }.count
                let proportional = Double(total) / Double(folds)
                #expect(abs(Double(inFold) - proportional) <= 1, "class \(label): \(inFold) vs \(proportional)")
                let proportionalToFold = Double(total) * Double(split.testIndices.count) / Double(Self.labels.count)
                #expect(abs(Double(inFold) - proportionalToFold) <= 1)
            }
        }
    }

    @Test func stratifiedKFoldWithThreeUnevenClasses() throws {
        let labels = (0..<103).map { $0 % 7 == 0 ? 2 : ($0 % 3 == 0 ? 5 : -1) }
        var rng = Xoshiro256(seed: 9)
        let splits = DataSplit.stratifiedKFold(labels: labels, folds: 4, using: &rng)
        Self.expectPartition(splits, count: labels.count)
        for label in Set(labels) {
            let total = labels.filter { $0 == label }.count
            for split in splits {
                let inFold = split.testIndices.filter { labels[$0] == label }.count
                #expect(inFold == total / 4 || inFold == (total + 3) / 4)
            }
        }
    }

    @Test func stratifiedHoldOutMatchesScikitLearnCounts() throws {
        var rng = Xoshiro256(seed: 0)
        let split = DataSplit.stratifiedHoldOut(labels: Self.labels, testFraction: 0.2, using: &rng)
        #expect(split.trainIndices.count == 546)
        #expect(split.testIndices.count == 137)
        Self.expectPartition(
            [split, DataSplit(trainIndices: split.testIndices, testIndices: split.trainIndices)], count: 683)
        #expect(split.testIndices.filter { Self.labels[$0] == 0 }.count == 89)
        #expect(split.testIndices.filter { Self.labels[$0] == 1 }.count == 48)
        #expect(split.trainIndices.filter { Self.labels[$0] == 0 }.count == 355)
        #expect(split.trainIndices.filter { Self.labels[$0] == 1 }.count == 191)
    }

    @Test(arguments: [0.1, 0.25, 0.5, 0.9])
    func stratifiedHoldOutSizes(fraction: Double) throws {
        var rng = Xoshiro256(seed: 1)
        let split = DataSplit.stratifiedHoldOut(labels: Self.labels, testFraction: fraction, using: &rng)
        let testCount = Int((fraction * 683).rounded(.up))
        #expect(split.testIndices.count == testCount)
        #expect(split.trainIndices.count == 683 - testCount)
        let malignantTest = split.testIndices.filter { Self.labels[$0] == 1 }.count
        #expect(abs(Double(malignantTest) - 239 * Double(testCount) / 683) <= 1)
    }

    @Test func plainKFoldPartitionsWithScikitLearnSizes() throws {
        var rng = Xoshiro256(seed: 5)
        let splits = DataSplit.kFold(count: 683, folds: 5, using: &rng)
        Self.expectPartition(splits, count: 683)
        #expect(splits.map(\.testIndices.count) == [137, 137, 137, 136, 136])
        // Shuffled: the first fold is not a contiguous block.
        #expect(splits[0].testIndices != Array(0..<137))
    }

    @Test func deterministicPerSeedAndDifferentAcrossSeeds() throws {
        func all(seed: UInt64) -> ([DataSplit], DataSplit, [DataSplit]) {
            var rng = Xoshiro256(seed: seed)
            return (
                DataSplit.stratifiedKFold(labels: Self.labels, folds: 5, using: &rng),
                DataSplit.stratifiedHoldOut(labels: Self.labels, testFraction: 0.2, using: &rng),
                DataSplit.kFold(count: Self.labels.count, folds: 5, using: &rng)
            )
        }
        let a = all(seed: 11)
        let b = all(seed: 11)
        let c = all(seed: 12)
        #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
        #expect(a.0 != c.0)
        #expect(a.1 != c.1)
        #expect(a.2 != c.2)
    }

    @Test func shuffledFoldsAreRoughlyUniform() throws {
        // Each row lands in fold 0 of a 5-fold split with probability 1/5. Over 400 seeds the count
        // for a row is Binomial(400, 0.2): mean 80, sd 8; the tolerance is 5 sd.
        var inFirstFold = [Int](repeating: 0, count: 50)
        for seed in 0..<400 as Range<UInt64> {
            var rng = Xoshiro256(seed: seed)
            for index in DataSplit.kFold(count: 50, folds: 5, using: &rng)[0].testIndices { inFirstFold[index] += 1 }
        }
        #expect(inFirstFold.allSatisfy { abs($0 - 80) <= 40 })
    }

    @Test func invalidFoldCountTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            _ = DataSplit.kFold(count: 3, folds: 4, using: &rng)
        }
    }
}
