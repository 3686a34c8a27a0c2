import RealModule

/// An empirical lower bound on ε from a membership (distinguishing) test, with Clopper–Pearson
/// confidence intervals (Jagielski, Ullman & Oprea 2020, "Auditing Differentially Private
/// Machine Learning: How Private is Private SGD?"; Nasr et al. 2021).
///
/// Input: a scalar statistic from many independent runs **without** the canary (world 0) and
/// **with** it (world 1), e.g. a mechanism's output or a trained model's score on the canary.
/// A threshold test guesses "canary present" when the statistic is ≥ t. If the process is
/// (ε, δ)-DP, every test's false-positive rate FPR and false-negative rate FNR satisfy
/// (Kairouz, Oh & Viswanath 2015)
///
///     FPR + e^ε·FNR ≥ 1 − δ   and   FNR + e^ε·FPR ≥ 1 − δ,
///
/// so ε ≥ max( log((1 − δ − FNR)/FPR), log((1 − δ − FPR)/FNR) ). Replacing FPR and FNR by
/// Clopper–Pearson **upper** bounds gives a lower bound on ε that holds with probability ≥ c:
/// each rate gets a one-sided bound at level 1 − (1 − c)/2, so both hold together with
/// probability ≥ c (union bound).
///
/// Choosing the threshold on the same runs that evaluate it would overstate ε (the maximum over
/// many thresholds of noisy estimates), so the runs of each world are split in two halves: the
/// first half picks the threshold (the candidate with the largest bound on those runs, among
/// ``candidateThresholdCount`` quantiles of the pooled statistic), the second half evaluates it.
/// The reported bound therefore holds with probability ≥ c, at the cost of
/// half the runs.
public enum MembershipAudit {
    /// The outcome of one audit.
    public struct Result: Sendable, Hashable {
        /// The lower bound on ε at ``confidence`` (0 when no test beats chance).
        public var epsilonLower: Double
        /// c.
        public var confidence: Double
        /// The chosen threshold t (the test guesses "present" when statistic ≥ t, or ≤ t if
        /// ``presentBelowThreshold``).
        public var threshold: Double
        /// Whether the chosen test guesses "present" for small statistics.
        public var presentBelowThreshold: Bool
        /// Point estimates on the evaluation half: the false-positive rate of the chosen test.
        public var falsePositiveRate: Double
        /// The false-negative rate of the chosen test on the evaluation half.
        public var falseNegativeRate: Double
        /// The Clopper–Pearson upper bound on the false-positive rate.
        public var falsePositiveRateUpper: Double
        /// The Clopper–Pearson upper bound on the false-negative rate.
        public var falseNegativeRateUpper: Double
        /// Runs per world used to evaluate (the other half chose the threshold).
        public var evaluationRuns: Int
    }

    /// Thresholds tried on the selection half.
    public static let candidateThresholdCount = 256

    /// The ε lower bound of a fixed test from its counts (no threshold search).
    /// - Parameters:
    ///   - falsePositives: runs without the canary where the test said "present".
    ///   - runsWithout: runs without the canary (≥ 1).
    ///   - falseNegatives: runs with the canary where the test said "absent".
    ///   - runsWith: runs with the canary (≥ 1).
    ///   - delta: δ ∈ [0, 1).
    ///   - confidence: c ∈ (0, 1), the joint confidence of both rate bounds.
    /// - Returns: (ε lower ≥ 0, FPR upper, FNR upper).
    public static func epsilonLowerBound(
        falsePositives: Int, runsWithout: Int, falseNegatives: Int, runsWith: Int, delta: Double, confidence: Double
    ) -> (epsilon: Double, falsePositiveRateUpper: Double, falseNegativeRateUpper: Double) {
        precondition(delta >= 0 && delta < 1, "δ must be in [0, 1), got \(delta)")
        let level = 1 - (1 - confidence) / 2
        let fprUpper = ClopperPearson.upperBound(successes: falsePositives, trials: runsWithout, confidence: level)
        let fnrUpper = ClopperPearson.upperBound(successes: falseNegatives, trials: runsWith, confidence: level)
        return (bound(fprUpper, fnrUpper, delta), fprUpper, fnrUpper)
    }

    /// max(log((1 − δ − FNR)/FPR), log((1 − δ − FPR)/FNR), 0).
    static func bound(_ fpr: Double, _ fnr: Double, _ delta: Double) -> Double {
        var best = 0.0
        for (a, b) in [(fnr, fpr), (fpr, fnr)] where 1 - delta - a > 0 && b > 0 {
            best = Swift.max(best, Double.log((1 - delta - a) / b))
        }
        return best
    }

