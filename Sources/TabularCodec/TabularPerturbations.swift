// Tabular semantic noise: value jitter, missing fields, swapped fields.

import KnowledgeBase
import SemanticCodec
import TensorCore

/// Value jitter: adds Gaussian noise to every numeric feature of a record, with standard deviation
/// ``fraction`` of the field's own scale (its training standard deviation for standardized
/// features, its training range for min–max scaled ones) — measurement error on each field's
/// scale. Acts on the encoded input `[records, width]` at stage `input`; categorical and indicator
/// columns are left alone.
///
/// Because the normalized unit *is* the field's scale, the noise added to a normalized column has
/// standard deviation ``fraction``. Each record is jittered with probability ``probability``.
public struct TabularValueJitter: SemanticPerturbation {
    /// The columns of numeric features.
    public let numericColumns: [Int]
    /// The encoded record width.
    public let width: Int
    /// σ as a fraction of each field's scale (≥ 0).
    public let fraction: Float
    /// The probability that a record is jittered, in [0, 1].
    public let probability: Double

    /// Creates value jitter for records coded by `preprocessor`.
    /// - Precondition: `fraction ≥ 0`, `0 ≤ probability ≤ 1`.
    public init(preprocessor: TabularPreprocessor, fraction: Float, probability: Double = 1) {
        precondition(fraction >= 0 && fraction.isFinite, "Jitter fraction must be finite and ≥ 0, got \(fraction)")
        precondition((0...1).contains(probability), "Jitter probability must be in [0, 1], got \(probability)")
        self.numericColumns = preprocessor.fields.filter { $0.kind == .numeric }.map(\.firstColumn)
        self.width = preprocessor.width
        self.fraction = fraction
        self.probability = probability
    }

    /// Stage `input`.
    public var stage: PerturbationStage { .input }

    /// Draws, per record, one uniform (whether to jitter; only when ``probability`` < 1) and then one
    /// standard normal per numeric field.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        checkRecords(x, width: width)
        var y = x
        let records = x.shape[0]
        y.scalars.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<records where probability >= 1 || rng.nextUnitDouble() < probability {
                for c in numericColumns {
                    buffer[r * width + c] += fraction * Float(rng.nextStandardGaussian())
                }
            }
        }
        return y
    }
}

/// Missing fields: in each record, ``fieldsPerRecord`` distinct features chosen uniformly at random
/// are replaced by the missing-value handling — the imputed value (training median or mode), and
/// the missing-value indicator set when the feature has one. Acts on the encoded input at stage
/// `input`; each record is affected with probability ``probability``. The pullback passes no
/// gradient to the replaced columns.
public struct TabularMissingFields: SemanticPerturbation {
    /// The features' codings.
    public let fields: [TabularPreprocessor.Field]
    /// The encoded record width.
    public let width: Int
    /// Features made missing per affected record.
    public let fieldsPerRecord: Int
    /// The probability that a record is affected, in [0, 1].
    public let probability: Double

    /// Creates the missing-field perturbation for records coded by `preprocessor`.
    /// - Precondition: `0 ≤ fieldsPerRecord ≤` the number of features, `0 ≤ probability ≤ 1`.
    public init(preprocessor: TabularPreprocessor, fieldsPerRecord: Int, probability: Double = 1) {
        precondition(
            (0...preprocessor.fields.count).contains(fieldsPerRecord),
            "fieldsPerRecord must be in 0...\(preprocessor.fields.count), got \(fieldsPerRecord)")
        precondition((0...1).contains(probability), "Missing-field probability must be in [0, 1], got \(probability)")
        self.fields = preprocessor.fields
        self.width = preprocessor.width
        self.fieldsPerRecord = fieldsPerRecord
        self.probability = probability
    }

    /// Stage `input`.
    public var stage: PerturbationStage { .input }

