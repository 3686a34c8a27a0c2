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
