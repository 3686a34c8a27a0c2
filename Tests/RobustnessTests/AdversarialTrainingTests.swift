import Channels
import KnowledgeBase
import NeuralNet
import Robustness
import SemanticCodec
import TensorCore
import Testing

@Suite struct AdversarialTrainingTests {
    @Test(arguments: [AdversarialTraining.Method.fgsm, .pgd, .trades])
    func objectiveGradientsHaveParameterShapes(method: AdversarialTraining.Method) throws {
        let pipeline = Toy.untrained()
        let objective = try AdversarialTraining(method: method, budget: 1, steps: 2, fraction: 0.5, symbolSignalToPerturbationDecibels: 10)
        let batch = Toy.data(count: 16, seed: 4)
        var rng = Xoshiro256(seed: 5)
        let step = objective.lossAndGradients(
            pipeline, inputs: batch.inputs, labels: batch.labels, domain: Toy.domain,
            through: ChannelLayer(AWGN(snrDecibels: 10), trainingSNRDecibels: 0...20), using: &rng)
        #expect(step.gradients.map(\.shape) == pipeline.parameters.map(\.shape))
        #expect(step.loss.isFinite && step.loss > 0)
        #expect(step.gradients.allSatisfy { $0.isFinite })
        let settings = objective.settings
        #expect(settings.units == "physical" && settings.target == "input+symbols")
        #expect(settings.parameters?["symbol_spr_db"] == 10)
    }

    @Test func tradesGradientMatchesFiniteDifferencesOfItsLoss() throws {
        // β·KL(p ‖ q) with the adversarial input fixed: check ∂/∂parameters against central
        // differences through a noise-free channel by comparing the loss decrease along the gradient.
        let pipeline = Toy.untrained(seed: 7)
        let objective = try AdversarialTraining(method: .trades, budget: 0.5, steps: 1, beta: 1)
        let batch = Toy.data(count: 8, seed: 8)
        var rng = Xoshiro256(seed: 9)
        let channel = ChannelLayer(PassThroughChannel())
        let step = objective.lossAndGradients(
            pipeline, inputs: batch.inputs, labels: batch.labels, domain: Toy.domain, through: channel, using: &rng)
        var moved = pipeline
        moved.parameters = zip(pipeline.parameters, step.gradients).map { $0 - 1e-2 * $1 }
        var rng2 = Xoshiro256(seed: 9)
        let after = objective.lossAndGradients(
            moved, inputs: batch.inputs, labels: batch.labels, domain: Toy.domain, through: channel, using: &rng2)
        #expect(after.loss < step.loss)
    }

    @Test func noiseAwareTrainingRecordsItsSpec() throws {
        struct Jitter: SemanticPerturbation {
            var stage: PerturbationStage { .input }
            func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
                x.map { $0 + 0.3 * Float(rng.nextStandardGaussian()) }
            }
        }
        let objective = try NoiseAwareTraining(spec: try SemanticNoiseSpec.parse("jitter:0.3"), perturbations: [Jitter()])
        #expect(objective.settings.method == "noise_aware")
        #expect(objective.settings.parameters == ["jitter": 0.3])
        let pipeline = Toy.trained(objective: objective, epochs: 10)
        let test = Toy.data(count: 200, seed: 41)
        let m = AttackEvaluation.measure(
            Toy.model(pipeline), inputs: test.inputs, labels: test.labels, attack: try InputAttack(method: .fgsm, budget: 0),
            seed: 1)
        #expect(m.cleanAccuracy > 0.8)
        #expect(throws: RobustnessError.self) {
            try NoiseAwareTraining(spec: .none, perturbations: [])
        }
    }
}
