import KnowledgeBase
import NeuralNet
import TensorCore

/// Storing `Dense`/`ReLU` multilayer perceptrons in a knowledge base and reading them back.
enum MLPSections {
    /// Appends the parameters of `network` (`Dense → ReLU → … → Dense`, layer sizes `sizes`) as
    /// tensor sections `<prefix>.<layer>.weight|bias` and returns the architecture description.
    static func describe(
        _ network: Sequential<Float>, prefix: String, sizes: [Int], sections: inout [Section]
    ) -> [CodecArchitecture.Layer] {
        var layers: [CodecArchitecture.Layer] = []
        let parameters = network.parameters
        precondition(parameters.count == 2 * (sizes.count - 1), "MLP \(prefix): \(parameters.count) tensors for sizes \(sizes)")
        for i in 0..<(sizes.count - 1) {
            let weight = "\(prefix).\(2 * i).weight"
            let bias = "\(prefix).\(2 * i).bias"
            sections.append(Section(name: weight, content: .tensor(parameters[2 * i])))
            sections.append(Section(name: bias, content: .tensor(parameters[2 * i + 1])))
            layers.append(.init(kind: "dense", inputSize: sizes[i], outputSize: sizes[i + 1], tensors: [weight, bias]))
            if i < sizes.count - 2 { layers.append(.init(kind: "relu", inputSize: sizes[i + 1], outputSize: sizes[i + 1])) }
        }
        return layers
    }

    /// Rebuilds an MLP from its description, checking every tensor's presence, shape and finiteness.
    static func network(
        _ layers: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(VitalSignsCodecError) -> Sequential<Float> {
        var built: [any Layer<Float>] = []
        var width = inputSize
        for (index, layer) in layers.enumerated() {
            switch layer.kind {
            case "dense":
                guard layer.tensors.count == 2, let weight = kb.tensor(named: layer.tensors[0]),
                    let bias = kb.tensor(named: layer.tensors[1])
                else {
                    throw VitalSignsCodecError(
                        code: .missingSection, message: "\(role) layer \(index) (dense) needs its weight and bias tensors",
                        section: layer.tensors.first)
                }
                guard weight.rank == 2, weight.shape[0] == width, bias.shape == [weight.shape[1]] else {
                    throw VitalSignsCodecError(
                        code: .sectionMismatch,
                        message: "\(role) layer \(index): weight \(weight.shape) and bias \(bias.shape), expected [\(width), n] and [n]",
                        section: layer.tensors[0])
                }
                guard weight.isFinite && bias.isFinite else {
                    throw VitalSignsCodecError(
                        code: .sectionMismatch, message: "\(role) layer \(index) has non-finite parameters",
                        section: layer.tensors[0])
                }
                built.append(Dense(weight: weight, bias: bias))
                width = weight.shape[1]
            case "relu":
                built.append(ReLU<Float>())
            default:
                throw VitalSignsCodecError(
                    code: .sectionMismatch, message: "\(role) layer \(index) has unknown kind '\(layer.kind)'",
                    section: KnowledgeBase.manifestSectionName)
            }
        }
        guard width == outputSize, !built.isEmpty else {
            throw VitalSignsCodecError(
                code: .sectionMismatch, message: "\(role) outputs \(width) values, expected \(outputSize)",
                section: KnowledgeBase.manifestSectionName)
        }
        return Sequential(built)
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
