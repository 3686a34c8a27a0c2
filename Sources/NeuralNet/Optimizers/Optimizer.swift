import TensorCore

/// An update rule for a flat, ordered parameter list.
///
/// The shape follows tensorflow/swift-apis' `Optimizer.update(_:along:)`: the optimizer keeps
/// its own state (momenta, moment estimates, the step count) per position in the list, so call it
/// with the same parameter list (same order and shapes) every step.
///
/// ```swift
/// var optimizer = Adam<Float>(learningRate: 1e-3)
/// let gradients = pullback(dLoss).parameters
/// optimizer.update(&model.parameters, along: gradients)
/// ```
public protocol Optimizer<Scalar>: Sendable {
    /// The element type of the parameters.
    associatedtype Scalar: TensorScalar

    /// Applies one update step in place.
    /// - Parameters:
    ///   - parameters: the parameters, updated in place.
    ///   - gradients: `∂L/∂parameters`, same count and shapes.
    /// - Precondition: counts and shapes agree with each other and with earlier calls.
    mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>])
}

/// Checks that a gradient list matches a parameter list (and the optimizer's state, if any).
func checkOptimizerArguments<Scalar: TensorScalar>(
    _ name: String, _ parameters: [Tensor<Scalar>], _ gradients: [Tensor<Scalar>], state: [Tensor<Scalar>]
) {
    precondition(
        parameters.count == gradients.count,
        "\(name): \(parameters.count) parameters but \(gradients.count) gradients")
    for i in parameters.indices where parameters[i].shape != gradients[i].shape {
        preconditionFailure("\(name): parameter \(i) has shape \(parameters[i].shape), gradient \(gradients[i].shape)")
    }
    if !state.isEmpty {
        precondition(
            state.count == parameters.count,
            "\(name): state was created for \(state.count) tensors, now called with \(parameters.count)")
        for i in parameters.indices where parameters[i].shape != state[i].shape {
            preconditionFailure(
                "\(name): parameter \(i) has shape \(parameters[i].shape), state was created for \(state[i].shape)")
        }
    }
}
