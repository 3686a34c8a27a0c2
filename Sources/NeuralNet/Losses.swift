import RealModule
import TensorCore

/// Loss functions with their gradients with respect to the predictions.
///
/// Every loss comes in two forms:
/// - the **batch** form returns the mean loss and `∂(mean loss)/∂predictions` (the reduction
///   is stated per function: a mean over the batch, or over all elements);
/// - the **per-example** form (`…PerExample`) returns the `[batch]` losses `ℓᵢ` and
///   `∂(Σᵢ ℓᵢ)/∂predictions`, whose row `i` is `∂ℓᵢ/∂predictionsᵢ`: what
///   ``PerExampleDifferentiable`` and DP-SGD expect. The mean of the `ℓᵢ` is the batch loss.
///
/// All losses on logits are computed in a numerically stable way (log-sum-exp, softplus).
public enum Losses {
    /// Softmax cross-entropy on logits with integer labels, mean over the batch.
    ///
    /// `ℓᵢ = −log softmax(zᵢ)[yᵢ] = logsumexp(zᵢ) − zᵢ,yᵢ`; gradient `(softmax(zᵢ) − onehot(yᵢ)) / batch`.
    /// Matches PyTorch's `cross_entropy(logits, labels)` (reduction "mean").
    /// - Parameters:
    ///   - logits: `[batch, classes]` unnormalized scores.
    ///   - labels: `batch` class indices in `0..<classes`.
    /// - Returns: the mean loss (nats) and `∂loss/∂logits`, `[batch, classes]`.
    /// - Precondition: shapes agree and labels are in range.
    public static func softmaxCrossEntropy<Scalar: TensorScalar>(
        logits: Tensor<Scalar>, labels: [Int]
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (values, gradient) = softmaxCrossEntropyKernel(logits, labels, scale: 1 / Scalar(Swift.max(labels.count, 1)))
        return (mean(values), gradient)
    }

