import TensorCore

/// Where in the semantic pipeline a perturbation acts.
///
/// The pipeline runs `input → encoder → latent → power normalization → symbols → channel →
/// decoder`; a perturbation of stage
/// - ``input`` changes the source batch before the encoder (synonym swaps, missing fields,
///   sensor artefacts), shape of the input batch;
/// - ``latent`` changes the encoder output `[batch, 2·k]` before power normalization;
/// - ``symbols`` changes the normalized channel symbols `[batch, 2·k]` before the channel
///   (jamming, adversarial symbol perturbations such as FGSM/PGD).
public enum PerturbationStage: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The source batch, before the encoder.
    case input
    /// The encoder's latent, before power normalization.
    case latent
    /// The power-normalized channel symbols, before the channel.
    case symbols

    /// `"input"`, `"latent"` or `"symbols"`.
    public var description: String {
        switch self {
        case .input: "input"
        case .latent: "latent"
        case .symbols: "symbols"
        }
    }
}

/// Semantic noise: a random (or adversarial) change applied at one ``PerturbationStage`` of the
/// pipeline.
///
/// Semantic noise is the mismatch between the meaning sent and the meaning received that does not
/// come from the physical channel (Shannon & Weaver 1949, level B; Hu et al., "Robust semantic
/// communications with masked VQ-VAE enabled codebook", IEEE TWC 2023). Modality codecs and the
/// `Robustness` module conform their injectors to this protocol.
///
/// Conformers implement ``perturb(_:using:)``. In training the pipeline calls
/// ``forward(_:using:)``, whose default pullback is the **straight-through** estimator (the
/// identity Jacobian, Bengio, Léonard & Courville 2013): exact for additive noise independent of
/// the signal; a perturbation whose output depends on its input in another way (masking,
/// scaling) should implement its own pullback.
///
/// ```swift
/// struct LatentJitter: SemanticPerturbation {
///     var standardDeviation: Float
///     var stage: PerturbationStage { .latent }
///     func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
///         x + Tensor.gaussian(shape: x.shape, standardDeviation: standardDeviation, using: &rng)
///     }
/// }
/// let noise = LatentJitter(standardDeviation: 0.1).followed(by: IdentityPerturbation(stage: .latent))
/// ```
public protocol SemanticPerturbation: Sendable {
    /// The pipeline stage the perturbation acts on.
    var stage: PerturbationStage { get }

    /// Returns a perturbed copy of `x`.
    /// - Parameters:
    ///   - x: the tensor at ``stage``: the input batch, or `[batch, 2·k]` latents or symbols.
    ///   - rng: the generator for the perturbation's randomness.
    /// - Returns: a tensor of the same shape.
    func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float>

    /// Perturbs `x` and returns the pullback `∂L/∂output ↦ ∂L/∂x` (default: straight-through).
    /// - Parameters:
    ///   - x: the tensor at ``stage``.
    ///   - rng: the generator.
    func forward<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>)
}

extension SemanticPerturbation {
    /// The perturbed tensor with the straight-through pullback (the gradient passes unchanged).
    public func forward<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        let y = perturb(x, using: &rng)
        precondition(y.shape == x.shape, "Perturbation at stage \(stage) changed shape \(x.shape) to \(y.shape)")
        return (y, { $0 })
    }

    /// A chain that applies `self`, then `next`.
    /// - Precondition: both act at the same stage.
    public func followed(by next: some SemanticPerturbation) -> PerturbationChain {
        PerturbationChain([self, next])
    }
}

/// The perturbation that changes nothing (a test double and the "no semantic noise" setting).
/// It draws nothing from the generator and its pullback is the identity.
public struct IdentityPerturbation: SemanticPerturbation {
    /// The stage it nominally acts on.
    public let stage: PerturbationStage

    /// Creates the identity perturbation for `stage`.
    public init(stage: PerturbationStage) {
        self.stage = stage
    }

    /// Returns `x` unchanged.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> { x }
}

/// Several perturbations of the same stage applied in order; the pullback chains their pullbacks
/// in reverse order.
///
/// Chains nest: a chain is itself a ``SemanticPerturbation``.
public struct PerturbationChain: SemanticPerturbation {
    /// The perturbations, applied first to last.
    public let elements: [any SemanticPerturbation]
    /// The common stage of all elements.
    public let stage: PerturbationStage

    /// Creates a chain of perturbations applied in order.
    /// - Precondition: `elements` is not empty and all act at the same stage.
    public init(_ elements: [any SemanticPerturbation]) {
        precondition(!elements.isEmpty, "A perturbation chain needs at least one element")
        let stage = elements[0].stage
        precondition(
            elements.allSatisfy { $0.stage == stage },
            "A perturbation chain acts at one stage; got stages \(elements.map(\.stage))")
        self.elements = elements
        self.stage = stage
    }

    /// Applies every element in order.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        var y = x
        for element in elements { y = element.perturb(y, using: &rng) }
        return y
    }

    /// Applies every element in order (each element's own ``SemanticPerturbation/forward(_:using:)``);
    /// the pullback applies their pullbacks last to first.
    public func forward<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        var y = x
        var pullbacks: [@Sendable (Tensor<Float>) -> Tensor<Float>] = []
        for element in elements {
            let step = element.forward(y, using: &rng)
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
}
