import NeuralNet
import TensorCore
import Testing

@Suite struct SequentialTests {
    init() { BLAS.setThreadCount(1) }

    static func mlp(seed: UInt64) -> Sequential<Double> {
        var rng = Xoshiro256(seed: seed)
        return Sequential<Double>(
            Dense<Double>(inputSize: 5, outputSize: 7, initializer: .heNormal, using: &rng), Tanh<Double>(),
            Dense<Double>(inputSize: 7, outputSize: 6, using: &rng), ReLU<Double>(),
            Dense<Double>(inputSize: 6, outputSize: 3, using: &rng))
    }

    @Test func parametersAreTheLayersInOrder() {
        let model = Self.mlp(seed: 1)
        #expect(model.count == 5)
        #expect(model.parameters.map(\.shape) == [[5, 7], [7], [7, 6], [6], [6, 3], [3]])
        let flat = model.layers.flatMap { $0.parameters }
        #expect(flat == model.parameters)
        #expect(model.parameterRange(ofLayer: 2) == 2..<4)
        #expect(model.parameterRange(ofLayer: 1).isEmpty)
    }

    @Test func forwardComposesTheLayers() {
        var rng = Xoshiro256(seed: 3)
        let model = Self.mlp(seed: 2)
        let x = Tensor<Double>.gaussian(shape: [4, 5], using: &rng)
        var expected = x
        for layer in model.layers { expected = layer(expected) }
        #expect(model(x) == expected)
        #expect(model.forward(x, training: true, using: &rng).output == expected)
    }

    @Test func gradientCheck() {
        var rng = Xoshiro256(seed: 4)
        let x = Tensor<Double>.gaussian(shape: [3, 5], using: &rng)
        let report = GradientCheck.check(Self.mlp(seed: 5), input: x)
        #expect(report.maxError <= 1e-6, "\(report)")
        #expect(report.parameterErrors.count == 6)
    }

    @Test func settingParametersUpdatesTheLayers() {
        var model = Self.mlp(seed: 6)
        var rng = Xoshiro256(seed: 7)
        let x = Tensor<Double>.gaussian(shape: [2, 5], using: &rng)
        let before = model(x)
        model.parameters[5].scalars[0] += 1  // the last bias: output column 0 moves by exactly 1
        let after = model(x)
        #expect(abs(after[0, 0] - before[0, 0] - 1) < 1e-12 && after[0, 1] == before[0, 1])
        #expect(model.layers[4].parameters[1].scalars[0] == model.parameters[5].scalars[0])
        var replaced = model.parameters
        replaced[0] = Tensor(zeros: [5, 7])
        model.parameters = replaced
        #expect(model.layer(at: 0).parameters[0] == Tensor(zeros: [5, 7]))
    }

    @Test func optimizerUpdatesDoNotCopyTheWeights() {
        var model = Self.mlp(seed: 8)
        var optimizer = Adam<Double>(learningRate: 0.01)
        var rng = Xoshiro256(seed: 9)
        let x = Tensor<Double>.gaussian(shape: [4, 5], using: &rng)
        let labels = [0, 1, 2, 1]
        func step() {
            let gradients: [Tensor<Double>] = {
                let (logits, pullback) = model.forward(x, training: true, using: &rng)
                return pullback(Losses.softmaxCrossEntropy(logits: logits, labels: labels).gradient).parameters
            }()
            optimizer.update(&model.parameters, along: gradients)
        }
        func addresses() -> [UnsafeRawPointer?] {
            model.parameters.map { p in p.scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        }
        step()  // the first update detaches the weights from the layers' initial tensors
        let first = addresses()
        step()
        step()
        #expect(addresses() == first)
    }

    @Test func perExampleGradientsMatchSingleExampleBackprop() {
        let model = Self.mlp(seed: 10)
        var rng = Xoshiro256(seed: 11)
        let x = Tensor<Double>.gaussian(shape: [4, 5], using: &rng)
        let labels = [2, 0, 1, 1]
        let (logits, pullback) = model.perExampleForward(x, training: true, using: &rng)
        let loss = Losses.softmaxCrossEntropyPerExample(logits: logits, labels: labels)
        let perExample = pullback(loss.gradient).perExample
        #expect(perExample.map(\.shape) == model.parameters.map { [4] + $0.shape })
        for i in 0..<4 {
            let (yi, pullbackI) = model.forward(x.rows(i..<(i + 1)), training: true, using: &rng)
            let single = pullbackI(Losses.softmaxCrossEntropy(logits: yi, labels: [labels[i]]).gradient).parameters
            for p in single.indices {
                #expect(maxRelativeError(slice(perExample[p], i), single[p]) <= 1e-5)
            }
        }
        // The protocol entry point agrees.
        let viaProtocol = model.perExampleGradients(input: x, outputGradient: loss.gradient)
        #expect(viaProtocol == perExample)
    }
}

@Suite struct SequentialFusionTests {
    init() { BLAS.setThreadCount(1) }

