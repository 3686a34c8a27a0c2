import RealModule

/// A learning rate as a function of the optimizer step.
///
/// `step` counts the updates already applied (0 for the first update). Optimizers in this
/// module evaluate their schedule once per ``Optimizer/update(_:along:)``.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for update number `step` (0-based).
    func learningRate(atStep step: Int) -> Double
}

/// A fixed learning rate.
public struct ConstantLearningRate: LearningRateSchedule {
    /// The learning rate.
    public var value: Double
    /// Creates a constant schedule.
    /// - Precondition: `value >= 0`.
    public init(_ value: Double) {
        precondition(value >= 0 && value.isFinite, "Learning rate must be finite and ≥ 0, got \(value)")
        self.value = value
    }
    public func learningRate(atStep step: Int) -> Double { value }
}

/// Step decay: `initial · factor^⌊step / interval⌋` (the "divide by 10 every N epochs" rule of
/// He et al. 2016; PyTorch `StepLR`).
public struct StepDecay: LearningRateSchedule {
    /// The rate at step 0.
    public var initial: Double
    /// The multiplier applied every `interval` steps (in (0, 1] to decay).
    public var factor: Double
    /// The number of steps between decays.
    public var interval: Int

    /// Creates a step-decay schedule.
    /// - Precondition: `initial >= 0`, `factor > 0`, `interval >= 1`.
    public init(initial: Double, factor: Double, interval: Int) {
        precondition(initial >= 0 && factor > 0 && interval >= 1,
            "StepDecay needs initial ≥ 0, factor > 0, interval ≥ 1; got \(initial), \(factor), \(interval)")
        self.initial = initial
        self.factor = factor
        self.interval = interval
    }
    public func learningRate(atStep step: Int) -> Double {
        initial * Double.pow(factor, Double(Swift.max(step, 0) / interval))
    }
}

/// Cosine annealing without restarts (Loshchilov & Hutter 2017, "SGDR", eq. 5):
/// `minimum + ½ (initial − minimum)(1 + cos(π · min(step, steps) / steps))`; it stays at
/// `minimum` after `steps`.
public struct CosineDecay: LearningRateSchedule {
    /// The rate at step 0.
    public var initial: Double
    /// The rate reached at `steps`.
    public var minimum: Double
    /// The length of the decay in steps.
    public var steps: Int

    /// Creates a cosine schedule.
    /// - Precondition: `initial >= minimum >= 0`, `steps >= 1`.
    public init(initial: Double, minimum: Double = 0, steps: Int) {
        precondition(initial >= minimum && minimum >= 0 && steps >= 1,
            "CosineDecay needs initial ≥ minimum ≥ 0 and steps ≥ 1; got \(initial), \(minimum), \(steps)")
        self.initial = initial
        self.minimum = minimum
        self.steps = steps
    }
    public func learningRate(atStep step: Int) -> Double {
        let t = Double(Swift.min(Swift.max(step, 0), steps)) / Double(steps)
        return minimum + 0.5 * (initial - minimum) * (1 + Double.cos(Double.pi * t))
    }
}

/// Linear warm-up in front of another schedule (Goyal et al. 2017, "Accurate, large minibatch SGD").
///
/// For `step < warmupSteps` the rate is `base(0) · (step + 1) / warmupSteps`; afterwards it is
/// `base(step − warmupSteps)`, so the base schedule starts when warm-up ends.
public struct LinearWarmup<Base: LearningRateSchedule>: LearningRateSchedule {
    /// The number of warm-up steps.
    public var warmupSteps: Int
    /// The schedule that follows warm-up.
    public var base: Base

    /// Creates a warm-up of `warmupSteps` steps followed by `base`.
    /// - Precondition: `warmupSteps >= 0`.
    public init(warmupSteps: Int, then base: Base) {
        precondition(warmupSteps >= 0, "warmupSteps must be ≥ 0, got \(warmupSteps)")
        self.warmupSteps = warmupSteps
        self.base = base
    }
    public func learningRate(atStep step: Int) -> Double {
        if step < warmupSteps {
            return base.learningRate(atStep: 0) * Double(step + 1) / Double(warmupSteps)
        }
        return base.learningRate(atStep: step - warmupSteps)
    }
}
