import KnowledgeBase
import NeuralNet
import SemanticCodec
import TensorCore
import Testing

@Suite struct KnowledgeBaseNetworkTests {
    static func mlp() -> Sequential<Float> {
        var rng = Xoshiro256(seed: 3)
        return Sequential<Float>(
            Dense<Float>(inputSize: 5, outputSize: 7, using: &rng), ReLU<Float>(),
            Dense<Float>(inputSize: 7, outputSize: 4, using: &rng))
    }

    static func knowledgeBase(_ sections: [Section]) -> KnowledgeBase {
        KnowledgeBase(manifest: Manifest(name: "n", modality: .tabular, task: "t", createdBy: "tests"), sections: sections)
    }

    @Test func describedNetworkRebuildsExactly() throws {
        let network = Self.mlp()
        var sections: [Section] = []
        let layers = KnowledgeBaseNetwork.describe(network, prefix: "enc", sizes: [5, 7, 4], sections: &sections)
        #expect(layers.map(\.kind) == ["dense", "relu", "dense"])
        #expect(sections.map(\.name) == ["enc.0.weight", "enc.0.bias", "enc.2.weight", "enc.2.bias"])
        let rebuilt = try KnowledgeBaseNetwork.network(
            layers, in: Self.knowledgeBase(sections), inputSize: 5, outputSize: 4, role: "encoder")
        var rng = Xoshiro256(seed: 9)
        let x = Tensor<Float>.gaussian(shape: [3, 5], using: &rng)
        #expect(rebuilt(x).scalars == network(x).scalars)
    }

    /// Each way a stored network can be wrong gives the matching code and names the section.
    @Test func rejectsBrokenDescriptions() {
        var sections: [Section] = []
        let layers = KnowledgeBaseNetwork.describe(Self.mlp(), prefix: "enc", sizes: [5, 7, 4], sections: &sections)
        func failure(_ layers: [CodecArchitecture.Layer], _ sections: [Section], input: Int = 5, output: Int = 4)
            -> KnowledgeBaseNetwork.Failure?
        {
            do {
                _ = try KnowledgeBaseNetwork.layers(
                    layers, in: Self.knowledgeBase(sections), inputSize: input, outputSize: output, role: "encoder")
                return nil
            } catch { return error }
        }
        let missing = failure(layers, sections.filter { $0.name != "enc.2.bias" })
        #expect(missing?.code == .missingSection && missing?.section == "enc.2.bias")
        #expect(failure(layers, sections, input: 6)?.code == .sectionMismatch)
        #expect(failure(layers, sections, output: 3)?.message.contains("expected 3") == true)
        var nonFinite = sections
        nonFinite[0] = Section(name: "enc.0.weight", content: .tensor(Tensor(repeating: .nan, shape: [5, 7])))
        let nan = failure(layers, nonFinite)
        #expect(nan?.code == .sectionMismatch && nan?.message.contains("non-finite") == true)
        let unknown = failure(layers + [CodecArchitecture.Layer(kind: "conv")], sections)
        #expect(unknown?.message.contains("unknown kind 'conv'") == true)
        #expect(failure([], sections)?.code == .sectionMismatch)
    }
}
