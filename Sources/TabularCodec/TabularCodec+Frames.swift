// Tabular records to `.semf` frames and back.

import SemanticCodec
import TensorCore

extension TabularCodec {
    /// The task id tabular frames carry: 1, the knowledge base's classification task (a tabular
    /// knowledge base has exactly one task; the <doc:SemFFormat> header field is "defined by the
    /// knowledge base").
    public static let frameTaskID: UInt32 = 1

    /// Encodes preprocessed records to one `.semf` frame each: encoder, the pipeline's
    /// perturbations (if any), power normalization, then the frame's symbol encoding.
    /// - Parameters:
    ///   - inputs: `[records, width]` (``inputs(for:rows:)`` or `preprocessor.transform(_:)`).
    ///   - firstSequenceNumber: the first frame's sequence number (then consecutive).
    ///   - encoding: the payload encoding (float32 exact; float16 and int8 quantize).
    ///   - rng: the pipeline's perturbations draw from it.
    /// - Returns: `records` frames: modality tabular, task ``frameTaskID``, this codec's KB
    ///   fingerprint, `k` symbols each.
    /// - Precondition: the codec was read from a knowledge base (it has a ``frameFingerprint``).
    public func frames<G: RandomNumberGenerator>(
        for inputs: Tensor<Float>, firstSequenceNumber: UInt64, encoding: SymbolEncoding, using rng: inout G
    ) -> [SemanticFrame] {
        guard let fingerprint = frameFingerprint else {
            preconditionFailure("Frames carry a KB fingerprint: build the codec from a knowledge base first")
        }
        return SemanticFrame.frames(
            symbols: encode(inputs, using: &rng), modality: .tabular, taskID: Self.frameTaskID,
            knowledgeBase: fingerprint, firstSequenceNumber: firstSequenceNumber, encoding: encoding)
    }

    /// Class probabilities `[frames, classes]` for received frames, after checking that every frame
    /// was encoded with this codec's knowledge base and fits its decoder.
    /// - Parameter frames: received frames, in the order to decode.
    /// - Throws: `SemanticCodecError` `knowledgeBaseMismatch` (naming both fingerprints) or
    ///   `incompatibleFrame` (symbol count, modality or task id), with the frame's index; a
    ///   ``TabularCodecError`` `incompatibleSymbols` for non-finite symbols.
    /// - Precondition: the codec was read from a knowledge base.
    public func probabilities(for frames: [SemanticFrame]) throws -> Tensor<Float> {
        guard let fingerprint = frameFingerprint else {
            preconditionFailure("Decoding frames needs the KB fingerprint: build the codec from a knowledge base first")
        }
        let received = try SemanticFrame.symbolBatch(
            frames, knowledgeBase: fingerprint, symbolCount: channelUsesPerSample, modality: .tabular,
            taskID: Self.frameTaskID)
        return try probabilities(received: received)
    }
}
