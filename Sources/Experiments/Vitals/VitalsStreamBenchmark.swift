import Channels
import Foundation
import HealthData
import SemanticCodec
import TensorCore
import VitalSignsCodec

/// The streaming benchmark: hours of synthetic ECG through the rhythm and waveform codecs'
/// streaming encoder → AWGN → streaming decoder, chunk by chunk in bounded memory.
///
/// The source is ``HealthData/VitalSignsGenerator`` at 250 Hz (ECG only, artefacts of the `mild`
/// preset), changing rhythm every 10 minutes; chunks of 10 s are generated, pushed, the blocks sent
/// over AWGN and decoded. The codec time (encode + channel + decode) and the generator time are
/// measured separately; nothing of the stream is kept except running counts.
public enum VitalsStreamBenchmark {
    /// The figures of a run (JSON keys snake_case).
    public struct Result: Codable, Sendable {
        /// Seconds of ECG streamed.
        public var ecgSeconds: Double
        /// Sample rate (Hz).
        public var sampleRateHertz: Double
        /// Rhythm and waveform windows sent.
        public var rhythmWindows: Int
        /// Waveform windows sent.
        public var waveformWindows: Int
        /// Wall-clock seconds in encode + channel + decode.
        public var codecSeconds: Double
        /// Wall-clock seconds in the synthetic source.
        public var generatorSeconds: Double
        /// ECG seconds per codec second.
        public var codecRealTimeFactor: Double
        /// ECG seconds per total second (source included).
        public var totalRealTimeFactor: Double
        /// Rhythm accuracy against the generator's window labels.
        public var rhythmAccuracy: Double
        /// Heart-rate MAE (bpm).
        public var heartRateMAE: Double
        /// Overall PRD of the waveform stream (%).
        public var waveformPRD: Double
        /// Largest number of internal-rate samples the encoder held.
        public var maximumBufferedSamples: Int
        /// AWGN Es/N0 (dB).
        public var snrDecibels: Double

        enum CodingKeys: String, CodingKey {
            case ecgSeconds = "ecg_seconds"
            case sampleRateHertz = "sample_rate_hz"
            case rhythmWindows = "rhythm_windows"
            case waveformWindows = "waveform_windows"
            case codecSeconds = "codec_seconds"
            case generatorSeconds = "generator_seconds"
            case codecRealTimeFactor = "codec_real_time_factor"
            case totalRealTimeFactor = "total_real_time_factor"
            case rhythmAccuracy = "rhythm_accuracy"
            case heartRateMAE = "heart_rate_mae_bpm"
            case waveformPRD = "waveform_prd_percent"
            case maximumBufferedSamples = "maximum_buffered_samples"
            case snrDecibels = "snr_db"
        }
    }

