import RealModule

/// Band-limited sample-rate conversion between any two rates, one chunk at a time, with memory
/// bounded by the filter length (not the signal length).
///
/// Each output sample `n` sits at input position `p = n · inputRate / outputRate` and is the
/// windowed-sinc interpolation
///
/// ```
/// y[n] = Σₖ x[k] · c · sinc(c · (p − k)) · w((p − k) / W),   c = 0.9 · min(1, outputRate / inputRate)
/// ```
///
/// with a Blackman window `w` of half-width `W = ⌈12 / min(1, ratio)⌉` input samples (the
/// bandlimited interpolation of Smith & Gossett, "A flexible sampling-rate conversion method",
/// ICASSP 1984; the kernel is tabulated at 1/512 of an input sample and linearly interpolated).
/// Downsampling therefore low-passes at 90 % of the output Nyquist frequency (anti-aliasing);
/// upsampling interpolates. Before the first input sample the signal is held at its first value,
/// and ``finish()`` holds the last one, so a constant input stays constant at the edges.
///
/// Equal rates are passed through unchanged.
///
/// ```swift
/// var resampler = StreamingResampler(inputRateHertz: 360, outputRateHertz: 250)
/// var out: [Float] = []
/// for chunk in chunks { out += resampler.process(chunk) }
/// out += resampler.finish()
/// ```
public struct StreamingResampler: Sendable {
    /// The input sample rate (Hz).
    public let inputRateHertz: Double
    /// The output sample rate (Hz).
    public let outputRateHertz: Double
    private let halfWidth: Int
    private let table: [Float]
    private let tableResolution = 512
    private let gainCorrection: Float
    /// Input samples not yet consumed; `buffer[0]` is input index `bufferStart`.
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var inputCount = 0
    private var outputCount = 0
    private var firstValue: Float?
    private var finished = false

    /// Creates a resampler.
    /// - Precondition: both rates are finite and positive.
    public init(inputRateHertz: Double, outputRateHertz: Double) {
        precondition(
            inputRateHertz.isFinite && inputRateHertz > 0 && outputRateHertz.isFinite && outputRateHertz > 0,
            "Resampler rates must be finite and > 0, got \(inputRateHertz) → \(outputRateHertz) Hz")
        self.inputRateHertz = inputRateHertz
        self.outputRateHertz = outputRateHertz
        let ratio = Swift.min(1, outputRateHertz / inputRateHertz)
        let cutoff = 0.9 * ratio
        let halfWidth = Int((12 / ratio).rounded(.up))
        self.halfWidth = halfWidth
        var table = [Float](repeating: 0, count: halfWidth * 512 + 2)
        for i in 0..<table.count {
            let tau = Double(i) / 512
            guard tau < Double(halfWidth) else { continue }
            let x = cutoff * tau
            let sinc = x == 0 ? 1 : Double.sin(Double.pi * x) / (Double.pi * x)
            let u = tau / Double(halfWidth)
            let window = 0.42 + 0.5 * Double.cos(Double.pi * u) + 0.08 * Double.cos(2 * Double.pi * u)
            table[i] = Float(cutoff * sinc * window)
        }
        self.table = table
        // Normalize the DC gain (the discrete kernel sums to ≈ 1; make it exact at phase 0).
        var sum: Float = 0
        for k in -halfWidth...halfWidth { sum += table[Swift.abs(k) * 512] }
        self.gainCorrection = sum > 0 ? 1 / sum : 1
    }

    /// Whether the rates are equal (samples pass through).
    public var isIdentity: Bool { inputRateHertz == outputRateHertz }

    /// Pushes input samples and returns every output sample that they complete.
    /// - Precondition: ``finish()`` has not been called.
    public mutating func process(_ input: some Collection<Float>) -> [Float] {
        precondition(!finished, "StreamingResampler.process called after finish()")
        if isIdentity {
            inputCount += input.count
            outputCount += input.count
            return Array(input)
        }
        if firstValue == nil, let first = input.first { firstValue = first }
        buffer.append(contentsOf: input)
        inputCount += input.count
        return drain(final: false)
    }

    /// Flushes the output samples still owed (those up to the end of the input, holding the last value).
    public mutating func finish() -> [Float] {
        guard !finished else { return [] }
        finished = true
        if isIdentity { return [] }
        return drain(final: true)
    }

    private func position(_ n: Int) -> Double {
        Double(n) * inputRateHertz / outputRateHertz
    }

    private mutating func drain(final: Bool) -> [Float] {
        guard let firstValue, inputCount > 0 else { return [] }
        let lastValue = buffer.last ?? firstValue
        let owed = final ? Int((Double(inputCount) * outputRateHertz / inputRateHertz).rounded(.up)) : Int.max
        var out: [Float] = []
        while outputCount < owed {
            let p = position(outputCount)
            let base = Int(p.rounded(.down))
            if !final && base + halfWidth >= inputCount { break }
            var acc: Float = 0
            var k = base - halfWidth + 1
            while k <= base + halfWidth {
                let tau = Swift.abs(Double(k) - p)
                let t = tau * Double(tableResolution)
                let i = Int(t)
                if i + 1 < table.count {
                    let w = Float(t - Double(i))
                    let h = table[i] + w * (table[i + 1] - table[i])
                    let x: Float
                    if k < 0 {
                        x = firstValue
                    } else if k >= inputCount {
                        x = lastValue
                    } else {
                        x = buffer[k - bufferStart]
                    }
                    acc += h * x
                }
                k += 1
            }
            out.append(acc * gainCorrection)
            outputCount += 1
        }
        // Drop input no future output needs.
        let nextBase = Int(position(outputCount).rounded(.down))
        let keepFrom = Swift.max(bufferStart, nextBase - halfWidth)
        let drop = Swift.min(keepFrom - bufferStart, buffer.count)
        if drop > 4096 || (drop > 0 && drop == buffer.count) {
            buffer.removeFirst(drop)
            bufferStart += drop
        }
        return out
    }

    /// Resamples a whole signal at once.
    public static func resample(_ signal: [Float], from inputRateHertz: Double, to outputRateHertz: Double) -> [Float] {
        var resampler = StreamingResampler(inputRateHertz: inputRateHertz, outputRateHertz: outputRateHertz)
        return resampler.process(signal) + resampler.finish()
    }
}
