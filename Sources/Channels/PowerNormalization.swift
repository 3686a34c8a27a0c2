import TensorCore

/// Per-example power normalization of complex channel symbols to a fixed average power per
/// complex symbol, with its pullback (codecs train through it).
///
/// For example `b` with `k` complex symbols (`2·k` reals, interleaved (real, imag) in the last
/// axis of a `[batch, …, 2·k]` tensor):
///
///     y_b = √(k·P) · x_b / ‖x_b‖,      so  (1/k)·Σ_n |y_{b,n}|² = P
///
/// — the average-power constraint of deep joint source–channel coding (Bourtsoulatze, Kurka &
/// Gündüz, "Deep joint source-channel coding for wireless image transmission", IEEE TCCN 2019).
/// The pullback is `∂L/∂x_b = (√(k·P)/‖x_b‖)·(g_b − x_b·(x_bᵀg_b)/‖x_b‖²)` for `g_b = ∂L/∂y_b`.
/// An example that is exactly zero stays zero and gets a zero gradient (its direction is undefined).
///
/// ```swift
/// let normalize = PowerNormalization()                 // P = 1
/// let (x, pullback) = normalize.forward(z)             // z: [batch, 2·k]
/// let y = AWGN(snrDecibels: 10)(x, using: &rng)
/// let dz = pullback(dx)                                // dx: ∂L/∂x from the channel's pullback
/// ```
public struct PowerNormalization: Sendable, Equatable {
    /// The target average energy per complex symbol, `P` (> 0).
    public var averageSymbolPower: Float

    /// Creates a normalization to average power `averageSymbolPower` per complex symbol.
    /// - Precondition: `averageSymbolPower > 0` and finite.
    public init(averageSymbolPower: Float = 1) {
        precondition(
            averageSymbolPower > 0 && averageSymbolPower.isFinite,
            "Average symbol power must be finite and > 0, got \(averageSymbolPower)")
        self.averageSymbolPower = averageSymbolPower
    }

    /// The normalized symbols `√(k·P)·x_b/‖x_b‖` per example. `x`: `[batch, …, 2·k]`; same shape out.
    public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
        forward(x).output
    }

    /// The normalized symbols and the pullback mapping `∂L/∂y` (shape of `x`) to `∂L/∂x`.
    /// - Parameter x: `[batch, …, 2·k]`, interleaved complex pairs.
    public func forward(_ x: Tensor<Float>) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        let (batch, symbols) = channelsComplexLayout(x.shape, "PowerNormalization")
        let perExample = 2 * symbols
        let target = (Float(symbols) * averageSymbolPower).squareRoot()
        var norms = [Float](repeating: 0, count: batch)
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            for b in 0..<batch {
                let start = b * perExample
                var energy: Double = 0
                for i in start..<(start + perExample) { energy += Double(p[i]) * Double(p[i]) }
                let norm = Float(energy.squareRoot())
                norms[b] = norm
                let scale = norm > 0 ? target / norm : 0
                for i in start..<(start + perExample) { p[i] *= scale }
            }
        }
        let input = x
        let savedNorms = norms
        let pullback: @Sendable (Tensor<Float>) -> Tensor<Float> = { dy in
            precondition(dy.shape == input.shape, "PowerNormalization pullback: gradient \(dy.shape) vs input \(input.shape)")
            var dx = dy
            dx.scalars.withUnsafeMutableBufferPointer { g in
                input.scalars.withUnsafeBufferPointer { xs in
                    for b in 0..<batch {
                        let start = b * perExample
                        let norm = savedNorms[b]
                        guard norm > 0 else {
                            for i in start..<(start + perExample) { g[i] = 0 }
                            continue
                        }
                        var dot: Double = 0
                        for i in start..<(start + perExample) { dot += Double(xs[i]) * Double(g[i]) }
                        let projection = Float(dot / (Double(norm) * Double(norm)))
                        let scale = target / norm
                        for i in start..<(start + perExample) { g[i] = scale * (g[i] - xs[i] * projection) }
                    }
                }
            }
            return dx
        }
        return (y, pullback)
    }

    /// The average power per complex symbol of each example, `‖x_b‖²/k`. `x`: `[batch, …, 2·k]`;
    /// returns `[batch]`.
    public static func averageSymbolPower(of x: Tensor<Float>) -> [Float] {
        let (batch, symbols) = channelsComplexLayout(x.shape, "PowerNormalization.averageSymbolPower")
        let perExample = 2 * symbols
        return x.scalars.withUnsafeBufferPointer { p in
            (0..<batch).map { b in
                var energy: Double = 0
                for i in (b * perExample)..<((b + 1) * perExample) { energy += Double(p[i]) * Double(p[i]) }
                return symbols > 0 ? Float(energy / Double(symbols)) : 0
            }
        }
    }
}
