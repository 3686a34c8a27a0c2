import RealModule
import TensorCore

/// The `gaussian` and `awgn` speed workloads, the Swift side of `peers/numpy_awgn.py`.
///
/// - `gaussian`: draw 2²⁴ standard Gaussian `Float` samples into one reused buffer
///   (NumPy: `rng.standard_normal(out=noise, dtype=np.float32)`).
/// - `awgn`: add white Gaussian noise at SNR 10 dB to 2²⁴ unit-power `Float` symbols, reusing
///   the input and output buffers (NumPy: draw, scale by σ, add).
///
/// Both run one warm-up pass and then `repetitions` timed passes, exactly like the peer script,
/// and report millions of samples per second of wall-clock time. The samples come from
/// ``GaussianFill`` (vectorized Box–Muller over xoshiro lanes), split over `threads` workers; the
/// samples themselves do not depend on the thread count.
///
/// ```swift
/// let result = NoiseBenchmark.awgn(threads: 2, seed: 0)
/// print(result.msamplesPerSecond)
/// ```
public enum NoiseBenchmark {
    /// The outcome of one workload, encoded as JSON with the keys `workload`,
    /// `msamples_per_s`, `threads` and `samples`.
    public struct Result: Codable, Sendable, Equatable {
        /// The workload's name: `"gaussian"` or `"awgn"`.
        public var workload: String
        /// Throughput in millions of samples per second (wall clock, timed passes only).
        public var msamplesPerSecond: Double
        /// Worker threads used.
        public var threads: Int
        /// Samples per pass.
        public var samples: Int

        /// Creates a result record.
        /// - Parameters:
        ///   - workload: the workload's name.
        ///   - msamplesPerSecond: throughput in millions of samples per second.
        ///   - threads: worker threads used.
        ///   - samples: samples per pass.
        public init(workload: String, msamplesPerSecond: Double, threads: Int, samples: Int) {
            self.workload = workload
            self.msamplesPerSecond = msamplesPerSecond
            self.threads = threads
            self.samples = samples
        }

        enum CodingKeys: String, CodingKey {
            case workload
            case msamplesPerSecond = "msamples_per_s"
            case threads
            case samples
        }
    }

    /// Samples per pass in the reference workloads (2²⁴).
    public static let referenceSamples = 1 << 24

    /// The signal-to-noise ratio of the `awgn` workload, in dB.
    public static let awgnSNRDecibels = 10.0

    /// Times filling a reused `Float` buffer with standard Gaussian samples.
    /// - Parameters:
    ///   - threads: worker threads (≥ 1).
    ///   - seed: the seed of the ``Xoshiro256`` generator that keys every pass.
    ///   - samples: samples per pass (default 2²⁴).
    ///   - repetitions: timed passes after one warm-up (default 10).
    /// - Returns: the throughput record (`workload` = `"gaussian"`).
    public static func gaussian(
        threads: Int, seed: UInt64, samples: Int = referenceSamples, repetitions: Int = 10
    ) -> Result {
        precondition(threads >= 1, "Thread count must be at least 1, got \(threads)")
        precondition(
            samples >= 1 && repetitions >= 1, "Need samples ≥ 1 and repetitions ≥ 1, got \(samples), \(repetitions)")
        var rng = Xoshiro256(seed: seed)
        var noise = [Float](repeating: 0, count: samples)
        let rate = noise.withUnsafeMutableBufferPointer { buffer in
            GaussianFill.standardNormal(buffer, threads: threads, using: &rng)  // warm-up
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<repetitions { GaussianFill.standardNormal(buffer, threads: threads, using: &rng) }
            return throughput(samples: samples * repetitions, elapsed: clock.now - start)
        }
        return Result(workload: "gaussian", msamplesPerSecond: rate, threads: threads, samples: samples)
    }

    /// Times AWGN at SNR 10 dB on unit-power `Float` symbols, reusing the buffers.
    ///
    /// The symbols are standard Gaussian (unit average power, as in the peer script); the noise
    /// standard deviation is `√(10^(−SNR/10))`. Each pass computes `out = x + σ·z` in one fused sweep.
    /// - Parameters:
    ///   - threads: worker threads (≥ 1).
    ///   - seed: the seed of the ``Xoshiro256`` generator for the symbols and the noise.
    ///   - samples: symbols per pass (default 2²⁴).
    ///   - repetitions: timed passes after one warm-up (default 10).
    /// - Returns: the throughput record (`workload` = `"awgn"`).
    public static func awgn(
        threads: Int, seed: UInt64, samples: Int = referenceSamples, repetitions: Int = 10
    ) -> Result {
        precondition(threads >= 1, "Thread count must be at least 1, got \(threads)")
        precondition(
            samples >= 1 && repetitions >= 1, "Need samples ≥ 1 and repetitions ≥ 1, got \(samples), \(repetitions)")
        var rng = Xoshiro256(seed: seed)
        var symbols = [Float](repeating: 0, count: samples)
        GaussianFill.standardNormal(&symbols, threads: threads, using: &rng)
        let standardDeviation = Float(awgnNoiseStandardDeviation(snrDecibels: awgnSNRDecibels))
        var received = [Float](repeating: 0, count: samples)
        let rate = symbols.withUnsafeBufferPointer { x in
            received.withUnsafeMutableBufferPointer { y in
                GaussianFill.addNoise(x, standardDeviation: standardDeviation, into: y, threads: threads, using: &rng)
                let clock = ContinuousClock()
                let start = clock.now
                for _ in 0..<repetitions {
                    GaussianFill.addNoise(
                        x, standardDeviation: standardDeviation, into: y, threads: threads, using: &rng)
                }
                return throughput(samples: samples * repetitions, elapsed: clock.now - start)
            }
        }
        return Result(workload: "awgn", msamplesPerSecond: rate, threads: threads, samples: samples)
    }

    /// The noise standard deviation σ = √(10^(−SNR/10)) for unit signal power.
    /// - Parameter snrDecibels: the SNR in dB.
    /// - Returns: σ, in signal-amplitude units.
    public static func awgnNoiseStandardDeviation(snrDecibels: Double) -> Double {
        Double.pow(10, -snrDecibels / 10).squareRoot()
    }

    static func throughput(samples: Int, elapsed: Duration) -> Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (Double(samples) / seconds / 1e6 * 10).rounded() / 10
    }
}
