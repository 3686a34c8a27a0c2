import KnowledgeBase
import NeuralNet
import TensorCore

/// Storing `Dense`/`ReLU` chains (multilayer perceptrons) in a knowledge base and reading them back:
/// each dense layer's weight `[in, out]` and bias `[out]` become tensor sections
/// `<prefix>.<layer index>.weight|bias`, and the chain is described by `CodecArchitecture.Layer`s
/// (`dense` with its tensors, `relu`) in the manifest or a codec's own raw section.
///
/// ```swift
/// var sections: [Section] = []
/// let described = MLPStorage.describe(network, prefix: "encoder", sections: &sections)
/// let rebuilt = try MLPStorage.network(described, in: kb, inputSize: 18, outputSize: 8, role: "encoder")
/// ```
public enum MLPStorage {
    /// Appends the parameters of `network`'s `Dense` layers as sections and returns the description.
    /// - Precondition: every layer is a `Dense<Float>` or a `ReLU<Float>`.
    public static func describe(
        _ network: Sequential<Float>, prefix: String, firstIndex: Int = 0, sections: inout [Section]
    ) -> [CodecArchitecture.Layer] {
        var described: [CodecArchitecture.Layer] = []
        for (offset, layer) in network.layers.enumerated() {
            let index = firstIndex + offset
            if let dense = layer as? Dense<Float> {
                let weight = "\(prefix).\(index).weight"
                let bias = "\(prefix).\(index).bias"
                sections.append(Section(name: weight, content: .tensor(dense.parameters[0])))
                sections.append(Section(name: bias, content: .tensor(dense.parameters[1])))
                described.append(
                    CodecArchitecture.Layer(
                        kind: "dense", inputSize: dense.parameters[0].shape[0], outputSize: dense.parameters[0].shape[1],
                        tensors: [weight, bias]))
            } else {
                precondition(layer is ReLU<Float>, "only Dense and ReLU layers are stored, got \(type(of: layer))")
                described.append(CodecArchitecture.Layer(kind: "relu"))
            }
        }
        return described
    }

    /// Rebuilds a chain from its description, checking every tensor's presence, shape and finiteness.
    /// - Parameters:
    ///   - layers: the description (`dense`, `relu`).
    ///   - kb: the knowledge base holding the tensors.
    ///   - inputSize: the width the chain reads.
    ///   - outputSize: the width it must produce.
    ///   - role: a name for messages, e.g. `head fused encoder`.
    /// - Throws: ``SemanticCodecError`` `invalidKnowledgeBase` naming the role, layer and section.
    public static func network(
        _ layers: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(SemanticCodecError) -> Sequential<Float> {
        func failure(_ message: String) -> SemanticCodecError {
            SemanticCodecError(code: .invalidKnowledgeBase, message: "\(role): \(message)")
        }
        var built: [any Layer<Float>] = []
        var width = inputSize
        for (index, layer) in layers.enumerated() {
            switch layer.kind {
            case "dense":
                guard layer.tensors.count == 2, let weight = kb.tensor(named: layer.tensors[0]),
                    let bias = kb.tensor(named: layer.tensors[1])
                else { throw failure("layer \(index) (dense) needs its weight and bias tensor sections \(layer.tensors)") }
                guard weight.rank == 2, weight.shape[0] == width, weight.shape[1] >= 1, bias.shape == [weight.shape[1]] else {
                    throw failure(
                        "layer \(index): section '\(layer.tensors[0])' has shape \(weight.shape) and bias \(bias.shape); expected [\(width), n] and [n]")
                }
                guard (weight.scalars + bias.scalars).allSatisfy(\.isFinite) else {
                    throw failure("layer \(index): section '\(layer.tensors[0])' or its bias has non-finite values")
                }
                built.append(Dense(weight: weight, bias: bias))
                width = weight.shape[1]
            case "relu":
                built.append(ReLU<Float>())
            default:
                throw failure("layer \(index) has unknown kind '\(layer.kind)', expected dense or relu")
            }
        }
        guard width == outputSize, !built.isEmpty else {
            throw failure("outputs \(width) values, expected \(outputSize)")
        }
        return Sequential(built)
    }
}
