import Channels
import TensorCore

/// Helpers shared by the channel-model tests (prefixed to stay clear of other suites' helpers).
enum ChannelModelTestSupport {
    /// Central finite-difference check of `channel.pullback` for a fixed state and fixed noise:
    /// `L(x) = Σ c·apply(x)` with the noise generator reset to the same seed on every call.
    /// Returns the largest |analytic − numeric| over all coordinates of `x`.
    static func pullbackError<C: ChannelModel>(
        _ channel: C, x: Tensor<Float>, seed: UInt64, step: Float = 1e-2
    ) -> Float {
        var stateRNG = Xoshiro256(seed: seed)
        let state = channel.sampleState(for: x.shape, using: &stateRNG)
        var cotangentRNG = Xoshiro256(seed: seed &+ 1)
        let c = Tensor<Float>.gaussian(shape: x.shape, using: &cotangentRNG)
        func loss(_ input: Tensor<Float>) -> Double {
            var noiseRNG = Xoshiro256(seed: seed &+ 2)
            let y = channel.apply(input, state: state, using: &noiseRNG)
            return zip(y.scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let analytic = channel.pullback(c, state: state)
        var worst: Float = 0
        for i in 0..<x.count {
            var plus = x
            plus.scalars[i] += step
            var minus = x
            minus.scalars[i] -= step
            let numeric = Float((loss(plus) - loss(minus)) / Double(2 * step))
            worst = max(worst, abs(numeric - analytic.scalars[i]))
        }
        return worst
    }

    /// Mean of `values` in Double.
    static func mean(_ values: [Float]) -> Double {
        values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }

    /// Mean and standard error of the mean of independent samples.
    static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }

    /// Standard error of a Bernoulli(p) frequency over n independent trials.
    static func binomialStandardError(_ p: Double, _ n: Int) -> Double {
        (p * (1 - p) / Double(n)).squareRoot()
    }
}
