import TensorCore

/// How often a flat-fading coefficient changes within an example.
public enum FadingCoherence: Sendable, Equatable {
    /// Block fading over the whole example: one coefficient for all `k` symbols of an example.
    case perExample
    /// Block fading in blocks of `symbolCount` consecutive symbols (the last block may be shorter).
    case block(symbolCount: Int)
    /// Fast fading: an independent coefficient for every symbol.
    case perSymbol

    /// Symbols per coefficient for an example of `symbols` symbols (≥ 1).
    func symbolsPerBlock(symbols: Int) -> Int {
        switch self {
        case .perExample: return Swift.max(symbols, 1)
        case .block(let n):
            precondition(n >= 1, "Fading block length must be ≥ 1 symbol, got \(n)")
            return n
        case .perSymbol: return 1
        }
    }
}

/// What a flat-fading channel does at the receiver with perfect channel-state information.
public enum FadingEqualization: Sendable, Equatable {
    /// No equalization: the output is `y = h·x + n`. Keep the state (Sionna's
    /// `return_channel=True`) for a receiver that uses the coefficients itself.
    case none
    /// Zero-forcing: `ŷ = y / h = x + n / h` (unbiased; noise enhanced in deep fades). A
    /// coefficient that is exactly 0 yields 0.
    case zeroForcing
    /// Linear MMSE: `ŷ = h*·y / (|h|² + N0)` (minimum mean-squared error for unit-power symbols,
    /// biased towards 0 by the factor `|h|² / (|h|² + N0)`).
    case mmse
}

/// The state of one use of a flat-fading channel: the complex coefficients `h` and the noise
/// level, i.e. the perfect channel-state information a coherent receiver would have.
///
/// Symbol `n` of example `b` sees coefficient `coefficients[b, 2·(n / symbolsPerBlock)]` (real)
/// and `[b, 2·(n / symbolsPerBlock) + 1]` (imaginary).
public struct FlatFadingState: Sendable, Equatable {
    /// Complex fading coefficients, `[batch, 2·blocks]`, interleaved (real, imag), `E|h|² = 1`.
    public var coefficients: Tensor<Float>
    /// Consecutive symbols sharing one coefficient (1 for fast fading).
    public var symbolsPerBlock: Int
    /// Complex symbols per example, `k`.
    public var symbolsPerExample: Int
    /// Noise variance N0 per complex symbol of each example, `[batch]` (zeros when noiseless).
    public var noiseVariances: [Float]

    /// Creates a state from its parts.
    /// - Precondition: `coefficients` is `[batch, 2·⌈symbolsPerExample / symbolsPerBlock⌉]` and
    ///   `noiseVariances` has `batch` finite entries ≥ 0.
    public init(coefficients: Tensor<Float>, symbolsPerBlock: Int, symbolsPerExample: Int, noiseVariances: [Float]) {
        precondition(symbolsPerBlock >= 1, "symbolsPerBlock must be ≥ 1, got \(symbolsPerBlock)")
        precondition(symbolsPerExample >= 0, "symbolsPerExample must be ≥ 0, got \(symbolsPerExample)")
        let blocks = (symbolsPerExample + symbolsPerBlock - 1) / symbolsPerBlock
        precondition(
            coefficients.rank == 2 && coefficients.shape[1] == 2 * blocks,
            "Fading coefficients must be [batch, \(2 * blocks)] for \(symbolsPerExample) symbols in blocks of \(symbolsPerBlock), got \(coefficients.shape)"
        )
        precondition(
            noiseVariances.count == coefficients.shape[0] && noiseVariances.allSatisfy { $0 >= 0 && $0.isFinite },
            "Need \(coefficients.shape[0]) finite noise variances ≥ 0, got \(noiseVariances.count)")
        self.coefficients = coefficients
        self.symbolsPerBlock = symbolsPerBlock
        self.symbolsPerExample = symbolsPerExample
        self.noiseVariances = noiseVariances
    }

    /// Number of examples.
    public var batch: Int { coefficients.shape[0] }

    /// Number of coefficients per example, `⌈k / symbolsPerBlock⌉`.
    public var blocksPerExample: Int { coefficients.shape[1] / 2 }

    /// The coefficient of every symbol, `[batch, 2·k]` interleaved (real, imag): the block
    /// coefficients repeated over their blocks.
    public func perSymbolCoefficients() -> Tensor<Float> {
        let k = symbolsPerExample
        let blocks = blocksPerExample
        var out = [Float](repeating: 0, count: batch * 2 * k)
        coefficients.scalars.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { o in
                for b in 0..<batch {
                    for n in 0..<k {
                        let j = b * 2 * blocks + 2 * (n / symbolsPerBlock)
                        o[b * 2 * k + 2 * n] = h[j]
                        o[b * 2 * k + 2 * n + 1] = h[j + 1]
                    }
                }
            }
        }
        return Tensor(shape: [batch, 2 * k], scalars: out)
    }
}

