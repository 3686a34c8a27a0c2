import Channels
import NeuralNet
import TensorCore

/// The semantic link: encode → power-normalize → channel → decode, with semantic noise injected at
/// the input, latent or symbol stage, for inference and for end-to-end training.
///
/// One call runs, with one generator threaded through in this order:
///
/// 1. ``SemanticPerturbation``s of stage ``PerturbationStage/input`` on the input batch;
/// 2. the ``SemanticEncoder``: input → latent `z`, `[batch, 2·k]`;
/// 3. perturbations of stage ``PerturbationStage/latent`` on `z`;
/// 4. `Channels.PowerNormalization`: unit (or ``powerNormalization``'s) average power per complex
///    symbol for every sample — the average-power constraint of DeepJSCC (Bourtsoulatze, Kurka &
///    Gündüz, IEEE TCCN 2019);
/// 5. perturbations of stage ``PerturbationStage/symbols`` on the symbols `x`;
/// 6. the channel (any `ChannelModel`, or a ``ChannelLayer`` in training): `y`;
/// 7. the ``SemanticDecoder``: `y` → task output (e.g. logits `[batch, classes]`).
///
/// Training backpropagates through all of it: decoder, channel pullback, symbol perturbations,
/// the power normalization's pullback, latent perturbations and the encoder (Xie et al., "Deep
/// learning enabled semantic communication systems", IEEE TSP 2021; O'Shea & Hoydis, IEEE TCCN 2017).
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// var pipeline = SemanticPipeline(
///     encoder: NetworkEncoder(inputSize: 9, hiddenSizes: [16], channelUsesPerSample: 4, using: &rng),
///     decoder: NetworkDecoder(channelUsesPerSample: 4, hiddenSizes: [16], outputSize: 2, using: &rng))
/// var adam = Adam<Float>(learningRate: 1e-2)
/// let channel = ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: 0...20)
/// let step = pipeline.trainingStep(inputs: x, labels: y, through: channel, optimizer: &adam, using: &rng)
/// let logits = pipeline(x, over: AWGN(snrDecibels: 5), using: &rng)
/// ```
public struct SemanticPipeline<Encoder: SemanticEncoder, Decoder: SemanticDecoder>: Sendable {
    /// The transmitter's network.
    public var encoder: Encoder
    /// The receiver's network.
    public var decoder: Decoder
    /// The power normalization between encoder and channel (unit average power per complex symbol by default).
    public var powerNormalization: PowerNormalization
    /// Semantic noise, each applied at its own stage, in list order within a stage.
    public var perturbations: [any SemanticPerturbation]

    /// Creates a pipeline.
    /// - Parameters:
    ///   - encoder: input → `[batch, 2·k]`.
    ///   - decoder: `[batch, 2·k]` → task output.
    ///   - powerNormalization: the symbol power constraint (default: unit power per complex symbol).
    ///   - perturbations: semantic noise (default: none).
    /// - Precondition: encoder and decoder agree on `k`.
    public init(
        encoder: Encoder, decoder: Decoder, powerNormalization: PowerNormalization = PowerNormalization(),
        perturbations: [any SemanticPerturbation] = []
    ) {
        precondition(
            encoder.channelUsesPerSample == decoder.channelUsesPerSample,
            "Encoder sends \(encoder.channelUsesPerSample) channel uses per sample, decoder reads \(decoder.channelUsesPerSample)"
        )
        self.encoder = encoder
        self.decoder = decoder
        self.powerNormalization = powerNormalization
        self.perturbations = perturbations
    }

    /// `k`, complex channel uses per sample.
    public var channelUsesPerSample: Int { encoder.channelUsesPerSample }

    /// Encoder parameters followed by decoder parameters (the order optimizers and checkpoints use).
    public var parameters: [Tensor<Float>] {
        get { encoder.parameters + decoder.parameters }
        set {
            let split = encoder.parameters.count
            precondition(
                newValue.count == split + decoder.parameters.count,
                "Pipeline has \(split) encoder + \(decoder.parameters.count) decoder parameters, got \(newValue.count)")
            encoder.parameters = Array(newValue[..<split])
            decoder.parameters = Array(newValue[split...])
        }
    }

    // MARK: - Inference

    /// The transmitter side: perturbed input → encoder → perturbed latent → power normalization →
    /// perturbed symbols. This is what a `.semf` frame carries.
    /// - Parameters:
    ///   - input: the input batch (axis 0 is the batch).
    ///   - rng: the generator for the perturbations.
    /// - Returns: the channel symbols `[batch, 2·k]`.
    public func symbols<G: RandomNumberGenerator>(for input: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        transmitterSide(input, using: &rng).symbols
    }