    /// Per-example softmax cross-entropy: `[batch]` losses and `∂(Σᵢ ℓᵢ)/∂logits`.
    /// - Parameters:
    ///   - logits: `[batch, classes]`.
    ///   - labels: `batch` class indices.
    /// - Returns: `values` `[batch]` (nats) and `gradient` `[batch, classes]`.
    public static func softmaxCrossEntropyPerExample<Scalar: TensorScalar>(
        logits: Tensor<Scalar>, labels: [Int]
    ) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
        softmaxCrossEntropyKernel(logits, labels, scale: 1)
    }

    /// Binary cross-entropy on logits (sigmoid cross-entropy), mean over all elements.
    ///
    /// `ℓ(z, t) = max(z, 0) − z·t + log(1 + e^{−|z|})`, the stable form of
    /// `−t log σ(z) − (1 − t) log(1 − σ(z))` (PyTorch `binary_cross_entropy_with_logits`);
    /// gradient `(σ(z) − t) / count`.
    /// - Parameters:
    ///   - logits: any shape, e.g. `[batch]` or `[batch, outputs]`.
    ///   - targets: the same shape, values in `[0, 1]`.
    /// - Returns: the mean loss (nats) and `∂loss/∂logits` (same shape).
    public static func sigmoidCrossEntropy<Scalar: TensorScalar>(
        logits: Tensor<Scalar>, targets: Tensor<Scalar>
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (values, gradient) = elementwiseLoss(.binaryCrossEntropy, logits, targets, perExample: false)
        return (mean(values), gradient)
    }

    /// Per-example binary cross-entropy on logits: `ℓᵢ` is the mean over example `i`'s elements.
    /// - Parameters:
    ///   - logits: `[batch, ...]`.
    ///   - targets: the same shape, values in `[0, 1]`.
    /// - Returns: `values` `[batch]` and `∂(Σᵢ ℓᵢ)/∂logits`.
    public static func sigmoidCrossEntropyPerExample<Scalar: TensorScalar>(
        logits: Tensor<Scalar>, targets: Tensor<Scalar>
    ) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
        elementwiseLoss(.binaryCrossEntropy, logits, targets, perExample: true)
    }

    /// Mean squared error, mean over all elements: `mean((p − t)²)`, gradient `2 (p − t) / count`.
    /// - Parameters:
    ///   - predictions: any shape.
    ///   - targets: the same shape.
    /// - Returns: the mean loss (squared units of the targets) and `∂loss/∂predictions`.
    public static func meanSquaredError<Scalar: TensorScalar>(
        predictions: Tensor<Scalar>, targets: Tensor<Scalar>
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (values, gradient) = elementwiseLoss(.squaredError, predictions, targets, perExample: false)
        return (mean(values), gradient)
    }

    /// Per-example mean squared error: `ℓᵢ` is the mean over example `i`'s elements.
    /// - Parameters:
    ///   - predictions: `[batch, ...]`.
    ///   - targets: the same shape.
    /// - Returns: `values` `[batch]` and `∂(Σᵢ ℓᵢ)/∂predictions`.
    public static func meanSquaredErrorPerExample<Scalar: TensorScalar>(
        predictions: Tensor<Scalar>, targets: Tensor<Scalar>
    ) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
        elementwiseLoss(.squaredError, predictions, targets, perExample: true)
    }

    /// Hinge loss of a linear SVM (Cortes & Vapnik 1995), mean over the batch:
    /// `ℓᵢ = max(0, 1 − yᵢ sᵢ)`; with `squared: true`, the squared hinge `max(0, 1 − yᵢ sᵢ)²`
    /// (L2-SVM, differentiable).
    ///
    /// Labels may be given as `±1` or as `{0, 1}` (0 is read as −1). At the kink `yᵢ sᵢ = 1` the
    /// subgradient 0 is used. Add the `½λ‖w‖²` regularizer through the optimizer's weight decay.
    /// - Parameters:
    ///   - scores: `[batch]` or `[batch, 1]` decision values `sᵢ = w·xᵢ + b`.
    ///   - labels: `batch` labels in `{−1, +1}` or `{0, 1}`.
    ///   - squared: use the squared hinge.
    /// - Returns: the mean loss and `∂loss/∂scores` (shape of `scores`).
    /// - Precondition: `scores.count == labels.count` and each label is −1, 0 or 1.
    public static func hinge<Scalar: TensorScalar>(
        scores: Tensor<Scalar>, labels: [Int], squared: Bool = false
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (values, gradient) = hingeKernel(scores, labels, squared: squared, scale: 1 / Scalar(Swift.max(labels.count, 1)))
        return (mean(values), gradient)
    }

    /// Per-example hinge loss: `[batch]` losses and `∂(Σᵢ ℓᵢ)/∂scores`.
    /// - Parameters:
    ///   - scores: `[batch]` or `[batch, 1]`.
    ///   - labels: `batch` labels in `{−1, +1}` or `{0, 1}`.
    ///   - squared: use the squared hinge.
    public static func hingePerExample<Scalar: TensorScalar>(
        scores: Tensor<Scalar>, labels: [Int], squared: Bool = false
    ) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
        hingeKernel(scores, labels, squared: squared, scale: 1)
    }

    private static func mean<Scalar: TensorScalar>(_ values: Tensor<Scalar>) -> Scalar {
        values.count == 0 ? 0 : values.sum() / Scalar(values.count)
    }
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func softmaxCrossEntropyKernel<Scalar: TensorScalar>(
    _ logits: Tensor<Scalar>, _ labels: [Int], scale: Scalar
) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    precondition(
        logits.rank == 2 && logits.shape[0] == labels.count && logits.shape[1] > 0,
        "softmaxCrossEntropy expects logits [batch, classes>0] with batch = \(labels.count) labels, got \(logits.shape)")
    let batch = logits.shape[0]
    let classes = logits.shape[1]
    var losses = [Scalar](repeating: 0, count: batch)
    var gradient = logits.scalars
    gradient.withUnsafeMutableBufferPointer { g in
        for r in 0..<batch {
            let label = labels[r]
            precondition(label >= 0 && label < classes, "Label \(label) at row \(r) is outside 0..<\(classes)")
            let base = r * classes
            var m = g[base]
            for j in 1..<classes { m = Swift.max(m, g[base + j]) }
            var s: Scalar = 0
            for j in 0..<classes {
                let e = Scalar.exp(g[base + j] - m)
                g[base + j] = e
                s += e
            }
            // ℓ = log Σ e^{z−m} + m − z_y.
            losses[r] = Scalar.log(s) + m - logits.scalars[base + label]
            let inverse = scale / s
            for j in 0..<classes { g[base + j] *= inverse }
            g[base + label] -= scale
        }
    }
    return (Tensor(shape: [batch], scalars: losses), Tensor(shape: logits.shape, scalars: gradient))
}

