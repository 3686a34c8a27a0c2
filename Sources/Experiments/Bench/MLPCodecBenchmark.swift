import NeuralNet
import RealModule
import TensorCore

/// The **mlp-codec** speed workload: a small end-to-end semantic codec trained over AWGN.
///
/// It reproduces the PyTorch peer `torch_mlp_codec.py` (see `/work/shared/peers/README.md`)
/// operation for operation, so the two can be timed side by side:
///
/// - encoder `Dense 64→256, ReLU, Dense 256→256, ReLU, Dense 256→32`;
/// - power normalization per sample: each latent row is divided by `√(mean of its squares)`, so
///   every transmitted vector has unit average power (``PowerNormalization``);
/// - AWGN: `z + 0.1 · n`, `n ~ N(0, 1)` i.i.d., drawn fresh every step (TensorCore's vectorized
///   ``GaussianFill`` sampler);
/// - decoder `Dense 32→256, ReLU, Dense 256→256, ReLU, Dense 256→10`;
/// - softmax cross-entropy (mean over the batch) on fixed random inputs `x ~ N(0, 1)` `[256, 64]`
///   and labels uniform in `0..<10`; Adam (Kingma & Ba 2015), η = 10⁻³, one step per batch;
/// - inference as in the script: `decoder(encoder(x))` (no normalization, no noise) at batch 1
///   (latency) and batch 1024 (throughput).
///
/// Everything is Float32; products go through OpenBLAS (single-threaded) split on TensorCore's
/// thread pool of ``BLAS/setThreadCount(_:)`` threads, batch-1 layers through ``SmallDense``.
///
/// ```swift
/// let result = MLPCodecBenchmark.run(threads: 2, seed: 0)
/// print(result.trainStepsPerSecond, result.inferBatch1Microseconds)
/// ```
public struct MLPCodecBenchmark: Sendable {
    /// The measured figures. JSON keys are the snake_case names of the peer script.
    public struct Result: Codable, Sendable, Equatable {
        /// Threads used (``BLAS/threadCount``).
        public var threads: Int
        /// Training steps (forward, backward, Adam update at batch 256) per second. Key `train_steps_per_s`.
        public var trainStepsPerSecond: Double
        /// Mean latency of one batch-1 inference, microseconds. Key `infer_batch1_us`.
        public var inferBatch1Microseconds: Double
        /// Samples per second of batch-1024 inference. Key `infer_batch1024_samples_per_s`.
        public var inferBatch1024SamplesPerSecond: Double
        /// Timed training steps.
        public var trainSteps: Int
        /// Training loss (nats) of the first warm-up step.
        public var initialLoss: Double
        /// Training loss (nats) of the last timed step.
        public var finalLoss: Double

        enum CodingKeys: String, CodingKey {
            case threads
            case trainStepsPerSecond = "train_steps_per_s"
            case inferBatch1Microseconds = "infer_batch1_us"
            case inferBatch1024SamplesPerSecond = "infer_batch1024_samples_per_s"
            case trainSteps = "train_steps"
            case initialLoss = "initial_loss"
            case finalLoss = "final_loss"
        }

        /// Creates a result.
        public init(
            threads: Int, trainStepsPerSecond: Double, inferBatch1Microseconds: Double,
            inferBatch1024SamplesPerSecond: Double, trainSteps: Int, initialLoss: Double, finalLoss: Double
        ) {
            self.threads = threads
            self.trainStepsPerSecond = trainStepsPerSecond
            self.inferBatch1Microseconds = inferBatch1Microseconds
            self.inferBatch1024SamplesPerSecond = inferBatch1024SamplesPerSecond
            self.trainSteps = trainSteps
            self.initialLoss = initialLoss
            self.finalLoss = finalLoss
        }
    }

    /// Input features per sample.
    public static let inputSize = 64
    /// Hidden width of encoder and decoder.
    public static let hiddenSize = 256
    /// Latent (channel) symbols per sample.
    public static let latentSize = 32
    /// Number of classes.
    public static let classCount = 10
    /// Training batch size.
    public static let batchSize = 256
    /// Standard deviation of the channel noise.
    public static let noiseStandardDeviation: Float = 0.1

    /// The encoder `64→256→256→32` (ReLU between layers).
    public var encoder: Sequential<Float>
    /// The decoder `32→256→256→10` (ReLU between layers).
    public var decoder: Sequential<Float>
    /// Adam over the encoder's parameters.
    public var encoderOptimizer: Adam<Float>
    /// Adam over the decoder's parameters.
    public var decoderOptimizer: Adam<Float>
    /// The fixed training inputs, `[256, 64]`.
    public let inputs: Tensor<Float>
    /// The fixed training labels, 256 values in `0..<10`.
    public let labels: [Int]
    /// The generator of the channel noise.
    public var noiseGenerator: Xoshiro256

