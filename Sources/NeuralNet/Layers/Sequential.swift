import TensorCore

/// A chain of layers applied in order, with one flat parameter list.
///
/// ## Design
///
/// `Sequential` holds its layers as existentials (`[any Layer<Scalar>]`, so any mix of layers
/// from any module composes) and **owns the parameters of all of them in one flat, stored
/// array**, ``parameters``: the concatenation of each layer's ``Layer/parameters`` in layer
/// order (for `Dense, ReLU, Dense`: `[W₁, b₁, W₂, b₂]`). This stored array is the single source of
/// truth; each layer holds references to its slice (installing copies references, never scalars).
///
/// Why: an optimizer mutates `model.parameters` in place (`optimizer.update(&model.parameters,
/// along: gradients)`). With a computed, concatenating `parameters` the getter would hand out a
/// second reference to every weight buffer and the first write would copy each one
/// (copy-on-write), every step. Here the in-place accessor (`_modify`) first drops the layers'
/// references, yields the flat array — whose buffers are then uniquely owned once the previous
/// step's pullbacks are released — and re-links the layers afterwards (a few reference-count
/// operations per layer). Inference and `forward` use the linked layers directly, with no
/// per-call setup.
///
/// A chain of only ``Dense`` layers (each optionally followed by ``ReLU``) runs Float batches of up
/// to ``SmallDense/preferredMaximumRows`` rows through a ``SmallDense/Chain``: a copy of its weights
/// in 64-byte-aligned storage, made on the first such call after the parameters were last set
/// (so such a model holds those weights twice once it has served batch-1 inference; the results
/// are the bits of the layer-by-layer path).
///
/// ``layers`` returns the layers with the current parameters. The layers as passed to `init`
/// keep their initial tensors (they stand in while ``parameters`` is mutated), so a model holds
/// its initial weights once more in memory. A ``Dense`` directly followed by a ``ReLU`` runs fused
/// (the rectification happens in place on the dense output) with identical results.
/// Release a step's pullback before updating (a live pullback references the weights, and the
/// update would then copy them); ``forwardForParameterGradients(_:training:using:)`` skips the
/// input gradient when the input is data.
///
/// ## Per-example gradients
///
/// ``perExampleForward(_:training:using:)`` returns a pullback that yields, for every parameter
/// tensor in flat order, the per-example gradient of shape `[batch] + parameter.shape`
/// (DP-SGD, Abadi et al. 2016). It backpropagates once, and each parametrized layer computes its
/// per-example gradients from its saved input and output gradient (Opacus's `grad_sample`
/// approach, no per-example backward pass). Every layer that has parameters must conform to
/// ``PerExampleDifferentiable``; layers whose examples interact (batch statistics) must not be used.
///
/// ```swift
/// var rng = Xoshiro256(seed: 1)
/// var model = Sequential<Float>(
///     Dense<Float>(inputSize: 30, outputSize: 16, initializer: .heUniform, using: &rng), ReLU<Float>(),
///     Dense<Float>(inputSize: 16, outputSize: 2, using: &rng))
/// var optimizer = Adam<Float>(learningRate: 1e-3)
/// let gradients: [Tensor<Float>] = {
///     let (logits, pullback) = model.forward(x, training: true, using: &rng)   // x: [batch, 30]
///     let (loss, dLogits) = Losses.softmaxCrossEntropy(logits: logits, labels: y)
///     return pullback(dLogits).parameters
/// }()
/// optimizer.update(&model.parameters, along: gradients)
/// ```
public struct Sequential<Scalar: TensorScalar>: PerExampleDifferentiable {
    /// The layers as given. They keep their initial parameter tensors, so they never share a
    /// buffer with ``parameters`` after the first update; they stand in for ``installed`` while
    /// ``parameters`` is being mutated.
    private let detached: [any Layer<Scalar>]
    /// The layers with the current parameters installed (sharing buffers with `storage`).
    private var installed: [any Layer<Scalar>]
    /// `installed[i]` when it is a ``Dense`` (cast once per relink, not once per call).
    private var installedDense: [Dense<Scalar>?]
    /// The layers of ``denseChain`` (from ``installedDense``), kept so that small-batch inference
    /// builds no array per call; empty when there is no chain.
    private var chainLayers: [Dense<Scalar>]
    /// The flat parameter list (the source of truth).
    private var storage: [Tensor<Scalar>]
    /// The slice of ``parameters`` owned by each layer.
    private let ranges: [Range<Int>]
    /// The shapes every parameter must keep.
    private let shapes: [[Int]]
    /// Whether layer `i` is a ``Dense`` directly followed by a ``ReLU`` (run fused).
    private let fusesReLU: [Bool]
    /// The indices of the ``Dense`` layers when the chain is only ``Dense`` layers, each optionally
    /// followed by a ``ReLU``, with matching sizes (all ≥ 1); `nil` otherwise. Such a chain runs
    /// small Float batches through ``SmallDense`` without intermediate tensors.
    private let denseChain: [Int]?
    /// Whether each layer of ``denseChain`` is followed by a fused ReLU.
    private let chainReLU: [Bool]
    /// Scratch arrays for the intermediate activations of inference (shared by copies).
    private let pool = BufferPool<Scalar>()
    /// The ``denseChain`` prepared for small-batch inference (``SmallDense/Chain``), built on the
    /// first such call after the parameters were last set. Replaced by an empty box whenever they
    /// are, so copies that keep the old parameters keep the box that matches them.
    private var preparedChain = PreparedChainBox()

