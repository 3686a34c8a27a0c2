import NeuralNet
import TensorCore
import Testing

private typealias F = AdvancedLayerFixtures

@Suite struct EmbeddingTests {
    init() { BLAS.setThreadCount(1) }

    static let tokens = Tensor<Double>(shape: [3, 4], scalars: [0, 2, 2, 5, 1, 1, 1, 1, 4, 0, 3, 2])

    @Test func looksUpRows() {
        var rng = Xoshiro256(seed: 1)
        let embedding = Embedding<Double>(vocabularySize: 6, dimension: 3, using: &rng)
        let y = embedding(Self.tokens)
        #expect(y.shape == [3, 4, 3])
        for b in 0..<3 {
            for t in 0..<4 {
                let index = Int(Self.tokens[b, t])
                for j in 0..<3 { #expect(y[b, t, j] == embedding.table[index, j]) }
            }
        }
    }

    @Test func gradientCheckOnTable() {
        var rng = Xoshiro256(seed: 2)
        let embedding = Embedding<Double>(vocabularySize: 6, dimension: 3, using: &rng)
        let report = GradientCheck.check(embedding, input: Self.tokens, seed: 4, checkInput: false)
        #expect(report.maxError <= 1e-6, "\(report)")
    }

    @Test func tableGradientScatterAddsAndInputGradientIsZero() {
        let table = Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let embedding = Embedding(table: table)
        let input = Tensor<Double>(shape: [1, 3], scalars: [2, 0, 2])
        var rng = Xoshiro256(seed: 0)
        let (y, pullback) = embedding.forward(input, training: true, using: &rng)
        #expect(y.scalars == [5, 6, 1, 2, 5, 6])
        let dy = Tensor<Double>(shape: [1, 3, 2], scalars: [1, 10, 100, 1000, 2, 20])
        let (dx, grads) = pullback(dy)
        #expect(dx == Tensor(zeros: [1, 3]))
        #expect(grads == [Tensor(shape: [3, 2], scalars: [100, 1000, 0, 0, 3, 30])])
    }

    @Test func perExampleGradientsMatchSingleExampleBackprop() {
        var rng = Xoshiro256(seed: 3)
        let embedding = Embedding<Double>(vocabularySize: 6, dimension: 3, using: &rng)
        let dy = F.gaussian([3, 4, 3], seed: 5)
        let perExample = embedding.perExampleGradients(input: Self.tokens, outputGradient: dy)
        #expect(perExample.map(\.shape) == [[3, 6, 3]])
        var probe = Xoshiro256(seed: 0)
        for i in 0..<3 {
            let (_, pullback) = embedding.forward(F.example(Self.tokens, i), training: true, using: &probe)
            let single = pullback(F.example(dy, i)).parameters[0]
            #expect(F.relativeDifference(F.slice(perExample[0], i), single) <= 1e-5)
        }
        let batch = embedding.forward(Self.tokens, training: true, using: &probe).pullback(dy).parameters[0]
        #expect(F.relativeDifference(perExample[0].sum(alongAxis: 0), batch) <= 1e-12)
    }

    @Test func floatIndicesWork() {
        var rng = Xoshiro256(seed: 4)
        let embedding = Embedding<Float>(vocabularySize: 4, dimension: 2, using: &rng)
        let y = embedding(Tensor<Float>(shape: [2], scalars: [3, 0]))
        #expect(y.shape == [2, 2])
        #expect(Array(y.scalars[0..<2]) == Array(embedding.table.scalars[6..<8]))
    }

    @Test func outOfRangeIndexTraps() async {
        await #expect(processExitsWith: .failure) {
            let embedding = Embedding(table: Tensor<Double>(zeros: [4, 2]))
            _ = embedding(Tensor<Double>(shape: [1, 2], scalars: [1, 4]))
        }
        await #expect(processExitsWith: .failure) {
            let embedding = Embedding(table: Tensor<Double>(zeros: [4, 2]))
            _ = embedding(Tensor<Double>(shape: [1, 1], scalars: [1.5]))
        }
    }
}
