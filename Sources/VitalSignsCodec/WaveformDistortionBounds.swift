import RealModule
import TensorCore

/// Reference distortions for sending ECG windows through a channel budget, computed from the
/// second-order statistics of the signals themselves: how far a waveform codec is from what codes
/// that use only the signals' covariance can reach.
///
/// The recordings are scaled to unit RMS each (so the distortion is a recording's PRD² averaged
/// over recordings, the square of the **root-mean-square PRD**) and cut into windows of
/// ``windowLength`` samples every `hop` samples; ``eigenvalues`` are those of the windows'
/// second-moment matrix `E[x xᵀ]` (not centred: the PRD is not mean-removed). A channel budget is
/// `k` complex channel uses per window at Es/N0 `γ` (unit average power per complex use, AWGN).
///
/// - ``gaussianPRD(channelUsesPerWindow:snrDecibels:)``: the rate–distortion function of a Gaussian
///   source with these eigenvalues (reverse water-filling) at the channel's capacity,
///   `k · log₂(1 + γ)` bits per window — the optimal performance theoretically attainable (OPTA,
///   Shannon's separation theorem with unlimited block length) for a Gaussian source. A Gaussian
///   codebook reaches this distortion for **any** source with the same covariance (Lapidoth 1997,
///   "On the role of mismatch in rate distortion theory"), so it is what the second-order
///   statistics alone guarantee; a code can only beat it by using the signal's non-Gaussian
///   structure (beat morphology, sparsity of the QRS complexes). It is not a lower bound for ECG.
/// - ``linearPRD(channelUsesPerWindow:snrDecibels:)``: the best **linear** code — the `2k` leading
///   Karhunen–Loève components, one per real channel dimension, with optimal power allocation and a
///   linear MMSE receiver (Lee & Petersen 1976, "Optimal linear coding for vector channels", IEEE
///   Trans. Commun. 24(12)). Per real dimension the signal-to-noise ratio is `γ`; component `i`
///   with received power `pᵢ` keeps the error `λᵢ / (1 + pᵢ/n)`, `n = 1/γ`, and the powers
///   `pᵢ = (√(λᵢ n / μ) − n)⁺` sum to `2k`.
///
/// Sample covariances of finitely many windows underestimate the small eigenvalues, so both figures
/// lean optimistic for few windows.
///
/// ```swift
/// let bounds = try WaveformDistortionBounds(recordings: ecgs, windowLength: 256, hop: 32)
/// bounds.gaussianPRD(channelUsesPerWindow: 32, snrDecibels: 10)  // % (root-mean-square PRD)
/// ```
public struct WaveformDistortionBounds: Sendable {
    /// Samples per window.
    public let windowLength: Int
    /// Eigenvalues of the second-moment matrix of the unit-RMS windows, descending (mV² scaled
    /// away: their sum is the mean energy per window, about ``windowLength``).
    public let eigenvalues: [Double]
    /// Windows the matrix was estimated from.
    public let windowCount: Int

    /// Estimates the eigenvalues from `recordings` (each at least one window long, all samples
    /// finite; a recording with zero energy is left out).
    /// - Parameters:
    ///   - recordings: signals at the codec's rate (e.g. mV at 250 Hz).
    ///   - windowLength: samples per window (≥ 2).
    ///   - hop: samples between consecutive windows of a recording (≥ 1).
    /// - Throws: ``VitalSignsCodecError`` `invalidParameter` for a length or hop out of range,
    ///   `nonFiniteSample` (with the recording and sample), `signalTooShort` when no recording holds a
    ///   window.
    public init(recordings: [[Float]], windowLength: Int, hop: Int) throws(VitalSignsCodecError) {
        guard windowLength >= 2, windowLength <= 4096, hop >= 1 else {
            throw VitalSignsCodecError(
                code: .invalidParameter,
                message: "distortion bounds need a window length in 2…4096 and a hop ≥ 1, got \(windowLength) and \(hop)")
        }
        let n = windowLength
        var moment = [Double](repeating: 0, count: n * n)
        var count = 0
        var window = [Double](repeating: 0, count: n)
        for (index, signal) in recordings.enumerated() {
            if let bad = signal.firstIndex(where: { !$0.isFinite }) {
                throw VitalSignsCodecError(
                    code: .nonFiniteSample, message: "recording \(index) has a non-finite sample", sampleOffset: bad)
            }
            guard signal.count >= n else { continue }
            let energy = signal.reduce(0.0) { $0 + Double($1) * Double($1) }
            guard energy > 0 else { continue }
            let gain = 1 / (energy / Double(signal.count)).squareRoot()
            var start = 0
            while start + n <= signal.count {
                for j in 0..<n { window[j] = Double(signal[start + j]) * gain }
                // Upper triangle only; mirrored below.
                moment.withUnsafeMutableBufferPointer { m in
                    for i in 0..<n where window[i] != 0 {
                        let wi = window[i]
                        for j in i..<n { m[i * n + j] += wi * window[j] }
                    }
                }
                count += 1
                start += hop
            }
        }
        guard count > 0 else {
            throw VitalSignsCodecError(
                code: .signalTooShort, message: "no recording holds a window of \(n) samples with nonzero energy")
        }
        for i in 0..<n {
            for j in i..<n {
                moment[i * n + j] /= Double(count)
                moment[j * n + i] = moment[i * n + j]
            }
        }
        guard let values = Tensor(shape: [n, n], scalars: moment).symmetricEigenvalues() else {
            throw VitalSignsCodecError(
                code: .invalidParameter, message: "the eigenvalues of the \(n)×\(n) second-moment matrix did not converge")
        }
        self.windowLength = n
        self.windowCount = count
        // Rounding can leave tiny negative eigenvalues of a positive semidefinite matrix.
        self.eigenvalues = values.reversed().map { Swift.max($0, 0) }
    }

