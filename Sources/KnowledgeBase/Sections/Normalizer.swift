// Per-field affine normalization of numeric inputs.

/// The affine map that brings one numeric field to a standard scale before encoding.
///
/// Standardization ("z-score") maps x to (x − mean)/std; min–max scaling maps x to (x − min)/(max − min),
/// so training values land in [0, 1]. A zero scale (a constant training field) is treated as 1, so the
/// map stays invertible.
public struct Normalizer: Sendable, Hashable {
    /// The field's name (as in the manifest's schema).
    public var field: String
    /// The map's parameters.
    public var method: Method

    /// Creates a normalizer.
    /// - Precondition: the parameters are finite; the standard deviation is ≥ 0; minimum ≤ maximum.
    public init(field: String, method: Method) {
        precondition(method.isValid, "Normalizer for field '\(field)' has invalid parameters \(method)")
        self.field = field
        self.method = method
    }

    init(unchecked field: String, method: Method) {
        self.field = field
        self.method = method
    }

    /// Standardization or min–max scaling, with parameters in the field's unit.
    public enum Method: Sendable, Hashable {
        /// x ↦ (x − mean) / standardDeviation.
        case standardize(mean: Double, standardDeviation: Double)
        /// x ↦ (x − minimum) / (maximum − minimum).
        case minMax(minimum: Double, maximum: Double)

        var isValid: Bool {
            switch self {
            case .standardize(let mean, let deviation): mean.isFinite && deviation.isFinite && deviation >= 0
            case .minMax(let minimum, let maximum): minimum.isFinite && maximum.isFinite && minimum <= maximum
            }
        }

        /// (offset, scale) with x ↦ (x − offset) / scale and a zero scale replaced by 1.
        var offsetAndScale: (offset: Double, scale: Double) {
            switch self {
            case .standardize(let mean, let deviation): (mean, deviation == 0 ? 1 : deviation)
            case .minMax(let minimum, let maximum): (minimum, maximum == minimum ? 1 : maximum - minimum)
            }
        }
    }

    /// Maps a value in the field's unit to the normalized scale.
    public func normalize(_ value: Double) -> Double {
        let (offset, scale) = method.offsetAndScale
        return (value - offset) / scale
    }

    /// Maps a normalized value back to the field's unit (the inverse of ``normalize(_:)``).
    public func denormalize(_ value: Double) -> Double {
        let (offset, scale) = method.offsetAndScale
        return value * scale + offset
    }
}
