import NeuralNet
import TensorCore

/// The phase-invariant statistics of `k` received complex symbols: the front layer of a decoder
/// **without CSI** over block fading.
///
/// Over block fading `y_i = h·x_i + n_i` (one `h ~ CN(0, 1)` for the `k` symbols of a sample) a
/// receiver without CSI cannot undo the random phase of `h`; what survives is the *energy* of each
/// symbol and the *relative phase* between symbols — the statistics of non-coherent and
/// differential detection (Proakis & Salehi, *Digital Communications*, 5th ed., §4.5; Hochwald &
/// Marzetta, "Unitary space–time modulation", IEEE Trans. IT 2000). This layer computes them, so a
/// decoder trained behind it with the fading channel in the loop learns non-coherent signalling:
///
/// - input `[batch, 2·k]`: interleaved (real, imaginary) pairs `y_i = a_i + j·b_i`;
/// - output `[batch, k²]`: the `k` energies `|y_i|²`, then for each pair `i < j` (row-major)
///   `Re(y_i·ȳ_j) = a_i a_j + b_i b_j` and `Im(y_i·ȳ_j) = b_i a_j − a_i b_j`.
///
/// Multiplying every `y_i` by the same `e^{jφ}` leaves every output unchanged; a common gain `|h|`
/// scales them all by `|h|²`. Parameter-free; the pullback is the exact derivative.
///
/// ```swift
/// let features = PhaseInvariantFeatures(symbolCount: 4)
/// let z = features(y)            // y: [batch, 8] → z: [batch, 16]
/// ```
public struct PhaseInvariantFeatures: Layer {
    /// The element type.
    public typealias Scalar = Float

    /// `k`, complex symbols per sample.
    public let symbolCount: Int

    /// Creates the layer for `symbolCount` complex symbols per sample.
    /// - Precondition: `symbolCount ≥ 1`.
    public init(symbolCount: Int) {
        precondition(symbolCount >= 1, "PhaseInvariantFeatures needs ≥ 1 symbol, got \(symbolCount)")
        self.symbolCount = symbolCount
    }

    /// Output features per sample, `k²`.
    public var outputSize: Int { symbolCount * symbolCount }

    /// Always empty.
    public var parameters: [Tensor<Float>] {
        get { [] }
        set { precondition(newValue.isEmpty, "PhaseInvariantFeatures has no parameters, got \(newValue.count)") }
    }

    /// Computes the features with their pullback. Input `[batch, 2·k]`, output `[batch, k²]`.
    public func forward<G: RandomNumberGenerator>(
        _ input: Tensor<Float>, training: Bool, using rng: inout G
    ) -> (
        output: Tensor<Float>,
        pullback: @Sendable (Tensor<Float>) -> (input: Tensor<Float>, parameters: [Tensor<Float>])
    ) {
        let output = callAsFunction(input)
        let k = symbolCount
        return (
            output,
            { gradient in
                precondition(
                    gradient.shape == output.shape,
                    "PhaseInvariantFeatures pullback: gradient \(gradient.shape) vs output \(output.shape)")
                let batch = input.shape[0]
                var dx = [Float](repeating: 0, count: batch * 2 * k)
                input.scalars.withUnsafeBufferPointer { x in
                    gradient.scalars.withUnsafeBufferPointer { g in
                        dx.withUnsafeMutableBufferPointer { dx in
                            for s in 0..<batch {
                                let xi = s * 2 * k
                                let gi = s * k * k
                                for i in 0..<k {
                                    dx[xi + 2 * i] += 2 * x[xi + 2 * i] * g[gi + i]
                                    dx[xi + 2 * i + 1] += 2 * x[xi + 2 * i + 1] * g[gi + i]
                                }
                                var f = gi + k
                                for i in 0..<k {
                                    for j in (i + 1)..<Swift.max(i + 1, k) {
                                        let (ai, bi) = (x[xi + 2 * i], x[xi + 2 * i + 1])
                                        let (aj, bj) = (x[xi + 2 * j], x[xi + 2 * j + 1])
                                        let (gr, gs) = (g[f], g[f + 1])
                                        dx[xi + 2 * i] += aj * gr - bj * gs
                                        dx[xi + 2 * i + 1] += bj * gr + aj * gs
                                        dx[xi + 2 * j] += ai * gr + bi * gs
                                        dx[xi + 2 * j + 1] += bi * gr - ai * gs
                                        f += 2
                                    }
                                }
                            }
                        }
                    }
                }
                return (Tensor(shape: input.shape, scalars: dx), [])
            }
        )
    }

    /// Computes the features. Input `[batch, 2·k]`, output `[batch, k²]`.
    public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
        let k = symbolCount
        precondition(
            input.rank == 2 && input.shape[1] == 2 * k,
            "PhaseInvariantFeatures expects [batch, \(2 * k)], got \(input.shape)")
        let batch = input.shape[0]
        var y = [Float](repeating: 0, count: batch * k * k)
        input.scalars.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for s in 0..<batch {
                    let xi = s * 2 * k
                    let yi = s * k * k
                    for i in 0..<k {
                        let (a, b) = (x[xi + 2 * i], x[xi + 2 * i + 1])
                        y[yi + i] = a * a + b * b
                    }
                    var f = yi + k
                    for i in 0..<k {
                        for j in (i + 1)..<Swift.max(i + 1, k) {
                            let (ai, bi) = (x[xi + 2 * i], x[xi + 2 * i + 1])
                            let (aj, bj) = (x[xi + 2 * j], x[xi + 2 * j + 1])
                            y[f] = ai * aj + bi * bj
                            y[f + 1] = bi * aj - ai * bj
                            f += 2
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, k * k], scalars: y)
    }
}