    /// Audits two samples of the statistic (see the type's overview).
    /// - Parameters:
    ///   - without: the statistic from runs without the canary, `[n₀]`, n₀ ≥ 2.
    ///   - with: the statistic from runs with the canary, `[n₁]`, n₁ ≥ 2.
    ///   - delta: δ ∈ [0, 1) of the claimed guarantee.
    ///   - confidence: c ∈ (0, 1).
    /// - Returns: the lower bound and the chosen test.
    public static func audit(without: [Double], with: [Double], delta: Double, confidence: Double) -> Result {
        precondition(without.count >= 2 && with.count >= 2, "An audit needs at least 2 runs per world")
        precondition(confidence > 0 && confidence < 1, "Confidence must be in (0, 1), got \(confidence)")
        precondition(
            without.allSatisfy(\.isFinite) && with.allSatisfy(\.isFinite), "Audit statistics must be finite")
        let outSelect = Array(without[..<(without.count / 2)]).sorted()
        let inSelect = Array(with[..<(with.count / 2)]).sorted()
        let outEvaluate = Array(without[(without.count / 2)...]).sorted()
        let inEvaluate = Array(with[(with.count / 2)...]).sorted()
        // Candidate thresholds: quantiles of the pooled selection statistics, denser in the tails
        // (geometric ranks from both ends), where the strongest tests live.
        let pooled = (outSelect + inSelect).sorted()
        var ranks = Set<Int>()
        var r = 1.0
        while Int(r) < pooled.count / 2 {
            ranks.insert(Int(r))
            ranks.insert(pooled.count - Int(r))
            r *= 1.08
        }
        let linear = candidateThresholdCount / 4
        for i in 0...linear { ranks.insert(i * (pooled.count - 1) / linear) }
        var bestSelection = (score: -1.0, threshold: pooled[0], below: false)
        for rank in ranks.sorted() {
            let t = pooled[Swift.min(Swift.max(rank, 0), pooled.count - 1)]
            for below in [false, true] {
                let (fp, fn) = errors(threshold: t, below: below, without: outSelect, with: inSelect)
                // The Clopper–Pearson bound never beats the point estimate (both rates only grow),
                // so candidates whose point estimate cannot win are skipped.
                // (A zero count has no finite point estimate: always evaluated.)
                if fp > 0 && fn > 0 {
                    let optimistic = bound(
                        Double(fp) / Double(outSelect.count), Double(fn) / Double(inSelect.count), delta)
                    if optimistic <= bestSelection.score { continue }
                }
                let score = epsilonLowerBound(
                    falsePositives: fp, runsWithout: outSelect.count, falseNegatives: fn, runsWith: inSelect.count,
                    delta: delta, confidence: confidence
                ).epsilon
                if score > bestSelection.score { bestSelection = (score, t, below) }
            }
        }
        let (fp, fn) = errors(
            threshold: bestSelection.threshold, below: bestSelection.below, without: outEvaluate, with: inEvaluate)
        let (lower, fprUpper, fnrUpper) = epsilonLowerBound(
            falsePositives: fp, runsWithout: outEvaluate.count, falseNegatives: fn, runsWith: inEvaluate.count,
            delta: delta, confidence: confidence)
        return Result(
            epsilonLower: lower, confidence: confidence,
            threshold: bestSelection.threshold, presentBelowThreshold: bestSelection.below,
            falsePositiveRate: Double(fp) / Double(outEvaluate.count),
            falseNegativeRate: Double(fn) / Double(inEvaluate.count), falsePositiveRateUpper: fprUpper,
            falseNegativeRateUpper: fnrUpper, evaluationRuns: Swift.min(outEvaluate.count, inEvaluate.count))
    }

    /// (false positives, false negatives) of the test "present iff statistic ≥ t" (or ≤ t when
    /// `below`) on sorted samples.
    static func errors(threshold t: Double, below: Bool, without: [Double], with: [Double]) -> (Int, Int) {
        if below {
            // present iff s ≤ t: FP = #{without ≤ t}, FN = #{with > t}.
            return (countAtMost(t, without), with.count - countAtMost(t, with))
        }
        // present iff s ≥ t: FP = #{without ≥ t}, FN = #{with < t}.
        return (without.count - countBelow(t, without), countBelow(t, with))
    }

    /// #{x < t} in a sorted array.
    static func countBelow(_ t: Double, _ sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < t { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// #{x ≤ t} in a sorted array.
    static func countAtMost(_ t: Double, _ sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= t { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
