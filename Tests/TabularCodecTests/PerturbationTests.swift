import HealthData
import KnowledgeBase
import SemanticCodec
import TabularCodec
import TensorCore
import Testing

@Suite struct PerturbationTests {
    static func bcwd() throws -> (TabularDataset, TabularPreprocessor) {
        let schema = try TableSchema(contentsOfFile: Repository.bcwdSchema)
        let table = try TabularDataset.load(contentsOfFile: Repository.bcwdData, schema: schema)
        return (table, TabularPreprocessor.fit(table, trainingRows: Array(0..<table.count), scaling: .standardize))
    }

    @Test func jitterHasTheFieldScale() throws {
        let (table, pre) = try Self.bcwd()
        let x = pre.transform(table)
        var rng = Xoshiro256(seed: 11)
        let jitter = TabularValueJitter(preprocessor: pre, fraction: 0.2)
        #expect(jitter.stage == .input)
        let y = jitter.perturb(x, using: &rng)
        let d = zip(y.scalars, x.scalars).map { Double($0 - $1) }
        let n = Double(d.count)
        let mean = d.reduce(0, +) / n
        let sd = (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        // 6147 draws: standard error of the sd ≈ 0.2/√(2n) ≈ 0.0018; 5 SE ≈ 0.009.
        #expect(abs(sd - 0.2) < 0.01)
        #expect(abs(mean) < 5 * 0.2 / n.squareRoot())
        // In the field's unit the noise is fraction × training std.
        guard case .standardize(mean: _, standardDeviation: let std) = pre.fields[0].normalizer!.method else {
            Issue.record("expected standardization")
            return
        }
        let raw = (0..<table.count).map { r in
            pre.fields[0].normalizer!.denormalize(Double(y.scalars[r * 9])) - table.values[r][0]!
        }
        let rawSD = (raw.reduce(0) { $0 + $1 * $1 } / Double(raw.count)).squareRoot()
        #expect(abs(rawSD - 0.2 * std) < 0.2 * std * 5 / (2 * Double(raw.count)).squareRoot() + 0.2 * std * 0.05)
        #expect(TabularValueJitter(preprocessor: pre, fraction: 0).perturb(x, using: &rng) == x)
    }

    @Test func missingFieldsReplacesExactlyTheRequestedCount() throws {
        let (table, pre) = try Self.bcwd()
        let x = pre.transform(table, rows: Array(0..<200))
        var rng = Xoshiro256(seed: 5)
        let missing = TabularMissingFields(preprocessor: pre, fieldsPerRecord: 3)
        let (y, pullback) = missing.forward(x, using: &rng)
        var hits = [Int](repeating: 0, count: 9)
        for r in 0..<200 {
            var changed = 0
            for f in 0..<9 {
                let imputed = Float(pre.fields[f].normalizer!.normalize(pre.fields[f].imputedValue))
                let value = y.scalars[r * 9 + f]
                if value != x.scalars[r * 9 + f] {
                    #expect(value == imputed)
                    changed += 1
                }
                if value == imputed && pullback(Tensor(repeating: 1, shape: x.shape)).scalars[r * 9 + f] == 0 {
                    hits[f] += 1
                }
            }
            #expect(changed <= 3)
        }
        // Exactly 3 zeroed gradients (replaced fields) per record.
        #expect(hits.reduce(0, +) == 600)
        // Every field gets picked about 200·3/9 ≈ 67 times.
        #expect(hits.allSatisfy { $0 > 30 && $0 < 110 })
        let none = TabularMissingFields(preprocessor: pre, fieldsPerRecord: 2, probability: 0)
        #expect(none.perturb(x, using: &rng) == x)
    }

    @Test func swapExchangesTwoFieldsInTheirUnits() throws {
        let (table, pre) = try Self.bcwd()
        let x = pre.transform(table, rows: Array(0..<100))
        var rng = Xoshiro256(seed: 9)
        let y = TabularFieldSwap(preprocessor: pre).perturb(x, using: &rng)
        for r in 0..<100 {
            let before = (0..<9).map { table.values[r][$0]! }
            let after = (0..<9).map { f in
                (pre.fields[f].normalizer!.denormalize(Double(y.scalars[r * 9 + f])) * 1000).rounded() / 1000
            }
            // The multiset of raw values is unchanged and at most two positions differ.
            #expect(before.sorted() == after.sorted())
            #expect(zip(before, after).filter { $0 != $1 }.count <= 2)
        }
        #expect(y != x)
    }
}
