// Concrete dispatch for the numeric kernels of this module.
//
// Generic code called from another module runs unspecialized (TensorCore's `@inlinable`
// functions are only specialized where the caller is). Each kernel therefore has a generic
// `…Body` and a dispatcher that checks the scalar type at run time, once per call, and calls the
// body with concrete `Float` or `Double` types, which the compiler specializes. The bit casts
// below are identity conversions: they run only after `Scalar.self == Float.self` (or Double).

import Synchronization
import TensorCore

/// Reinterprets a value as the type it is known (checked at run time) to have.
@inline(__always)
private func same<A, B>(_ value: A) -> B {
    unsafeBitCast(value, to: B.self)
}

// The `reusing` arrays below are `consuming` and handed on with `consume`, each cast in its own
// statement: the kernel that writes into a spare array must hold its only reference, or the first
// write copies it (copy-on-write), which costs what the reuse is meant to save.

/// `x · W + b`, rectified (`max(·, 0)`) when `relu`, written into `storage` when it fits.
func denseForward<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ b: Tensor<Scalar>, relu: Bool = false,
    reusing storage: consuming [Scalar]? = nil
) -> Tensor<Scalar> {
    if Scalar.self == Float.self {
        let spare: [Float]? = same(consume storage)
        return same(
            denseForwardBody(
                same(x) as Tensor<Float>, same(w) as Tensor<Float>, same(b) as Tensor<Float>, relu: relu,
                reusing: consume spare))
    }
    if Scalar.self == Double.self {
        let spare: [Double]? = same(consume storage)
        return same(
            denseForwardBody(
                same(x) as Tensor<Double>, same(w) as Tensor<Double>, same(b) as Tensor<Double>, relu: relu,
                reusing: consume spare))
    }
    return denseForwardBody(x, w, b, relu: relu, reusing: consume storage)
}

/// `(∂L/∂x, ∂L/∂W, ∂L/∂b)` of a dense layer, `∂L/∂x` written into `storage` when it fits.
func denseBackward<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ g: Tensor<Scalar>, inputGradient: Bool,
    reusing storage: consuming [Scalar]? = nil
) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
    if Scalar.self == Float.self {
        let spare: [Float]? = same(consume storage)
        return same(
            denseBackwardBody(
                same(x) as Tensor<Float>, same(w) as Tensor<Float>, same(g) as Tensor<Float>,
                inputGradient: inputGradient,
                reusing: consume spare))
    }
    if Scalar.self == Double.self {
        let spare: [Double]? = same(consume storage)
        return same(
            denseBackwardBody(
                same(x) as Tensor<Double>, same(w) as Tensor<Double>, same(g) as Tensor<Double>,
                inputGradient: inputGradient, reusing: consume spare))
    }
    return denseBackwardBody(x, w, g, inputGradient: inputGradient, reusing: consume storage)
}

/// The ReLU pullback from the saved output, `g ⊙ (y > 0)`, written into `storage` when it fits.
func reluBackward<Scalar: TensorScalar>(
    output y: Tensor<Scalar>, gradient g: Tensor<Scalar>, reusing storage: consuming [Scalar]?
) -> Tensor<Scalar> {
    guard Scalar.self == Float.self, var out = consume storage, out.count == y.count else {
        return activationBackward(.relu, input: y, output: y, gradient: g)
    }
    precondition(g.shape == y.shape, "Activation pullback: gradient \(g.shape) ≠ output \(y.shape)")
    let yf: Tensor<Float> = same(y)
    let gf: Tensor<Float> = same(g)
    out.withUnsafeMutableBufferPointer { d in
        yf.scalars.withUnsafeBufferPointer { yp in
            gf.scalars.withUnsafeBufferPointer { gp in
                reluBackwardFloat(yp, gp, same(d) as UnsafeMutableBufferPointer<Float>)
            }
        }
    }
    return Tensor(shape: y.shape, scalars: out)
}

/// The Float dense chain `layers` (each rectified when `relu[k]`) prepared for inference on up
/// to ``SmallDense/preferredMaximumRows`` rows: weights copied into aligned storage once.
/// - Precondition (checked by the caller): `Scalar == Float` and the sizes chain, all ≥ 1.
func preparedDenseChain<Scalar: TensorScalar>(layers: [Dense<Scalar>], relu: [Bool]) -> SmallDense.Chain {
    precondition(Scalar.self == Float.self, "preparedDenseChain is Float only")
    let dense: [Dense<Float>] = same(layers)
    return SmallDense.Chain(weights: dense.map(\.weight), biases: dense.map(\.bias), relu: relu)
}

