import TensorCore

/// A differentiable building block with hand-written backpropagation.
///
/// The shape follows tensorflow/swift-apis' `appliedForBackpropagation(to:)`: ``forward(_:training:using:)``
/// returns the output together with a *pullback* that maps the gradient of the loss with
/// respect to the output to the gradients with respect to the input and to each parameter.
///
/// Parameters are a flat, ordered list of tensors (``parameters``); the order is stable and
/// documented per layer, and is what optimizers, checkpoints, federated averaging and DP
/// clipping all share. A layer's gradient list has the same order and shapes.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let dense = Dense<Float>(inputSize: 4, outputSize: 2, using: &rng)
/// let (y, pullback) = dense.forward(x, training: true, using: &rng)
/// let (dx, grads) = pullback(dLossdY)   // grads == [dW, db]
/// ```
public protocol Layer<Scalar>: Sendable {
    /// The element type of the layer's tensors.
    associatedtype Scalar: TensorScalar

    /// Trainable tensors in a stable, documented order.
    var parameters: [Tensor<Scalar>] { get set }

    /// Runs the layer and returns its output and pullback.
    ///
    /// - Parameters:
    ///   - input: the input batch (shape documented per layer).
    ///   - training: `true` in training (dropout active, statistics updated).
    ///   - rng: randomness for stochastic layers (dropout); others leave it untouched.
    /// - Returns: the output and a closure mapping `∂L/∂output` to `(∂L/∂input, [∂L/∂parameter])`.
    func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>]))

    /// Inference: the output only, no pullback kept (may be faster than `forward`).
    func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}
