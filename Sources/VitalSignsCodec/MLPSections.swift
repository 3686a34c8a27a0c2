import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore

/// Storing `Dense`/`ReLU` multilayer perceptrons in a knowledge base and reading them back.
enum MLPSections {
    /// Appends the parameters of `network` (`Dense → ReLU → … → Dense`, layer sizes `sizes`) as
    /// tensor sections `<prefix>.<layer>.weight|bias` and returns the architecture description
    /// (``KnowledgeBaseNetwork/describe(_:prefix:sizes:sections:)``).
    static func describe(
        _ network: Sequential<Float>, prefix: String, sizes: [Int], sections: inout [Section]
    ) -> [CodecArchitecture.Layer] {
        KnowledgeBaseNetwork.describe(network, prefix: prefix, sizes: sizes, sections: &sections)
    }

    /// Rebuilds an MLP from its description, checking every tensor's presence, shape and finiteness
    /// (``KnowledgeBaseNetwork``).
    static func network(
        _ layers: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(VitalSignsCodecError) -> Sequential<Float> {
        do {
            return try KnowledgeBaseNetwork.network(layers, in: kb, inputSize: inputSize, outputSize: outputSize, role: role)
        } catch {
            throw VitalSignsCodecError(
                code: error.code == .missingSection ? .missingSection : .sectionMismatch, message: error.message,
                section: error.section)
        }
    }

    /// A `[count]` tensor section read back as `[Float]`, checked.
    static func vector(_ name: String, count: Int, in kb: KnowledgeBase) throws(VitalSignsCodecError) -> [Float] {
        guard let t = kb.tensor(named: name) else {
            throw VitalSignsCodecError(code: .missingSection, message: "the knowledge base lacks '\(name)'", section: name)
        }
        guard t.shape == [count], t.isFinite else {
            throw VitalSignsCodecError(
                code: .sectionMismatch, message: "'\(name)' has shape \(t.shape), expected finite [\(count)]", section: name)
        }
        return t.scalars
    }
}
