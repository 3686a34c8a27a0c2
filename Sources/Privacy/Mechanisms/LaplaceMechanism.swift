import RealModule
import TensorCore

/// The Laplace mechanism: add Laplace(0, b) noise with b = Δ₁/ε to each coordinate of a query
/// with L1 sensitivity Δ₁; it is ε-DP (Dwork, McSherry, Nissim & Smith 2006).
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let mechanism = try LaplaceMechanism(epsilon: 0.5, l1Sensitivity: 1)  // b = 2
/// let noisyCounts = mechanism.apply(to: Tensor<Double>([10, 20]), using: &rng)
/// ```
public struct LaplaceMechanism: Sendable, Hashable {
    /// ε.
    public let epsilon: Double
    /// Δ₁, the L1 sensitivity of the query (query units).
    public let l1Sensitivity: Double

    /// A mechanism for ε-DP.
    /// - Parameters:
    ///   - epsilon: ε > 0.
    ///   - l1Sensitivity: Δ₁ > 0.
    /// - Throws: ``PrivacyError`` with `.invalidEpsilon` or `.invalidSensitivity`.
    public init(epsilon: Double, l1Sensitivity: Double = 1) throws {
        try PrivacyValidation.epsilon(epsilon)
        try PrivacyValidation.sensitivity(l1Sensitivity, name: "L1 sensitivity")
        self.epsilon = epsilon
        self.l1Sensitivity = l1Sensitivity
    }

    /// b = Δ₁/ε, the Laplace scale (the noise variance is 2b²).
    public var scale: Double { l1Sensitivity / epsilon }

    /// ε-DP.
    public var privacy: PrivacyGuarantee { .pure(epsilon: epsilon) }

    /// Rényi DP of order α (Mironov 2017, "Rényi Differential Privacy", Proposition 6), with
    /// λ = b/Δ₁ = 1/ε:
    ///
    ///     ε(α) = 1/(α−1) · log( α/(2α−1)·e^{(α−1)/λ} + (α−1)/(2α−1)·e^{−α/λ} )
    ///
    /// It increases from the KL divergence 1/λ + e^{−1/λ} − 1 (α → 1) to ε (α → ∞); composing
    /// Laplace mechanisms through RDP (``RDPAccountant/recordLaplace(_:steps:)``) is much tighter
    /// than adding up the ε's when there are many of them.
    /// - Parameter order: α > 1 (`.infinity` gives ε).
    /// - Returns: ε(α) in nats.
    public func renyiDivergence(order alpha: Double) -> Double {
        precondition(alpha > 1, "Rényi order must be > 1, got \(alpha)")
        if alpha.isInfinite { return epsilon }
        let inverseLambda = epsilon  // 1/λ = Δ₁/b = ε
        // log of the first term, plus log(1 + ratio of the second to the first) for stability.
        let first = Double.log(alpha / (2 * alpha - 1)) + (alpha - 1) * inverseLambda
        let ratio = (alpha - 1) / alpha * Double.exp(-(2 * alpha - 1) * inverseLambda)
        return (first + Double.log(onePlus: ratio)) / (alpha - 1)
    }

    /// Adds independent Laplace(0, b) noise to every element.
    /// - Parameters:
    ///   - tensor: the query answer, any shape, in query units.
    ///   - rng: the generator.
    /// - Returns: the noisy answer, same shape.
    public func apply<Scalar: TensorScalar, G: RandomNumberGenerator>(
        to tensor: Tensor<Scalar>, using rng: inout G
    ) -> Tensor<Scalar> {
        tensor + Tensor<Scalar>.laplace(shape: tensor.shape, scale: Scalar(scale), using: &rng)
    }
}
