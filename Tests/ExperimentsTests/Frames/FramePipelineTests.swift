import Channels
import Experiments
import Foundation
import KnowledgeBase
import SemanticCodec
import TabularCodec
import TensorCore
import Testing

@Suite struct FramePipelineTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let kbPath = root + "/KnowledgeBases/bcwd-tabular.semkb"
    static let dataPath = root + "/Samples/bcwd/breast-cancer-wisconsin.data"

    static func shipped() throws -> (KnowledgeBase, TabularCodec, TabularDataset) {
        let kb = try KnowledgeBase(contentsOfFile: kbPath)
        let test = try TabularKnowledgeBase.recordedTestSet(of: kb, dataPath: dataPath)
        return (kb, try TabularCodec(knowledgeBase: kb), test)
    }

    /// The test split as records to encode (with their labels), and its labels file.
    static func records(_ test: TabularDataset) -> TabularRecords { TabularRecords(test) }

    static func encoded(
        _ records: TabularRecords, _ codec: TabularCodec, encoding: SymbolEncoding = .float32, first: UInt64 = 0
    ) throws -> [UInt8] {
        var writer = SemanticFrameWriter()
        var rng = Xoshiro256(seed: 0)
        _ = try FramePipeline.encode(
            records, codec: codec, noise: .none, encoding: encoding, firstSequenceNumber: first, to: &writer,
            windowSize: 50, using: &rng)
        return writer.sink.bytes
    }

    /// encode → transmit (AWGN 20 dB) → decode on the KB's test split matches `eval`'s semantic row.
    @Test func fileLinkMatchesTheEvaluationAtTwentyDecibels() throws {
        let (_, codec, test) = try Self.shipped()
        let records = Self.records(test)
        let frames = try Self.encoded(records, codec)
        let labelsFile = try #require(FrameLabels.jsonLines(for: records))
        let labels = try FrameLabels.parse(labelsFile, source: "labels.jsonl", labelNames: codec.labelNames)
        let spec = try ChannelSpec.parse("awgn")
        var rng = Xoshiro256(seed: 11)
        var correct = 0
        var total = 0
        var decoded: [FramePipeline.DecodedRecord] = []
        for _ in 0..<5 {
            var reader = SemanticFrameReader(bytes: frames)
            var writer = SemanticFrameWriter()
            let sent = try FramePipeline.transmit(
                from: &reader, to: &writer, channel: spec, snrDecibels: 20, noise: .none, windowSize: 64, using: &rng)
            #expect(sent.frames == test.count)
            // Measured Es/N0 within 0.5 dB of 20 dB (548 complex symbols per pass).
            #expect(abs(sent.measuredSNRDecibels - 20) < 0.5)
            var received = SemanticFrameReader(bytes: writer.sink.bytes, expectedKnowledgeBase: codec.frameFingerprint)
            decoded = []
            let summary = try FramePipeline.decode(from: &received, codec: codec, labels: labels, windowSize: 40) {
                decoded.append($0)
            }
            correct += summary.correct
            total += summary.labelled
        }
        #expect(decoded.map(\.sequence) == Array(0..<UInt64(test.count)))
        #expect(decoded.allSatisfy { abs($0.probabilities.values.reduce(0, +) - 1) < 1e-5 && $0.label != nil })
        let fileAccuracy = Double(correct) / Double(total)

        var evalRNG = Xoshiro256(seed: 12)
        let evaluation = try LinkEvaluation.run(
            pipeline: codec.pipeline, test: LabeledBatch(inputs: codec.inputs(for: test), labels: test.labels),
            raw: nil,
            naiveEavesdropper: nil,
            configuration: EvaluationConfiguration(
                channels: [spec], snrDecibels: [20], semanticPasses: 5, adaptiveEavesdropper: nil),
            using: &evalRNG)
        let evalAccuracy = try #require(evaluation.rows.first { $0.scheme == .semantic }).accuracy
        // 685 decisions each; a binomial standard error ≈ 0.007 at 0.97: allow ~4 of them.
        #expect(abs(fileAccuracy - evalAccuracy) <= 0.03)
        #expect(fileAccuracy >= 0.93)
    }

    @Test func transmitKeepsHeadersAndWritesValidFrames() throws {
        let (_, codec, test) = try Self.shipped()
        let frames = try Self.encoded(Self.records(test.subset(Array(0..<10))), codec, encoding: .int8, first: 100)
        var reader = SemanticFrameReader(bytes: frames)
        var writer = SemanticFrameWriter()
        var rng = Xoshiro256(seed: 3)
        _ = try FramePipeline.transmit(
            from: &reader, to: &writer, channel: try ChannelSpec.parse("erasure:0.5"), snrDecibels: 10,
            noise: try SemanticNoiseSpec.parse("blank:0.2,jam:0.1"), using: &rng)
        var sentReader = SemanticFrameReader(bytes: frames)
        var received = SemanticFrameReader(bytes: writer.sink.bytes)  // verifies every CRC
        let before = try sentReader.readAll()
        let after = try received.readAll()
        #expect(after.map(\.sequenceNumber) == Array(100..<110))
        #expect(after.allSatisfy { $0.encoding == .int8 && $0.knowledgeBase == codec.frameFingerprint })
        #expect(before.map(\.symbols) != after.map(\.symbols))
        // Tabular (input) noise is refused on the channel step.
        var again = SemanticFrameReader(bytes: frames)
        var sink = SemanticFrameWriter()
        #expect(throws: SemanticCodecError.self) {
            _ = try FramePipeline.transmit(
                from: &again, to: &sink, channel: try ChannelSpec.parse("awgn"), snrDecibels: 10,
                noise: SemanticNoiseSpec(terms: [.init(name: "jitter", rate: 0.1)]), using: &rng)
        }
    }

    @Test func damagedAndForeignFramesAreRefusedNamingFrameAndOffset() throws {
        let (_, codec, test) = try Self.shipped()
        let frames = try Self.encoded(Self.records(test.subset(Array(0..<6))), codec)
        let frameBytes = frames.count / 6
        func decode(_ bytes: [UInt8]) throws {
            var reader = SemanticFrameReader(
                bytes: bytes, file: "x.semf", expectedKnowledgeBase: codec.frameFingerprint)
            _ = try FramePipeline.decode(from: &reader, codec: codec, labels: nil) { _ in }
        }
        // Truncated inside frame #4.
        #expect {
            try decode(Array(frames.prefix(4 * frameBytes + 10)))
        } throws: { error in
            let e = error as? SemanticCodecError
            return e?.code == .truncatedFrame && e?.frameIndex == 4 && e?.offset == 4 * frameBytes
                && e?.file == "x.semf"
        }
        // A flipped payload byte in frame #2: CRC error naming the frame and its offset.
        var flipped = frames
        flipped[2 * frameBytes + SemanticFrame.headerByteCount + 3] ^= 0x40
        #expect {
            try decode(flipped)
        } throws: { error in
            let e = error as? SemanticCodecError
            return e?.code == .checksumMismatch && e?.frameIndex == 2 && e?.offset == 2 * frameBytes
                && "\(error)".contains("frame #2")
        }
        // Frames of another knowledge base.
        var rng = Xoshiro256(seed: 1)
        let foreign = SemanticFrame.frames(
            symbols: codec.encode(codec.inputs(for: test.subset([0, 1])), using: &rng), modality: .tabular,
            taskID: TabularCodec.frameTaskID, knowledgeBase: KBFingerprint(bytes: [1, 2, 3, 4, 5, 6, 7, 8]),
            firstSequenceNumber: 0)
        #expect {
            try decode(SemanticFrame.serialized(foreign))
        } throws: { error in
            let e = error as? SemanticCodecError
            return e?.code == .knowledgeBaseMismatch && "\(error)".contains("0102030405060708")
                && "\(error)".contains(codec.frameFingerprint!.description)
        }
    }

    @Test func labelsFilesAreCheckedLineByLine() throws {
        let names = ["benign", "malignant"]
        let good = Array("{\"label\":\"benign\",\"sequence\":3}\n\n{\"label\":\"malignant\",\"sequence\":4}\n".utf8)
        #expect(try FrameLabels.parse(good, source: "l.jsonl", labelNames: names) == [3: 0, 4: 1])
        for (text, reason) in [
            ("{\"label\":\"benign\"}\n", "line 1: expected a JSON object"),
            ("{\"label\":\"benign\",\"sequence\":1}\n{\"label\":\"cyst\",\"sequence\":2}\n", "line 2: label 'cyst'"),
            ("{\"label\":\"benign\",\"sequence\":1}\n{\"label\":\"benign\",\"sequence\":1}\n", "has a label already"),
            ("\n", "no labels"),
        ] {
            #expect {
                _ = try FrameLabels.parse(Array(text.utf8), source: "l.jsonl", labelNames: names)
            } throws: { error in
                (error as? ExperimentsError)?.code == .invalidFrameLabels && "\(error)".contains(reason)
            }
        }
        // A labels file without a frame's sequence number is an error at decode time.
        let (_, codec, test) = try Self.shipped()
        let frames = try Self.encoded(Self.records(test.subset([0, 1])), codec)
        var reader = SemanticFrameReader(bytes: frames)
        #expect {
            _ = try FramePipeline.decode(from: &reader, codec: codec, labels: [0: 1]) { _ in }
        } throws: { error in
            "\(error)".contains("no label for frame sequence 1")
        }
    }

    @Test func evalNoiseConditionsUseTheSpecNames() throws {
        let (kb, _, _) = try Self.shipped()
        let specs = try ["none", "jitter:0.1", "missing:0.2,swap:0.1"].map {
            try SemanticNoiseCatalog.standard.parse($0, for: .tabular)
        }
        let conditions = try TabularLinkEvaluation.noiseConditions(for: specs, knowledgeBase: kb)
        #expect(conditions.map(\.name) == ["none", "jitter:0.1", "missing:0.2,swap:0.1"])
        #expect(conditions.map(\.perturbations.count) == [0, 1, 2])
    }
}