/// Inference of a prepared chain on a few rows: every layer through ``SmallDense`` (bias, product
/// and ReLU in one pass), the intermediates in the chain's scratch, only the output allocated; the
/// same arithmetic as layer by layer.
/// - Precondition (checked by the caller): `Scalar == Float`, the input's last extent is the
///   chain's input size and it has 1…``SmallDense/preferredMaximumRows`` rows.
func smallBatchDenseChain<Scalar: TensorScalar>(_ input: Tensor<Scalar>, chain: SmallDense.Chain) -> Tensor<Scalar> {
    precondition(Scalar.self == Float.self, "smallBatchDenseChain is Float only")
    return same(chain(same(input) as Tensor<Float>))
}

/// A ``SmallDense/Chain`` built on first use and shared by the copies of one ``Sequential`` that
/// have the same parameters.
final class PreparedChainBox: Sendable {
    private let prepared = Mutex<SmallDense.Chain?>(nil)

    /// The chain, prepared by `build` on the first call.
    func chain(_ build: () -> SmallDense.Chain) -> SmallDense.Chain {
        prepared.withLock { chain in
            if let chain { return chain }
            let built = build()
            chain = built
            return built
        }
    }
}

func densePerExample<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ g: Tensor<Scalar>, inputSize: Int, outputSize: Int
) -> (Tensor<Scalar>, Tensor<Scalar>) {
    if Scalar.self == Float.self {
        return same(
            densePerExampleBody(
                same(x) as Tensor<Float>, same(g) as Tensor<Float>, inputSize: inputSize, outputSize: outputSize))
    }
    if Scalar.self == Double.self {
        return same(
            densePerExampleBody(
                same(x) as Tensor<Double>, same(g) as Tensor<Double>, inputSize: inputSize, outputSize: outputSize))
    }
    return densePerExampleBody(x, g, inputSize: inputSize, outputSize: outputSize)
}

func activationApply<Scalar: TensorScalar>(_ kind: ActivationKind, _ x: Tensor<Scalar>) -> Tensor<Scalar> {
    if Scalar.self == Float.self && kind == .relu {
        let xf: Tensor<Float> = same(x)
        let out = [Float](unsafeUninitializedCapacity: xf.count) { y, initialized in
            xf.scalars.withUnsafeBufferPointer { xp in
                reluForwardFloat(xp, y)
            }
            initialized = xf.count
        }
        return same(Tensor(shape: xf.shape, scalars: out))
    }
    if Scalar.self == Float.self {
        return same(activationApplyBody(kind, same(x) as Tensor<Float>))
    }
    if Scalar.self == Double.self {
        return same(activationApplyBody(kind, same(x) as Tensor<Double>))
    }
    return activationApplyBody(kind, x)
}

func activationBackward<Scalar: TensorScalar>(
    _ kind: ActivationKind, input x: Tensor<Scalar>, output y: Tensor<Scalar>, gradient g: Tensor<Scalar>
) -> Tensor<Scalar> {
    if Scalar.self == Float.self && kind == .relu {
        precondition(g.shape == y.shape, "Activation pullback: gradient \(g.shape) ≠ output \(y.shape)")
        let yf: Tensor<Float> = same(y)
        let gf: Tensor<Float> = same(g)
        let out = [Float](unsafeUninitializedCapacity: yf.count) { d, initialized in
            yf.scalars.withUnsafeBufferPointer { yp in
                gf.scalars.withUnsafeBufferPointer { gp in
                    reluBackwardFloat(yp, gp, d)
                }
            }
            initialized = yf.count
        }
        return same(Tensor(shape: yf.shape, scalars: out))
    }
    if Scalar.self == Float.self {
        return same(
            activationBackwardBody(
                kind, input: same(x) as Tensor<Float>, output: same(y) as Tensor<Float>,
                gradient: same(g) as Tensor<Float>))
    }
    if Scalar.self == Double.self {
        return same(
            activationBackwardBody(
                kind, input: same(x) as Tensor<Double>, output: same(y) as Tensor<Double>,
                gradient: same(g) as Tensor<Double>))
    }
    return activationBackwardBody(kind, input: x, output: y, gradient: g)
}

func softmaxCrossEntropyKernel<Scalar: TensorScalar>(
    _ logits: Tensor<Scalar>, _ labels: [Int], scale: Scalar
) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    if Scalar.self == Float.self {
        return same(softmaxCrossEntropyKernelBody(same(logits) as Tensor<Float>, labels, scale: same(scale) as Float))
    }
    if Scalar.self == Double.self {
        return same(softmaxCrossEntropyKernelBody(same(logits) as Tensor<Double>, labels, scale: same(scale) as Double))
    }
    return softmaxCrossEntropyKernelBody(logits, labels, scale: scale)
}