    /// All parameters of all layers, concatenated in layer order.
    ///
    /// Mutate it in place (the optimizers do): during an in-place mutation the layers' references
    /// are dropped, so the weight buffers are uniquely owned and updated without copying; the
    /// layers are re-linked afterwards. Assigning checks the count and every shape.
    public var parameters: [Tensor<Scalar>] {
        get { storage }
        set {
            storage = newValue
            relink()
        }
        _modify {
            installed = detached
            installedDense = Self.denseView(detached)
            chainLayers = Self.chainLayers(installedDense, denseChain)
            defer { relink() }
            yield &storage
        }
    }

    /// Checks the parameter list and installs its tensors into the layers (references only).
    private mutating func relink() {
        precondition(
            storage.count == shapes.count, "Sequential has \(shapes.count) parameter tensors, got \(storage.count)")
        for (i, p) in storage.enumerated() where p.shape != shapes[i] {
            preconditionFailure("Sequential parameter \(i) must have shape \(shapes[i]), got \(p.shape)")
        }
        installed = detached
        for i in installed.indices where !ranges[i].isEmpty {
            installed[i].parameters = Array(storage[ranges[i]])
        }
        installedDense = Self.denseView(installed)
        chainLayers = Self.chainLayers(installedDense, denseChain)
        preparedChain = PreparedChainBox()
    }

    /// Each layer as a ``Dense`` when it is one.
    private static func denseView(_ layers: [any Layer<Scalar>]) -> [Dense<Scalar>?] {
        layers.map { $0 as? Dense<Scalar> }
    }

    /// Creates a chain from layers applied first to last.
    /// - Parameter layers: the layers; may be empty (the identity).
    public init(_ layers: [any Layer<Scalar>]) {
        var ranges: [Range<Int>] = []
        var flat: [Tensor<Scalar>] = []
        for layer in layers {
            let p = layer.parameters
            ranges.append(flat.count..<(flat.count + p.count))
            flat.append(contentsOf: p)
        }
        self.detached = layers
        self.installed = layers
        self.installedDense = Self.denseView(layers)
        self.ranges = ranges
        self.shapes = flat.map(\.shape)
        self.storage = flat
        let fuses = layers.indices.map { i in
            i + 1 < layers.count && layers[i] is Dense<Scalar> && layers[i + 1] is ReLU<Scalar>
        }
        self.fusesReLU = fuses
        self.denseChain = Self.plainDenseChain(layers, fusesReLU: fuses)
        self.chainReLU = denseChain.map { $0.map { fuses[$0] } } ?? []
        self.chainLayers = Self.chainLayers(installedDense, denseChain)
    }

