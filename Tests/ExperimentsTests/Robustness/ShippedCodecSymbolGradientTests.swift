import Channels
import Experiments
import Foundation
import KnowledgeBase
import Robustness
import SemanticCodec
import TensorCore
import Testing

/// The shipped BCWD codec as the symbol attacks see it: at a fixed AWGN realization (10 dB), the
/// gradient with respect to the transmitted symbols matches finite differences, and the decoder
/// is one the symbol certificate covers.
@Suite struct ShippedCodecSymbolGradientTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .path

    @Test func symbolGradientsMatchFiniteDifferencesAtAFixedRealization() throws {
        let kb = try KnowledgeBase(contentsOfFile: Self.root + "/KnowledgeBases/bcwd-tabular.semkb")
        let target = try RobustnessEvaluation.tabularTarget(
            kb, channel: ChannelSpec(kind: .awgn), snrDecibels: 10,
            dataPath: Self.root + "/Samples/bcwd/breast-cancer-wisconsin.data")
        let inputs = target.testInputs.rows(0..<6)
        let labels = Array(target.testLabels.prefix(6))
        let width = target.model.symbolWidth
        let offset = Tensor<Float>(shape: [6, width], scalars: (0..<(6 * width)).map { Float($0 % 7) * 0.03 - 0.09 })
        let loss = crossEntropyLoss(labels: labels)
        let noise = Xoshiro256(seed: 17)
        var draw = noise
        let g = target.model.gradients(inputs: inputs, symbolOffset: offset, loss: loss, using: &draw)
        func total(_ s: Tensor<Float>) -> Double {
            var copy = noise
            return target.model.gradients(inputs: inputs, symbolOffset: s, loss: loss, using: &copy).losses
                .reduce(0) { $0 + Double($1) }
        }
        let h: Float = 1e-3
        for i in 0..<offset.count {
            var plus = offset, minus = offset
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let numeric = (total(plus) - total(minus)) / Double(2 * h)
            #expect(abs(numeric - Double(g.symbols.scalars[i])) < 2e-2 * max(1, abs(numeric)), "symbol \(i)")
        }
        // The decoder is Dense → ReLU → Dense: the certificate applies.
        let received = Array(repeating: Float(0.5), count: width)
        _ = try SymbolRobustnessBounds.certifiedMargin(
            decoder: target.model.pipeline.decoder.network, received: received, label: 0, radius: 0.1)
    }
}
