// Modality-agnostic semantic noise on the channel symbols: blanking and Gaussian jamming.

import TensorCore

/// Symbol blanking: each complex channel symbol (a (real, imaginary) pair of `[batch, 2·k]`) is
/// set to 0 with probability ``probability``, independently — a semantic erasure the receiver is
/// not told about (unlike the channel's known erasures). Stage `symbols`; the pullback passes no
/// gradient to blanked symbols.
public struct SymbolBlankingNoise: SemanticPerturbation {
    /// The probability that a complex symbol is blanked, in [0, 1].
    public let probability: Double

    /// Creates the blanking noise.
    /// - Precondition: `0 ≤ probability ≤ 1`.
    public init(probability: Double) {
        precondition((0...1).contains(probability), "Blanking probability must be in [0, 1], got \(probability)")
        self.probability = probability
    }

    /// Stage `symbols`.
    public var stage: PerturbationStage { .symbols }

    /// The blanked symbols and the mask (1 kept, 0 blanked) per real; one uniform draw per complex
    /// symbol, in row-major order.
    func blank<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> (Tensor<Float>, [Float]) {
        precondition(
            x.rank == 2 && x.shape[1] % 2 == 0, "Symbol noise expects [batch, 2·k] symbols, got \(x.shape)")
        var y = x
        var mask = [Float](repeating: 1, count: x.scalars.count)
        guard probability > 0 else { return (y, mask) }
        for s in 0..<(x.scalars.count / 2) where rng.nextUnitDouble() < probability {
            y.scalars[2 * s] = 0
            y.scalars[2 * s + 1] = 0
            mask[2 * s] = 0
            mask[2 * s + 1] = 0
        }
        return (y, mask)
    }

    /// Blanks each complex symbol with probability ``probability``.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        blank(x, using: &rng).0
    }

    /// The blanked symbols; the pullback zeroes the gradient of blanked symbols.
    public func forward<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        let (y, mask) = blank(x, using: &rng)
        let shape = x.shape
        return (y, { $0 * Tensor(shape: shape, scalars: mask) })
    }
}

/// Gaussian jamming: adds circularly symmetric complex Gaussian noise of power ``powerRatio`` per
/// complex symbol (variance `powerRatio / 2` per real component) to the symbols `[batch, 2·k]`,
/// before the channel — a barrage jammer whose power is given relative to the unit average symbol
/// power of the power-normalized transmitter (jam-to-signal ratio, `10·log10(powerRatio)` dB).
/// Stage `symbols`; additive, so the straight-through pullback is exact.
public struct SymbolJammingNoise: SemanticPerturbation {
    /// Jamming power per complex symbol relative to unit symbol power (≥ 0).
    public let powerRatio: Float

    /// Creates the jamming noise.
    /// - Precondition: `powerRatio` is finite and ≥ 0.
    public init(powerRatio: Float) {
        precondition(
            powerRatio.isFinite && powerRatio >= 0, "Jamming power ratio must be finite and ≥ 0, got \(powerRatio)")
        self.powerRatio = powerRatio
    }

    /// Stage `symbols`.
    public var stage: PerturbationStage { .symbols }

    /// Adds the jamming noise (one standard normal per real, in row-major order).
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        precondition(
            x.rank == 2 && x.shape[1] % 2 == 0, "Symbol noise expects [batch, 2·k] symbols, got \(x.shape)")
        guard powerRatio > 0 else { return x }
        let sigma = (powerRatio / 2).squareRoot()
        var y = x
        for i in y.scalars.indices { y.scalars[i] += sigma * Float(rng.nextStandardGaussian()) }
        return y
    }
}
