import KnowledgeBase
import NeuralNet
import TensorCore

/// The feed-forward networks a knowledge base stores: written as tensor sections plus a layer list
/// in the manifest's ``CodecArchitecture``, and rebuilt from them with every tensor checked.
///
/// Layer kinds: `dense` (tensors `[weight, bias]`, weight `[in, out]`, bias `[out]`), `relu`, and
/// `phase_invariant` (``PhaseInvariantFeatures``, option `symbols` = half its input width). Every
/// modality codec stores its networks this way; each maps ``Failure`` onto its own error type, so
/// the file, section and reason reach the user in that module's terms.
///
/// ```swift
/// var sections: [Section] = []
/// let layers = KnowledgeBaseNetwork.describe(mlp, prefix: "encoder", sizes: [30, 64, 8], sections: &sections)
/// // … write the KB with `sections` and `layers` in its manifest, read it back as `kb` …
/// let rebuilt = try KnowledgeBaseNetwork.network(layers, in: kb, inputSize: 30, outputSize: 8, role: "encoder")
/// ```
public enum KnowledgeBaseNetwork {
    /// Why a stored network cannot be rebuilt.
    public struct Failure: Error, Sendable, Hashable {
        /// The kind of failure.
        public enum Code: Sendable, Hashable {
            /// A tensor the layer list names is absent.
            case missingSection
            /// A tensor has the wrong shape or non-finite values, or the layer list is inconsistent
            /// (unknown kind, wrong tensor count, widths that do not chain).
            case sectionMismatch
        }

        /// The kind of failure.
        public var code: Code
        /// What was found and what was expected.
        public var message: String
        /// The section at fault (a tensor's name, or the manifest's).
        public var section: String
    }

    /// Appends the parameters of `network` (`Dense → ReLU → … → Dense`, layer widths `sizes`) as
    /// tensor sections `<prefix>.<2i>.weight|bias` and returns the layer list describing it.
    ///
    /// - Precondition: `network.parameters` holds `2 · (sizes.count − 1)` tensors (weight, bias per
    ///   dense layer).
    public static func describe(
        _ network: Sequential<Float>, prefix: String, sizes: [Int], sections: inout [Section]
    ) -> [CodecArchitecture.Layer] {
        var layers: [CodecArchitecture.Layer] = []
        let parameters = network.parameters
        precondition(
            parameters.count == 2 * (sizes.count - 1), "MLP \(prefix): \(parameters.count) tensors for sizes \(sizes)")
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

    /// Rebuilds a network from its layer list, checking each tensor's presence, shape and
    /// finiteness and that the widths chain from `inputSize` to `outputSize`.
    ///
    /// - Parameters:
    ///   - description: the layer list (from the manifest).
    ///   - kb: the knowledge base holding the tensors.
    ///   - inputSize: the width the first layer must accept.
    ///   - outputSize: the width the last layer must produce.
    ///   - role: names the network in messages ("encoder", "decoder", "head k=2", …).
    /// - Returns: the layers, first to last (at least one).
    public static func layers(
        _ description: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(Failure) -> [any Layer<Float>] {
        var built: [any Layer<Float>] = []
        var width = inputSize
        let manifest = KnowledgeBase.manifestSectionName
        for (index, layer) in description.enumerated() {
            switch layer.kind {
            case "dense":
                guard layer.tensors.count == 2 else {
                    throw Failure(
                        code: .sectionMismatch,
                        message: "\(role) layer \(index) (dense) lists \(layer.tensors.count) tensors, expected [weight, bias]",
                        section: manifest)
                }
                guard let weight = kb.tensor(named: layer.tensors[0]) else {
                    throw missing(layer.tensors[0], "\(role) layer \(index) weight")
                }
                guard let bias = kb.tensor(named: layer.tensors[1]) else {
                    throw missing(layer.tensors[1], "\(role) layer \(index) bias")
                }
                guard weight.rank == 2, weight.shape[0] == width, weight.shape[1] >= 1 else {
                    throw Failure(
                        code: .sectionMismatch,
                        message: "\(role) layer \(index) weight has shape \(weight.shape), expected [\(width), n]",
                        section: layer.tensors[0])
                }
                guard bias.shape == [weight.shape[1]] else {
                    throw Failure(
                        code: .sectionMismatch,
                        message: "\(role) layer \(index) bias has shape \(bias.shape), expected [\(weight.shape[1])]",
                        section: layer.tensors[1])
                }
                guard weight.isFinite && bias.isFinite else {
                    throw Failure(
                        code: .sectionMismatch, message: "\(role) layer \(index) has non-finite parameters",
                        section: layer.tensors[0])
                }
                built.append(Dense(weight: weight, bias: bias))
                width = weight.shape[1]
            case "relu":
                built.append(ReLU<Float>())
            case "phase_invariant":
                guard let symbols = layer.options["symbols"].flatMap(Int.init), symbols >= 1, 2 * symbols == width
                else {
                    throw Failure(
                        code: .sectionMismatch,
                        message: "\(role) layer \(index) (phase_invariant) needs option symbols = \(width / 2) for \(width) inputs, got '\(layer.options["symbols"] ?? "")'",
                        section: manifest)
                }
                let features = PhaseInvariantFeatures(symbolCount: symbols)
                built.append(features)
                width = features.outputSize
            default:
                throw Failure(
                    code: .sectionMismatch, message: "\(role) layer \(index) has unknown kind '\(layer.kind)'",
                    section: manifest)
            }
        }
        guard width == outputSize, !built.isEmpty else {
            throw Failure(
                code: .sectionMismatch, message: "\(role) outputs \(width) values, expected \(outputSize)",
                section: manifest)
        }
        return built
    }

    /// ``layers(_:in:inputSize:outputSize:role:)`` as one ``Sequential``.
    public static func network(
        _ description: [CodecArchitecture.Layer], in kb: KnowledgeBase, inputSize: Int, outputSize: Int, role: String
    ) throws(Failure) -> Sequential<Float> {
        Sequential(try layers(description, in: kb, inputSize: inputSize, outputSize: outputSize, role: role))
    }

    private static func missing(_ section: String, _ what: String) -> Failure {
        Failure(code: .missingSection, message: "the knowledge base lacks the \(what) '\(section)'", section: section)
    }
}
