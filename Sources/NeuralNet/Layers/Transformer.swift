import RealModule
import TensorCore

/// One Transformer encoder layer (Vaswani et al. 2017, "Attention is all you need", §3.1):
/// multi-head self-attention and a position-wise feed-forward network, each wrapped in a
/// residual connection and layer normalization.
///
/// With ``normalizesFirst`` `false` (the paper's *post-norm* arrangement, PyTorch's default):
///
/// ```
/// h = LayerNorm₁(x + Dropout(Attention(x)))
/// y = LayerNorm₂(h + Dropout(FFN(h)))
/// ```
///
/// With ``normalizesFirst`` `true` (*pre-norm*, Xiong et al. 2020, which trains without
/// learning-rate warm-up):
///
/// ```
/// h = x + Dropout(Attention(LayerNorm₁(x)))
/// y = h + Dropout(FFN(LayerNorm₂(h)))
/// ```
///
/// where `FFN(u) = max(0, u·W₁ + b₁)·W₂ + b₂` (ReLU, as in the paper) is applied at every
/// step independently. Dropout (rate ``dropoutRate``, 0 by default) acts only in training and
/// draws its masks from the generator passed to ``forward(_:training:using:)``, attention
/// branch first.
///
/// - Shapes: input `[batch, time, modelSize]` → output `[batch, time, modelSize]`.
/// - Parameters, in order (16 tensors): the attention's 8 (see ``MultiHeadAttention``);
///   `firstNorm` gain and bias `[modelSize]`; `feedForwardWeight1` `[modelSize, feedForwardSize]`,
///   `feedForwardBias1` `[feedForwardSize]`, `feedForwardWeight2` `[feedForwardSize, modelSize]`,
///   `feedForwardBias2` `[modelSize]`; `secondNorm` gain and bias `[modelSize]`.
/// - Initialization: attention as ``MultiHeadAttention``; norms `gain = 1`, `bias = 0`;
///   feed-forward weights and biases `U(−1/√fanIn, 1/√fanIn)` (PyTorch's `nn.Linear` default).
public struct TransformerEncoderBlock<Scalar: TensorScalar>: Layer {
    /// The self-attention sublayer.
    public var attention: MultiHeadAttention<Scalar>
    /// The normalization around (post-norm) or before (pre-norm) attention.
    public var firstNorm: LayerNorm<Scalar>
    /// First feed-forward projection `[modelSize, feedForwardSize]`.
    public var feedForwardWeight1: Tensor<Scalar>
    /// First feed-forward bias `[feedForwardSize]`.
    public var feedForwardBias1: Tensor<Scalar>
    /// Second feed-forward projection `[feedForwardSize, modelSize]`.
    public var feedForwardWeight2: Tensor<Scalar>
    /// Second feed-forward bias `[modelSize]`.
    public var feedForwardBias2: Tensor<Scalar>
    /// The normalization around (post-norm) or before (pre-norm) the feed-forward network.
    public var secondNorm: LayerNorm<Scalar>
    /// Whether each sublayer normalizes its input (pre-norm) instead of the residual sum (post-norm).
    public let normalizesFirst: Bool
    /// Dropout rate on both sublayer outputs during training.
    public let dropoutRate: Scalar

    /// Features per time step.
    public var modelSize: Int { attention.modelSize }
    /// Width of the feed-forward hidden layer.
    public var feedForwardSize: Int { feedForwardBias1.count }

    /// The 16 tensors in the documented order.
    public var parameters: [Tensor<Scalar>] {
        get {
            attention.parameters + firstNorm.parameters
                + [feedForwardWeight1, feedForwardBias1, feedForwardWeight2, feedForwardBias2] + secondNorm.parameters
        }
        set {
            precondition(newValue.count == 16, "TransformerEncoderBlock has 16 parameters, got \(newValue.count)")
            let expected = [feedForwardWeight1.shape, feedForwardBias1.shape, feedForwardWeight2.shape, feedForwardBias2.shape]
            precondition(
                Array(newValue[10..<14]).map(\.shape) == expected,
                "Feed-forward parameters must have shapes \(expected), got \(newValue[10..<14].map(\.shape))")
            attention.parameters = Array(newValue[0..<8])
            firstNorm.parameters = Array(newValue[8..<10])
            feedForwardWeight1 = newValue[10]
            feedForwardBias1 = newValue[11]
            feedForwardWeight2 = newValue[12]
            feedForwardBias2 = newValue[13]
            secondNorm.parameters = Array(newValue[14..<16])
        }
    }