    /// Builds the codec, its optimizers and the fixed random batch from `seed`.
    /// - Parameter seed: seeds weights (stream 0), data (stream 1) and channel noise (stream 2).
    public init(seed: UInt64) {
        var weights = Xoshiro256(seed: seed, stream: 0)
        var data = Xoshiro256(seed: seed, stream: 1)
        let h = Self.hiddenSize
        encoder = Sequential<Float>(
            Dense<Float>(inputSize: Self.inputSize, outputSize: h, initializer: .heUniform, using: &weights),
            ReLU<Float>(),
            Dense<Float>(inputSize: h, outputSize: h, initializer: .heUniform, using: &weights),
            ReLU<Float>(),
            Dense<Float>(inputSize: h, outputSize: Self.latentSize, using: &weights))
        decoder = Sequential<Float>(
            Dense<Float>(inputSize: Self.latentSize, outputSize: h, initializer: .heUniform, using: &weights),
            ReLU<Float>(),
            Dense<Float>(inputSize: h, outputSize: h, initializer: .heUniform, using: &weights),
            ReLU<Float>(),
            Dense<Float>(inputSize: h, outputSize: Self.classCount, using: &weights))
        encoderOptimizer = Adam(learningRate: 1e-3)
        decoderOptimizer = Adam(learningRate: 1e-3)
        inputs = Tensor.gaussian(shape: [Self.batchSize, Self.inputSize], using: &data)
        labels = (0..<Self.batchSize).map { _ in Int.random(in: 0..<Self.classCount, using: &data) }
        noiseGenerator = Xoshiro256(seed: seed, stream: 2)
    }

    /// One training step on the fixed batch; returns the loss before the update (nats).
    public mutating func trainStep() -> Float {
        let (loss, encoderGradients, decoderGradients) = gradients()
        // The pullbacks are released here, so the updates below write the weights in place.
        encoderOptimizer.update(&encoder.parameters, along: encoderGradients)
        decoderOptimizer.update(&decoder.parameters, along: decoderGradients)
        return loss
    }

    /// Forward and backward pass: loss, encoder gradients, decoder gradients.
    private mutating func gradients() -> (Float, [Tensor<Float>], [Tensor<Float>]) {
        // The inputs are data: no gradient with respect to them (as in PyTorch, `x.requires_grad == False`).
        let (latent, encoderPullback) = encoder.forwardForParameterGradients(inputs, training: true, using: &noiseGenerator)
        let (normalized, normalizationPullback) = PowerNormalization<Float>().forward(
            latent, training: true, using: &noiseGenerator)
        var received = normalized
        received.addGaussianNoise(standardDeviation: Self.noiseStandardDeviation, using: &noiseGenerator)
        let (logits, decoderPullback) = decoder.forward(received, training: true, using: &noiseGenerator)
        let (loss, logitsGradient) = Losses.softmaxCrossEntropy(logits: logits, labels: labels)
        // Additive noise passes the gradient through unchanged.
        let decoderStep = decoderPullback(logitsGradient)
        let latentGradient = normalizationPullback(decoderStep.input).input
        let encoderGradients = encoderPullback(latentGradient)
        return (loss, encoderGradients, decoderStep.parameters)
    }

    /// Inference as in the peer script: `decoder(encoder(x))`, `[batch, 64]` → `[batch, 10]` logits.
    public func infer(_ x: Tensor<Float>) -> Tensor<Float> {
        decoder(encoder(x))
    }