    /// The perturbed batch and the mask of untouched entries (1) and replaced ones (0).
    func perturbWithMask<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (Tensor<Float>, [Float]) {
        checkRecords(x, width: width)
        var y = x
        var mask = [Float](repeating: 1, count: x.scalars.count)
        let records = x.shape[0]
        var order = Array(fields.indices)
        for r in 0..<records where probability >= 1 || rng.nextUnitDouble() < probability {
            // Partial Fisher–Yates: the first `fieldsPerRecord` entries become a uniform sample.
            for i in 0..<fieldsPerRecord {
                let j = i + Int(rng.next(upperBound: UInt64(order.count - i)))
                order.swapAt(i, j)
            }
            for i in 0..<fieldsPerRecord {
                let field = fields[order[i]]
                let coded = field.encode(nil)
                for (offset, value) in coded.enumerated() {
                    y.scalars[r * width + field.firstColumn + offset] = value
                    mask[r * width + field.firstColumn + offset] = 0
                }
            }
        }
        return (y, mask)
    }

    /// Replaces the chosen features of each affected record (see the type's documentation).
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        perturbWithMask(x, using: &rng).0
    }

    /// The perturbed batch; the pullback zeroes the gradient of the replaced entries.
    public func forward<G: RandomNumberGenerator>(
        _ x: Tensor<Float>, using rng: inout G
    ) -> (output: Tensor<Float>, pullback: @Sendable (Tensor<Float>) -> Tensor<Float>) {
        let (y, mask) = perturbWithMask(x, using: &rng)
        let shape = x.shape
        return (y, { gradient in gradient * Tensor(shape: shape, scalars: mask) })
    }
}

/// Swapped fields: in each affected record, two distinct numeric features chosen uniformly at
/// random exchange their values (in the fields' own units: each value is de-normalized with its
/// field's normalizer and re-normalized with the other's) — a transcription error that puts a
/// value in the wrong column. Acts on the encoded input at stage `input`; each record is affected
/// with probability ``probability``.
public struct TabularFieldSwap: SemanticPerturbation {
    /// The numeric features' codings.
    public let numericFields: [TabularPreprocessor.Field]
    /// The encoded record width.
    public let width: Int
    /// The probability that a record is affected, in [0, 1].
    public let probability: Double

    /// Creates the field swap for records coded by `preprocessor`.
    /// - Precondition: at least two numeric features; `0 ≤ probability ≤ 1`.
    public init(preprocessor: TabularPreprocessor, probability: Double = 1) {
        let numeric = preprocessor.fields.filter { $0.kind == .numeric }
        precondition(numeric.count >= 2, "Swapping fields needs ≥ 2 numeric features, got \(numeric.count)")
        precondition((0...1).contains(probability), "Swap probability must be in [0, 1], got \(probability)")
        self.numericFields = numeric
        self.width = preprocessor.width
        self.probability = probability
    }

    /// Stage `input`.
    public var stage: PerturbationStage { .input }

    /// Per record: one uniform (whether to swap; only when ``probability`` < 1), then the two fields.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        checkRecords(x, width: width)
        var y = x
        let n = numericFields.count
        for r in 0..<x.shape[0] where probability >= 1 || rng.nextUnitDouble() < probability {
            let i = Int(rng.next(upperBound: UInt64(n)))
            var j = Int(rng.next(upperBound: UInt64(n - 1)))
            if j >= i { j += 1 }
            let a = numericFields[i]
            let b = numericFields[j]
            let rawA = a.normalizer!.denormalize(Double(x.scalars[r * width + a.firstColumn]))
            let rawB = b.normalizer!.denormalize(Double(x.scalars[r * width + b.firstColumn]))
            y.scalars[r * width + a.firstColumn] = Float(a.normalizer!.normalize(rawB))
            y.scalars[r * width + b.firstColumn] = Float(b.normalizer!.normalize(rawA))
        }
        return y
    }
}

private func checkRecords(_ x: Tensor<Float>, width: Int) {
    precondition(x.rank == 2 && x.shape[1] == width, "Tabular perturbation expects [records, \(width)], got \(x.shape)")
}