    /// Creates an encoder block.
    ///
    /// - Parameters:
    ///   - modelSize: features per step (> 0, divisible by `headCount`).
    ///   - headCount: attention heads.
    ///   - feedForwardSize: hidden width of the feed-forward network (> 0; the paper uses `4·modelSize`).
    ///   - isCausal: causal attention mask.
    ///   - normalizesFirst: pre-norm (`true`) or the paper's post-norm (`false`, default).
    ///   - dropoutRate: dropout on sublayer outputs in training, `0 ≤ rate < 1` (default 0).
    ///   - epsilon: the layer norms' variance floor.
    ///   - rng: the generator (attention first, then the feed-forward weights in order).
    public init<G: RandomNumberGenerator>(
        modelSize: Int, headCount: Int, feedForwardSize: Int, isCausal: Bool = false, normalizesFirst: Bool = false,
        dropoutRate: Scalar = 0, epsilon: Scalar = 1e-5, using rng: inout G
    ) {
        precondition(feedForwardSize > 0, "feedForwardSize must be > 0, got \(feedForwardSize)")
        precondition(dropoutRate >= 0 && dropoutRate < 1, "dropoutRate must be in [0, 1), got \(dropoutRate)")
        attention = MultiHeadAttention(modelSize: modelSize, headCount: headCount, isCausal: isCausal, using: &rng)
        firstNorm = LayerNorm(featureCount: modelSize, epsilon: epsilon)
        secondNorm = LayerNorm(featureCount: modelSize, epsilon: epsilon)
        let bound1 = 1 / Scalar.sqrt(Scalar(modelSize))
        let bound2 = 1 / Scalar.sqrt(Scalar(feedForwardSize))
        feedForwardWeight1 = Tensor.uniform(shape: [modelSize, feedForwardSize], in: -bound1..<bound1, using: &rng)
        feedForwardBias1 = Tensor.uniform(shape: [feedForwardSize], in: -bound1..<bound1, using: &rng)
        feedForwardWeight2 = Tensor.uniform(shape: [feedForwardSize, modelSize], in: -bound2..<bound2, using: &rng)
        feedForwardBias2 = Tensor.uniform(shape: [modelSize], in: -bound2..<bound2, using: &rng)
        self.normalizesFirst = normalizesFirst
        self.dropoutRate = dropoutRate
    }