    /// Runs the benchmark.
    /// - Parameters:
    ///   - rhythm: the rhythm codec (or `nil`).
    ///   - waveform: the waveform codec (or `nil`).
    ///   - hours: hours of ECG (> 0).
    ///   - snrDecibels: the AWGN Es/N0.
    ///   - seed: the seed.
    public static func run(
        rhythm: RhythmCodec?, waveform: WaveformCodec?, hours: Double, snrDecibels: Double = 10, seed: UInt64
    ) throws -> Result {
        let fs = ECGPreprocessing.internalRateHertz
        var encoder = try VitalSignsStreamEncoder(rhythm: rhythm, waveform: waveform, inputRateHertz: fs)
        let decoder = VitalSignsStreamDecoder(rhythm: rhythm, waveform: waveform)
        let channel = AWGN(snrDecibels: Float(snrDecibels))
        var rng = Xoshiro256(seed: seed)
        var sourceRNG = Xoshiro256(seed: seed, stream: 1)
        let chunk = Int(10 * fs)
        let totalChunks = Int((hours * 3600 / 10).rounded())
        let chunksPerSegment = 60  // 10 minutes per rhythm segment
        var generator: VitalSignsGenerator?
        var segmentStart = 0.0
        var segmentRhythm = CardiacRhythm.normalSinus
        // Ground truth kept only for windows not yet decoded.
        var pendingTruth: [Int: (CardiacRhythm, Double)] = [:]
        var originals: [Float] = []
        var originalsStart = 0
        var codecTime = Duration.zero
        var generatorTime = Duration.zero
        var correct = 0, rhythmCount = 0, waveformCount = 0
        var absError = 0.0
        var errEnergy = 0.0, energy = 0.0
        var maxBuffered = 0
        var segmentBeats: [Beat] = []
        for index in 0..<totalChunks {
            var start = ContinuousClock.now
            if index % chunksPerSegment == 0 {
                segmentRhythm = CardiacRhythm.allCases[(index / chunksPerSegment) % CardiacRhythm.allCases.count]
                generator = VitalSignsGenerator(
                    configuration: .init(
                        rhythm: segmentRhythm, sampleRateHertz: fs,
                        noise: .init(baselineWanderMillivolts: 0.1, muscleNoiseMillivolts: 0.01, powerlineMillivolts: 0.01),
                        includesAuxiliaryChannels: false),
                    using: &sourceRNG)
                segmentStart = Double(index * chunk) / fs
                segmentBeats = []
            }
            // Invariant: a generator was created at chunk 0 of every segment.
            let piece = generator!.next(sampleCount: chunk)
            let t0 = Double(index * chunk) / fs
            segmentBeats = segmentBeats.filter { $0.time >= t0 - segmentStart - 10 } + piece.beats
            let window = (t0 - segmentStart, t0 - segmentStart + 10)
            let label = CardiacRhythm.label(
                beats: segmentBeats, windowStart: window.0, windowEnd: window.1,
                atrialFibrillation: segmentRhythm == .atrialFibrillation)
            let rate = Beat.meanHeartRate(segmentBeats.filter { $0.time >= window.0 && $0.time < window.1 }) ?? 0
            pendingTruth[index] = (label, rate)
            generatorTime += ContinuousClock.now - start
            start = ContinuousClock.now
            originals += piece.ecg
            let blocks = try encoder.push(piece.ecg)
            maxBuffered = Swift.max(maxBuffered, encoder.bufferedSampleCount)
            for kind in [VitalSignsStreamBlock.Kind.rhythm, .waveform] {
                let batch = blocks.filter { $0.kind == kind }
                guard let width = batch.first?.symbols.count else { continue }
                let sent = Tensor(shape: [batch.count, width], scalars: batch.flatMap(\.symbols))
                let received = channel.transmit(sent, using: &rng).output
                let rows = (0..<batch.count).map { Array(received.scalars[($0 * width)..<($0 * width + width)]) }
                for output in decoder.decode(batch, received: rows) {
                    switch output {
                    case .rhythm(let i, _, let r, _, let hr):
                        if let truth = pendingTruth.removeValue(forKey: i) {
                            if truth.0 == r { correct += 1 }
                            absError += Swift.abs(truth.1 - hr)
                            rhythmCount += 1
                        }
                    case .waveform(_, let s, let samples):
                        waveformCount += 1
                        for j in samples.indices where s + j >= originalsStart && s + j < originalsStart + originals.count {
                            let x = Double(originals[s + j - originalsStart])
                            let d = x - Double(samples[j])
                            errEnergy += d * d
                            energy += x * x
                        }
                    }
                }
            }
            codecTime += ContinuousClock.now - start
            // Keep only the source samples a pending (incomplete) waveform window can still cover.
            let keep = 4096
            if originals.count > keep {
                originals.removeFirst(originals.count - keep)
                originalsStart = (index + 1) * chunk - keep
            }
        }
        let start = ContinuousClock.now
        _ = encoder.finish()
        codecTime += ContinuousClock.now - start
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let ecgSeconds = Double(totalChunks * chunk) / fs
        return Result(
            ecgSeconds: ecgSeconds, sampleRateHertz: fs, rhythmWindows: rhythmCount, waveformWindows: waveformCount,
            codecSeconds: seconds(codecTime), generatorSeconds: seconds(generatorTime),
            codecRealTimeFactor: ecgSeconds / seconds(codecTime),
            totalRealTimeFactor: ecgSeconds / (seconds(codecTime) + seconds(generatorTime)),
            rhythmAccuracy: rhythmCount > 0 ? Double(correct) / Double(rhythmCount) : 0,
            heartRateMAE: rhythmCount > 0 ? absError / Double(rhythmCount) : 0,
            waveformPRD: energy > 0 ? 100 * (errEnergy / energy).squareRoot() : 0, maximumBufferedSamples: maxBuffered,
            snrDecibels: snrDecibels)
    }
}