enum ElementwiseLossKind { case binaryCrossEntropy, squaredError }

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func elementwiseLoss<Scalar: TensorScalar>(
    _ kind: ElementwiseLossKind, _ p: Tensor<Scalar>, _ t: Tensor<Scalar>, perExample: Bool
) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    precondition(p.shape == t.shape, "Loss: predictions \(p.shape) and targets \(t.shape) differ")
    // Rows: the batch axis for per-example losses, otherwise one row of everything.
    let rows = perExample ? (p.rank >= 1 ? p.shape[0] : 1) : 1
    let n = p.count
    let width = rows > 0 ? n / rows : 0
    let scale: Scalar = width > 0 ? 1 / Scalar(width) : 0
    var values = [Scalar](repeating: 0, count: rows)
    var gradient = [Scalar](repeating: 0, count: n)
    p.scalars.withUnsafeBufferPointer { pp in
        t.scalars.withUnsafeBufferPointer { tp in
            gradient.withUnsafeMutableBufferPointer { g in
                for r in 0..<rows {
                    var s: Scalar = 0
                    for i in (r * width)..<((r + 1) * width) {
                        let z = pp[i]
                        let y = tp[i]
                        switch kind {
                        case .binaryCrossEntropy:
                            s += Swift.max(z, 0) - z * y + Scalar.log(onePlus: Scalar.exp(-Swift.abs(z)))
                            g[i] = (stableSigmoid(z) - y) * scale
                        case .squaredError:
                            let d = z - y
                            s += d * d
                            g[i] = 2 * d * scale
                        }
                    }
                    values[r] = s * scale
                }
            }
        }
    }
    return (Tensor(shape: [rows], scalars: values), Tensor(shape: p.shape, scalars: gradient))
}

@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func hingeKernel<Scalar: TensorScalar>(
    _ scores: Tensor<Scalar>, _ labels: [Int], squared: Bool, scale: Scalar
) -> (values: Tensor<Scalar>, gradient: Tensor<Scalar>) {
    precondition(
        scores.count == labels.count && (scores.rank == 1 || (scores.rank == 2 && scores.shape[1] == 1)),
        "hinge expects scores [batch] or [batch, 1] with batch = \(labels.count) labels, got \(scores.shape)")
    var values = [Scalar](repeating: 0, count: labels.count)
    var gradient = [Scalar](repeating: 0, count: labels.count)
    for i in labels.indices {
        let label = labels[i]
        precondition(label == -1 || label == 0 || label == 1, "Hinge label \(label) at row \(i) is not −1, 0 or 1")
        let y: Scalar = label > 0 ? 1 : -1
        let margin = 1 - y * scores.scalars[i]
        if margin > 0 {
            values[i] = squared ? margin * margin : margin
            gradient[i] = (squared ? -2 * margin * y : -y) * scale
        }
    }
    return (Tensor(shape: [labels.count], scalars: values), Tensor(shape: scores.shape, scalars: gradient))
}