    /// The receiver side: the decoder's output for received symbols `[batch, 2·k]`.
    public func decode(_ received: Tensor<Float>) -> Tensor<Float> {
        decoder(received)
    }

    /// Runs the whole link (inference) and returns every intermediate tensor.
    /// - Parameters:
    ///   - input: the input batch.
    ///   - channel: the channel.
    ///   - rng: perturbations, then the channel state, then the noise.
    public func transmit<C: ChannelModel, G: RandomNumberGenerator>(
        _ input: Tensor<Float>, over channel: C, using rng: inout G
    ) -> SemanticTransmission {
        let (latent, symbols) = transmitterSide(input, using: &rng)
        let received = channel.transmit(symbols, using: &rng).output
        return SemanticTransmission(latent: latent, symbols: symbols, received: received, output: decoder(received))
    }

    /// The decoder's output (e.g. logits `[batch, classes]`) for `input` sent over `channel`.
    /// - Parameters:
    ///   - input: the input batch.
    ///   - channel: the channel.
    ///   - rng: perturbations, then the channel state, then the noise.
    public func callAsFunction<C: ChannelModel, G: RandomNumberGenerator>(
        _ input: Tensor<Float>, over channel: C, using rng: inout G
    ) -> Tensor<Float> {
        transmit(input, over: channel, using: &rng).output
    }

