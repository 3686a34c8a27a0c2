import RealModule

/// Pre-processing of one party's measurements before quantization: smoothing, detrending and an
/// optional decorrelating transform. Each party runs it on its own data; nothing is exchanged.
///
/// 1. **Smoothing**: a centred moving average of ``smoothingWindow`` samples (1 = none), which
///    averages down independent measurement noise when probing oversamples the channel.
/// 2. **Detrending**: subtracting the session mean (the large-scale path loss and shadowing,
///    which carries no secret randomness).
/// 3. **Decorrelation** (optional): an orthonormal DCT-II over non-overlapping windows of `W`
///    samples, keeping the first `K` coefficients of each window, each coefficient index then
///    scaled to unit RMS over the session's windows. Probing at `R` oversamples a fading envelope
///    whose spectrum ends at `2 f_D`; DCT index `j` sits at frequency `j·R/(2W)`, so
///    ``Decorrelation/dct(window:keep:)`` with `K ≈ 4·f_D·W/R` keeps the band that carries the
///    channel and drops the noise-only rest. Neighbouring samples are strongly correlated
///    (`J0(2π f_D/R)` ≈ 0.90 at 10 Hz / 100 Hz); DCT coefficients are nearly uncorrelated, which is
///    what the per-bit min-entropy estimate assumes (the discrete cosine transform approximates the
///    Karhunen–Loève transform of such a process; Patwari et al., "High-rate uncorrelated bit
///    extraction for shared secret key generation from channel measurements", IEEE TMC 2010, use
///    the same idea).
public struct Preprocessing: Sendable, Hashable {
    /// The decorrelating transform.
    public enum Decorrelation: Sendable, Hashable {
        /// None: quantize the (smoothed, detrended) time series.
        case none
        /// Block DCT-II over `window` samples, keeping the first `keep` coefficients.
        case dct(window: Int, keep: Int)
    }

    /// Moving-average length (odd or even, ≥ 1; 1 = no smoothing).
    public var smoothingWindow: Int
    /// Subtract the session mean.
    public var detrend: Bool
    /// The decorrelating transform.
    public var decorrelation: Decorrelation

    /// Creates a pre-processing chain.
    public init(smoothingWindow: Int = 1, detrend: Bool = true, decorrelation: Decorrelation = .none) {
        self.smoothingWindow = smoothingWindow
        self.detrend = detrend
        self.decorrelation = decorrelation
    }

    /// The DCT band for a Doppler `f_D` and probe rate `R`: `K = ⌈4·f_D·W/R⌉` clamped to `1…W`.
    public static func dctBand(dopplerHertz: Double, probeRateHertz: Double, window: Int = 32) -> Decorrelation {
        let keep = Int((4 * dopplerHertz * Double(window) / probeRateHertz).rounded(.up))
        return .dct(window: window, keep: Swift.min(window, Swift.max(1, keep)))
    }

    /// Checks the parameters.
    /// - Throws: ``SecretKeyGenerationError/Code/invalidParameter``.
    public func validate() throws(SecretKeyGenerationError) {
        guard smoothingWindow >= 1, smoothingWindow <= 1024 else {
            throw SecretKeyGenerationError(
                code: .invalidParameter, message: "smoothing window must be in 1…1024, got \(smoothingWindow)")
        }
        if case .dct(let window, let keep) = decorrelation {
            guard window >= 2, window <= 4096, keep >= 1, keep <= window else {
                throw SecretKeyGenerationError(
                    code: .invalidParameter,
                    message: "DCT decorrelation needs 2 ≤ window ≤ 4096 and 1 ≤ keep ≤ window, got window \(window), keep \(keep)")
            }
        }
    }

    /// Runs the chain on one party's measurements.
    /// - Returns: the processed sequence (length `N`, or `⌊N/W⌋·K` with the DCT).
    /// - Throws: ``SecretKeyGenerationError/Code/invalidInput`` for a non-finite measurement.
    public func apply(_ measurements: [Double]) throws(SecretKeyGenerationError) -> [Double] {
        try validate()
        if let bad = measurements.firstIndex(where: { !$0.isFinite }) {
            throw SecretKeyGenerationError(
                code: .invalidInput, message: "measurement \(bad) is not finite (\(measurements[bad]))")
        }
        var x = Self.movingAverage(measurements, window: smoothingWindow)
        if detrend, !x.isEmpty {
            let mean = x.reduce(0, +) / Double(x.count)
            for i in x.indices { x[i] -= mean }
        }
        switch decorrelation {
        case .none: return x
        case .dct(let window, let keep): return Self.blockDCT(x, window: window, keep: keep)
        }
    }

    /// Centred moving average; near the ends the window shrinks to the available samples.
    static func movingAverage(_ x: [Double], window: Int) -> [Double] {
        guard window > 1, !x.isEmpty else { return x }
        var prefix = [Double](repeating: 0, count: x.count + 1)
        for i in x.indices { prefix[i + 1] = prefix[i] + x[i] }
        let before = (window - 1) / 2
        let after = window - 1 - before
        return x.indices.map { i in
            let lo = Swift.max(0, i - before)
            let hi = Swift.min(x.count, i + after + 1)
            return (prefix[hi] - prefix[lo]) / Double(hi - lo)
        }
    }

    /// Orthonormal DCT-II of each full window, first `keep` coefficients, each index scaled to
    /// unit RMS over the windows (coefficients in window order, index-minor).
    static func blockDCT(_ x: [Double], window: Int, keep: Int) -> [Double] {
        let blocks = x.count / window
        guard blocks > 0 else { return [] }
        var basis = [Double](repeating: 0, count: keep * window)
        for k in 0..<keep {
            let scale = (k == 0 ? 1 / Double(window) : 2 / Double(window)).squareRoot()
            for n in 0..<window {
                basis[k * window + n] = scale * Double.cos(Double.pi * (Double(n) + 0.5) * Double(k) / Double(window))
            }
        }
        var out = [Double](repeating: 0, count: blocks * keep)
        for b in 0..<blocks {
            for k in 0..<keep {
                var s = 0.0
                for n in 0..<window { s += basis[k * window + n] * x[b * window + n] }
                out[b * keep + k] = s
            }
        }
        for k in 0..<keep {
            var energy = 0.0
            for b in 0..<blocks { energy += out[b * keep + k] * out[b * keep + k] }
            let rms = (energy / Double(blocks)).squareRoot()
            guard rms > 0 else { continue }
            for b in 0..<blocks { out[b * keep + k] /= rms }
        }
        return out
    }
}