    /// The feed-forward network on `[rows, modelSize]`; returns the output and its pullback
    /// (input gradient and `[dW₁, db₁, dW₂, db₂]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func feedForward(_ u: Tensor<Scalar>) -> (
        output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])
    ) {
        let preActivation = u.matmul(feedForwardWeight1).addingRow(feedForwardBias1)
        let hidden = preActivation.map { Swift.max($0, 0) }
        var output = hidden.matmul(feedForwardWeight2)
        output.addRow(feedForwardBias2)
        let w1 = feedForwardWeight1
        let w2 = feedForwardWeight2
        return (
            output,
            { gradient in
                let dW2 = hidden.matmul(gradient, transposeSelf: true)
                let db2 = gradient.sum(alongAxis: 0)
                let dHidden = gradient.matmul(w2, transposeOther: true)
                let dPre = dHidden.zipMap(preActivation) { g, a in a > 0 ? g : 0 }
                let dW1 = u.matmul(dPre, transposeSelf: true)
                let db1 = dPre.sum(alongAxis: 0)
                return (dPre.matmul(w1, transposeOther: true), [dW1, db1, dW2, db2])
            }
        )
    }

    /// Runs the block and returns the pullback.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, modelSize]`.
    ///   - training: enables dropout.
    ///   - rng: the dropout masks' randomness (untouched when `dropoutRate == 0` or not training).
    /// - Returns: `[batch, time, modelSize]` and a pullback giving `∂L/∂input` and the 16
    ///   parameter gradients in ``parameters`` order.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        precondition(
            input.rank == 3 && input.shape[2] == modelSize,
            "TransformerEncoderBlock expects input [batch, time, \(modelSize)], got \(input.shape)")
        // Only the dropout masks need the generator; everything else runs in `run`, which is
        // specialized for Float and Double.
        let count = input.count
        let dropping = training && dropoutRate > 0
        let attentionKeep = dropping ? dropoutKeepFlags(count: count, rate: Double(dropoutRate), using: &rng) : nil
        let feedForwardKeep = dropping ? dropoutKeepFlags(count: count, rate: Double(dropoutRate), using: &rng) : nil
        return run(input, attentionKeep: attentionKeep, feedForwardKeep: feedForwardKeep)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func run(
        _ input: Tensor<Scalar>, attentionKeep: [Bool]?, feedForwardKeep: [Bool]?
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let m = modelSize
        let shape = input.shape
        let rows = shape[0] * shape[1]
        let dropout = Dropout<Scalar>(rate: dropoutRate)
        // The sublayers below ignore their generator (dropout gets its pattern explicitly).
        var unused = TransformerUnusedRandomness()
        func drop(_ x: Tensor<Scalar>, _ keep: [Bool]?) -> (
            output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])
        ) {
            if let keep { return dropout.forward(x, keep: keep) }
            return (x, { ($0, []) })
        }
        if normalizesFirst {
            let (n1, norm1Back) = firstNorm.forward(input, training: true, using: &unused)
            let (a, attentionBack) = attention.forward(n1, training: true, using: &unused)
            let (aDropped, drop1Back) = drop(a, attentionKeep)
            let h = input + aDropped
            let (n2, norm2Back) = secondNorm.forward(h, training: true, using: &unused)
            let (f, ffnBack) = feedForward(n2.reshaped([rows, m]))
            let (fDropped, drop2Back) = drop(f.reshaped(shape), feedForwardKeep)
            return (
                h + fDropped,
                { gradient in
                    let dF = drop2Back(gradient).input.reshaped([rows, m])
                    let (dN2, ffnGradients) = ffnBack(dF)
                    let (dH2, norm2Gradients) = norm2Back(dN2.reshaped(shape))
                    let dH = gradient + dH2
                    let (dN1, attentionGradients) = attentionBack(drop1Back(dH).input)
                    let (dX1, norm1Gradients) = norm1Back(dN1)
                    return (dH + dX1, attentionGradients + norm1Gradients + ffnGradients + norm2Gradients)
                }
            )
        } else {
            let (a, attentionBack) = attention.forward(input, training: true, using: &unused)
            let (aDropped, drop1Back) = drop(a, attentionKeep)
            let (h, norm1Back) = firstNorm.forward(input + aDropped, training: true, using: &unused)
            let (f, ffnBack) = feedForward(h.reshaped([rows, m]))
            let (fDropped, drop2Back) = drop(f.reshaped(shape), feedForwardKeep)
            let (y, norm2Back) = secondNorm.forward(h + fDropped, training: true, using: &unused)
            return (
                y,
                { gradient in
                    let (dS2, norm2Gradients) = norm2Back(gradient)
                    let dF = drop2Back(dS2).input.reshaped([rows, m])
                    let (dHf, ffnGradients) = ffnBack(dF)
                    let dH = dS2 + dHf.reshaped(shape)
                    let (dS1, norm1Gradients) = norm1Back(dH)
                    let (dXa, attentionGradients) = attentionBack(drop1Back(dS1).input)
                    return (dS1 + dXa, attentionGradients + norm1Gradients + ffnGradients + norm2Gradients)
                }
            )
        }
    }

    /// Inference (no dropout): `[batch, time, modelSize]`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(
            input.rank == 3 && input.shape[2] == modelSize,
            "TransformerEncoderBlock expects input [batch, time, \(modelSize)], got \(input.shape)")
        return infer(input)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func infer(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let m = modelSize
        let shape = input.shape
        let rows = shape[0] * shape[1]
        if normalizesFirst {
            let h = input + attention(firstNorm(input))
            return h + feedForward(secondNorm(h).reshaped([rows, m])).output.reshaped(shape)
        }
        let h = firstNorm(input + attention(input))
        return secondNorm(h + feedForward(h.reshaped([rows, m])).output.reshaped(shape))
    }
}

/// A generator handed to sublayers that document that they ignore it; drawing from it is a bug.
private struct TransformerUnusedRandomness: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        preconditionFailure("TransformerEncoderBlock sublayers must not draw random numbers")
    }
}
