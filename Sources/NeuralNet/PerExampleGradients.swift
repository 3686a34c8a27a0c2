import TensorCore

/// A layer that can return the gradient of each example of a batch separately.
///
/// Differentially private SGD (Abadi et al. 2016) clips every example's gradient before
/// summing, so it needs `∂ℓᵢ/∂θ` for each example `i`, not only their sum. Layers that
/// conform compute these directly from the saved input and the output gradient (as Opacus's
/// `grad_sample` functions do), without a backward pass per example.
public protocol PerExampleDifferentiable: Layer {
    /// Per-example parameter gradients.
    ///
    /// - Parameters:
    ///   - input: the batch the layer was applied to, batch axis first.
    ///   - outputGradient: `∂L/∂output` for that batch, where `L = Σᵢ ℓᵢ`.
    /// - Returns: one tensor per parameter, in ``Layer/parameters`` order, of shape
    ///   `[batch] + parameter.shape`; slice `i` is `∂ℓᵢ/∂θ`. Summing over the batch axis gives
    ///   the pullback's parameter gradient.
    func perExampleGradients(input: Tensor<Scalar>, outputGradient: Tensor<Scalar>) -> [Tensor<Scalar>]
}
