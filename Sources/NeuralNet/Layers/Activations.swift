import RealModule
import TensorCore

// Element-wise activation layers. Each is parameter-free (`parameters == []`), accepts any
// shape and returns the same shape. The pullback reuses the saved output (ReLU, Tanh, Sigmoid)
// or input (GELU), so backpropagation costs one pass.

/// The element-wise activation functions, with their derivatives.
enum ActivationKind: Sendable {
    case relu, gelu, tanh, sigmoid
}

/// Rectified linear unit: `y = max(x, 0)` (Nair & Hinton 2010).
///
/// Derivative 1 for `x > 0` and 0 otherwise (the subgradient 0 is used at `x = 0`).
/// Any shape; parameter-free.
public struct ReLU<Scalar: TensorScalar>: Layer {
    /// Creates the layer.
    public init() {}
    /// Always empty.
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set { precondition(newValue.isEmpty, "ReLU has no parameters, got \(newValue.count)") }
    }
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        activationForward(.relu, input)
    }
    /// Applies `max(x, 0)` element-wise.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { activationApply(.relu, input) }
}

/// Gaussian error linear unit, **tanh approximation** (Hendrycks & Gimpel 2016, eq. in §2):
/// `y = ½ x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
///
/// This is PyTorch's `gelu(approximate="tanh")` and the form used by GPT-2/BERT; it differs from
/// the exact `x Φ(x)` by less than about 5·10⁻⁴ in absolute value. The pullback is the exact
/// derivative of this approximation. Any shape; parameter-free.
public struct GELU<Scalar: TensorScalar>: Layer {
    /// Creates the layer.
    public init() {}
    /// Always empty.
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set { precondition(newValue.isEmpty, "GELU has no parameters, got \(newValue.count)") }
    }
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        activationForward(.gelu, input)
    }
    /// Applies the tanh-approximated GELU element-wise.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { activationApply(.gelu, input) }
}

/// Hyperbolic tangent: `y = tanh x`, derivative `1 − y²`. Any shape; parameter-free.
public struct Tanh<Scalar: TensorScalar>: Layer {
    /// Creates the layer.
    public init() {}
    /// Always empty.
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set { precondition(newValue.isEmpty, "Tanh has no parameters, got \(newValue.count)") }
    }
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        activationForward(.tanh, input)
    }
    /// Applies `tanh` element-wise.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { activationApply(.tanh, input) }
}

/// Logistic sigmoid: `y = 1 / (1 + e⁻ˣ)`, computed without overflow for large `|x|`;
/// derivative `y (1 − y)`. Any shape; parameter-free.
public struct Sigmoid<Scalar: TensorScalar>: Layer {
    /// Creates the layer.
    public init() {}
    /// Always empty.
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set { precondition(newValue.isEmpty, "Sigmoid has no parameters, got \(newValue.count)") }
    }
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        activationForward(.sigmoid, input)
    }
    /// Applies the logistic sigmoid element-wise.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { activationApply(.sigmoid, input) }
}

/// `√(2/π)`, the GELU tanh-approximation constant.
private let geluC = 0.7978845608028654
/// The cubic coefficient of the GELU tanh approximation.
private let geluA = 0.044715

@inline(__always)
func stableSigmoid<Scalar: TensorScalar>(_ x: Scalar) -> Scalar {
    if x >= 0 {
        return 1 / (1 + Scalar.exp(-x))
    }
    let e = Scalar.exp(x)
    return e / (1 + e)
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func activationApply<Scalar: TensorScalar>(_ kind: ActivationKind, _ x: Tensor<Scalar>) -> Tensor<Scalar> {
    let n = x.count
    let out = [Scalar](unsafeUninitializedCapacity: n) { y, initialized in
        x.scalars.withUnsafeBufferPointer { xp in
            switch kind {
            case .relu:
                for i in 0..<n { y[i] = xp[i] > 0 ? xp[i] : 0 }
            case .gelu:
                let c = Scalar(geluC)
                let a = Scalar(geluA)
                for i in 0..<n {
                    let v = xp[i]
                    y[i] = v * (1 + Scalar.tanh(c * (v + a * v * v * v))) / 2
                }
            case .tanh:
                for i in 0..<n { y[i] = Scalar.tanh(xp[i]) }
            case .sigmoid:
                for i in 0..<n { y[i] = stableSigmoid(xp[i]) }
            }
        }
        initialized = n
    }
    return Tensor(shape: x.shape, scalars: out)
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func activationBackward<Scalar: TensorScalar>(
    _ kind: ActivationKind, input x: Tensor<Scalar>, output y: Tensor<Scalar>, gradient g: Tensor<Scalar>
) -> Tensor<Scalar> {
    precondition(g.shape == y.shape, "Activation pullback: gradient \(g.shape) ≠ output \(y.shape)")
    let n = y.count
    let out = [Scalar](unsafeUninitializedCapacity: n) { d, initialized in
        y.scalars.withUnsafeBufferPointer { yp in
            g.scalars.withUnsafeBufferPointer { gp in
                switch kind {
                case .relu:
                    for i in 0..<n { d[i] = yp[i] > 0 ? gp[i] : 0 }
                case .gelu:
                    let c = Scalar(geluC)
                    let a = Scalar(geluA)
                    x.scalars.withUnsafeBufferPointer { xp in
                        for i in 0..<n {
                            let v = xp[i]
                            let t = Scalar.tanh(c * (v + a * v * v * v))
                            let dt = (1 - t * t) * c * (1 + 3 * a * v * v)
                            d[i] = gp[i] * ((1 + t) + v * dt) / 2
                        }
                    }
                case .tanh:
                    for i in 0..<n { d[i] = gp[i] * (1 - yp[i] * yp[i]) }
                case .sigmoid:
                    for i in 0..<n { d[i] = gp[i] * yp[i] * (1 - yp[i]) }
                }
            }
        }
        initialized = n
    }
    return Tensor(shape: y.shape, scalars: out)
}

func activationForward<Scalar: TensorScalar>(
    _ kind: ActivationKind, _ input: Tensor<Scalar>
) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
    let output = activationApply(kind, input)
    // Only GELU needs the input; the others differentiate from the output.
    let saved = kind == .gelu ? input : output
    return (
        output,
        { gradient in
            (activationBackward(kind, input: saved, output: output, gradient: gradient), [])
        }
    )
}