    @Test func fusedDenseReLUMatchesSeparateLayers() {
        var rng = Xoshiro256(seed: 12)
        let model = Sequential<Float>(
            Dense<Float>(inputSize: 5, outputSize: 19, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 19, outputSize: 3, using: &rng), ReLU<Float>())
        let x = Tensor<Float>.gaussian(shape: [4, 5], using: &rng)
        var expected = x
        for layer in model.layers { expected = layer(expected) }
        #expect(model(x) == expected)
        let (y, pullback) = model.forward(x, training: true, using: &rng)
        #expect(y == expected)
        // The layer-by-layer chain gives the same gradients.
        let g = Tensor<Float>.gaussian(shape: [4, 3], using: &rng)
        var steps: [(Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])] = []
        var h = x
        for layer in model.layers {
            let step = layer.forward(h, training: true, using: &rng)
            steps.append(step.pullback)
            h = step.output
        }
        var dh = g
        var manual: [[Tensor<Float>]] = []
        for step in steps.reversed() {
            let (dx, dp) = step(dh)
            manual.insert(dp, at: 0)
            dh = dx
        }
        let fused = pullback(g)
        #expect(fused.input == dh)
        #expect(fused.parameters == manual.flatMap { $0 })
    }

    /// Small Float batches of a plain Dense/ReLU chain take the SmallDense path: the same values as
    /// the layer-by-layer path, and as the BLAS path of a larger batch within rounding.
    @Test func smallBatchDenseChainMatchesLayersAndBLAS() {
        var rng = Xoshiro256(seed: 21)
        let model = Sequential<Float>(
            Dense<Float>(inputSize: 12, outputSize: 64, initializer: .heUniform, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 64, outputSize: 37, using: &rng),
            Dense<Float>(inputSize: 37, outputSize: 10, using: &rng), ReLU<Float>())
        let big = Tensor<Float>.gaussian(shape: [9, 12], using: &rng)
        let reference = model(big)  // 9 rows: BLAS gemm
        for rows in 1...4 {
            let x = big.rows(0..<rows)
            var expected = x
            for layer in model.layers { expected = layer(expected) }
            let y = model(x)
            #expect(y.shape == [rows, 10])
            #expect(y == expected)
            var worst: Float = 0
            for k in 0..<y.count { worst = Swift.max(worst, Swift.abs(y.scalars[k] - reference.scalars[k])) }
            #expect(worst <= 1e-4, "rows \(rows): \(worst)")
        }
        // Leading axes are kept: [1, 2, 12] → [1, 2, 10].
        let stacked = Tensor<Float>(shape: [1, 2, 12], scalars: big.rows(0..<2).scalars)
        let z = model(stacked)
        #expect(z.shape == [1, 2, 10])
        #expect(z.scalars == model(big.rows(0..<2)).scalars)
    }

