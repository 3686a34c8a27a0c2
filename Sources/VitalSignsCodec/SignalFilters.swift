import RealModule

/// A second-order IIR section (direct form II transposed) with RBJ "Audio EQ Cookbook" Butterworth
/// coefficients (Q = 1/√2).
struct Biquad: Sendable {
    var b0: Double, b1: Double, b2: Double, a1: Double, a2: Double

    static func lowPass(cutoffHertz: Double, sampleRateHertz: Double) -> Biquad {
        let w = 2 * Double.pi * cutoffHertz / sampleRateHertz
        let alpha = Double.sin(w) / 2.0.squareRoot()  // sin(w) / 2Q with Q = 1/√2
        let c = Double.cos(w)
        let a0 = 1 + alpha
        return Biquad(b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    static func highPass(cutoffHertz: Double, sampleRateHertz: Double) -> Biquad {
        let w = 2 * Double.pi * cutoffHertz / sampleRateHertz
        let alpha = Double.sin(w) / 2.0.squareRoot()  // sin(w) / 2Q with Q = 1/√2
        let c = Double.cos(w)
        let a0 = 1 + alpha
        return Biquad(b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: -2 * c / a0, a2: (1 - alpha) / a0)
    }

    /// Filters `x` forward (causal), starting from the steady state of its first sample.
    func apply(_ x: [Double]) -> [Double] {
        guard let first = x.first else { return [] }
        // Steady state for a constant input `first`: y = H(1)·first.
        let dc = (b0 + b1 + b2) / (1 + a1 + a2)
        // The DF2T state for a constant input u = first: z2 = b2·u − a2·y, z1 = b1·u − a1·y + z2.
        let y0 = dc * first
        var z2 = b2 * first - a2 * y0
        var z1 = b1 * first - a1 * y0 + z2
        var out = [Double](repeating: 0, count: x.count)
        for i in x.indices {
            let u = x[i]
            let y = b0 * u + z1
            z1 = b1 * u - a1 * y + z2
            z2 = b2 * u - a2 * y
            out[i] = y
        }
        return out
    }

    /// Zero-phase filtering (forward, then backward): the magnitude response squared, no delay.
    func applyZeroPhase(_ x: [Double]) -> [Double] {
        Array(apply(Array(apply(x).reversed())).reversed())
    }
}
