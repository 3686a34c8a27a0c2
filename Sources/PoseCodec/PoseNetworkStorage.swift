// Storing the pose codec's MLPs in a knowledge base and rebuilding the codec from one.

import HealthData
import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// `Dense`/`ReLU` chains ↔ knowledge-base tensor sections `<prefix>.<layer index>.weight|bias`
/// plus the manifest's layer list.
enum PoseNetworkStorage {
    static func describe(encoderMLP network: Sequential<Float>, prefix: String, sections: inout [Section])
        -> [CodecArchitecture.Layer]
    {
        var described: [CodecArchitecture.Layer] = []
        for (index, layer) in network.layers.enumerated() {
            if let dense = layer as? Dense<Float> {
                let weight = "\(prefix).\(index).weight", bias = "\(prefix).\(index).bias"
                sections.append(Section(name: weight, content: .tensor(dense.weight)))
                sections.append(Section(name: bias, content: .tensor(dense.bias)))
                described.append(
                    CodecArchitecture.Layer(
                        kind: "dense", inputSize: dense.inputSize, outputSize: dense.outputSize,
                        tensors: [weight, bias]))
            } else {
                precondition(layer is ReLU<Float>, "Pose MLPs are Dense/ReLU chains, got \(type(of: layer))")
                let width = described.last?.outputSize
                described.append(CodecArchitecture.Layer(kind: "relu", inputSize: width, outputSize: width))
            }
        }
        return described
    }

    /// Rebuilds a chain from its description, checking every tensor first (``KnowledgeBaseNetwork``).
    static func network(
        _ layers: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(PoseCodecError) -> Sequential<Float> {
        do {
            return try KnowledgeBaseNetwork.network(layers, in: kb, inputSize: inputSize, outputSize: outputSize, role: role)
        } catch {
            throw PoseCodecError(
                code: error.code == .missingSection ? .missingSection : .sectionMismatch, message: error.message,
                section: error.section)
        }
    }
}

extension PoseCodec {
    /// Rebuilds the codec — front end, encoder and decoder — from a pose knowledge base.
    /// - Throws: ``PoseCodecError`` naming the section: `missingSection`, or `sectionMismatch`
    ///   (not a pose KB, invalid description, statistics of the wrong size, shapes that do not chain).
    public init(knowledgeBase kb: KnowledgeBase) throws(PoseCodecError) {
        guard kb.manifest.modality == .pose else {
            throw PoseCodecError(
                code: .sectionMismatch, message: "modality is '\(kb.manifest.modality)', expected 'pose'",
                section: KnowledgeBase.manifestSectionName)
        }
        let description = try PoseKnowledgeBase.description(of: kb)
        typealias Names = PoseKnowledgeBase.SectionName
        guard let mean = kb.tensor(named: Names.featureMean),
            let deviation = kb.tensor(named: Names.featureStandardDeviation),
            let template = kb.tensor(named: Names.template)
        else {
            throw PoseCodecError(
                code: .missingSection, message: "the knowledge base lacks the pose front-end statistics",
                section: Names.featureMean)
        }
        guard description.clipFrames >= 2, description.frameStride >= 1 else {
            throw PoseCodecError(
                code: .sectionMismatch, message: "clip_frames must be ≥ 2 and frame_stride ≥ 1",
                section: Names.description)
        }
        let kept = (description.clipFrames + description.frameStride - 1) / description.frameStride
        guard mean.shape == [kept * 51], deviation.shape == [kept * 51], template.shape == [17, 3],
            mean.isFinite, template.isFinite, deviation.scalars.allSatisfy({ $0.isFinite && $0 > 0 })
        else {
            throw PoseCodecError(
                code: .sectionMismatch,
                message:
                    "front-end statistics have shapes \(mean.shape), \(deviation.shape), \(template.shape); expected [\(kept * 51)], [\(kept * 51)] (positive) and [17, 3], finite",
                section: Names.featureMean)
        }
        guard kb.manifest.labelNames == PoseCodec.labelNames else {
            throw PoseCodecError(
                code: .sectionMismatch,
                message:
                    "label_names \(kb.manifest.labelNames) differ from the pose activities \(PoseCodec.labelNames)",
                section: KnowledgeBase.manifestSectionName)
        }
        guard let architecture = kb.manifest.architecture, architecture.channelUsesPerSample >= 1 else {
            throw PoseCodecError(
                code: .missingSection, message: "the manifest has no architecture with k ≥ 1",
                section: KnowledgeBase.manifestSectionName)
        }
        let k = architecture.channelUsesPerSample
        let features = PoseFeatureExtractor(
            clipFrames: description.clipFrames, frameStride: description.frameStride,
            normalizesScale: description.normalizesScale, mean: mean.scalars, standardDeviation: deviation.scalars,
            template: template.scalars)
        let encoder = try PoseNetworkStorage.network(
            architecture.encoder, in: kb, inputSize: features.featureCount, outputSize: 2 * k, role: "encoder")
        let decoder = try PoseNetworkStorage.network(
            architecture.decoder, in: kb, inputSize: 2 * k, outputSize: PoseCodec.decoderOutputs, role: "decoder")
        self.init(
            pipeline: Pipeline(
                encoder: NetworkEncoder(
                    network: PoseEncoderNetwork(features: features, network: encoder), channelUsesPerSample: k),
                decoder: NetworkDecoder(network: decoder, channelUsesPerSample: k)))
        self.knowledgeBaseFingerprint = kb.fingerprint
    }
}
