// Seeded train/test splits: stratified k-fold, stratified hold-out, shuffled k-fold.

/// One train/test partition of the row indices `0..<n` of a data set.
///
/// Produced by ``stratifiedKFold(labels:folds:using:)``, ``stratifiedHoldOut(labels:testFraction:using:)``
/// and ``kFold(count:folds:using:)``. The two index lists are disjoint, together cover `0..<n`,
/// and are sorted ascending (shuffle them for SGD). All splits are deterministic for a given
/// generator state and use only `rng.next()` through this module's own Fisher–Yates shuffle and
/// bounded draws (Lemire 2019), so they do not depend on the standard library's shuffle.
///
/// The allocation rules follow scikit-learn 1.5 (`StratifiedKFold(shuffle=True)`,
/// `StratifiedShuffleSplit` / `train_test_split(stratify=)`, `KFold(shuffle=True)`), so fold and
/// class counts match its; the random assignment itself differs (another generator).
public struct DataSplit: Sendable, Hashable {
    /// Row indices used for training, ascending.
    public var trainIndices: [Int]
    /// Row indices held out for testing, ascending.
    public var testIndices: [Int]

    /// Creates a split from two index lists.
    /// - Parameters:
    ///   - trainIndices: training rows.
    ///   - testIndices: test rows.
    public init(trainIndices: [Int], testIndices: [Int]) {
        self.trainIndices = trainIndices
        self.testIndices = testIndices
    }

    /// Stratified k-fold cross-validation: `folds` splits whose test sets partition `0..<n` and keep
    /// each class's proportion.
    ///
    /// As scikit-learn's `StratifiedKFold(shuffle=True)`: the number of class-`c` rows in fold `f`
    /// is the number of class-`c` entries at positions `f, f+k, f+2k, …` of the sorted label list,
    /// so every fold holds ⌊n_c / k⌋ or ⌈n_c / k⌉ rows of class `c` and fold sizes differ by at most
    /// one; which rows of a class go to which fold is a uniform random permutation.
    /// - Parameters:
    ///   - labels: the class label of each row (any integers; row `i` has `labels[i]`).
    ///   - folds: the number of folds `k`, 2 ≤ k ≤ n.
    ///   - rng: the generator.
    /// - Returns: `k` splits; split `f` tests on fold `f` and trains on the other folds.
    /// - Precondition: `2 ≤ folds ≤ labels.count`.
    /// - Complexity: O(n log n).
    public static func stratifiedKFold<G: RandomNumberGenerator>(
        labels: [Int], folds: Int, using rng: inout G
    ) -> [DataSplit] {
        precondition(
            folds >= 2 && folds <= labels.count, "stratified k-fold needs 2 ≤ folds ≤ \(labels.count), got \(folds)")
        let classes = Array(Set(labels)).sorted()
        let sortedLabels = labels.sorted()
        // allocation[f][c]: class-c count among sorted labels at positions ≡ f (mod k).
        var foldOfRow = [Int](repeating: 0, count: labels.count)
        for label in classes {
            let rows = labels.indices.filter { labels[$0] == label }
            var foldLabels = [Int]()
            foldLabels.reserveCapacity(rows.count)
            for fold in 0..<folds {
                let count = stride(from: fold, to: sortedLabels.count, by: folds).filter { sortedLabels[$0] == label }
                    .count
                foldLabels += repeatElement(fold, count: count)
            }
            shuffle(&foldLabels, using: &rng)
            for (row, fold) in zip(rows, foldLabels) { foldOfRow[row] = fold }
        }
        return (0..<folds).map { fold in
            DataSplit(
                trainIndices: foldOfRow.indices.filter { foldOfRow[$0] != fold },
                testIndices: foldOfRow.indices.filter { foldOfRow[$0] == fold })
        }
    }

