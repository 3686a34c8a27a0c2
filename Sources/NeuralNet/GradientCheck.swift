import TensorCore

/// Finite-difference gradient checking for layers and losses (in `Double`).
///
/// For a layer `f` and a fixed random cotangent `v`, the scalar `L(x, θ) = Σ v ⊙ f(x; θ)` has
/// `∂L/∂x = pullback(v).input` and `∂L/∂θ = pullback(v).parameters`. Each analytic entry is
/// compared with the central difference `(L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h`.
///
/// The reported error of one entry is `|a − n| / max(|a| + |n|, floor)`, the usual symmetric
/// relative error (cs231n); `floor` keeps entries that are zero up to rounding from dominating.
public enum GradientCheck {
    /// The outcome of a check: the largest relative errors found.
    public struct Report: Sendable, CustomStringConvertible {
        /// Largest relative error over the input gradient.
        public var inputError: Double
        /// Largest relative error over each parameter tensor, in parameter order.
        public var parameterErrors: [Double]
        /// Largest of all errors.
        public var maxError: Double { ([inputError] + parameterErrors).max() ?? 0 }

        public var description: String {
            "GradientCheck(input: \(inputError), parameters: \(parameterErrors))"
        }
    }

    /// Symmetric relative error of an analytic and a numerical derivative.
    @inlinable
    public static func relativeError(_ analytic: Double, _ numerical: Double, floor: Double = 1e-6) -> Double {
        abs(analytic - numerical) / Swift.max(abs(analytic) + abs(numerical), floor)
    }

    /// Checks a layer's pullback against central differences.
    ///
    /// The layer runs with `training: false` for the numerical evaluations and a copy of
    /// `rng` for each call, so stochastic layers must be checked in inference mode or with a
    /// generator that is reset per call (which this function does).
    ///
    /// - Parameters:
    ///   - layer: the layer under test.
    ///   - input: an input of the shape the layer expects.
    ///   - step: the finite-difference step `h`.
    ///   - training: the mode to run the layer in (default `false`).
    ///   - seed: seeds the cotangent and the layer's generator.
    ///   - checkInput: whether to check `∂L/∂x` (off for integer-index inputs such as `Embedding`).
    /// - Returns: the largest relative errors.
    public static func check<L: Layer>(
        _ layer: L, input: Tensor<Double>, step: Double = 1e-5, training: Bool = false,
        seed: UInt64 = 0, checkInput: Bool = true
    ) -> Report where L.Scalar == Double {
        var coRNG = Xoshiro256(seed: seed ^ 0xC0FFEE)
        var probe = Xoshiro256(seed: seed)
        let (y, pullback) = layer.forward(input, training: training, using: &probe)
        let v = Tensor<Double>.gaussian(shape: y.shape, using: &coRNG)
        let (dx, dParameters) = pullback(v)

        func objective(_ l: L, _ x: Tensor<Double>) -> Double {
            var r = Xoshiro256(seed: seed)
            let out = l.forward(x, training: training, using: &r).output
            var s = 0.0
            for i in 0..<out.count { s += out.scalars[i] * v.scalars[i] }
            return s
        }

        var inputError = 0.0
        if checkInput {
            precondition(dx.shape == input.shape, "pullback input gradient \(dx.shape) ≠ input \(input.shape)")
            for i in 0..<input.count {
                var plus = input
                plus.scalars[i] += step
                var minus = input
                minus.scalars[i] -= step
                let numerical = (objective(layer, plus) - objective(layer, minus)) / (2 * step)
                inputError = Swift.max(inputError, relativeError(dx.scalars[i], numerical))
            }
        }

        precondition(
            dParameters.count == layer.parameters.count,
            "pullback returned \(dParameters.count) parameter gradients for \(layer.parameters.count) parameters")
        var parameterErrors: [Double] = []
        for p in layer.parameters.indices {
            precondition(
                dParameters[p].shape == layer.parameters[p].shape,
                "gradient \(p) shape \(dParameters[p].shape) ≠ parameter \(layer.parameters[p].shape)")
            var worst = 0.0
            for i in 0..<layer.parameters[p].count {
                var plus = layer
                plus.parameters[p].scalars[i] += step
                var minus = layer
                minus.parameters[p].scalars[i] -= step
                let numerical = (objective(plus, input) - objective(minus, input)) / (2 * step)
                worst = Swift.max(worst, relativeError(dParameters[p].scalars[i], numerical))
            }
            parameterErrors.append(worst)
        }
        return Report(inputError: inputError, parameterErrors: parameterErrors)
    }

    /// Checks a scalar function's gradient (e.g. a loss with respect to its predictions).
    ///
    /// - Parameters:
    ///   - function: returns the value and the analytic gradient at a point.
    ///   - point: where to check.
    ///   - step: the finite-difference step `h`.
    /// - Returns: the largest relative error over all entries.
    public static func check(
        _ function: (Tensor<Double>) -> (value: Double, gradient: Tensor<Double>),
        at point: Tensor<Double>, step: Double = 1e-5
    ) -> Double {
        let (_, gradient) = function(point)
        precondition(gradient.shape == point.shape, "gradient \(gradient.shape) ≠ point \(point.shape)")
        var worst = 0.0
        for i in 0..<point.count {
            var plus = point
            plus.scalars[i] += step
            var minus = point
            minus.scalars[i] -= step
            let numerical = (function(plus).value - function(minus).value) / (2 * step)
            worst = Swift.max(worst, relativeError(gradient.scalars[i], numerical))
        }
        return worst
    }
}