    private func transmitterSide<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, using rng: inout G
    ) -> (latent: Tensor<Float>, symbols: Tensor<Float>) {
        let x = applyPerturbations(.input, to: input, using: &rng)
        let z = applyPerturbations(.latent, to: encoder(x), using: &rng)
        checkLatent(z, batch: input.shape.first ?? 0)
        let s = applyPerturbations(.symbols, to: powerNormalization(z), using: &rng)
        return (z, s)
    }

    private func applyPerturbations<G: RandomNumberGenerator>(
        _ stage: PerturbationStage, to x: Tensor<Float>, using rng: inout G
    ) -> Tensor<Float> {
        var y = x
        for p in perturbations where p.stage == stage { y = p.perturb(y, using: &rng) }
        return y
    }

    private func checkLatent(_ z: Tensor<Float>, batch: Int) {
        precondition(
            z.shape == [batch, 2 * channelUsesPerSample],
            "Encoder output must be [batch, 2·k] = [\(batch), \(2 * channelUsesPerSample)], got \(z.shape)")
    }

    // MARK: - Training

    /// Runs the link with pullbacks through a ``ChannelLayer``.
    /// - Parameters:
    ///   - input: the input batch.
    ///   - channel: the channel layer (per-example SNRs in training if it has a range).
    ///   - training: training mode (dropout on, SNR range sampled).
    ///   - rng: input perturbations, encoder, latent perturbations, symbol perturbations, channel, decoder.
    /// - Returns: the decoder output and a pullback mapping `∂L/∂output` to the gradients of
    ///   ``parameters`` (encoder then decoder).
    public func forward<C: ChannelModel, G: RandomNumberGenerator>(
        _ input: Tensor<Float>, through channel: ChannelLayer<C>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> [Tensor<Float>]) {
        let result = differentiableForward(input, through: channel, training: training, using: &rng)
        let pullback = result.pullback
        return (result.output, { pullback($0).parameters })
    }

    /// Runs the link with pullbacks through a ``ChannelLayer``, optionally adding a perturbation to
    /// the transmitted symbols, and returns the gradients with respect to the input, the
    /// transmitted symbols and the parameters — what white-box attacks and adversarial training need.
    /// - Parameters:
    ///   - input: the input batch `[batch, …]`.
    ///   - symbolOffset: added to the transmitted symbols `[batch, 2·k]` after power normalization
    ///     and symbol-stage perturbations, before the channel (a jammer's or attacker's signal), or `nil`.
    ///   - channel: the channel layer.
    ///   - training: training mode (dropout on, SNR range sampled).
    ///   - rng: as ``forward(_:through:training:using:)``.
    /// - Returns: the decoder output and a pullback mapping `∂L/∂output` to `∂L/∂input` (through the
    ///   input perturbations straight-through), `∂L/∂symbols` (`[batch, 2·k]`, equal to
    ///   `∂L/∂symbolOffset`) and the parameter gradients (encoder then decoder).
    public func differentiableForward<C: ChannelModel, G: RandomNumberGenerator>(
        _ input: Tensor<Float>, symbolOffset: Tensor<Float>? = nil, through channel: ChannelLayer<C>, training: Bool,
        using rng: inout G
    ) -> (
        output: Tensor<Float>,
        pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, symbols: Tensor<Float>, parameters: [Tensor<Float>])
    ) {
        let x = applyPerturbations(.input, to: input, using: &rng)
        let encoded = encoder.forward(x, training: training, using: &rng)
        checkLatent(encoded.output, batch: input.shape.first ?? 0)
        let latent = stagedForward(.latent, encoded.output, using: &rng)
        let normalized = powerNormalization.forward(latent.output)
        let symbols = stagedForward(.symbols, normalized.output, using: &rng)
        var sent = symbols.output
        if let symbolOffset {
            precondition(
                symbolOffset.shape == sent.shape, "Symbol offset \(symbolOffset.shape) differs from symbols \(sent.shape)")
            sent += symbolOffset
        }
        let received = channel.forward(sent, training: training, using: &rng)
        let decoded = decoder.forward(received.output, training: training, using: &rng)
        let encoderPullback = encoded.pullback
        let latentPullback = latent.pullback
        let normalizationPullback = normalized.pullback
        let symbolPullback = symbols.pullback
        let channelPullback = received.pullback
        let decoderPullback = decoded.pullback
        return (
            decoded.output,
            { gradient in
                let (dReceived, decoderGradients) = decoderPullback(gradient)
                let dSent = channelPullback(dReceived).input
                let dLatent = latentPullback(normalizationPullback(symbolPullback(dSent)))
                let (dInput, encoderGradients) = encoderPullback(dLatent)
                return (dInput, dSent, encoderGradients + decoderGradients)
            }
        )
    }

    private func stagedForward<G: RandomNumberGenerator>(
        _ stage: PerturbationStage, _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        var y = x
        var pullbacks: [@Sendable (Tensor<Float>) -> Tensor<Float>] = []
        for p in perturbations where p.stage == stage {
            let step = p.forward(y, using: &rng)
            y = step.output
            pullbacks.append(step.pullback)
        }
        return (
            y,
            { [pullbacks] gradient in
                var g = gradient
                for pullback in pullbacks.reversed() { g = pullback(g) }
                return g
            }
        )
    }

    /// One minibatch step of classification training: forward through the channel layer
    /// (training mode), softmax cross-entropy on the decoder's logits, backpropagation, and one
    /// optimizer update of ``parameters``.
    /// - Parameters:
    ///   - inputs: the input batch (axis 0 is the batch).
    ///   - labels: one class index per sample, in `0..<classes`.
    ///   - channel: the channel layer.
    ///   - optimizer: the optimizer (its state follows ``parameters``' order).
    ///   - rng: the generator (see ``forward(_:through:training:using:)``).
    /// - Returns: the mean loss (nats) and the accuracy on this batch, both before the update.
    /// - Precondition: the decoder outputs `[batch, classes]` and `labels.count == batch`.
    @discardableResult
    public mutating func trainingStep<C: ChannelModel, O: Optimizer<Float>, G: RandomNumberGenerator>(
        inputs: Tensor<Float>, labels: [Int], through channel: ChannelLayer<C>, optimizer: inout O,
        using rng: inout G
    ) -> (loss: Float, accuracy: Double) {
        precondition(
            inputs.shape.first == labels.count,
            "Training batch has \(inputs.shape.first ?? 0) inputs but \(labels.count) labels")
        let (logits, pullback) = forward(inputs, through: channel, training: true, using: &rng)
        precondition(
            logits.rank == 2, "Classification training needs decoder logits [batch, classes], got \(logits.shape)")
        let (loss, dLogits) = Losses.softmaxCrossEntropy(logits: logits, labels: labels)
        let accuracy = Metrics.accuracy(predictions: logits.argmaxAlongLastAxis(), labels: labels)
        let gradients = pullback(dLogits)
        var current = parameters
        optimizer.update(&current, along: gradients)
        parameters = current
        return (loss, accuracy)
    }
}

/// Every intermediate tensor of one inference pass of a ``SemanticPipeline``.
public struct SemanticTransmission: Sendable {
    /// The encoder output after latent perturbations, `[batch, 2·k]`.
    public var latent: Tensor<Float>
    /// The transmitted symbols after power normalization and symbol perturbations, `[batch, 2·k]`.
    public var symbols: Tensor<Float>
    /// The received symbols, `[batch, 2·k]`.
    public var received: Tensor<Float>
    /// The decoder output, e.g. logits `[batch, classes]`.
    public var output: Tensor<Float>
}