    /// Bounds from known eigenvalues (any order; negative ones count as 0).
    init(eigenvalues: [Double], windowCount: Int = 0) {
        self.windowLength = eigenvalues.count
        self.windowCount = windowCount
        self.eigenvalues = eigenvalues.map { Swift.max($0, 0) }.sorted(by: >)
    }

    /// The Gaussian OPTA distortion as a PRD (%): the Gaussian rate–distortion function at the
    /// capacity `k · log₂(1 + γ)` bits per window.
    /// - Parameters:
    ///   - channelUsesPerWindow: `k`, complex channel uses per window (≥ 0).
    ///   - snrDecibels: Es/N0 `γ` in dB.
    public func gaussianPRD(channelUsesPerWindow k: Int, snrDecibels: Double) -> Double {
        let bits = Double(Swift.max(0, k)) * Double.log2(1 + Double.exp10(snrDecibels / 10))
        return Self.prd(distortion: Self.reverseWaterFilling(eigenvalues, bits: bits), eigenvalues: eigenvalues)
    }

    /// The best linear code's distortion as a PRD (%) (see the type's discussion).
    /// - Parameters:
    ///   - channelUsesPerWindow: `k`, complex channel uses per window (≥ 0): `2k` real dimensions.
    ///   - snrDecibels: Es/N0 `γ` in dB (per real dimension too).
    public func linearPRD(channelUsesPerWindow k: Int, snrDecibels: Double) -> Double {
        let dimensions = Swift.min(2 * Swift.max(0, k), eigenvalues.count)
        let sent = Array(eigenvalues.prefix(dimensions)).filter { $0 > 0 }
        let dropped = eigenvalues.dropFirst(dimensions).reduce(0, +)
        guard !sent.isEmpty else { return Self.prd(distortion: dropped, eigenvalues: eigenvalues) }
        let noise = 1 / Double.exp10(snrDecibels / 10)
        let power = Double(2 * Swift.max(0, k))
        // Σ pᵢ(μ) decreases in μ: bisect on log μ until it meets the power.
        func powers(_ mu: Double) -> [Double] { sent.map { Swift.max(($0 * noise / mu).squareRoot() - noise, 0) } }
        var low = -80.0
        var high = 80.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if powers(Double.exp(mid)).reduce(0, +) > power { low = mid } else { high = mid }
        }
        let p = powers(Double.exp(high))
        let kept = zip(sent, p).reduce(0.0) { $0 + $1.0 * noise / ($1.1 + noise) }
        return Self.prd(distortion: kept + dropped, eigenvalues: eigenvalues)
    }

    /// Reverse water-filling: the smallest total distortion `Σ min(θ, λᵢ)` with
    /// `Σ ½ log₂(λᵢ / min(θ, λᵢ)) = bits`, solved exactly (the water level of the `m` largest
    /// eigenvalues is their geometric mean times `2^(−2·bits/m)`).
    static func reverseWaterFilling(_ descending: [Double], bits: Double) -> Double {
        let total = descending.reduce(0, +)
        let positive = descending.filter { $0 > 0 }
        guard bits > 0, !positive.isEmpty else { return total }
        var logSum = 0.0
        for m in 1...positive.count {
            logSum += Double.log2(positive[m - 1])
            let level = Double.exp2((logSum - 2 * bits) / Double(m))
            let next = m < positive.count ? positive[m] : 0
            if level >= next && level <= positive[m - 1] {
                return Double(m) * level + positive.dropFirst(m).reduce(0, +)
            }
        }
        // Every component active and the level below the smallest: the formula above already
        // returned at m = count (next = 0); this is only reached through rounding.
        return Double(positive.count) * Double.exp2((logSum - 2 * bits) / Double(positive.count))
    }

    static func prd(distortion: Double, eigenvalues: [Double]) -> Double {
        let total = eigenvalues.reduce(0, +)
        return total > 0 ? 100 * (Swift.max(distortion, 0) / total).squareRoot() : 0
    }
}
