// Local DP for one categorical value: k-ary randomized response.

import RealModule
import TensorCore

/// k-ary randomized response (Warner 1965; generalized as "direct encoding" by Wang, Blocki, Li &
/// Jha, "Locally differentially private protocols for frequency estimation", USENIX Security
/// 2017): report the true category with probability `p = e^ε / (e^ε + k − 1)`, otherwise one of the
/// other `k − 1` categories uniformly (each with `q = 1 / (e^ε + k − 1)`). Since `p/q = e^ε`, one
/// report is ε-DP for any two inputs.
///
/// ``estimateFrequencies(_:)`` inverts the channel to give unbiased category frequencies from
/// many users' reports.
public struct RandomizedResponse: Sendable, Hashable {
    /// ε, per report.
    public let epsilon: Double
    /// The number of categories `k ≥ 2` (categories are `0..<k`).
    public let categories: Int

    /// Creates a mechanism.
    /// - Throws: ``PrivacyError`` `.invalidEpsilon` (ε not finite and > 0) or
    ///   `.invalidParameter` (fewer than 2 categories).
    public init(epsilon: Double, categories: Int) throws(PrivacyError) {
        try PrivacyValidation.epsilon(epsilon)
        guard categories >= 2 else {
            throw PrivacyError(
                code: .invalidParameter, message: "randomized response needs ≥ 2 categories, got \(categories)")
        }
        self.epsilon = epsilon
        self.categories = categories
    }

    /// ε-DP (each report).
    public var privacy: PrivacyGuarantee { .pure(epsilon: epsilon) }

    /// `p = e^ε / (e^ε + k − 1)`, the probability of reporting the truth.
    public var truthProbability: Double {
        // 1 / (1 + (k − 1)·e^{−ε}) avoids overflow for large ε.
        1 / (1 + Double(categories - 1) * Double.exp(-epsilon))
    }

    /// `q = (1 − p)/(k − 1)`, the probability of reporting one given other category.
    public var otherProbability: Double { (1 - truthProbability) / Double(categories - 1) }

    /// One report of `category`.
    /// - Parameters:
    ///   - category: the true category in `0..<k`.
    ///   - rng: the generator (two draws).
    /// - Precondition: `category` is in `0..<categories`.
    public func release<G: RandomNumberGenerator>(_ category: Int, using rng: inout G) -> Int {
        precondition(
            (0..<categories).contains(category), "category \(category) is outside 0..<\(categories)")
        let keep = rng.nextUnitDouble() < truthProbability
        let other = Int(rng.next() % UInt64(categories - 1))
        if keep { return category }
        return other < category ? other : other + 1
    }

    /// Unbiased frequency estimates from reports: `(n_c/n − q) / (p − q)` per category (they sum
    /// to 1 and may fall outside [0, 1] for small samples).
    /// - Precondition: reports are in `0..<categories` and not empty.
    public func estimateFrequencies(_ reports: [Int]) -> [Double] {
        precondition(!reports.isEmpty, "frequency estimation needs reports")
        var counts = [Double](repeating: 0, count: categories)
        for r in reports {
            precondition((0..<categories).contains(r), "report \(r) is outside 0..<\(categories)")
            counts[r] += 1
        }
        let p = truthProbability, q = otherProbability
        return counts.map { ($0 / Double(reports.count) - q) / (p - q) }
    }
}