    /// The ``Dense`` layers at the indices of `chain` (empty without a chain).
    private static func chainLayers(_ dense: [Dense<Scalar>?], _ chain: [Int]?) -> [Dense<Scalar>] {
        chain.map { $0.map { dense[$0]! } } ?? []
    }

    /// The ``denseChain`` of `layers`.
    private static func plainDenseChain(_ layers: [any Layer<Scalar>], fusesReLU: [Bool]) -> [Int]? {
        var indices: [Int] = []
        var width: Int?
        var i = 0
        while i < layers.count {
            guard let dense = layers[i] as? Dense<Scalar>, dense.inputSize >= 1, dense.outputSize >= 1,
                width == nil || width == dense.inputSize
            else { return nil }
            indices.append(i)
            width = dense.outputSize
            i += fusesReLU[i] ? 2 : 1
        }
        return indices.isEmpty ? nil : indices
    }

    /// Creates a chain from layers applied first to last.
    public init(_ layers: any Layer<Scalar>...) {
        self.init(layers)
    }

    /// The number of layers.
    public var count: Int { installed.count }

    /// The range of ``parameters`` that belongs to layer `index`.
    public func parameterRange(ofLayer index: Int) -> Range<Int> {
        precondition(index >= 0 && index < ranges.count, "Layer index \(index) out of 0..<\(ranges.count)")
        return ranges[index]
    }

    /// The layers, each with its current parameters.
    public var layers: [any Layer<Scalar>] { installed }

    /// Layer `index` with its current parameters.
    public func layer(at index: Int) -> any Layer<Scalar> {
        precondition(index >= 0 && index < installed.count, "Layer index \(index) out of 0..<\(installed.count)")
        return installed[index]
    }

