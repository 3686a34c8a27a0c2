import RealModule
import TensorCore

/// Adam (Kingma & Ba 2015, "Adam: A method for stochastic optimization", Algorithm 1), with bias
/// correction, optional L2 weight decay, and the decoupled weight decay of AdamW.
///
/// Per element, at step `t = 1, 2, …`, with rate `η`:
/// ```
/// p ← p − η · λ_decoupled · p                      (AdamW only)
/// g ← g + λ_L2 · p                                 (Adam with weightDecay only)
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// p ← p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// The last line is the paper's update with `ε` applied to the bias-corrected `√v̂` (as PyTorch
/// does), which differs from the paper's "efficient version" only in where `ε` enters.
/// Use ``AdamW`` for decoupled weight decay.
public struct Adam<Scalar: TensorScalar>: Optimizer {
    /// The learning-rate schedule, evaluated at ``step``.
    public var schedule: any LearningRateSchedule
    /// Exponential decay of the first-moment estimate, `β₁ ∈ [0, 1)`.
    public var beta1: Scalar
    /// Exponential decay of the second-moment estimate, `β₂ ∈ [0, 1)`.
    public var beta2: Scalar
    /// Added to the denominator for numerical stability.
    public var epsilon: Scalar
    /// L2 penalty added to the gradient (coupled weight decay, as in PyTorch `Adam(weight_decay:)`).
    public var weightDecay: Scalar
    /// Decoupled weight decay (AdamW); 0 for Adam.
    var decoupledWeightDecay: Scalar = 0
    /// The number of updates applied so far.
    public private(set) var step = 0
    private var firstMoments: [Tensor<Scalar>] = []
    private var secondMoments: [Tensor<Scalar>] = []

    /// Creates Adam with a constant learning rate (defaults from the paper: η = 10⁻³,
    /// β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸).
    public init(
        learningRate: Double = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
        weightDecay: Scalar = 0
    ) {
        self.init(
            schedule: ConstantLearningRate(learningRate), beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay)
    }

    /// Creates Adam with a learning-rate schedule.
    public init(
        schedule: any LearningRateSchedule, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
        weightDecay: Scalar = 0
    ) {
        precondition(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1), got \(beta1), \(beta2)")
        precondition(epsilon > 0, "Adam epsilon must be > 0, got \(epsilon)")
        precondition(weightDecay >= 0, "Adam weight decay must be ≥ 0, got \(weightDecay)")
        self.schedule = schedule
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) {
        checkOptimizerArguments("Adam", parameters, gradients, state: firstMoments)
        if firstMoments.isEmpty {
            firstMoments = parameters.map { Tensor(zeros: $0.shape) }
            secondMoments = firstMoments
        }
        let rate = schedule.learningRate(atStep: step)
        step += 1
        let t = Double(step)
        let correction1 = 1 - Double.pow(Double(beta1), t)
        let correction2 = 1 - Double.pow(Double(beta2), t)
        let constants = AdamConstants(
            stepSize: Scalar(rate / correction1), inverseRootCorrection2: Scalar(1 / correction2.squareRoot()),
            beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
            decay: Scalar(rate) * decoupledWeightDecay)
        for k in parameters.indices {
            parameters[k].scalars.withUnsafeMutableBufferPointer { p in
                gradients[k].scalars.withUnsafeBufferPointer { g in
                    firstMoments[k].scalars.withUnsafeMutableBufferPointer { m in
                        secondMoments[k].scalars.withUnsafeMutableBufferPointer { v in
                            adamKernel(p, g, m, v, constants)
                        }
                    }
                }
            }
        }
    }
}

/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled weight decay
/// regularization", Algorithm 2).
///
/// Each step first shrinks every parameter, `p ← p − η λ p`, then applies the Adam update of the
/// raw gradient (the decay never enters the moment estimates). As in PyTorch `AdamW`, the decay is
/// scaled by the scheduled rate `η` (the paper's schedule multiplier `ηₜ` times `α`).
public struct AdamW<Scalar: TensorScalar>: Optimizer {
    private var adam: Adam<Scalar>

    /// The number of updates applied so far.
    public var step: Int { adam.step }
    /// The decoupled weight-decay coefficient `λ`.
    public var weightDecay: Scalar {
        get { adam.decoupledWeightDecay }
        set { adam.decoupledWeightDecay = newValue }
    }
    /// The learning-rate schedule.
    public var schedule: any LearningRateSchedule {
        get { adam.schedule }
        set { adam.schedule = newValue }
    }

    /// Creates AdamW with a constant learning rate (PyTorch defaults: λ = 0.01).
    public init(
        learningRate: Double = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
        weightDecay: Scalar = 0.01
    ) {
        self.init(schedule: ConstantLearningRate(learningRate), beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
    }

    /// Creates AdamW with a learning-rate schedule.
    public init(
        schedule: any LearningRateSchedule, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
        weightDecay: Scalar = 0.01
    ) {
        precondition(weightDecay >= 0, "AdamW weight decay must be ≥ 0, got \(weightDecay)")
        adam = Adam(schedule: schedule, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: 0)
        adam.decoupledWeightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) {
        adam.update(&parameters, along: gradients)
    }
}

struct AdamConstants<Scalar: TensorScalar> {
    var stepSize: Scalar
    var inverseRootCorrection2: Scalar
    var beta1: Scalar
    var beta2: Scalar
    var epsilon: Scalar
    var weightDecay: Scalar
    /// `η · λ` of decoupled weight decay.
    var decay: Scalar
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func adamKernel<Scalar: TensorScalar>(
    _ p: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>,
    _ m: UnsafeMutableBufferPointer<Scalar>, _ v: UnsafeMutableBufferPointer<Scalar>, _ c: AdamConstants<Scalar>
) {
    let oneMinusBeta1 = 1 - c.beta1
    let oneMinusBeta2 = 1 - c.beta2
    let keep = 1 - c.decay
    for i in 0..<p.count {
        var pi = p[i] * keep
        let gi = g[i] + c.weightDecay * pi
        let mi = c.beta1 * m[i] + oneMinusBeta1 * gi
        let vi = c.beta2 * v[i] + oneMinusBeta2 * gi * gi
        m[i] = mi
        v[i] = vi
        pi -= c.stepSize * mi / (vi.squareRoot() * c.inverseRootCorrection2 + c.epsilon)
        p[i] = pi
    }
}