/// The shared flat-fading arithmetic (complex products by hand on interleaved pairs).
enum FlatFadingKernel {
    /// Builds a state for `shape` from block coefficients `[batch, 2·blocks]`.
    static func makeState(
        shape: [Int], coefficients: Tensor<Float>, symbolsPerBlock: Int, noise: NoiseLevel?, context: String
    ) -> FlatFadingState {
        let (batch, symbols) = channelsComplexLayout(shape, context)
        let variances = noise?.noiseVariances(batch: batch) ?? Array(repeating: 0, count: batch)
        return FlatFadingState(
            coefficients: coefficients, symbolsPerBlock: symbolsPerBlock, symbolsPerExample: symbols,
            noiseVariances: variances)
    }

    /// Number of coefficients per example for `shape` and `coherence`.
    static func layout(_ shape: [Int], _ coherence: FadingCoherence, _ context: String)
        -> (batch: Int, blocks: Int, symbolsPerBlock: Int)
    {
        let (batch, symbols) = channelsComplexLayout(shape, context)
        let perBlock = coherence.symbolsPerBlock(symbols: symbols)
        return (batch, (symbols + perBlock - 1) / perBlock, perBlock)
    }

    static func checkShape(_ x: Tensor<Float>, _ state: FlatFadingState, _ context: String) {
        let (batch, symbols) = channelsComplexLayout(x.shape, context)
        precondition(
            batch == state.batch && symbols == state.symbolsPerExample,
            "\(context): tensor of shape \(x.shape) does not match a fading state for \(state.batch) examples of \(state.symbolsPerExample) symbols"
        )
    }

    /// `y = h·x + n`, then equalization.
    static func apply<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, state: FlatFadingState, equalization: FadingEqualization, using rng: inout G
    ) -> Tensor<Float> {
        checkShape(x, state, "Flat fading")
        let batch = state.batch
        let k = state.symbolsPerExample
        let blocks = state.blocksPerExample
        let perBlock = state.symbolsPerBlock
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { o in
            state.coefficients.scalars.withUnsafeBufferPointer { h in
                for b in 0..<batch {
                    for n in 0..<k {
                        let j = b * 2 * blocks + 2 * (n / perBlock)
                        let i = b * 2 * k + 2 * n
                        let (hr, hi, xr, xi) = (h[j], h[j + 1], o[i], o[i + 1])
                        o[i] = hr * xr - hi * xi
                        o[i + 1] = hr * xi + hi * xr
                    }
                }
            }
        }
        channelsAddNoise(to: &y, noiseVariances: state.noiseVariances, using: &rng)
        guard equalization != .none else { return y }
        y.scalars.withUnsafeMutableBufferPointer { o in
            state.coefficients.scalars.withUnsafeBufferPointer { h in
                for b in 0..<batch {
                    let n0 = equalization == .mmse ? state.noiseVariances[b] : 0
                    for n in 0..<k {
                        let j = b * 2 * blocks + 2 * (n / perBlock)
                        let i = b * 2 * k + 2 * n
                        let (hr, hi, yr, yi) = (h[j], h[j + 1], o[i], o[i + 1])
                        let denominator = hr * hr + hi * hi + n0
                        // h*·y / (|h|² + N0); with N0 = 0 this is y / h.
                        if denominator > 0 {
                            o[i] = (hr * yr + hi * yi) / denominator
                            o[i + 1] = (hr * yi - hi * yr) / denominator
                        } else {
                            o[i] = 0
                            o[i + 1] = 0
                        }
                    }
                }
            }
        }
        return y
    }

    /// The adjoint of `x ↦ E(h·x)`: `conj(h)·dy` (none), `dy` (zero-forcing),
    /// `|h|²/(|h|² + N0)·dy` (MMSE).
    static func pullback(_ dy: Tensor<Float>, state: FlatFadingState, equalization: FadingEqualization) -> Tensor<Float> {
        checkShape(dy, state, "Flat fading pullback")
        let batch = state.batch
        let k = state.symbolsPerExample
        let blocks = state.blocksPerExample
        let perBlock = state.symbolsPerBlock
        var dx = dy
        dx.scalars.withUnsafeMutableBufferPointer { o in
            state.coefficients.scalars.withUnsafeBufferPointer { h in
                for b in 0..<batch {
                    let n0 = state.noiseVariances[b]
                    for n in 0..<k {
                        let j = b * 2 * blocks + 2 * (n / perBlock)
                        let i = b * 2 * k + 2 * n
                        let (hr, hi, gr, gi) = (h[j], h[j + 1], o[i], o[i + 1])
                        switch equalization {
                        case .none:
                            o[i] = hr * gr + hi * gi
                            o[i + 1] = hr * gi - hi * gr
                        case .zeroForcing:
                            if hr == 0 && hi == 0 {
                                o[i] = 0
                                o[i + 1] = 0
                            }
                        case .mmse:
                            let power = hr * hr + hi * hi
                            let gain = power + n0 > 0 ? power / (power + n0) : 0
                            o[i] = gain * gr
                            o[i + 1] = gain * gi
                        }
                    }
                }
            }
        }
        return dx
    }
}
