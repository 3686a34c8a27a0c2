import TensorCore

/// The box of valid encoder inputs, and how encoder-input units map to the input's physical units,
/// column by column — what an adversary's budget and box constraints are stated in.
///
/// An encoder input column `c` holds `(x_phys − offset_c) / scale_c` for a physical value `x_phys`
/// (e.g. a BCWD grade on the 1–10 scale, standardized by the training mean and standard deviation:
/// `scale` = the standard deviation). A perturbation of `δ` physical units moves the column by
/// `δ / scale_c`; a gradient `∂L/∂x_enc` is `scale_c · ∂L/∂x_phys`. Valid inputs lie in
/// `lower_c … upper_c` (encoder units; the physical range mapped through the coding).
///
/// Columns an attacker may not touch (missing-value indicators, one-hot categories) have
/// ``isAttackable`` false: their perturbation is always zero.
public struct InputDomain: Sendable, Hashable {
    /// Physical units per encoder-input unit, per column (> 0).
    public var scale: [Float]
    /// The smallest valid value per column, in encoder-input units.
    public var lower: [Float]
    /// The largest valid value per column, in encoder-input units (≥ ``lower``).
    public var upper: [Float]
    /// Whether each column may be perturbed.
    public var isAttackable: [Bool]
    /// The physical unit's name, for reports (e.g. `"grade (1–10)"`).
    public var unit: String

    /// Creates a domain.
    /// - Precondition: all arrays have one entry per column, scales are finite and > 0,
    ///   `lower ≤ upper` column by column.
    public init(scale: [Float], lower: [Float], upper: [Float], isAttackable: [Bool]? = nil, unit: String) {
        precondition(
            scale.count == lower.count && lower.count == upper.count && (isAttackable?.count ?? scale.count) == scale.count,
            "InputDomain arrays differ in length: scale \(scale.count), lower \(lower.count), upper \(upper.count)")
        precondition(scale.allSatisfy { $0.isFinite && $0 > 0 }, "InputDomain scales must be finite and > 0")
        precondition(zip(lower, upper).allSatisfy { $0 <= $1 }, "InputDomain needs lower ≤ upper in every column")
        self.scale = scale
        self.lower = lower
        self.upper = upper
        self.isAttackable = isAttackable ?? Array(repeating: true, count: scale.count)
        self.unit = unit
    }

    /// An unbounded domain of `width` columns whose units are the encoder's own.
    public static func unbounded(width: Int) -> InputDomain {
        InputDomain(
            scale: Array(repeating: 1, count: width), lower: Array(repeating: -.greatestFiniteMagnitude, count: width),
            upper: Array(repeating: .greatestFiniteMagnitude, count: width), unit: "encoder units")
    }

    /// Columns per input.
    public var width: Int { scale.count }

    /// Clamps every column of `x` (`[batch, width]`, encoder units) into the box.
    public func clamp(_ x: Tensor<Float>) -> Tensor<Float> {
        precondition(x.rank == 2 && x.shape[1] == width, "InputDomain expects [batch, \(width)], got \(x.shape)")
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                let c = i % width
                buffer[i] = Swift.min(Swift.max(buffer[i], lower[c]), upper[c])
            }
        }
        return y
    }
}
