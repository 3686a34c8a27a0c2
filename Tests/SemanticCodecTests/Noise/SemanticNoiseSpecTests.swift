import SemanticCodec
import TensorCore
import Testing

@Suite struct SemanticNoiseSpecTests {
    @Test func parsesTermsInOrderAndSpellsThemCanonically() throws {
        let spec = try SemanticNoiseSpec.parse(" Missing:0.20 , swap:.1 ")
        #expect(spec.terms == [.init(name: "missing", rate: 0.2), .init(name: "swap", rate: 0.1)])
        #expect(spec.description == "missing:0.2,swap:0.1")
        #expect(try SemanticNoiseSpec.parse(spec.description) == spec)
        #expect(try SemanticNoiseSpec.parse("none").isNone)
        #expect(SemanticNoiseSpec.none.description == "none")
        #expect(try SemanticNoiseSpec.parse("jitter:1,blank:0").description == "jitter:1,blank:0")
    }

    @Test(arguments: [
        ("", "is empty"),
        ("jitter", "needs a rate"),
        ("jitter:0.1,", "empty term"),
        ("jitter:0.1:2", "exactly one"),
        ("9x:0.1", "starts with a letter"),
        ("jitter:abc", "rate 'abc' is not a number"),
        ("jitter:nan", "is not a number"),
        ("jitter:1.5", "rate must be in [0,1], got 1.5"),
        ("missing:-0.1", "rate must be in [0,1]"),
        ("swap:0.1,swap:0.2", "given twice"),
    ])
    func malformedSpecsAreTypedErrorsSayingWhy(text: String, reason: String) {
        #expect {
            _ = try SemanticNoiseSpec.parse(text)
        } throws: { error in
            guard let error = error as? SemanticCodecError else { return false }
            return error.code == .invalidNoiseSpec && error.message.contains(reason)
        }
    }

    @Test func catalogChecksNamesPerModalityAndStages() throws {
        var catalog = SemanticNoiseCatalog()
        catalog.register([SemanticNoiseKind(name: "synonym", stage: .input, summary: "s")], for: .text)
        #expect(try catalog.parse("synonym:0.2,jam:0.1", for: .text).terms.count == 2)
        #expect {
            _ = try catalog.parse("synonym:0.2", for: .tabular)
        } throws: { error in
            let message = (error as? SemanticCodecError)?.message ?? ""
            return message.contains("unknown noise 'synonym' for tabular; expected one of blank, jam")
        }
        #expect {
            _ = try catalog.parse("synonym:0.2", for: .text, stages: [.symbols], hint: "use encode")
        } throws: { error in
            let message = (error as? SemanticCodecError)?.message ?? ""
            return message.contains("stage 'input'") && message.contains("(blank, jam)")
                && message.hasSuffix("use encode")
        }
        #expect(catalog.kinds(for: .pose).map(\.name) == ["blank", "jam"])
    }

    @Test func symbolBlankingZeroesTheRateOfSymbols() {
        var rng = Xoshiro256(seed: 1)
        let x = Tensor<Float>(shape: [2000, 8], scalars: (0..<16000).map { Float($0 % 7) + 1 })
        let (y, pullback) = SymbolBlankingNoise(probability: 0.3).forward(x, using: &rng)
        let blanked = stride(from: 0, to: y.scalars.count, by: 2).filter {
            y.scalars[$0] == 0 && y.scalars[$0 + 1] == 0
        }
        let rate = Double(blanked.count) / 8000
        #expect(abs(rate - 0.3) < 4 * (0.3 * 0.7 / 8000).squareRoot())  // 4 standard errors
        let gradient = pullback(Tensor(shape: x.shape, scalars: [Float](repeating: 1, count: x.scalars.count)))
        #expect(zip(gradient.scalars, y.scalars).allSatisfy { ($0 == 0) == ($1 == 0) })
    }

    @Test func symbolJammingAddsItsPower() {
        var rng = Xoshiro256(seed: 2)
        let x = Tensor<Float>(shape: [5000, 8], scalars: [Float](repeating: 0.5, count: 40000))
        let y = SymbolJammingNoise(powerRatio: 0.2).perturb(x, using: &rng)
        let power = zip(y.scalars, x.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / 20000
        // Power per complex symbol 0.2; its estimate over 20 000 symbols has std 0.2·√(1/20000)·√2.
        #expect(abs(power - 0.2) < 4 * 0.2 * (2.0 / 20000).squareRoot())
        #expect(SymbolJammingNoise(powerRatio: 0).perturb(x, using: &rng) == x)
    }
}