    /// Runs the workload and times it.
    ///
    /// - Parameters:
    ///   - threads: threads of TensorCore's pool (≥ 1, ``BLAS/setThreadCount(_:)``); set for the whole process.
    ///   - seed: seeds weights, data and noise.
    ///   - trainSteps: timed training steps (the peer uses 500), after `warmupSteps` untimed ones (50).
    ///   - batch1Iterations: timed batch-1 inferences (5000) after `min(200, batch1Iterations)` untimed ones.
    ///   - batch1024Iterations: timed batch-1024 inferences (200) after `min(20, batch1024Iterations)`
    ///     untimed ones.
    /// - Returns: the figures, with the keys of the peer script.
    public static func run(
        threads: Int, seed: UInt64, trainSteps: Int = 500, warmupSteps: Int = 50,
        batch1Iterations: Int = 5000, batch1024Iterations: Int = 200
    ) -> Result {
        precondition(threads >= 1, "threads must be ≥ 1, got \(threads)")
        precondition(
            trainSteps >= 1 && warmupSteps >= 0 && batch1Iterations >= 1 && batch1024Iterations >= 1,
            "iteration counts must be ≥ 1 (warm-up ≥ 0), got \(trainSteps), \(warmupSteps), \(batch1Iterations), \(batch1024Iterations)")
        BLAS.setThreadCount(threads)
        var codec = MLPCodecBenchmark(seed: seed)
        let clock = ContinuousClock()

        var initialLoss = Float.nan
        for i in 0..<warmupSteps {
            let loss = codec.trainStep()
            if i == 0 { initialLoss = loss }
        }
        var finalLoss = Float.nan
        let trainStart = clock.now
        for _ in 0..<trainSteps { finalLoss = codec.trainStep() }
        let trainSeconds = seconds(clock.now - trainStart)
        if warmupSteps == 0 { initialLoss = finalLoss }

        var data = Xoshiro256(seed: seed, stream: 3)
        let single = Tensor<Float>.gaussian(shape: [1, inputSize], using: &data)
        var sink: Float = 0
        for _ in 0..<Swift.min(200, batch1Iterations) { sink += codec.infer(single).scalars[0] }
        let singleStart = clock.now
        for _ in 0..<batch1Iterations { sink += codec.infer(single).scalars[0] }
        let singleSeconds = seconds(clock.now - singleStart)

        let large = Tensor<Float>.gaussian(shape: [1024, inputSize], using: &data)
        for _ in 0..<Swift.min(20, batch1024Iterations) { sink += codec.infer(large).scalars[0] }
        let largeStart = clock.now
        for _ in 0..<batch1024Iterations { sink += codec.infer(large).scalars[0] }
        let largeSeconds = seconds(clock.now - largeStart)
        // Keep the inference results observable so they cannot be optimized away.
        blackHole(sink)

        return Result(
            threads: threads,
            trainStepsPerSecond: Double(trainSteps) / trainSeconds,
            inferBatch1Microseconds: singleSeconds / Double(batch1Iterations) * 1e6,
            inferBatch1024SamplesPerSecond: Double(batch1024Iterations * 1024) / largeSeconds,
            trainSteps: trainSteps, initialLoss: Double(initialLoss), finalLoss: Double(finalLoss))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

extension MLPCodecBenchmark {
    /// Per-sample power normalization: `u = z / √(mean_j z_j²)` over the last axis, so each row
    /// has unit mean power (the transmit power constraint of deep joint source–channel coding,
    /// Bourtsoulatze et al. 2019).
    ///
    /// Input and output `[batch, k]`. With `s = √(Σ_j z_j² / k)`, the pullback is
    /// `∂L/∂z = (g − u · (Σ_j g_j u_j) / k) / s`. A zero row has no direction and is not allowed
    /// (its `s` is 0); the codec's latents are never exactly zero.
    public struct PowerNormalization<Scalar: TensorScalar>: Layer {
        /// Creates the layer.
        public init() {}
        /// Always empty.
        public var parameters: [Tensor<Scalar>] {
            get { [] }
            set { precondition(newValue.isEmpty, "PowerNormalization has no parameters, got \(newValue.count)") }
        }

        public func forward<G: RandomNumberGenerator>(
            _ input: Tensor<Scalar>, training: Bool, using rng: inout G
        ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
            let (output, scales) = Self.normalize(input)
            return (
                output,
                { gradient in
                    precondition(gradient.shape == output.shape, "PowerNormalization pullback: \(gradient.shape) ≠ \(output.shape)")
                    let k = output.shape.last ?? 1
                    let rows = output.count / Swift.max(k, 1)
                    var dz = [Scalar](repeating: 0, count: output.count)
                    dz.withUnsafeMutableBufferPointer { d in
                        output.scalars.withUnsafeBufferPointer { u in
                            gradient.scalars.withUnsafeBufferPointer { g in
                                for r in 0..<rows {
                                    let base = r * k
                                    var dot: Scalar = 0
                                    for j in 0..<k { dot += g[base + j] * u[base + j] }
                                    let projection = dot / Scalar(k)
                                    let inverse = 1 / scales[r]
                                    for j in 0..<k { d[base + j] = (g[base + j] - u[base + j] * projection) * inverse }
                                }
                            }
                        }
                    }
                    return (Tensor(shape: output.shape, scalars: dz), [])
                }
            )
        }

        /// Normalizes each row to unit mean power.
        public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
            Self.normalize(input).output
        }

        static func normalize(_ input: Tensor<Scalar>) -> (output: Tensor<Scalar>, scales: [Scalar]) {
            precondition(input.rank >= 1 && (input.shape.last ?? 0) > 0, "PowerNormalization needs [..., k>0], got \(input.shape)")
            let k = input.shape[input.rank - 1]
            let rows = input.count / k
            var out = input.scalars
            var scales = [Scalar](repeating: 0, count: rows)
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    let base = r * k
                    var power: Scalar = 0
                    for j in 0..<k { power += o[base + j] * o[base + j] }
                    let s = (power / Scalar(k)).squareRoot()
                    precondition(s > 0, "PowerNormalization: row \(r) is all zeros")
                    scales[r] = s
                    let inverse = 1 / s
                    for j in 0..<k { o[base + j] *= inverse }
                }
            }
            return (Tensor(shape: input.shape, scalars: out), scales)
        }
    }
}

@inline(never)
func blackHole(_ value: Float) {}