    /// Small-batch inference runs a prepared copy of the weights: it follows every change of the
    /// parameters (in-place updates and assignment), and a copy of the model keeps its own weights.
    @Test func smallBatchFollowsParameterChanges() {
        var rng = Xoshiro256(seed: 23)
        var model = Sequential<Float>(
            Dense<Float>(inputSize: 6, outputSize: 16, initializer: .heUniform, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 16, outputSize: 3, using: &rng))
        let x = Tensor<Float>.gaussian(shape: [2, 6], using: &rng)
        func layerByLayer(_ m: Sequential<Float>) -> Tensor<Float> {
            var h = x
            for layer in m.layers { h = layer(h) }
            return h
        }
        let initial = model(x)
        #expect(initial == layerByLayer(model))
        let original = model

        // In place, as an optimizer does.
        var optimizer = Adam<Float>(learningRate: 0.1)
        let gradients = model.parameters.map { Tensor<Float>(repeating: 1, shape: $0.shape) }
        optimizer.update(&model.parameters, along: gradients)
        let updated = model(x)
        #expect(updated != initial)
        #expect(updated == layerByLayer(model))
        #expect(original(x) == initial)

        // By assignment.
        var copy = model
        copy.parameters = original.parameters
        #expect(copy(x) == initial)
        #expect(model(x) == updated)
    }

    /// A chain with another activation keeps the general path and stays correct at batch 1.
    @Test func smallBatchOfAMixedChain() {
        var rng = Xoshiro256(seed: 22)
        let model = Sequential<Float>(
            Dense<Float>(inputSize: 6, outputSize: 16, using: &rng), Tanh<Float>(),
            Dense<Float>(inputSize: 16, outputSize: 3, using: &rng))
        let x = Tensor<Float>.gaussian(shape: [1, 6], using: &rng)
        var expected = x
        for layer in model.layers { expected = layer(expected) }
        #expect(model(x) == expected)
    }

    @Test func parameterGradientsWithoutInputGradient() {
        let model = SequentialTests.mlp(seed: 13)
        var rng = Xoshiro256(seed: 14)
        let x = Tensor<Double>.gaussian(shape: [3, 5], using: &rng)
        let g = Tensor<Double>.gaussian(shape: [3, 3], using: &rng)
        let full = model.forward(x, training: true, using: &rng).pullback(g).parameters
        let (y, pullback) = model.forwardForParameterGradients(x, training: true, using: &rng)
        #expect(y == model(x))
        #expect(pullback(g) == full)
    }
}

@Suite struct SequentialRecyclingTests {
    init() { BLAS.setThreadCount(1) }

    /// Large enough (128 × 256 activations) for the intermediate arrays to be recycled.
    static func model() -> Sequential<Float> {
        var rng = Xoshiro256(seed: 15)
        return Sequential<Float>(
            Dense<Float>(inputSize: 8, outputSize: 256, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 256, outputSize: 256, using: &rng), Tanh<Float>(),
            Dense<Float>(inputSize: 256, outputSize: 256, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 256, outputSize: 4, using: &rng))
    }

    static func reference(_ model: Sequential<Float>, _ x: Tensor<Float>) -> Tensor<Float> {
        var h = x
        for layer in model.layers { h = layer(h) }
        return h
    }

    @Test func repeatedInferenceNeverTouchesEarlierResults() {
        let model = Self.model()
        var rng = Xoshiro256(seed: 16)
        let inputs = (0..<4).map { _ in Tensor<Float>.gaussian(shape: [128, 8], using: &rng) }
        let outputs = inputs.map { model($0) }
        for (x, y) in zip(inputs, outputs) {
            #expect(y == Self.reference(model, x))
        }
        // A second round reuses the recycled arrays and still agrees.
        for (x, y) in zip(inputs, outputs) {
            #expect(model(x) == y)
        }
    }

    @Test func repeatedBackpropagationNeverTouchesEarlierGradients() {
        let model = Self.model()
        var rng = Xoshiro256(seed: 17)
        let x = Tensor<Float>.gaussian(shape: [128, 8], using: &rng)
        let g1 = Tensor<Float>.gaussian(shape: [128, 4], using: &rng)
        let g2 = Tensor<Float>.gaussian(shape: [128, 4], using: &rng)
        let first = model.forward(x, training: true, using: &rng).pullback(g1)
        let saved = (first.input, first.parameters)
        for _ in 0..<3 {
            _ = model.forward(x, training: true, using: &rng).pullback(g2)
        }
        #expect(first.input == saved.0 && first.parameters == saved.1)
        let again = model.forward(x, training: true, using: &rng).pullback(g1)
        #expect(again.input == first.input && again.parameters == first.parameters)
    }
}