    /// Runs every layer in order; the pullback backpropagates through all of them.
    ///
    /// - Parameters:
    ///   - input: the first layer's input.
    ///   - training: passed to every layer.
    ///   - rng: passed to every layer in order.
    /// - Returns: the last layer's output and a pullback returning `∂L/∂input` and the gradients of
    ///   all parameters in ``parameters`` order.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])) {
        let (output, pullbacks) = run(input, training: training, inputGradient: true, using: &rng)
        let chain = Self.chain(pullbacks, ranges: ranges, total: shapes.count, pool: pool)
        return (output, { gradient in chain(gradient) })
    }

    /// Like ``forward(_:training:using:)`` for when `∂L/∂input` is not needed (the network's input
    /// is data): the pullback returns the parameter gradients only, and a first ``Dense`` layer
    /// skips the input-gradient product (a `[batch, in] · [in, out]ᵀ` GEMM).
    ///
    /// - Parameters:
    ///   - input: the first layer's input.
    ///   - training: passed to every layer.
    ///   - rng: passed to every layer in order.
    /// - Returns: the output and a pullback from `∂L/∂output` to the gradients of ``parameters``.
    public func forwardForParameterGradients<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> [Tensor<Scalar>]) {
        let (output, pullbacks) = run(input, training: training, inputGradient: false, using: &rng)
        let chain = Self.chain(pullbacks, ranges: ranges, total: shapes.count, pool: pool)
        return (output, { gradient in chain(gradient).parameters })
    }

    private typealias Pullback = @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])

    /// The forward pass with one pullback per layer.
    ///
    /// A ``Dense`` followed by a ``ReLU`` is fused: the rectification runs in place on the dense
    /// output (one buffer and one pass fewer); the two pullbacks are the layers' own, so results
    /// are identical to running the layers one by one.
    private func run<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, inputGradient: Bool, using rng: inout G
    ) -> (Tensor<Scalar>, [Pullback]) {
        var x = input
        var pullbacks: [Pullback] = []
        pullbacks.reserveCapacity(installed.count)
        var i = 0
        while i < installed.count {
            let needsInputGradient = inputGradient || i > 0
            if fusesReLU[i] || !needsInputGradient, let dense = installedDense[i] {
                pullbacks.append(dense.pullback(input: x, inputGradient: needsInputGradient, pool: pool))
                let z = denseForward(x, dense.weight, dense.bias, relu: fusesReLU[i])
                if fusesReLU[i] {
                    let y = z
                    let pool = self.pool
                    pullbacks.append({ g in (reluBackward(output: y, gradient: g, reusing: pool.take(count: y.count)), []) })
                    i += 1
                }
                x = z
                i += 1
                continue
            }
            let step = installed[i].forward(x, training: training, using: &rng)
            pullbacks.append(step.pullback)
            x = step.output
            i += 1
        }
        return (x, pullbacks)
    }

    /// Chains per-layer pullbacks in reverse and concatenates their parameter gradients.
    ///
    /// The gradients between layers are intermediates of this call: once consumed they go back to
    /// `pool` for the next layers and steps.
    private static func chain(
        _ pullbacks: [Pullback], ranges: [Range<Int>], total: Int, pool: BufferPool<Scalar>
    ) -> Pullback {
        { gradient in
            var g = gradient
            var perLayer = [[Tensor<Scalar>]](repeating: [], count: pullbacks.count)
            for i in pullbacks.indices.reversed() {
                let (dx, dp) = pullbacks[i](g)
                precondition(
                    dp.count == ranges[i].count,
                    "Layer \(i) returned \(dp.count) parameter gradients for \(ranges[i].count) parameters")
                perLayer[i] = dp
                let consumed = g
                g = dx
                if i != pullbacks.count - 1 {
                    pool.recycle(consumed.scalars)
                }
            }
            var flat: [Tensor<Scalar>] = []
            flat.reserveCapacity(total)
            for p in perLayer { flat.append(contentsOf: p) }
            return (g, flat)
        }
    }

    /// Inference: applies every layer in order.
    ///
    /// A ``Dense`` followed by ``ReLU`` is fused, and the intermediate activations of one call are
    /// recycled for the next (a call allocates little beyond its output once warmed up).
    @_specialize(where Scalar == Float)
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        if Scalar.self == Float.self, let first = chainLayers.first,
            input.rank >= 1, input.shape[input.rank - 1] == first.inputSize
        {
            let rows = input.count / first.inputSize
            if rows >= 1 && rows <= SmallDense.preferredMaximumRows {
                return smallBatch(input, rows: rows)
            }
        }
        var x = input
        // Whether `x` is an intermediate this call created (and may recycle).
        var intermediate = false
        var i = 0
        while i < installed.count {
            let next: Tensor<Scalar>
            if let dense = installedDense[i] {
                let outputCount = dense.inputSize > 0 ? x.count / dense.inputSize * dense.outputSize : 0
                next = denseForward(
                    x, dense.weight, dense.bias, relu: fusesReLU[i], reusing: pool.take(count: outputCount))
                if fusesReLU[i] {
                    i += 1
                }
            } else {
                next = installed[i].callAsFunction(x)
            }
            i += 1
            let previous = x
            x = next
            if intermediate {
                pool.recycle(previous.scalars)
            }
            intermediate = true
        }
        return x
    }

    /// Inference of a plain dense chain (``denseChain``) on a few Float rows, through the prepared
    /// chain (see ``smallBatchDenseChain(_:chain:)``).
    private func smallBatch(_ input: Tensor<Scalar>, rows: Int) -> Tensor<Scalar> {
        let layers = chainLayers
        let relu = chainReLU
        let chain = preparedChain.chain { preparedDenseChain(layers: layers, relu: relu) }
        return smallBatchDenseChain(input, chain: chain)
    }

    /// Runs every layer and returns a pullback that also yields per-example parameter gradients.
    ///
    /// - Parameters:
    ///   - input: `[batch, ...]`, batch axis first.
    ///   - training: passed to every layer.
    ///   - rng: passed to every layer in order.
    /// - Returns: the output and a pullback mapping `∂L/∂output` (with `L = Σᵢ ℓᵢ`) to `∂L/∂input`
    ///   and, for every tensor of ``parameters`` in order, `[batch] + shape` per-example gradients.
    /// - Precondition: every layer with parameters conforms to ``PerExampleDifferentiable``.
    public func perExampleForward<G: RandomNumberGenerator>(
        _ input: Tensor<Scalar>, training: Bool, using rng: inout G
    ) -> (output: Tensor<Scalar>, pullback: @Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, perExample: [Tensor<Scalar>])) {
        var x = input
        var inputs: [Tensor<Scalar>] = []
        var used: [any Layer<Scalar>] = []
        var pullbacks: [@Sendable (Tensor<Scalar>) -> (input: Tensor<Scalar>, parameters: [Tensor<Scalar>])] = []
        for i in self.installed.indices {
            let layer = self.installed[i]
            if !ranges[i].isEmpty {
                precondition(
                    layer is any PerExampleDifferentiable,
                    "Layer \(i) (\(type(of: layer))) has parameters but does not conform to PerExampleDifferentiable")
            }
            let step = layer.forward(x, training: training, using: &rng)
            inputs.append(x)
            used.append(layer)
            pullbacks.append(step.pullback)
            x = step.output
        }
        let ranges = self.ranges
        let total = shapes.count
        return (
            x,
            { [pullbacks, inputs, used] gradient in
                var g = gradient
                var perLayer = [[Tensor<Scalar>]](repeating: [], count: pullbacks.count)
                for i in pullbacks.indices.reversed() {
                    if !ranges[i].isEmpty, let layer = used[i] as? any PerExampleDifferentiable {
                        perLayer[i] = openedPerExampleGradients(layer, input: inputs[i], outputGradient: g)
                    }
                    g = pullbacks[i](g).input
                }
                var flat: [Tensor<Scalar>] = []
                flat.reserveCapacity(total)
                for p in perLayer { flat.append(contentsOf: p) }
                return (g, flat)
            }
        )
    }

    /// Per-example gradients of every parameter, `[batch] + shape` each, in ``parameters`` order.
    ///
    /// Runs the chain in inference mode (`training: false`, so dropout is off) on `input` and
    /// backpropagates `outputGradient`. For training-mode per-example gradients (dropout active),
    /// use ``perExampleForward(_:training:using:)``.
    /// - Parameters:
    ///   - input: `[batch, ...]`.
    ///   - outputGradient: `∂L/∂output` with `L = Σᵢ ℓᵢ`, the shape of the chain's output.
    public func perExampleGradients(input: Tensor<Scalar>, outputGradient: Tensor<Scalar>) -> [Tensor<Scalar>] {
        // Inference mode: the generator is not consumed by deterministic layers.
        var unused = Xoshiro256(seed: 0)
        return perExampleForward(input, training: false, using: &unused).pullback(outputGradient).perExample
    }
}

/// Opens a per-example-differentiable existential and converts its scalar type back.
private func openedPerExampleGradients<L: PerExampleDifferentiable, Scalar: TensorScalar>(
    _ layer: L, input: Tensor<Scalar>, outputGradient: Tensor<Scalar>
) -> [Tensor<Scalar>] {
    // The layer came from an `[any Layer<Scalar>]`, so `L.Scalar == Scalar` and the casts cannot fail.
    let result = layer.perExampleGradients(
        input: input as! Tensor<L.Scalar>, outputGradient: outputGradient as! Tensor<L.Scalar>)
    return result as! [Tensor<Scalar>]
}