    /// Stratified hold-out: one split with `ceil(testFraction · n)` test rows, allocated to classes
    /// in proportion to their sizes.
    ///
    /// As scikit-learn's `StratifiedShuffleSplit` (used by `train_test_split(stratify=y)`):
    /// `n_test = ⌈testFraction · n⌉`, `n_train = n − n_test`; the training rows per class are the
    /// "approximate mode" of a multivariate hypergeometric draw — ⌊n_train · n_c / n⌋, then the
    /// remaining rows go to the classes with the largest fractional parts (ties broken at random) —
    /// and the test rows per class the same rule applied to what is left. For the 683 complete
    /// Breast Cancer Wisconsin rows (444/239) at 0.2 this gives 546 training rows (355/191) and 137
    /// test rows (89/48). The rows are drawn uniformly at random within each class.
    /// - Parameters:
    ///   - labels: the class label of each row.
    ///   - testFraction: the held-out fraction, in (0, 1).
    ///   - rng: the generator.
    /// - Returns: the split.
    /// - Precondition: `0 < testFraction < 1`, and both parts get at least one row.
    public static func stratifiedHoldOut<G: RandomNumberGenerator>(
        labels: [Int], testFraction: Double, using rng: inout G
    ) -> DataSplit {
        precondition(testFraction > 0 && testFraction < 1, "testFraction \(testFraction) outside (0, 1)")
        let total = labels.count
        let testCount = Int((testFraction * Double(total)).rounded(.up))
        let trainCount = total - testCount
        precondition(
            testCount >= 1 && trainCount >= 1, "testFraction \(testFraction) of \(total) rows leaves an empty part")
        let classes = Array(Set(labels)).sorted()
        let rowsByClass = classes.map { label in labels.indices.filter { labels[$0] == label } }
        let classCounts = rowsByClass.map(\.count)
        let trainPerClass = approximateMode(classCounts: classCounts, draws: trainCount, using: &rng)
        let leftover = zip(classCounts, trainPerClass).map { $0 - $1 }
        let testPerClass = approximateMode(classCounts: leftover, draws: testCount, using: &rng)
        var train = [Int]()
        var test = [Int]()
        for (index, rows) in rowsByClass.enumerated() {
            var permuted = rows
            shuffle(&permuted, using: &rng)
            train += permuted[0..<trainPerClass[index]]
            test += permuted[trainPerClass[index]..<(trainPerClass[index] + testPerClass[index])]
        }
        return DataSplit(trainIndices: train.sorted(), testIndices: test.sorted())
    }

    /// Plain k-fold cross-validation over a random permutation (no stratification).
    ///
    /// As scikit-learn's `KFold(shuffle=True)`: the rows are permuted uniformly at random and cut
    /// into `k` consecutive folds; the first `n mod k` folds have ⌊n/k⌋ + 1 rows, the rest ⌊n/k⌋.
    /// - Parameters:
    ///   - count: the number of rows `n`.
    ///   - folds: the number of folds `k`, 2 ≤ k ≤ n.
    ///   - rng: the generator.
    /// - Returns: `k` splits; the test sets partition `0..<n`.
    /// - Precondition: `2 ≤ folds ≤ count`.
    public static func kFold<G: RandomNumberGenerator>(count: Int, folds: Int, using rng: inout G) -> [DataSplit] {
        precondition(folds >= 2 && folds <= count, "k-fold needs 2 ≤ folds ≤ \(count), got \(folds)")
        var permutation = Array(0..<count)
        shuffle(&permutation, using: &rng)
        var foldOfRow = [Int](repeating: 0, count: count)
        var start = 0
        for fold in 0..<folds {
            let size = count / folds + (fold < count % folds ? 1 : 0)
            for row in permutation[start..<(start + size)] { foldOfRow[row] = fold }
            start += size
        }
        return (0..<folds).map { fold in
            DataSplit(
                trainIndices: foldOfRow.indices.filter { foldOfRow[$0] != fold },
                testIndices: foldOfRow.indices.filter { foldOfRow[$0] == fold })
        }
    }

    // MARK: - Internals

    /// scikit-learn's `_approximate_mode`: the most likely per-class counts of `draws` rows drawn
    /// without replacement from classes of the given sizes (floors of the proportional shares,
    /// then one more for the largest fractional parts; ties broken uniformly at random).
    static func approximateMode<G: RandomNumberGenerator>(
        classCounts: [Int], draws: Int, using rng: inout G
    ) -> [Int] {
        let total = classCounts.reduce(0, +)
        precondition(draws <= total, "cannot draw \(draws) of \(total)")
        guard total > 0 else { return classCounts.map { _ in 0 } }
        // Exact rational arithmetic: share_c = counts_c · draws / total.
        var result = classCounts.map { $0 * draws / total }
        let remainders = classCounts.map { $0 * draws % total }
        var needed = draws - result.reduce(0, +)
        for remainder in Set(remainders).sorted(by: >) where needed > 0 {
            var tied = remainders.indices.filter { remainders[$0] == remainder }
            shuffle(&tied, using: &rng)
            for index in tied.prefix(needed) { result[index] += 1 }
            needed -= min(needed, tied.count)
        }
        return result
    }

    /// Fisher–Yates shuffle driven only by `rng.next()` (deterministic across toolchains).
    static func shuffle<G: RandomNumberGenerator>(_ values: inout [Int], using rng: inout G) {
        guard values.count > 1 else { return }
        for upper in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(upper, uniformIndex(below: upper + 1, using: &rng))
        }
    }

    /// A uniform integer in `0..<bound` by Lemire's nearly divisionless method
    /// (D. Lemire, "Fast random integer generation in an interval", ACM TOMACS 29(1), 2019).
    static func uniformIndex<G: RandomNumberGenerator>(below bound: Int, using rng: inout G) -> Int {
        precondition(bound > 0, "bound \(bound) must be positive")
        let range = UInt64(bound)
        var product = rng.next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = rng.next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }
}
