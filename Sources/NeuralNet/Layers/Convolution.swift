import RealModule
import TensorCore

/// How a convolution pads its input along the time axis.
///
/// Padding adds zeros before (`left`) and after (`right`) the sequence. For an input of `T`
/// steps, kernel size `k`, dilation `d` and stride `s`, the output has
/// `⌊(T + left + right − d·(k − 1) − 1) / s⌋ + 1` steps.
public enum ConvolutionPadding: Sendable, Hashable, Codable {
    /// No padding: only positions where the whole (dilated) kernel fits are computed.
    case valid
    /// TensorFlow's `"SAME"` padding: the output has `⌈T / s⌉` steps. The total padding
    /// `max((⌈T/s⌉ − 1)·s + d·(k − 1) + 1 − T, 0)` is split with the smaller half on the left.
    /// With stride 1 the output has exactly the input's length (PyTorch's `padding="same"`
    /// gives the same split for stride 1).
    case same
    /// Explicit zero padding of `left` steps before and `right` steps after the sequence.
    case explicit(left: Int, right: Int)
}

/// A one-dimensional convolution over time (cross-correlation, as in every deep-learning library).
///
/// For input `x` of shape `[batch, time, inputChannels]`,
///
/// `y[b, o, f] = bias[f] + Σⱼ Σ_c weight[j, c, f] · x̃[b, o·stride + j·dilation, c]`,
///
/// where `x̃` is `x` with `left` zeros prepended and `right` zeros appended on the time axis
/// (see ``ConvolutionPadding``). Dilated convolutions follow Yu & Koltun (2016), "Multi-scale
/// context aggregation by dilated convolutions"; the layer itself is the temporal convolution
/// of LeCun et al. (1998) / Waibel et al. (1989, time-delay neural networks).
///
/// The implementation unrolls the receptive fields into a `[batch·outTime, kernelSize·inputChannels]`
/// matrix (*im2col*, Chellapilla et al. 2006) and multiplies it by the weight viewed as
/// `[kernelSize·inputChannels, outputChannels]` with one BLAS GEMM; the backward pass uses
/// two GEMMs and the inverse scatter (*col2im*).
///
/// - Shapes: input `[batch, time, inputChannels]` → output `[batch, outTime, outputChannels]`.
/// - Parameters, in order: `weight` `[kernelSize, inputChannels, outputChannels]`,
///   `bias` `[outputChannels]`.
/// - Initialization: PyTorch's default, `U(−1/√fanIn, 1/√fanIn)` for weight and bias with
///   `fanIn = kernelSize · inputChannels` (Kaiming-uniform with `a = √5`, He et al. 2015).
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let conv = Conv1D<Float>(inputChannels: 3, outputChannels: 8, kernelSize: 5,
///                          padding: .same, using: &rng)
/// let y = conv(x)   // x: [batch, 100, 3] → y: [batch, 100, 8]
/// ```
public struct Conv1D<Scalar: TensorScalar>: PerExampleDifferentiable {
    /// The filters, `[kernelSize, inputChannels, outputChannels]`.
    public var weight: Tensor<Scalar>
    /// The per-output-channel bias, `[outputChannels]`.
    public var bias: Tensor<Scalar>
    /// Step between consecutive output positions, in input steps (≥ 1).
    public let stride: Int
    /// Spacing between kernel taps, in input steps (≥ 1; 1 is an ordinary convolution).
    public let dilation: Int
    /// Zero padding on the time axis.
    public let padding: ConvolutionPadding

    /// Number of kernel taps.
    public var kernelSize: Int { weight.shape[0] }
    /// Channels expected on the input's last axis.
    public var inputChannels: Int { weight.shape[1] }
    /// Channels on the output's last axis.
    public var outputChannels: Int { weight.shape[2] }

    /// `[weight, bias]`.
    public var parameters: [Tensor<Scalar>] {
        get { [weight, bias] }
        set {
            precondition(newValue.count == 2, "Conv1D has 2 parameters, got \(newValue.count)")
            precondition(
                newValue[0].shape == weight.shape && newValue[1].shape == bias.shape,
                "Conv1D parameters must have shapes \(weight.shape), \(bias.shape); got \(newValue.map(\.shape))")
            weight = newValue[0]
            bias = newValue[1]
        }
    }

    /// Creates a convolution with given weights.
    ///
    /// - Parameters:
    ///   - weight: `[kernelSize, inputChannels, outputChannels]`.
    ///   - bias: `[outputChannels]`.
    ///   - stride: step between output positions (≥ 1).
    ///   - padding: zero padding on the time axis.
    ///   - dilation: spacing between kernel taps (≥ 1).
    /// - Precondition: shapes agree, all extents and `stride`/`dilation` are positive, explicit padding is ≥ 0.
    public init(
        weight: Tensor<Scalar>, bias: Tensor<Scalar>, stride: Int = 1, padding: ConvolutionPadding = .valid,
        dilation: Int = 1
    ) {
        precondition(
            weight.rank == 3 && weight.shape.allSatisfy { $0 > 0 },
            "Conv1D weight must be [kernelSize, inputChannels, outputChannels] with positive extents, got \(weight.shape)")
        precondition(bias.shape == [weight.shape[2]], "Conv1D bias must be [\(weight.shape[2])], got \(bias.shape)")
        precondition(stride >= 1, "Conv1D stride must be ≥ 1, got \(stride)")
        precondition(dilation >= 1, "Conv1D dilation must be ≥ 1, got \(dilation)")
        if case .explicit(let left, let right) = padding {
            precondition(left >= 0 && right >= 0, "Conv1D padding must be ≥ 0, got left \(left), right \(right)")
        }
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// Creates a convolution with PyTorch's default initialization, `U(−1/√fanIn, 1/√fanIn)`.
    ///
    /// - Parameters:
    ///   - inputChannels: channels of the input's last axis.
    ///   - outputChannels: number of filters.
    ///   - kernelSize: number of taps.
    ///   - stride: step between output positions (≥ 1).
    ///   - padding: zero padding on the time axis.
    ///   - dilation: spacing between taps (≥ 1).
    ///   - rng: the generator for the initial weights (weight first, then bias).
    public init<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
        padding: ConvolutionPadding = .valid, dilation: Int = 1, using rng: inout G
    ) {
        precondition(
            inputChannels > 0 && outputChannels > 0 && kernelSize > 0,
            "Conv1D needs positive sizes, got inputChannels \(inputChannels), outputChannels \(outputChannels), kernelSize \(kernelSize)"
        )
        let bound = 1 / Scalar.sqrt(Scalar(kernelSize * inputChannels))
        let weight = Tensor<Scalar>.uniform(
            shape: [kernelSize, inputChannels, outputChannels], in: -bound..<bound, using: &rng)
        let bias = Tensor<Scalar>.uniform(shape: [outputChannels], in: -bound..<bound, using: &rng)
        self.init(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }

    /// The zeros added before and after a sequence of `inputLength` steps.
    public func paddingAmounts(inputLength: Int) -> (left: Int, right: Int) {
        switch padding {
        case .valid:
            return (0, 0)
        case .explicit(let left, let right):
            return (left, right)
        case .same:
            let outLength = (inputLength + stride - 1) / stride
            let total = Swift.max((outLength - 1) * stride + dilation * (kernelSize - 1) + 1 - inputLength, 0)
            return (total / 2, total - total / 2)
        }
    }

    /// The number of output steps for an input of `inputLength` steps (may be ≤ 0 if the input is too short).
    public func outputLength(inputLength: Int) -> Int {
        let (left, right) = paddingAmounts(inputLength: inputLength)
        let span = dilation * (kernelSize - 1) + 1
        let padded = inputLength + left + right
        return padded < span ? 0 : (padded - span) / stride + 1
    }

    /// Geometry of one application.
    fileprivate struct Geometry {
        var batch: Int
        var time: Int
        var outTime: Int
        var left: Int
        /// `kernelSize · inputChannels`, the width of an unrolled receptive field.
        var fieldSize: Int
    }

    fileprivate func geometry(of input: Tensor<Scalar>) -> Geometry {
        precondition(
            input.rank == 3 && input.shape[2] == inputChannels,
            "Conv1D expects input [batch, time, \(inputChannels)], got \(input.shape)")
        let time = input.shape[1]
        let outTime = outputLength(inputLength: time)
        precondition(
            outTime >= 1,
            "Conv1D input of \(time) steps is too short for kernel \(kernelSize), dilation \(dilation), padding \(paddingAmounts(inputLength: time))"
        )
        return Geometry(
            batch: input.shape[0], time: time, outTime: outTime, left: paddingAmounts(inputLength: time).left,
            fieldSize: kernelSize * inputChannels)
    }

    /// im2col: the `[batch·outTime, kernelSize·inputChannels]` matrix of receptive fields.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func unrolledFields(_ input: Tensor<Scalar>, _ g: Geometry) -> Tensor<Scalar> {
        let channels = inputChannels
        let taps = kernelSize
        var columns = [Scalar](repeating: 0, count: g.batch * g.outTime * g.fieldSize)
        columns.withUnsafeMutableBufferPointer { col in
            input.scalars.withUnsafeBufferPointer { x in
                for b in 0..<g.batch {
                    for o in 0..<g.outTime {
                        let row = (b * g.outTime + o) * g.fieldSize
                        for j in 0..<taps {
                            let t = o * stride + j * dilation - g.left
                            guard t >= 0 && t < g.time else { continue }
                            let src = (b * g.time + t) * channels
                            let dst = row + j * channels
                            for c in 0..<channels { col[dst + c] = x[src + c] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [g.batch * g.outTime, g.fieldSize], scalars: columns)
    }

    /// col2im: scatter-adds unrolled-field gradients back onto the input's time axis.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func foldedFields(_ columns: Tensor<Scalar>, _ g: Geometry) -> Tensor<Scalar> {
        let channels = inputChannels
        let taps = kernelSize
        var dx = [Scalar](repeating: 0, count: g.batch * g.time * channels)
        dx.withUnsafeMutableBufferPointer { out in
            columns.scalars.withUnsafeBufferPointer { col in
                for b in 0..<g.batch {
                    for o in 0..<g.outTime {
                        let row = (b * g.outTime + o) * g.fieldSize
                        for j in 0..<taps {
                            let t = o * stride + j * dilation - g.left
                            guard t >= 0 && t < g.time else { continue }
                            let dst = (b * g.time + t) * channels
                            let src = row + j * channels
                            for c in 0..<channels { out[dst + c] += col[src + c] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [g.batch, g.time, channels], scalars: dx)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func apply(columns: Tensor<Scalar>, _ g: Geometry) -> Tensor<Scalar> {
        var y = columns.matmul(weight.reshaped([g.fieldSize, outputChannels]))
        y.addRow(bias)
        return y.reshaped([g.batch, g.outTime, outputChannels])
    }

    /// Applies the convolution and returns its pullback.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputChannels]`.
    ///   - training: unused (the layer behaves the same in both modes).
    ///   - rng: unused.
    /// - Returns: the `[batch, outTime, outputChannels]` output and a pullback giving
    ///   `∂L/∂input` `[batch, time, inputChannels]` and `[∂L/∂weight, ∂L/∂bias]`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let g = geometry(of: input)
        let columns = unrolledFields(input, g)
        let output = apply(columns: columns, g)
        let layer = self
        return (output, { gradient in layer.backward(gradient, columns: columns, g) })
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    fileprivate func backward(
        _ gradient: Tensor<Scalar>, columns: Tensor<Scalar>, _ g: Geometry
    ) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>]) {
        precondition(
            gradient.shape == [g.batch, g.outTime, outputChannels],
            "Conv1D pullback expects [\(g.batch), \(g.outTime), \(outputChannels)], got \(gradient.shape)")
        let dy = gradient.reshaped([g.batch * g.outTime, outputChannels])
        let w = weight.reshaped([g.fieldSize, outputChannels])
        let dWeight = columns.matmul(dy, transposeSelf: true).reshaped(weight.shape)
        let dBias = dy.sum(alongAxis: 0)
        let dColumns = dy.matmul(w, transposeOther: true)
        return (foldedFields(dColumns, g), [dWeight, dBias])
    }

    /// Inference: the `[batch, outTime, outputChannels]` output for a `[batch, time, inputChannels]` input.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let g = geometry(of: input)
        return apply(columns: unrolledFields(input, g), g)
    }

    /// Per-example gradients `∂ℓᵢ/∂weight` and `∂ℓᵢ/∂bias` (for DP-SGD, Abadi et al. 2016).
    ///
    /// Computed as Opacus does for convolutions: one GEMM per example between the example's
    /// unrolled fields and its output gradient.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputChannels]`, the batch the layer was applied to.
    ///   - outputGradient: `[batch, outTime, outputChannels]`.
    /// - Returns: `[batch, kernelSize, inputChannels, outputChannels]` and `[batch, outputChannels]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func perExampleGradients(input: Tensor<Scalar>, outputGradient: Tensor<Scalar>) -> [Tensor<Scalar>] {
        let g = geometry(of: input)
        precondition(
            outputGradient.shape == [g.batch, g.outTime, outputChannels],
            "Conv1D output gradient must be [\(g.batch), \(g.outTime), \(outputChannels)], got \(outputGradient.shape)")
        let columns = unrolledFields(input, g)
        let f = outputChannels
        let weightSize = g.fieldSize * f
        var dWeight = [Scalar](repeating: 0, count: g.batch * weightSize)
        var dBias = [Scalar](repeating: 0, count: g.batch * f)
        dWeight.withUnsafeMutableBufferPointer { dw in
            columns.scalars.withUnsafeBufferPointer { col in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    // The loop body runs only for a non-empty batch, when all three buffers are
                    // non-empty (every extent is positive), so their base addresses exist.
                    for b in 0..<g.batch {
                        Scalar.gemm(
                            transposeA: true, transposeB: false, m: g.fieldSize, n: f, k: g.outTime, alpha: 1,
                            a: col.baseAddress! + b * g.outTime * g.fieldSize, lda: g.fieldSize,
                            b: dy.baseAddress! + b * g.outTime * f, ldb: f,
                            beta: 0, c: dw.baseAddress! + b * weightSize, ldc: f)
                    }
                }
            }
        }
        dBias.withUnsafeMutableBufferPointer { db in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                for b in 0..<g.batch {
                    for o in 0..<g.outTime {
                        let src = (b * g.outTime + o) * f
                        for c in 0..<f { db[b * f + c] += dy[src + c] }
                    }
                }
            }
        }
        return [
            Tensor(shape: [g.batch] + weight.shape, scalars: dWeight),
            Tensor(shape: [g.batch, f], scalars: dBias),
        ]
    }
}
