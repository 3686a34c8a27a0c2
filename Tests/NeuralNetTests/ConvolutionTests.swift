import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

/// Direct definition: `y[b,o,f] = bias[f] + Σ_j Σ_c w[j,c,f] · x[b, o·s + j·d − left, c]` (zero outside).
private func naiveConvolution(
    _ x: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>, stride: Int, dilation: Int,
    left: Int, outTime: Int
) -> Tensor<Double> {
    let (batch, time, channels) = (x.shape[0], x.shape[1], x.shape[2])
    let (taps, filters) = (weight.shape[0], weight.shape[2])
    var y = Tensor<Double>(zeros: [batch, outTime, filters])
    for b in 0..<batch {
        for o in 0..<outTime {
            for f in 0..<filters {
                var s = bias[f]
                for j in 0..<taps {
                    let t = o * stride + j * dilation - left
                    guard t >= 0 && t < time else { continue }
                    for c in 0..<channels { s += weight[j, c, f] * x[b, t, c] }
                }
                y[b, o, f] = s
            }
        }
    }
    return y
}

@Suite struct ConvolutionTests {
    init() { BLAS.setThreadCount(1) }

    static let configurations: [(stride: Int, padding: ConvolutionPadding, dilation: Int)] = [
        (1, .valid, 1), (2, .explicit(left: 1, right: 2), 1), (1, .same, 2), (3, .same, 1),
        (2, .explicit(left: 0, right: 3), 3), (1, .explicit(left: 4, right: 0), 2),
    ]

    @Test(arguments: 0..<configurations.count)
    func matchesDirectConvolution(_ index: Int) {
        let (stride, padding, dilation) = Self.configurations[index]
        var rng = Xoshiro256(seed: 11)
        let conv = Conv1D<Double>(
            inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: stride, padding: padding, dilation: dilation,
            using: &rng)
        let x = F.gaussian([2, 9, 3], seed: 5)
        let y = conv(x)
        let outTime = conv.outputLength(inputLength: 9)
        let expected = naiveConvolution(
            x, weight: conv.weight, bias: conv.bias, stride: stride, dilation: dilation,
            left: conv.paddingAmounts(inputLength: 9).left, outTime: outTime)
        #expect(y.shape == [2, outTime, 4])
        #expect(y.maxAbsoluteDifference(expected) <= 1e-12)
        // forward(…) and callAsFunction agree.
        var probe = Xoshiro256(seed: 0)
        #expect(conv.forward(x, training: true, using: &probe).output == y)
    }

    @Test func outputLengths() {
        var rng = Xoshiro256(seed: 1)
        let same1 = Conv1D<Double>(inputChannels: 1, outputChannels: 1, kernelSize: 4, padding: .same, using: &rng)
        #expect(same1.outputLength(inputLength: 10) == 10)
        #expect(same1.paddingAmounts(inputLength: 10) == (1, 2))
        let same3 = Conv1D<Double>(
            inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 3, padding: .same, using: &rng)
        #expect(same3.outputLength(inputLength: 10) == 4)
        let valid = Conv1D<Double>(
            inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 2, dilation: 2, using: &rng)
        // span 5: positions 0, 2, 4 of 9 → 3 outputs.
        #expect(valid.outputLength(inputLength: 9) == 3)
        #expect(valid.outputLength(inputLength: 4) == 0)
    }

    @Test(arguments: 0..<configurations.count)
    func gradientCheck(_ index: Int) {
        let (stride, padding, dilation) = Self.configurations[index]
        var rng = Xoshiro256(seed: 21)
        let conv = Conv1D<Double>(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: stride, padding: padding, dilation: dilation,
            using: &rng)
        let report = GradientCheck.check(conv, input: F.gaussian([2, 8, 2], seed: 3), seed: 7)
        #expect(report.maxError <= 1e-6, "\(report)")
    }

    @Test(arguments: 0..<configurations.count)
    func perExampleGradientsMatchSingleExampleBackprop(_ index: Int) {
        let (stride, padding, dilation) = Self.configurations[index]
        var rng = Xoshiro256(seed: 31)
        let conv = Conv1D<Double>(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: stride, padding: padding, dilation: dilation,
            using: &rng)
        let x = F.gaussian([3, 8, 2], seed: 4)
        let outTime = conv.outputLength(inputLength: 8)
        let dy = F.gaussian([3, outTime, 3], seed: 8)
        let perExample = conv.perExampleGradients(input: x, outputGradient: dy)
        #expect(perExample.map(\.shape) == [[3, 3, 2, 3], [3, 3]])
        var probe = Xoshiro256(seed: 0)
        for i in 0..<3 {
            let (_, pullback) = conv.forward(F.example(x, i), training: true, using: &probe)
            let single = pullback(F.example(dy, i)).parameters
            for p in 0..<2 {
                #expect(F.relativeDifference(F.slice(perExample[p], i), single[p]) <= 1e-5)
            }
        }
        // Summing over the batch gives the batch pullback.
        let batch = conv.forward(x, training: true, using: &probe).pullback(dy).parameters
        #expect(F.relativeDifference(perExample[0].sum(alongAxis: 0), batch[0]) <= 1e-12)
        #expect(F.relativeDifference(perExample[1].sum(alongAxis: 0), batch[1]) <= 1e-12)
    }

    @Test func floatMatchesDouble() {
        var rng = Xoshiro256(seed: 2)
        let conv = Conv1D<Double>(
            inputChannels: 3, outputChannels: 2, kernelSize: 5, stride: 2, padding: .same, using: &rng)
        let convFloat = Conv1D<Float>(
            weight: conv.weight.converted(), bias: conv.bias.converted(), stride: 2, padding: .same)
        let x = F.gaussian([2, 11, 3], seed: 9)
        let difference = convFloat(x.converted()).converted(to: Double.self).maxAbsoluteDifference(conv(x))
        #expect(difference <= 1e-5)
    }

    @Test func parameterOrderIsWeightThenBias() {
        var rng = Xoshiro256(seed: 3)
        var conv = Conv1D<Double>(inputChannels: 2, outputChannels: 5, kernelSize: 3, using: &rng)
        #expect(conv.parameters.map(\.shape) == [[3, 2, 5], [5]])
        var p = conv.parameters
        p[1] = Tensor(repeating: 2, shape: [5])
        conv.parameters = p
        #expect(conv.bias == Tensor(repeating: 2, shape: [5]))
    }

    @Test func misuseTraps() async {
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            let conv = Conv1D<Double>(inputChannels: 3, outputChannels: 2, kernelSize: 3, using: &rng)
            _ = conv(Tensor<Double>(zeros: [1, 8, 4]))  // 4 channels for a 3-channel layer
        }
        await #expect(processExitsWith: .failure) {
            var rng = Xoshiro256(seed: 0)
            let conv = Conv1D<Double>(inputChannels: 1, outputChannels: 1, kernelSize: 5, dilation: 2, using: &rng)
            _ = conv(Tensor<Double>(zeros: [1, 8, 1]))  // span 9 > 8 steps, no padding
        }
    }
}
