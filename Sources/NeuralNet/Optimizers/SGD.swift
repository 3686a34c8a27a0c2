import TensorCore

/// Stochastic gradient descent with momentum, optional Nesterov momentum and L2 weight decay.
///
/// Per element, with gradient `g`, parameter `p`, velocity `v` (starting at 0), rate `η`:
/// ```
/// g ← g + weightDecay · p
/// v ← momentum · v + g                                  (if momentum > 0)
/// d ← nesterov ? g + momentum · v : v                   (d = g without momentum)
/// p ← p − η · d
/// ```
/// This is PyTorch's `torch.optim.SGD` with `dampening = 0` (momentum as in Sutskever et al. 2013;
/// the Nesterov form is Sutskever's reformulation of Nesterov 1983).
public struct SGD<Scalar: TensorScalar>: Optimizer {
    /// The learning-rate schedule, evaluated at ``step``.
    public var schedule: any LearningRateSchedule
    /// The momentum coefficient `μ` in `[0, 1)`.
    public var momentum: Scalar
    /// Use Nesterov momentum.
    public var nesterov: Bool
    /// The L2 penalty coefficient added to the gradient.
    public var weightDecay: Scalar
    /// The number of updates applied so far.
    public private(set) var step = 0
    private var velocity: [Tensor<Scalar>] = []

    /// Creates an SGD optimizer with a constant learning rate.
    /// - Parameters:
    ///   - learningRate: `η > 0`.
    ///   - momentum: `μ` in `[0, 1)` (0: plain SGD).
    ///   - nesterov: use Nesterov momentum (needs `momentum > 0`).
    ///   - weightDecay: L2 coefficient `≥ 0`.
    public init(learningRate: Double, momentum: Scalar = 0, nesterov: Bool = false, weightDecay: Scalar = 0) {
        self.init(schedule: ConstantLearningRate(learningRate), momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
    }

    /// Creates an SGD optimizer with a learning-rate schedule.
    public init(schedule: any LearningRateSchedule, momentum: Scalar = 0, nesterov: Bool = false, weightDecay: Scalar = 0) {
        precondition(momentum >= 0 && momentum < 1, "SGD momentum must be in [0, 1), got \(momentum)")
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        precondition(weightDecay >= 0, "SGD weight decay must be ≥ 0, got \(weightDecay)")
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) {
        checkOptimizerArguments("SGD", parameters, gradients, state: velocity)
        if momentum > 0 && velocity.isEmpty {
            velocity = parameters.map { Tensor(zeros: $0.shape) }
        }
        let rate = Scalar(schedule.learningRate(atStep: step))
        for k in parameters.indices {
            parameters[k].scalars.withUnsafeMutableBufferPointer { p in
                gradients[k].scalars.withUnsafeBufferPointer { g in
                    if momentum > 0 {
                        velocity[k].scalars.withUnsafeMutableBufferPointer { v in
                            sgdKernel(p, g, v, rate: rate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
                        }
                    } else {
                        sgdKernel(p, g, p, rate: rate, momentum: 0, nesterov: false, weightDecay: weightDecay)
                    }
                }
            }
        }
        step += 1
    }
}

/// One SGD step over a buffer; `v` is ignored when `momentum == 0`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func sgdKernel<Scalar: TensorScalar>(
    _ p: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>, _ v: UnsafeMutableBufferPointer<Scalar>,
    rate: Scalar, momentum: Scalar, nesterov: Bool, weightDecay: Scalar
) {
    if momentum == 0 {
        for i in 0..<p.count {
            p[i] -= rate * (g[i] + weightDecay * p[i])
        }
        return
    }
    for i in 0..<p.count {
        let gi = g[i] + weightDecay * p[i]
        let vi = momentum * v[i] + gi
        v[i] = vi
        p[i] -= rate * (nesterov ? gi + momentum * vi : vi)
    }
}
