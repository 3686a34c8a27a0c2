import Channels
import Foundation
import SemanticCodec
import HealthData
import KnowledgeBase
import NeuralNet
import Testing
import TensorCore

@testable import VitalSignsCodec

/// Tiny builds (few recordings, few epochs): they check plumbing, not accuracy.
@Suite struct CodecTests {
    static func tinyRhythm() -> (KnowledgeBase, RhythmBuildReport) {
        var c = RhythmCodecConfiguration()
        c.trainingRecordings = 10
        c.testRecordings = 5
        c.windowsPerRecording = 1
        c.epochs = 2
        c.channelUsesPerWindow = 4
        c.hiddenSizes = [8]
        c.evaluationSNRDecibels = [10]
        return RhythmCodec.build(configuration: c)
    }

    static func tinyWaveform() -> (KnowledgeBase, WaveformBuildReport) {
        var c = WaveformCodecConfiguration()
        c.windowLength = 64
        c.channelUsesPerWindow = 8
        c.trainingRecordings = 3
        c.testRecordings = 2
        c.encoderHiddenSizes = [16]
        c.decoderHiddenSizes = [16]
        c.epochs = 2
        c.evaluationSNRDecibels = [20]
        return WaveformCodec.build(configuration: c)
    }

    @Test func rhythmKnowledgeBaseRoundTripsThroughBytes() throws {
        let (kb, report) = Self.tinyRhythm()
        let reread = try KnowledgeBase(bytes: kb.serializedBytes())
        let codec = try RhythmCodec(knowledgeBase: reread)
        #expect(codec.knowledgeBaseFingerprint == kb.fingerprint)
        var a = Xoshiro256(seed: 1)
        let windows = VitalSignsTrainingData.windows(recordings: 2, windowsPerRecording: 1, windowSeconds: 10, seed: 99)
        let x = codec.inputs(forWindows: windows.map(\.ecg))
        #expect(x.shape == [2, RhythmFeatureExtractor.featureCount])
        let mine = codec.pipeline(x, over: IdentityChannel(), using: &a)
        var b = Xoshiro256(seed: 1)
        let theirs = report.codec.pipeline(x, over: IdentityChannel(), using: &b)
        #expect(mine == theirs)
        #expect(RhythmCodec.interpret(mine).count == 2)
        #expect(throws: VitalSignsCodecError.self) { try WaveformCodec(knowledgeBase: kb) }
    }

    @Test func waveformKnowledgeBaseRoundTripsAndReconstructsFinite() throws {
        let (kb, report) = Self.tinyWaveform()
        let codec = try WaveformCodec(knowledgeBase: try KnowledgeBase(bytes: kb.serializedBytes()))
        #expect(codec.windowLength == 64 && codec.channelUsesPerWindow == 8)
        #expect(throws: VitalSignsCodecError.self) { try RhythmCodec(knowledgeBase: kb) }
        var rng = Xoshiro256(seed: 3)
        let signal = (0..<200).map { Float(sin(Double($0) / 10)) }
        let out = codec.transmit(signal, over: AWGN(snrDecibels: 20), using: &rng)
        #expect(out.count == 200 && out.allSatisfy { $0.isFinite })
        #expect(report.evaluations.count == 1)
    }

    /// A one-hidden-layer encoder wide enough for the `relu(x)`/`relu(−x)` pairs starts as the
    /// linear map of its output layer's first rows (plus the output bias).
    @Test func linearPathInitializationStartsTheEncoderAsALinearMap() {
        var rng = Xoshiro256(seed: 5)
        var network = multilayerPerceptron(inputSize: 5, hiddenSizes: [13], outputSize: 4, using: &rng)
        var parameters = network.parameters
        WaveformCodec.initializeLinearPath(&parameters, inputs: 5, hidden: 13, outputs: 4)
        network.parameters = parameters
        let x = Tensor(shape: [3, 5], scalars: (0..<15).map { _ in Float(rng.nextUnitDouble() * 4 - 2) })
        let y = network(x)
        var largest: Float = 0
        for b in 0..<3 {
            for o in 0..<4 {
                var linear = parameters[3].scalars[o]
                for i in 0..<5 { linear += x.scalars[b * 5 + i] * parameters[2].scalars[i * 4 + o] }
                var extra: Float = 0  // the 3 non-linear units
                for r in 10..<13 {
                    var h = parameters[1].scalars[r]
                    for i in 0..<5 { h += x.scalars[b * 5 + i] * parameters[0].scalars[i * 13 + r] }
                    extra += max(h, 0) * parameters[2].scalars[r * 4 + o]
                }
                largest = max(largest, abs(y.scalars[b * 4 + o] - linear - extra))
            }
        }
        #expect(largest < 1e-4)
        // Too narrow for the pairs: left as drawn.
        var narrow = multilayerPerceptron(inputSize: 5, hiddenSizes: [9], outputSize: 4, using: &rng).parameters
        let before = narrow
        WaveformCodec.initializeLinearPath(&narrow, inputs: 5, hidden: 9, outputs: 4)
        #expect(narrow == before)
    }

    @Test func streamHoldsBoundedMemoryAndRejectsBadInput() throws {
        let rhythm = Self.tinyRhythm().1.codec
        let waveform = Self.tinyWaveform().1.codec
        #expect(throws: VitalSignsCodecError.self) { try VitalSignsStreamEncoder(rhythm: rhythm, waveform: nil, inputRateHertz: 100) }
        #expect(throws: VitalSignsCodecError.self) { try VitalSignsStreamEncoder(rhythm: nil, waveform: nil, inputRateHertz: 250) }
        var encoder = try VitalSignsStreamEncoder(rhythm: rhythm, waveform: waveform, inputRateHertz: 500)
        let decoder = VitalSignsStreamDecoder(rhythm: rhythm, waveform: waveform)
        var rng = Xoshiro256(seed: 8)
        var generator = VitalSignsGenerator(
            configuration: .init(rhythm: .normalSinus, sampleRateHertz: 500, includesAuxiliaryChannels: false), using: &rng)
        var rhythmBlocks = 0
        var waveformSamples = 0
        var maxBuffered = 0
        for _ in 0..<12 {
            let blocks = try encoder.push(generator.next(sampleCount: 2500).ecg)
            maxBuffered = max(maxBuffered, encoder.bufferedSampleCount)
            for kind in [VitalSignsStreamBlock.Kind.rhythm, .waveform] {
                let batch = blocks.filter { $0.kind == kind }
                for output in decoder.decode(batch, received: batch.map(\.symbols)) {
                    switch output {
                    case .rhythm(_, _, _, let p, let hr):
                        rhythmBlocks += 1
                        #expect(p.count == 5 && hr.isFinite)
                    case .waveform(_, _, let samples): waveformSamples += samples.count
                    }
                }
            }
        }
        #expect(rhythmBlocks == 5)  // 60 s in, less the resampler latency: five complete 10 s windows
        #expect(waveformSamples == 15_000 - 15_000 % 64 || waveformSamples >= 14_800)
        #expect(maxBuffered <= 2500 + 1250 + 64)  // one window plus one pushed chunk
        do {
            _ = try encoder.push([0.1, .nan])
            Issue.record("NaN accepted")
        } catch {
            #expect(error.code == .nonFiniteSample && error.sampleOffset == 30_001)
        }
    }
}