func elementwiseLoss<Scalar: TensorScalar>(
    _ kind: ElementwiseLossKind, _ p: Tensor<Scalar>, _ t: Tensor<Scalar>, perExample: Bool
) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    if Scalar.self == Float.self {
        return same(
            elementwiseLossBody(kind, same(p) as Tensor<Float>, same(t) as Tensor<Float>, perExample: perExample))
    }
    if Scalar.self == Double.self {
        return same(
            elementwiseLossBody(kind, same(p) as Tensor<Double>, same(t) as Tensor<Double>, perExample: perExample))
    }
    return elementwiseLossBody(kind, p, t, perExample: perExample)
}

func hingeKernel<Scalar: TensorScalar>(
    _ scores: Tensor<Scalar>, _ labels: [Int], squared: Bool, scale: Scalar
) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    if Scalar.self == Float.self {
        return same(
            hingeKernelBody(same(scores) as Tensor<Float>, labels, squared: squared, scale: same(scale) as Float))
    }
    if Scalar.self == Double.self {
        return same(
            hingeKernelBody(same(scores) as Tensor<Double>, labels, squared: squared, scale: same(scale) as Double))
    }
    return hingeKernelBody(scores, labels, squared: squared, scale: scale)
}

func sgdKernel<Scalar: TensorScalar>(
    _ p: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>, _ v: UnsafeMutableBufferPointer<Scalar>,
    rate: Scalar, momentum: Scalar, nesterov: Bool, weightDecay: Scalar
) {
    if Scalar.self == Float.self {
        sgdKernelBody(
            same(p) as UnsafeMutableBufferPointer<Float>, same(g) as UnsafeBufferPointer<Float>,
            same(v) as UnsafeMutableBufferPointer<Float>, rate: same(rate) as Float, momentum: same(momentum) as Float,
            nesterov: nesterov, weightDecay: same(weightDecay) as Float)
    } else if Scalar.self == Double.self {
        sgdKernelBody(
            same(p) as UnsafeMutableBufferPointer<Double>, same(g) as UnsafeBufferPointer<Double>,
            same(v) as UnsafeMutableBufferPointer<Double>, rate: same(rate) as Double,
            momentum: same(momentum) as Double, nesterov: nesterov, weightDecay: same(weightDecay) as Double)
    } else {
        sgdKernelBody(p, g, v, rate: rate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
    }
}

func adamKernel<Scalar: TensorScalar>(
    _ p: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>,
    _ m: UnsafeMutableBufferPointer<Scalar>, _ v: UnsafeMutableBufferPointer<Scalar>, _ c: AdamConstants<Scalar>
) {
    if Scalar.self == Float.self {
        adamKernelFloat(
            same(p) as UnsafeMutableBufferPointer<Float>, same(g) as UnsafeBufferPointer<Float>,
            same(m) as UnsafeMutableBufferPointer<Float>, same(v) as UnsafeMutableBufferPointer<Float>,
            same(c) as AdamConstants<Float>)
    } else if Scalar.self == Double.self {
        adamKernelBody(
            same(p) as UnsafeMutableBufferPointer<Double>, same(g) as UnsafeBufferPointer<Double>,
            same(m) as UnsafeMutableBufferPointer<Double>, same(v) as UnsafeMutableBufferPointer<Double>,
            same(c) as AdamConstants<Double>)
    } else {
        adamKernelBody(p, g, m, v, c)
    }
}

// MARK: - Float SIMD kernels (branch-free; eight lanes per iteration)

// `reluForwardFloat` lives in TensorCore (package access): `BatchDense` applies it per block.

/// `d = y > 0 ? g : 0` (the ReLU pullback from the saved output).
func reluBackwardFloat(
    _ y: UnsafeBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ d: UnsafeMutableBufferPointer<Float>
) {
    let n = y.count
    guard n > 0, let yb = y.baseAddress, let gb = g.baseAddress, let db = d.baseAddress else { return }
    let zero = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let yv = UnsafeRawPointer(yb + i).loadUnaligned(as: SIMD8<Float>.self)
        let gv = UnsafeRawPointer(gb + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(db + i).storeBytes(
            of: zero.replacing(with: gv, where: yv .> zero), as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        db[i] = yb[i] > 0 ? gb[i] : 0
        i += 1
    }
}

/// The Adam step of ``adamKernelBody(_:_:_:_:_:)`` on Float through TensorCore's ``AdamKernel``
/// (AVX, split on the pool; the same bits as the scalar body).
func adamKernelFloat(
    _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
    _ m: UnsafeMutableBufferPointer<Float>, _ v: UnsafeMutableBufferPointer<Float>, _ c: AdamConstants<Float>,
    vectorized: Bool = true, threads: Int? = nil
) {
    AdamKernel.step(
        p, g, m, v, stepSize: c.stepSize, inverseRootCorrection2: c.inverseRootCorrection2, beta1: c.beta1,
        beta2: c.beta2, epsilon: c.epsilon, weightDecay: c.weightDecay, decay: c.decay, vectorized: vectorized,
        threads: threads)
}
